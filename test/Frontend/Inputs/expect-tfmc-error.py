"""Runs a tfmc command that must fail with one error line.

usage: expect-tfmc-error.py [--unchanged DIR]... -- COMMAND ARGS...

The command must exit with status 1 (not a crash), print nothing on stdout
and exactly one line starting with 'tfmc: error: ' on stderr; that line is
echoed on stdout for FileCheck. With --unchanged DIR, DIR must hold the same
files afterwards (names, sizes, mtimes): no executable, no temporary file.
"""

import os
import subprocess
import sys


def snapshot(directory):
    entries = {}
    for name in os.listdir(directory):
        st = os.lstat(os.path.join(directory, name))
        entries[name] = (st.st_size, st.st_mtime_ns)
    return entries


def main(argv):
    if "--" not in argv:
        sys.exit("expect-tfmc-error.py: missing '--' before the command")
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    if len(options) % 2 or any(o != "--unchanged" for o in options[::2]):
        sys.exit("expect-tfmc-error.py: bad options %r" % options)
    dirs = options[1::2]
    before = {d: snapshot(d) for d in dirs}

    proc = subprocess.run(command, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    stdout = proc.stdout.decode(errors="replace")
    stderr = proc.stderr.decode(errors="replace")
    problems = []
    if proc.returncode != 1:
        problems.append("exit status %d, expected 1" % proc.returncode)
    if stdout:
        problems.append("unexpected stdout: %r" % stdout)
    lines = stderr.splitlines()
    if len(lines) != 1 or not stderr.endswith("\n") or \
            not lines[0].startswith("tfmc: error: "):
        problems.append("stderr is not one 'tfmc: error: ' line: %r" % stderr)
    for d in dirs:
        after = snapshot(d)
        if after != before[d]:
            problems.append("%s changed: %r -> %r" % (d, before[d], after))
    if problems:
        sys.stderr.write("expect-tfmc-error.py: %s\n  %s\n" %
                         (" ".join(command), "\n  ".join(problems)))
        return 1
    sys.stdout.write(stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

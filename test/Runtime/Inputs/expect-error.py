"""Runs a command that must fail the way compiled programs report errors.

usage: expect-error.py [--unchanged DIR]... [--fsize BYTES] [--stdout FILE]
                       -- COMMAND ARGS...

The command must exit with status 2, print nothing on stdout and exactly one
line starting with 'error: ' on stderr; that line is echoed on stdout for
FileCheck. With --unchanged DIR, DIR must hold the same files afterwards
(names, sizes, mtimes): no result, no temporary file left behind. --fsize
limits the size of the files the command may write (RLIMIT_FSIZE).
--stdout sends the command's stdout to FILE (e.g. /dev/full, a full disk)
instead of checking that it is empty.
"""

import os
import resource
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
        sys.exit("expect-error.py: missing '--' before the command")
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    if len(options) % 2 or \
            any(o not in ("--unchanged", "--fsize", "--stdout")
                for o in options[::2]):
        sys.exit("expect-error.py: bad options %r" % options)
    pairs = list(zip(options[::2], options[1::2]))
    dirs = [value for option, value in pairs if option == "--unchanged"]
    fsize = [int(value) for option, value in pairs if option == "--fsize"]
    stdout_paths = [value for option, value in pairs if option == "--stdout"]
    before = {d: snapshot(d) for d in dirs}

    def limit():
        if fsize:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize[-1], fsize[-1]))

    out = open(stdout_paths[-1], "wb") if stdout_paths else subprocess.PIPE
    proc = subprocess.run(command, stdout=out, stderr=subprocess.PIPE,
                          preexec_fn=limit)
    stdout = (proc.stdout or b"").decode(errors="replace")
    stderr = proc.stderr.decode(errors="replace")
    problems = []
    if proc.returncode != 2:
        problems.append("exit status %d, expected 2" % proc.returncode)
    if stdout:
        problems.append("unexpected stdout: %r" % stdout)
    lines = stderr.splitlines()
    if len(lines) != 1 or not stderr.endswith("\n") or \
            not lines[0].startswith("error: "):
        problems.append("stderr is not one 'error: ' line: %r" % stderr)
    for d in dirs:
        after = snapshot(d)
        if after != before[d]:
            problems.append("%s changed: %r -> %r" % (d, before[d], after))
    if problems:
        sys.stderr.write("expect-error.py: %s\n  %s\n" %
                         (" ".join(command), "\n  ".join(problems)))
        return 1
    sys.stdout.write(stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

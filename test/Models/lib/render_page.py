#!/usr/bin/env python3
"""Renders an HTML page in headless Chromium (Debian's chromium package).

    render_page.py PAGE.html SHOT.png

Fails unless Chromium loads the page, its DOM after loading still holds
every heatmap of the source (no parse errors dropped them), no console
error is logged, and the screenshot is written.
"""

import os
import re
import subprocess
import sys
import tempfile

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--window-size=1400,1000"]


def chromium(args, profile):
    cmd = ["chromium"] + FLAGS + [f"--user-data-dir={profile}"] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def main():
    page, shot = os.path.abspath(sys.argv[1]), sys.argv[2]
    with open(page, encoding="utf-8") as f:
        source = f.read()
    figures = len(re.findall(r"<figure ", source))
    cells = len(re.findall(r"<rect ", source))
    with tempfile.TemporaryDirectory() as profile:
        dom = chromium(["--dump-dom", "--enable-logging=stderr", "--v=0",
                        "file://" + page], profile)
        if dom.returncode != 0:
            sys.exit(f"FAIL: chromium --dump-dom exited {dom.returncode}")
        if "CONSOLE" in dom.stderr or "Uncaught" in dom.stderr:
            sys.exit("FAIL: console messages while loading:\n" + dom.stderr)
        got_figures = len(re.findall(r"<figure ", dom.stdout))
        got_cells = len(re.findall(r"<rect ", dom.stdout))
        if (got_figures, got_cells) != (figures, cells) or figures == 0:
            sys.exit(f"FAIL: rendered DOM has {got_figures} maps and "
                     f"{got_cells} cells, the page {figures} and {cells}")
        shot_run = chromium([f"--screenshot={os.path.abspath(shot)}",
                             "file://" + page], profile)
        if shot_run.returncode != 0 or not os.path.exists(shot) or \
                os.path.getsize(shot) < 10000:
            sys.exit("FAIL: no screenshot")
    print(f"rendered {figures} maps, {cells} cells")


if __name__ == "__main__":
    main()

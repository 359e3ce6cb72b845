"""How long ``thidua`` (``make run``'s entry point) takes to end once its window is
closed, beside a floor measured in the same run: a bare PySide6 window in its own
process, closed the same way (nothing of this project in it).

Needs a real X display (``Xvfb :57 &`` and ``DISPLAY=:57``) and ``xdotool``; not a
pytest module (no timed assertion belongs in the suite). Each round starts the
program traced (``THIDUA_TRACE_STARTUP``), waits for the event asked (``figures-shown``:
the dashboard filled; ``workspace-shown``: its reads still queued or running), waits
``--settle`` seconds, presses Ctrl+Q with xdotool and clocks, on ``time.monotonic``,
until the window is gone and until the process has exited. Program and floor
alternate, so both see the same load::

    python tests/bench/exit_time.py FEDERATION_DB [--event figures-shown] [--rounds 3]

A database with figures: ``thidua-cli demo --units 2000 --out DIR`` then
``thidua-cli --db DIR/federation.db import DIR/packages``; set ``THIDUA_STAFF_NAME``
so no first-use question is asked.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

FLOOR = """
import sys
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle(sys.argv[1])
window.setCentralWidget(QLabel("floor"))
QShortcut(QKeySequence.StandardKey.Quit, window, window.close)
window.resize(1366, 768)
window.show()
print("startup floor-shown 0", flush=True)
sys.exit(app.exec())
"""


def _windows(pid: int, title: str) -> list[str]:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--pid", str(pid), "--name", title],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.split()


def close_and_clock(
    command: Sequence[str], title: str, event: str, settle: float
) -> tuple[float, float]:
    """Start ``command``, wait for ``startup <event>``, press Ctrl+Q in its window;
    seconds from the key to the window gone, and to the process gone."""
    environment = dict(os.environ, THIDUA_TRACE_STARTUP="1")
    process = subprocess.Popen(
        list(command), env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    while not (line := process.stdout.readline()).startswith(f"startup {event} "):
        if not line:
            raise SystemExit(f"{command[0]} ended before {event}")
    time.sleep(settle)
    window = ""
    while not window:
        ids = _windows(process.pid, title)
        window = ids[-1] if ids else ""
    focus = ["xdotool", "windowfocus", "--sync", window]
    subprocess.run(focus, capture_output=True, check=False)
    pressed = time.monotonic()
    subprocess.run(["xdotool", "key", "--window", window, "ctrl+q"], check=False)
    gone = None
    while process.poll() is None:
        if gone is None and not _windows(process.pid, title):
            gone = time.monotonic()
        time.sleep(0.002)
    ended = time.monotonic()
    return (gone or ended) - pressed, ended - pressed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("--event", default="figures-shown")
    parser.add_argument("--settle", type=float, default=0.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    # The installed gui-script, as `make run` starts it (sys.path from PYTHONPATH, not the
    # current folder: the code measured is the one PYTHONPATH names).
    thidua = [str(Path(sys.executable).with_name("thidua")), "--db", args.database]
    floor = [sys.executable, "-c", FLOOR, "floor-window"]
    runs: dict[str, list[tuple[float, float]]] = {"thidua": [], "floor": []}
    for _round in range(args.rounds):
        runs["thidua"].append(close_and_clock(thidua, "^Thi Đua —", args.event, args.settle))
        runs["floor"].append(close_and_clock(floor, "^floor-window$", "floor-shown", args.settle))
    floor_exit = statistics.median(end for _gone, end in runs["floor"])
    print(f"Ctrl+Q at {args.event} + {args.settle:g} s, median of {args.rounds} (ms):")
    print("| process | window gone | process gone | after the window | × floor |")
    print("|---|---:|---:|---:|---:|")
    for name, rows in runs.items():
        gone = statistics.median(g for g, _e in rows)
        ended = statistics.median(e for _g, e in rows)
        after = statistics.median(e - g for g, e in rows)
        ratio = ended / floor_exit if floor_exit else float("nan")
        figures = " | ".join(f"{seconds * 1000:.0f}" for seconds in (gone, ended, after))
        print(f"| {name} | {figures} | {ratio:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the federation GUI's memory with 20,000 units (``make bench``).

Collected only when pytest is given this folder (the normal suite ignores
``tests/bench`` through ``addopts``). Linux only (reads ``/proc``).

The province: ``make_demo(units=20000)`` (roster, clusters, accepted keys)
and its 60,000 registration, 6-month and annual packages imported with
``import_packages``, as federation staff would have it at the end of the
year. Building it takes a few minutes; ``BENCH_MEMORY_CACHE=/some/folder``
keeps it between runs (rebuilt when missing), ``BENCH_MEMORY_UNITS`` sets
another size.

Each figure is a fresh process started as the ``thidua`` entry point starts
it, with ``THIDUA_TRACE_STARTUP=1``: once it reports ``workspace-shown`` (the
workspace showing the plan; the bare window reports ``data-shown``), its
``VmRSS`` is sampled every 0.2 s until it has settled: idle (under 5 % of a core,
from ``/proc/PID/stat``) with its RSS within 1 MiB for 3 s. The screens go on
loading in the background, and a job waiting on a long query keeps the RSS flat
while it works: the RSS alone settled seconds too early. The peak (``VmHWM``)
and settled RSS are kept. A last process (``VISIT_SCRIPT``) opens the same main
window, waits until its background work is done, then shows every page of
the federation workspace in turn (the roster tree, the keys, the dashboard…),
waiting for each to finish loading, and reports the same two figures.
Same-run baselines: a bare ``QMainWindow`` and the application on a
federation database holding only the built-in plan. Goal: peak RSS with
20,000 units < 300 MiB (asserted).

Run: ``make bench``, or
``QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/bench/test_bench_memory.py
-s -p no:cacheprovider --override-ini addopts=``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = int(os.environ.get("BENCH_MEMORY_UNITS", "20000"))
LIMIT_MIB = 300
SETTLE_SECONDS = 3.0
#: Settled means idle too: at most this share of a core over ``SETTLE_SECONDS``.
IDLE_SHARE = 0.05
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
TIMEOUT = 300.0

#: The application exactly as the ``thidua`` entry point starts it.
APP_SCRIPT = "import sys\nfrom ui.main import main\nsys.exit(main(sys.argv[1:]))\n"

#: The baseline: a bare window, reporting ``data-shown`` once painted.
BARE_SCRIPT = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: print(f"startup data-shown {time.monotonic()}"))
        return False

sys.stdout.reconfigure(line_buffering=True)
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1100, 700)
first_paint = FirstPaint()
window.installEventFilter(first_paint)
window.show()
app.exec()
"""


#: The main window on the database; every federation page shown once the loading is done.
VISIT_SCRIPT = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.core import i18n
from app.core.preferences import Preferences
import ui.widgets.import_scan  # as ui.main: PySide6's source scan off before the screens
from ui.shell.main_window import MainWindow

sys.stdout.reconfigure(line_buffering=True)
app = QApplication(sys.argv[:1])
i18n.set_language("vi")
window = MainWindow(Path(sys.argv[1]), Preferences())
window.resize(1100, 700)
window.show()
state = {"shown": False, "tab": -1, "idle": 0}

def poll():
    if not state["shown"]:
        return
    # Private, but this is a benchmark: wait until the background jobs are done.
    state["idle"] = 0 if window._runner.busy() else state["idle"] + 1
    if state["idle"] < 5:  # 0.5 s without a job
        return
    tabs = window.federation_workspace.tabs
    state["tab"] += 1
    state["idle"] = 0
    if state["tab"] < tabs.count():
        tabs.setCurrentIndex(state["tab"])
        return
    print("startup data-shown 0", flush=True)
    timer.stop()

window.plan_shown.connect(lambda _plan: state.update(shown=True))
timer = QTimer()
timer.timeout.connect(poll)
timer.start(100)
QTimer.singleShot(0, window.start)
app.exec()
"""


@dataclass(frozen=True)
class Memory:
    peak_mib: float
    settled_mib: float
    seconds_to_data: float


def _status_kib(pid: int) -> dict[str, int]:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return {
            key: int(rest.split()[0])
            for key, _sep, rest in (line.partition(":") for line in status)
            if key in ("VmRSS", "VmHWM")
        }


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used (``/proc/PID/stat``)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rpartition(")")[2].split()  # from field 3, the state
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def measure(
    label: str, command: list[str], env: dict[str, str], until: str = "data-shown"
) -> Memory:
    """Peak and settled RSS of ``command`` once it has reported ``until``.

    A process that ends (or is still silent after ``TIMEOUT``) without the line
    fails with ``label``, its exit status and the end of its stderr: the cause.
    """
    started = time.monotonic()
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as stderr:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        deadline = threading.Timer(TIMEOUT, process.kill)  # ends a silent, hung child
        deadline.start()
        try:
            return _sample(label, process, stderr, deadline, until, started)
        finally:
            deadline.cancel()
            process.kill()
            process.wait()


def _sample(
    label: str,
    process: subprocess.Popen[str],
    stderr: IO[str],
    deadline: threading.Timer,
    until: str,
    started: float,
) -> Memory:
    """``measure`` once the process runs: wait for its line, then sample its RSS."""
    assert process.stdout is not None
    shown = None
    for line in process.stdout:
        if line.startswith(f"startup {until} "):
            shown = time.monotonic() - started
            break
    if shown is None:
        status = process.wait()
        stderr.seek(0)
        raise AssertionError(
            f"{label}: ended (exit status {status}) without reporting {until!r}; "
            f"its stderr ends:\n{stderr.read()[-4000:]}"
        )
    deadline.cancel()  # the sampling below keeps to TIMEOUT by itself
    samples = [_status_kib(process.pid)["VmRSS"]]
    steady_since, cpu_since = time.monotonic(), _cpu_seconds(process.pid)
    while time.monotonic() - started < TIMEOUT:
        time.sleep(0.2)
        rss = _status_kib(process.pid)["VmRSS"]
        cpu, now = _cpu_seconds(process.pid), time.monotonic()
        busy = cpu - cpu_since > IDLE_SHARE * max(now - steady_since, SETTLE_SECONDS)
        if abs(rss - samples[-1]) > 1024 or busy:
            steady_since, cpu_since = now, cpu
        samples.append(rss)
        if now - steady_since >= SETTLE_SECONDS:
            break
    final = _status_kib(process.pid)
    return Memory(final["VmHWM"] / 1024, final["VmRSS"] / 1024, shown)


def _province(folder: Path, units: int) -> Path:
    """The demo province with every package imported (reused when already built)."""
    database = folder / "federation.db"
    marker = folder / f"ready-{units}"
    if marker.exists() and database.exists():
        return database
    from app.core.context import open_context
    from app.demo.province import make_demo
    from app.exchange.merge import import_packages

    shutil.rmtree(folder, ignore_errors=True)
    started = time.monotonic()
    demo = make_demo(out_dir=folder, units=units)
    made = time.monotonic() - started
    ctx = open_context(database)
    try:
        summary = import_packages(ctx, paths=[demo.packages_dir], dry_run=False)
    finally:
        ctx.close()
    assert summary.counts["new"] == len(demo.files)
    shutil.rmtree(demo.packages_dir)  # the archive in the database keeps them
    print(
        f"\nprovince: {units:,} units, {len(demo.files):,} packages; made in {made:.0f} s, "
        f"imported in {time.monotonic() - started - made:.0f} s"
    )
    marker.touch()
    return database


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_bench_memory_of_the_federation_gui(tmp_path: Path) -> None:
    cache = os.environ.get("BENCH_MEMORY_CACHE")
    database = _province(Path(cache) if cache else tmp_path / "province", UNITS)
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"),
        THIDUA_HOME=str(tmp_path / "home"),
        THIDUA_TRACE_STARTUP="1",
    )
    env.pop("THIDUA_EXIT_AFTER_SHOW", None)
    empty = tmp_path / "empty.db"
    subprocess.run(
        [
            *(sys.executable, "-m", "app.cli", "--db", str(empty), "init"),
            *("--role", "federation", "--name", "LĐLĐ tỉnh Tuyên Quang"),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )

    bare = measure("bare QMainWindow", [sys.executable, "-c", BARE_SCRIPT], env)
    app = (sys.executable, "-c", APP_SCRIPT, "--db")
    plan_only = measure("thidua, plan only", [*app, str(empty)], env, "workspace-shown")
    loaded = measure(f"thidua, {UNITS:,} units", [*app, str(database)], env, "workspace-shown")
    visited = measure(
        "VISIT_SCRIPT, every page", [sys.executable, "-c", VISIT_SCRIPT, str(database)], env
    )

    print()
    print(f"memory of the federation GUI (peak VmHWM / settled VmRSS), {UNITS:,} units:")
    for label, memory in (
        ("bare QMainWindow", bare),
        ("thidua, plan only", plan_only),
        (f"thidua, {UNITS:,} units", loaded),
        ("  every page visited", visited),
    ):
        print(
            f"  {label:<24}: {memory.peak_mib:6.0f} MiB / {memory.settled_mib:6.0f} MiB"
            f"  (ready after {memory.seconds_to_data:.1f} s)"
        )
    peak = max(loaded.peak_mib, visited.peak_mib)
    print(
        f"  {UNITS:,} units, peak / bare window: {peak / bare.peak_mib:.2f} ×; "
        f"/ plan only: {peak / plan_only.peak_mib:.2f} × "
        f"(+{peak - plan_only.peak_mib:.0f} MiB); goal < {LIMIT_MIB} MiB"
    )
    assert peak < LIMIT_MIB

"""Quitting: the window closes without waiting for reads, and never leaves a write
half done (``MainWindow.closeEvent``, ``TaskRunner.shutdown``).

Each check looks at what happened, never at how long it took: the worker's thread is
gone (Linux lists a process's threads in ``/proc/self/task``), a read under way ended
because the database interrupted it (not because the wait ran out), a write ran to its
commit while the window waited.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from PySide6.QtWidgets import QDialog, QLabel

from app.core.context import AppContext, open_context
from app.core.i18n import gettext as _
from app.core.preferences import Preferences
from tests.gui.widgets import context_of

from ui.shell.main_window import MainWindow
from ui.widgets.tasks import CancelToken

pytestmark = pytest.mark.both_backends

#: A read that takes minutes unless interrupted (bounded, so a regression fails, not hangs).
LONG_READ = {
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 300000000) "
    "SELECT count(*) FROM c",
    "postgresql": "SELECT pg_sleep(120)",
}


def _thread_alive(native_id: int) -> bool:
    return Path(f"/proc/self/task/{native_id}").exists()


def _worker_thread(qtbot: QtBot, window: MainWindow) -> int:
    """The native id of the runner's worker thread (a read run on it reports it)."""
    seen: list[int] = []
    failures: list[BaseException] = []
    window.runner.run(
        lambda _p, _t: threading.get_native_id(), seen.append, failures.append, reads=True
    )
    qtbot.waitUntil(lambda: bool(seen or failures), timeout=20000)
    assert not failures
    return seen[0]


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext, database_url: str) -> MainWindow:
    """The federation's window, started and settled (its first reads are queued or done)."""
    opened = MainWindow(database_url, Preferences(language="en"))
    qtbot.addWidget(opened)
    opened.show()
    with qtbot.waitSignals([opened.plan_shown, opened.settled], timeout=20000):
        opened.start()
    return opened


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_closing_with_an_idle_runner_ends_its_worker(qtbot: QtBot, window: MainWindow) -> None:
    worker = _worker_thread(qtbot, window)
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=20000)
    assert _thread_alive(worker)  # the pool keeps an idle thread around

    assert window.close()

    assert window.runner.closed
    assert window.stopped_cleanly
    # Qt's join returns once the thread's function has ended; the system removes the
    # thread a moment later (the full suite, under load, saw it still listed).
    qtbot.waitUntil(lambda: not _thread_alive(worker), timeout=10000)


def test_closing_interrupts_a_read_and_drops_the_queued_ones(
    qtbot: QtBot, window: MainWindow, backend: str
) -> None:
    ctx = context_of(window)
    started = threading.Event()
    outcome: list[str] = []
    queued_ran: list[bool] = []

    def long_read(_progress: Any, _token: CancelToken) -> None:
        try:
            with ctx.reading() as session:
                started.set()
                session.execute(text(LONG_READ[backend])).scalar()
        except Exception as error:  # what stopped it
            outcome.append(type(error).__name__ + ": " + str(error).splitlines()[0])
            raise
        outcome.append("finished")

    delivered: list[object] = []
    window.runner.run(long_read, delivered.append, delivered.append, reads=True)
    window.runner.run(
        lambda _p, _t: queued_ran.append(True), delivered.append, delivered.append, reads=True
    )
    assert started.wait(20)

    assert window.close()

    assert window.stopped_cleanly  # the wait ended because the read did, not by the clock
    assert len(outcome) == 1
    assert outcome[0] != "finished"
    assert "interrupt" in outcome[0] or "cancel" in outcome[0], outcome
    assert queued_ran == []  # the read queued behind it never started
    qtbot.wait(50)  # queued deliveries would arrive now: none does after quitting
    assert delivered == []


def test_closing_waits_for_a_write_and_says_what_for(
    qtbot: QtBot, window: MainWindow, database_url: str
) -> None:
    ctx = context_of(window)
    release = threading.Event()

    def write(_progress: Any, token: CancelToken) -> None:
        release.wait(30)
        with ctx.unit_of_work() as session:
            session.execute(
                text("INSERT INTO setting (key, value) VALUES ('closing-test', 'written')")
            )

    failures: list[BaseException] = []
    window.runner.run(write, lambda _r: None, failures.append, doing=_("the backup"))
    assert not window.close()  # not yet: the write is under way

    notice = window.closing_notice
    assert isinstance(notice, QDialog)
    qtbot.waitUntil(notice.isVisible, timeout=5000)
    label = notice.findChild(QLabel, "closing-text")
    assert label is not None
    assert "the backup" in label.text()
    assert window.isVisible()

    release.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)
    assert window.stopped_cleanly
    assert failures == []
    assert not notice.isVisible()
    check = open_context(database_url)
    try:
        with check.reading() as session:
            value = session.execute(
                text("SELECT value FROM setting WHERE key = 'closing-test'")
            ).scalar()
    finally:
        check.close()
    assert value == "written"


#: A window whose write never ends: closing gives up after a short wait and the process
#: ends (ui.main.leave) with the write's transaction still open.
ABANDONED_WRITE = """
import sys, threading
from PySide6.QtWidgets import QApplication
from sqlalchemy import text
from app.core.preferences import Preferences
import ui.main
from ui.shell import main_window

main_window.WRITE_WAIT_MS = 300
app = QApplication([])
window = main_window.MainWindow(sys.argv[1], Preferences(language="en"))
window.show()
started = threading.Event()

def write(_progress, _token):
    with window._ctx.unit_of_work() as session:
        session.execute(text("INSERT INTO setting (key, value) VALUES ('abandoned', 'half')"))
        print("row inserted, not committed", flush=True)
        started.set()
        threading.Event().wait()  # never ends

def settled():
    window.runner.run(write, print, print)
    started.wait(30)
    print("close accepted at once:", window.close(), flush=True)

window.settled.connect(settled)
window.start()
code = ui.main.leave(window, app.exec())
print("not reached: the process ends in leave()", flush=True)
sys.exit(code)
"""


@pytest.mark.slow
def test_a_write_that_never_ends_is_undone_by_the_database(
    ctx: AppContext, database_url: str, tmp_path: Path
) -> None:
    """Past the wait, the program ends with the write's transaction open: the database
    rolls it back (SQLite from its log when next opened, PostgreSQL when the connection
    drops); nothing half written is kept and the database opens as before."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", THIDUA_STAFF_NAME="Test")
    result = subprocess.run(
        [sys.executable, "-c", ABANDONED_WRITE, database_url],
        capture_output=True,
        text=True,
        env=environment,
        cwd=root,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "row inserted, not committed" in lines, result.stdout
    assert "close accepted at once: False" in lines  # it waited for the write first
    assert not any(line.startswith("not reached") for line in lines)
    check = open_context(database_url)
    try:
        with check.reading() as session:
            value = session.execute(
                text("SELECT value FROM setting WHERE key = 'abandoned'")
            ).scalar()
            role = session.execute(text("SELECT value FROM setting WHERE key = 'role'")).scalar()
    finally:
        check.close()
    assert value is None
    assert role is not None  # what was committed before is all there

"""Background tasks: a screen's results stop with the screen."""

from __future__ import annotations

import threading
from typing import Any

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QWidget
from shiboken6 import delete, isValid

from ui.widgets.tasks import CancelToken, TaskRunner


def test_a_result_for_a_deleted_screen_is_dropped(qtbot: QtBot) -> None:
    runner = TaskRunner()
    screen = QWidget()
    bound = runner.bound(screen)
    release = threading.Event()
    delivered: list[Any] = []

    def job(_progress: Any, _token: CancelToken) -> str:
        release.wait(10)
        return "late"

    bound.run(job, delivered.append, delivered.append)
    delete(screen)  # the C++ widget goes now, as when its window is closed
    assert not isValid(screen)
    release.set()
    # The runner forgets a task in a slot connected after the delivery's, so
    # once it is idle the delivery has had its turn.
    qtbot.waitUntil(lambda: not runner.busy(), timeout=10000)
    assert delivered == []


def test_a_result_for_a_live_screen_arrives(qtbot: QtBot) -> None:
    runner = TaskRunner()
    screen = QWidget()
    qtbot.addWidget(screen)
    delivered: list[Any] = []
    runner.bound(screen).run(lambda _p, _t: 42, delivered.append, delivered.append)
    qtbot.waitUntil(lambda: not runner.busy(), timeout=10000)
    assert delivered == [42]


def test_shutdown_drops_queued_reads_and_keeps_writes(qtbot: QtBot) -> None:
    """Quitting: a read still queued never starts, a queued write still runs; and the
    read under way is not interrupted while a write waits (the interrupt could reach
    the write, which may start on the worker at any moment)."""
    runner = TaskRunner()
    running = threading.Event()
    release = threading.Event()
    ran: list[str] = []
    interrupted: list[bool] = []
    delivered: list[Any] = []

    def read(_progress: Any, _token: CancelToken) -> None:
        running.set()
        release.wait(10)
        ran.append("read")

    runner.run(read, delivered.append, delivered.append, reads=True)
    runner.run(lambda _p, _t: ran.append("write"), delivered.append, delivered.append)
    runner.run(
        lambda _p, _t: ran.append("late read"), delivered.append, delivered.append, reads=True
    )
    assert running.wait(10)

    runner.shutdown(lambda: interrupted.append(True))
    assert runner.closed
    assert [task.reads for task in runner.writing()] == [False]
    release.set()
    assert runner.finish(10000)  # every job ended, not the time
    assert ran == ["read", "write"]
    assert interrupted == []
    with qtbot.waitSignal(runner.writes_done, timeout=10000):
        pass
    assert delivered == []  # nothing reaches the screens once quitting
    late: list[Any] = []
    task = runner.run(lambda _p, _t: late.append(True), late.append, late.append)
    assert task.token.cancelled and not runner.busy()


def test_a_result_arriving_after_shutdown_is_released(qtbot: QtBot) -> None:
    """An opened database delivered as the window quits is closed by ``on_dropped``,
    never handed to a screen that is going."""
    runner = TaskRunner()
    running = threading.Event()
    release = threading.Event()
    shown: list[Any] = []
    released: list[Any] = []

    def job(_progress: Any, _token: CancelToken) -> str:
        running.set()
        release.wait(10)
        return "opened"

    runner.run(job, shown.append, shown.append, on_dropped=released.append)
    assert running.wait(10)
    runner.shutdown()
    release.set()
    with qtbot.waitSignal(runner.writes_done, timeout=10000):
        pass
    assert shown == []
    assert released == ["opened"]

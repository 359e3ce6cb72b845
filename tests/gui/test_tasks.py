"""Background tasks: a screen's results stop with the screen."""

from __future__ import annotations

import threading
from typing import Any

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QWidget

from ui.tasks import CancelToken, TaskRunner


def test_a_result_for_a_deleted_screen_is_dropped(qtbot: QtBot) -> None:
    runner = TaskRunner()
    screen = QWidget()
    bound = runner.bound(screen)
    release = threading.Event()
    delivered: list[Any] = []

    def job(_progress: Any, _token: CancelToken) -> str:
        release.wait(10)
        return "late"

    task = bound.run(job, delivered.append, delivered.append)
    screen.deleteLater()
    qtbot.waitUntil(lambda: not _alive(screen))
    release.set()
    with qtbot.waitSignal(task.signals.finished, timeout=10000):
        pass
    qtbot.wait(50)  # let the queued delivery run
    assert delivered == []
    assert not runner.busy()


def test_a_result_for_a_live_screen_arrives(qtbot: QtBot) -> None:
    runner = TaskRunner()
    screen = QWidget()
    qtbot.addWidget(screen)
    delivered: list[Any] = []
    task = runner.bound(screen).run(lambda _p, _t: 42, delivered.append, delivered.append)
    with qtbot.waitSignal(task.signals.finished, timeout=10000):
        pass
    qtbot.waitUntil(lambda: delivered == [42])


def _alive(widget: QWidget) -> bool:
    from shiboken6 import isValid

    return bool(isValid(widget))

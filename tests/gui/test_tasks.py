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

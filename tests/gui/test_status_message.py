"""What the status bar says of work goes with its tab: showing another tab of either
workspace clears the message (a walkthrough read "the workbook was stopped" there
while other work ran on another tab); the database and role shown there stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QTabWidget

from app.demo.province import make_demo
from tests.gui.test_federation_deadlines import open_window
from tests.gui.unit_helpers import open_unit_window

from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


def _each_tab_clears(window: MainWindow, tabs: QTabWidget) -> None:
    status = window.statusBar()
    shown_before = window._status.text()
    assert shown_before  # the database and the role
    first = tabs.currentIndex()
    for index in [*range(tabs.count()), first]:
        if index == tabs.currentIndex():
            continue
        window.say("Đã dừng ghi bảng tính: không có tệp nào được ghi.")
        assert status.currentMessage().startswith("Đã dừng")
        tabs.setCurrentIndex(index)
        assert status.currentMessage() == "", tabs.tabText(index)
        assert window._status.text() == shown_before
    # Staying on the tab keeps what was said for its while.
    window.say("Đã lưu.")
    tabs.setCurrentIndex(tabs.currentIndex())
    assert status.currentMessage() == "Đã lưu."


def test_federation_tabs_clear_the_message(qtbot: QtBot, tmp_path: Path) -> None:
    demo = make_demo(out_dir=tmp_path / "demo", units=3, seed=5, streams=())
    window, workspace = open_window(qtbot, demo.database)
    _each_tab_clears(window, workspace.tabs)


def test_unit_tabs_clear_the_message(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_unit_window(qtbot, tmp_path / "unit.db")
    workspace = window.unit_workspace
    assert workspace is not None
    _each_tab_clears(window, workspace.tabs)

"""The chair's window on tabs, as the federation's (walkthrough): Ctrl+PageDown and
Ctrl+PageUp switch the report tabs from the value table and wrap round, and the focused
tab of the bar is ringed where it can be seen."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from db.enums import REGISTRATION_STREAM
from tests.gui.chair.unit_workspace import workspace_of
from tests.gui.test_main_tab_keys import CTRL, ringed

from ui.shell.main_window import MainWindow
from ui.widgets.tab_keys import RING

pytestmark = pytest.mark.gui


def test_ctrl_page_keys_switch_the_report_tabs_from_the_table(
    qtbot: QtBot, unit_window: MainWindow
) -> None:
    workspace = workspace_of(unit_window)
    tabs = workspace.tabs
    registration = workspace.page(REGISTRATION_STREAM)
    tabs.setCurrentWidget(registration)
    unit_window.activateWindow()
    registration.view.setFocus()
    qtbot.waitUntil(registration.view.hasFocus, timeout=5000)
    first = tabs.currentIndex()
    QTest.keyClick(registration.view, Qt.Key.Key_PageDown, CTRL)
    assert tabs.currentIndex() == (first + 1) % tabs.count()
    QTest.keyClick(unit_window.focusWidget() or unit_window, Qt.Key.Key_PageUp, CTRL)
    assert tabs.currentIndex() == first
    tabs.setCurrentIndex(tabs.count() - 1)
    QTest.keyClick(unit_window.focusWidget() or unit_window, Qt.Key.Key_PageDown, CTRL)
    assert tabs.currentIndex() == 0  # wraps round


def test_the_focused_report_tab_is_ringed(qtbot: QtBot, unit_window: MainWindow) -> None:
    workspace = workspace_of(unit_window)
    bar = workspace.tabs.tabBar()
    colour = bar.palette().highlight().color()
    unit_window.activateWindow()
    workspace.page(REGISTRATION_STREAM).view.setFocus()
    qtbot.wait(50)
    unfocused = ringed(bar.grab().toImage(), colour)
    bar.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(bar.hasFocus, timeout=5000)
    bar.repaint()
    focused = ringed(bar.grab().toImage(), colour)
    width = bar.tabRect(bar.currentIndex()).width()
    assert focused - unfocused >= 2 * RING * (width - 8), (focused, unfocused, width)


def test_after_ctrl_page_down_the_focus_is_on_the_tab_shown(
    qtbot: QtBot, unit_window: MainWindow
) -> None:
    """The focus stayed in the page left behind, out of sight (walkthrough): it is on the
    tab bar, ringed, and Tab goes on into the page shown."""
    workspace = workspace_of(unit_window)
    registration = workspace.page(REGISTRATION_STREAM)
    workspace.tabs.setCurrentWidget(registration)
    unit_window.activateWindow()
    registration.view.setFocus()
    qtbot.waitUntil(registration.view.hasFocus, timeout=5000)
    QTest.keyClick(registration.view, Qt.Key.Key_PageDown, CTRL)
    bar = workspace.tabs.tabBar()
    assert unit_window.focusWidget() is bar
    page = workspace.tabs.currentWidget()
    reached = []
    for _ in range(3):  # past the tabs' own "?" button, if it comes first
        QTest.keyClick(unit_window.focusWidget() or unit_window, Qt.Key.Key_Tab)
        focused = unit_window.focusWidget()
        reached.append(focused is not None and page.isAncestorOf(focused))
    assert any(reached), "Tab went on into the page shown"

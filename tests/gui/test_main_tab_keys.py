"""The federation window's keyboard on tabs (new-user walkthrough): Ctrl+PageDown and
Ctrl+PageUp switch the main tabs from anywhere in the window (a dashboard table, its
chart, the suspicious values' search, the plan chooser), wrapping round, while Ctrl+Tab
stays with the dashboard's own tabs; the focused tab of a tab bar is ringed so that it
can be seen.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTabWidget, QWidget

from tests.gui.test_walkthrough_leftovers import flagged  # noqa: F401
from tests.gui.widgets import open_federation_window

from ui.federation.workspace import FederationWorkspace
from ui.shell.main_window import MainWindow
from ui.widgets.tab_keys import RING

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def staff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Who uses the computer is known: no first-use question holds the window."""
    monkeypatch.setenv("THIDUA_STAFF_NAME", "Nguyễn Thị Hoa")


def open_on(qtbot: QtBot, tmp_path: Path, database: Path) -> MainWindow:
    """The window on a copy of ``database`` at 1366×728, its start-up chores done."""
    copy = tmp_path / "federation.db"
    shutil.copyfile(database, copy)
    window, _workspace = open_federation_window(qtbot, copy, size=(1366, 728))
    window.activateWindow()  # a window manager gives the window the focus
    return window


def workspace_of(window: MainWindow) -> FederationWorkspace:
    workspace = window.federation_workspace
    assert workspace is not None
    return workspace


def targets(workspace: FederationWorkspace) -> QWidget:
    return workspace.dashboard.view


def not_sent(workspace: FederationWorkspace) -> QWidget:
    board = workspace.dashboard
    board.tabs.setCurrentIndex(board.NOT_SENT)
    return board.missing.view


def chart(workspace: FederationWorkspace) -> QWidget:
    board = workspace.dashboard
    board.tabs.setCurrentIndex(board.BY_INDICATOR)
    return board.indicator_chart


def plan_chooser(workspace: FederationWorkspace) -> QWidget:
    return workspace.plan_combo


def flags_search(workspace: FederationWorkspace) -> QWidget:
    workspace.show_page("flags")
    return workspace.flags.search


def flags_table(workspace: FederationWorkspace) -> QWidget:
    workspace.show_page("flags")
    return workspace.flags.view


PLACES: dict[str, Callable[[FederationWorkspace], QWidget]] = {
    "targets table": targets,
    "not-sent table": not_sent,
    "chart": chart,
    "plan chooser": plan_chooser,
    "flags search": flags_search,
    "flags table": flags_table,
}


@pytest.mark.parametrize("place", PLACES.values(), ids=PLACES.keys())
def test_ctrl_page_down_and_up_switch_the_main_tabs_from_anywhere(
    qtbot: QtBot,
    tmp_path: Path,
    flagged: Path,  # noqa: F811
    place: Callable[[FederationWorkspace], QWidget],
) -> None:
    window = open_on(qtbot, tmp_path, flagged)
    workspace = workspace_of(window)
    tabs = workspace.tabs
    widget = place(workspace)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=5000)
    page, board_tab = tabs.currentIndex(), workspace.dashboard.tabs.currentIndex()
    QTest.keyClick(widget, Qt.Key.Key_PageDown, CTRL)
    assert tabs.currentIndex() == (page + 1) % tabs.count()
    assert workspace.dashboard.tabs.currentIndex() == board_tab  # the inner tabs stay
    QTest.keyClick(window.focusWidget() or window, Qt.Key.Key_PageUp, CTRL)
    assert tabs.currentIndex() == page
    window.close()


def test_the_main_tabs_wrap_round_and_ctrl_tab_stays_inside(
    qtbot: QtBot,
    tmp_path: Path,
    flagged: Path,  # noqa: F811
) -> None:
    window = open_on(qtbot, tmp_path, flagged)
    workspace = workspace_of(window)
    tabs = workspace.tabs
    assert tabs.currentIndex() == 0
    view = workspace.dashboard.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_PageUp, CTRL)
    assert tabs.currentIndex() == tabs.count() - 1  # from the first to the last
    QTest.keyClick(window.focusWidget() or window, Qt.Key.Key_PageDown, CTRL)
    assert tabs.currentIndex() == 0
    # Ctrl+Tab in the dashboard's table: its own tabs, the main ones stay.
    QTest.keyClick(view, Qt.Key.Key_Tab, CTRL)
    assert tabs.currentIndex() == 0
    assert workspace.dashboard.tabs.currentIndex() == 1
    window.close()


def ringed(bar_image: QImage, colour: QColor) -> int:
    """How many pixels of ``bar_image`` are the ring's colour."""
    wanted = colour.rgb()
    return sum(
        1
        for y in range(bar_image.height())
        for x in range(bar_image.width())
        if bar_image.pixel(x, y) == wanted
    )


@pytest.mark.parametrize("which", ["main", "dashboard"])
def test_the_focused_tab_is_ringed(
    qtbot: QtBot,
    tmp_path: Path,
    flagged: Path,  # noqa: F811
    which: str,
) -> None:
    window = open_on(qtbot, tmp_path, flagged)
    workspace = workspace_of(window)
    tabs: QTabWidget = workspace.tabs if which == "main" else workspace.dashboard.tabs
    bar = tabs.tabBar()
    colour = bar.palette().highlight().color()
    workspace.dashboard.view.setFocus()
    qtbot.wait(50)
    unfocused = ringed(bar.grab().toImage(), colour)
    bar.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(bar.hasFocus, timeout=5000)
    bar.repaint()
    image = bar.grab().toImage()
    image.save(str(tmp_path / f"ring-{which}.png"))
    focused = ringed(image, colour)
    # A ring of RING pixels round the current tab: at least its two long sides.
    width = bar.tabRect(bar.currentIndex()).width()
    assert focused - unfocused >= 2 * RING * (width - 8), (focused, unfocused, width)
    window.close()


def test_tab_does_not_stop_on_the_charts(
    qtbot: QtBot,
    tmp_path: Path,
    flagged: Path,  # noqa: F811
) -> None:
    """The charts take no keys (their figures are the table's): Tab went into them and the
    focus was lost from sight; from the chart's report chooser Tab goes on elsewhere."""
    window = open_on(qtbot, tmp_path, flagged)
    board = workspace_of(window).dashboard
    for tab, chart_view in (
        (board.BY_INDICATOR, board.indicator_chart),
        (board.BY_CLUSTER, board.cluster_chart),
    ):
        board.tabs.setCurrentIndex(tab)
        board.tabs.tabBar().setFocus()
        qtbot.waitUntil(board.tabs.tabBar().hasFocus, timeout=5000)
        visited = []
        for _ in range(60):  # round the whole window's chain
            QTest.keyClick(window.focusWidget() or window, Qt.Key.Key_Tab)
            visited.append(window.focusWidget())
        assert board.chart_stream_combo in visited  # the walk went past the charts
        assert chart_view not in visited
    window.close()

"""The dashboard on a 1366×768 screen less its taskbar, at 100% and 125% text (and at
Windows display scaling 125%: tests/gui/test_windows_scaling.py runs this file so).

Regression (walkthrough): with units not sent, the targets, the not-sent list and the
chart shared one column and the chart kept ~30 pixels of plot; the indicator's title was
squeezed to "…" below ~1100 pixels of width; Ctrl+Tab inside a table was swallowed; the
suspicious values' "Trạng thái" was past the right edge at 125%.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCharts import QBarSeries
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QWidget

from app.core.context import AppContext
from tests.gui.screen_size import screen_for
from tests.gui.test_screen_size import province  # noqa: F401 (a fixture)
from tests.gui.test_walkthrough_leftovers import flagged, open_copy  # noqa: F401

from ui.federation.dashboard_models import DashboardColumn
from ui.federation.dashboard_page import DashboardPage
from ui.federation.flags_page import FlagColumn
from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui

TABS = ["targets", "not sent", "chart by indicator", "chart by cluster"]


def on_screen(qtbot: QtBot, tmp_path: Path, database: Path, scale: float) -> MainWindow:
    """The federation's window as it opens on the screen: 1366×728 physical pixels."""
    window = open_copy(qtbot, tmp_path, database, scale)
    window.resize(*screen_for(window))
    qtbot.wait(100)
    return window


def dashboard_of(window: MainWindow) -> DashboardPage:
    workspace = window.federation_workspace
    assert workspace is not None
    workspace.show_page("dashboard")
    return workspace.dashboard


def physical(widget: QWidget, pixels: float) -> float:
    return pixels * widget.devicePixelRatioF()


def test_the_chart_has_a_readable_plot(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
    scale: float,
) -> None:
    demo, _ctx = province
    window = on_screen(qtbot, tmp_path, demo.database, scale)
    board = dashboard_of(window)
    assert board.missing_model.rowCount() > 0, "the case of the regression: units not sent"
    board.tabs.setCurrentIndex(board.BY_INDICATOR)
    qtbot.waitUntil(lambda: bool(board.indicator_chart.chart().series()), timeout=20000)
    qtbot.wait(100)
    window.grab().save(str(tmp_path / f"chart-{scale}.png"))
    chart = board.indicator_chart.chart()
    assert any(isinstance(s, QBarSeries) for s in chart.series())
    plot = chart.plotArea()
    assert physical(window, plot.height()) >= 150, plot
    assert physical(window, plot.width()) >= 700, plot
    # The report compared sits beside the tabs, shown with the charts only.
    assert board.chart_streams.isVisible()
    board.tabs.setCurrentIndex(board.TARGETS)
    assert not board.chart_streams.isVisible()


@pytest.mark.parametrize("tab", range(len(TABS)), ids=TABS)
def test_each_part_has_the_page_height(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
    scale: float,
    tab: int,
) -> None:
    demo, _ctx = province
    window = on_screen(qtbot, tmp_path, demo.database, scale)
    board = dashboard_of(window)
    board.tabs.setCurrentIndex(tab)
    qtbot.wait(200)
    shown = board.tabs.currentWidget()
    assert physical(window, shown.height()) >= 260, (TABS[tab], shown.height())
    assert board.chart_streams.isVisible() is (tab in (board.BY_INDICATOR, board.BY_CLUSTER))
    # The not-sent tab counts the reports missing; its list shows rows, not a sliver.
    assert board.board is not None
    owed = sum(item.expected - item.received for item in board.board.coverage)
    assert owed > 0
    assert board.tabs.tabText(board.NOT_SENT) == f"Chưa nộp ({owed})"
    if tab == board.NOT_SENT:
        view = board.missing.view
        rows = view.viewport().height() // view.verticalHeader().defaultSectionSize()
        assert rows >= 5, rows


@pytest.mark.parametrize("tab", range(len(TABS)), ids=TABS)
def test_ctrl_tab_inside_a_table_switches_the_tabs(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
    tab: int,
) -> None:
    demo, _ctx = province
    window = on_screen(qtbot, tmp_path, demo.database, 1.0)
    board = dashboard_of(window)
    board.tabs.setCurrentIndex(tab)
    inside = {
        board.TARGETS: board.view,
        board.NOT_SENT: board.missing.view,
        board.BY_INDICATOR: board.indicator_chart,
        board.BY_CLUSTER: board.cluster_chart,
    }[tab]
    QTest.keyClick(inside, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert board.tabs.currentIndex() == (tab + 1) % len(TABS)
    focused = board.tabs.currentWidget()
    QTest.keyClick(
        focused,
        Qt.Key.Key_Backtab,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert board.tabs.currentIndex() == tab
    # Tab itself leaves a table for the next control (the arrows move within it).
    if isinstance(inside, QAbstractItemView):
        assert not inside.tabKeyNavigation()


def test_ctrl_tab_in_the_flags_table_switches_the_pages(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
) -> None:
    demo, _ctx = province
    window = on_screen(qtbot, tmp_path, demo.database, 1.0)
    workspace = window.federation_workspace
    assert workspace is not None
    workspace.show_page("flags")
    page = workspace.tabs.currentIndex()
    view = workspace.flags.view
    QTest.keyClick(view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert workspace.tabs.currentIndex() == page + 1


@pytest.mark.parametrize("width", [1366, 1100, 0], ids=["1366", "1100", "narrowest"])
def test_the_indicator_title_is_never_squeezed(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
    scale: float,
    width: int,
) -> None:
    demo, _ctx = province
    window = on_screen(qtbot, tmp_path, demo.database, scale)
    window.resize(int(width / window.devicePixelRatioF()), window.height())
    board = dashboard_of(window)
    qtbot.wait(200)
    view = board.view
    column = view.columnWidth(DashboardColumn.INDICATOR)
    assert column >= view.indicator.minimum() > 150
    columns = sum(view.columnWidth(c) for c in range(board.model.columnCount()))
    # The title takes the room left: the table is never narrower than its view.
    assert columns >= view.viewport().width() - 1
    # Every figure whole: wider than its text.
    metrics = view.fontMetrics()
    for c in range(DashboardColumn.UNITS, board.model.columnCount()):
        for row in range(board.model.rowCount()):
            text = str(board.model.index(row, c).data() or "")
            assert view.columnWidth(c) > metrics.horizontalAdvance(text), (c, text)


@pytest.mark.parametrize("verified_too", [False, True], ids=["not-verified", "all"])
def test_the_flags_figures_status_and_report_are_on_screen_and_whole(
    qtbot: QtBot,
    tmp_path: Path,
    flagged: Path,  # noqa: F811
    scale: float,
    verified_too: bool,
) -> None:
    """The figures checked, who verified them and the report (its year) on screen, whole
    (walkthrough: the figures were past the right edge at Windows 125% scaling, the
    report cut to "6 tháng đầu năm 20…")."""
    from app.core.context import open_context
    from app.exchange import list_flags, verify_flag
    from tests.helpers import PLAN

    window = on_screen(qtbot, tmp_path, flagged, scale)
    if verified_too:
        ctx = open_context(tmp_path / "federation.db")  # the window's copy
        try:
            first = list_flags(ctx, plan_id=PLAN, include_verified=True)[0]
            verify_flag(ctx, flag_id=first.id, note="Đã gọi điện")
        finally:
            ctx.close()
    workspace = window.federation_workspace
    assert workspace is not None
    workspace.show_page("flags")
    page = workspace.flags
    loaded: list[object] = []
    page.loaded.connect(loaded.append)
    page.filter_combo.setCurrentIndex(page.filter_combo.findData(verified_too))
    page.reload()
    qtbot.waitUntil(lambda: bool(loaded), timeout=20000)
    qtbot.wait(100)
    assert page.model.rowCount() >= 1
    window.grab().save(str(tmp_path / f"flags-{scale}.png"))
    view, header = page.view, page.view.horizontalHeader()
    metrics = view.fontMetrics()
    for column in (FlagColumn.CODE, FlagColumn.UNIT, FlagColumn.FIGURES, FlagColumn.STATUS):
        left = header.sectionViewportPosition(column)
        right = left + header.sectionSize(column)
        assert left >= 0 and right <= view.viewport().width(), column
    # The figures checked and the report with its year whole.
    for column in (FlagColumn.FIGURES, FlagColumn.REPORT):
        text = page.model.text(0, column)
        assert header.sectionSize(column) > metrics.horizontalAdvance(text), text
    assert page.model.text(0, FlagColumn.REPORT) == "6 tháng đầu năm 2017"
    # Who verified it and when show whole; a long note is whole in the tooltip.
    status = FlagColumn.STATUS
    text = page.model.text(0, status)
    if not verified_too:
        assert text == "Chưa xác minh"
        return
    assert text.endswith(": Đã gọi điện")
    said = text.removesuffix(": Đã gọi điện")
    assert header.sectionSize(status) > metrics.horizontalAdvance(said), said
    assert page.proxy.index(0, status).data(Qt.ItemDataRole.ToolTipRole) == text
    indicator = header.sectionSize(FlagColumn.INDICATOR)
    assert indicator >= page.indicator_column.minimum()


def test_writing_the_workbook_keeps_the_window_on_the_screen(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
    scale: float,
) -> None:
    """The busy line (a bar, its words and Dừng) beside the scope widened the window past the
    screen at 125% (walkthrough: 1,466 pixels while the first figures were computed, 1,604
    while a workbook was written, on a 1,366-pixel screen; a window never shrinks back)."""
    demo, _ctx = province
    window = on_screen(qtbot, tmp_path, demo.database, scale)
    board = dashboard_of(window)
    qtbot.waitUntil(lambda: not board.is_busy(), timeout=20000)
    width, _height = screen_for(window)
    # What the window needs beyond the page (its tabs, the plan, margins), read when idle.
    around = window.minimumSizeHint().width() - board.minimumSizeHint().width()

    def fits(what: str) -> None:
        # The layouts redone (their requests alone: the workbook's answer stays queued).
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        needed = around + board.minimumSizeHint().width()
        assert needed <= width, (what, needed, width)

    fits("idle")
    with qtbot.waitSignal(board.refreshed, timeout=60000):
        board.refresh()
        assert board.busy_label.isVisible()
        fits("computing the figures")
    with qtbot.waitSignal(board.done, timeout=60000):
        board.export_workbook(tmp_path / "tong-hop.xlsx")
        assert board.workbook_stop.isVisible()
        fits("writing the workbook")
        board.workbook_stop.click()
        fits("stopping")

"""The dashboard's charts and the period they compare (new-user walkthrough): they open on
the latest report some unit sent (they opened on the year's, which nobody had sent in
July); a report the user picks stays picked; the cluster chart says it shows every
cluster whatever the scope, and for a report before the one the targets are judged in it
says so instead of "kỳ này chưa đánh giá chỉ tiêu nào" (the chart by indicator shows that
report's progress).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries
from PySide6.QtCore import Qt

from app.core.context import open_context
from app.exchange import import_packages
from app.rollup import ScopeKind
from tests.gui.history_province import open_window
from tests.helpers import GoldenProvince, golden_province

from ui.federation.dashboard_page import DashboardPage

pytestmark = pytest.mark.gui

#: The units that have not sent their h1 report.
NOT_SENT = ("CS-00005", "CS-00006")
PERIOD = {
    "registration": "Đăng ký thi đua",
    "h1": "6 tháng đầu năm 2017",
    "year": "Năm 2017",
}


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> GoldenProvince:
    return golden_province(
        tmp_path_factory, "gui-chart-period", units=6, seed=17, streams=("registration", "h1")
    )


@pytest.fixture
def database(golden: GoldenProvince, fresh_copy: Callable[[Path, Path], str]) -> str:
    """Every registration, and the h1 report of all but :data:`NOT_SENT`."""
    database = fresh_copy(golden.database, golden.keys)
    sent = [p for p in golden.demo.files if not any(p.name.startswith(f"{u}_h1") for u in NOT_SENT)]
    ctx = open_context(database)
    try:
        import_packages(ctx, paths=sent, dry_run=False)
    finally:
        ctx.close()
    return database


def cluster_title(qtbot: QtBot, board: DashboardPage) -> str:
    with qtbot.waitSignal(board.clusters_shown, timeout=30000):
        board.tabs.setCurrentIndex(board.BY_CLUSTER)
    return board.cluster_chart.chart().title()


def test_the_charts_open_on_the_latest_report_sent(qtbot: QtBot, database: str) -> None:
    window, workspace = open_window(qtbot, database)
    board = workspace.dashboard
    assert board.chart_stream() == "h1"
    assert board.chart_stream_combo.currentText() == PERIOD["h1"]
    board.tabs.setCurrentIndex(board.BY_INDICATOR)
    qtbot.waitUntil(lambda: bool(board.indicator_chart.chart().series()), timeout=20000)
    bars = next(s for s in board.indicator_chart.chart().series() if isinstance(s, QBarSeries))
    achieved = bars.barSets()[1]
    assert achieved.label().endswith(PERIOD["h1"])
    assert any(achieved.at(i) > 0 for i in range(achieved.count()))  # progress drawn
    title = cluster_title(qtbot, board)
    # Before the year's report the targets show progress, none is met or not yet.
    assert title == f"Tất cả các cụm trong tỉnh — {PERIOD['h1']} — chưa đến kỳ đánh giá chỉ tiêu"
    assert "chưa đánh giá chỉ tiêu nào" not in title
    note = board.cluster_note.text()
    assert "không theo phạm vi đang chọn" in note and "tiến độ" in note
    window.close()


@pytest.mark.parametrize("stream", list(PERIOD))
def test_a_report_picked_stays_and_the_cluster_title_says_what_it_shows(
    qtbot: QtBot, database: str, stream: str
) -> None:
    window, workspace = open_window(qtbot, database)
    board = workspace.dashboard
    combo = board.chart_stream_combo
    assert [combo.itemData(i) for i in range(combo.count())] == list(PERIOD)
    combo.setCurrentIndex(combo.findData(stream))
    # A refresh (an import, a scope) keeps the report the user picked.
    with qtbot.waitSignal(board.refreshed, timeout=30000):
        board.refresh()
    assert board.chart_stream() == stream
    title = cluster_title(qtbot, board)
    assert title.startswith(f"Tất cả các cụm trong tỉnh — {PERIOD[stream]}")
    chart = board.cluster_chart.chart()
    axis = chart.axes(Qt.Orientation.Horizontal)[0]
    assert isinstance(axis, QBarCategoryAxis) and axis.count() >= 1
    if stream == "year":  # nobody sent it: nothing judged, and no progress either
        assert title.endswith("kỳ này chưa đánh giá chỉ tiêu nào")
        assert "tiến độ" not in board.cluster_note.text()
    else:
        assert title.endswith("chưa đến kỳ đánh giá chỉ tiêu")
    window.close()


def test_the_cluster_chart_says_it_ignores_the_scope(qtbot: QtBot, database: str) -> None:
    window, workspace = open_window(qtbot, database)
    board = workspace.dashboard
    cluster = next(c for c in board._choices if c.kind is ScopeKind.CLUSTER)
    with qtbot.waitSignal(board.refreshed, timeout=30000):
        board.choose_scope(ScopeKind.CLUSTER, cluster.name)
    cluster_title(qtbot, board)
    assert "tất cả các cụm trong tỉnh, không theo phạm vi đang chọn" in (board.cluster_note.text())
    window.close()


def shows(text: str) -> bool:
    from PySide6.QtWidgets import QToolTip

    return QToolTip.text().startswith(text)


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the tooltip, offscreen
@pytest.mark.parametrize("which", [0, 1], ids=["units-sent", "targets-met"])
def test_a_cluster_bar_says_its_figure_under_the_pointer(
    qtbot: QtBot, database: str, which: int
) -> None:
    window, workspace = open_window(qtbot, database)
    board = workspace.dashboard
    cluster_title(qtbot, board)
    figures = board._clusters
    assert figures
    bars = next(s for s in board.cluster_chart.chart().series() if isinstance(s, QBarSeries))
    bar_set = bars.barSets()[which]
    for index, figure in enumerate(figures):
        bar_set.hovered.emit(True, index)
        expected = (
            f"{figure.name}: {figure.received}/{figure.units} đơn vị đã nộp ("
            if which == 0
            else f"{figure.name}: chưa có chỉ tiêu nào được đánh giá"  # h1: progress only
        )
        qtbot.waitUntil(partial(shows, expected))
    bar_set.hovered.emit(False, 0)
    window.close()

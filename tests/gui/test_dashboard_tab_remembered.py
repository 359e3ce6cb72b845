"""The dashboard opens on the tab the user looked at last (walkthrough: a chair who follows
the not-sent list every morning picked it again at each start), with that tab's content
filled once the figures are in; a preference written by another window meanwhile is kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCharts import QBarSeries

from app.core.context import open_context
from app.core.preferences import (
    DASHBOARD_TABS,
    load_preferences,
    preferences_path,
    update_preferences,
)
from app.exchange import import_packages
from tests.gui.history_province import open_window
from tests.helpers import GoldenProvince, golden_province

from ui.federation.dashboard_page import DashboardPage

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> GoldenProvince:
    return golden_province(
        tmp_path_factory, "gui-tab-remembered", units=4, seed=23, streams=("registration", "h1")
    )


@pytest.fixture
def database(golden: GoldenProvince, fresh_copy: Callable[[Path, Path], str]) -> str:
    database = fresh_copy(golden.database, golden.keys)
    ctx = open_context(database)
    try:
        import_packages(ctx, paths=list(golden.demo.files), dry_run=False)
    finally:
        ctx.close()
    return database


def test_the_tab_names_follow_the_pages_order() -> None:
    order = (
        DashboardPage.TARGETS,
        DashboardPage.NOT_SENT,
        DashboardPage.BY_INDICATOR,
        DashboardPage.BY_CLUSTER,
    )
    assert [DASHBOARD_TABS[i] for i in order] == list(DASHBOARD_TABS)


@pytest.mark.parametrize("tab", DASHBOARD_TABS)
def test_the_dashboard_opens_on_the_tab_last_shown(qtbot: QtBot, database: str, tab: str) -> None:
    index = DASHBOARD_TABS.index(tab)
    window, workspace = open_window(qtbot, database)
    board = workspace.dashboard
    # Go through another tab first, so even the first tab is a change the page saves.
    board.tabs.setCurrentIndex((index + 1) % len(DASHBOARD_TABS))
    board.tabs.setCurrentIndex(index)
    assert load_preferences().dashboard_tab == tab
    window.set_language("vi")  # another part of the window saves its own preference
    assert load_preferences().dashboard_tab == tab
    window.close()

    window, workspace = open_window(qtbot, database)
    board = workspace.dashboard
    assert board.tabs.currentIndex() == index
    if index == board.BY_INDICATOR:
        qtbot.waitUntil(lambda: bool(board.indicator_chart.chart().series()), timeout=20000)
        assert any(isinstance(s, QBarSeries) for s in board.indicator_chart.chart().series())
    elif index == board.BY_CLUSTER:
        qtbot.waitUntil(lambda: board._clusters is not None, timeout=20000)
        assert board.cluster_chart.chart().title()
    elif index == board.NOT_SENT:
        assert board.missing.isVisible()
    else:
        assert board.view.isVisible() and board.model.rowCount() > 0
    window.close()


def test_an_unknown_tab_in_the_file_opens_the_first(qtbot: QtBot, database: str) -> None:
    preferences_path().parent.mkdir(parents=True, exist_ok=True)
    preferences_path().write_text(json.dumps({"dashboard_tab": "<b>x</b>"}), encoding="utf-8")
    assert load_preferences().dashboard_tab == ""
    window, workspace = open_window(qtbot, database)
    assert workspace.dashboard.tabs.currentIndex() == workspace.dashboard.TARGETS
    window.close()


@pytest.mark.parametrize("tab", ["by-indicator", "by-cluster"])
def test_the_report_chooser_is_whole_when_opened_on_a_chart(
    qtbot: QtBot, database: str, tab: str
) -> None:
    """Reopened on a chart, "So với chỉ tiêu" showed "Năm 201": the corner was laid out
    while its chooser was still empty (walkthrough)."""
    update_preferences(dashboard_tab=tab)
    window, workspace = open_window(qtbot, database)
    combo = workspace.dashboard.chart_stream_combo
    qtbot.waitUntil(lambda: combo.count() > 0 and combo.isVisible(), timeout=20000)
    qtbot.wait(50)
    for index in range(combo.count()):
        combo.setCurrentIndex(index)
        qtbot.wait(20)
        text = combo.fontMetrics().horizontalAdvance(combo.currentText())
        assert combo.width() >= text + 24, (combo.currentText(), combo.width(), text)
    window.close()

"""A bar above the chart's limit (1000% of the target) is drawn at it with a mark on its
top saying the figure (a walkthrough read a cut bar as exactly 1000%): registered and
achieved bars alike, each mark over its own bar; no mark when nothing is cut."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCharts import QBarSeries, QScatterSeries, QValueAxis, QXYSeries
from PySide6.QtWidgets import QToolTip

from app.core import domain
from app.core.context import open_context
from app.core.figures import percent_text
from app.demo.province import Demo, make_demo, write_report
from app.exchange import import_packages
from db.enums import REGISTRATION_STREAM
from tests.gui.test_federation_deadlines import open_window
from tests.helpers import plain_count

from ui.federation.dashboard_charts import CHART_LIMIT, indicator_chart

pytestmark = pytest.mark.gui

UNIT = "CS-00001"


@pytest.fixture
def province(tmp_path: Path) -> Iterator[Demo]:
    """CS-00001 registered and achieved far above a count indicator's target."""
    demo = make_demo(out_dir=tmp_path / "demo", units=3, seed=17, streams=())
    code = plain_count(demo, UNIT)
    ctx = open_context(demo.database)
    try:
        for stream, amount in ((REGISTRATION_STREAM, 9_000_000), ("h1", 7_000_000)):
            path = write_report(
                demo.unit(UNIT), demo.plan, demo.federation_id, stream,
                {code: domain.UnitValue(amount=amount)}, tmp_path / "demo", revision=1,
            )  # fmt: skip
            import_packages(ctx, paths=[path], dry_run=False)
    finally:
        ctx.close()
    yield demo


def _label(marks: QScatterSeries, index: int) -> str:
    config = marks.pointConfiguration(index)
    assert config[QXYSeries.PointConfiguration.LabelVisibility] is True
    return str(config[QXYSeries.PointConfiguration.LabelFormat])


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the tooltip, offscreen
def test_a_cut_bar_says_its_figure(qtbot: QtBot, tmp_path: Path, province: Demo) -> None:
    window, workspace = open_window(qtbot, province.database)
    page = workspace.dashboard
    board = page.board
    assert board is not None
    code = plain_count(province, UNIT)
    for stream in (REGISTRATION_STREAM, "h1"):
        built = indicator_chart(board, stream, "toàn tỉnh")
        (bars,) = [s for s in built.chart.series() if isinstance(s, QBarSeries)]
        sets = bars.barSets()
        group = next(
            i for i, row in enumerate(built.rows) if board.rollups[row].indicator.code == code
        )
        marks = built.cut
        assert marks is not None and marks in built.chart.series()
        expected = []
        for which, bar_set in enumerate(sets):
            figure = (
                board.rollups[built.rows[group]]
                .figures[REGISTRATION_STREAM if which == 0 else stream]
                .attainment
            )
            assert figure is not None and float(figure) > CHART_LIMIT
            assert bar_set.at(group) == CHART_LIMIT  # drawn at the limit
            expected.append(percent_text(figure))
        # One mark per cut bar, over it (two bars share a group side by side), its figure
        # as every surface writes it; nothing else in this province is cut.
        assert [_label(marks, i) for i in range(marks.count())] == expected
        xs = [marks.at(i).x() for i in range(marks.count())]
        assert all(abs(x - group) < 0.5 for x in xs) and xs == sorted(set(xs))
        assert all(marks.at(i).y() == CHART_LIMIT for i in range(marks.count()))
        assert not any(m.isVisible() for m in built.chart.legend().markers(marks))
    # The page shows the same: the chart of the report compared.
    page.tabs.setCurrentIndex(page.BY_INDICATOR)
    qtbot.waitUntil(lambda: bool(page.indicator_chart.chart().series()), timeout=20000)
    shown = page.indicator_chart.chart().series()
    (marks,) = [s for s in shown if isinstance(s, QScatterSeries)]
    assert marks.count()
    # Hovering a mark tells what hovering its bar tells (its figures, its target).
    point = marks.at(0)
    marks.hovered.emit(point, True)
    group = round(point.x())
    assert QToolTip.text() == page.chart_tips[group] and "30.000.000,0%" in QToolTip.text()
    marks.hovered.emit(point, False)
    qtbot.wait(100)  # the corner's report chooser placed
    window.grab().save(str(tmp_path / "chart-cut.png"))


def test_no_mark_when_nothing_is_cut(qtbot: QtBot, tmp_path: Path) -> None:
    demo = make_demo(out_dir=tmp_path / "demo", units=3, seed=17)
    _window, workspace = open_window(qtbot, demo.database)
    board = workspace.dashboard.board
    assert board is not None
    for stream in (REGISTRATION_STREAM, "h1", "year"):
        built = indicator_chart(board, stream, "toàn tỉnh")
        assert built.cut is None
        assert not any(isinstance(s, QScatterSeries) for s in built.chart.series())


def test_the_figures_stand_inside_the_plot(qtbot: QtBot, province: Demo) -> None:
    """The axis reaches half a step above the limit, its ticks still round (the figures
    were drawn over the chart's title)."""
    _window, workspace = open_window(qtbot, province.database)
    board = workspace.dashboard.board
    assert board is not None
    built = indicator_chart(board, "h1", "toàn tỉnh")
    axis = next(a for a in built.chart.axes() if isinstance(a, QValueAxis) and a.isVisible())
    assert axis.max() == CHART_LIMIT + 100 and axis.min() == 0
    assert axis.tickType() is QValueAxis.TickType.TicksDynamic
    assert (axis.tickAnchor(), axis.tickInterval()) == (0.0, 200.0)

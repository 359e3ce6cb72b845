"""The dashboard's charts: attainment by indicator (registered and achieved against
the target, the 100% line dashed) and each cluster's standing.

The builders only draw; the page shows the chart (:func:`replace_chart`) and
connects the bars to its tooltips and click-through.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
    QXYSeries,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QCursor, QPen
from PySide6.QtWidgets import QToolTip

from app.core import domain
from app.core.figures import Verdict, is_verdict, percent_text
from app.core.format import format_number
from app.core.i18n import gettext as _
from db.enums import REGISTRATION_STREAM

from ui.federation.common import stream_label

if TYPE_CHECKING:
    from app.rollup import ClusterFigure, Dashboard

#: Attainment bars are cut here so one runaway figure does not flatten the rest.
CHART_CAP = 200.0
#: A figure above this is drawn at it, a mark on its top saying the figure (and the
#: tooltip and the table too).
CHART_LIMIT = 1000.0


def replace_chart(view: QChartView, chart: QChart) -> None:
    """Show ``chart``; the view releases (does not delete) the chart it showed."""
    previous = view.chart()
    view.setChart(chart)
    if previous is not None and previous is not chart:
        previous.deleteLater()


def new_chart() -> QChart:
    """An empty chart as the dashboard draws them: no animation, thin margins, no frame
    around it (each pixel of height goes to the plot on a 768-pixel screen)."""
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    layout = chart.layout()
    if layout is not None:
        layout.setContentsMargins(0, 0, 0, 0)
    return chart


@dataclass
class IndicatorChart:
    """The attainment chart, its bars, and per bar group the board row it shows
    and its two figures as text (the tooltip); ``cut`` marks the bars drawn at
    :data:`CHART_LIMIT` (None when none is)."""

    chart: QChart
    bars: QBarSeries
    rows: list[int]
    tips: list[str]
    cut: QScatterSeries | None = None


def indicator_chart(board: Dashboard, stream: str, scope: str) -> IndicatorChart:
    """Σ registered and Σ achieved in ``stream`` as a share of each target, over the
    scope named ``scope``; a ceiling or a province total's part has no bar."""
    chart = new_chart()
    series = QBarSeries()
    registered = QBarSet(_("Σ registered"))
    achieved = QBarSet(_("Σ achieved: {period}").format(period=stream_label(stream, board.plan)))
    registered.setColor(QColor("#7fa7d9"))
    achieved.setColor(QColor("#2e7d32"))
    labels: list[str] = []
    rows: list[int] = []
    tips: list[str] = []
    targets_of: dict[str, int] = {}
    for item in board.rollups:
        targets_of[item.indicator.code] = targets_of.get(item.indicator.code, 0) + 1
    seen: dict[str, int] = {}
    highest = 0.0
    # The bars drawn at the limit: (bar group, bar set: 0 registered, 1 achieved, figure).
    cut: list[tuple[int, int, Fraction]] = []
    for row, item in enumerate(board.rollups):
        code = item.indicator.code
        seen[code] = seen.get(code, 0) + 1
        reg_figure, got_figure = item.figures.get(REGISTRATION_STREAM), item.figures.get(stream)
        if got_figure is not None and got_figure.verdict is Verdict.CONTRIBUTION:
            continue  # a part of a province total: not "100% = reached" here
        reg = reg_figure.attainment if reg_figure is not None else None
        got = got_figure.attainment if got_figure is not None else None
        if reg is None and got is None:
            continue  # a ceiling ("none", "at most") has no percentage of attainment
        labels.append(f"{code} ({seen[code]})" if targets_of[code] > 1 else code)
        rows.append(row)
        reg_value, got_value = float(reg or 0), float(got or 0)
        highest = max(highest, reg_value, got_value)
        registered.append(min(reg_value, CHART_LIMIT))
        achieved.append(min(got_value, CHART_LIMIT))
        for which, figure in enumerate((reg, got) if stream != REGISTRATION_STREAM else (reg,)):
            if figure is not None and float(figure) > CHART_LIMIT:
                cut.append((len(labels) - 1, which, figure))
        wording = item.target.wording if item.target else ""
        tip = [f"{labels[-1]} — {item.indicator.title}", wording]
        tip.append(_("Registered: {figure} of the target").format(figure=percent_text(reg)))
        if stream != REGISTRATION_STREAM:
            tip.append(_("Achieved: {figure} of the target").format(figure=percent_text(got)))
        tip.append(_("Click to see the units behind the figure."))
        tips.append("\n".join(t for t in tip if t))
    series.append(registered)
    if stream != REGISTRATION_STREAM:
        series.append(achieved)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(labels)
    categories.setLabelsAngle(-90)  # every code readable, however many indicators
    # The axis reaches the highest figure (7.2 at 573% shows as 573%) in at most six
    # round steps: more labels than that are elided to "…" on a short chart (1366×768,
    # 125% text).
    top = max(CHART_CAP, min(CHART_LIMIT, highest))
    step = 50.0 if top <= 200 else 100.0 if top <= 500 else 200.0
    top = step * math.ceil(top / step)
    values = QValueAxis()
    if cut:  # room above the limit for the cut bars' figures (under the chart's title)
        values.setRange(0, top + step / 2)
        values.setTickType(QValueAxis.TickType.TicksDynamic)
        values.setTickAnchor(0.0)
        values.setTickInterval(step)
    else:
        values.setRange(0, top)
        values.setTickCount(int(top // step) + 1)
    values.setLabelFormat("%d%%")
    values.setTitleText(_("% of the target"))  # "100% = reached" is the dashed line
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(values)
    # The 100% line: reached at or above it.
    reached = QLineSeries()
    reached.setName(_("100% = reached"))
    reached.append(-0.5, 100.0)
    reached.append(max(len(labels), 1) - 0.5, 100.0)
    pen = QPen(QColor("#c62828"))
    pen.setWidth(2)
    pen.setStyle(Qt.PenStyle.DashLine)
    reached.setPen(pen)
    chart.addSeries(reached)
    line_axis = QValueAxis()
    line_axis.setRange(-0.5, max(len(labels), 1) - 0.5)
    line_axis.setVisible(False)
    chart.addAxis(line_axis, Qt.AlignmentFlag.AlignTop)
    reached.attachAxis(line_axis)
    reached.attachAxis(values)
    marks = _cut_marks(chart, series, cut, (line_axis, values)) if cut else None
    chart.setTitle(_("Attainment by indicator — {scope}").format(scope=scope))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)  # beside: the height is the plot's
    return IndicatorChart(chart, series, rows, tips, marks)


def _cut_marks(
    chart: QChart,
    bars: QBarSeries,
    cut: list[tuple[int, int, Fraction]],
    axes: tuple[QValueAxis, QValueAxis],
) -> QScatterSeries:
    """A triangle on top of each bar cut at :data:`CHART_LIMIT`, its figure written
    above it (a walkthrough read a cut bar as exactly 1000%)."""
    marks = QScatterSeries()
    marks.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeTriangle)
    marks.setMarkerSize(7.0)  # its tip clear of the figure written above it
    marks.setColor(QColor("#424242"))
    marks.setBorderColor(QColor("#424242"))
    sets = bars.count()
    width = bars.barWidth() / sets  # each set's bar within its group, side by side
    for group, which, _figure in cut:
        marks.append(group - bars.barWidth() / 2 + width * (which + 0.5), CHART_LIMIT)
    marks.setPointLabelsClipping(False)  # the figure may stand above the plot
    marks.setPointLabelsVisible(True)
    config = QXYSeries.PointConfiguration
    for index, (_group, _which, figure) in enumerate(cut):
        # A label format is read for @-tags only: a figure has none.
        marks.setPointConfiguration(
            index, {config.LabelFormat: percent_text(figure), config.LabelVisibility: True}
        )
    chart.addSeries(marks)
    for axis in axes:
        marks.attachAxis(axis)
    for marker in chart.legend().markers(marks):
        marker.setVisible(False)  # a mark, not a series
    return marks


def progress_only(board: Dashboard | None, stream: str) -> bool:
    """Whether ``stream`` comes before the report the targets are judged in: its figures
    are progress (the chart by indicator draws them), none is met or not met yet."""
    if board is None:
        return False
    verdicts = [r.figures[stream].verdict for r in board.rollups if stream in r.figures]
    return Verdict.PROGRESS in verdicts and not any(is_verdict(v) for v in verdicts)


def latest_sent(board: Dashboard) -> str | None:
    """The latest report (the plan's order) some unit in the board's scope sent."""
    received = {c.stream: c.received for c in board.coverage}
    return next((s for s in reversed(board.streams) if received.get(s, 0) > 0), None)


def cluster_note(*, progress: bool) -> str:
    """What the cluster chart shows, above it; ``progress`` as :func:`cluster_chart`'s."""
    note = [
        _(
            "For each cluster: the share of its units that sent the chosen stream, and the "
            "share of the province's targets its units meet together."
        ),
        _("Every cluster in the province is shown, whatever the scope."),
    ]
    if progress:
        note.append(
            _(
                "A target is judged met or not in the report it is set for; until then the "
                "chart by indicator shows the progress towards it."
            )
        )
    return " ".join(note)


def cluster_chart(
    figures: list[ClusterFigure], stream: str, plan: domain.Plan | None, *, progress: bool = False
) -> QChart:
    """Per cluster of the province (whatever the dashboard's scope): the share of its
    units that sent ``stream`` and the share of the targets judged at a cluster that its
    units meet; ``progress``: the stream's figures are progress only
    (:func:`progress_only`)."""
    chart = new_chart()
    received = QBarSet(_("Units that sent (%)"))
    met = QBarSet(_("Targets met (%)"))
    received.setColor(QColor("#7fa7d9"))
    met.setColor(QColor("#2e7d32"))
    for figure in figures:
        received.append(100.0 * figure.received / figure.units if figure.units else 0.0)
        met.append(100.0 * figure.met / figure.judged if figure.judged else 0.0)
    series = QBarSeries()
    series.append(received)
    series.append(met)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append([f.name for f in figures])
    values = QValueAxis()
    values.setRange(0, 100)
    values.setLabelFormat("%d%%")
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(values)
    title = _("Every cluster in the province — {stream}").format(stream=stream_label(stream, plan))
    if figures and not any(f.judged for f in figures):
        title += " — " + (
            _("its targets are judged in a later report")
            if progress
            else _("no target is judged in this period yet")
        )
    chart.setTitle(title)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)  # beside: the height is the plot's
    tips = cluster_tips(figures)
    # A bar's figure in words under the pointer (the bars had no value anywhere).
    for which, bars in enumerate((received, met)):
        bars.hovered.connect(
            lambda inside, index, which=which: (
                QToolTip.showText(QCursor.pos(), tips[index][which])
                if inside and 0 <= index < len(tips)
                else QToolTip.hideText()
            )
        )
    return chart


def cluster_tips(figures: list[ClusterFigure]) -> list[tuple[str, str]]:
    """Per cluster: its two bars' figures in words (units that sent, targets met)."""
    tips = []
    for figure in figures:
        sent = _("{cluster}: {count}/{units} units sent ({percent})").format(
            cluster=figure.name,
            count=format_number(figure.received),
            units=format_number(figure.units),
            percent=percent_text(Fraction(100 * figure.received, figure.units or 1)),
        )
        met = (
            _("{cluster}: {count}/{judged} targets met ({percent})").format(
                cluster=figure.name,
                count=format_number(figure.met),
                judged=format_number(figure.judged),
                percent=percent_text(Fraction(100 * figure.met, figure.judged)),
            )
            if figure.judged
            else _("{cluster}: no target judged").format(cluster=figure.name)
        )
        tips.append((sent, met))
    return tips

"""Pieces the federation screens share: labels, figure text, colours, fonts.

Every label is looked up at call time through gettext so a language switch
(``translateUI``) shows it in the new language.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.core import domain, figures
from app.core.figures import Figure
from app.core.format import format_number
from app.core.i18n import gettext as _
from app.exchange import Outcome
from app.exchange import key_status_label as key_status_label
from app.exchange import kind_label as kind_label
from app.exchange import local_time as local_time
from app.exchange import outcome_label as outcome_label
from app.exchange import stream_label as stream_label
from app.rollup import ScopeChoice, ScopeKind

from ui.widgets.tables import rows_refiltered as rows_refiltered
from ui.widgets.tables import verdict_brush as verdict_brush


def scope_text(choice: ScopeChoice | None) -> str:
    """A scope of the dashboard in words: the province, a cluster, or under a union."""
    if choice is None or choice.kind is ScopeKind.PROVINCE:
        return _("Whole province")
    if choice.kind is ScopeKind.CLUSTER:
        return _("Cluster: {name}").format(name=choice.name)
    return _("Under {code} {name}").format(code=choice.code, name=choice.name)


GOOD = QBrush(QColor("#dff0d8"))
BAD = QBrush(QColor("#f8d7da"))
WARN = QBrush(QColor("#fff3cd"))
INFO = QBrush(QColor("#d9edf7"))
MUTED = QBrush(QColor("#eeeeee"))
DIFFERS = QBrush(QColor("#ffe08a"))
BANNER_STYLE = (
    "background: #f8d7da; border: 2px solid #b00020; padding: 8px; color: #58151c; "
    "font-weight: bold"
)


_monospace: list[QFont] = []


def monospace() -> QFont:
    """A fixed-width font for fingerprints and hashes (made once, after the app)."""
    if not _monospace:
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        # The same size as the text around it (a generic monospace face runs larger).
        font.setPointSizeF(max(6.0, QApplication.font().pointSizeF() * 0.95))
        _monospace.append(font)
    return _monospace[0]


def fit_width(widget: QWidget, texts: list[str], *, font: QFont | None = None) -> int:
    """A column width that shows the longest of ``texts`` (labels differ by language)."""
    metrics = QFontMetrics(font) if font is not None else widget.fontMetrics()
    return max((metrics.horizontalAdvance(t) for t in texts), default=40) + 24


def fit_columns_to_text(view: QTableView, columns: Iterable[int]) -> None:
    """Each of ``columns`` of ``view`` as wide as its longest text and its header with the
    sort arrow beside it (a report's name wrapped onto two lines, "Số ngày trễ" ran into
    the arrow); the rows stay on one line."""
    model = view.model()
    if model is None:
        return
    view.setWordWrap(False)
    arrow = view.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize) + 12
    header = view.horizontalHeader()
    for column in columns:
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        texts = [str(model.index(row, column).data() or "") for row in range(model.rowCount())]
        width = max(
            fit_width(view, texts),
            fit_width(header, [title]) + (arrow if view.isSortingEnabled() else 0),
        )
        view.setColumnWidth(column, width)


def fingerprint_width(widget: QWidget) -> int:
    return fit_width(widget, ["0000-0000-0000-0000-0000-0000"], font=monospace())


class MiddleElided(QStyledItemDelegate):
    """Shortens a path in the middle, so its folder and its file name both show."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class RoomyRows(QStyledItemDelegate):
    """Rows as tall as the dashboard's (the text's height and 10 pixels): the roster's
    tree drew them at the bare text height, dense and hard to follow across 9 columns
    (walkthrough). Scales with the font, so 125 % and Ctrl++ keep the same room."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() + 10))


def outcome_brush(outcome: Outcome) -> QBrush | None:
    return {
        Outcome.NEW: GOOD,
        Outcome.UPDATED: INFO,
        Outcome.DUPLICATE: MUTED,
        Outcome.OLDER: MUTED,
        Outcome.CONFLICT: WARN,
        Outcome.PENDING_KEY: WARN,
        Outcome.REJECTED: BAD,
        Outcome.SKIPPED: MUTED,
    }.get(outcome)


def figure_text(indicator: domain.Indicator, figure: Figure | None) -> tuple[str, str]:
    """A roll-up figure for the screen and, for its tooltip, its arithmetic and what
    it says about the target (all from :mod:`app.core.figures`)."""
    if figure is None or figure.reporting_units == 0:
        return figures.DASH, figures.basis_text(figure)
    reporting = _("{count} units reported").format(count=format_number(figure.reporting_units))
    basis = figures.basis_text(figure)
    lines = [basis if basis == reporting else f"{basis}; {reporting}"]
    attained = figures.figure_attainment_text(figure)
    if attained:
        lines.append(attained)
    word = figures.verdict_text(figure.verdict)
    if word:
        lines.append(word)
    return figures.figure_text(indicator, figure), "\n".join(lines)


def value_text(
    plan: domain.Plan, indicator: domain.Indicator, value: domain.UnitValue | None
) -> str:
    """One unit's value as the screens show it ("" when it sent none)."""
    return figures.value_text(plan, indicator, value)


def met_label(met: bool | None) -> str:
    if met is None:
        return ""
    return figures.verdict_text(figures.Verdict.MET if met else figures.Verdict.NOT_MET)

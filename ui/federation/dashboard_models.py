"""The dashboard's tables: the targets with their figures per stream, and the
units that have not sent ("chưa nộp") with their contact, filtered by stream.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QWidget

from app.core import domain
from app.core.figures import figure_attainment_text, percent_text, target_text
from app.core.format import format_number
from app.core.i18n import gettext as _
from app.rollup import TargetRollup
from db.enums import REGISTRATION_STREAM

from ui.federation.common import WARN, figure_text, rows_refiltered, stream_label, verdict_brush
from ui.widgets.tables import ModelIndex, RowTableModel

if TYPE_CHECKING:
    from app.rollup import Dashboard, MissingUnit


class DashboardColumn(IntEnum):
    CODE = 0
    INDICATOR = 1
    TARGET = 2
    UNITS = 3

    def header(self) -> str:
        return {
            DashboardColumn.CODE: _("Code"),
            DashboardColumn.INDICATOR: _("Indicator"),
            DashboardColumn.TARGET: _("Province target"),
            DashboardColumn.UNITS: _("Units"),
        }[self]


#: After the fixed columns, two per stream: the figure, then "% of target".
FIRST_STREAM_COLUMN = len(DashboardColumn)


class DashboardModel(RowTableModel[TargetRollup]):
    """One row per target (:class:`TargetRollup`); the fixed columns, then two per stream."""

    columns = DashboardColumn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._streams: list[str] = [REGISTRATION_STREAM]
        self._plan: domain.Plan | None = None

    def set_dashboard(self, board: Dashboard | None) -> None:
        if board is None:
            self._plan = None
            self.set_rows([])
        else:
            self._streams = board.streams
            self._plan = board.plan
            self.set_rows(board.rollups)

    def rollup_at(self, row: int) -> TargetRollup:
        return self.row_at(row)

    def stream_of(self, column: int) -> str | None:
        if column < FIRST_STREAM_COLUMN:
            return REGISTRATION_STREAM if column == DashboardColumn.UNITS else None
        return self._streams[(column - FIRST_STREAM_COLUMN) // 2]

    def figure_column(self, stream: str) -> int:
        return FIRST_STREAM_COLUMN + 2 * self._streams.index(stream)

    def row_of(self, code: str, wording: str | None = None) -> int:
        for row, item in enumerate(self._rows):
            if item.indicator.code == code and (
                wording is None or (item.target is not None and item.target.wording == wording)
            ):
                return row
        raise KeyError(code)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIRST_STREAM_COLUMN + 2 * len(self._streams)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < FIRST_STREAM_COLUMN:
                return DashboardColumn(section).header()
            stream = self._streams[(section - FIRST_STREAM_COLUMN) // 2]
            if (section - FIRST_STREAM_COLUMN) % 2:
                return _("% of target")
            if stream == REGISTRATION_STREAM:
                return _("Σ registered") + "\n" + stream_label(stream, self._plan)
            return _("Σ achieved") + "\n" + stream_label(stream, self._plan)
        if role == Qt.ItemDataRole.ToolTipRole and section >= FIRST_STREAM_COLUMN:
            return _("Double-click a figure to see the units behind it.")
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        column = index.column()
        indicator, target = item.indicator, item.target
        if column < FIRST_STREAM_COLUMN:
            fixed = DashboardColumn(column)
            if role == Qt.ItemDataRole.DisplayRole:
                if fixed is DashboardColumn.CODE:
                    return indicator.code
                if fixed is DashboardColumn.INDICATOR:
                    return indicator.title
                if fixed is DashboardColumn.TARGET:
                    if target is None or self._plan is None:
                        return "—"
                    return target_text(self._plan, indicator, target)
                return format_number(item.applicable_units)
            if role == Qt.ItemDataRole.ToolTipRole and fixed is DashboardColumn.INDICATOR:
                return indicator.title
            if role == Qt.ItemDataRole.TextAlignmentRole and fixed is DashboardColumn.UNITS:
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            return None
        stream = self._streams[(column - FIRST_STREAM_COLUMN) // 2]
        figure = item.figures.get(stream)
        percent_column = bool((column - FIRST_STREAM_COLUMN) % 2)
        if role == Qt.ItemDataRole.DisplayRole:
            if percent_column:
                share = figure.attainment if figure is not None else None
                return percent_text(share) if share is not None else ""
            return figure_text(indicator, figure)[0]
        if role == Qt.ItemDataRole.ToolTipRole:
            if percent_column:
                return figure_attainment_text(figure)
            return figure_text(indicator, figure)[1]
        if role == Qt.ItemDataRole.BackgroundRole and figure is not None:
            return verdict_brush(figure.verdict)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def retranslate(self) -> None:
        """The headers again (the figures do not change with the language)."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, self.columnCount() - 1))


class MissingColumn(IntEnum):
    STREAM = 0
    CODE = 1
    UNIT = 2
    CLUSTER = 3
    UPPER = 4
    CHAIR = 5
    PHONE = 6
    EMAIL = 7
    NOTE = 8

    def header(self) -> str:
        return {
            MissingColumn.STREAM: _("Not sent"),
            MissingColumn.CODE: _("Code"),
            MissingColumn.UNIT: _("Unit"),
            MissingColumn.CLUSTER: _("Cluster"),
            MissingColumn.UPPER: _("Upper level"),
            MissingColumn.CHAIR: _("Chair"),
            MissingColumn.PHONE: _("Phone"),
            MissingColumn.EMAIL: _("E-mail"),
            MissingColumn.NOTE: _("Note"),
        }[self]


def held_text(held: str) -> str:
    return {
        "pending_key": _("Received, held: the key is not confirmed yet"),
        "quarantined": _("Received, in conflict: staff must choose"),
        "returned": _("Returned for correction: the corrected report is awaited"),
    }.get(held, "")


class MissingModel(RowTableModel["MissingUnit"]):
    """Units that have not sent a stream ("chưa nộp"), with their contact."""

    columns = MissingColumn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plan: domain.Plan | None = None

    def set_missing(self, rows: list[MissingUnit], plan: domain.Plan | None) -> None:
        self._plan = plan
        self.set_rows(rows)

    def text(self, row: int, column: MissingColumn) -> str:
        item = self._rows[row]
        unit = item.unit
        return {
            MissingColumn.STREAM: stream_label(item.stream, self._plan),
            MissingColumn.CODE: unit.code,
            MissingColumn.UNIT: unit.name,
            MissingColumn.CLUSTER: unit.cluster,
            MissingColumn.UPPER: unit.parent_name,
            MissingColumn.CHAIR: unit.chair,
            MissingColumn.PHONE: unit.phone,
            MissingColumn.EMAIL: unit.email,
            MissingColumn.NOTE: held_text(item.held),
        }[column]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = MissingColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), column)
        if role == Qt.ItemDataRole.BackgroundRole and column is MissingColumn.NOTE:
            return WARN if self._rows[index.row()].held else None
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(MissingColumn) - 1)


class StreamFilter(QSortFilterProxyModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stream: str | None = None

    def set_stream(self, stream: str | None) -> None:
        with rows_refiltered(self):
            self._stream = stream

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, MissingModel)
        return self._stream is None or model.row_at(source_row).stream == self._stream

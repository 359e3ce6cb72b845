"""Qt item models over frozen domain values, with named columns."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import IntEnum
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.core.i18n import gettext as _
from app.core.text import fold, found, search_words
from db.enums import SECTOR_GROUPS, Sector, UnitKind

if TYPE_CHECKING:
    # Not needed before the first paint (the table is empty until the plan is loaded).
    from app.core import domain
    from app.core.figures import Verdict

#: The one colour of each verdict, on every screen (:func:`verdict_brush`).
VERDICT_COLOURS = {"met": "#dff0d8", "not_met": "#f8d7da", "contribution": "#d9edf7"}
_verdict_brushes: dict[str, QBrush] = {}


def verdict_brush(verdict: Verdict | None) -> QBrush | None:
    """Green for Đạt, red for Không đạt, blue for a contribution; none otherwise."""
    colour = VERDICT_COLOURS.get(verdict.value) if verdict is not None else None
    if colour is None:
        return None
    if colour not in _verdict_brushes:
        _verdict_brushes[colour] = QBrush(QColor(colour))
    return _verdict_brushes[colour]


#: Any index a model's methods receive.
ModelIndex = QModelIndex | QPersistentModelIndex
_Row = TypeVar("_Row")


class _Column(Protocol):
    """A column enum member: its position and translated header."""

    def __int__(self) -> int: ...

    def header(self) -> str: ...


class RowTableModel(QAbstractTableModel, Generic[_Row]):
    """A table over a list of frozen rows, one column per ``columns`` member.

    Subclasses name their column enum (each member with ``header()``) and
    write ``data``; rows, counts, headers and re-translation are here. It is
    read-only unless a subclass adds ``flags`` and ``setData``.
    """

    columns: ClassVar[Any]  # an IntEnum class whose members have header()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []

    def set_rows(self, rows: Iterable[_Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> _Row:
        return self._rows[row]

    def rows(self) -> list[_Row]:
        return list(self._rows)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            column: _Column = self.columns(section)
            return column.header()
        return None

    def retranslate(self) -> None:
        """Headers and texts again, in the language now chosen."""
        last = len(self.columns) - 1
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, last)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, last))


def sector_label(sector: Sector) -> str:
    return {
        Sector.ADMINISTRATIVE: _("Administrative / public service"),
        Sector.STATE_ENTERPRISE: _("State enterprise"),
        Sector.NON_STATE_ENTERPRISE: _("Non-state enterprise"),
        Sector.FDI: _("Foreign-invested enterprise"),
    }[sector]


def kind_label(kind: UnitKind) -> str:
    return {
        UnitKind.FEDERATION: _("Provincial federation"),
        UnitKind.UPPER: _("Upper-level union"),
        UnitKind.GRASSROOTS: _("Grassroots union"),
    }[kind]


def applies_to_text(indicator: domain.Indicator) -> str:
    parts: list[str] = []
    if indicator.unit_kinds:
        parts.append(", ".join(kind_label(k) for k in indicator.unit_kinds))
    if indicator.sectors:
        sectors = set(indicator.sectors)
        if sectors == set(SECTOR_GROUPS["enterprise"]):
            parts.append(_("Enterprises"))
        elif sectors == set(SECTOR_GROUPS["non_state"]):
            parts.append(_("Non-state enterprises (FDI included)"))
        else:
            parts.append(", ".join(sector_label(s) for s in indicator.sectors))
    return "; ".join(parts) if parts else _("All units")


class IndicatorColumn(IntEnum):
    CODE = 0
    TITLE = 1
    UNIT = 2
    TARGET = 3
    APPLIES = 4

    def header(self) -> str:
        return {
            IndicatorColumn.CODE: _("Code"),
            IndicatorColumn.TITLE: _("Indicator"),
            IndicatorColumn.UNIT: _("Unit of measure"),
            IndicatorColumn.TARGET: _("Province target"),
            IndicatorColumn.APPLIES: _("Applies to"),
        }[self]


class IndicatorTableModel(RowTableModel["domain.Indicator"]):
    """The indicators of one plan with their targets, read-only."""

    columns = IndicatorColumn

    def set_plan(self, plan: domain.Plan | None) -> None:
        self.set_rows(plan.indicators if plan else [])

    def indicator_at(self, row: int) -> domain.Indicator:
        return self.row_at(row)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        indicator = self._rows[index.row()]
        column = IndicatorColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column is IndicatorColumn.CODE:
                return indicator.code
            if column is IndicatorColumn.TITLE:
                return indicator.title
            if column is IndicatorColumn.UNIT:
                return indicator.unit_of_measure
            if column is IndicatorColumn.TARGET:
                from app.core.figure_display import unit_goal_text
                from app.core.format import format_target
                from app.plans import AREA_TOTAL_NOTE
                from db.enums import Levels

                lines = [
                    "; ".join(format_target(indicator, t) for t in indicator.targets),
                    unit_goal_text(indicator),
                    _(AREA_TOTAL_NOTE) if indicator.levels is Levels.AREA_TOTAL else "",
                ]
                return "\n".join(line for line in lines if line)
            return applies_to_text(indicator)
        if role == Qt.ItemDataRole.ToolTipRole and column in (
            IndicatorColumn.TITLE,
            IndicatorColumn.TARGET,
        ):
            return indicator.title
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(IndicatorColumn) - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, IndicatorColumn.APPLIES),
                self.index(len(self._rows) - 1, IndicatorColumn.APPLIES),
            )


@contextmanager
def rows_refiltered(proxy: QSortFilterProxyModel) -> Iterator[None]:
    """Change a proxy's row filter inside the block; the proxy re-filters after it.

    Qt 6.10+ wants ``beginFilterChange``/``endFilterChange`` (``invalidateRowsFilter``
    is deprecated there); older Qt only has the latter.
    """
    begin = getattr(proxy, "beginFilterChange", None)
    if begin is None:
        yield
        proxy.invalidateRowsFilter()
        return
    begin()
    yield
    proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)


class WordsFilter(QSortFilterProxyModel):
    """The rows whose shown texts (of ``columns``, or every column) contain the words typed,
    in any case and with diacritics optional (:func:`app.core.text.fold`): a search box's."""

    def __init__(
        self, parent: QObject | None = None, *, columns: Iterable[int] | None = None
    ) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._columns = None if columns is None else tuple(columns)

    def set_words(self, text: str) -> None:
        with rows_refiltered(self):
            self._words = search_words(text)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        columns = self._columns or range(model.columnCount(source_parent))
        texts = (model.index(source_row, column, source_parent).data() for column in columns)
        return found(self._words, fold(" ".join(str(text) for text in texts if text is not None)))

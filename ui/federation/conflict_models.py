"""The conflicts page's tables: the open conflicts (unit, stream, why, the two
revisions), and the two versions of one side by side with the differences
marked, optionally only the differences.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from app.core.i18n import gettext as _
from app.exchange import CONFLICT_REASONS, ConflictDetail, ConflictRow, conflict_reason_label

from ui.federation.common import DIFFERS, local_time, rows_refiltered, stream_label, value_text
from ui.widgets.tables import ModelIndex, RowTableModel

REASONS = tuple(CONFLICT_REASONS)
reason_label = conflict_reason_label


class ConflictColumn(IntEnum):
    UNIT = 0
    STREAM = 1
    REASON = 2
    CURRENT = 3
    INCOMING = 4
    RECEIVED = 5
    RETURNED = 6

    def header(self) -> str:
        return {
            ConflictColumn.UNIT: _("Unit"),
            ConflictColumn.STREAM: _("Stream"),
            ConflictColumn.REASON: _("Why"),
            ConflictColumn.CURRENT: _("Current revision"),
            ConflictColumn.INCOMING: _("Incoming revision"),
            ConflictColumn.RECEIVED: _("Received"),
            ConflictColumn.RETURNED: _("Returned to the unit"),
        }[self]


class ConflictListModel(RowTableModel[ConflictRow]):
    columns = ConflictColumn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plans: dict[str, Any] = {}

    def set_conflicts(self, rows: list[ConflictRow], plans: dict[str, Any]) -> None:
        self._plans = plans
        self.set_rows(rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        column = ConflictColumn(index.column())
        if column is ConflictColumn.UNIT:
            return f"{row.unit_code} — {row.unit_name}" if row.unit_code else row.unit_name
        if column is ConflictColumn.STREAM:
            return stream_label(row.stream, self._plans.get(row.plan_id))
        if column is ConflictColumn.REASON:
            return reason_label(row.reason)
        if column is ConflictColumn.CURRENT:
            return "" if row.current_revision is None else str(row.current_revision)
        if column is ConflictColumn.INCOMING:
            return str(row.incoming_revision)
        if column is ConflictColumn.RECEIVED:
            return local_time(row.received_at)
        return local_time(row.returned_at)


class CompareColumn(IntEnum):
    CODE = 0
    WHAT = 1
    CURRENT = 2
    INCOMING = 3

    def header(self) -> str:
        return {
            CompareColumn.CODE: _("Code"),
            CompareColumn.WHAT: _("Indicator"),
            CompareColumn.CURRENT: _("Current (merged)"),
            CompareColumn.INCOMING: _("Incoming (quarantined)"),
        }[self]


#: One line of the comparison: code, what, current, incoming, whether they differ.
_CompareRow = tuple[str, str, str, str, bool]


class CompareModel(RowTableModel[_CompareRow]):
    """The two versions' values, then the other statement details; differences marked."""

    columns = CompareColumn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._detail: ConflictDetail | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    def set_detail(self, detail: ConflictDetail | None) -> None:
        self._detail = detail
        rows: list[_CompareRow] = []
        if detail is not None:
            plan = detail.plan
            for item in detail.values:
                rows.append(
                    (
                        item.indicator.code,
                        item.indicator.title,
                        value_text(plan, item.indicator, item.current),
                        value_text(plan, item.indicator, item.incoming),
                        item.differs,
                    )
                )
            for field in detail.fields:
                rows.append(("", _(field.label), field.current, field.incoming, field.differs))
        self.set_rows(rows)

    def differs(self, row: int) -> bool:
        return self._rows[row][4]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        code, what, current, incoming, differs = self._rows[index.row()]
        column = CompareColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (code, what, current, incoming)[column]
        if differs and column in (CompareColumn.CURRENT, CompareColumn.INCOMING):
            if role == Qt.ItemDataRole.BackgroundRole:
                return DIFFERS
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        return None

    def retranslate(self) -> None:
        self.set_detail(self._detail)


class DifferencesOnly(QSortFilterProxyModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._only = False

    def set_only(self, only: bool) -> None:
        with rows_refiltered(self):
            self._only = only

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, CompareModel)
        return not self._only or model.differs(source_row)

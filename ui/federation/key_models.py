"""The units' signing keys as a table: status, unit, fingerprint, packages held and
the warning a changed key carries; filtered by status.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QWidget

from app.core.i18n import gettext as _
from app.exchange import KeyRow, KeyStatus

from ui.federation.common import (
    BAD,
    GOOD,
    MUTED,
    WARN,
    key_status_label,
    local_time,
    monospace,
    rows_refiltered,
)
from ui.widgets.tables import ModelIndex, RowTableModel


class KeyColumn(IntEnum):
    STATUS = 0
    CODE = 1
    UNIT = 2
    FINGERPRINT = 3
    RECEIVED = 4
    HELD = 5
    WARNING = 6

    def header(self) -> str:
        return {
            KeyColumn.STATUS: _("Status"),
            KeyColumn.CODE: _("Code"),
            KeyColumn.UNIT: _("Unit"),
            KeyColumn.FINGERPRINT: _("Key fingerprint"),
            KeyColumn.RECEIVED: _("Received"),
            KeyColumn.HELD: _("Packages held"),
            KeyColumn.WARNING: _("Warning"),
        }[self]


def warning_text(row: KeyRow) -> str:
    if row.changed_key:
        old = row.would_retire[0]
        return _(
            "CHANGED KEY: accepting it retires the key {fingerprint} accepted on {date}."
        ).format(fingerprint=old.fingerprint, date=local_time(old.decided_at or old.received_at))
    if not row.in_roster:
        return _("The unit is not in the roster.")
    if row.name_differs:
        return _("The enrolment names the unit “{declared}”.").format(declared=row.declared_name)
    return ""


class KeyModel(RowTableModel[KeyRow]):
    columns = KeyColumn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        key = row.key
        column = KeyColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                KeyColumn.STATUS: key_status_label(key.status),
                KeyColumn.CODE: row.declared_code,
                KeyColumn.UNIT: row.roster_name or row.declared_name,
                KeyColumn.FINGERPRINT: key.fingerprint,
                KeyColumn.RECEIVED: local_time(key.received_at),
                KeyColumn.HELD: str(row.held_packages) if row.held_packages else "",
                KeyColumn.WARNING: warning_text(row),
            }[column]
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.changed_key:
                return BAD
            if column is KeyColumn.STATUS:
                return {
                    KeyStatus.PENDING.value: WARN,
                    KeyStatus.ACCEPTED.value: GOOD,
                }.get(key.status, MUTED)
        if role == Qt.ItemDataRole.ToolTipRole and column is KeyColumn.WARNING:
            return warning_text(row) or None
        if role == Qt.ItemDataRole.FontRole and column is KeyColumn.FINGERPRINT:
            return monospace()
        return None


class KeyFilter(QSortFilterProxyModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._status: str | None = KeyStatus.PENDING.value

    def set_status(self, status: str | None) -> None:
        with rows_refiltered(self):
            self._status = status

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, KeyModel)
        return self._status is None or model.row_at(source_row).key.status == self._status

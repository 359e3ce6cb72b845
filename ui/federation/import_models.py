"""The import table: one row per package checked or imported (its unit, stream,
signer and outcome), and its filter by outcome and by words.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QWidget

from app.core import domain
from app.core.i18n import gettext as _
from app.core.text import fold, found, search_words
from app.exchange import ItemResult, Outcome

from ui.federation.common import (
    kind_label,
    monospace,
    outcome_brush,
    outcome_label,
    rows_refiltered,
    stream_label,
)
from ui.widgets.tables import ModelIndex, RowTableModel

#: The outcomes that applying writes.
_WRITES = frozenset(
    {
        Outcome.NEW,
        Outcome.UPDATED,
        Outcome.OLDER,  # kept in the archive: a stream is settled from all its packages
        Outcome.CONFLICT,
        Outcome.PENDING_KEY,
    }
)


class ImportColumn(IntEnum):
    FILE = 0
    UNIT = 1
    KIND = 2
    STREAM = 3
    REVISION = 4
    FINGERPRINT = 5
    OUTCOME = 6
    REASON = 7

    def header(self) -> str:
        return {
            ImportColumn.FILE: _("File"),
            ImportColumn.UNIT: _("Unit"),
            ImportColumn.KIND: _("Kind"),
            ImportColumn.STREAM: _("Stream"),
            ImportColumn.REVISION: _("Revision"),
            ImportColumn.FINGERPRINT: _("Signer's key fingerprint"),
            ImportColumn.OUTCOME: _("Outcome"),
            ImportColumn.REASON: _("Reason"),
        }[self]


class ImportModel(RowTableModel[ItemResult]):
    """The packages of one check or run, one row per :class:`ItemResult`."""

    columns = ImportColumn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names: dict[str, str] = {}
        self._plans: dict[str, domain.Plan] = {}
        self._since: dict[str, str] = {}
        #: Rows by outcome's value, kept as rows come (a check of 20,000 packages
        #: shows its counts while it runs).
        self._counts: dict[str, int] = {o.value: 0 for o in Outcome}

    def set_rows(self, rows: Iterable[ItemResult]) -> None:
        super().set_rows(rows)
        self._counts = {o.value: 0 for o in Outcome}
        self._count(self._rows)

    def _count(self, items: list[ItemResult]) -> None:
        counts = self._counts
        for item in items:
            counts[item.outcome.value] += 1

    def set_context(self, names: dict[str, str], plans: dict[str, domain.Plan]) -> None:
        """Unit names by id and plans by id, to show names instead of ids."""
        self._names = names
        self._plans = plans
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(ImportColumn) - 1)
            )

    def set_items(self, items: list[ItemResult]) -> None:
        """The rows of a new check or run (what became of held packages is not known yet)."""
        self._since = {}
        self.set_rows(items)

    def append(self, items: list[ItemResult]) -> None:
        if not items:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
        self._rows.extend(items)
        self._count(items)
        self.endInsertRows()

    def outcome_counts(self) -> dict[str, int]:
        """How many rows have each outcome (every outcome, 0 included), by its value."""
        return dict(self._counts)

    def has_work(self) -> bool:
        """Whether applying would write anything."""
        return any(item.outcome in _WRITES for item in self._rows)

    def names(self) -> dict[str, str]:
        """Unit names by id, as the table shows them."""
        return self._names

    def set_since(self, since: dict[str, str]) -> None:
        """What became of held or disputed packages after the run (see ``since_the_run``)."""
        self._since = since
        if self._rows:
            column = ImportColumn.OUTCOME
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def unit_text(self, item: ItemResult) -> str:
        name = self._names.get(item.unit_id, "")
        if item.unit_code and name:
            return f"{item.unit_code} — {name}"
        return item.unit_code or name or item.unit_id

    def reason_text(self, item: ItemResult) -> str:
        text = item.reason_text()
        if item.warning:
            warning = _(item.warning)
            text = f"{text} {warning}".strip()
        return text

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        column = ImportColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column is ImportColumn.FILE:
                return item.file_name
            if column is ImportColumn.UNIT:
                return self.unit_text(item)
            if column is ImportColumn.KIND:
                return kind_label(item.kind) if item.kind else ""
            if column is ImportColumn.STREAM:
                if not item.stream or item.kind == "enrolment":
                    return ""
                return stream_label(item.stream, self._plans.get(item.plan_id))
            if column is ImportColumn.REVISION:
                return str(item.revision) if item.revision else ""
            if column is ImportColumn.FINGERPRINT:
                return item.fingerprint
            if column is ImportColumn.OUTCOME:
                since = self._since.get(item.package_hash)
                label = outcome_label(item.outcome)
                return f"{label} → {_(since)}" if since else label
            return self.reason_text(item)
        if role == Qt.ItemDataRole.BackgroundRole and column is ImportColumn.OUTCOME:
            return outcome_brush(item.outcome)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is ImportColumn.REASON:
                return self.reason_text(item) or None
            if column is ImportColumn.FILE:
                return item.file_name
            if column is ImportColumn.UNIT:
                return self.unit_text(item)
        if role == Qt.ItemDataRole.FontRole and column is ImportColumn.FINGERPRINT:
            return monospace()
        if role == Qt.ItemDataRole.UserRole:
            return item.outcome.value
        return None


class ImportFilter(QSortFilterProxyModel):
    """Filters by outcome (a set; empty shows all) and by words in file, unit or reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._outcomes: frozenset[Outcome] = frozenset()
        self._words: tuple[str, ...] = ()

    def set_outcomes(self, outcomes: frozenset[Outcome]) -> None:
        with rows_refiltered(self):
            self._outcomes = outcomes

    def set_text(self, text: str) -> None:
        with rows_refiltered(self):
            self._words = search_words(text)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ImportModel)
        item = model.row_at(source_row)
        if self._outcomes and item.outcome not in self._outcomes:
            return False
        if self._words:
            haystack = fold(f"{item.file_name} {model.unit_text(item)} {item.unit_code}")
            return found(self._words, haystack)
        return True

    def lessThan(self, left: ModelIndex, right: ModelIndex) -> bool:
        if left.column() == ImportColumn.REVISION:
            model = self.sourceModel()
            assert isinstance(model, ImportModel)
            return model.row_at(left.row()).revision < model.row_at(right.row()).revision
        return super().lessThan(left, right)


#: The outcome filter's entries: (key, outcomes shown).
FILTERS: tuple[tuple[str, frozenset[Outcome]], ...] = (
    ("all", frozenset()),
    ("problems", frozenset({Outcome.CONFLICT, Outcome.PENDING_KEY, Outcome.REJECTED})),
    *((o.value, frozenset({o})) for o in Outcome),
)

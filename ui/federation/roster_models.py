"""The roster as a tree: the organisation of one plan year (variable depth: the
federation, upper-level unions, grassroots unions — or grassroots unions directly
under the federation), and its filter by words, sector and cluster that keeps the
ancestors of every match.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from app.core import domain
from app.core.format import format_number
from app.core.i18n import gettext as _
from app.core.text import found, search_words
from db.enums import Sector, UnitKind

from ui.federation.common import rows_refiltered
from ui.widgets.tables import ModelIndex, kind_label, sector_label


class RosterColumn(IntEnum):
    CODE = 0
    NAME = 1
    KIND = 2
    SECTOR = 3
    CLUSTER = 4
    MEMBERS = 5
    WORKERS = 6
    CHAIR = 7
    PHONE = 8
    EMAIL = 9

    def header(self) -> str:
        return {
            RosterColumn.CODE: _("Code"),
            RosterColumn.NAME: _("Unit"),
            RosterColumn.KIND: _("Kind"),
            RosterColumn.SECTOR: _("Sector"),
            RosterColumn.CLUSTER: _("Cluster"),
            RosterColumn.MEMBERS: _("Members"),
            RosterColumn.WORKERS: _("Workers"),
            RosterColumn.CHAIR: _("Chair"),
            RosterColumn.PHONE: _("Phone"),
            RosterColumn.EMAIL: _("E-mail"),
        }[self]


_COLUMNS = len(RosterColumn)
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ToolTipRole,
    }
)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class RosterTreeModel(QAbstractItemModel):
    """A tree over the year's roster; each index's internal id is its unit's position."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._units: list[domain.RosterUnit] = []
        self._parent: list[int] = []  # position of the parent, -1 at the top
        self._children: dict[int, list[int]] = {}
        self._row: list[int] = []  # row under its parent
        self._texts: dict[int, tuple[str, ...]] = {}
        self._folded: list[str] | None = None  # code, name and chair without diacritics
        self._bold = QFont()
        self._bold.setBold(True)

    def set_units(
        self, units: list[domain.RosterUnit], search_keys: list[str] | None = None
    ) -> None:
        """Show ``units``; ``search_keys`` (:func:`app.roster.search_keys`, made on the
        worker with the roster) spare the first search folding every unit here."""
        self.beginResetModel()
        self._units = list(units)
        self._texts = {}
        self._folded = list(search_keys) if search_keys is not None else None
        if self._folded is not None and len(self._folded) != len(self._units):
            raise ValueError("one search key per unit")
        position = {u.id: n for n, u in enumerate(self._units)}
        self._parent = [position.get(u.parent_id or "", -1) for u in self._units]
        # A loop in bad data must not hang the view: cut it at the first repeat.
        for start in range(len(self._units)):
            seen = {start}
            current = self._parent[start]
            while current != -1:
                if current in seen:
                    self._parent[start] = -1
                    break
                seen.add(current)
                current = self._parent[current]
        self._children = {}
        for n, parent in enumerate(self._parent):
            self._children.setdefault(parent, []).append(n)
        kind_order = {UnitKind.FEDERATION: 0, UnitKind.UPPER: 1, UnitKind.GRASSROOTS: 2}
        self._row = [0] * len(self._units)
        for members in self._children.values():
            members.sort(key=lambda n: (kind_order[self._units[n].kind], self._units[n].code or ""))
            for row, n in enumerate(members):
                self._row[n] = row
        self.endResetModel()

    def position_at(self, row: int, parent: ModelIndex) -> int:
        """The position (internal id) of the unit at ``row`` under ``parent``."""
        return self._children[parent.internalId() if parent.isValid() else -1][row]

    def matching(
        self, words: tuple[str, ...], sector: Sector | None, cluster: str | None
    ) -> frozenset[int]:
        """Positions of the units whose folded code, name and chair a search for ``words``
        (:func:`app.core.text.search_words`) finds, and that have the sector and the
        cluster, when given."""
        if self._folded is None:
            from app.roster import search_keys  # its module reads the database (SQLAlchemy)

            self._folded = search_keys(self._units)
        folded = self._folded
        return frozenset(
            n
            for n, unit in enumerate(self._units)
            if (sector is None or unit.sector is sector)
            and (cluster is None or unit.cluster_code == cluster)
            and (not words or found(words, folded[n]))
        )

    def longest_codes(self, per_level: int = 8) -> list[tuple[int, str]]:
        """(depth, code) of the longest codes at each depth of the tree (0: top level), a
        few each: what the code column must fit, measured without every unit's text."""
        depth = [0] * len(self._units)
        for n in range(len(self._units)):
            level, current = 0, self._parent[n]
            while current != -1:  # no loop left: cut in set_units
                level += 1
                current = self._parent[current]
            depth[n] = level
        by_level: dict[int, list[str]] = {}
        for n, unit in enumerate(self._units):
            by_level.setdefault(depth[n], []).append(unit.code or "")
        return [
            (level, code)
            for level, codes in by_level.items()
            for code in sorted(codes, key=len, reverse=True)[:per_level]
        ]

    def has_search_keys(self) -> bool:
        """Whether a search can match without folding the units first."""
        return self._folded is not None

    def unit(self, index: ModelIndex) -> domain.RosterUnit:
        return self._units[index.internalId()]

    def units(self) -> list[domain.RosterUnit]:
        return list(self._units)

    def index_of(self, code: str) -> QModelIndex:
        for n, unit in enumerate(self._units):
            if unit.code == code:
                return self.createIndex(self._row[n], 0, n)
        return QModelIndex()

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        members = self._children.get(parent.internalId() if parent.isValid() else -1)
        if members is None or row < 0 or row >= len(members) or column < 0 or column >= _COLUMNS:
            return QModelIndex()
        return self.createIndex(row, column, members[row])

    def parent(self, child: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid():
            return QModelIndex()
        up = self._parent[child.internalId()]
        if up == -1:
            return QModelIndex()
        return self.createIndex(self._row[up], 0, up)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        key = parent.internalId() if parent.isValid() else -1
        return len(self._children.get(key, []))

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return _COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return RosterColumn(section).header()
        return None

    def texts(self, position: int) -> tuple[str, ...]:
        """A unit's cells as shown, made on first paint and kept (a view asks often)."""
        cached = self._texts.get(position)
        if cached is None:
            unit = self._units[position]
            cached = (
                unit.code or "",
                unit.name,
                kind_label(unit.kind),
                sector_label(unit.sector) if unit.sector else "",
                (
                    _("{cluster} — leader").format(cluster=unit.cluster_code)
                    if unit.leader and unit.cluster_code
                    else unit.cluster_code or ""
                ),
                format_number(unit.member_count) if unit.member_count else "",
                format_number(unit.worker_count) if unit.worker_count else "",
                unit.chair,
                unit.phone,
                unit.email,
            )
            self._texts[position] = cached
        return cached

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Painting asks ~10 roles per cell: answer the ones not used at once.
        if role not in _ROLES or not index.isValid():
            return None
        position, column = index.internalId(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts(position)[column]
        if role == Qt.ItemDataRole.FontRole:
            grassroots = self._units[position].kind is UnitKind.GRASSROOTS
            return None if grassroots else self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (RosterColumn.MEMBERS, RosterColumn.WORKERS):
                return _RIGHT
            return None
        return self._units[position].name if column == RosterColumn.NAME else None

    def retranslate(self) -> None:
        self._texts.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, _COLUMNS - 1)
        self.layoutChanged.emit()


class RosterFilter(QSortFilterProxyModel):
    """Words in name, code or chair (without diacritics), sector, cluster; ancestors kept.

    The matching units are found once per change in a plain loop over the
    model's values; the proxy then only looks each row up in that set.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self._words: tuple[str, ...] = ()
        self._sector: Sector | None = None
        self._cluster: str | None = None
        self._matches: frozenset[int] | None = None  # None: no filter

    def setSourceModel(self, model: Any) -> None:
        super().setSourceModel(model)
        model.modelReset.connect(self._rematch)

    def set_filters(
        self, *, words: str | None = None, sector: Any = ..., cluster: Any = ...
    ) -> None:
        with rows_refiltered(self):
            if words is not None:
                self._words = search_words(words)
            if sector is not ...:
                self._sector = sector
            if cluster is not ...:
                self._cluster = cluster
            self._rematch()

    def _rematch(self) -> None:
        model = self.sourceModel()
        if not isinstance(model, RosterTreeModel) or not self.active():
            self._matches = None
            return
        self._matches = model.matching(self._words, self._sector, self._cluster)

    def active(self) -> bool:
        return bool(self._words) or self._sector is not None or self._cluster is not None

    def matched(self) -> int | None:
        """How many units the search and filters find (their ancestors, shown to place
        them, aside); None when nothing filters."""
        return None if self._matches is None else len(self._matches)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        if self._matches is None:
            return True
        model = self.sourceModel()
        assert isinstance(model, RosterTreeModel)
        return model.position_at(source_row, source_parent) in self._matches

"""The roster: the organisation tree of a plan year, searched and filtered,
imported from and exported to Excel.

The tree is a model over :class:`domain.RosterUnit` values (variable depth:
the federation, upper-level unions, grassroots unions — or grassroots unions
directly under the federation). Filtering keeps the ancestors of every
match visible. An import with errors imports nothing and lists every
problem with its row and column.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.format import format_number
from app.core.i18n import gettext as _
from app.roster import COLUMNS, FIELD_WORDS, RosterError
from db.enums import Sector, UnitKind

from ui.federation.common import BANNER_STYLE, fold, rows_refiltered
from ui.widgets.dialogs import confirm, file_dialog, translate_buttons
from ui.widgets.errors import report_failure
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tables import kind_label, sector_label
from ui.widgets.tasks import CancelToken, Runner

_Index = QModelIndex | QPersistentModelIndex


class RosterColumn(IntEnum):
    CODE = 0
    NAME = 1
    KIND = 2
    SECTOR = 3
    CLUSTER = 4
    MEMBERS = 5
    WORKERS = 6
    PHONE = 7
    EMAIL = 8

    def header(self) -> str:
        return {
            RosterColumn.CODE: _("Code"),
            RosterColumn.NAME: _("Unit"),
            RosterColumn.KIND: _("Kind"),
            RosterColumn.SECTOR: _("Sector"),
            RosterColumn.CLUSTER: _("Cluster"),
            RosterColumn.MEMBERS: _("Members"),
            RosterColumn.WORKERS: _("Workers"),
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
        self._folded: list[str] | None = None  # code and name without diacritics
        self._bold = QFont()
        self._bold.setBold(True)

    def set_units(self, units: list[domain.RosterUnit]) -> None:
        self.beginResetModel()
        self._units = list(units)
        self._texts = {}
        self._folded = None
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

    def position_at(self, row: int, parent: _Index) -> int:
        """The position (internal id) of the unit at ``row`` under ``parent``."""
        return self._children[parent.internalId() if parent.isValid() else -1][row]

    def matching(self, words: str, sector: Sector | None, cluster: str | None) -> frozenset[int]:
        """Positions of the units whose folded code and name contain ``words`` (already
        folded) and that have the sector and the cluster, when given."""
        if self._folded is None:
            self._folded = [fold(f"{u.code or ''} {u.name}") for u in self._units]
        folded = self._folded
        return frozenset(
            n
            for n, unit in enumerate(self._units)
            if (sector is None or unit.sector is sector)
            and (cluster is None or unit.cluster_code == cluster)
            and (not words or words in folded[n])
        )

    def unit(self, index: _Index) -> domain.RosterUnit:
        return self._units[index.internalId()]

    def units(self) -> list[domain.RosterUnit]:
        return list(self._units)

    def index_of(self, code: str) -> QModelIndex:
        for n, unit in enumerate(self._units):
            if unit.code == code:
                return self.createIndex(self._row[n], 0, n)
        return QModelIndex()

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        members = self._children.get(parent.internalId() if parent.isValid() else -1)
        if members is None or row < 0 or row >= len(members) or column < 0 or column >= _COLUMNS:
            return QModelIndex()
        return self.createIndex(row, column, members[row])

    def parent(self, child: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid():
            return QModelIndex()
        up = self._parent[child.internalId()]
        if up == -1:
            return QModelIndex()
        return self.createIndex(self._row[up], 0, up)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        key = parent.internalId() if parent.isValid() else -1
        return len(self._children.get(key, []))

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
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
                unit.phone,
                unit.email,
            )
            self._texts[position] = cached
        return cached

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
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
    """Words in name or code (without diacritics), sector, cluster; ancestors kept.

    The matching units are found once per change in a plain loop over the
    model's values; the proxy then only looks each row up in that set.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self._words = ""
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
                self._words = fold(words.strip())
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

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if self._matches is None:
            return True
        model = self.sourceModel()
        assert isinstance(model, RosterTreeModel)
        return model.position_at(source_row, source_parent) in self._matches


class RowErrorModel(QAbstractTableModel):
    """Row, column and what was wrong (or, for notes, how a cell was read)."""

    def __init__(self, errors: list[Any], parent: Any = None, *, third: str = "") -> None:
        super().__init__(parent)
        self._errors = errors
        self._headers = {c.key: c.header for c in COLUMNS}
        self._third = third

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._errors)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (_("Row"), _("Column"), self._third or _("Problem"))[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        error = self._errors[index.row()]
        if index.column() == 0:
            return str(error.row)
        if index.column() == 1:
            return self._headers.get(error.column, error.column)
        return error.translated()


class CellsDialog(QDialog):
    """A roster workbook's cells by row and column, with an introduction: the
    problems of a workbook refused, or the cells an import read differently."""

    def __init__(
        self,
        *,
        name: str,
        title: str,
        intro: str,
        cells: list[Any],
        third: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        label = QLabel(intro)
        label.setWordWrap(True)
        self.view = QTableView()
        self.view.setModel(RowErrorModel(cells, self, third=third))
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setColumnWidth(0, 60)
        self.view.setColumnWidth(1, 200)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate_buttons(buttons)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 420)


class RowErrorsDialog(CellsDialog):
    """Every problem of a roster workbook that was not imported."""

    def __init__(self, path: Path, error: RosterError, parent: QWidget | None = None) -> None:
        super().__init__(
            name="roster-errors",
            title=_("The roster was not imported"),
            intro=error.translated()
            + "\n"
            + _("Correct these rows in {file} and import it again; nothing was changed.").format(
                file=path.name
            ),
            cells=list(error.errors),
            parent=parent,
        )
        self.errors = error.errors


#: A field the core refused.
PROBLEM_STYLE = "border: 2px solid #c62828;"


class RosterNotesDialog(CellsDialog):
    """Every cell the import read differently from how it was typed (imported)."""

    def __init__(self, path: Path, notes: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(
            name="roster-notes",
            title=_("Read differently from how it was typed"),
            intro=_(
                "The roster {file} is imported. These {count} cells were read differently "
                "from how they were typed; check them, and correct the workbook if a reading "
                "is wrong."
            ).format(file=path.name, count=len(notes)),
            cells=notes,
            third=_("Read as"),
            parent=parent,
        )
        self.notes = notes


class RosterUnitDialog(QDialog):
    """Add or change one unit of the year's roster (its code is its identity).

    The values go through the workbook's own checks in the core; a refusal
    is shown in the dialog, which stays open with everything typed.
    """

    def __init__(
        self,
        units: list[domain.RosterUnit],
        unit: domain.RosterUnit | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("roster-unit")
        self.creating = unit is None
        self.was_leader = bool(unit and unit.leader)
        self.setWindowTitle(
            _("Add a unit to the roster")
            if unit is None
            else _("Change the unit {code}").format(code=unit.code)
        )
        self.code = QLineEdit(unit.code or "" if unit else "")
        self.code.setObjectName("unit-code")
        # A unit's code is its identity (packages carry it): shown, greyed, not editable.
        self.code.setReadOnly(unit is not None)
        self.code.setEnabled(unit is None)
        self.name = QLineEdit(unit.name if unit else "")
        self.name.setObjectName("unit-name")
        self.kind = QComboBox()
        self.kind.setObjectName("unit-kind")
        for kind, kind_word in ((UnitKind.GRASSROOTS, "CĐCS"), (UnitKind.UPPER, "Cấp trên")):
            self.kind.addItem(kind_label(kind), kind_word)
        if unit is not None:
            self.kind.setCurrentIndex(0 if unit.kind is UnitKind.GRASSROOTS else 1)
        self.sector = QComboBox()
        self.sector.setObjectName("unit-sector")
        self.sector.addItem(_("(none)"), "")
        for value, word in (
            (Sector.ADMINISTRATIVE, "HCSN"),
            (Sector.STATE_ENTERPRISE, "DNNN"),
            (Sector.NON_STATE_ENTERPRISE, "NGOÀI NN"),
            (Sector.FDI, "FDI"),
        ):
            self.sector.addItem(sector_label(value), word)
            if unit is not None and unit.sector is value:
                self.sector.setCurrentIndex(self.sector.count() - 1)
        by_id = {u.id: u for u in units}
        self.parent_combo = QComboBox()
        self.parent_combo.setObjectName("unit-parent")
        self.parent_combo.addItem(_("(directly under the federation)"), "")
        for upper in sorted(
            (u for u in units if u.kind is UnitKind.UPPER and u.code), key=lambda u: u.code or ""
        ):
            if unit is not None and upper.id == unit.id:
                continue
            self.parent_combo.addItem(f"{upper.code} — {upper.name}", upper.code)
        if unit is not None and unit.parent_id in by_id:
            found = self.parent_combo.findData(by_id[unit.parent_id].code or "")
            self.parent_combo.setCurrentIndex(max(0, found))
        self.cluster = QComboBox()
        self.cluster.setObjectName("unit-cluster")
        self.cluster.setEditable(True)
        self.cluster.addItem("")
        for name in sorted({u.cluster_code for u in units if u.cluster_code}):
            self.cluster.addItem(name)
        self.cluster.setCurrentText(unit.cluster_code or "" if unit else "")
        self.leader = QCheckBox(_("Leads its cluster this year (cụm trưởng)"))
        self.leader.setObjectName("unit-leader")
        self.leader.setChecked(self.was_leader)
        self.members = QSpinBox()
        self.members.setObjectName("unit-members")
        self.workers = QSpinBox()
        self.workers.setObjectName("unit-workers")
        for box, count in (
            (self.members, unit.member_count if unit else 0),
            (self.workers, unit.worker_count if unit else 0),
        ):
            box.setRange(0, 10_000_000)
            box.setGroupSeparatorShown(True)
            box.setValue(count)
        self.chair = QLineEdit(unit.chair if unit else "")
        self.chair.setObjectName("unit-chair")
        self.phone = QLineEdit(unit.phone if unit else "")
        self.phone.setObjectName("unit-phone")
        self.email = QLineEdit(unit.email if unit else "")
        self.email.setObjectName("unit-email")
        self.problems = QLabel()
        self.problems.setObjectName("unit-problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(BANNER_STYLE)
        self.problems.hide()
        form = QFormLayout()
        # The same words as the messages (FIELD_WORDS); "*" marks what must be filled.
        field: QWidget
        for key, field, required in (
            ("code", self.code, True),
            ("name", self.name, True),
            ("kind", self.kind, True),
            ("sector", self.sector, False),
            ("parent", self.parent_combo, False),
            ("cluster", self.cluster, False),
        ):
            form.addRow(_(FIELD_WORDS[key]) + (" *" if required else "") + ":", field)
        form.addRow("", self.leader)
        for key, field in (
            ("members", self.members),
            ("workers", self.workers),
            ("chair", self.chair),
            ("phone", self.phone),
            ("email", self.email),
        ):
            form.addRow(_(FIELD_WORDS[key]) + ":", field)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(self.buttons)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 620, 560)

    def values(self) -> dict[str, Any]:
        """The unit as the workbook's columns hold it (checked by the core)."""
        # Unticking the leader of its cluster clears it ("không"), as in the workbook.
        leader = "x" if self.leader.isChecked() else ("không" if self.was_leader else "")
        return {
            "code": self.code.text(),
            "name": self.name.text(),
            "kind": self.kind.currentData(),
            "sector": self.sector.currentData(),
            "parent": self.parent_combo.currentData(),
            "cluster": self.cluster.currentText(),
            "leader": leader,
            "members": self.members.value(),
            "workers": self.workers.value(),
            "chair": self.chair.text(),
            "phone": self.phone.text(),
            "email": self.email.text(),
        }

    def show_problems(self, error: RosterError) -> None:
        """The core's refusal, per field, with everything typed kept."""
        headers = {c.key: c.header for c in COLUMNS}
        lines = [f"{headers.get(e.column, e.column)}: {e.translated()}" for e in error.errors] or [
            error.translated()
        ]
        self.problems.setText(_("Not saved:") + "\n" + "\n".join(lines))
        self.problems.show()


class RosterPage(QWidget):
    loaded = Signal()
    imported = Signal(object)  # RosterImportResult
    import_failed = Signal(object)  # RowErrorsDialog or the error text
    exported = Signal(object)
    data_changed = Signal()
    failed = Signal(str)
    done = Signal(str)
    #: A cluster's leader was set or cleared: (cluster, leader's code or "").
    leader_changed = Signal(str, str)
    #: A unit was added, changed or taken out on screen (its code).
    unit_saved = Signal(str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner.bound(self)
        self.year = 0

        self.model = RosterTreeModel(self)
        self.proxy = RosterFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = QTreeView()
        self.view.setObjectName("roster-tree")
        self.view.setModel(self.proxy)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.header().setStretchLastSection(True)
        for column, width in (
            (RosterColumn.CODE, 150),
            (RosterColumn.NAME, 320),
            (RosterColumn.KIND, 200),
            (RosterColumn.SECTOR, 210),
            (RosterColumn.CLUSTER, 170),
            (RosterColumn.MEMBERS, 100),
            (RosterColumn.WORKERS, 120),
            (RosterColumn.PHONE, 110),
        ):
            self.view.setColumnWidth(column, width)

        self.year_label = QLabel()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2200)
        self.year_spin.setObjectName("roster-year")
        self.year_spin.editingFinished.connect(self._year_edited)
        self.search = QLineEdit()
        self.search.setObjectName("roster-search")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)  # filter once typing pauses, not per keystroke
        self._search_timer.timeout.connect(self._search_now)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.sector_combo = QComboBox()
        self.sector_combo.currentIndexChanged.connect(self._sector_chosen)
        self.cluster_combo = QComboBox()
        self.cluster_combo.currentIndexChanged.connect(self._cluster_chosen)
        self.summary = QLabel()
        self.import_button = QPushButton()
        self.import_button.setObjectName("roster-import")
        self.import_button.clicked.connect(self.choose_import)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.choose_export)
        self.template_button = QPushButton()
        self.template_button.clicked.connect(self.choose_template)
        self.add_button = QPushButton()
        self.add_button.setObjectName("roster-add")
        self.add_button.clicked.connect(self.ask_add)
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("roster-edit")
        self.edit_button.clicked.connect(self.ask_edit)
        self.view.doubleClicked.connect(lambda _index: self.ask_edit())
        self.retire_button = QPushButton()
        self.retire_button.setObjectName("roster-retire")
        self.retire_button.clicked.connect(self.ask_retire)
        self.leader_button = QPushButton()
        self.leader_button.setObjectName("set-cluster-leader")
        self.leader_button.clicked.connect(lambda: self.set_leader(True))
        self.clear_leader_button = QPushButton()
        self.clear_leader_button.setObjectName("clear-cluster-leader")
        self.clear_leader_button.clicked.connect(lambda: self.set_leader(False))
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        top = QHBoxLayout()
        top.addWidget(self.year_label)
        top.addWidget(self.year_spin)
        top.addWidget(self.search, 1)
        top.addWidget(self.sector_combo)
        top.addWidget(self.cluster_combo)
        units_row = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.retire_button,
            self.leader_button,
            self.clear_leader_button,
        ):
            units_row.addWidget(button)
        units_row.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.template_button)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(units_row)
        layout.addLayout(bottom)
        self.translateUI()
        self._selection_changed()

    def translateUI(self) -> None:
        self.year_label.setText(_("Year:"))
        self.search.setPlaceholderText(_("Search by name or code (diacritics optional)…"))
        sector = self.sector_combo.currentData()
        self.sector_combo.blockSignals(True)
        self.sector_combo.clear()
        self.sector_combo.addItem(_("All sectors"), None)
        for value in Sector:
            self.sector_combo.addItem(sector_label(value), value)
        self.sector_combo.setCurrentIndex(max(0, self.sector_combo.findData(sector)))
        self.sector_combo.blockSignals(False)
        self._fill_clusters()
        self.add_button.setText(_("Add a unit…"))
        self.edit_button.setText(_("Change the unit…"))
        self.retire_button.setText(_("Take out of the roster…"))
        self.import_button.setText(_("Import from Excel…"))
        self.export_button.setText(_("Export to Excel…"))
        self.template_button.setText(_("Empty template…"))
        self.leader_button.setText(_("Make cluster leader"))
        self.leader_button.setToolTip(
            _("The selected unit leads its cluster (cụm trưởng) this year")
        )
        self.clear_leader_button.setText(_("No longer cluster leader"))
        self.model.retranslate()
        self._show_summary()

    def _fill_clusters(self) -> None:
        current = self.cluster_combo.currentData()
        clusters = sorted({u.cluster_code for u in self.model.units() if u.cluster_code})
        self.cluster_combo.blockSignals(True)
        self.cluster_combo.clear()
        self.cluster_combo.addItem(_("All clusters"), None)
        for code in clusters:
            self.cluster_combo.addItem(code, code)
        self.cluster_combo.setCurrentIndex(max(0, self.cluster_combo.findData(current)))
        self.cluster_combo.blockSignals(False)

    def _show_summary(self) -> None:
        units = self.model.units()
        upper = sum(1 for u in units if u.kind is UnitKind.UPPER)
        grassroots = sum(1 for u in units if u.kind is UnitKind.GRASSROOTS)
        clusters = len({u.cluster_code for u in units if u.cluster_code})
        self.summary.setText(
            _(
                "{year}: {upper} upper-level unions, {grassroots} grassroots unions, "
                "{clusters} clusters."
            ).format(
                year=self.year,
                upper=format_number(upper),
                grassroots=format_number(grassroots),
                clusters=clusters,
            )
        )

    # --- loading ----------------------------------------------------------------------------

    def set_year(self, year: int) -> None:
        self.year = year
        self.year_spin.setValue(year)
        self.reload()

    @Slot()
    def _year_edited(self) -> None:
        if self.year_spin.value() != self.year:
            self.set_year(self.year_spin.value())

    def reload(self) -> None:
        from app.roster import list_roster

        ctx, year = self._ctx, self.year

        def job(_progress: Any, _token: CancelToken) -> list[domain.RosterUnit]:
            with ctx.reading() as session:
                return list_roster(session, year=year)

        self._runner.run(job, self._loaded, self._failed)

    @Slot(object)
    def _loaded(self, units: list[domain.RosterUnit]) -> None:
        selected = self.selected_unit()
        self.model.set_units(units)
        self._fill_clusters()
        self._show_summary()
        self._expand_top()
        if selected is not None and selected.code:
            self.select_unit(selected.code)
        self._selection_changed()
        self.loaded.emit()

    def _expand_top(self) -> None:
        """Open the federation's level so the upper-level unions are in sight."""
        for row in range(self.proxy.rowCount()):
            self.view.expand(self.proxy.index(row, 0))
        if self.proxy.active():
            self.view.expandAll()

    @Slot()
    def _search_now(self) -> None:
        self._search_timer.stop()
        self.proxy.set_filters(words=self.search.text())
        self._expand_top()

    def search_for(self, text: str) -> None:
        """Type ``text`` in the search box and filter at once (no typing pause)."""
        self.search.setText(text)
        self._search_now()

    @Slot(int)
    def _sector_chosen(self, _index: int) -> None:
        self.proxy.set_filters(sector=self.sector_combo.currentData())
        self._expand_top()

    @Slot(int)
    def _cluster_chosen(self, _index: int) -> None:
        self.proxy.set_filters(cluster=self.cluster_combo.currentData())
        self._expand_top()

    def visible_codes(self) -> list[str]:
        """Codes of the units the filter shows (depth first), for tests."""
        codes: list[str] = []

        def walk(parent: QModelIndex) -> None:
            for row in range(self.proxy.rowCount(parent)):
                index = self.proxy.index(row, 0, parent)
                unit = self.model.unit(self.proxy.mapToSource(index))
                codes.append(unit.code or "")
                walk(index)

        walk(QModelIndex())
        return codes

    # --- cluster leaders --------------------------------------------------------------------

    def selected_unit(self) -> domain.RosterUnit | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.unit(self.proxy.mapToSource(rows[0]))

    def select_unit(self, code: str) -> bool:
        """Select the row of unit ``code`` (shown by the filter), for tests."""
        source = self.model.index_of(code)
        index = self.proxy.mapFromSource(source) if source.isValid() else QModelIndex()
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    @Slot()
    def _selection_changed(self) -> None:
        unit = self.selected_unit()
        in_cluster = unit is not None and bool(unit.cluster_code)
        self.leader_button.setEnabled(in_cluster and unit is not None and not unit.leader)
        self.clear_leader_button.setEnabled(in_cluster and unit is not None and unit.leader)
        real = unit is not None and bool(unit.code)  # not the federation itself
        self.edit_button.setEnabled(real)
        self.retire_button.setEnabled(real)

    # --- one unit ---------------------------------------------------------------------------

    @Slot()
    def ask_add(self) -> RosterUnitDialog:
        return self._open_unit_dialog(None)

    @Slot()
    def ask_edit(self) -> RosterUnitDialog | None:
        unit = self.selected_unit()
        if unit is None or not unit.code:
            return None
        return self._open_unit_dialog(unit)

    def _open_unit_dialog(self, unit: domain.RosterUnit | None) -> RosterUnitDialog:
        dialog = RosterUnitDialog(self.model.units(), unit, self)
        save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.clicked.connect(lambda: self.save_unit(dialog))
        dialog.open()
        return dialog

    def save_unit(self, dialog: RosterUnitDialog) -> None:
        """Save through the core; the dialog closes only when the unit is saved."""
        from app.roster import save_roster_unit

        ctx, year, values, creating = self._ctx, self.year, dialog.values(), dialog.creating

        def job(_progress: Any, _token: CancelToken) -> Any:
            return save_roster_unit(ctx, year=year, values=values, creating=creating)

        def finished(result: Any) -> None:
            code = str(values["code"]).strip()
            dialog.accept()
            text = _("The unit {code} is saved in the {year} roster.").format(code=code, year=year)
            notes = " ".join(note.translated() + "." for note in result.notes)
            self.done.emit(f"{text} {notes}".strip())
            self.reload()
            self.data_changed.emit()
            self.unit_saved.emit(code)

        def failed(error: BaseException) -> None:
            if isinstance(error, RosterError):
                dialog.show_problems(error)
                return
            self._failed(error)

        self._runner.run(job, finished, failed)

    @Slot()
    def ask_retire(self) -> None:
        unit = self.selected_unit()
        if unit is None or not unit.code:
            return
        code, year = unit.code, self.year
        confirm(
            self,
            name="confirm-retire",
            title=_("Take out of this year's roster"),
            text=_(
                "Take {code} — {name} out of the {year} roster (dissolved or merged)? Its "
                "packages and figures stay in the archive; the change is recorded in the "
                "audit log."
            ).format(code=code, name=unit.name, year=year),
            on_yes=lambda: self.retire(code),
            danger=True,
        )

    def retire(self, code: str) -> None:
        from app.roster import retire_roster_unit

        ctx, year = self._ctx, self.year

        def job(_progress: Any, _token: CancelToken) -> None:
            retire_roster_unit(ctx, year=year, code=code)

        def finished(_result: Any) -> None:
            self.done.emit(
                _("{code} is no longer in the {year} roster.").format(code=code, year=year)
            )
            self.reload()
            self.data_changed.emit()
            self.unit_saved.emit(code)

        self._runner.run(job, finished, self._failed)

    def set_leader(self, leader: bool) -> None:
        """Make the selected unit its cluster's leader, or clear it (audited)."""
        from app.roster import choose_cluster_leader

        unit = self.selected_unit()
        if unit is None or not unit.cluster_code:
            return
        ctx, year, cluster, code = self._ctx, self.year, unit.cluster_code, unit.code or ""

        def job(_progress: Any, _token: CancelToken) -> str | None:
            return choose_cluster_leader(
                ctx, year=year, cluster=cluster, unit_code=code if leader else None
            )

        def finished(previous: str | None) -> None:
            if leader:
                text = _("{code} now leads {cluster} in {year}.").format(
                    code=code, cluster=cluster, year=year
                )
                if previous and previous != code:
                    text += " " + _("(It was {previous}.)").format(previous=previous)
            else:
                text = _("{cluster} has no leader in {year} now.").format(
                    cluster=cluster, year=year
                )
            self.done.emit(text)
            self.reload()
            self.data_changed.emit()
            self.leader_changed.emit(cluster, code if leader else "")

        self.leader_button.setEnabled(False)
        self.clear_leader_button.setEnabled(False)
        self._runner.run(job, finished, self._failed)

    # --- Excel ------------------------------------------------------------------------------

    @Slot()
    def choose_import(self) -> None:
        file_dialog(
            self,
            name="roster-workbook",
            title=_("Roster workbook to import"),
            mode=QFileDialog.FileMode.ExistingFile,
            name_filter=_("Excel workbooks (*.xlsx)"),
            on_chosen=lambda paths: self.import_workbook(paths[0]),
        )

    def import_workbook(self, path: Path) -> None:
        from app.roster import import_roster_workbook

        ctx, year = self._ctx, self.year

        def job(_progress: Any, _token: CancelToken) -> Any:
            return import_roster_workbook(ctx, path=path, year=year)

        def finished(result: Any) -> None:
            self.done.emit(
                _(
                    "Roster {year} imported: {created} new units, {updated} updated, "
                    "{unchanged} unchanged."
                ).format(
                    year=result.year,
                    created=result.created,
                    updated=result.updated,
                    unchanged=result.unchanged,
                )
            )
            if result.notes:
                self.notes_dialog = RosterNotesDialog(path, list(result.notes), self)
                self.notes_dialog.open()
            self.reload()
            self.data_changed.emit()
            self.imported.emit(result)

        def failed(error: BaseException) -> None:
            if isinstance(error, RosterError):
                dialog = RowErrorsDialog(path, error, self)
                dialog.open()
                self.failed.emit(error.translated())
                self.import_failed.emit(dialog)
                return
            self._failed(error)
            self.import_failed.emit(str(error))

        self._runner.run(job, finished, failed)

    @Slot()
    def choose_export(self) -> None:
        file_dialog(
            self,
            name="roster-export",
            title=_("Save the roster as Excel"),
            mode=QFileDialog.FileMode.AnyFile,
            save=True,
            name_filter=_("Excel workbooks (*.xlsx)"),
            suggested=f"danh-sach-don-vi-{self.year}.xlsx",
            on_chosen=lambda paths: self.export_workbook(paths[0]),
        )

    def export_workbook(self, path: Path) -> None:
        from app.roster import export_roster_workbook

        ctx, year = self._ctx, self.year
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")

        def job(_progress: Any, _token: CancelToken) -> Any:
            with ctx.reading() as session:
                return export_roster_workbook(session, year=year, path=path)

        def finished(result: Any) -> None:
            self.done.emit(_("Roster written to {path}.").format(path=result.path))
            self.exported.emit(result)

        self._runner.run(job, finished, self._failed)

    @Slot()
    def choose_template(self) -> None:
        file_dialog(
            self,
            name="roster-template",
            title=_("Save an empty roster template"),
            mode=QFileDialog.FileMode.AnyFile,
            save=True,
            name_filter=_("Excel workbooks (*.xlsx)"),
            suggested="mau-danh-sach-don-vi.xlsx",
            on_chosen=lambda paths: self.write_template(paths[0]),
        )

    def write_template(self, path: Path) -> None:
        from app.roster import write_roster_template

        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")

        def job(_progress: Any, _token: CancelToken) -> Path:
            write_roster_template(path)
            return path

        self._runner.run(
            job,
            lambda p: self.done.emit(_("Template written to {path}.").format(path=p)),
            self._failed,
        )

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        text = report_failure(self, error)
        self.failed.emit(text)

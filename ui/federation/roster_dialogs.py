"""The roster page's dialogs: one unit added or changed, and a roster workbook's
cells by row and column (the problems of a workbook refused, or the cells an
import read differently).
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.i18n import gettext as _
from app.core.legacy_repair import LegacyReport
from app.roster import COLUMNS, FIELD_WORDS, RosterError
from db.enums import Sector, UnitKind

from ui.federation.common import BANNER_STYLE
from ui.widgets.dialogs import translate_buttons
from ui.widgets.legacy_cells import legacy_summary
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tables import ModelIndex, RowTableModel, kind_label, sector_label

#: The workbook's header of each column, by the key the core's messages name it with.
_HEADERS = {c.key: c.header for c in COLUMNS}


def column_header(key: str) -> str:
    """The workbook's header of column ``key`` (the key itself for no known column)."""
    return _HEADERS.get(key, key)


class CellColumn(IntEnum):
    ROW = 0
    COLUMN = 1
    PROBLEM = 2

    def header(self) -> str:
        return {
            CellColumn.ROW: _("Row"),
            CellColumn.COLUMN: _("Column"),
            CellColumn.PROBLEM: _("Problem"),
        }[self]


class RowErrorModel(RowTableModel[Any]):
    """Row, column and what was wrong (or, for notes, how a cell was read: the header
    of that column is then ``third``)."""

    columns = CellColumn

    def __init__(self, errors: list[Any], parent: Any = None, *, third: str = "") -> None:
        super().__init__(parent)
        self._rows = list(errors)
        self._third = third

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            section == CellColumn.PROBLEM
            and self._third
            and orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return self._third
        return super().headerData(section, orientation, role)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        error = self._rows[index.row()]
        if index.column() == CellColumn.ROW:
            return str(error.row)
        if index.column() == CellColumn.COLUMN:
            return column_header(error.column)
        return error.translated()


class CellsDialog(QDialog):
    """A roster workbook's cells by row and column, with an introduction: the
    problems of a workbook refused, or the cells an import read differently."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-roster"

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
        label.setObjectName("cells-intro")
        label.setWordWrap(True)
        self.intro = label
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


class RosterNotesDialog(CellsDialog):
    """Every cell the import read differently from how it was typed (imported)."""

    def __init__(
        self,
        path: Path,
        notes: list[Any],
        parent: QWidget | None = None,
        legacy: LegacyReport | None = None,
    ) -> None:
        intro = _(
            "The roster {file} is imported. These {count} cells were read differently "
            "from how they were typed; check them, and correct the workbook if a reading "
            "is wrong."
        ).format(file=path.name, count=len(notes))
        if legacy is not None and (legacy.converted or legacy.left):
            intro += " " + legacy_summary(legacy)
        super().__init__(
            name="roster-notes",
            title=_("Read differently from how it was typed"),
            intro=intro,
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

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-roster"

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
        lines = [f"{column_header(e.column)}: {e.translated()}" for e in error.errors] or [
            error.translated()
        ]
        self.problems.setText(_("Not saved:") + "\n" + "\n".join(lines))
        self.problems.show()

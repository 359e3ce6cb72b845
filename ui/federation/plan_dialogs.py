"""The plan page's dialogs: where to write the plan packages (all units, one
cluster or the units under one union, and the folder), and the plan's header.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.format import format_number
from app.core.i18n import gettext as _
from app.rollup import Scope, ScopeChoice, ScopeKind

from ui.widgets.dialogs import file_dialog, translate_buttons


class ExportPlanDialog(QDialog):
    """Which units (all, a cluster, a subtree) and which folder."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-plan"

    def __init__(
        self, plan: domain.Plan, choices: list[ScopeChoice], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("export-plan-packages")
        self.setWindowTitle(_("Plan packages for the units"))
        self.choices = choices
        clusters = [c for c in choices if c.kind is ScopeKind.CLUSTER]
        subtrees = [c for c in choices if c.kind is ScopeKind.SUBTREE]
        province = next((c for c in choices if c.kind is ScopeKind.PROVINCE), None)
        intro = QLabel(
            _(
                "One signed package per unit of the {year} roster: the plan, the unit's entry "
                "and the federation's key. Send each unit its file."
            ).format(year=plan.year)
        )
        intro.setWordWrap(True)
        self.all_units = QRadioButton(
            _("All units ({count})").format(count=format_number(province.units if province else 0))
        )
        self.all_units.setChecked(True)
        self.one_cluster = QRadioButton(_("One cluster:"))
        self.one_subtree = QRadioButton(_("The units under:"))
        self.cluster_combo = QComboBox()
        for choice in clusters:
            self.cluster_combo.addItem(f"{choice.name} ({choice.units})", choices.index(choice))
        self.subtree_combo = QComboBox()
        for choice in subtrees:
            self.subtree_combo.addItem(
                f"{choice.code} {choice.name} ({choice.units})", choices.index(choice)
            )
        self.one_cluster.setEnabled(bool(clusters))
        self.one_subtree.setEnabled(bool(subtrees))
        group = QButtonGroup(self)
        for button in (self.all_units, self.one_cluster, self.one_subtree):
            group.addButton(button)
        self.folder = QLineEdit(str(Path.home() / f"goi-ke-hoach-{plan.year}"))
        self.folder.setObjectName("plan-folder")
        browse = QPushButton(_("Browse…"))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.all_units)
        form.addRow(self.one_cluster, self.cluster_combo)
        form.addRow(self.one_subtree, self.subtree_combo)
        form.addRow(_("Folder:"), folder_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Write the packages"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def chosen_scope(self) -> Scope | None:
        """None for all units of the roster."""
        combo = None
        if self.one_cluster.isChecked():
            combo = self.cluster_combo
        elif self.one_subtree.isChecked():
            combo = self.subtree_combo
        if combo is None or combo.count() == 0:
            return None
        choice: ScopeChoice = self.choices[int(combo.currentData())]
        return choice.scope

    @Slot()
    def _browse(self) -> None:
        file_dialog(
            self,
            name="plan-packages-folder",
            title=_("Folder for the plan packages"),
            mode=QFileDialog.FileMode.Directory,
            on_chosen=lambda paths: self.folder.setText(str(paths[0])),
        )


class EditPlanDialog(QDialog):
    """The plan's header: number, date issued, title and theme."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-plan"

    def __init__(
        self, plan: domain.Plan, parent: QWidget | None = None, *, only_number: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("edit-plan")
        self.setWindowTitle(_("Plan header"))
        self.number = QLineEdit(plan.number)
        self.issued_on = QDateEdit()
        self.issued_on.setCalendarPopup(True)
        self.issued_on.setDisplayFormat("dd/MM/yyyy")
        day = plan.issued_on or dt.date(plan.year, 1, 1)
        self.issued_on.setDate(QDate(day.year, day.month, day.day))
        self.title = QPlainTextEdit(plan.title)
        self.title.setMaximumHeight(70)
        self.theme = QLineEdit(plan.theme)
        form = QFormLayout()
        form.addRow(_("Number:"), self.number)
        form.addRow(_("Issued on:"), self.issued_on)
        form.addRow(_("Title:"), self.title)
        form.addRow(_("Theme:"), self.theme)
        self.title.setReadOnly(only_number)
        self.theme.setReadOnly(only_number)
        self.note = QLabel(
            _(
                "This plan's content cannot change; its number and date of issue can be set "
                "until its plan packages are written."
            )
        )
        self.note.setWordWrap(True)
        self.note.setVisible(only_number)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def issued(self) -> dt.date:
        value = self.issued_on.date()
        return dt.date(value.year(), value.month(), value.day())

"""First run: choose the role of this installation and name the union; a federation
also chooses the passphrase protecting its signing key (typed twice, at least 8
characters), which is born inside its database and unlocked with it on every staff PC."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from db.enums import Role, Sector, UnitKind

from ui.widgets.choices import ChoiceBox
from ui.widgets.passphrase import MIN_LENGTH
from ui.widgets.styles import ERROR_TEXT_STYLE
from ui.widgets.tables import kind_label, sector_label


@dataclass(frozen=True)
class FirstRunChoice:
    role: Role
    name: str
    code: str | None
    kind: UnitKind | None
    sector: Sector | None
    #: The federation's key passphrase (None for a unit).
    key_passphrase: str | None = None


class FirstRunDialog(QDialog):
    """Asks who uses this computer: the federation or a reporting unit."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "first-start"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(True)
        self._intro = QLabel()
        self._intro.setWordWrap(True)
        self._federation = QRadioButton()
        self._unit = QRadioButton()
        self._roles = QButtonGroup(self)
        self._roles.addButton(self._federation)
        self._roles.addButton(self._unit)
        self._unit.setChecked(True)
        self._name = QLineEdit()
        self._code = QLineEdit()
        self._kind: ChoiceBox[UnitKind] = ChoiceBox()
        self._kind.setObjectName("first-run-kind")
        self._kind.set_choices(("", k) for k in (UnitKind.GRASSROOTS, UnitKind.UPPER))
        self._sector: ChoiceBox[Sector | None] = ChoiceBox()
        self._sector.setObjectName("first-run-sector")
        self._sector.set_choices([("", None), *(("", s) for s in Sector)])
        self._passphrase = QLineEdit()
        self._passphrase.setObjectName("first-run-passphrase")
        self._passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self._again = QLineEdit()
        self._again.setObjectName("first-run-passphrase-again")
        self._again.setEchoMode(QLineEdit.EchoMode.Password)
        self._error = QLabel()
        self._error.setWordWrap(True)
        self._error.setStyleSheet(ERROR_TEXT_STYLE)
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self._form = QFormLayout()
        self._name_label = QLabel()
        self._code_label = QLabel()
        self._kind_label = QLabel()
        self._sector_label = QLabel()
        self._form.addRow(self._name_label, self._name)
        self._form.addRow(self._code_label, self._code)
        self._form.addRow(self._kind_label, self._kind)
        self._form.addRow(self._sector_label, self._sector)
        self._passphrase_label = QLabel()
        self._again_label = QLabel()
        self._form.addRow(self._passphrase_label, self._passphrase)
        self._form.addRow(self._again_label, self._again)
        layout = QVBoxLayout(self)
        layout.addWidget(self._intro)
        layout.addWidget(self._unit)
        layout.addWidget(self._federation)
        layout.addLayout(self._form)
        layout.addWidget(self._error)
        layout.addWidget(self._buttons)
        self._buttons.accepted.connect(self._try_accept)
        self._buttons.rejected.connect(self.reject)
        self._federation.toggled.connect(self._role_changed)
        self._name.textChanged.connect(self._validate)
        self._kind.currentIndexChanged.connect(self._kind_changed)
        self._sector.currentIndexChanged.connect(self._validate)
        self._passphrase.textChanged.connect(self._validate)
        self._again.textChanged.connect(self._validate)
        self.translateUI()
        self._role_changed()

    def translateUI(self) -> None:
        self.setWindowTitle(_("Welcome to Thi Đua"))
        self._intro.setText(_("Who uses this computer? The choice decides which screens you see."))
        self._federation.setText(_("Provincial federation (plans, roster, merging, reports)"))
        self._unit.setText(_("Reporting unit (grassroots or upper-level union)"))
        self._name_label.setText(_("Name of the union:"))
        self._code_label.setText(_("Unit code given by the federation:"))
        self._kind_label.setText(_("Level:"))
        self._sector_label.setText(_("Sector:"))
        self._passphrase_label.setText(_("Passphrase of the federation's signing key:"))
        self._again_label.setText(_("Type it again:"))
        self._passphrase.setPlaceholderText(
            _("at least 8 characters; every staff computer unlocks the key with it")
        )
        self._name.setPlaceholderText(_("e.g. Công đoàn Công ty Cổ phần Xi măng Tân Quang"))
        self._kind.relabel(kind_label)
        self._kind_changed()

    def choice(self) -> FirstRunChoice:
        federation = self._federation.isChecked()
        return FirstRunChoice(
            role=Role.FEDERATION if federation else Role.UNIT,
            name=self._name.text().strip(),
            code=None if federation else (self._code.text().strip() or None),
            kind=None if federation else self._kind.current(),
            sector=None if federation else self._sector.current(),
            key_passphrase=self._passphrase.text() if federation else None,
        )

    def restore(self, choice: FirstRunChoice, message: str = "") -> None:
        """Show ``choice`` again (after setting up failed), with what went wrong."""
        (self._federation if choice.role is Role.FEDERATION else self._unit).setChecked(True)
        self._name.setText(choice.name)
        self._code.setText(choice.code or "")
        if choice.kind is not None:
            self._kind.select(choice.kind)
        self._sector.select(choice.sector)
        self._passphrase.setText(choice.key_passphrase or "")
        self._again.setText(choice.key_passphrase or "")
        self._validate()
        if message:
            self._error.setText(message)

    @Slot()
    def _role_changed(self) -> None:
        unit = self._unit.isChecked()
        for widget in (self._code, self._kind, self._sector):
            widget.setEnabled(unit)
        for field in (self._passphrase, self._again):
            self._form.setRowVisible(field, not unit)
        self._kind_changed()

    def _grassroots(self) -> bool:
        return self._unit.isChecked() and self._kind.current() is UnitKind.GRASSROOTS

    @Slot()
    def _kind_changed(self) -> None:
        # A CĐCS belongs to a sector, which decides the indicators it reports (a
        # "không áp dụng" default greyed out 2.3 and 9a for a new chair).
        grassroots = self._grassroots()
        none_label = _("(choose the sector)") if grassroots else _("(not applicable)")
        self._sector.relabel(lambda s: sector_label(s) if s is not None else none_label)
        self._validate()

    @Slot()
    def _validate(self) -> bool:
        ok_button = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        message = ""
        if not self._name.text().strip():
            message = _("Enter the name of the union.")
        elif self._grassroots() and self._sector.current() is None:
            message = _("Choose the sector of the grassroots union.")
        elif self._federation.isChecked():
            message = self._passphrase_problem()
        ok_button.setEnabled(not message)
        self._error.setText(message)
        return not message

    def _passphrase_problem(self) -> str:
        """What is wrong with the federation's key passphrase typed twice ("" if nothing)."""
        first = self._passphrase.text()
        if len(unicodedata.normalize("NFC", first)) < MIN_LENGTH:
            return _("The passphrase needs at least 8 characters.")
        if first != self._again.text():
            return _("The two passphrases differ; type the same one twice.")
        return ""

    @Slot()
    def _try_accept(self) -> None:
        if self._validate():
            self.accept()

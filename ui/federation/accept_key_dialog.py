"""Accepting a unit's key: staff type its fingerprint from the unit's stamped form
(the dialog never shows it), name their evidence, and confirm the retirement of
the old key when the unit already had one; a wrong fingerprint keeps the dialog
open with what was typed.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.exchange import KeyRow, same_fingerprint

from ui.federation.common import BANNER_STYLE, monospace
from ui.widgets.dialogs import translate_buttons


class AcceptKeyDialog(QDialog):
    """Type the fingerprint from the stamped form; name the evidence; confirm a change."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-keys"

    def __init__(self, row: KeyRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accept-key")
        self.row = row
        self.setWindowTitle(_("Accept the key of {code}").format(code=row.declared_code))
        if row.roster_phone or row.roster_email:
            call = _(
                "Call back on the contact in the federation's roster: {chair}, {phone} {email}"
            ).format(
                chair=row.roster_chair or "—",
                phone=row.roster_phone or "—",
                email=row.roster_email,
            )
        else:
            call = _(
                "The roster has no phone number for this unit: confirm with the stamped "
                "paper form, or add the number to the roster first."
            )
        declared = ""
        if row.phone or row.email or row.chair:
            declared = "\n" + _(
                "Declared in the package (do not call this number to confirm: whoever made "
                "the package wrote it): {chair} {phone} {email}"
            ).format(chair=row.chair, phone=row.phone, email=row.email)
        intro = QLabel(
            _("Unit: {name} ({code})").format(
                name=row.roster_name or row.declared_name, code=row.declared_code
            )
            + "\n"
            + call
            + declared
            + "\n\n"
            + _(
                "Type the key fingerprint printed on the unit's stamped registration form "
                "(or read out by the chair on the phone). It is compared digit by digit."
            )
        )
        intro.setObjectName("call-back")
        intro.setWordWrap(True)
        self.fingerprint = QLineEdit()
        self.fingerprint.setObjectName("typed-fingerprint")
        self.fingerprint.setFont(monospace())
        self.fingerprint.setPlaceholderText("0000-0000-0000-0000-0000-0000")
        self.evidence = QLineEdit()
        self.evidence.setObjectName("evidence")
        self.evidence.setPlaceholderText(_("e.g. form no. 12/ĐK dated 10/03/2017, or a call"))
        self.mismatch = QLabel()
        self.mismatch.setObjectName("fingerprint-mismatch")
        self.mismatch.setWordWrap(True)
        self.mismatch.setStyleSheet(BANNER_STYLE)
        self.mismatch.hide()
        self.changed = QCheckBox()
        self.changed.setObjectName("confirm-change")
        warning = QLabel()
        warning.setWordWrap(True)
        warning.setStyleSheet(BANNER_STYLE)
        if row.changed_key:
            old = row.would_retire[0]
            warning.setText(
                _(
                    "This unit already has an accepted key ({fingerprint}). Accepting the new "
                    "key RETIRES the old one: anything it signs afterwards is quarantined. Do "
                    "this only when the unit confirms its computer was replaced or its key "
                    "lost."
                ).format(fingerprint=old.fingerprint)
            )
            self.changed.setText(
                _("I confirmed with the unit's chair that the old key must be retired.")
            )
        else:
            warning.hide()
            self.changed.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(self.buttons)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Accept the key"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Fingerprint from the form:"), self.fingerprint)
        form.addRow(_("Evidence (form or call):"), self.evidence)
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.mismatch)
        layout.addWidget(self.changed)
        layout.addWidget(self.buttons)
        for signal in (self.fingerprint.textChanged, self.evidence.textChanged):
            signal.connect(self._update)
        self.changed.toggled.connect(self._update)
        self.resize(560, self.sizeHint().height())
        self._update()

    def accept(self) -> None:
        """Close only on the right fingerprint: a wrong one keeps what was typed."""
        if not same_fingerprint(self.row.key.fingerprint, self.fingerprint.text()):
            self.mismatch.setText(
                _(
                    "The fingerprint does not match this key. Check each digit with the "
                    "form or the chair; what you typed is kept."
                )
            )
            self.mismatch.show()
            self.fingerprint.setFocus()
            self.fingerprint.selectAll()
            return
        super().accept()

    @Slot()
    def _update(self) -> None:
        self.mismatch.hide()
        digits = sum(c.isdigit() for c in self.fingerprint.text())
        ready = digits == 24 and bool(self.evidence.text().strip())
        if self.row.changed_key:
            ready = ready and self.changed.isChecked()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

"""Choosing the backup's passphrase: typed twice, at least 8 characters.

The passphrase protects the signing key inside the backup; a typing mistake
typed once would lock the chair out of their own backup. The dialog keeps
what was typed and says what is wrong until both fields agree.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _

from ui.widgets.styles import ERROR_TEXT_STYLE

MIN_LENGTH = 8


class PassphraseDialog(QDialog):
    """Type a new passphrase twice; ``chosen`` carries it once both agree."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backup-passphrase")
        self.setWindowTitle(_("Passphrase for the backup"))
        intro = QLabel(
            _(
                "The key in the backup is protected by this passphrase (at least 8 characters). "
                "Write it down and keep it apart from the USB stick."
            )
        )
        intro.setWordWrap(True)
        self.first = QLineEdit()
        self.first.setObjectName("passphrase")
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.second = QLineEdit()
        self.second.setObjectName("passphrase-again")
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_TEXT_STYLE)
        form = QFormLayout()
        form.addRow(_("Passphrase:"), self.first)
        form.addRow(_("Type it again:"), self.second)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Back up"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(480, self.sizeHint().height())

    @Slot()
    def _check(self) -> None:
        first, second = self.first.text(), self.second.text()
        if len(first) < MIN_LENGTH:
            self.error.setText(_("The passphrase needs at least 8 characters."))
            self.first.setFocus()
            return
        if first != second:
            self.error.setText(_("The two passphrases differ; type the same one twice."))
            self.second.clear()
            self.second.setFocus()
            return
        self.error.clear()
        self.accept()
        self.chosen.emit(first)


__all__ = ["PassphraseDialog"]

"""Confirming the federation's key before its first plan package is trusted.

The chair types the fingerprint printed in the federation's letter (or read
out on the phone). The dialog does not show the package's own fingerprint:
copying it from the screen would prove nothing. A mismatch keeps the dialog
open with what was typed, so the chair can correct it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.core.i18n import gettext as _
from app.exchange import same_fingerprint

from ui.widgets.styles import ERROR_TEXT_STYLE


class FingerprintDialog(QDialog):
    """Type the federation's fingerprint; ``confirmed`` carries it once it matches."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "unit-fingerprint"

    confirmed = Signal(str)

    def __init__(self, federation_name: str, expected: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirm-fingerprint")
        self._expected = expected
        self.setWindowTitle(_("Confirm the federation's key"))
        self._label = QLabel(
            _(
                "Plan package from {name}.\n\n"
                "Type the key fingerprint printed in the federation's letter (or read out by "
                "the federation on the phone): 24 digits, in groups of 4."
            ).format(name=federation_name)
        )
        self._label.setWordWrap(True)
        self.typed = QLineEdit()
        self.typed.setObjectName("fingerprint-typed")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.typed.setFont(font)
        self.typed.setPlaceholderText("0000-0000-0000-0000-0000-0000")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_TEXT_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Confirm"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._label)
        layout.addWidget(self.typed)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def labelText(self) -> str:
        return self._label.text()

    def setTextValue(self, text: str) -> None:
        self.typed.setText(text)

    @Slot()
    def _check(self) -> None:
        typed = self.typed.text()
        if not same_fingerprint(self._expected, typed):
            self.error.setText(
                _(
                    "This is not the fingerprint of the key that signed the package. Check it "
                    "against the federation's letter, or call the federation, before going "
                    "on; nothing was imported."
                )
            )
            self.typed.selectAll()
            self.typed.setFocus()
            # Grow to the message: a fixed height cut its first and last lines off.
            layout = self.layout()
            if layout is not None:
                layout.activate()
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))
            return
        self.error.clear()
        self.accept()
        self.confirmed.emit(typed)


__all__ = ["FingerprintDialog"]

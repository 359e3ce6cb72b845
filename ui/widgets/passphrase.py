"""Asking for a passphrase: a new one typed twice, or one already chosen typed once.

A new passphrase (the backup's) is typed twice and has at least 8 characters:
a typing mistake typed once would lock the chair out of their own backup. The
dialog keeps what was typed and says what is wrong until both fields agree.
A passphrase already chosen (to restore the backup) is typed once and goes out
as it is: whoever reads it says whether it is right.
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

#: The shortest new passphrase.
MIN_LENGTH = 8


class PassphraseDialog(QDialog):
    """A passphrase typed once, or twice when it is new (``twice``); ``chosen`` carries it
    once it is accepted. ``name`` is the ``objectName`` tests find it by, ``intro`` the
    text above the fields and ``ok_text`` the word on its OK button."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "key-passphrase"

    chosen = Signal(str)

    def __init__(
        self,
        parent: QWidget | None,
        *,
        name: str,
        title: str,
        intro: str,
        ok_text: str,
        twice: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.first = QLineEdit()
        self.first.setObjectName("passphrase")
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(_("Passphrase:"), self.first)
        #: The second field of a new passphrase (none when it is typed once).
        self.second: QLineEdit | None = None
        if twice:
            self.second = QLineEdit()
            self.second.setObjectName("passphrase-again")
            self.second.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow(_("Type it again:"), self.second)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_TEXT_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(480, self.sizeHint().height())

    def intro_text(self) -> str:
        """The text above the fields (what the passphrase is for)."""
        return self.intro.text()

    @Slot()
    def _check(self) -> None:
        first = self.first.text()
        if self.second is not None:
            if len(first) < MIN_LENGTH:
                self.error.setText(_("The passphrase needs at least 8 characters."))
                self.first.setFocus()
                return
            if first != self.second.text():
                self.error.setText(_("The two passphrases differ; type the same one twice."))
                self.second.clear()
                self.second.setFocus()
                return
        self.error.clear()
        self.accept()
        self.chosen.emit(first)


__all__ = ["MIN_LENGTH", "PassphraseDialog"]

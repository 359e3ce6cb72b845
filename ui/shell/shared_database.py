"""File → Shared database…: point the federation at a PostgreSQL server.

Staff type the server, port, database, user and password; *Test connection*
connects and looks (changing nothing) off the GUI thread. When the database
found is empty and the one in use holds data, the dialog says so and offers to
*move the existing data there* (the checked whole-database move) or to *open the
empty database*; a database whose move was interrupted is named as such. *Save
and reopen* hands the URL to the main window, which saves it in the preferences
and reopens on it only once it opened. *Use the embedded database* goes back to
the file that was open before the server. The password is typed in a password
field and never shown in a message (addresses are rendered with ``***``); the
dialog says where it will be kept.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.core.location import is_server

from ui.shell.server_fields import DEFAULT_PORT, ServerFields, build_url, split_url
from ui.widgets.tasks import CancelToken, Runner


class SharedDatabaseDialog(QDialog):
    """Enter, test and choose a shared database; see the module docstring."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-shared-database"

    #: The URL to switch to (a server's), or "" for the embedded database.
    chosen = Signal(str)
    #: The (empty) server database to move the data in use to.
    move_requested = Signal(str)
    #: Emitted with the translated outcome of *Test connection* (tests wait for it).
    tested = Signal(str)

    def __init__(
        self,
        current: str,
        runner: Runner,
        parent: QWidget | None = None,
        *,
        holds_data: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shared-database")
        self._runner = runner.bound(self)
        self._holds_data = holds_data
        self.fields = ServerFields(current)
        self.host, self.port = self.fields.host, self.fields.port
        self.database, self.user = self.fields.database, self.fields.user
        self.password = self.fields.password
        self._intro = QLabel()
        self._intro.setWordWrap(True)
        self.result_label = QLabel()
        self.result_label.setObjectName("result")
        self.result_label.setWordWrap(True)
        self.test_button = QPushButton()
        self.test_button.setObjectName("test")
        self.test_button.clicked.connect(self.test_connection)
        self.embedded_button = QPushButton()
        self.embedded_button.setObjectName("embedded")
        self.embedded_button.clicked.connect(self._use_embedded)
        self.embedded_button.setEnabled(is_server(current))
        self.move_button = QPushButton()
        self.move_button.setObjectName("move-there")
        self.move_button.clicked.connect(self._move_there)
        self.empty_button = QPushButton()
        self.empty_button.setObjectName("open-empty")
        self.empty_button.clicked.connect(self._save)
        for button in (self.move_button, self.empty_button):
            button.hide()
        offer = QHBoxLayout()  # shown when the database tested is empty and ours is not
        offer.addStretch(1)
        offer.addWidget(self.move_button)
        offer.addWidget(self.empty_button)
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self._buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self._buttons.addButton(self.embedded_button, QDialogButtonBox.ButtonRole.ResetRole)
        self._buttons.accepted.connect(self._save)
        self._buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._intro)
        layout.addWidget(self.fields)
        layout.addWidget(self.result_label)
        layout.addLayout(offer)
        layout.addWidget(self._buttons)
        self.translateUI()

    def translateUI(self) -> None:
        self.setWindowTitle(_("Shared database"))
        self._intro.setText(
            _(
                "Staff on several PCs can work on one PostgreSQL database. Ask the server's "
                "administrator for an empty database and a user that owns it."
            )
        )
        self.fields.translateUI()
        self.test_button.setText(_("&Test connection"))
        self.embedded_button.setText(_("Use the &embedded database"))
        self.move_button.setText(_("&Move the existing data there"))
        self.empty_button.setText(_("Open the em&pty database"))
        save = self._buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(_("Save and &reopen"))

    def url(self) -> str:
        return self.fields.url()

    @Slot()
    def test_connection(self) -> None:
        """Connect and look, off the GUI thread; the outcome shows below the form."""
        missing = self.fields.missing()
        if missing:
            self._show(missing)
            return
        url = self.url()
        self.test_button.setEnabled(False)
        self.move_button.hide()
        self.empty_button.hide()
        self.result_label.setText(_("Connecting…"))

        def job(_progress: Any, _token: CancelToken) -> Any:
            from app.core.context import probe_context

            return probe_context(url)

        def failed(error: BaseException) -> None:
            from ui.widgets.errors import error_text

            self._show(error_text(error))

        self._runner.run(job, self._found, failed)

    def _found(self, probe: Any) -> None:
        text = probe.message()
        if probe.state == "empty" and self._holds_data:
            text += "\n\n" + _(
                "The database in use holds data and this one is empty: move the data there "
                "(copied and checked table by table; the database in use is left as it is), "
                "or open the empty database and start over."
            )
            self.move_button.show()
            self.empty_button.show()
        self._show(text)

    def _show(self, text: str) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setText(text)
        self.adjustSize()  # grow to the wrapped text and the offer, never squash the form
        self.tested.emit(text)

    @Slot()
    def _save(self) -> None:
        missing = self.fields.missing()
        if missing:
            self._show(missing)
            return
        self.chosen.emit(self.url())
        self.accept()

    @Slot()
    def _move_there(self) -> None:
        self.move_requested.emit(self.url())
        self.accept()

    @Slot()
    def _use_embedded(self) -> None:
        self.chosen.emit("")
        self.accept()


__all__ = ["DEFAULT_PORT", "SharedDatabaseDialog", "build_url", "split_url"]

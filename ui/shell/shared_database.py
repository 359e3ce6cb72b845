"""File → Shared database…: point the federation at a PostgreSQL server.

Staff type the server, port, database, user and password; *Test connection*
connects and looks (changing nothing) off the GUI thread; *Save and reopen*
hands the URL to the main window, which saves it in the preferences and
reopens on it only once it opened. *Use the embedded database* goes back to
the file on this PC. The password is typed in a password field and never
shown in a message: addresses are always rendered with ``***``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlsplit

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.core.location import is_server

from ui.widgets.tasks import CancelToken, Runner

DEFAULT_PORT = 5432


def build_url(*, host: str, port: int, database: str, user: str, password: str) -> str:
    """A ``postgresql://`` URL with every part quoted (a password may hold ``@`` or ``/``)."""
    credentials = quote(user, safe="")
    if password:
        credentials += ":" + quote(password, safe="")
    host_part = f"[{host}]" if ":" in host else host
    return f"postgresql://{credentials}@{host_part}:{port}/{quote(database, safe='')}"


def split_url(url: str) -> dict[str, Any]:
    """The fields of a saved URL (empty ones when it is not a server URL)."""
    fields: dict[str, Any] = {
        "host": "",
        "port": DEFAULT_PORT,
        "database": "thidua",
        "user": "",
        "password": "",
    }
    if not is_server(url):
        return fields
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORT
    except ValueError:
        return fields
    fields.update(
        host=parts.hostname or "",
        port=port,
        database=unquote(parts.path.lstrip("/")) or "thidua",
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )
    return fields


class SharedDatabaseDialog(QDialog):
    """Enter, test and choose a shared database; see the module docstring."""

    #: The URL to switch to (a server's), or "" for the embedded database.
    chosen = Signal(str)
    #: Emitted with the translated outcome of *Test connection* (tests wait for it).
    tested = Signal(str)

    def __init__(self, current: str, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shared-database")
        self._runner = runner.bound(self)
        fields = split_url(current)
        self.host = QLineEdit(fields["host"])
        self.host.setObjectName("host")
        self.port = QSpinBox()
        self.port.setObjectName("port")
        self.port.setRange(1, 65535)
        self.port.setValue(int(fields["port"]))
        self.database = QLineEdit(fields["database"])
        self.database.setObjectName("database")
        self.user = QLineEdit(fields["user"])
        self.user.setObjectName("user")
        self.password = QLineEdit(fields["password"])
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self._intro = QLabel()
        self._intro.setWordWrap(True)
        self.result_label = QLabel()
        self.result_label.setObjectName("result")
        self.result_label.setWordWrap(True)
        self._form = QFormLayout()
        self._labels = [QLabel() for _ in range(5)]
        for label, field in zip(
            self._labels,
            (self.host, self.port, self.database, self.user, self.password),
            strict=True,
        ):
            label.setBuddy(field)
            self._form.addRow(label, field)
        self.test_button = QPushButton()
        self.test_button.setObjectName("test")
        self.test_button.clicked.connect(self.test_connection)
        self.embedded_button = QPushButton()
        self.embedded_button.setObjectName("embedded")
        self.embedded_button.clicked.connect(self._use_embedded)
        self.embedded_button.setEnabled(is_server(current))
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self._buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self._buttons.addButton(self.embedded_button, QDialogButtonBox.ButtonRole.ResetRole)
        self._buttons.accepted.connect(self._save)
        self._buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._intro)
        layout.addLayout(self._form)
        layout.addWidget(self.result_label)
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
        for label, text in zip(
            self._labels,
            (_("&Server:"), _("P&ort:"), _("&Database:"), _("&User:"), _("Pass&word:")),
            strict=True,
        ):
            label.setText(text)
        self.test_button.setText(_("&Test connection"))
        self.embedded_button.setText(_("Use the &embedded database"))
        save = self._buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(_("Save and &reopen"))

    def url(self) -> str:
        return build_url(
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            user=self.user.text().strip(),
            password=self.password.text(),
        )

    def _missing(self) -> str:
        if not self.host.text().strip():
            return _("Type the server's name or address.")
        if not self.database.text().strip():
            return _("Type the database's name.")
        if not self.user.text().strip():
            return _("Type the user name.")
        return ""

    @Slot()
    def test_connection(self) -> None:
        """Connect and look, off the GUI thread; the outcome shows below the form."""
        missing = self._missing()
        if missing:
            self._show(missing)
            return
        url = self.url()
        self.test_button.setEnabled(False)
        self.result_label.setText(_("Connecting…"))

        def job(_progress: Any, _token: CancelToken) -> str:
            from app.core.context import probe_context

            return probe_context(url).message()

        def failed(error: BaseException) -> None:
            from ui.widgets.errors import error_text

            self._show(error_text(error))

        self._runner.run(job, self._show, failed)

    def _show(self, text: str) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setText(text)
        self.tested.emit(text)

    @Slot()
    def _save(self) -> None:
        missing = self._missing()
        if missing:
            self._show(missing)
            return
        self.chosen.emit(self.url())
        self.accept()

    @Slot()
    def _use_embedded(self) -> None:
        self.chosen.emit("")
        self.accept()

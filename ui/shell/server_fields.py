"""A PostgreSQL database's fields (server, port, database, user, password) and its URL,
shared by File → Shared database… and File → Move the data to another database….

The password is typed in a password field; the label under the form says where it
will be kept (the OS keyring, or the user-only preferences file).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlsplit

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from app.core.i18n import gettext as _
from app.core.location import is_server
from app.core.passwords import KEYRING, password_place

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


def password_place_text() -> str:
    """Where a saved password is kept, in a sentence."""
    if password_place() == KEYRING:
        return _("The password is kept in the operating system's password store (keyring).")
    return _(
        "This computer has no password store: the password is kept in your preferences "
        "file, readable by your user account only."
    )


class ServerFields(QWidget):
    """The fields of a PostgreSQL database; see the module docstring."""

    def __init__(self, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        fields = split_url(url)
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
        self.password_place = QLabel()
        self.password_place.setObjectName("password-place")
        self.password_place.setWordWrap(True)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self._labels = [QLabel() for _ in range(5)]
        for label, field in zip(
            self._labels,
            (self.host, self.port, self.database, self.user, self.password),
            strict=True,
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.password_place)
        self.translateUI()

    def translateUI(self) -> None:
        for label, text in zip(
            self._labels,
            (_("&Server:"), _("P&ort:"), _("&Database:"), _("&User:"), _("Pass&word:")),
            strict=True,
        ):
            label.setText(text)
        self.password_place.setText(password_place_text())

    def url(self) -> str:
        return build_url(
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            user=self.user.text().strip(),
            password=self.password.text(),
        )

    def missing(self) -> str:
        """What is still to be typed, in a sentence ("" when nothing is)."""
        if not self.host.text().strip():
            return _("Type the server's name or address.")
        if not self.database.text().strip():
            return _("Type the database's name.")
        if not self.user.text().strip():
            return _("Type the user name.")
        return ""


__all__ = ["DEFAULT_PORT", "ServerFields", "build_url", "password_place_text", "split_url"]

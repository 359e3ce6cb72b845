"""File → Shared database…: test a PostgreSQL connection, switch to it, and back.

Runs against the real test server (skipped with the reason when there is none).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from app.core import i18n
from app.core.context import database_url, open_context
from app.core.preferences import Preferences, load_preferences
from app.setup import set_up_installation
from db.enums import Role
from tests.gui.typing import type_text
from tests.gui.widgets import standard_button
from tests.helpers import KEY_PASSPHRASE

from ui.shell.main_window import MainWindow
from ui.shell.shared_database import SharedDatabaseDialog, build_url, split_url

if TYPE_CHECKING:
    from tests.postgres import PostgresServer

SECRET = "S3cret/pa@ss"


def federation_file(path: Path, name: str) -> Path:
    ctx = open_context(path)
    set_up_installation(ctx, role=Role.FEDERATION, name=name, key_passphrase=KEY_PASSPHRASE)
    ctx.close()
    return path


def shared_copy(server: PostgresServer, tmp_path: Path) -> tuple[str, dict[str, object], str]:
    """A server database holding a federation, the dialog's fields for it, and its password."""
    source = federation_file(tmp_path / "shared-source.db", "LĐLĐ tỉnh dùng chung")
    url = server.create(template=server.template_of(source))
    parsed = make_url(url)
    fields = {
        "host": parsed.host or "127.0.0.1",
        "port": parsed.port or 5432,
        "database": parsed.database,
        "user": parsed.username,
    }
    return url, fields, parsed.password or ""


def hidden(password: str, text: str, user: str | None = None) -> bool:
    """Whether ``text`` shows no password: never as ``:pw@``, nor anywhere else
    unless it is too short to tell or is the user name itself (shown on purpose)."""
    if f":{password}@" in text:
        return False
    return len(password) < 8 or password == user or password not in text


def open_window(qtbot: QtBot, db: Path) -> MainWindow:
    i18n.set_language("en")
    window = MainWindow(db, Preferences(language="en"))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.plan_shown, timeout=20000):
        window.start()
    return window


def fill(dialog: SharedDatabaseDialog, fields: dict[str, object], password: str) -> None:
    for widget in (dialog.host, dialog.database, dialog.user, dialog.password):
        widget.clear()
    type_text(dialog.host, str(fields["host"]))
    dialog.port.setValue(int(str(fields["port"])))
    type_text(dialog.database, str(fields["database"]))
    type_text(dialog.user, str(fields["user"]))
    type_text(dialog.password, password)


def file_menu(window: MainWindow) -> list[str]:
    """The File menu's entries as shown ("---" for a separator), the hidden ones left out."""
    return [
        "---" if action.isSeparator() else action.text()
        for action in window._file_menu.actions()
        if action.isVisible()
    ]


def test_url_fields_round_trip_with_characters_that_need_quoting() -> None:
    url = build_url(host="db.lan", port=5433, database="thi dua", user="cán bộ", password=SECRET)
    assert split_url(url) == {
        "host": "db.lan",
        "port": 5433,
        "database": "thi dua",
        "user": "cán bộ",
        "password": SECRET,
    }
    assert make_url(database_url(url)).password == SECRET


def test_shared_database_is_tested_switched_to_and_left(
    qtbot: QtBot, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    url, fields, password = shared_copy(postgres_server, tmp_path)
    window = open_window(qtbot, federation_file(tmp_path / "local.db", "LĐLĐ tỉnh trên máy"))
    assert "LĐLĐ tỉnh trên máy" in window._status.text()
    menu_before = file_menu(window)

    window._shared_action.trigger()
    dialog = window.shared_database_dialog
    assert isinstance(dialog, SharedDatabaseDialog)
    qtbot.waitUntil(dialog.isVisible)

    # A wrong password: a clear message, the password nowhere, nothing saved.
    fill(dialog, fields, "wrong-" + SECRET)
    with qtbot.waitSignal(dialog.tested, timeout=20000) as tested:
        QTest.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "refused the login" in tested.args[0]
    assert SECRET not in tested.args[0] and "***" in tested.args[0]

    fill(dialog, fields, password)
    with qtbot.waitSignal(dialog.tested, timeout=20000) as tested:
        QTest.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert tested.args[0].startswith("Connected (PostgreSQL ")
    assert "up to date" in tested.args[0]
    save = standard_button(dialog, QDialogButtonBox.StandardButton.Save)
    with qtbot.waitSignal(window.database_switched, timeout=20000) as switched:
        QTest.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "LĐLĐ tỉnh dùng chung" in window._status.text(), timeout=20000)
    user = str(fields["user"])
    assert hidden(password, switched.args[0], user)
    assert hidden(password, window._status.text(), user)
    saved = load_preferences().database
    assert make_url(database_url(saved)).password == password
    assert make_url(database_url(saved)).database == make_url(url).database

    # Back to the embedded database on this PC.
    window._shared_action.trigger()
    dialog = window.shared_database_dialog
    assert dialog is not None
    assert dialog.embedded_button.isEnabled()
    with qtbot.waitSignal(window.database_switched, timeout=20000):
        QTest.mouseClick(dialog.embedded_button, Qt.MouseButton.LeftButton)
    assert load_preferences().database == ""
    qtbot.waitUntil(lambda: window.federation_workspace is not None, timeout=20000)
    # The File menu as it was: a separator was added at each switch and never removed.
    qtbot.waitUntil(lambda: file_menu(window) == menu_before, timeout=20000)


def test_an_unreachable_server_changes_nothing(
    qtbot: QtBot, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    _url, fields, password = shared_copy(postgres_server, tmp_path)
    local = federation_file(tmp_path / "local.db", "LĐLĐ tỉnh trên máy")
    window = open_window(qtbot, local)
    window._shared_action.trigger()
    dialog = window.shared_database_dialog
    assert dialog is not None
    fill(dialog, {**fields, "port": 1}, password)
    save = standard_button(dialog, QDialogButtonBox.StandardButton.Save)
    with qtbot.waitSignal(window.failed, timeout=30000) as failure:
        QTest.mouseClick(save, Qt.MouseButton.LeftButton)
    assert "cannot be reached" in failure.args[0]
    assert hidden(password, failure.args[0], str(fields["user"]))
    # The window goes back to the database it had; the preferences were not touched.
    qtbot.waitUntil(lambda: "LĐLĐ tỉnh trên máy" in window._status.text(), timeout=20000)
    assert load_preferences().database == ""

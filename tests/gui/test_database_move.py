"""Moving the federation's data from the GUI (issue #18): File → Move the data… to an
empty PostgreSQL database or a new file, with progress, switched to only once proven
whole; Cancel, a target holding data and an existing file switch nothing; the shared
database dialog offers the move when the database tested is empty; *Use the embedded
database* comes back to the file that was open; the dialog says where the password is
kept. Runs against the real test server."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.core.preferences import load_preferences
from app.setup import database_digests_at
from tests.gui.typing import type_text
from tests.gui.widgets import open_federation_window
from tests.helpers import federation_with_roster

from ui.shell.main_window import MainWindow
from ui.shell.move_dialog import MoveDialog
from ui.shell.server_fields import ServerFields
from ui.shell.shared_database import SharedDatabaseDialog

if TYPE_CHECKING:
    from tests.postgres import PostgresServer


def federation(tmp_path: Path) -> Path:
    db = tmp_path / "lien-doan.db"
    ctx, _plans = federation_with_roster(db, tmp_path)
    ctx.close()
    return db


def fill_server(fields: ServerFields, url: str) -> None:
    parsed = make_url(url)
    for widget in (fields.host, fields.database, fields.user, fields.password):
        widget.clear()
    type_text(fields.host, parsed.host or "127.0.0.1")
    fields.port.setValue(parsed.port or 5432)
    type_text(fields.database, parsed.database or "")
    type_text(fields.user, parsed.username or "")
    type_text(fields.password, parsed.password or "")


def tables(location: str | Path) -> dict[str, Any]:
    """Every table's rows and digest, but the roll-up's cache: the window brings it up to
    date on whichever database it opens (its cells follow from the rest)."""
    # The move is in the target's audit log, written after the copy was proven.
    digests = database_digests_at(location).items()
    return {n: d for n, d in digests if not n.startswith("rollup") and n != "audit_log"}


def start_move(qtbot: QtBot, dialog: MoveDialog) -> str:
    """Click *Move the data* and wait for the outcome's text."""
    with qtbot.waitSignal(dialog.finished_text, timeout=60000) as said:
        QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    return str(said.args[0])


@pytest.mark.parametrize("where", ["server", "file"])
def test_the_data_moves_and_the_window_switches_to_it(
    qtbot: QtBot, tmp_path: Path, postgres_server: PostgresServer, where: str
) -> None:
    db = federation(tmp_path)
    window, _workspace = open_federation_window(qtbot, db)
    before = tables(db)  # as the window left it (its roll-up brought up to date)
    window._move_action.trigger()
    dialog = window.move_dialog
    assert isinstance(dialog, MoveDialog)
    qtbot.waitUntil(dialog.isVisible)
    if where == "server":
        target = postgres_server.empty()
        assert dialog.to_server.isChecked() and dialog.fields.isEnabled()
        fill_server(dialog.fields, target)
    else:
        target = str(tmp_path / "moi" / "thidua.db")
        QTest.mouseClick(dialog.to_file, Qt.MouseButton.LeftButton)
        assert dialog.to_file.isChecked() and not dialog.fields.isEnabled()
        type_text(dialog.file_path, target)
    with qtbot.waitSignal(window.database_switched, timeout=60000) as switched:
        said = start_move(qtbot, dialog)
    assert "mọi bảng đều khớp" in said and dialog.progress.value() > 0
    assert "***" in switched.args[0] or where == "file"
    qtbot.waitUntil(lambda: window.federation_workspace is not None, timeout=20000)
    assert tables(target) == before and tables(db) == before, "both whole, the source untouched"
    # Said once the dialog has closed: moved, and in use now.
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Đã chuyển dữ liệu từ {db} sang ") and "đang dùng" in message
    preferences = load_preferences()
    if where == "server":
        assert make_url(preferences.database).database == make_url(target).database
    else:
        assert preferences.database == target
    assert preferences.local_database == str(db), "the file it came from is remembered"

    if where == "server":
        # Use the embedded database: back to the file that was open, not the default one.
        window._shared_action.trigger()
        shared = window.shared_database_dialog
        assert isinstance(shared, SharedDatabaseDialog)
        with qtbot.waitSignal(window.database_switched, timeout=20000) as back:
            QTest.mouseClick(shared.embedded_button, Qt.MouseButton.LeftButton)
        assert back.args[0] == str(db)


def blocked(window: MainWindow) -> threading.Event:
    """Hold the window's one worker until the event is set (the move waits its turn)."""
    release = threading.Event()
    window._runner.run(lambda _p, _t: release.wait(30), lambda _r: None, lambda _e: None)
    return release


def test_cancel_switches_nothing(
    qtbot: QtBot, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    db = federation(tmp_path)
    window, _workspace = open_federation_window(qtbot, db)
    dialog = window.ask_move_database()
    target = postgres_server.empty()
    fill_server(dialog.fields, target)
    release = blocked(window)
    switched: list[str] = []
    window.database_switched.connect(switched.append)
    with qtbot.waitSignal(dialog.finished_text, timeout=60000) as said:
        QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        QTest.keyClick(dialog, Qt.Key.Key_Escape)  # Cancel while it runs
        assert dialog.isVisible(), "Esc cancels the move; it does not close the dialog"
        release.set()
    assert "Đã hủy" in said.args[0] and "không thay đổi" in said.args[0]
    assert not switched and load_preferences().database == ""
    assert dialog.start_button.isEnabled() and dialog.task is None
    dialog.reject()
    assert not dialog.isVisible()


def test_a_target_holding_data_or_an_existing_file_is_refused(
    qtbot: QtBot, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    db = federation(tmp_path)
    window, _workspace = open_federation_window(qtbot, db)
    dialog = window.ask_move_database()
    held = postgres_server.create(template=postgres_server.template_of(db))
    fill_server(dialog.fields, held)
    switched: list[str] = []
    window.database_switched.connect(switched.append)
    said = start_move(qtbot, dialog)
    assert "đã có dữ liệu" in said and "không thay đổi" in said
    QTest.mouseClick(dialog.to_file, Qt.MouseButton.LeftButton)
    assert dialog.result_label.text() == "", "the server's message goes with the server"
    type_text(dialog.file_path, str(db))
    with qtbot.waitSignal(dialog.finished_text, timeout=5000) as existing:
        QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert "đã có" in existing.args[0]
    assert not switched and load_preferences().database == ""
    assert dialog.isVisible()


@pytest.mark.parametrize("choice", ["move", "empty"])
def test_the_shared_database_dialog_offers_the_move_to_an_empty_database(
    qtbot: QtBot, tmp_path: Path, postgres_server: PostgresServer, choice: str
) -> None:
    db = federation(tmp_path)
    window, _workspace = open_federation_window(qtbot, db)
    before = tables(db)  # as the window left it (its roll-up brought up to date)
    window._shared_action.trigger()
    dialog = window.shared_database_dialog
    assert isinstance(dialog, SharedDatabaseDialog)
    assert "tệp tùy chọn" in dialog.fields.password_place.text(), "no keyring in the tests"
    target = postgres_server.empty()
    fill_server(dialog.fields, target)
    with qtbot.waitSignal(dialog.tested, timeout=20000) as tested:
        QTest.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "đang dùng có dữ liệu" in tested.args[0]
    assert dialog.move_button.isVisible() and dialog.empty_button.isVisible()
    with qtbot.waitSignal(window.database_switched, timeout=60000):
        button = dialog.move_button if choice == "move" else dialog.empty_button
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    if choice == "move":
        qtbot.waitUntil(lambda: window.federation_workspace is not None, timeout=20000)
        assert tables(target) == before
    else:
        # The empty database opens as a new installation: the first run asks who it is.
        qtbot.waitUntil(lambda: window.first_run_dialog is not None, timeout=20000)
        assert tables(db) == before


def test_an_interrupted_move_is_named_when_tested(
    qtbot: QtBot, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    import psycopg

    from db.schema import MOVE_MARKER
    from tests.postgres import _libpq

    db = federation(tmp_path)
    held = postgres_server.create(template=postgres_server.template_of(db))
    with psycopg.connect(_libpq(held), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO setting (key, value) VALUES (%s, %s)", (MOVE_MARKER, "2026-01-01")
        )
    window, _workspace = open_federation_window(qtbot, db)
    window._shared_action.trigger()
    dialog = window.shared_database_dialog
    assert isinstance(dialog, SharedDatabaseDialog)
    fill_server(dialog.fields, held)
    with qtbot.waitSignal(dialog.tested, timeout=20000) as tested:
        QTest.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "bị gián đoạn" in tested.args[0]
    assert not dialog.move_button.isVisible()

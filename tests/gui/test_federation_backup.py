"""File → Back up… and Restore… at the federation (issue #18): the reminder until the
first backup, the folder and the passphrase asked, the backup written with the key
sealed; the restore says what it will replace (whose database, how many units) before
asking for the passphrase, and brings the data back. On a shared database the backup is
a portable file and the restore goes into the file that was open before the server."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from app.core.preferences import Preferences, save_preferences
from app.exchange.sealing import decrypt_with_passphrase
from app.setup import database_digests_at, move_database
from tests.gui.typing import type_text
from tests.gui.widgets import find_dialog, open_federation_window
from tests.helpers import federation_with_roster
from tests.postgres import PostgresServer

from ui.widgets.passphrase import PassphraseDialog

SECRET = "mật khẩu liên đoàn"


def federation(tmp_path: Path) -> Path:
    db = tmp_path / "lien-doan.db"
    ctx, _plans = federation_with_roster(db, tmp_path)
    ctx.close()
    return db


def units(location: str | Path) -> int:
    return database_digests_at(location)["unit"].rows


def back_up_through_the_dialogs(qtbot: QtBot, window: object, usb: Path) -> None:
    from ui.shell.main_window import MainWindow

    assert isinstance(window, MainWindow)
    assert window._backup_action.isVisible()
    window._backup_action.trigger()
    folder = find_dialog(qtbot, QFileDialog, "backup-folder")
    folder.selectFile(str(usb))
    folder.accept()
    secret = find_dialog(qtbot, PassphraseDialog, "backup-passphrase")
    assert secret.second is not None
    type_text(secret.first, SECRET)
    type_text(secret.second, SECRET)
    secret.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.backup_box is not None, timeout=60000)


def test_the_federation_backs_up_and_restores_from_the_file_menu(
    qtbot: QtBot, tmp_path: Path
) -> None:
    db = federation(tmp_path)
    window, _workspace = open_federation_window(qtbot, db)
    assert (
        window.backup_reminder.isVisible()
        and "Chưa có bản sao lưu" in window.backup_reminder.text()
    )
    # It follows a change of language (it stayed Vietnamese until a restart: walkthrough).
    window.set_language("en")
    assert window.backup_reminder.text().startswith("No backup yet")
    window.set_language("vi")
    assert "Chưa có bản sao lưu" in window.backup_reminder.text()
    usb = tmp_path / "usb"
    usb.mkdir()
    shown = window._status.text()  # the database and the role
    back_up_through_the_dialogs(qtbot, window, usb)
    assert window.backup_box is not None and str(usb) in window.backup_box.text()
    # Said for a while in the status bar; the database and role come back after it, and
    # another tab clears it (it stayed on across tabs, read as the latest thing done).
    assert window.statusBar().currentMessage().startswith(f"Đã ghi bản sao lưu vào {usb}")
    assert window._status.text() == shown
    _workspace.tabs.setCurrentIndex(1)
    assert window.statusBar().currentMessage() == ""
    assert not window.backup_reminder.isVisible(), "the reminder goes once backed up"
    [backup] = list(usb.iterdir())
    # The key travels inside the encrypted data, still locked by its own passphrase.
    assert not (backup / "khoa.json").exists()
    clear = tmp_path / "clear.db"
    clear.write_bytes(decrypt_with_passphrase((backup / "thidua.db.age").read_bytes(), SECRET))
    with sqlite3.connect(clear) as conn:
        [(text,)] = conn.execute("SELECT value FROM setting WHERE key = 'federation_key'")
    assert "seed" not in json.loads(text), "the key only passphrase-protected"

    window.choose_restore_folder(usb)
    ask = find_dialog(qtbot, PassphraseDialog, "restore-passphrase")
    said = ask.intro_text()
    assert backup.name in said and "LĐLĐ tỉnh Tuyên Quang" in said
    assert f"{units(db)} đơn vị" in said and str(db) in said, "what it replaces, first"
    ask.reject()
    with qtbot.waitSignal(window.plan_shown, timeout=30000):
        window.restore_from(usb, SECRET)
    qtbot.waitUntil(lambda: window.restore_box is not None, timeout=10000)
    assert window.restore_box is not None
    assert "before-restore" in window.restore_box.text()
    assert not window.backup_reminder.isVisible(), "a restored database is not due"


def test_a_shared_federation_backs_up_to_a_file_and_restores_into_the_file_before_it(
    qtbot: QtBot, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    local = federation(tmp_path)
    server = postgres_server.empty()
    move_database(source=local, target=server)
    save_preferences(Preferences(language="vi", local_database=str(local)))
    window, _workspace = open_federation_window(qtbot, server)  # type: ignore[arg-type]
    usb = tmp_path / "usb"
    usb.mkdir()
    back_up_through_the_dialogs(qtbot, window, usb)
    [backup] = list(usb.iterdir())
    clear = tmp_path / "clear.db"
    clear.write_bytes(decrypt_with_passphrase((backup / "thidua.db.age").read_bytes(), SECRET))
    assert units(clear) == units(server)

    window._preferences = window._preferences.with_changes(local_database=str(local))
    window.choose_restore_folder(usb)
    ask = find_dialog(qtbot, PassphraseDialog, "restore-passphrase")
    said = ask.intro_text()
    assert str(local) in said and "dùng chung được giữ nguyên" in said
    ask.reject()
    with qtbot.waitSignal(window.database_switched, timeout=60000) as switched:
        window.restore_from(usb, SECRET)
    assert switched.args[0] == str(local)
    assert units(server) == units(local), "the server is left as it was"

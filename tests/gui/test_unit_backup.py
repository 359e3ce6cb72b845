"""Back up to a USB folder through the dialogs, change something, restore it back."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from app.core import domain
from app.unit.workspace import set_value
from tests.gui.typing import type_text
from tests.gui.unit_helpers import open_unit_window
from tests.gui.widgets import context_of, find_dialog
from tests.helpers import PLAN

from ui.widgets.passphrase import PassphraseDialog


def test_backup_reminder_backup_and_restore(qtbot: QtBot, tmp_path: Path) -> None:
    db = tmp_path / "unit.db"
    window = open_unit_window(qtbot, db)
    workspace = window.unit_workspace
    assert workspace is not None and workspace.workspace is not None
    ctx = context_of(window)
    set_value(
        ctx, plan_id=PLAN, stream="registration", code="2.1", value=domain.UnitValue(amount=10)
    )
    usb = tmp_path / "usb"
    usb.mkdir()
    with qtbot.waitSignal(workspace.done, timeout=30000):
        workspace.backup_action.trigger()
        folder = find_dialog(qtbot, QFileDialog, "backup-folder")
        assert isinstance(folder, QFileDialog)
        folder.selectFile(str(usb))
        folder.accept()
        secret = find_dialog(qtbot, PassphraseDialog, "backup-passphrase")
        assert isinstance(secret, PassphraseDialog) and secret.second is not None
        type_text(secret.first, "mật khẩu sao lưu")
        type_text(secret.second, "mật khẩu sao lưu nhầm")
        ok = secret.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.click()
        assert secret.isVisible() and "khác nhau" in secret.error.text()
        type_text(secret.second, "mật khẩu sao lưu")
        ok.click()
    assert workspace.workspace.last_backup_at, "the reminder goes away"
    [backup] = list(usb.iterdir())

    set_value(
        ctx, plan_id=PLAN, stream="registration", code="2.1", value=domain.UnitValue(amount=99)
    )
    # Regression: choosing the USB folder itself (the backup is in a sub-folder) failed
    # after the passphrase was typed. It is found first, and named in the question.
    window.choose_restore_folder(usb)
    ask = find_dialog(qtbot, PassphraseDialog, "restore-passphrase")
    assert isinstance(ask, PassphraseDialog) and backup.name in ask.intro_text()
    ask.reject()
    # A wrong passphrase is said with the database still open: the workspace (and its
    # undo history) is the same object, not reloaded before the message.
    before = window.unit_workspace
    with qtbot.waitSignal(window.failed, timeout=30000) as wrong:
        window.restore_from(usb, "mật khẩu khác hẳn")
    assert "Mật khẩu" in wrong.args[0] or "mật khẩu" in wrong.args[0]
    assert window.unit_workspace is before and context_of(window) is not None
    again = find_dialog(qtbot, PassphraseDialog, "restore-passphrase")  # asked again at once
    assert isinstance(again, PassphraseDialog) and backup.name in again.intro_text()
    again.reject()
    with qtbot.waitSignal(window.plan_shown, timeout=30000):
        window.restore_from(usb, "mật khẩu sao lưu")
    # It says what it did, and where the replaced data is kept.
    qtbot.waitUntil(lambda: window.restore_box is not None, timeout=10000)
    assert window.restore_box is not None
    said = window.restore_box.text()
    assert said.startswith("Đã khôi phục bản sao lưu") and "before-restore" in said
    window.restore_box.close()
    restored = window.unit_workspace
    assert restored is not None and restored.workspace is not None
    assert restored.workspace.values["registration"]["2.1"].amount == 10
    assert list(tmp_path.glob("unit.before-restore-*.db")), "the replaced file is kept"
    # Regression: the "no backup yet" banner came back after a restore.
    assert restored.workspace.last_backup_at
    assert not restored._banner.isVisible() or "sao lưu" not in restored._banner.text()

    # A folder with no backup is refused before any passphrase is asked.
    empty = tmp_path / "empty"
    empty.mkdir()
    with qtbot.waitSignal(window.failed, timeout=10000) as failed:
        window.choose_restore_folder(empty)
    assert "Không có bản sao lưu" in failed.args[0]

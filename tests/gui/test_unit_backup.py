"""Back up to a USB folder through the dialogs, change something, restore it back."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QFileDialog, QInputDialog

from app import domain
from app.registration import set_value
from tests.gui.unit_helpers import PLAN, find_dialog, open_unit_window


def test_backup_reminder_backup_and_restore(qtbot: QtBot, tmp_path: Path) -> None:
    db = tmp_path / "unit.db"
    window = open_unit_window(qtbot, db)
    workspace = window.unit_workspace
    assert workspace is not None and workspace.workspace is not None
    ctx = window._ctx
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
        secret = find_dialog(qtbot, QInputDialog, "backup-passphrase")
        assert isinstance(secret, QInputDialog)
        secret.setTextValue("mật khẩu sao lưu")
        secret.accept()
    assert workspace.workspace.last_backup_at, "the reminder goes away"
    [backup] = list(usb.iterdir())

    set_value(
        ctx, plan_id=PLAN, stream="registration", code="2.1", value=domain.UnitValue(amount=99)
    )
    with qtbot.waitSignal(window.plan_shown, timeout=30000):
        window.restore_from(backup, "mật khẩu sao lưu")
    restored = window.unit_workspace
    assert restored is not None and restored.workspace is not None
    assert restored.workspace.values["registration"]["2.1"].amount == 10
    assert list(tmp_path.glob("unit.before-restore-*.db")), "the replaced file is kept"

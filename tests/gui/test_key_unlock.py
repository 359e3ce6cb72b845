"""Who is at the keyboard, and the federation's key on a staff PC without it (issue #18),
through the real window: the federation's window asks the staff name at first use (and
not again); writing plan packages on a PC whose user folder holds no key asks the key's
passphrase (a wrong one again, with the reason), then works, and is not asked again;
so does writing receipts, which the unit then takes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtWidgets import QInputDialog, QProgressBar

from app import unit
from app.core.context import open_context
from app.core.preferences import load_preferences
from app.exchange import import_packages, unlock_key
from db import models
from tests.gui.typing import type_text
from tests.gui.widgets import find_dialog, open_federation_window
from tests.helpers import KEY_PASSPHRASE, PLAN, enrol_unit, federation_with_roster, unit_database
from tests.unit.test_packages_flow import enter_registration

from ui.widgets.passphrase import PassphraseDialog

PASSPHRASE = KEY_PASSPHRASE  # the one federation_with_roster protects the key with


def test_the_federation_window_asks_the_staff_name_at_first_use(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("THIDUA_STAFF_NAME", raising=False)
    ctx, _plans = federation_with_roster(tmp_path / "federation.db", tmp_path)
    ctx.close()
    window, _workspace = open_federation_window(qtbot, tmp_path / "federation.db")
    dialog = find_dialog(qtbot, QInputDialog, "staff-name")
    dialog.setTextValue("Đỗ Minh Châu")
    dialog.accept()
    assert load_preferences().staff_name == "Đỗ Minh Châu"
    window.close()
    again, _ = open_federation_window(qtbot, tmp_path / "federation.db")
    qtbot.wait(200)
    assert not [w for w in again.findChildren(QInputDialog) if w.isVisible()]
    again.close()


def test_plan_packages_on_a_pc_without_the_key_ask_its_passphrase_once(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "federation.db"
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "pc1"))
    ctx, _plans = federation_with_roster(database, tmp_path)
    keyid = unlock_key(ctx, passphrase=PASSPHRASE).keyid  # born in the database, protected
    ctx.close()
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "pc2"))
    monkeypatch.setenv("THIDUA_STAFF_NAME", "Hoàng Văn Dũng")
    window, workspace = open_federation_window(qtbot, database)
    workspace.show_page("plan")
    page = workspace.plan_page
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.id == PLAN, timeout=20000)

    page.export(tmp_path / "first", None)
    dialog = find_dialog(qtbot, PassphraseDialog, "key-passphrase")
    assert "khóa" in dialog.intro_text()
    type_text(dialog.first, "không phải mật khẩu")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    dialog = find_dialog(qtbot, PassphraseDialog, "key-passphrase")
    # The unlock runs on the task runner: the dialog is busy, then says why.
    qtbot.waitUntil(lambda: dialog.error.text() == "Mật khẩu không đúng.", timeout=20000)
    assert dialog.first.isEnabled() and not dialog.findChild(QProgressBar).isVisible()  # type: ignore[union-attr]
    assert not (tmp_path / "first").exists() or not list((tmp_path / "first").iterdir())
    with qtbot.waitSignal(page.exported, timeout=60000) as exported:
        type_text(dialog.first, PASSPHRASE)
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert len(exported.args[0]) > 0
    with qtbot.waitSignal(page.exported, timeout=60000) as second:
        page.export(tmp_path / "second", None)  # unlocked for the session: not asked again
    assert len(second.args[0]) == len(exported.args[0])
    assert not dialog.isVisible()
    window.close()
    assert not (tmp_path / "pc2" / "keys").exists()
    check = open_context(database)
    with check.reading() as session:
        actors = session.scalars(
            select(models.AuditEntry.actor).where(models.AuditEntry.action == "plan.export")
        ).all()
        assert session.get(models.Setting, "own_keyid").value == keyid  # type: ignore[union-attr]
    check.close()
    assert actors[-2:] == ["Hoàng Văn Dũng", "Hoàng Văn Dũng"]


def test_receipts_on_a_pc_without_the_key_ask_its_passphrase(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "federation.db"
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "pc1"))
    ctx, plans = federation_with_roster(database, tmp_path)
    unlock_key(ctx, passphrase=PASSPHRASE)
    chair = unit_database(tmp_path / "unit.db", name="CĐ Xi măng Tân Quang", code="CS-0001")
    enrol_unit(ctx, chair, plans, tmp_path)
    enter_registration(chair, 25)
    report = unit.export_report(chair, plan_id=PLAN, stream="registration", out_dir=tmp_path)
    import_packages(ctx, paths=[report.path], dry_run=False)
    ctx.close()
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "pc2"))
    monkeypatch.setenv("THIDUA_STAFF_NAME", "Hoàng Văn Dũng")
    window, workspace = open_federation_window(qtbot, database)
    page = workspace.importer
    page.write_receipts(tmp_path / "receipts")
    dialog = find_dialog(qtbot, PassphraseDialog, "key-passphrase")
    with qtbot.waitSignal(page.done, timeout=60000) as done:
        type_text(dialog.first, PASSPHRASE)
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert done.args[0].startswith("Đã ghi 1 giấy báo nhận")
    [receipt] = (tmp_path / "receipts").iterdir()
    # The unit reads it on its own PC (its key, and so its decryption key, are there).
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "pc1"))
    assert unit.import_receipt(chair, path=receipt).status == "received"
    window.close()

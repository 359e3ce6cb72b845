"""Backup to a folder and restore on another PC: database and key come back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core import domain
from app.core.context import open_context
from app.core.errors import InputError
from app.exchange.keys import own_key_info
from app.exchange.keystore import WrongPassphraseError
from app.setup.backup import backup_installation, read_backup, restore_installation
from app.setup.first_run import initialize
from app.statements.records import statement_values
from app.unit.workspace import set_value
from db.enums import Role, Sector


def test_backup_then_restore_on_a_new_pc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "old-pc" / "thidua.db"
    ctx = open_context(db)
    with ctx.unit_of_work() as session:
        unit = initialize(
            session,
            role=Role.UNIT,
            name="Công đoàn Trường THPT Tân Trào",
            code="CS-9",
            sector=Sector.ADMINISTRATIVE,
        )
    set_value(
        ctx,
        plan_id="tuyen-quang-2017",
        stream="registration",
        code="2.1",
        value=domain.UnitValue(amount=12),
    )
    usb = tmp_path / "usb"
    usb.mkdir()
    info = backup_installation(ctx, target=usb, passphrase="mật khẩu dài")
    with ctx.reading() as session:
        key = own_key_info(session)
    ctx.close()
    assert key is not None
    assert read_backup(info.folder).unit_name == "Công đoàn Trường THPT Tân Trào"

    # A new PC: another user data folder, no database yet.
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "new-home"))
    new_db = tmp_path / "new-pc" / "thidua.db"
    with pytest.raises(WrongPassphraseError):
        restore_installation(folder=info.folder, passphrase="sai mật khẩu", database=new_db)
    assert not new_db.exists(), "a wrong passphrase changes nothing"
    restore_installation(folder=info.folder, passphrase="mật khẩu dài", database=new_db)
    restored = open_context(new_db)
    try:
        with restored.reading() as session:
            values = statement_values(
                session, plan_id="tuyen-quang-2017", unit_id=unit.own_unit_id, stream="registration"
            )
            again = own_key_info(session)
        assert values["2.1"].amount == 12
        assert again is not None and again.fingerprint == key.fingerprint
        from app.exchange.keys import ensure_own_key

        with restored.unit_of_work() as session:
            assert ensure_own_key(session).key_id == key.keyid, "the private key came back"
    finally:
        restored.close()


def test_a_folder_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    (folder / "thidua-backup.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="no Thi Đua backup"):
        restore_installation(folder=folder, passphrase="x" * 8, database=folder / "t.db")
    assert os.listdir(folder) == ["thidua-backup.json"]

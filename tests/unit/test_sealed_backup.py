"""A backup on a USB folder is encrypted with age's scrypt recipient: no readable personal
data on the stick; restore says clearly when the passphrase is wrong and replaces nothing;
a backup of an older version (its database in clear) still restores."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from app.core.context import AppContext, open_context
from app.core.errors import InputError
from app.exchange.keystore import WrongPassphraseError
from app.exchange.sealing import (
    MSG_WRONG_BACKUP_PASSPHRASE,
    decrypt_with_passphrase,
)
from app.setup.backup import backup_installation, restore_installation
from app.setup.first_run import initialize
from db import models
from db.enums import Role

PASSPHRASE = "mật khẩu dài của công đoàn"
CHAIR = "Nguyễn Thị Hoa"
PHONE = "0912 345 678"
EMAIL = "hoa.nguyen@ximang-tanquang.vn"


def unit_with_personal_data(db: Path) -> AppContext:
    ctx = open_context(db)
    with ctx.unit_of_work() as session:
        installation = initialize(session, role=Role.UNIT, name="CĐ Xi măng Tân Quang", code="CS-1")
        session.execute(
            update(models.Unit)
            .where(models.Unit.id == installation.own_unit_id)
            .values(chair_name=CHAIR, phone=PHONE, email=EMAIL)
        )
    return ctx


def every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_a_backup_on_a_usb_folder_holds_no_readable_personal_data(tmp_path: Path) -> None:
    db = tmp_path / "pc" / "thidua.db"
    ctx = unit_with_personal_data(db)
    try:
        info = backup_installation(ctx, target=tmp_path / "usb", passphrase=PASSPHRASE)
    finally:
        ctx.close()
    on_the_stick = every_byte(tmp_path / "usb")
    assert CHAIR.encode() in db.read_bytes(), "the test looks for what the database holds"
    for personal in (CHAIR, PHONE, EMAIL, "Nguy", "ximang"):
        for encoding in ("utf-8", "utf-16-le"):
            assert personal.encode(encoding) not in on_the_stick, personal
    assert (info.folder / "thidua.db.age").read_bytes().startswith(b"age-encryption.org/v1\n")
    assert not (info.folder / "thidua.db").exists()
    clear = decrypt_with_passphrase((info.folder / "thidua.db.age").read_bytes(), PASSPHRASE)
    assert CHAIR.encode() in clear


def test_a_wrong_passphrase_is_said_and_replaces_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = unit_with_personal_data(tmp_path / "pc" / "thidua.db")
    try:
        info = backup_installation(ctx, target=tmp_path / "usb", passphrase=PASSPHRASE)
        other = backup_installation(ctx, target=tmp_path / "usb2", passphrase="một mật khẩu khác")
    finally:
        ctx.close()
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "new-home"))
    new_db = tmp_path / "new-pc" / "thidua.db"
    with pytest.raises(WrongPassphraseError):
        restore_installation(folder=info.folder, passphrase="sai mật khẩu", database=new_db)
    assert not new_db.exists()
    # The key opens but the database was sealed under another passphrase (files mixed up).
    (info.folder / "thidua.db.age").write_bytes((other.folder / "thidua.db.age").read_bytes())
    with pytest.raises(InputError) as refused:
        restore_installation(folder=info.folder, passphrase=PASSPHRASE, database=new_db)
    assert refused.value.message == MSG_WRONG_BACKUP_PASSPHRASE
    assert not new_db.exists()
    # A cut file is damaged, not a wrong passphrase.
    sealed = (other.folder / "thidua.db.age").read_bytes()
    (other.folder / "thidua.db.age").write_bytes(sealed[: len(sealed) // 2])
    with pytest.raises(InputError) as damaged:
        restore_installation(folder=other.folder, passphrase="một mật khẩu khác", database=new_db)
    assert damaged.value.message != MSG_WRONG_BACKUP_PASSPHRASE
    assert not new_db.exists()


def test_a_backup_of_an_older_version_still_restores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = unit_with_personal_data(tmp_path / "pc" / "thidua.db")
    try:
        info = backup_installation(ctx, target=tmp_path / "usb", passphrase=PASSPHRASE)
    finally:
        ctx.close()
    sealed = info.folder / "thidua.db.age"
    (info.folder / "thidua.db").write_bytes(
        decrypt_with_passphrase(sealed.read_bytes(), PASSPHRASE)
    )
    sealed.unlink()
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "new-home"))
    new_db = tmp_path / "new-pc" / "thidua.db"
    restore_installation(folder=info.folder, passphrase=PASSPHRASE, database=new_db)
    restored = open_context(new_db)
    try:
        with restored.reading() as session:
            assert {u.chair_name for u in session.query(models.Unit)} >= {CHAIR}
    finally:
        restored.close()

"""The federation's key kept in its database (issue #18): unlocked once per context on
any staff PC, moved there from an old key file, rotated, recovered from a backup, a
wrong passphrase refused; the demo writes no key into the user folder; who acts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli.program import main
from app.core.context import AppContext, open_context
from app.exchange import (
    PassphraseRequiredError,
    WrongPassphraseError,
    backup_own_key,
    export_plan_packages,
    lock_key,
    rotate_own_key,
    unlock_key,
)
from app.exchange.key_custody import KEY_SETTING, retired_key_count, stored_key_text
from app.exchange.keys import ensure_own_key, own_key_path, restore_own_key
from app.exchange.keystore import key_from_text
from app.roster.template import write_roster_template
from app.roster.workbook_import import import_roster
from app.setup.first_run import initialize
from db import models
from db.enums import Role
from tests.helpers import older_federation_key

PASSPHRASE = "mật khẩu chung của LĐLĐ"
PLAN = "tuyen-quang-2017"


def federation(where: Path, folder: Path) -> AppContext:
    ctx = open_context(where)
    with ctx.unit_of_work() as session:
        initialize(session, role=Role.FEDERATION, name="LĐLĐ tỉnh Tuyên Quang")
    workbook = folder / "roster.xlsx"
    write_roster_template(workbook)
    with ctx.unit_of_work() as session:
        import_roster(session, path=workbook, year=2017)
    return ctx


def signer(ctx: AppContext) -> str:
    with ctx.unit_of_work() as session:
        return ensure_own_key(session).key_id


def test_a_second_pc_unlocks_the_key_kept_in_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "federation.db"
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "pc1"))
    first = federation(database, tmp_path)
    info = unlock_key(first, passphrase=PASSPHRASE)
    assert len(export_plan_packages(first, plan_id=PLAN, out_dir=tmp_path / "a")) > 0
    first.close()

    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "pc2"))
    second = open_context(database)
    with pytest.raises(PassphraseRequiredError) as locked:
        export_plan_packages(second, plan_id=PLAN, out_dir=tmp_path / "b")
    assert "passphrase" in locked.value.message
    with pytest.raises(WrongPassphraseError):
        unlock_key(second, passphrase="not the passphrase")
    assert unlock_key(second, passphrase=PASSPHRASE).keyid == info.keyid
    assert len(export_plan_packages(second, plan_id=PLAN, out_dir=tmp_path / "b")) > 0
    lock_key(second)
    with pytest.raises(PassphraseRequiredError):
        signer(second)
    second.close()
    for pc in ("pc1", "pc2"):
        assert not (tmp_path / pc / "keys").exists()
    with open_context(database).reading() as session:
        text = stored_key_text(session)
    assert text is not None and "scrypt" in text and "seed" not in text


def test_an_old_key_file_moves_into_the_database_and_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "federation.db"
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "pc1"))
    ctx = federation(database, tmp_path)
    old = older_federation_key(ctx)  # the key file of before, unprotected in the user folder
    with ctx.reading() as session:
        path = own_key_path(session)
    assert path.exists()
    assert unlock_key(ctx, passphrase=PASSPHRASE).keyid == old
    assert path.exists()
    with ctx.reading() as session:
        actions = session.scalars(select(models.AuditEntry.action)).all()
        text = stored_key_text(session)
    assert "key.share" in actions
    assert text is not None and key_from_text(text, PASSPHRASE).key_id == old
    ctx.close()
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "pc2"))
    other = open_context(database)
    assert unlock_key(other, passphrase=PASSPHRASE).keyid == old


def test_a_key_file_left_on_the_first_pc_is_named_on_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "federation.db"
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "pc1"))
    ctx = federation(database, tmp_path)
    older_federation_key(ctx)
    ctx.close()
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "pc2"))
    other = open_context(database)
    with pytest.raises(Exception) as refused:
        unlock_key(other, passphrase=PASSPHRASE)
    assert "computer that set the federation up" in str(getattr(refused.value, "message", ""))
    with other.reading() as session:
        assert session.get(models.Setting, KEY_SETTING) is None


def test_rotation_keeps_the_old_key_retired_under_a_new_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "federation.db"
    ctx = federation(database, tmp_path)
    old = unlock_key(ctx, passphrase=PASSPHRASE).keyid
    with pytest.raises(WrongPassphraseError), ctx.unit_of_work() as session:
        rotate_own_key(session, passphrase="wrong passphrase", new_passphrase="khóa mới 2018")
    with ctx.unit_of_work() as session:
        rotated = rotate_own_key(session, passphrase=PASSPHRASE, new_passphrase="khóa mới 2018")
    assert rotated[0].key_id == old and rotated[1].key_id != old
    assert signer(ctx) == rotated[1].key_id
    ctx.close()
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "pc2"))
    other = open_context(database)
    with pytest.raises(WrongPassphraseError):
        unlock_key(other, passphrase=PASSPHRASE)
    assert unlock_key(other, passphrase="khóa mới 2018").keyid == rotated[1].key_id
    with other.reading() as session:
        assert retired_key_count(session) == 1
        row = session.get(models.SigningKey, old)
        assert row is not None and row.status == "retired"


def test_a_backup_restores_the_key_into_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = federation(tmp_path / "federation.db", tmp_path)
    kept = unlock_key(ctx, passphrase=PASSPHRASE).keyid
    backup = tmp_path / "usb" / "federation-key.backup"
    backup.parent.mkdir()
    with ctx.unit_of_work() as session:
        backup_own_key(session, path=backup, passphrase="sao lưu khóa 2017")
    # The server was lost: a new database, on a new PC, gets the key back.
    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "pc2"))
    fresh = federation(tmp_path / "rebuilt.db", tmp_path)
    with pytest.raises(WrongPassphraseError), fresh.unit_of_work() as session:
        restore_own_key(session, path=backup, passphrase="wrong", key_passphrase=PASSPHRASE)
    with fresh.unit_of_work() as session:
        restore_own_key(
            session, path=backup, passphrase="sao lưu khóa 2017", key_passphrase="khóa phục hồi"
        )
    fresh.close()
    again = open_context(tmp_path / "rebuilt.db")
    with pytest.raises(PassphraseRequiredError):
        signer(again)
    assert unlock_key(again, passphrase="khóa phục hồi").keyid == kept
    assert not (tmp_path / "pc2" / "keys").exists()


def test_the_demo_writes_no_key_into_the_user_folder(tmp_path: Path) -> None:
    home = Path(os.environ["THIDUA_HOME"])
    assert main(["demo", "--out", str(tmp_path / "demo"), "--units", "3"]) == 0
    assert not (home / "keys").exists()
    ctx = open_context(tmp_path / "demo" / "federation.db")
    assert signer(ctx)  # throwaway: unprotected in the demo's own database


def test_audit_entries_carry_the_staff_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("THIDUA_STAFF_NAME", raising=False)
    database = tmp_path / "federation.db"
    federation(database, tmp_path).close()
    key_env = "THIDUA_TEST_KEY"
    monkeypatch.setenv(key_env, PASSPHRASE)
    args = ["--db", str(database), "--staff", "  Nguyễn Thị  Lan ", "--key-passphrase-env"]
    assert (
        main([*args, key_env, "plan", "export", "--plan", PLAN, "--out", str(tmp_path / "p")]) == 0
    )
    assert "THIDUA_STAFF_NAME" not in os.environ
    with open_context(database).reading() as session:
        entries = session.execute(
            select(models.AuditEntry.action, models.AuditEntry.actor).where(
                models.AuditEntry.action.in_(["key.create", "plan.export"])
            )
        ).all()
    assert sorted(entries) == [("key.create", "Nguyễn Thị Lan"), ("plan.export", "Nguyễn Thị Lan")]


def test_keys_restore_puts_the_backup_into_the_database_under_a_new_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = federation(tmp_path / "federation.db", tmp_path)
    kept = unlock_key(ctx, passphrase=PASSPHRASE).keyid
    backup = tmp_path / "federation-key.backup"
    with ctx.unit_of_work() as session:
        backup_own_key(session, path=backup, passphrase="sao lưu khóa 2017")
    ctx.close()
    monkeypatch.setenv("BACKUP", "sao lưu khóa 2017")
    monkeypatch.setenv("KEY", "mật khẩu mới 2018")
    rebuilt = tmp_path / "rebuilt.db"
    federation(rebuilt, tmp_path).close()
    restore = ["keys", "restore", str(backup), "--backup-passphrase-env", "BACKUP"]
    assert main(["--db", str(rebuilt), "--key-passphrase-env", "KEY", *restore]) == 0
    again = open_context(rebuilt)
    with pytest.raises(WrongPassphraseError):
        unlock_key(again, passphrase=PASSPHRASE)
    assert unlock_key(again, passphrase="mật khẩu mới 2018").keyid == kept

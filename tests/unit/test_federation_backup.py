"""The federation's backup (issue #18): of its file by SQLite's online backup, of its
shared PostgreSQL database by the whole-database move into a portable file; the key
only passphrase-protected; a restore says first what it would replace, and a shared
database is restored by moving the restored file onto an empty server."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest

from app.core.context import database_url, open_context
from app.core.errors import InputError
from app.exchange import unlock_key
from app.exchange.keys import ensure_own_key
from app.exchange.keystore import WrongPassphraseError
from app.exchange.sealing import decrypt_with_passphrase
from app.setup import (
    MoveCancelled,
    backup_installation,
    database_digests_at,
    describe_database,
    move_database,
    plan_restore,
    restore_installation,
)
from db.engine import display_url
from tests.helpers import KEY_PASSPHRASE, federation_with_roster
from tests.postgres import PostgresServer

PASSPHRASE = "mật khẩu của liên đoàn"


def _without_settings(location: str | Path) -> dict[str, object]:
    """Every table's rows and digest but the settings (a backup records its own date)."""
    # The backup (source) and the move (target) are audited after the copy is proven.
    skipped = ("setting", "audit_log")
    return {name: d for name, d in database_digests_at(location).items() if name not in skipped}


def _federation_file(tmp_path: Path) -> tuple[Path, str]:
    """A federation's file with its roster and its own key; returns it and the key id."""
    db = tmp_path / "fed" / "thidua.db"
    ctx, _plans = federation_with_roster(db, tmp_path)
    with ctx.unit_of_work() as session:
        key_id = ensure_own_key(session).key_id
    ctx.close()
    return db, key_id


def _key_is_sealed(folder: Path) -> None:
    """The federation's key travels only inside the encrypted data, still locked by its
    own passphrase: no key file beside it, no seed in the data once decrypted."""
    assert sorted(p.name for p in folder.iterdir()) == ["thidua-backup.json", "thidua.db.age"]
    with tempfile.TemporaryDirectory() as scratch:
        clear = clear_copy(folder, Path(scratch) / "clear.db")
        with sqlite3.connect(clear) as conn:
            [(text,)] = conn.execute("SELECT value FROM setting WHERE key = 'federation_key'")
    document = json.loads(text)
    assert document["protection"] != "none" and "seed" not in document


def clear_copy(folder: Path, out: Path) -> Path:
    """The backup's database decrypted with the passphrase, as a file at ``out``."""
    out.write_bytes(decrypt_with_passphrase((folder / "thidua.db.age").read_bytes(), PASSPHRASE))
    return out


def _actions(location: str | Path) -> list[str]:
    from sqlalchemy import select

    from db import models

    ctx = open_context(location)
    try:
        with ctx.reading() as session:
            entry = models.AuditEntry
            return list(session.scalars(select(entry.action).order_by(entry.id)))
    finally:
        ctx.close()


def test_a_federation_file_backs_up_and_restores_on_a_new_pc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, key_id = _federation_file(tmp_path)
    ctx = open_context(db)
    unlock_key(ctx, passphrase=KEY_PASSPHRASE)  # the key is in the database
    try:
        info = backup_installation(ctx, target=tmp_path / "usb", passphrase=PASSPHRASE)
    finally:
        ctx.close()
    assert info.role == "federation" and info.unit_name == "LĐLĐ tỉnh Tuyên Quang"
    _key_is_sealed(info.folder)
    clear = clear_copy(info.folder, tmp_path / "clear.db")
    assert _without_settings(clear) == _without_settings(db)
    # The backup is in the audit log of the database backed up, not in its copy.
    assert _actions(db)[-1] == "database.backup"
    assert "database.backup" not in _actions(clear)

    plan = plan_restore(tmp_path / "usb", db)
    assert plan.backup.folder == info.folder and plan.backup.role == "federation"
    replaced = plan.replaces
    assert replaced.state == "current" and replaced.role == "federation"
    assert replaced.name == "LĐLĐ tỉnh Tuyên Quang" and replaced.units == 3
    assert replaced.location == str(db)

    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "new-home"))
    new_db = tmp_path / "new-pc" / "thidua.db"
    assert describe_database(new_db).state == "missing"
    with pytest.raises(WrongPassphraseError):
        restore_installation(folder=info.folder, passphrase="sai mật khẩu", database=new_db)
    assert not new_db.exists()
    restored = restore_installation(folder=tmp_path / "usb", passphrase=PASSPHRASE, database=new_db)
    assert restored.kept_aside is None and restored.moved_to == ""
    assert _without_settings(new_db) == _without_settings(db)
    again = open_context(new_db)
    unlock_key(again, passphrase=KEY_PASSPHRASE)  # the key is in the database
    try:
        with again.unit_of_work() as session:
            assert ensure_own_key(session).key_id == key_id, "the federation's key came back"
    finally:
        again.close()


def test_a_shared_federation_backs_up_to_a_file_and_restores_onto_an_empty_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_server: PostgresServer
) -> None:
    db, key_id = _federation_file(tmp_path)
    server = postgres_server.empty()
    move_database(source=db, target=server)
    # The move is in the target's audit log, after the copy was proven whole.
    assert _actions(server)[-1] == "database.move" and "database.move" not in _actions(db)
    ctx = open_context(server)
    unlock_key(ctx, passphrase=KEY_PASSPHRASE)  # the key is in the database
    try:
        seen: list[tuple[int, int]] = []
        info = backup_installation(
            ctx,
            target=tmp_path / "usb",
            passphrase=PASSPHRASE,
            progress=lambda done, total: seen.append((done, total)),
        )
    finally:
        ctx.close()
    assert seen and seen[-1][0] == seen[-1][1], "the copy reported its progress"
    assert info.source == display_url(database_url(server)), "named, never with its password"
    _key_is_sealed(info.folder)
    assert _without_settings(clear_copy(info.folder, tmp_path / "clear.db")) == _without_settings(
        server
    )
    assert describe_database(server).role == "federation"

    monkeypatch.setenv("THIDUA_HOME", str(tmp_path / "new-home"))
    # A server that already holds data is refused before anything is restored.
    new_db = tmp_path / "new-pc" / "thidua.db"
    with pytest.raises(InputError, match="already holds data"):
        restore_installation(
            folder=info.folder, passphrase=PASSPHRASE, database=new_db, onto=server
        )
    assert not new_db.exists()

    fresh = postgres_server.empty()
    restored = restore_installation(
        folder=info.folder, passphrase=PASSPHRASE, database=new_db, onto=fresh
    )
    assert restored.moved_to == display_url(database_url(fresh))
    assert _without_settings(fresh) == _without_settings(server)
    again = open_context(fresh)
    unlock_key(again, passphrase=KEY_PASSPHRASE)  # the key is in the database
    try:
        with again.unit_of_work() as session:
            assert ensure_own_key(session).key_id == key_id
    finally:
        again.close()


def test_a_cancelled_backup_of_a_shared_database_leaves_no_folder(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    db, _key_id = _federation_file(tmp_path)
    server = postgres_server.empty()
    move_database(source=db, target=server)
    ctx = open_context(server)
    unlock_key(ctx, passphrase=KEY_PASSPHRASE)  # the key is in the database
    try:
        with pytest.raises(MoveCancelled):
            backup_installation(
                ctx, target=tmp_path / "usb", passphrase=PASSPHRASE, cancelled=lambda: True
            )
    finally:
        ctx.close()
    assert list((tmp_path / "usb").iterdir()) == []

"""Opening databases: migrations, backups, and files that must be refused untouched."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.context import open_context
from app.errors import DatabaseError
from db.engine import APPLICATION_ID, MIGRATIONS_DIR
from db.models import Base
from db.schema import HEAD_REVISION, KNOWN_REVISIONS


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_known_revisions_match_the_migration_scripts() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    chain = [rev.revision for rev in script.walk_revisions()][::-1]
    assert tuple(chain) == KNOWN_REVISIONS
    assert script.get_current_head() == HEAD_REVISION


def test_migrations_produce_exactly_the_models(tmp_path: Path) -> None:
    """A model change without a migration fails here."""
    ctx = open_context(tmp_path / "m.db")
    with ctx.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    ctx.close()
    assert diff == []


def test_new_database_is_wal_with_foreign_keys_and_our_id(tmp_path: Path) -> None:
    ctx = open_context(tmp_path / "n.db")
    assert ctx.schema.created
    with ctx.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID
    ctx.close()


def test_a_file_that_is_not_a_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(os.urandom(4096))
    before = digest(path)
    with pytest.raises(DatabaseError) as caught:
        open_context(path)
    assert caught.value.message == "The file is not a Thi Đua database."
    assert digest(path) == before
    assert not list(tmp_path.glob("notes.db?*")), "no journal or backup was created"


def test_a_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roster.db"
    path.write_text("Mã đơn vị;Tên đơn vị\n", encoding="utf-8")
    with pytest.raises(DatabaseError, match="not a Thi Đua database"):
        open_context(path)


def test_another_applications_sqlite_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(DatabaseError) as caught:
        open_context(path)
    assert caught.value.message == "This database belongs to another application or is damaged."
    assert digest(path) == before


def test_a_database_from_a_newer_version_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    open_context(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(DatabaseError) as caught:
        open_context(path)
    assert "newer version of Thi Đua" in caught.value.message
    assert digest(path) == before
    assert not list(tmp_path.glob("newer.before-upgrade-*"))


def test_an_empty_version_table_is_refused(tmp_path: Path) -> None:
    """A database whose schema version was wiped is not guessed at."""
    path = tmp_path / "old.db"
    ctx = open_context(path)
    ctx.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    tables = [
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        if row[0] != "alembic_version"
    ]
    for table in tables:
        conn.execute(f'DROP TABLE "{table}"')
    conn.execute("DELETE FROM alembic_version")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError):
        open_context(path)


def test_readonly_database_gives_a_clear_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    path = tmp_path / "ro.db"
    open_context(path).close()
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(DatabaseError):
            ctx = open_context(path)
            ctx.close()
    finally:
        tmp_path.chmod(0o755)


def test_an_older_schema_is_backed_up_then_upgraded_keeping_data(tmp_path: Path) -> None:
    """A database left at the first revision is copied aside, then migrated."""
    from alembic import command
    from sqlalchemy import create_engine

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, KNOWN_REVISIONS[0])
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO unit (id, code, name, kind, phone, email, address, chair_name) "
            "VALUES ('u1', 'CS-1', 'Công đoàn Trường THPT Tân Trào', 'grassroots', '', '', '', '')"
        )
    engine.dispose()

    ctx = open_context(path)
    try:
        assert ctx.schema.upgraded_from == KNOWN_REVISIONS[0]
        assert ctx.schema.revision == HEAD_REVISION
        backup = ctx.schema.backup_path
        assert backup is not None and backup.exists()
        assert backup.name.startswith(f"old.before-upgrade-{KNOWN_REVISIONS[0]}-")
        with ctx.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT name FROM unit").scalar() == (
                "Công đoàn Trường THPT Tân Trào"
            )
            conn.exec_driver_sql("SELECT count(*) FROM package").scalar()
    finally:
        ctx.close()
    old = sqlite3.connect(backup)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == (
        KNOWN_REVISIONS[0],
    )
    old.close()

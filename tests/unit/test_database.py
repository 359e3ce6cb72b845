"""Opening databases: migrations, backups, and files that must be refused untouched."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.core.context import open_context
from app.core.errors import DatabaseError
from db.engine import MIGRATIONS_DIR
from db.models import Base
from db.schema import APPLICATION_ID, HEAD_REVISION, KNOWN_REVISIONS

if TYPE_CHECKING:
    from tests.postgres import PostgresServer


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_known_revisions_match_the_migration_scripts() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    chain = [rev.revision for rev in script.walk_revisions()][::-1]
    assert tuple(chain) == KNOWN_REVISIONS
    assert script.get_current_head() == HEAD_REVISION


@pytest.mark.both_backends
def test_migrations_produce_exactly_the_models(database_url: str) -> None:
    """A model change without a migration fails here (on SQLite and PostgreSQL)."""
    ctx = open_context(database_url)
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


# --- a shared PostgreSQL database -----------------------------------------------------------


def schema_digest(url: str) -> str:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(database_url_of(url))
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            shape = sorted(
                (name, sorted(str(c["name"]) + str(c["type"]) for c in inspector.get_columns(name)))
                for name in inspector.get_table_names()
            )
            version = (
                conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
                if "alembic_version" in inspector.get_table_names()
                else []
            )
    finally:
        engine.dispose()
    return hashlib.sha256(repr((shape, version)).encode()).hexdigest()


def database_url_of(url: str) -> str:
    from app.core.context import database_url

    return database_url(url)


def test_postgresql_database_is_created_and_reopened(postgres_server: PostgresServer) -> None:
    url = postgres_server.empty()
    ctx = open_context(url)
    try:
        assert ctx.schema.created and ctx.schema.backup_path is None
        assert ctx.is_shared and "***" in ctx.display_url
    finally:
        ctx.close()
    again = open_context(url)
    try:
        assert not again.schema.created and again.schema.upgraded_from is None
    finally:
        again.close()


def test_two_pcs_opening_a_new_postgresql_database_at_once_migrate_it_once(
    postgres_server: PostgresServer,
) -> None:
    """The upgrade takes an advisory lock: the second waits, then finds it done."""
    from concurrent.futures import ThreadPoolExecutor

    url = postgres_server.empty()
    with ThreadPoolExecutor(4) as pool:
        contexts = list(pool.map(lambda _i: open_context(url), range(4)))
    for ctx in contexts:
        assert ctx.schema.revision == HEAD_REVISION
        ctx.close()
    assert sum(ctx.schema.created for ctx in contexts) >= 1


def test_postgresql_older_schema_is_upgraded_in_place_keeping_data(
    postgres_server: PostgresServer,
) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    url = postgres_server.empty()
    engine = create_engine(database_url_of(url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, KNOWN_REVISIONS[0])
        conn.exec_driver_sql(
            "INSERT INTO unit (id, code, name, kind, phone, email, address, chair_name) "
            "VALUES ('u1', 'CS-1', 'Công đoàn Trường THPT Tân Trào', 'grassroots', '', '', '', '')"
        )
    engine.dispose()
    ctx = open_context(url)
    try:
        assert ctx.schema.upgraded_from == KNOWN_REVISIONS[0]
        assert ctx.schema.backup_path is None, "a server database is not copied to a file"
        with ctx.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT name FROM unit").scalar() == (
                "Công đoàn Trường THPT Tân Trào"
            )
    finally:
        ctx.close()


def test_postgresql_database_of_a_newer_version_or_another_application_is_refused_unchanged(
    postgres_server: PostgresServer,
) -> None:
    from sqlalchemy import create_engine

    newer = postgres_server.create()
    engine = create_engine(database_url_of(newer))
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    other = postgres_server.empty()
    engine2 = create_engine(database_url_of(other))
    with engine2.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE contacts (name TEXT)")
    engine.dispose()
    engine2.dispose()
    for url, words in ((newer, "newer version"), (other, "another application")):
        before = schema_digest(url)
        with pytest.raises(DatabaseError, match=words):
            open_context(url)
        assert schema_digest(url) == before


def test_postgresql_refusals_are_clear_and_never_show_the_password(
    postgres_server: PostgresServer,
) -> None:
    from sqlalchemy.engine import make_url

    admin = make_url(database_url_of(postgres_server.admin_url))
    wrong = admin.set(password="not-the-Secret-42").render_as_string(hide_password=False)
    missing = admin.set(database="thidua_no_such_db").render_as_string(hide_password=False)
    closed = admin.set(port=1, password="Secret-42").render_as_string(hide_password=False)
    cases = (
        (wrong, "refused the login", "not-the-Secret-42"),
        (missing, "has no database of that name", str(admin.password)),
        (closed, "cannot be reached", "Secret-42"),
        ("postgresql://user:Secret-42@host:port/db", "address is not valid", "Secret-42"),
    )
    for url, words, password in cases:
        with pytest.raises(DatabaseError) as caught:
            open_context(url)
        shown = caught.value.translated()
        assert words in shown
        assert f":{password}@" not in shown and (
            password == admin.password or password not in shown
        )


def test_a_shared_database_not_set_up_writes_no_backup(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    """A shared database backs up as a portable file (tests/unit/test_federation_backup.py);
    one nobody has set up yet is refused with a message, and nothing is written."""
    from app.core.errors import UserError
    from app.setup.backup import backup_installation

    usb = tmp_path / "usb"
    usb.mkdir()
    ctx = open_context(postgres_server.create())
    try:
        with pytest.raises(UserError):
            backup_installation(ctx, target=usb, passphrase="a long passphrase")
    finally:
        ctx.close()
    assert list(usb.iterdir()) == []


def test_a_federation_copied_to_postgresql_holds_exactly_the_same_rows(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    """db.transfer copies every row (roll-up marks and cells included) and nothing else."""
    from app.demo.province import make_demo
    from app.exchange.merge import import_packages
    from tests.digest import table_digests

    demo = make_demo(out_dir=tmp_path / "demo", units=6)
    source = open_context(demo.database)
    import_packages(source, paths=[demo.packages_dir], dry_run=False)
    target = open_context(
        postgres_server.create(template=postgres_server.template_of(demo.database))
    )
    try:
        assert table_digests(target.engine) == table_digests(source.engine)
    finally:
        source.close()
        target.close()

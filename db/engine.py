"""Opening a database: engine, pragmas, schema checks, backup and upgrade.

``open_database`` is the one way in. It refuses files that are not Thi Đua
databases and databases written by a newer version of the application,
takes a backup copy before it migrates an older schema, and returns an
engine with SQLite in WAL mode and foreign keys enforced.

Alembic is imported only when a migration is actually needed, so a normal
start does not pay for it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.schema import HEAD_REVISION, KNOWN_REVISIONS

#: PRAGMA application_id of every Thi Đua SQLite file ("TDua").
APPLICATION_ID = 0x54447561
SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class SchemaError(Exception):
    """The database cannot be used by this version of the application.

    ``reason`` is one of ``not_database``, ``foreign``, ``newer``,
    ``unreadable``, ``readonly``; the core turns it into a user message.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class SchemaState:
    """What ``open_database`` found and did."""

    revision: str
    upgraded_from: str | None
    backup_path: Path | None
    created: bool


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


def create_db_engine(url: str) -> Engine:
    """An engine with this application's connection settings, no checks."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 10.0})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _check_sqlite_file(path: Path) -> bool:
    """Return True when the file is new or empty; raise if it is not SQLite."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    if path.is_dir():
        raise SchemaError("not_database", str(path))
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise SchemaError("unreadable", str(exc)) from exc
    if head != SQLITE_MAGIC:
        raise SchemaError("not_database", str(path))
    return False


def backup_sqlite(path: Path, suffix: str) -> Path:
    """Copy a live SQLite database consistently (WAL included) beside it."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.{suffix}-{stamp}{path.suffix or '.db'}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.stem}.{suffix}-{stamp}-{counter}{path.suffix or '.db'}")
        counter += 1
    copy_sqlite(path, target)
    return target


def copy_sqlite(source_path: Path, target_path: Path) -> None:
    """Copy a database consistently (SQLite's online backup), replacing the target."""
    source = sqlite3.connect(source_path)
    try:
        dest = sqlite3.connect(target_path)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()


def _current_revision(engine: Engine) -> tuple[str | None, bool]:
    """(revision, has_tables) of the database behind ``engine``."""
    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            if "alembic_version" not in names:
                return None, bool(names)
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SADatabaseError as exc:
        raise SchemaError("not_database", str(exc.orig)) from exc
    if len(rows) != 1:
        raise SchemaError("foreign", f"alembic_version has {len(rows)} rows")
    return str(rows[0][0]), True


def upgrade(engine: Engine) -> None:
    """Run every pending migration inside one transaction."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def open_database(url: str) -> tuple[Engine, SchemaState]:
    """Open (creating or upgrading as needed) the database at ``url``.

    Raises :class:`SchemaError` for a file that is not a database, a
    database of another application, or one from a newer version; the file
    is not modified in any of those cases.
    """
    parsed = make_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    path: Path | None = None
    if is_sqlite and parsed.database not in (None, "", ":memory:"):
        path = Path(str(parsed.database))
        fresh_file = _check_sqlite_file(path)
        if fresh_file:
            path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(url)
    try:
        revision, has_tables = _current_revision(engine)
        if revision is None and has_tables:
            raise SchemaError("foreign", "tables without a schema version")
        if revision is not None and revision not in KNOWN_REVISIONS:
            raise SchemaError("newer", revision)
        if is_sqlite:
            with engine.begin() as conn:
                app_id = conn.execute(text("PRAGMA application_id")).scalar()
                if revision is not None and app_id not in (0, APPLICATION_ID):
                    raise SchemaError("foreign", f"application_id {app_id}")
                conn.execute(text("PRAGMA journal_mode=WAL"))
        if revision == HEAD_REVISION:
            return engine, SchemaState(HEAD_REVISION, None, None, created=False)
        backup: Path | None = None
        if revision is not None and path is not None:
            backup = backup_sqlite(path, f"before-upgrade-{revision}")
        upgrade(engine)
        if is_sqlite:
            with engine.begin() as conn:
                conn.execute(text(f"PRAGMA application_id={APPLICATION_ID}"))
        return engine, SchemaState(HEAD_REVISION, revision, backup, created=revision is None)
    except OperationalError as exc:
        engine.dispose()
        message = str(exc.orig)
        if "readonly" in message or "read-only" in message:
            raise SchemaError("readonly", message) from exc
        raise SchemaError("unreadable", message) from exc
    except BaseException:
        engine.dispose()
        raise


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)

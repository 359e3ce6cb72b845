"""Opening a database: engine, pragmas, schema checks, backup and upgrade.

``open_database`` is the one way in. It refuses files that are not Thi Đua
databases and databases written by a newer version of the application,
takes a backup copy before it migrates an older schema, and returns an
engine with SQLite in WAL mode and foreign keys enforced.

A federation may instead use a shared PostgreSQL database
(``postgresql://user:password@host/dbname``, driven by psycopg 3): the same
migrations create and upgrade it, inside one transaction that holds an
advisory lock so two PCs opening a new database at once do not both
migrate it. There is no file to copy, so no backup is taken before an
upgrade (the failed transaction leaves the old schema as it was).

Alembic is imported only when a migration is actually needed, so a normal
start does not pay for it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.schema import APPLICATION_ID, HEAD_REVISION, KNOWN_REVISIONS, MOVE_MARKER

SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class SchemaError(Exception):
    """The database cannot be used by this version of the application.

    ``reason`` is one of ``not_database``, ``foreign``, ``newer``,
    ``unreadable``, ``readonly``, ``unfinished_move``, and for a database server ``bad_url``,
    ``unreachable``, ``login``, ``no_database``, ``permission``; the core
    turns it into a user message. ``detail`` never holds a password.
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


#: Parameters one SQLite statement may bind: the default of SQLite builds since 3.32
#: (Python's own on Windows). Set on every connection so that a statement binding more
#: (an ``IN`` list of a country's units) fails on the machine it is tested on too, not
#: only on a user's, where this Linux build's 250,000 would have let it pass.
SQLITE_MAX_PARAMETERS = 32_766


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    limit = getattr(dbapi_connection, "setlimit", None)  # sqlite3.Connection (Python 3.11+)
    if limit is not None:
        limit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, SQLITE_MAX_PARAMETERS)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


#: Seconds to wait for a PostgreSQL server before giving up with a message.
CONNECT_TIMEOUT = 10
#: Milliseconds a statement waits for a lock another connection holds.
LOCK_TIMEOUT_MS = 10_000
#: Key of the transaction-level advisory lock that serialises schema upgrades.
MIGRATION_LOCK_KEY = 0x54447561_0001


def normalize_url(url: str) -> str:
    """The URL with this application's driver: ``postgresql://`` means psycopg 3.

    SQLAlchemy's default for a bare ``postgresql://`` is psycopg2, which is
    not installed; ``postgres://`` (Heroku style) is accepted too.
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_postgresql(url: str) -> bool:
    try:
        return make_url(normalize_url(url)).get_backend_name() == "postgresql"
    except Exception:
        return False


def display_url(url: str) -> str:
    """The URL as it may be shown or logged: the password replaced by ``***``."""
    try:
        parsed = make_url(url)
    except Exception:
        return "***" if "@" in url else url
    shown = parsed.render_as_string(hide_password=True)
    return shown.replace("postgresql+psycopg://", "postgresql://", 1)


def create_db_engine(url: str) -> Engine:
    """An engine with this application's connection settings, no checks."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 10.0})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    from db.models.rollup import add_postgresql_options

    add_postgresql_options()
    return create_engine(
        url,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT,
            "application_name": "thidua",
            # Like SQLite's busy_timeout: give up on a lock held elsewhere after 10 s.
            "options": f"-c lock_timeout={LOCK_TIMEOUT_MS}",
        },
    )


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


def server_error(exc: SADatabaseError) -> SchemaError:
    """A database server's refusal as a :class:`SchemaError` (never with the password).

    ``login``: wrong user or password (SQLSTATE class 28); ``no_database``:
    the named database does not exist (3D000); ``permission``: the user may
    not create or change the tables (42501); ``unreachable``: no server
    answered (no SQLSTATE at all: refused, timed out, unknown host).
    """
    original = exc.orig
    sqlstate = str(getattr(original, "sqlstate", "") or "")
    detail = str(original).strip().splitlines()[0] if str(original).strip() else ""
    # libpq reports a refused login or a missing database while connecting
    # with no SQLSTATE, only the server's message.
    lowered = detail.lower()
    if sqlstate.startswith("28") or any(
        words in lowered
        for words in ("authentication failed", "no password supplied", 'role "', "pg_hba.conf")
    ):
        return SchemaError("login", detail)
    if sqlstate == "3D000" or ('database "' in lowered and "does not exist" in lowered):
        return SchemaError("no_database", detail)
    if sqlstate == "42501":
        return SchemaError("permission", detail)
    if not sqlstate:
        return SchemaError("unreachable", detail)
    return SchemaError("unreadable", detail)


def _current_revision(engine: Engine) -> tuple[str | None, bool]:
    """(revision, has_tables) of the database behind ``engine``."""
    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            if "alembic_version" not in names:
                return None, bool(names)
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SADatabaseError as exc:
        if engine.dialect.name != "sqlite":
            raise server_error(exc) from exc
        raise SchemaError("not_database", str(exc.orig)) from exc
    if len(rows) != 1:
        raise SchemaError("foreign", f"alembic_version has {len(rows)} rows")
    return str(rows[0][0]), True


def upgrade(engine: Engine) -> None:
    """Run every pending migration inside one transaction.

    On PostgreSQL the transaction first takes an advisory lock, so a second
    process waits and then finds the schema already at its head (Alembic
    reads the current revision after the lock is held).
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def probe_database(url: str) -> tuple[str, str]:
    """Connect and look, changing nothing: (state, server version).

    ``state`` is ``empty`` (the tables will be created), ``current`` or
    ``older`` (will be upgraded); anything unusable raises :class:`SchemaError`
    as :func:`open_database` would.
    """
    url = normalize_url(url)
    try:
        engine = create_db_engine(url)
    except Exception as exc:  # malformed URL, unknown dialect or driver
        raise SchemaError("bad_url") from exc
    try:
        revision, has_tables = _current_revision(engine)
        with engine.connect() as conn:
            version = str(conn.dialect.server_version_info or "")
            if conn.dialect.name == "postgresql":
                shown = str(conn.execute(text("SHOW server_version")).scalar())
                version = shown.split()[0] if shown.strip() else shown
    except SADatabaseError as exc:
        raise server_error(exc) from exc
    finally:
        engine.dispose()
    if revision is None:
        if has_tables:
            raise SchemaError("foreign", "tables without a schema version")
        return "empty", version
    if revision not in KNOWN_REVISIONS:
        raise SchemaError("newer", revision)
    engine = create_db_engine(url)
    try:
        _refuse_unfinished_move(engine)
    finally:
        engine.dispose()
    return ("current" if revision == HEAD_REVISION else "older"), version


def _refuse_unfinished_move(engine: Engine) -> None:
    """A database whose move into it was interrupted holds part of nothing: refused."""
    with engine.connect() as conn:
        started = conn.execute(
            text("SELECT value FROM setting WHERE key = :key"), {"key": MOVE_MARKER}
        ).scalar()
    if started is not None:
        raise SchemaError("unfinished_move", str(started))


def open_database(url: str, *, moving_into: bool = False) -> tuple[Engine, SchemaState]:
    """Open (creating or upgrading as needed) the database at ``url``.

    A database whose move into it did not finish is refused, unless ``moving_into``
    (a new move may start over it: ``db.transfer``).

    Raises :class:`SchemaError` for a file that is not a database, a
    database of another application, or one from a newer version; the file
    is not modified in any of those cases.
    """
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except Exception as exc:  # malformed URL: SQLAlchemy raises ArgumentError or ValueError
        raise SchemaError("bad_url") from exc
    is_sqlite = parsed.get_backend_name() == "sqlite"
    path: Path | None = None
    if is_sqlite and parsed.database not in (None, "", ":memory:"):
        path = Path(str(parsed.database))
        fresh_file = _check_sqlite_file(path)
        if fresh_file:
            path.parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_db_engine(url)
    except Exception as exc:  # unknown dialect or driver
        raise SchemaError("bad_url") from exc
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
        if revision is not None and not moving_into:
            _refuse_unfinished_move(engine)
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
        if not is_sqlite:
            raise server_error(exc) from exc
        message = str(exc.orig)
        if "readonly" in message or "read-only" in message:
            raise SchemaError("readonly", message) from exc
        raise SchemaError("unreadable", message) from exc
    except SADatabaseError as exc:
        engine.dispose()
        if not is_sqlite:
            raise server_error(exc) from exc
        raise
    except BaseException:
        engine.dispose()
        raise


class ConnectionsInUse:
    """The connections ``engine``'s pool has handed out, so that what runs on them can
    be interrupted from another thread (quitting stops a read under way instead of
    waiting for it).

    :meth:`interrupt` asks each of them to abort its statement: SQLite's
    ``interrupt()``, PostgreSQL's cancel request. The statement fails with an
    error and its transaction is rolled back by the database; a connection with
    no statement running is not affected. Only call it when what runs only reads.
    """

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock()
        self._out: set[Any] = set()
        event.listen(engine, "checkout", self._checked_out)
        event.listen(engine, "checkin", self._checked_in)

    def _checked_out(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        with self._lock:
            self._out.add(dbapi_connection)

    def _checked_in(self, dbapi_connection: Any, _record: Any) -> None:
        with self._lock:
            self._out.discard(dbapi_connection)

    def interrupt(self) -> int:
        """Interrupt the statement running on each connection in use; how many there were."""
        with self._lock:
            connections = list(self._out)
        for connection in connections:
            stop = getattr(connection, "interrupt", None) or getattr(connection, "cancel", None)
            if stop is not None:
                with contextlib.suppress(Exception):  # closed meanwhile: nothing to stop
                    stop()
        return len(connections)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)

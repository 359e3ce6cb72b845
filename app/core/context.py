"""The composition root: one object that owns the engine and the sessions.

Built once by the CLI or the GUI and passed explicitly to every service; no
module keeps a global database handle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.core.errors import N_, DatabaseError, InputError
from db.engine import (
    ConnectionsInUse,
    SchemaError,
    SchemaState,
    display_url,
    normalize_url,
    open_database,
    session_factory,
    sqlite_url,
)

_SCHEMA_MESSAGES = {
    "not_database": N_("The file is not a Thi Đua database."),
    "foreign": N_("This database belongs to another application or is damaged."),
    "newer": N_(
        "This database was written by a newer version of Thi Đua. "
        "Install that version to open it; nothing was changed."
    ),
    "unreadable": N_("The database cannot be read."),
    "unfinished_move": N_(
        "Moving data into this database was interrupted before it finished: it holds "
        "nothing usable. Move the data again (the source was not changed), or choose "
        "another database."
    ),
    "readonly": N_("The database cannot be written: the file or its folder is read-only."),
    "bad_url": N_(
        "The database address is not valid. A shared database is written "
        "postgresql://user:password@server:5432/database."
    ),
    "unreachable": N_(
        "The database server cannot be reached. Check the server's name and port, "
        "the network, and that the server is running."
    ),
    "login": N_("The database server refused the login: check the user name and password."),
    "no_database": N_(
        "The database server has no database of that name. Ask its administrator to create it."
    ),
    "permission": N_(
        "The database user may not create or change tables in this database. "
        "Ask the server's administrator to make it the database's owner."
    ),
}


@dataclass
class AppContext:
    """Everything a service needs: the engine and a session factory."""

    engine: Engine
    sessions: sessionmaker[Session]
    schema: SchemaState
    url: str
    #: The connections handed out (see :meth:`interrupt_reads`); None: not tracked.
    in_use: ConnectionsInUse | None = field(default=None, repr=False)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls back otherwise."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            message = str(exc.orig)
            if "readonly" in message or "read-only" in message:
                raise DatabaseError(_SCHEMA_MESSAGES["readonly"], detail=message) from exc
            raise DatabaseError(N_("The database could not be written."), detail=message) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only; never commits."""
        session = self.sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def close(self) -> None:
        self.engine.dispose()

    def interrupt_reads(self) -> None:
        """Abort the statement each connection in use is running (another thread may
        call it). For quitting while a read runs: the read fails at once instead of
        being waited for. Never while something writes: its transaction would be
        rolled back."""
        if self.in_use is not None:
            self.in_use.interrupt()

    @property
    def is_shared(self) -> bool:
        """True for a database server (PostgreSQL), False for the embedded SQLite file."""
        return self.engine.dialect.name != "sqlite"

    @property
    def display_url(self) -> str:
        """The database's URL with its password hidden, for messages and logs."""
        return display_url(self.url)


def database_url(path_or_url: str | Path) -> str:
    """Accept a plain file path or an SQLAlchemy URL (``postgresql://`` means psycopg)."""
    text = str(path_or_url)
    if "://" in text:
        return normalize_url(text)
    return sqlite_url(Path(text).expanduser().resolve())


@dataclass(frozen=True)
class DatabaseProbe:
    """What testing a connection found (nothing was changed)."""

    state: str  # "empty", "current" or "older"
    server_version: str

    def message(self) -> str:
        from app.core.i18n import gettext

        texts = {
            "empty": N_(
                "Connected (PostgreSQL {version}). The database is empty: "
                "Thi Đua will create its tables when it opens it."
            ),
            "current": N_("Connected (PostgreSQL {version}) to a Thi Đua database, up to date."),
            "older": N_(
                "Connected (PostgreSQL {version}) to a Thi Đua database of an older version: "
                "it will be upgraded when it is opened."
            ),
        }
        return gettext(texts[self.state]).format(version=self.server_version)


def schema_error(exc: SchemaError, path_or_url: str | Path, url: str) -> DatabaseError:
    """The user message for a database this version cannot use."""
    if url.startswith("sqlite"):
        detail = str(path_or_url)
    else:  # the server's own words help its administrator; never the password
        detail = display_url(url) + (f": {exc.detail}" if exc.detail else "")
    return DatabaseError(
        _SCHEMA_MESSAGES.get(exc.reason, _SCHEMA_MESSAGES["unreadable"]), detail=detail
    )


def probe_context(url: str) -> DatabaseProbe:
    """Test a shared database's URL: connect and look, changing nothing.

    Raises :class:`DatabaseError` with the message opening it would give.
    """
    from db.engine import probe_database

    url = database_url(url)
    try:
        state, version = probe_database(url)
    except SchemaError as exc:
        raise schema_error(exc, url, url) from exc
    return DatabaseProbe(state, version)


def open_context(path_or_url: str | Path) -> AppContext:
    """Open the database (creating or upgrading it) and build the context."""
    url = database_url(path_or_url)
    try:
        engine, state = open_database(url)
    except SchemaError as exc:
        raise schema_error(exc, path_or_url, url) from exc
    sessions = session_factory(engine)
    event.listen(sessions, "before_flush", _check_text_lengths)
    return AppContext(
        engine=engine, sessions=sessions, schema=state, url=url, in_use=ConnectionsInUse(engine)
    )


def _check_text_lengths(session: Session, _context: object, _instances: object) -> None:
    """Refuse, before anything is written, a text longer than its column holds.

    SQLite stores it whole and PostgreSQL refuses it with a bare ``DataError`` (a
    plan package, a roster, a composed character that grew threefold): the same
    clear refusal on both, naming the field, with nothing written.
    """
    for row in (*session.new, *session.dirty):
        for column in row.__table__.columns:
            longest = getattr(column.type, "length", None)
            if longest is None:
                continue
            value = getattr(row, column.key, None)
            if isinstance(value, str) and len(value) > longest:
                raise InputError(
                    N_("A text is too long to be kept ({field}: at most {limit} characters)."),
                    params={"field": f"{row.__table__.name}.{column.key}", "limit": longest},
                )

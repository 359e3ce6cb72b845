"""Bad input to the federation import: each file is refused with its own clear message,
no exception escapes, and the merged data is exactly as before (every table but the import's
own bookkeeping; a dry run first predicts the same and writes nothing).

A database the import cannot write to."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import event, select

from app.core.context import AppContext
from app.core.errors import DatabaseError
from app.exchange.merge import import_packages
from app.exchange.outcomes import Outcome
from db import models
from tests.digest import changed_tables
from tests.unit.package_forge import (
    BOOKKEEPING,
    MSG_DB_WRITE,
    Env,
    stored_hashes,
    table_digests,
)

#: Refused input changes nothing on either backend.
pytestmark = pytest.mark.both_backends


# --- a database the import cannot write to ----------------------------------------------------


def fail_fast_when_locked(ctx: AppContext) -> None:
    """The application waits up to 10 s for a lock (SQLite's busy_timeout,
    PostgreSQL's lock_timeout, in db/engine.py); wait 50 ms here. Registered
    after the application's own connect settings, so it wins; disposing the
    pool makes new connections."""

    @event.listens_for(ctx.engine, "connect")
    def _short_lock_timeout(dbapi_connection: Any, _record: Any) -> None:
        if ctx.engine.dialect.name == "sqlite":
            dbapi_connection.execute("PRAGMA busy_timeout=50")
        else:
            dbapi_connection.execute("SET lock_timeout = '50ms'")
            dbapi_connection.commit()

    ctx.engine.dispose()


class WriteLock:
    """Another program (a second Thi Đua window, a backup tool) writing.

    SQLite: an exclusive transaction on the file. PostgreSQL: a transaction
    holding every application table in EXCLUSIVE mode (reads go on, writes wait).
    """

    def __init__(self, env: Env) -> None:
        if env.backend == "sqlite":
            path = env.ctx.engine.url.database
            self._sqlite = sqlite3.connect(str(path), isolation_level=None, timeout=0)
            self._sqlite.execute("BEGIN EXCLUSIVE")
        else:
            import psycopg

            from tests.postgres import _libpq

            url = env.ctx.engine.url.render_as_string(hide_password=False)
            self._pg = psycopg.connect(_libpq(url))
            names = ", ".join(f'"{name}"' for name in models.Base.metadata.tables)
            self._pg.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")

    def release(self) -> None:
        connection = getattr(self, "_sqlite", None) or self._pg
        connection.rollback()
        connection.close()


#: What the database says when it gave up waiting for the other program.
LOCKED_WORDS = {"sqlite": "locked", "postgresql": "lock timeout"}


def test_database_locked_by_another_program(env: Env) -> None:
    fail_fast_when_locked(env.ctx)
    path = env.file("CS-00001")
    before = table_digests(env)
    lock = WriteLock(env)
    try:
        # Reading still works (WAL): the dry run tells what would happen.
        dry = import_packages(env.ctx, paths=[path], dry_run=True)
        assert [i.outcome for i in dry.items] == [Outcome.NEW]
        with pytest.raises(DatabaseError) as info:
            import_packages(env.ctx, paths=[path], dry_run=False)
    finally:
        lock.release()
    assert info.value.message == MSG_DB_WRITE
    assert LOCKED_WORDS[env.backend] in info.value.detail
    assert changed_tables(before, table_digests(env)) == [], "nothing at all was written"
    # Once the other program is done, the same file imports normally.
    summary = import_packages(env.ctx, paths=[path], dry_run=False)
    assert [i.outcome for i in summary.items] == [Outcome.NEW]


def test_database_locked_between_deciding_and_writing(env: Env) -> None:
    """The lock is taken after the file was checked, before its batch is written:
    the package is not merged at all, only the started run is on record."""
    fail_fast_when_locked(env.ctx)
    path = env.file("CS-00002")
    before = table_digests(env)
    locks: list[WriteLock] = []
    try:
        with pytest.raises(DatabaseError) as info:
            import_packages(
                env.ctx,
                paths=[path],
                dry_run=False,
                progress=lambda _done, _total: locks.append(WriteLock(env)),
            )
    finally:
        for lock in locks:
            lock.release()
    assert len(locks) == 1
    assert info.value.message == MSG_DB_WRITE
    assert set(changed_tables(before, table_digests(env))) <= BOOKKEEPING
    assert stored_hashes(env) == set()
    with env.ctx.reading() as session:
        assert list(session.scalars(select(models.ImportRun.finished_at))) == [""]
    summary = import_packages(env.ctx, paths=[path], dry_run=False)
    assert [i.outcome for i in summary.items] == [Outcome.NEW]

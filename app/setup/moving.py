"""Moving a whole database to another one: the federation's file onto its shared
PostgreSQL server, back to a file, or from server to server.

One checked operation (:func:`db.transfer.move_rows`): the target must be empty;
every row is copied in one transaction, each table's count and digest compared on
both sides before it commits; an interrupted move leaves the target refused as
unfinished, and the source is only read. Nothing here switches the application to
the target: the caller does that once this returns, i.e. only when the copy is
proven whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

from app.core import audit
from app.core.context import database_url, open_context, schema_error
from app.core.errors import N_, DatabaseError, InputError, UserError
from db.engine import SchemaError, display_url, open_database, probe_database
from db.schema import HEAD_REVISION
from db.transfer import (
    DigestMismatchError,
    MoveCancelledError,
    Progress,
    TableDigest,
    TargetNotEmptyError,
    database_digests,
    move_rows,
)


class MoveCancelled(UserError):
    """The move was cancelled; the target holds nothing of it."""


@dataclass(frozen=True)
class MoveReport:
    """What a finished move copied and proved: per table, rows and digest."""

    source: str
    target: str
    tables: dict[str, TableDigest]

    @property
    def rows(self) -> int:
        return sum(digest.rows for digest in self.tables.values())

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "target": self.target,
            "rows": self.rows,
            "tables": {
                name: {"rows": digest.rows, "digest": digest.digest}
                for name, digest in self.tables.items()
            },
        }


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (``sqlite:///…`` or ``sqlite+pysqlite:///…``), else None."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _open_source(location: str | Path) -> str:
    """The source's URL, once it is known to be a current Thi Đua database (nothing
    is created or upgraded: a move only reads its source)."""
    url = database_url(location)
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise InputError(N_("There is no database at {path}."), params={"path": str(path)})
    try:
        state, _version = probe_database(url)
    except SchemaError as exc:
        raise _schema_error(exc, url) from exc
    if state == "empty":
        raise InputError(
            N_("The database to move from is empty: {location}."),
            params={"location": display_url(url)},
        )
    if state != "current":
        raise InputError(
            N_(
                "The database to move from was written by an older version: open it "
                "with this version of Thi Đua once, then move it."
            )
        )
    return url


def _schema_error(exc: SchemaError, url: str) -> DatabaseError:
    return schema_error(exc, url, url)


def database_digests_at(location: str | Path) -> dict[str, TableDigest]:
    """Every table's row count and digest of the database at ``location`` (read only)."""
    url = _open_source(location)
    engine, _state = open_database(url)
    try:
        with engine.connect() as conn, conn.begin():
            return database_digests(conn)
    finally:
        engine.dispose()


def move_database(
    *,
    source: str | Path,
    target: str | Path,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    audited: bool = True,
) -> MoveReport:
    """Copy everything from ``source`` into the empty ``target`` and prove it whole
    (see the module docstring). Raises :class:`MoveCancelled` when ``cancelled``.

    ``audited``: once the copy is proven (every table's count and digest compared),
    the target's audit log says the data was moved in, and from where — an entry
    added after the comparison, so it never counts as a difference. A backup's copy
    (``audited=False``) stays exactly the source."""
    source_url = _open_source(source)
    target_url = database_url(target)
    if _same_database(source_url, target_url):
        raise InputError(N_("The database to move to is the one to move from."))
    try:
        source_engine, _ = open_database(source_url)
    except SchemaError as exc:
        raise _schema_error(exc, source_url) from exc
    try:
        try:
            target_engine, state = open_database(target_url, moving_into=True)
        except SchemaError as exc:
            raise _schema_error(exc, target_url) from exc
        try:
            if state.revision != HEAD_REVISION:  # pragma: no cover - open_database upgrades
                raise InputError(N_("The database to move to could not be prepared."))
            started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            tables = move_rows(
                source_engine,
                target_engine,
                started=started,
                progress=progress,
                cancelled=cancelled,
            )
        except TargetNotEmptyError as exc:
            raise InputError(
                N_(
                    "The database to move to already holds data (table {table}): nothing "
                    "was copied. Choose an empty database."
                ),
                params={"table": exc.table},
            ) from exc
        except DigestMismatchError as exc:
            raise DatabaseError(
                N_(
                    "The copy did not match the source (table {table}): it was undone and "
                    "nothing was changed."
                ),
                params={"table": exc.table},
            ) from exc
        except MoveCancelledError as exc:
            raise MoveCancelled(
                N_("The move was cancelled: the database to move to was left empty.")
            ) from exc
        finally:
            target_engine.dispose()
    finally:
        source_engine.dispose()
    report = MoveReport(display_url(source_url), display_url(target_url), tables)
    if audited:
        _record_move(target_url, report)
    return report


def _record_move(target_url: str, report: MoveReport) -> None:
    """The move, in the target's audit log (written after the copy was proven)."""
    ctx = open_context(target_url)
    try:
        with ctx.unit_of_work() as session:
            audit.record(
                session,
                action="database.move",
                subject=report.source,
                detail={"source_database": report.source, "count": report.rows},
            )
    finally:
        ctx.close()


def _same_database(first: str, second: str) -> bool:
    first_path, second_path = sqlite_file(first), sqlite_file(second)
    if first_path is not None and second_path is not None:
        return first_path.resolve() == second_path.resolve()
    return first == second


__all__ = ["MoveCancelled", "MoveReport", "database_digests_at", "move_database"]

"""A real PostgreSQL server for the tests that run on both backends.

The server is found from ``THIDUA_TEST_POSTGRES_URL`` (an admin URL whose
user may ``CREATE DATABASE``), else from the local defaults (the Unix
socket, then loopback, as the current user; libpq's ``PG*`` variables and
``~/.pgpass`` apply). Every test gets its own database, made in
milliseconds with ``CREATE DATABASE … TEMPLATE`` from a database that was
migrated (or loaded from a SQLite file) once per run, and dropped after.

Database names carry this process's id, so parallel runs on one server do
not meet, and databases left by a killed run are dropped by the next one.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from app.core.context import database_url
from db.engine import display_url, open_database
from db.transfer import copy_rows

ADMIN_ENV = "THIDUA_TEST_POSTGRES_URL"
REQUIRE_ENV = "THIDUA_REQUIRE_POSTGRES"
LOCAL_CANDIDATES = ("postgresql:///postgres", "postgresql://localhost/postgres")
PREFIX = "thidua_test_"


def _libpq(url: str) -> str:
    """A URL libpq understands (no SQLAlchemy driver suffix)."""
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


class PostgresServer:
    """Creates and drops this run's test databases on one server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = _libpq(admin_url)
        self._prefix = f"{PREFIX}{os.getpid()}_"
        self._counter = itertools.count(1)
        self._created: list[str] = []
        self._templates: dict[tuple[str, int], str] = {}
        self._migrated: str | None = None

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5)

    def url(self, name: str) -> str:
        """The SQLAlchemy URL of one of this server's databases."""
        parsed = make_url(database_url(self.admin_url)).set(database=name)
        return parsed.render_as_string(hide_password=False)

    def _new_name(self, kind: str) -> str:
        return f"{self._prefix}{kind}{next(self._counter)}"

    def _create(self, name: str, template: str | None) -> None:
        with self._admin() as conn:
            if template is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            else:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )
        self._created.append(name)

    def _drop(self, name: str) -> None:
        """Drop a database; an autovacuum worker (not ours to end) may hold it a moment."""
        for attempt in range(20):
            try:
                with self._admin() as conn:
                    conn.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            sql.Identifier(name)
                        )
                    )
                return
            except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
                if attempt == 19:
                    return  # left for the next run's drop_stale
                time.sleep(0.25)

    def migrated_template(self) -> str:
        """A database migrated to the head revision, holding no rows."""
        if self._migrated is None:
            name = self._new_name("migrated")
            self._create(name, None)
            engine, _state = open_database(self.url(name))
            engine.dispose()
            self._migrated = name
        return self._migrated

    def template_of(self, sqlite_file: Path) -> str:
        """A database holding a copy of ``sqlite_file`` (made once per file version)."""
        stat = sqlite_file.stat()
        key = (str(sqlite_file.resolve()), stat.st_mtime_ns)
        name = self._templates.get(key)
        if name is None:
            name = self._new_name("copy")
            self._create(name, self.migrated_template())
            source, _ = open_database(database_url(sqlite_file))
            target, _ = open_database(self.url(name))
            try:
                copy_rows(source, target)
            finally:
                source.dispose()
                target.dispose()
            self._templates[key] = name
        return name

    def create(self, template: str | None = None) -> str:
        """The URL of a new database: a copy of ``template`` (default: migrated, empty)."""
        name = self._new_name("db")
        self._create(name, template or self.migrated_template())
        return self.url(name)

    def empty(self) -> str:
        """The URL of a new database with no tables at all."""
        name = self._new_name("bare")
        self._create(name, None)
        return self.url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        if name:
            self._drop(name)
            if name in self._created:
                self._created.remove(name)

    def close(self) -> None:
        for name in reversed(self._created):
            self._drop(name)
        self._created.clear()

    def drop_stale(self) -> None:
        """Drop test databases left by runs whose process is gone."""
        with self._admin() as conn:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s",
                    (PREFIX.replace("_", r"\_") + "%",),
                )
            ]
        for name in names:
            match = re.match(rf"{PREFIX}(\d+)_", name)
            if match is None or int(match.group(1)) == os.getpid():
                continue
            try:
                os.kill(int(match.group(1)), 0)
            except ProcessLookupError:
                self._drop(name)
            except PermissionError:
                continue


def discover() -> tuple[PostgresServer | None, str]:
    """The test server, or None and why none could be used."""
    configured = os.environ.get(ADMIN_ENV, "").strip()
    candidates = (configured,) if configured else LOCAL_CANDIDATES
    reasons = []
    for candidate in candidates:
        server = PostgresServer(candidate)
        try:
            with server._admin() as conn:
                allowed = conn.execute(
                    "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
                ).fetchone()
        except psycopg.Error as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            first = first.rsplit(" failed: ", 1)[-1]  # libpq's own words, without the preamble
            reasons.append(f"{display_url(candidate)}: {' '.join(first.split())}")
            continue
        if not allowed or not allowed[0]:
            reasons.append(f"{display_url(candidate)}: the user may not CREATE DATABASE")
            continue
        server.drop_stale()
        return server, ""
    hint = "" if configured else f" (set {ADMIN_ENV} to an admin URL)"
    return None, "; ".join(reasons) + hint

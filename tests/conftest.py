"""Shared fixtures: a real database, SQLite in a temporary folder or PostgreSQL.

Qt runs offscreen; the user data directory points into the test's temporary
folder so no test touches the real one.

A module (or test) marked ``both_backends`` runs each test that uses the
``backend`` fixture (``ctx`` and ``database_url`` do) twice: on SQLite and on
a fresh database of a real PostgreSQL server (see ``tests/postgres.py``).
When no server answers, the PostgreSQL variants skip with the reason, unless
``THIDUA_REQUIRE_POSTGRES=1`` (CI), where that is an error.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test (nor a CLI it starts) reaches the OS keyring: passwords stay in the preferences
# file unless a test sets a keyring of its own (tests/unit/test_passwords.py).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from app.core import i18n
from app.core.context import AppContext, open_context

if TYPE_CHECKING:
    from tests.postgres import PostgresServer
from app.setup.first_run import initialize
from db.enums import Role
from tests.helpers import KEY_PASSPHRASE

BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_backends"
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database the test runs on: "sqlite" unless parametrised (``both_backends``)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    from tests.postgres import REQUIRE_ENV, discover

    server, reason = discover()
    if server is None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"PostgreSQL not available ({REQUIRE_ENV}=1): {reason}", pytrace=False)
        pytest.skip(f"PostgreSQL not available: {reason}")
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("THIDUA_HOME", str(home))
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "federation.db"


@pytest.fixture
def on_backend(backend: str, request: pytest.FixtureRequest) -> Callable[[Path], str]:
    """Where to open a prepared SQLite database on the test's backend.

    On SQLite the file's own path; on PostgreSQL a fresh database holding a
    copy of it (dropped after the test).
    """

    def place(sqlite_file: Path) -> str:
        if backend == "sqlite":
            return str(sqlite_file)
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.create(template=server.template_of(sqlite_file))
        request.addfinalizer(lambda: server.drop(url))
        return url

    return place


@pytest.fixture
def fresh_copy(
    backend: str, tmp_path: Path, on_backend: Callable[[Path], str]
) -> Callable[[Path, Path], str]:
    """A prepared federation to change freely: ``fresh_copy(database, keys)`` puts a copy of
    the SQLite ``database`` on the test's backend (a file beside the test on SQLite, a new
    database on PostgreSQL) and its ``keys`` folder in the test's user data folder, and
    says where the database is; each call makes another copy."""

    made: list[str] = []

    def copy(database: Path, keys: Path) -> str:
        home_keys = Path(os.environ["THIDUA_HOME"]) / "keys"
        if keys.exists() and not home_keys.exists():
            shutil.copytree(keys, home_keys)
        if backend != "sqlite":
            made.append(on_backend(database))
        else:
            where = tmp_path / ("federation.db" if not made else f"federation-{len(made) + 1}.db")
            shutil.copyfile(database, where)
            made.append(str(where))
        return made[-1]

    return copy


@pytest.fixture
def database_url(backend: str, db_path: Path, request: pytest.FixtureRequest) -> str:
    """A new, empty database on the test's backend: a file path or a PostgreSQL URL."""
    if backend == "sqlite":
        return str(db_path)
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create()
    request.addfinalizer(lambda: server.drop(url))
    return url


@pytest.fixture
def ctx(database_url: str) -> Iterator[AppContext]:
    """A federation database with the built-in plans installed."""
    context = open_context(database_url)
    with context.unit_of_work() as session:
        initialize(
            session,
            role=Role.FEDERATION,
            name="LĐLĐ tỉnh Tuyên Quang",
            key_passphrase=KEY_PASSPHRASE,
        )
    yield context
    context.close()

"""Shared fixtures: a real SQLite database in a temporary folder.

Qt runs offscreen; the user data directory points into the test's temporary
folder so no test touches the real one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app import i18n
from app.context import AppContext, open_context
from app.installation import initialize
from db.enums import Role


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
def ctx(db_path: Path) -> Iterator[AppContext]:
    """A federation database with the built-in plans installed."""
    context = open_context(db_path)
    with context.unit_of_work() as session:
        initialize(session, role=Role.FEDERATION, name="LĐLĐ tỉnh Tuyên Quang")
    yield context
    context.close()

"""Fixtures shared by the unit tests: a grassroots unit's fresh database (``unit_ctx``),
and for the hostile-input tests a small demo province (built once per module, once for
all of ``bad_input/``) with, per test, a fresh copy of its federation database on each
backend (``env``; see ``tests/unit/package_forge.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.context import AppContext
from db.enums import Sector, UnitKind
from tests.helpers import unit_database
from tests.unit.package_forge import Env, Province, build_province, open_env


@pytest.fixture
def unit_ctx(tmp_path: Path) -> Iterator[AppContext]:
    """A grassroots unit in the non-state sector, set up, on SQLite."""
    ctx = unit_database(
        tmp_path / "unit.db",
        name="Công đoàn Công ty Xi măng Tân Quang",
        code="CS-0001",
        kind=UnitKind.GRASSROOTS,
        sector=Sector.NON_STATE_ENTERPRISE,
    )
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    return build_province(tmp_path_factory)


@pytest.fixture
def env(
    province: Province, tmp_path: Path, backend: str, fresh_copy: Callable[[Path, Path], str]
) -> Iterator[Env]:
    yield from open_env(province, tmp_path, backend, fresh_copy)

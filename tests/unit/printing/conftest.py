"""The printing tests' two real setups, each built once for the folder (as they were for
the one module the tests began in)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.printing.setups import Province, UnitSide, build_province, build_unit_side


@pytest.fixture(scope="package")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Province]:
    yield from build_province(tmp_path_factory)


@pytest.fixture(scope="package")
def unit_side(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UnitSide]:
    yield from build_unit_side(tmp_path_factory)

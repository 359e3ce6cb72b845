"""The stream-life tests' demo province, built once for the folder (as it was for the one
module they began in), and fresh copies of its federation database on the test's backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.context import AppContext, open_context
from tests.unit.package_forge import Province, build_province


@pytest.fixture(scope="package")
def province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    return build_province(tmp_path_factory)


@pytest.fixture
def fresh(
    province: Province, fresh_copy: Callable[[Path, Path], str]
) -> Iterator[Callable[[], AppContext]]:
    """Make a fresh copy of the province's federation database on the backend."""
    opened: list[AppContext] = []

    def make() -> AppContext:
        opened.append(open_context(fresh_copy(province.golden, province.keys)))
        return opened[-1]

    yield make
    for ctx in opened:
        ctx.close()

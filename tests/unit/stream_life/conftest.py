"""The stream-life tests' demo province, built once for the folder (as it was for the one
module they began in), and fresh copies of its federation database on the test's backend."""

from __future__ import annotations

import os
import shutil
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
    province: Province, tmp_path: Path, backend: str, on_backend: Callable[[Path], str]
) -> Iterator[Callable[[], AppContext]]:
    """Make a fresh copy of the province's federation database on the backend."""
    keys = Path(os.environ["THIDUA_HOME"]) / "keys"
    if not keys.exists():
        shutil.copytree(province.keys, keys)
    opened: list[AppContext] = []

    def make() -> AppContext:
        if backend == "sqlite":
            where = str(tmp_path / f"copy{len(opened)}.db")
            shutil.copyfile(province.golden, where)
        else:
            where = on_backend(province.golden)
        opened.append(open_context(where))
        return opened[-1]

    yield make
    for ctx in opened:
        ctx.close()

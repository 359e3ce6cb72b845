"""A merged demo province for the workbook tests: the demo (12 units), and its federation
database with every package imported, on the test's backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.context import AppContext, open_context
from app.demo.province import Demo, make_demo
from app.exchange.merge import import_packages


@pytest.fixture
def demo(tmp_path: Path) -> Demo:
    return make_demo(out_dir=tmp_path / "demo", units=12, seed=7)


@pytest.fixture
def fed(demo: Demo, on_backend: Callable[[Path], str]) -> Iterator[AppContext]:
    ctx = open_context(on_backend(demo.database))
    summary = import_packages(ctx, paths=[demo.packages_dir], dry_run=False)
    assert len(summary.items) == len(demo.files)
    yield ctx
    ctx.close()

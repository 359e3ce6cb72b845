"""The province the entry tests share: a demo federation with no report received yet,
copied fresh for each test (``ctx``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.context import AppContext, open_context
from tests.helpers import GoldenProvince, golden_province


@pytest.fixture(scope="package")
def golden(tmp_path_factory: pytest.TempPathFactory) -> GoldenProvince:
    return golden_province(tmp_path_factory, "entries", units=4, seed=17, streams=())


@pytest.fixture
def ctx(golden: GoldenProvince, fresh_copy: Callable[[Path, Path], str]) -> Iterator[AppContext]:
    context = open_context(fresh_copy(golden.database, golden.keys))
    try:
        yield context
    finally:
        context.close()

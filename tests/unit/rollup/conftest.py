"""The roll-up tests' roster with every statement saved (``tree``, computed and cached),
and a reading session on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.rollup.cache import refresh_cache
from db import models
from tests.unit.rollup.hand_roster import STATEMENTS, Tree, build_roster, save


@pytest.fixture(params=["computed", "cached"])
def tree(ctx: AppContext, request: pytest.FixtureRequest) -> Tree:
    """The roster with every statement of :data:`STATEMENTS` saved.

    "computed": the roll-up cells are stale, so the sums come from the values;
    "cached": the cells are refreshed first, so they come from the cells (and
    the subtree root's own values).
    """
    with ctx.unit_of_work() as session:
        built = build_roster(session)
        for stream, by_unit in STATEMENTS.items():
            for key, values in by_unit.items():
                save(session, built.units[key], stream, values)
    if request.param == "cached":
        assert refresh_cache(ctx).cells > 0
        with ctx.reading() as session:
            assert session.scalar(select(func.count()).select_from(models.RollupDirty)) == 0
    return built


@pytest.fixture
def session(ctx: AppContext) -> Iterator[Session]:
    with ctx.reading() as reading:
        yield reading

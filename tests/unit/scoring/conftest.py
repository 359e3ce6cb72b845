"""The scoring tests' cluster: the federation database with the cluster of ``cluster.py``,
its statements and rules."""

from __future__ import annotations

import pytest

from app.core.context import AppContext
from tests.unit.scoring.cluster import make_cluster


@pytest.fixture
def cluster(ctx: AppContext) -> AppContext:
    """The federation database with the cluster above, its statements and rules."""
    return make_cluster(ctx)

"""fewer_collections raises the collector's first threshold and puts it back."""

from __future__ import annotations

import gc

import pytest

from app.core.collection import fewer_collections


def test_threshold_raised_inside_and_restored_after_even_on_error() -> None:
    before = gc.get_threshold()
    with fewer_collections(12_345):
        assert gc.get_threshold() == (max(12_345, before[0]), *before[1:])
        assert gc.isenabled()
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before

"""fewer_collections raises the collector's first threshold and puts it back; kept_objects
pauses the collector and moves what the block made to the oldest generation."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from app.core.collection import BULK_THRESHOLD, fewer_collections, kept_objects
from app.exchange.merge import import_packages
from tests.helpers import federation_with_roster


def test_threshold_raised_inside_and_restored_after_even_on_error() -> None:
    before = gc.get_threshold()
    with fewer_collections(12_345):
        assert gc.get_threshold() == (max(12_345, before[0]), *before[1:])
        assert gc.isenabled()
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before


def test_the_import_runs_with_fewer_collections(tmp_path: Path) -> None:
    """import_packages is paced (the threshold seen while it reads a file) and restores it."""
    folder = tmp_path / "in"
    folder.mkdir()
    (tmp_path / "out").mkdir()
    (folder / "junk.thidua").write_bytes(b"not a package")
    seen: list[tuple[int, int, int]] = []
    before = gc.get_threshold()
    ctx, _plan_file = federation_with_roster(tmp_path / "fed.db", tmp_path / "out")
    try:
        summary = import_packages(
            ctx,
            paths=[folder],
            dry_run=True,
            progress=lambda _done, _total: seen.append(gc.get_threshold()),
        )
    finally:
        ctx.close()
    assert summary.counts["rejected"] == 1
    assert seen == [(max(BULK_THRESHOLD, before[0]), *before[1:])]
    assert gc.get_threshold() == before


class _Kept:
    """A tracked object, found again by identity among the collector's generations."""


def _generation_of(thing: object) -> int | None:
    return next(
        (g for g in range(3) if any(o is thing for o in gc.get_objects(generation=g))), None
    )


def test_kept_objects_pauses_the_collector_and_keeps_what_it_made_old() -> None:
    assert gc.isenabled()
    with kept_objects():
        assert not gc.isenabled()
        made = _Kept()
        assert _generation_of(made) == 0
    assert gc.isenabled()
    assert _generation_of(made) == 2
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), kept_objects():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_kept_objects_leaves_a_paused_collector_and_frozen_objects_alone() -> None:
    gc.disable()
    try:
        with kept_objects():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with kept_objects():
            young = _Kept()
        assert gc.get_freeze_count() == frozen
        assert _generation_of(young) == 0
    finally:
        gc.unfreeze()

"""A run of a few files reads only the trust store's, roster's and archive's rows it
needs; a run of many reads them whole. Both decide alike: the mixed USB folder gives
the same outcomes and merged tables either way (dry run, one run, runs split in small
batches), and a run by entry holds only the entries its files asked for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.context import AppContext
from app.core.files import read_limited
from app.exchange import merge_state
from app.exchange.merge import import_packages
from app.exchange.merge_decide import Importer
from app.exchange.merge_state import MergeState
from app.exchange.outcomes import Outcome
from tests.unit.package_forge import Env
from tests.unit.stream_life.usb import labels, merged_tables, mixed_usb

pytestmark = pytest.mark.both_backends

#: ``ROWS_PER_FILE_READ_WHOLE`` for each way of reading: 0 never reads whole (a
#: province has keys), a huge one always does.
WAYS = {"by entry": 0, "whole": 10**9}


def test_reading_by_entry_or_whole_decides_alike(
    env: Env,
    fresh: Callable[[], AppContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    usb = mixed_usb(env, tmp_path)
    got: dict[str, tuple[object, ...]] = {}
    for way, rows_per_file in WAYS.items():
        monkeypatch.setattr(merge_state, "ROWS_PER_FILE_READ_WHOLE", rows_per_file)
        ctx = fresh()
        dry = labels(import_packages(ctx, paths=[usb.folder], dry_run=True))
        applied = labels(import_packages(ctx, paths=[usb.folder], dry_run=False))
        again = labels(import_packages(ctx, paths=[usb.folder], dry_run=False))
        one_run = merged_tables(ctx)
        assert dry == applied, way
        assert {outcome for _f, outcome, _r, _p in again} <= {
            Outcome.DUPLICATE.value,
            Outcome.SKIPPED.value,
            Outcome.REJECTED.value,
        }, way
        # The same files in three runs of small batches, the enrolment before its report.
        files = sorted(usb.files, key=lambda path: path != usb.folder / "z_CT-001_enrolment.thidua")
        split = fresh()
        for part in (files[:4], files[4:9], files[9:]):
            import_packages(split, paths=part, dry_run=False, batch_size=2)
        got[way] = (dry, applied, again, one_run, merged_tables(split))
    assert got["by entry"] == got["whole"]


def test_a_run_by_entry_holds_only_what_its_files_asked_for(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    usb = mixed_usb(env, tmp_path)
    ctx = fresh()
    with ctx.reading() as session:
        state = MergeState(session, reading=ctx.reading)  # by entry
        whole = MergeState(session, reading=ctx.reading, files=10**6)
    unit = env.unit("CS-00002")
    for path in (usb.corrected, usb.bogus):  # two reports of one unit
        [action] = Importer(state, writing=False).examine(read_limited(path, 10**7), path.name)
        assert action.result.unit_id == unit.id
    # One key, one unit, and the two packages (not archived yet: the run's candidates).
    assert dict(state.keys).keys() == {unit.keypair.key_id}
    assert dict(state.units) == {unit.id: unit.code}
    assert list(dict(state.archived).values()) == ["candidate", "candidate"]
    # Read whole: every unit is there from the start (the demo's and the federation).
    assert len(dict(whole.units)) > len(env.demo.units)

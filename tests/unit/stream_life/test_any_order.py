"""The same mixed USB folder imported in shuffled orders and split across runs: every
order gives the same outcomes, and every split the same merged tables.

A stream's life at the federation, on a copy of the demo province (built once for this
folder) and the mixed USB folder of ``usb.py``."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core import domain
from app.core.context import AppContext
from app.exchange import federation
from app.exchange.key_status import KeyStatus
from app.exchange.merge import import_packages
from app.exchange.outcomes import Outcome
from app.statements.records import statement_values
from db import models
from db.enums import REGISTRATION_STREAM
from tests.unit.package_forge import (
    Env,
)
from tests.unit.stream_life.usb import (
    changed_merged,
    labels,
    merged_tables,
    mixed_usb,
    outcome_of,
)

pytestmark = pytest.mark.both_backends


def test_the_same_usb_folder_in_any_order_and_any_split_gives_the_same_result(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path, backend: str
) -> None:
    usb = mixed_usb(env, tmp_path)
    # The folder as the federation drops it: one run, name order.
    base = fresh()
    dry = import_packages(base, paths=[usb.folder], dry_run=True)
    first = import_packages(base, paths=[usb.folder], dry_run=False)
    assert labels(dry) == labels(first), "the dry run predicts apply"
    expected_labels, expected_tables = labels(first), merged_tables(base)

    got = {i.file_name: i.outcome for i in first.items}
    assert got["CS-00001_r1.thidua"] is Outcome.OLDER  # r3 is the head now
    assert got["CS-00001_r1 (1).thidua"] is Outcome.DUPLICATE, "the copy, not the original"
    assert got["CS-00002_r2_khac.thidua"] is Outcome.CONFLICT
    assert got["CS-00002_r2.thidua"] is Outcome.NEW
    assert got["Huyện Sơn Dương/CS-00003_r1_may2.thidua"] is Outcome.CONFLICT
    assert got["Huyện Sơn Dương/CS-00005_r1.thidua"] is Outcome.DUPLICATE  # the copy is deeper
    assert got["CS-00004_r1_lai.thidua"] is Outcome.OLDER
    assert got["a_CT-001_h1.thidua"] is Outcome.PENDING_KEY, "held, not refused"
    assert got["z_CT-001_enrolment.thidua"] is Outcome.PENDING_KEY
    assert got[usb.plan_file.name] is Outcome.SKIPPED
    for name in ("CS-00005_sua_tay.thidua", "CS-00005_cut.thidua", "la.thidua"):
        assert got[name] is Outcome.REJECTED
    with base.reading() as session:
        u2 = env.unit("CS-00002")
        assert statement_values(
            session, plan_id=env.plan.id, unit_id=u2.id, stream=REGISTRATION_STREAM
        )["2.1"] == domain.UnitValue(amount=222)

    rng = random.Random(int(os.environ.get("THIDUA_ORDER_SEED", "2017")))
    orders = 20 if backend == "sqlite" else 6
    for trial in range(orders):
        files = list(usb.files)
        rng.shuffle(files)
        ctx = fresh()
        # The files named one by one, in a shuffled order (names are then bare).
        summary = import_packages(ctx, paths=files, dry_run=False)
        assert merged_tables(ctx) == expected_tables, f"order {trial}"
        assert sorted(
            (Path(i.file_name).name, i.outcome.value, i.reason) for i in summary.items
        ) == sorted((Path(n).name, o, r) for n, o, r, _p in expected_labels), f"order {trial}"
    for trial in range(6 if backend == "sqlite" else 2):
        files = list(usb.files)
        rng.shuffle(files)
        ctx = fresh()
        # One run in small batches: a stream that several batches reported is
        # labelled by what the last of them made of it, as in one batch.
        summary = import_packages(ctx, paths=files, dry_run=False, batch_size=rng.randint(1, 3))
        assert merged_tables(ctx) == expected_tables, f"batches {trial}"
        assert sorted(
            (Path(i.file_name).name, i.outcome.value, i.reason) for i in summary.items
        ) == sorted((Path(n).name, o, r) for n, o, r, _p in expected_labels), f"batches {trial}"
    splits = 8 if backend == "sqlite" else 3
    for trial in range(splits):
        files = list(usb.files)
        rng.shuffle(files)
        cuts = sorted(rng.sample(range(1, len(files)), rng.randint(1, 4)))
        parts = [files[a:b] for a, b in zip([0, *cuts], [*cuts, len(files)], strict=True)]
        # A report signed by a key the federation has never seen is refused, not
        # kept (its signature proves nothing yet): held only when its enrolment
        # comes in the same run or earlier. Move it along with the enrolment.
        enrolment_file = usb.folder / "z_CT-001_enrolment.thidua"
        at = {path: n for n, part in enumerate(parts) for path in part}
        if at[usb.new_key_report] < at[enrolment_file]:
            parts[at[usb.new_key_report]].remove(usb.new_key_report)
            parts[at[enrolment_file]].append(usb.new_key_report)
        ctx = fresh()
        for part in parts:
            import_packages(ctx, paths=part, dry_run=False, batch_size=rng.randint(1, 5))
        assert merged_tables(ctx) == expected_tables, (
            f"split {trial} at {cuts}: {changed_merged(ctx, base)}"
        )


def test_a_report_read_before_its_enrolment_is_held_then_merged(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    usb = mixed_usb(env, tmp_path)
    ctx = fresh()
    summary = import_packages(
        ctx, paths=[usb.new_key_report, usb.folder / "z_CT-001_enrolment.thidua"], dry_run=False
    )
    assert [i.outcome for i in summary.items] == [Outcome.PENDING_KEY, Outcome.PENDING_KEY]
    keyid = next(i for i in summary.items if i.kind == "enrolment").package_hash
    with ctx.reading() as session:
        new_keyid = session.scalar(
            select(models.SigningKey.keyid).where(models.SigningKey.package_hash == keyid)
        )
        assert new_keyid is not None
    _info, released = federation.decide_key(
        ctx, keyid=new_keyid, decision=KeyStatus.ACCEPTED, evidence="phone"
    )
    assert released is not None and [i.outcome for i in released.items] == [Outcome.NEW]
    assert federation.owed_receipts(ctx) == 1, "merged by acceptance: a receipt is owed"


def test_the_federations_own_files_are_skipped_not_refused(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    usb = mixed_usb(env, tmp_path)
    ctx = fresh()
    import_packages(ctx, paths=[env.file("CS-00001")], dry_run=False)
    receipts = federation.write_receipts(ctx, out_dir=tmp_path / "receipts")
    summary = import_packages(ctx, paths=[usb.plan_file, *receipts], dry_run=False)
    assert {(i.outcome, i.reason) for i in summary.items} == {
        (
            Outcome.SKIPPED,
            "A file this federation wrote itself (a plan, receipt or return): "
            "there is nothing to import.",
        )
    }


def test_a_bogus_r2_first_never_becomes_the_head(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    """Regression: a bogus r2 with a broken chain was "new" when it came first."""
    usb = mixed_usb(env, tmp_path)
    ctx = fresh()
    u2 = env.unit("CS-00002")
    summary = import_packages(ctx, paths=[usb.bogus, env.file("CS-00002")], dry_run=False)
    assert sorted(i.outcome for i in summary.items) == [Outcome.CONFLICT, Outcome.NEW]
    assert outcome_of(summary, usb.bogus, usb.folder)[0] is Outcome.CONFLICT
    with ctx.reading() as session:
        values = statement_values(
            session, plan_id=env.plan.id, unit_id=u2.id, stream=REGISTRATION_STREAM
        )
    assert values["2.1"].amount != 666


def test_copies_are_the_duplicates_whatever_the_order(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    """Regression: "(1)" copies showed as new and the originals as duplicates."""
    usb = mixed_usb(env, tmp_path)
    original = usb.folder / "CS-00001_r1.thidua"
    for order in ([usb.copy, original], [original, usb.copy]):
        summary = import_packages(fresh(), paths=order, dry_run=False)
        assert {i.file_name: i.outcome for i in summary.items} == {
            "CS-00001_r1.thidua": Outcome.NEW,
            "CS-00001_r1 (1).thidua": Outcome.DUPLICATE,
        }
        [copy] = [i for i in summary.items if i.outcome is Outcome.DUPLICATE]
        assert copy.reason_text() == "A copy of CS-00001_r1.thidua in this same import."

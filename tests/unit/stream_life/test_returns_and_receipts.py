"""The return → correction loop, receipts owed by every path, the federation's own files
and what staff have not seen.

A stream's life at the federation, on a copy of the demo province (built once for this
folder) and the mixed USB folder of ``usb.py``."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.context import AppContext, open_context
from app.core.errors import NotFoundError
from app.exchange import federation
from app.exchange import streams as life
from app.exchange.merge import import_packages
from app.exchange.outcomes import Outcome
from app.statements.records import statement_values
from db import models
from db.enums import REGISTRATION_STREAM
from tests.unit.package_forge import (
    Env,
    hash_of,
    report,
)
from tests.unit.stream_life.usb import (
    bump,
    mixed_usb,
)

pytestmark = pytest.mark.both_backends


# --- the return → correction loop ---------------------------------------------------------


def test_a_correction_after_a_return_supersedes_and_closes_the_conflict(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    """Regression: r2 after a return was "does not follow", the old conflict stayed
    open, and keeping its version would roll the correction back to r1."""
    usb = mixed_usb(env, tmp_path)
    ctx = fresh()
    u3 = env.unit("CS-00003")
    import_packages(ctx, paths=[env.file("CS-00003"), usb.sibling], dry_run=False)
    [conflict] = federation.list_conflicts(ctx)
    assert conflict.package_hash == hash_of(usb.sibling.read_bytes())
    # Staff return the other PC's version to the unit; it corrects and sends r2.
    federation.return_package(
        ctx,
        package_hash=conflict.package_hash,
        out=tmp_path / "return.thidua",
        general_comment="Hai máy gửi hai bản khác nhau: gửi lại một bản đúng.",
        comments={},
    )
    correction = report(
        env,
        u3,
        values=bump(u3.values[REGISTRATION_STREAM], "2.1", 350),
        revision=2,
        supersedes=conflict.package_hash,
    )
    path = tmp_path / "CS-00003_r2.thidua"
    path.write_bytes(correction)
    summary = import_packages(ctx, paths=[path], dry_run=False)
    assert [(i.outcome, i.reason) for i in summary.items] == [(Outcome.UPDATED, "")]
    assert federation.list_conflicts(ctx) == [], "the correction answered the conflict"
    with ctx.reading() as session:
        row = session.get(models.Conflict, conflict.id)
        assert row is not None and (row.status, row.resolution) == ("resolved", life.CORRECTED)
        values = statement_values(
            session, plan_id=env.plan.id, unit_id=u3.id, stream=REGISTRATION_STREAM
        )
    assert values["2.1"].amount == 350
    with pytest.raises(NotFoundError):
        federation.resolve_conflict(ctx, conflict_id=conflict.id, keep="incoming")
    # Importing the old files again changes nothing.
    import_packages(ctx, paths=[env.file("CS-00003"), usb.sibling], dry_run=False)
    with ctx.reading() as session:
        values = statement_values(
            session, plan_id=env.plan.id, unit_id=u3.id, stream=REGISTRATION_STREAM
        )
    assert values["2.1"].amount == 350


def test_keeping_an_older_version_cannot_roll_the_stream_back(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    usb = mixed_usb(env, tmp_path)
    ctx = fresh()
    u3 = env.unit("CS-00003")
    import_packages(ctx, paths=[env.file("CS-00003"), usb.sibling], dry_run=False)
    [conflict] = federation.list_conflicts(ctx)
    federation.resolve_conflict(ctx, conflict_id=conflict.id, keep="incoming")
    assert federation.list_conflicts(ctx) == []
    with ctx.reading() as session:
        values = statement_values(
            session, plan_id=env.plan.id, unit_id=u3.id, stream=REGISTRATION_STREAM
        )
    assert values["2.1"].amount == 333, "staff kept the other PC's version"
    # The staff's choice holds when the first version comes again.
    import_packages(ctx, paths=[env.file("CS-00003")], dry_run=False)
    assert federation.list_conflicts(ctx) == []
    with ctx.reading() as session:
        values = statement_values(
            session, plan_id=env.plan.id, unit_id=u3.id, stream=REGISTRATION_STREAM
        )
    assert values["2.1"].amount == 333


# --- receipts -------------------------------------------------------------------------------


def test_receipts_are_owed_for_every_merge_and_written_once(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    """Regression: after a restart the receipts wrote 0 files; packages merged by
    key acceptance or conflict resolution were left out; a returned package got
    a receipt too."""
    usb = mixed_usb(env, tmp_path)
    ctx = fresh()
    import_packages(ctx, paths=[usb.folder], dry_run=False)
    owed = federation.owed_receipts(ctx)
    assert owed == 6  # u1 r3, u2 r2, u3 r1, u4 r2, u5 r1, CT-001 r1 (its h1 waits for the key)
    # A return: that unit is owed no receipt.
    u4_head = hash_of((usb.folder / "CS-00004_r2.thidua").read_bytes())
    federation.return_package(
        ctx,
        package_hash=u4_head,
        out=tmp_path / "ret.thidua",
        general_comment="Sửa 2.1",
        comments={},
    )
    assert federation.owed_receipts(ctx) == 5
    # A restart: a new context on the same database owes the same receipts.
    url = (
        ctx.engine.url.render_as_string(hide_password=False)
        if env.backend != "sqlite"
        else ctx.engine.url.database
    )
    assert url
    again = open_context(url)
    try:
        written = federation.write_receipts(again, out_dir=tmp_path / "r1")
        assert len(written) == 5
        assert federation.write_receipts(again, out_dir=tmp_path / "r2") == []
        # Merged later by conflict resolution: owed then.
        [conflict] = [c for c in federation.list_conflicts(again) if c.reason == life.SAME_REVISION]
        federation.resolve_conflict(again, conflict_id=conflict.id, keep="incoming")
        assert federation.owed_receipts(again) == 1
    finally:
        again.close()


def test_settle_is_a_function_of_the_set() -> None:
    """The replay does not depend on the order entries are given in."""
    rng = random.Random(5)
    base = [
        life.Entry("a1", 1, 1, None, created="1"),
        life.Entry("b1", 1, 1, None, created="2"),
        life.Entry("a2", 1, 2, "a1"),
        life.Entry("x2", 1, 2, "zz"),
        life.Entry("a3", 1, 3, "a2"),
        life.Entry("r5", 1, 5, "qq", retired=True),
    ]
    expected = life.settle(base)
    assert expected.head is not None and expected.head.hash == "a3"
    assert expected.status["b1"] == life.SUPERSEDED and expected.status["x2"] == life.SUPERSEDED
    assert expected.conflicts == {"r5": (life.RETIRED_KEY, "a3")}
    for _ in range(20):
        shuffled = list(base)
        rng.shuffle(shuffled)
        assert life.settle(shuffled) == expected


def test_a_returned_unit_is_not_counted_as_sent(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    """Regression: a unit whose report was returned for correction counted as sent."""
    from app.rollup.dashboard import dashboard

    ctx = fresh()
    import_packages(ctx, paths=[env.demo.packages_dir], dry_run=False)
    with ctx.reading() as session:
        before = dashboard(session, plan_id=env.plan.id).coverage[0]
    unit = env.unit("CS-00004")
    federation.return_package(
        ctx,
        package_hash=hash_of(env.file("CS-00004").read_bytes()),
        out=tmp_path / "back.thidua",
        general_comment="Sửa chỉ tiêu 2.1",
        comments={},
    )
    with ctx.reading() as session:
        board = dashboard(session, plan_id=env.plan.id)
    after = board.coverage[0]
    assert (after.received, after.returned) == (before.received - 1, 1)
    [missing] = [
        m for m in board.missing if m.unit.code == unit.code and m.stream == "registration"
    ]
    assert missing.held == "returned"


def test_a_package_with_an_upper_case_extension_is_found(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    """Regression: ``X.THIDUA`` (an old USB tool's copy) was skipped without a word."""
    folder = tmp_path / "usb"
    folder.mkdir()
    shutil.copy2(env.file("CS-00001"), folder / "COPY_CS-00001.THIDUA")
    shutil.copy2(env.file("CS-00002"), folder / "CS-00002.Thidua")
    summary = import_packages(fresh(), paths=[folder], dry_run=True)
    assert sorted((i.file_name, i.outcome) for i in summary.items) == [
        ("COPY_CS-00001.THIDUA", Outcome.NEW),
        ("CS-00002.Thidua", Outcome.NEW),
    ]


def test_a_package_refused_for_its_jump_weighs_on_nothing() -> None:
    """Review finding: a refused r10003 naming one of two r1s chose the head, which
    flipped when the stream was settled again without it."""
    a1 = life.Entry("a1", 1, 1, None, created="1")
    s1 = life.Entry("s1", 1, 1, None, created="2")
    jump = life.Entry("t", 1, 10_003, "s1", new=True)
    with_jump = life.settle([a1, s1, jump])
    assert with_jump.too_far == {"t"}
    assert with_jump.head == life.settle([a1, s1]).head == a1


def test_discarding_a_retired_keys_package_does_not_move_the_head() -> None:
    """Review finding: a retired key's package naming one r1 made it the head; once
    staff discarded it the other r1 became the head."""
    h0 = life.Entry("h0", 1, 1, None)
    h4 = life.Entry("h4", 1, 1, None, created="1")
    h3 = life.Entry("h3", 1, 2, "h0", retired=True)
    assert life.settle([h0, h4, h3]).head == life.settle([h0, h4]).head


def test_a_version_staff_have_not_seen_is_not_buried_by_their_choice() -> None:
    """Review finding: a third r1 arriving after staff kept one was silently superseded."""
    kept = life.Entry("k", 1, 1, None, forced=True)
    other = life.Entry("o", 1, 1, None)  # the version staff decided against
    later = life.Entry("n", 1, 1, None, new=True)
    settled = life.settle([kept, other, later])
    assert settled.head == kept
    assert settled.status["o"] == life.SUPERSEDED
    assert settled.status["n"] == life.QUARANTINED and "n" in settled.conflicts
    # ... and it stays held when the stream is settled again.
    held = life.Entry("n", 1, 1, None, held=True)
    assert life.settle([kept, other, held]).status["n"] == life.QUARANTINED


def test_a_unit_directly_under_the_federation_names_it_as_its_upper_level(
    env: Env, fresh: Callable[[], AppContext]
) -> None:
    """Walk-through: "Cấp trên" was blank in the missing list for such units."""
    from app.rollup.dashboard import dashboard

    ctx = fresh()
    with ctx.reading() as session:
        board = dashboard(session, plan_id=env.plan.id)
    upper = env.unit("CT-001")  # directly under the federation
    [row, *_rest] = [m for m in board.missing if m.unit.code == upper.code]
    assert row.unit.parent_name == "LĐLĐ tỉnh Tuyên Quang"

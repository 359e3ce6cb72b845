"""A report held for a key staff have not confirmed yet is not sent until the key is
accepted, and then counts from when it arrived; one held for a refused key never counts
(app.exchange.arrivals) — the same "sent" as the dashboard's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.core.context import AppContext, open_context
from app.demo.province import Demo, make_demo, write_report
from app.exchange import decide_key, first_arrivals, import_packages
from app.exchange.key_status import KeyStatus
from app.rollup import read_timeliness, save_deadline
from db import models

PLAN = "tuyen-quang-2017"
CODE = "CS-00002"
#: 22:00 on 14/07/2017 in the federation's calendar: before the last day ends.
RECEIVED_AT = "2017-07-14T15:00:00+00:00"


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[AppContext, Demo, str]]:
    """The demo province with ``CODE``'s key put back to pending and its h1 report
    imported (held) at :data:`RECEIVED_AT`; yields the context, the demo and the key."""
    demo = make_demo(out_dir=tmp_path / "demo", units=6, seed=17, streams=())
    ctx = open_context(str(demo.database))
    unit = demo.unit(CODE)
    keyid = unit.keypair.key_id
    with ctx.unit_of_work() as session:
        session.execute(
            update(models.SigningKey)
            .where(models.SigningKey.keyid == keyid)
            .values(status=KeyStatus.PENDING.value)
        )
    path = write_report(unit, demo.plan, demo.federation_id, "h1", {}, tmp_path, revision=1)
    summary = import_packages(ctx, paths=[path], dry_run=False)
    assert [item.outcome.value for item in summary.items] == ["pending_key"]
    with ctx.unit_of_work() as session:
        session.execute(
            update(models.Package)
            .where(models.Package.hash == summary.items[0].package_hash)
            .values(received_at=RECEIVED_AT)
        )
    save_deadline(ctx, plan_id=PLAN, stream="h1", due_on=dt.date(2017, 7, 14))
    try:
        yield ctx, demo, keyid
    finally:
        ctx.close()


def _h1(ctx: AppContext) -> tuple[int, int, set[str]]:
    """Received, on time, and the codes listed late or missing, of h1 on 20/07/2017."""
    [h1] = read_timeliness(ctx, plan_id=PLAN, stream="h1", as_of=dt.date(2017, 7, 20)).streams
    return h1.received, h1.on_time, {late.unit.code for late in h1.units}


def _statuses(ctx: AppContext, unit_id: str) -> list[tuple[str, str]]:
    with ctx.reading() as session:
        return [
            (status, received_at)
            for status, received_at in session.execute(
                select(models.Package.status, models.Package.received_at).where(
                    models.Package.unit_id == unit_id, models.Package.stream == "h1"
                )
            )
        ]


def test_a_report_held_for_a_pending_key_counts_once_accepted_from_its_arrival(
    held: tuple[AppContext, Demo, str],
) -> None:
    ctx, demo, keyid = held
    unit_id = demo.unit(CODE).id
    # Not sent yet, as the dashboard says: the federation does not hold its statement.
    with ctx.reading() as session:
        assert (unit_id, "h1") not in first_arrivals(session, plan_id=PLAN)
    received, on_time, listed = _h1(ctx)
    assert (received, on_time) == (0, 0) and CODE in listed

    decide_key(ctx, keyid=keyid, decision=KeyStatus.ACCEPTED)
    assert _statuses(ctx, unit_id) == [("applied", RECEIVED_AT)]
    with ctx.reading() as session:
        assert first_arrivals(session, plan_id=PLAN)[(unit_id, "h1")] == RECEIVED_AT
    received, on_time, listed = _h1(ctx)
    assert (received, on_time) == (1, 1) and CODE not in listed


def test_a_report_held_for_a_refused_key_did_not_arrive(
    held: tuple[AppContext, Demo, str],
) -> None:
    ctx, demo, keyid = held
    unit_id = demo.unit(CODE).id
    decide_key(ctx, keyid=keyid, decision=KeyStatus.REFUSED, evidence="không phải máy của đơn vị")
    assert _statuses(ctx, unit_id) == [("pending_key", RECEIVED_AT)]  # kept, not counted
    with ctx.reading() as session:
        assert (unit_id, "h1") not in first_arrivals(session, plan_id=PLAN)
    received, on_time, listed = _h1(ctx)
    assert (received, on_time) == (0, 0) and CODE in listed

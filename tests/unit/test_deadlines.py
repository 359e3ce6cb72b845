"""Deadlines, extensions, and the reporting and on-time rates, on both backends.

A demo province (one upper-level union, five CĐCS) whose packages arrive at
controlled times: the counts and rates are checked against a count written
here from the raw package rows, not by the code under test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core import i18n
from app.core.context import AppContext, open_context
from app.core.days import local_day, parse_day
from app.core.errors import InputError, NotFoundError, UserError
from app.core.text import natural_key
from app.demo.province import write_report
from app.rollup import (
    read_deadlines,
    read_timeliness,
    remove_deadline,
    remove_extension,
    resolve_scope,
    save_deadline,
    save_extension,
)
from app.rollup.dashboard import dashboard, not_sent
from app.rollup.query import Scope
from app.rollup.timeliness import timeliness
from app.setup import initialize
from db import models
from db.enums import Role
from tests.helpers import GoldenProvince, golden_province, import_received

pytestmark = pytest.mark.both_backends

PLAN = "tuyen-quang-2017"
DUE = dt.date(2017, 7, 15)
EXTENDED_TO = dt.date(2017, 7, 20)
AS_OF = dt.date(2017, 7, 20)

#: When each unit's h1 packages reached the federation (UTC), by revision.
ARRIVALS = {
    "CS-00001": {1: "2017-07-15T16:30:00+00:00"},  # 23:30 on the last day: on time
    "CS-00002": {1: "2017-07-15T17:10:00+00:00"},  # 00:10 the next day: one day late
    "CS-00003": {1: "2017-07-19T03:00:00+00:00"},  # late but for its extension
    "CS-00004": {1: "2017-07-10T02:00:00+00:00", 2: "2017-07-25T02:00:00+00:00"},
    "CT-001": {1: "2017-07-18T01:00:00+00:00"},  # three days late
    # CS-00005 sends nothing.
}


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> GoldenProvince:
    return golden_province(tmp_path_factory, "deadlines", units=6, seed=17, streams=())


@pytest.fixture
def fed(
    golden: GoldenProvince, fresh_copy: Callable[[Path, Path], str], tmp_path: Path
) -> Iterator[AppContext]:
    """The province with the h1 reports of :data:`ARRIVALS` imported at their times."""
    ctx = open_context(fresh_copy(golden.database, golden.keys))
    demo, files = golden.demo, tmp_path / "files"
    files.mkdir()
    for code, revisions in ARRIVALS.items():
        unit = demo.unit(code)
        supersedes = None
        for revision, received_at in revisions.items():
            path = write_report(
                unit,
                demo.plan,
                demo.federation_id,
                "h1",
                {},
                files,
                revision=revision,
                supersedes=supersedes,
                file_name=f"{code}_h1_r{revision}.thidua",
            )
            supersedes = import_received(ctx, path, received_at)
    try:
        yield ctx
    finally:
        ctx.close()


def _unit_id(ctx: AppContext, code: str) -> str:
    with ctx.reading() as session:
        found = session.scalar(select(models.Unit.id).where(models.Unit.code == code))
        assert found is not None
        return found


def _independent_count(
    ctx: AppContext, due: dt.date, extended: dict[str, dt.date], as_of: dt.date
) -> dict[str, object]:
    """Received, on time, late and missing of h1 counted from the raw rows."""
    with ctx.reading() as session:
        fed_id = session.scalar(
            select(models.Setting.value).where(models.Setting.key == "own_unit_id")
        )
        expected = {
            u
            for (u,) in session.execute(
                select(models.RosterEntry.unit_id).where(models.RosterEntry.year == 2017)
            )
            if u != fed_id
        }
        rows = session.execute(
            select(models.Package.unit_id, models.Package.received_at).where(
                models.Package.plan_id == PLAN,
                models.Package.stream == "h1",
                models.Package.kind == "report",
            )
        ).all()
    first: dict[str, dt.date] = {}
    for unit_id, received_at in rows:
        moment = dt.datetime.fromisoformat(received_at)
        day = (moment.astimezone(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=7)).date()
        if unit_id in expected and day <= as_of:
            first[unit_id] = min(first.get(unit_id, day), day)
    on_time = {u for u, d in first.items() if d <= max(due, extended.get(u, due))}
    late = {
        u: (d - max(due, extended.get(u, due))).days for u, d in first.items() if u not in on_time
    }
    return {
        "expected": len(expected),
        "received": len(first),
        "on_time": len(on_time),
        "late": late,
        "missing": expected - set(first),
    }


def test_rates_match_an_independent_count(fed: AppContext) -> None:
    save_deadline(fed, plan_id=PLAN, stream="h1", due_on="15/07/2017")
    save_extension(
        fed,
        plan_id=PLAN,
        stream="h1",
        unit="CS-00003",
        due_on="2017-07-20",
        reason="Lũ lụt, đường bị chia cắt",
    )
    report = read_timeliness(fed, plan_id=PLAN, stream="h1", as_of=AS_OF)
    (h1,) = report.streams
    extended = {_unit_id(fed, "CS-00003"): EXTENDED_TO}
    truth = _independent_count(fed, DUE, extended, AS_OF)
    assert (h1.expected, h1.received, h1.on_time) == (
        truth["expected"],
        truth["received"],
        truth["on_time"],
    )
    assert (h1.expected, h1.received, h1.on_time, h1.late, h1.missing) == (6, 5, 3, 2, 1)
    assert h1.reporting_rate == Fraction(5, 6)
    assert h1.on_time_rate == Fraction(3, 6)
    assert (h1.reporting_text, h1.on_time_text) == ("83,3%", "50,0%")
    late = {u.unit.id: u.days_late for u in h1.units if u.arrived_on is not None}
    assert late == truth["late"]
    assert {u.unit.code: u.days_late for u in h1.units} == {
        "CS-00002": 1,
        "CT-001": 3,
        "CS-00005": 5,
    }
    missing = [u for u in h1.units if u.arrived_on is None]
    assert {u.unit.id for u in missing} == truth["missing"]
    assert h1.extensions == 1


def test_midnight_in_the_federation_calendar(fed: AppContext) -> None:
    save_deadline(fed, plan_id=PLAN, stream="h1", due_on=DUE)
    (h1,) = read_timeliness(fed, plan_id=PLAN, stream="h1", as_of=AS_OF).streams
    by_code = {u.unit.code: u for u in h1.units}
    assert "CS-00001" not in by_code  # 23:30 local on the last day
    assert by_code["CS-00002"].arrived_on == dt.date(2017, 7, 16)
    assert by_code["CS-00002"].days_late == 1
    # Without its extension CS-00003 is late (19/07 against 15/07).
    assert by_code["CS-00003"].days_late == 4
    assert not by_code["CS-00003"].extended


def test_first_receipt_of_any_revision_and_as_of(fed: AppContext) -> None:
    save_deadline(fed, plan_id=PLAN, stream="h1", due_on=DUE)
    (h1,) = read_timeliness(fed, plan_id=PLAN, stream="h1", as_of=AS_OF).streams
    # CS-00004's r2 came on 25/07 but its r1 on 10/07: on time by the first receipt.
    assert "CS-00004" not in {u.unit.code for u in h1.units}
    (early,) = read_timeliness(fed, plan_id=PLAN, stream="h1", as_of=DUE).streams
    # As of the last day: only what had arrived by then; nobody overdue yet.
    assert (early.received, early.on_time, early.late) == (2, 2, 0)
    assert all(u.days_late == 0 and u.arrived_on is None for u in early.units)


def test_scope_and_streams_without_deadline(fed: AppContext) -> None:
    report = read_timeliness(fed, plan_id=PLAN, as_of=AS_OF)
    assert [s.stream for s in report.streams] == ["registration", "h1", "year"]
    registration, h1, _year = report.streams
    assert (registration.received, registration.reporting_rate) == (0, Fraction(0))
    assert h1.on_time_rate is None and h1.on_time_text == "—"
    with fed.reading() as session:
        scope = resolve_scope(session, year=2017, unit="CT-001")
        subtree = {
            u
            for (u,) in session.execute(
                select(models.RosterEntry.unit_id).where(
                    models.RosterEntry.year == 2017,
                    (models.RosterEntry.parent_id == _unit_id(fed, "CT-001"))
                    | (models.RosterEntry.unit_id == _unit_id(fed, "CT-001")),
                )
            )
        }
    (scoped,) = read_timeliness(fed, plan_id=PLAN, scope=scope, stream="h1").streams
    assert scoped.expected == len(subtree)


@pytest.mark.parametrize("limit", [1, 2])
def test_the_dashboard_names_the_first_units_and_counts_every_one(
    fed: AppContext, limit: int
) -> None:
    """The lists are bounded (the first ``limit`` of each stream, in the order of codes);
    the counts are of every unit, and the whole lists are read on demand."""
    save_deadline(fed, plan_id=PLAN, stream="h1", due_on=DUE)
    with fed.reading() as session:
        subtree = resolve_scope(session, year=2017, unit="CT-001")
        for scope in (Scope(), subtree):
            whole = dashboard(session, plan_id=PLAN, scope=scope, as_of=AS_OF, limit=None)
            short = dashboard(session, plan_id=PLAN, scope=scope, as_of=AS_OF, limit=limit)
            assert short.coverage == whole.coverage
            assert short.missing_total == whole.missing_total == len(whole.missing) > limit
            assert (whole.unlisted, short.unlisted) == (0, len(whole.missing) - len(short.missing))
            assert not_sent(session, plan_id=PLAN, scope=scope) == list(whole.missing)
            for coverage in whole.coverage:
                listed = [m for m in whole.missing if m.stream == coverage.stream]
                codes = [m.unit.code for m in listed]
                assert codes == sorted(codes, key=natural_key)
                assert coverage.expected - coverage.received == len(listed)
                assert [m for m in short.missing if m.stream == coverage.stream] == listed[:limit]
                assert not_sent(session, plan_id=PLAN, scope=scope, stream=coverage.stream) == (
                    listed
                )
            apart = timeliness(session, plan_id=PLAN, scope=scope, as_of=AS_OF).streams
            for long, brief, alone in zip(whole.timeliness, short.timeliness, apart, strict=True):
                assert long == alone  # the whole list, as the deadlines report reads it
                assert replace(brief, units=()) == replace(long, units=())
                assert brief.units == long.units[:limit]
                assert long.late + long.missing == len(long.units)
                assert (long.unlisted, brief.unlisted) == (0, len(long.units) - len(brief.units))
        with pytest.raises(InputError):
            not_sent(session, plan_id=PLAN, stream="h9")


def _digest(ctx: AppContext) -> tuple[int, ...]:
    with ctx.reading() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (models.Deadline, models.DeadlineExtension, models.AuditEntry)
        )


def test_deadlines_listed_changed_and_audited(fed: AppContext) -> None:
    save_deadline(fed, plan_id=PLAN, stream="h1", due_on=DUE)
    save_deadline(fed, plan_id=PLAN, stream="h1", due_on="16/07/2017")
    save_extension(
        fed, plan_id=PLAN, stream="h1", unit="CS-00003", due_on=EXTENDED_TO, reason="Bão"
    )
    listed = {d.stream: d for d in read_deadlines(fed, plan_id=PLAN)}
    assert listed["h1"].due_on == dt.date(2017, 7, 16)
    assert [e.unit_code for e in listed["h1"].extensions] == ["CS-00003"]
    assert listed["registration"].due_on is None
    remove_extension(fed, plan_id=PLAN, stream="h1", unit="CS-00003")
    remove_deadline(fed, plan_id=PLAN, stream="h1")
    assert read_deadlines(fed, plan_id=PLAN)[1].due_on is None
    with fed.reading() as session:
        actions = list(
            session.scalars(
                select(models.AuditEntry.action)
                .where(models.AuditEntry.action.like("deadline.%"))
                .order_by(models.AuditEntry.id)
            )
        )
    assert actions == [
        "deadline.set",
        "deadline.set",
        "deadline.extend",
        "deadline.withdraw",
        "deadline.clear",
    ]


def test_bad_input_is_refused_and_changes_nothing(fed: AppContext) -> None:
    save_deadline(fed, plan_id=PLAN, stream="h1", due_on=DUE)
    before = _digest(fed)
    refused: list[tuple[type[UserError], Callable[[], object]]] = [
        (InputError, lambda: save_deadline(fed, plan_id=PLAN, stream="h1", due_on="31/02/2017")),
        (InputError, lambda: save_deadline(fed, plan_id=PLAN, stream="h1", due_on="15.07.2017")),
        (InputError, lambda: save_deadline(fed, plan_id=PLAN, stream="h1", due_on="2030-01-01")),
        (InputError, lambda: save_deadline(fed, plan_id=PLAN, stream="q3", due_on=DUE)),
        (NotFoundError, lambda: save_deadline(fed, plan_id="no-plan", stream="h1", due_on=DUE)),
        (NotFoundError, lambda: remove_deadline(fed, plan_id=PLAN, stream="year")),
        (
            NotFoundError,
            lambda: save_extension(
                fed, plan_id=PLAN, stream="h1", unit="XX-999", due_on=EXTENDED_TO, reason="x"
            ),
        ),
        (
            NotFoundError,
            lambda: save_extension(
                fed,
                plan_id=PLAN,
                stream="h1",
                unit=golden_federation(fed),
                due_on=EXTENDED_TO,
                reason="x",
            ),
        ),
        (
            InputError,
            lambda: save_extension(
                fed, plan_id=PLAN, stream="q3", unit="CS-00003", due_on=EXTENDED_TO, reason="x"
            ),
        ),
        (
            InputError,
            lambda: save_extension(
                fed, plan_id=PLAN, stream="h1", unit="CS-00003", due_on=EXTENDED_TO, reason=" "
            ),
        ),
        (
            InputError,
            lambda: save_extension(
                fed, plan_id=PLAN, stream="h1", unit="CS-00003", due_on=DUE, reason="Bão"
            ),
        ),
        (
            InputError,
            lambda: save_extension(
                fed, plan_id=PLAN, stream="year", unit="CS-00003", due_on=DUE, reason="Bão"
            ),
        ),
        (NotFoundError, lambda: remove_extension(fed, plan_id=PLAN, stream="h1", unit="CS-00003")),
        *(
            (
                InputError,
                lambda blank=blank: save_extension(
                    fed, plan_id=PLAN, stream="h1", unit=blank, due_on=EXTENDED_TO, reason="Bão"
                ),
            )
            for blank in ("", "   ")  # no unit chosen (a search that found none)
        ),
    ]
    for kind, attempt in refused:
        with pytest.raises(kind):
            attempt()
        assert _digest(fed) == before


def golden_federation(ctx: AppContext) -> str:
    with ctx.reading() as session:
        own = session.scalar(
            select(models.Setting.value).where(models.Setting.key == "own_unit_id")
        )
        assert own is not None
        return own


def test_refused_at_a_unit(tmp_path: Path) -> None:
    unit_db = open_context(tmp_path / "unit.db")
    try:
        with unit_db.unit_of_work() as session:
            initialize(session, role=Role.UNIT, name="Công đoàn Xi măng", code="CS-0001")
        for attempt in (
            lambda: save_deadline(unit_db, plan_id=PLAN, stream="h1", due_on=DUE),
            lambda: read_deadlines(unit_db, plan_id=PLAN),
            lambda: read_timeliness(unit_db, plan_id=PLAN),
        ):
            with pytest.raises(UserError, match="federation database"):
                attempt()
    finally:
        unit_db.close()


def test_days_typed_and_local_days() -> None:
    assert parse_day("2017-07-15") == parse_day("15/07/2017") == DUE
    assert parse_day(" 5/7/2017 ") == dt.date(2017, 7, 5)
    for bad in ("", "15-07-2017", "2017-02-30", "32/01/2017", "tomorrow"):
        with pytest.raises(InputError):
            parse_day(bad)
    assert local_day("2017-07-15T16:59:59+00:00") == DUE
    assert local_day("2017-07-15T17:00:00+00:00") == dt.date(2017, 7, 16)
    assert local_day("2017-07-15T23:30:00+07:00") == DUE
    assert local_day("not a time") is None


def test_refusals_name_the_report_as_users_know_it(fed: AppContext) -> None:
    """The report and the plan as the screens name them, never the stream's code or the
    plan's id ("Hãy đặt hạn nộp báo cáo registration…" was shown)."""
    i18n.set_language("vi")
    with pytest.raises(InputError) as refused:
        save_extension(
            fed, plan_id=PLAN, stream="year", unit="CS-00003", due_on=EXTENDED_TO, reason="Bão"
        )
    assert str(refused.value) == "Hãy đặt hạn nộp báo cáo Năm 2017 trước khi gia hạn."
    with pytest.raises(NotFoundError) as missing:
        remove_deadline(fed, plan_id=PLAN, stream="h1")
    assert str(missing.value) == ("Báo cáo 6 tháng đầu năm 2017 của kế hoạch 2017 chưa có hạn nộp.")

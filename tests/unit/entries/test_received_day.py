"""The day a unit's paper form or Excel file reached the federation: an entry made
later counts as arrived that day for the on-time rate (not the day staff typed it);
refused after today or before the plan's year, changing nothing. The history says
who entered it and when, and that it has no signature (not an unknown key).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.core import domain, i18n
from app.core.context import AppContext
from app.core.days import day_start_utc_text, local_day, today_local
from app.core.errors import InputError
from app.exchange import enter_statement, first_arrivals, unit_history
from app.rollup import read_timeliness, save_deadline
from db import models
from tests.helpers import GoldenProvince, plain_count

pytestmark = pytest.mark.both_backends

PLAN = "tuyen-quang-2017"
UNIT = "CS-00001"
STAFF = "Trần Thị Bình"


def _enter(ctx: AppContext, golden: GoldenProvince, received_on: dt.date | None) -> str:
    code = plain_count(golden.demo, UNIT)
    result = enter_statement(
        ctx,
        unit_code=UNIT,
        plan_id=PLAN,
        stream="h1",
        source="paper",
        values={code: domain.UnitValue(amount=3)},
        received_on=received_on,
    )
    return result.received_at


def test_day_start_is_that_local_day() -> None:
    assert day_start_utc_text(dt.date(2017, 7, 15)) == "2017-07-14T17:00:00+00:00"
    assert local_day(day_start_utc_text(dt.date(2017, 7, 15))) == dt.date(2017, 7, 15)


def test_an_entry_received_before_the_deadline_is_on_time(
    ctx: AppContext, golden: GoldenProvince, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THIDUA_STAFF_NAME", STAFF)
    save_deadline(ctx, plan_id=PLAN, stream="h1", due_on=dt.date(2017, 7, 15))
    received_at = _enter(ctx, golden, dt.date(2017, 7, 10))
    assert local_day(received_at) == dt.date(2017, 7, 10)
    with ctx.reading() as session:
        unit_id = session.scalar(select(models.Unit.id).where(models.Unit.code == UNIT))
        arrivals = first_arrivals(session, plan_id=PLAN)
    assert unit_id is not None
    assert local_day(arrivals[(unit_id, "h1")]) == dt.date(2017, 7, 10)
    h1 = read_timeliness(ctx, plan_id=PLAN, stream="h1", as_of=dt.date(2017, 8, 1)).streams[0]
    assert (h1.received, h1.on_time, h1.late) == (1, 1, 0)
    i18n.set_language("vi")
    streams = unit_history(ctx, unit_code=UNIT, plan_id=PLAN).streams
    (entry,) = next(s.entries for s in streams if s.stream == "h1")
    assert local_day(entry.received_at) == dt.date(2017, 7, 10)
    assert entry.made_text.startswith(f"Cán bộ {STAFF} nhập lúc ")
    assert entry.signer_text == "Không có chữ ký (nhập hộ)"


def test_no_day_is_today_and_the_moment_of_entry(ctx: AppContext, golden: GoldenProvince) -> None:
    received_at = _enter(ctx, golden, None)
    assert local_day(received_at) == today_local()
    assert received_at == _package_times(ctx)[0]


def _package_times(ctx: AppContext) -> list[str]:
    with ctx.reading() as session:
        return list(session.scalars(select(models.Package.received_at)))


@pytest.mark.parametrize(
    ("received_on", "words"),
    [
        (today_local() + dt.timedelta(days=1), "sau hôm nay"),
        (dt.date(2016, 12, 31), "trước năm 2017"),
    ],
)
def test_a_day_after_today_or_before_the_year_is_refused(
    ctx: AppContext, golden: GoldenProvince, received_on: dt.date, words: str
) -> None:
    i18n.set_language("vi")
    with pytest.raises(InputError) as refused:
        _enter(ctx, golden, received_on)
    assert words in refused.value.translated()
    with ctx.reading() as session:
        assert session.scalar(select(func.count()).select_from(models.Package)) == 0

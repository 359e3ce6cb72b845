"""Flags raised on import: a suspicious value is merged AND flagged; a revision that
fixes it clears the flag; a verified flag stays verified while its figures are
unchanged; verifying and unverifying are audited; bad requests change nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.core import domain
from app.core.context import AppContext, open_context
from app.core.errors import InputError, NotFoundError
from app.demo.province import Demo, write_report
from app.exchange import import_packages, list_flags, rebuild, unverify_flag, verify_flag
from app.exchange.bodies import parse_statement, statement_to_json
from app.exchange.flags import refresh_flags
from app.exchange.statement_rows import replace_statements, statement_rows
from app.plans import CheckKind, clone_plan, get_plan, save_value_checks
from app.statements.records import StatementInput
from db import models
from tests.helpers import GoldenProvince, golden_province, plain_count

pytestmark = pytest.mark.both_backends

UNIT = "CS-00001"
REG = domain.REGISTRATION_STREAM


@dataclass
class Federation:
    ctx: AppContext
    demo: Demo
    folder: Path
    code: str  # a count indicator of the unit

    def send(self, stream: str, amount: int, revision: int = 1) -> str:
        unit = self.demo.unit(UNIT)
        supersedes = None
        if revision > 1:
            with self.ctx.reading() as session:
                supersedes = session.scalar(
                    select(models.StreamHead.package_hash).where(
                        models.StreamHead.unit_id == unit.id, models.StreamHead.stream == stream
                    )
                )
        path = write_report(
            unit,
            self.demo.plan,
            self.demo.federation_id,
            stream,
            {self.code: domain.UnitValue(amount=amount)},
            self.folder,
            revision=revision,
            supersedes=supersedes,
            file_name=f"{stream}_r{revision}.thidua",
        )
        summary = import_packages(self.ctx, paths=[path], dry_run=False)
        (item,) = summary.items
        assert item.outcome.value in ("new", "updated"), item
        return item.package_hash

    def amount(self, stream: str) -> int | None:
        with self.ctx.reading() as session:
            return session.scalar(
                select(models.StatementValue.amount)
                .join(models.Statement)
                .join(models.Indicator)
                .where(models.Statement.stream == stream, models.Indicator.code == self.code)
            )

    def audit(self) -> list[str]:
        with self.ctx.reading() as session:
            return list(
                session.scalars(
                    select(models.AuditEntry.action)
                    .where(models.AuditEntry.action.like("value_flag.%"))
                    .order_by(models.AuditEntry.id)
                )
            )


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> GoldenProvince:
    return golden_province(tmp_path_factory, "flags", units=3, seed=17, streams=())


@pytest.fixture
def fed(
    golden: GoldenProvince, fresh_copy: Callable[[Path, Path], str], tmp_path: Path
) -> Iterator[Federation]:
    ctx = open_context(fresh_copy(golden.database, golden.keys))
    demo = golden.demo
    unit = demo.unit(UNIT)
    code = plain_count(demo, UNIT)
    with ctx.unit_of_work() as session:  # the unit's size: no members-over-workers flag
        session.execute(
            update(models.RosterEntry)
            .where(models.RosterEntry.unit_id == unit.id)
            .values(member_count=50, worker_count=60)
        )
    try:
        yield Federation(ctx, demo, tmp_path, code)
    finally:
        ctx.close()


def test_a_suspicious_value_is_merged_and_flagged_then_cleared_by_a_fix(fed: Federation) -> None:
    fed.send(REG, 100)
    assert list_flags(fed.ctx) == []
    h1 = fed.send("h1", 301)
    assert fed.amount("h1") == 301  # merged all the same
    (flag,) = list_flags(fed.ctx)
    assert (flag.unit_code, flag.stream, flag.indicator_code) == (UNIT, "h1", fed.code)
    assert flag.kind is CheckKind.ABOVE_REGISTRATION
    assert flag.values == {"value": 301, "reference": 100, "factor": 3}
    assert flag.package_hash == h1
    assert flag.indicator_title and not flag.verified
    assert list_flags(fed.ctx, plan_id=fed.demo.plan.id) == [flag]

    fed.send("h1", 300, revision=2)  # exactly three times: not suspicious
    assert fed.amount("h1") == 300
    assert list_flags(fed.ctx, include_verified=True) == []


def test_a_new_registration_rejudges_the_results(fed: Federation) -> None:
    fed.send(REG, 100)
    fed.send("h1", 301)
    assert len(list_flags(fed.ctx)) == 1
    fed.send(REG, 101, revision=2)  # the result is now within three times
    assert list_flags(fed.ctx) == []


def test_verify_keeps_while_unchanged_and_is_audited(fed: Federation) -> None:
    fed.send(REG, 100)
    fed.send("h1", 400)
    (flag,) = list_flags(fed.ctx)
    verify_flag(fed.ctx, flag_id=flag.id, note="  Đơn vị xác nhận qua điện thoại ")
    assert list_flags(fed.ctx) == []
    (done,) = list_flags(fed.ctx, include_verified=True)
    assert done.verified and done.note == "Đơn vị xác nhận qua điện thoại" and done.verified_by
    assert fed.audit() == ["value_flag.verify"]

    rebuilt = rebuild(fed.ctx)  # recomputed, figures unchanged: still verified
    assert rebuilt == 2
    assert list_flags(fed.ctx, include_verified=True) == [done]

    fed.send("h1", 500, revision=2)  # a different suspicious value: open again
    (again,) = list_flags(fed.ctx)
    assert again.values["value"] == 500 and not again.verified

    verify_flag(fed.ctx, flag_id=again.id)
    unverify_flag(fed.ctx, flag_id=again.id)
    (reopened,) = list_flags(fed.ctx)
    assert reopened.id == again.id and not reopened.verified and reopened.note == ""
    assert fed.audit() == ["value_flag.verify", "value_flag.verify", "value_flag.unverify"]


def test_tuned_thresholds_apply_on_the_next_merge(fed: Federation) -> None:
    save_value_checks(fed.ctx, plan_id=fed.demo.plan.id, data={"registration": {"factor": 5}})
    fed.send(REG, 100)
    fed.send("h1", 400)
    assert list_flags(fed.ctx) == []


def test_members_over_workers_flag_the_unit(fed: Federation) -> None:
    unit = fed.demo.unit(UNIT)
    with fed.ctx.unit_of_work() as session:
        session.execute(
            update(models.RosterEntry)
            .where(models.RosterEntry.unit_id == unit.id)
            .values(member_count=70, worker_count=60)
        )
    fed.send(REG, 10)
    (flag,) = list_flags(fed.ctx)
    assert flag.kind is CheckKind.MEMBERS_OVER_WORKERS
    assert (flag.indicator_code, flag.stream) == ("", REG)
    assert flag.values == {"members": 70, "workers": 60}


def test_bad_requests_change_nothing(fed: Federation) -> None:
    fed.send(REG, 100)
    fed.send("h1", 400)
    (flag,) = list_flags(fed.ctx)
    with pytest.raises(NotFoundError):
        verify_flag(fed.ctx, flag_id=flag.id + 1000)
    with pytest.raises(NotFoundError):
        unverify_flag(fed.ctx, flag_id=flag.id + 1000)
    with pytest.raises(InputError):
        unverify_flag(fed.ctx, flag_id=flag.id)  # not verified
    with pytest.raises(InputError):
        verify_flag(fed.ctx, flag_id=flag.id, note="x" * 2001)
    with pytest.raises(NotFoundError):
        list_flags(fed.ctx, plan_id="no-such-plan")
    verify_flag(fed.ctx, flag_id=flag.id)
    with pytest.raises(InputError):
        verify_flag(fed.ctx, flag_id=flag.id)  # already verified
    assert fed.audit() == ["value_flag.verify"]


def _last_year_statement(fed: Federation, plan_id: str, amount: int) -> None:
    """The unit's h1 statement of last year's plan, written as a merge writes it."""
    unit = fed.demo.unit(UNIT)
    with fed.ctx.unit_of_work() as session:
        plan = get_plan(session, plan_id)
        statement = parse_statement(
            {
                "statement": statement_to_json(
                    StatementInput(
                        plan_id=plan_id,
                        unit_id=unit.id,
                        stream="h1",
                        values={fed.code: domain.UnitValue(amount=amount)},
                    )
                )
            }
        )
        rows = statement_rows(plan_id, unit.id, "h1", 1, statement, plan)
        replace_statements(session, [rows], updated_at="2016-07-01T00:00:00+00:00")
        refresh_flags(session, [(plan_id, unit.id, "h1", "")])


def test_a_big_jump_from_last_years_plan(fed: Federation) -> None:
    earlier = clone_plan(fed.ctx, plan_id=fed.demo.plan.id, year=2016)
    _last_year_statement(fed, earlier, 40)
    fed.send(REG, 130)
    fed.send("h1", 121)
    (flag,) = list_flags(fed.ctx)
    assert (flag.plan_id, flag.kind, flag.stream) == (fed.demo.plan.id, CheckKind.YEAR_JUMP, "h1")
    assert flag.values == {"value": 121, "reference": 40, "factor": 3}
    _last_year_statement(fed, earlier, 41)  # last year's value corrected: this year's rejudged
    assert list_flags(fed.ctx) == []


@pytest.mark.parametrize("batch_size", [1, 1000])
def test_a_registration_and_its_result_in_one_import(fed: Federation, batch_size: int) -> None:
    """The amounts of statements merged in the same batch come from the rows just
    written, the others from the database: the same flag either way."""
    unit = fed.demo.unit(UNIT)
    folder = fed.folder / "both"
    folder.mkdir()
    for stream, amount in ((REG, 100), ("h1", 301)):
        write_report(
            unit,
            fed.demo.plan,
            fed.demo.federation_id,
            stream,
            {fed.code: domain.UnitValue(amount=amount)},
            folder,
            revision=1,
            file_name=f"{stream}.thidua",
        )
    summary = import_packages(fed.ctx, paths=[folder], dry_run=False, batch_size=batch_size)
    assert summary.counts["new"] == 2
    (flag,) = list_flags(fed.ctx)
    assert (flag.stream, flag.kind) == ("h1", CheckKind.ABOVE_REGISTRATION)
    assert flag.values == {"value": 301, "reference": 100, "factor": 3}

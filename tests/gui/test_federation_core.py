"""The core queries the federation screens rely on, headless (no Qt).

Everything the screens show can be had without the GUI: the dashboard's
coverage and who has not sent, the units behind a figure, saved import runs,
the two versions of a conflict, the enrolment overview with its changed-key
warning, the audit log's filters, and a plan cloned for the next year.
(Kept beside the GUI tests that use the same province builder.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from app.audit.view import ActionGroup, action_group, list_audit
from app.core.context import AppContext, open_context
from app.core.errors import InputError, NotFoundError
from app.demo.province import Demo, make_demo
from app.exchange import federation
from app.exchange.conflicts import conflict_detail, list_conflict_rows
from app.exchange.enrolment import key_overview
from app.exchange.key_status import KeyStatus
from app.exchange.merge import import_packages
from app.exchange.runs import list_import_runs, load_import_run, unit_names
from app.plans.copy import clone_plan, edit_plan_header
from app.plans.reading import get_plan
from app.rollup.dashboard import (
    ScopeKind,
    cluster_standing,
    dashboard,
    scope_choices,
    scope_unit_codes,
    units_behind,
)
from app.rollup.query import Scope
from db.enums import REGISTRATION_STREAM
from tests.gui.federation_screens import DropFolder, build_drop_folder

PLAN = "tuyen-quang-2017"


@pytest.fixture
def province(tmp_path: Path) -> Iterator[tuple[Demo, AppContext, DropFolder]]:
    demo = make_demo(out_dir=tmp_path / "demo", units=30, seed=11)
    usb = build_drop_folder(demo, tmp_path / "usb")
    ctx = open_context(demo.database)
    import_packages(ctx, paths=[usb.folder], dry_run=False)
    yield demo, ctx, usb
    ctx.close()


def test_dashboard_counts_who_sent_and_who_is_held(
    province: tuple[Demo, AppContext, DropFolder],
) -> None:
    demo, ctx, usb = province
    with ctx.reading() as session:
        board = dashboard(session, plan_id=PLAN)
    assert board.units == len(demo.units)
    coverage = {c.stream: (c.received, c.expected) for c in board.coverage}
    assert coverage == {s: (len(demo.units), len(demo.units)) for s in board.streams}
    assert board.missing == ()
    # Take one unit's year report out: it is missing, with its contact.
    with ctx.unit_of_work() as session:
        from sqlalchemy import delete

        from app.exchange.statement_rows import statement_id
        from db import models

        sid = statement_id(PLAN, usb.tampered.id, "year")
        session.execute(
            delete(models.StatementValue).where(models.StatementValue.statement_id == sid)
        )
        session.execute(delete(models.Statement).where(models.Statement.id == sid))
    with ctx.reading() as session:
        board = dashboard(session, plan_id=PLAN)
    [missing] = board.missing
    assert (missing.unit.code, missing.stream, missing.held) == (usb.tampered.code, "year", "")
    assert missing.unit.phone and missing.unit.email


def test_a_held_package_is_noted_on_the_missing_unit(
    province: tuple[Demo, AppContext, DropFolder], tmp_path: Path
) -> None:
    demo, ctx, usb = province
    from app.demo.province import DemoUnit, write_report
    from app.exchange.keystore import generate_keypair
    from tests.gui.federation_screens import enrolment_file

    # A unit of the roster whose first key is still pending has sent its registration.
    unit = usb.changed_key
    fresh = DemoUnit(**{**unit.__dict__, "keypair": generate_keypair(), "values": {}})
    with ctx.unit_of_work() as session:
        from sqlalchemy import delete

        from app.exchange.statement_rows import statement_id
        from db import models

        sid = statement_id(PLAN, unit.id, REGISTRATION_STREAM)
        session.execute(
            delete(models.StatementValue).where(models.StatementValue.statement_id == sid)
        )
        session.execute(delete(models.Statement).where(models.Statement.id == sid))
    files = [
        enrolment_file(demo, fresh, fresh.keypair, tmp_path / "held" / "a_enrolment.thidua"),
        write_report(
            fresh,
            demo.plan,
            demo.federation_id,
            REGISTRATION_STREAM,
            unit.values[REGISTRATION_STREAM],
            tmp_path / "held",
            revision=1,
            file_name="b_registration.thidua",
        ),
    ]
    result = import_packages(ctx, paths=files, dry_run=False)
    assert [i.outcome.value for i in result.items] == ["pending_key", "pending_key"]
    with ctx.reading() as session:
        board = dashboard(session, plan_id=PLAN)
    held = [m for m in board.missing if m.unit.id == unit.id]
    assert [(m.stream, m.held) for m in held] == [(REGISTRATION_STREAM, "pending_key")]


def test_units_behind_a_figure_add_up_to_it(province: tuple[Demo, AppContext, DropFolder]) -> None:
    _demo, ctx, _usb = province
    with ctx.reading() as session:
        board = dashboard(session, plan_id=PLAN)
        item = next(r for r in board.rollups if r.indicator.code == "2.1")
        rows = units_behind(
            session, plan_id=PLAN, indicator_code="2.1", target=item.target, stream="year"
        )
        # 2.1 counts the levels once: a value in its upper-level union's total is not added
        counted = [r for r in rows if r.value and not r.in_area_total]
        assert sum(r.value.amount or 0 for r in counted if r.value) == (
            item.figures["year"].numerator
        )
        assert any(r.in_area_total for r in rows)
        assert len(rows) == item.applicable_units
        # A share of units: the units meeting it are the figure's numerator.
        share = next(r for r in board.rollups if r.indicator.code == "9b")
        behind = units_behind(
            session, plan_id=PLAN, indicator_code="9b", target=share.target, stream="year"
        )
        assert sum(1 for r in behind if r.meets) == share.figures["year"].numerator
        assert len(behind) == share.applicable_units
    figure = item.figures["year"]
    assert item.target is not None and figure.attainment is not None
    assert figure.attainment == Fraction(figure.numerator * 100) / Fraction(item.target.value)


def test_scopes_clusters_and_subtrees(province: tuple[Demo, AppContext, DropFolder]) -> None:
    demo, ctx, _usb = province
    with ctx.reading() as session:
        choices = scope_choices(session, year=2017)
        assert choices[0].kind is ScopeKind.PROVINCE and choices[0].units == len(demo.units)
        clusters = [c for c in choices if c.kind is ScopeKind.CLUSTER]
        assert sum(c.units for c in clusters) == len(demo.units)
        subtree = next(c for c in choices if c.kind is ScopeKind.SUBTREE)
        upper = demo.unit(subtree.code)
        under = [u for u in demo.units if u.parent_id == upper.id]
        assert subtree.units == len(under) + 1
        codes = scope_unit_codes(session, year=2017, scope=subtree.scope)
        assert sorted(codes) == sorted([upper.code, *(u.code for u in under)])
        board = dashboard(session, plan_id=PLAN, scope=clusters[0].scope)
        assert board.units == clusters[0].units
        standing = cluster_standing(session, plan_id=PLAN, stream="year")
        assert [s.units for s in standing] == [c.units for c in clusters]
        assert all(0 <= s.met <= s.judged for s in standing)
        assert dashboard(session, plan_id=PLAN, scope=Scope()).units == len(demo.units)


def test_saved_runs_reopen_as_their_summary(province: tuple[Demo, AppContext, DropFolder]) -> None:
    _demo, ctx, usb = province
    [run] = list_import_runs(ctx)
    assert run.counts == usb.counts and run.finished and run.files == sum(usb.counts.values())
    summary = load_import_run(ctx, run_id=run.id)
    assert summary.counts == usb.counts
    older = next(i for i in summary.items if i.outcome.value == "older")
    assert older.reason_text() == "Older than the revision already recorded (2)."
    assert older.plan_id == PLAN and older.stream == REGISTRATION_STREAM
    with pytest.raises(NotFoundError):
        load_import_run(ctx, run_id=999)
    assert unit_names(ctx)[usb.updated.id] == usb.updated.name


def test_conflict_detail_lines_up_both_versions(
    province: tuple[Demo, AppContext, DropFolder], tmp_path: Path
) -> None:
    _demo, ctx, usb = province
    [row] = list_conflict_rows(ctx)
    assert (row.unit_code, row.stream, row.reason) == (usb.conflicted.code, "year", "same_revision")
    assert (row.current_revision, row.incoming_revision, row.returned_at) == (1, 1, "")
    detail = conflict_detail(ctx, conflict_id=row.id)
    assert detail.differing_codes == ["2.1"]
    changed = next(v for v in detail.values if v.indicator.code == "2.1")
    assert changed.current == usb.conflicted.values["year"]["2.1"]
    assert changed.incoming == usb.conflict_year["2.1"]
    assert detail.current is not None and detail.current.fingerprint == detail.incoming.fingerprint
    assert not any(f.differs for f in detail.fields)
    federation.return_package(
        ctx,
        package_hash=row.package_hash,
        out=tmp_path / "back.thidua",
        general_comment="Kiểm tra lại",
        comments={"2.1": "?"},
    )
    [row] = list_conflict_rows(ctx)
    assert row.returned_at
    federation.resolve_conflict(ctx, conflict_id=row.id, keep="current")
    assert list_conflict_rows(ctx) == []
    assert list_conflict_rows(ctx, open_only=False)[0].status == "resolved"


def test_enrolment_overview_flags_a_changed_key(
    province: tuple[Demo, AppContext, DropFolder],
) -> None:
    demo, ctx, usb = province
    rows = key_overview(ctx)
    first = rows[0]
    assert first.key.status == "pending" and first.changed_key
    assert first.key.keyid == usb.changed_keypair.key_id
    assert [k.keyid for k in first.would_retire] == [usb.changed_key.keypair.key_id]
    assert (first.chair, first.phone) == ("Trần Thị Bình", "0207 3811 222")
    assert first.in_roster and not first.name_differs
    assert sum(1 for r in rows if r.key.status == "accepted") == len(demo.units)
    assert [r.key.keyid for r in key_overview(ctx, status="pending")] == [first.key.keyid]
    for status in ("pending", "accepted", "refused"):  # read with their units' keys alone
        assert key_overview(ctx, status=status) == [r for r in rows if r.key.status == status]
    federation.decide_key(ctx, keyid=first.key.keyid, decision=KeyStatus.REFUSED, evidence="x")
    refused = next(r for r in key_overview(ctx) if r.key.keyid == first.key.keyid)
    assert refused.key.status == "refused" and refused.changed_key is False


def test_audit_log_filters(province: tuple[Demo, AppContext, DropFolder]) -> None:
    _demo, ctx, usb = province
    federation.decide_key(
        ctx, keyid=usb.changed_keypair.key_id, decision=KeyStatus.REFUSED, evidence="gọi điện"
    )
    with ctx.reading() as session:
        every = list_audit(session)
        keys = list_audit(session, groups={ActionGroup.KEYS})
        imports = list_audit(session, groups={ActionGroup.IMPORTS})
        found = list_audit(session, text="gọi điện")
        future = list_audit(session, since=dt.date.today() + dt.timedelta(days=1))
        today = list_audit(session, since=dt.date.today(), until=dt.date.today())
    assert [r.action for r in keys] == ["key.refused", "key.create"]
    assert [r.action for r in imports] == ["import"]
    assert [r.action for r in found] == ["key.refused"]
    assert future == [] and len(today) == len(every)
    assert every[0].id > every[-1].id, "newest first"
    assert action_group("conflict.resolve") is ActionGroup.DECISIONS
    assert action_group("roster.import") is ActionGroup.ROSTER_AND_PLANS
    assert action_group("init") is ActionGroup.OTHER


def test_clone_for_next_year_and_edit_its_header(
    province: tuple[Demo, AppContext, DropFolder],
) -> None:
    _demo, ctx, _usb = province
    new_id = clone_plan(ctx, plan_id=PLAN, year=2018)
    assert new_id == "tuyen-quang-2018"
    with ctx.reading() as session:
        old, new = get_plan(session, PLAN), get_plan(session, new_id)
    assert new.year == 2018 and new.number == "" and new.issued_on is None
    assert new.title.endswith("2018") and not new.builtin
    assert [p.name for p in new.periods] == ["6 tháng đầu năm 2018", "Năm 2018"]
    assert new.periods[0].starts_on == dt.date(2018, 1, 1)
    assert [i.code for i in new.indicators] == [i.code for i in old.indicators]
    assert new.indicator("2.1").targets == old.indicator("2.1").targets
    with pytest.raises(InputError):
        clone_plan(ctx, plan_id=PLAN, year=2018)
    with pytest.raises(InputError):
        edit_plan_header(
            ctx, plan_id=PLAN, number="1", issued_on=None, title="x", theme=""
        )  # built-in, and units registered against it
    edit_plan_header(
        ctx,
        plan_id=new_id,
        number="05/KH-LĐLĐ",
        issued_on=dt.date(2018, 2, 9),
        title="Kế hoạch thi đua năm 2018",
        theme="Năm vì lợi ích đoàn viên",
    )
    with ctx.reading() as session:
        edited = get_plan(session, new_id)
    assert (edited.number, edited.issued_on) == ("05/KH-LĐLĐ", dt.date(2018, 2, 9))

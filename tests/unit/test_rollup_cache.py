"""The roll-up cells never disagree with the values they summarise.

A demo province is imported, then changed through the application's own
writers and by direct edits of the roster, units and indicators. After each
change the roll-up read through the cells (stale parents computed live) must
equal the roll-up computed from the values alone, for the whole province,
every upper-level union's subtree, every cluster, a cluster inside a subtree
and a single CĐCS, both before and after the cells are refreshed; and the
triggers must have marked the change (or, for an irrelevant edit, nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.core.context import AppContext, open_context
from app.core.domain import UnitValue
from app.demo.province import Demo, make_demo, write_report
from app.exchange.merge import import_packages
from app.rollup.cache import WHOLE_PLAN, refresh_cache
from app.rollup.query import Scope, TargetRollup, rollup
from app.statements.records import StatementInput, save_statement
from db import models
from db.enums import UnitKind


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return make_demo(out_dir=tmp_path_factory.mktemp("demo"), units=60)


@pytest.fixture
def imported(demo_source: Demo, tmp_path: Path) -> Iterator[tuple[AppContext, Demo]]:
    """A fresh copy of the demo federation with every package imported."""
    from db.engine import copy_sqlite

    database = tmp_path / "federation.db"
    copy_sqlite(demo_source.database, database)
    ctx = open_context(database)
    summary = import_packages(ctx, paths=[demo_source.packages_dir], dry_run=False)
    assert summary.counts["new"] == len(demo_source.files)
    yield ctx, demo_source
    ctx.close()


def _figures(rows: list[TargetRollup]) -> list[tuple[object, ...]]:
    return [
        (
            row.indicator.code,
            row.target.wording if row.target else None,
            row.applicable_units,
            sorted(row.figures.items()),
        )
        for row in rows
    ]


def _scopes(session: Session, demo: Demo) -> list[Scope]:
    entry = models.RosterEntry
    year = demo.plan.year
    uppers = [u.id for u in demo.units if u.kind is UnitKind.UPPER]
    clusters = list(session.scalars(select(models.Cluster.id).where(models.Cluster.year == year)))
    grassroots = next(u for u in demo.units if u.kind is UnitKind.GRASSROOTS)
    cluster_of_first_upper_child = session.scalar(
        select(entry.cluster_id).where(entry.year == year, entry.parent_id == uppers[0]).limit(1)
    )
    return [
        Scope(),
        Scope(root_unit_id=demo.federation_id),
        *(Scope(root_unit_id=u) for u in uppers),
        *(Scope(cluster_id=c) for c in clusters),
        Scope(root_unit_id=uppers[0], cluster_id=cluster_of_first_upper_child),
        Scope(root_unit_id=grassroots.id),
    ]


def _dirty(session: Session) -> set[tuple[str, str]]:
    return {
        (p, u)
        for p, u in session.execute(select(models.RollupDirty.plan_id, models.RollupDirty.unit_id))
    }


def assert_cells_agree(ctx: AppContext, demo: Demo) -> None:
    with ctx.reading() as session:
        for scope in _scopes(session, demo):
            cached = rollup(session, plan_id=demo.plan.id, scope=scope)
            computed = rollup(session, plan_id=demo.plan.id, scope=scope, live=True)
            assert _figures(cached) == _figures(computed), scope


def assert_agree_before_and_after_refresh(ctx: AppContext, demo: Demo) -> None:
    assert_cells_agree(ctx, demo)
    refresh_cache(ctx)
    with ctx.reading() as session:
        assert _dirty(session) == set()
    assert_cells_agree(ctx, demo)


def test_an_import_marks_its_units_and_the_refreshed_cells_agree(
    imported: tuple[AppContext, Demo],
) -> None:
    ctx, demo = imported
    with ctx.reading() as session:
        marked = _dirty(session)
    # Installing the plan marked it whole; the import marked every reporting unit.
    assert (demo.plan.id, WHOLE_PLAN) in marked
    assert {u for p, u in marked if p == demo.plan.id} >= {u.id for u in demo.units}
    assert_agree_before_and_after_refresh(ctx, demo)
    with ctx.reading() as session:
        cells = session.scalar(select(func.count()).select_from(models.RollupCell))
        values = session.scalar(select(func.count()).select_from(models.StatementValue))
    assert cells is not None and values is not None and 0 < cells < values


def test_a_saved_statement_recomputes_only_its_buckets(imported: tuple[AppContext, Demo]) -> None:
    ctx, demo = imported
    refresh_cache(ctx)
    unit = next(u for u in demo.units if u.kind is UnitKind.GRASSROOTS)
    with ctx.unit_of_work() as session:
        save_statement(
            session,
            StatementInput(
                plan_id=demo.plan.id,
                unit_id=unit.id,
                stream="year",
                values={"2.1": UnitValue(amount=987_654), "9a.2": UnitValue(flag=True)},
            ),
        )
    with ctx.reading() as session:
        assert _dirty(session) == {(demo.plan.id, unit.id)}
    assert_cells_agree(ctx, demo)
    result = refresh_cache(ctx)
    # Its parent's bucket and its cluster's (the plan's is added up from the parents').
    assert (result.buckets, result.whole_plans) == (2, 0)
    assert_cells_agree(ctx, demo)


def test_a_deleted_statement_leaves_the_cells(imported: tuple[AppContext, Demo]) -> None:
    ctx, demo = imported
    refresh_cache(ctx)
    unit = next(u for u in demo.units if u.kind is UnitKind.GRASSROOTS)
    with ctx.unit_of_work() as session:
        statement = models.Statement
        session.execute(
            delete(models.StatementValue).where(
                models.StatementValue.statement_id.in_(
                    select(statement.id).where(statement.unit_id == unit.id)
                )
            )
        )
        session.execute(delete(statement).where(statement.unit_id == unit.id))
    with ctx.reading() as session:
        assert (demo.plan.id, unit.id) in _dirty(session)
    assert_agree_before_and_after_refresh(ctx, demo)

    # A first statement of the unit (an insert only) is marked as well.
    with ctx.unit_of_work() as session:
        save_statement(
            session,
            StatementInput(
                plan_id=demo.plan.id,
                unit_id=unit.id,
                stream="h1",
                values={"2.1": UnitValue(amount=41)},
            ),
        )
    with ctx.reading() as session:
        assert _dirty(session) == {(demo.plan.id, unit.id)}
    assert_agree_before_and_after_refresh(ctx, demo)


def _grassroots_entry(session: Session, demo: Demo, n: int = 0) -> models.RosterEntry:
    unit = [u for u in demo.units if u.kind is UnitKind.GRASSROOTS][n]
    entry = session.scalar(
        select(models.RosterEntry).where(
            models.RosterEntry.unit_id == unit.id, models.RosterEntry.year == demo.plan.year
        )
    )
    assert entry is not None
    return entry


@pytest.mark.parametrize("change", ["parent", "cluster", "sector", "removed"])
def test_a_roster_change_marks_the_whole_plan(
    imported: tuple[AppContext, Demo], change: str
) -> None:
    ctx, demo = imported
    refresh_cache(ctx)
    uppers = [u.id for u in demo.units if u.kind is UnitKind.UPPER]
    with ctx.unit_of_work() as session:
        entry = _grassroots_entry(session, demo)
        if change == "parent":
            entry.parent_id = next(u for u in uppers if u != entry.parent_id)
        elif change == "cluster":
            other = session.scalar(
                select(models.Cluster.id).where(
                    models.Cluster.year == demo.plan.year,
                    models.Cluster.id != entry.cluster_id,
                )
            )
            entry.cluster_id = other
        elif change == "sector":
            entry.sector = None if entry.sector else _grassroots_entry(session, demo, 1).sector
        else:
            session.delete(entry)
    with ctx.reading() as session:
        assert (demo.plan.id, WHOLE_PLAN) in _dirty(session)
    assert_agree_before_and_after_refresh(ctx, demo)


def test_a_roster_size_change_marks_nothing(imported: tuple[AppContext, Demo]) -> None:
    ctx, demo = imported
    refresh_cache(ctx)
    with ctx.unit_of_work() as session:
        entry = _grassroots_entry(session, demo)
        entry.member_count += 7
        entry.worker_count += 9
    with ctx.reading() as session:
        assert _dirty(session) == set()


def test_a_unit_kind_or_unit_goal_change_marks_the_whole_plan(
    imported: tuple[AppContext, Demo],
) -> None:
    ctx, demo = imported
    refresh_cache(ctx)
    unit = next(u for u in demo.units if u.kind is UnitKind.GRASSROOTS)
    with ctx.unit_of_work() as session:
        session.execute(
            update(models.Unit).where(models.Unit.id == unit.id).values(kind=UnitKind.UPPER)
        )
    with ctx.reading() as session:
        assert (demo.plan.id, WHOLE_PLAN) in _dirty(session)
    assert_agree_before_and_after_refresh(ctx, demo)

    with ctx.unit_of_work() as session:
        goal = session.scalar(
            select(models.Indicator).where(
                models.Indicator.plan_id == demo.plan.id,
                models.Indicator.unit_goal_value.is_not(None),
            )
        )
        assert goal is not None
        goal.unit_goal_value = "1"
    with ctx.reading() as session:
        assert _dirty(session) == {(demo.plan.id, WHOLE_PLAN)}
    assert_agree_before_and_after_refresh(ctx, demo)


def test_newer_revisions_merged_by_the_import_engine_are_marked(
    imported: tuple[AppContext, Demo], tmp_path: Path
) -> None:
    """Statements replaced by the import engine's bulk path mark their units."""
    ctx, demo = imported
    refresh_cache(ctx)
    folder = tmp_path / "revised"
    folder.mkdir()
    revised = [u for u in demo.units if u.values.get("year")][:6]
    for n, unit in enumerate(revised):
        values = dict(unit.values["year"])
        values["2.1"] = UnitValue(amount=1_000 + n)
        with ctx.reading() as session:
            head = session.scalar(
                select(models.StreamHead.package_hash).where(
                    models.StreamHead.unit_id == unit.id,
                    models.StreamHead.plan_id == demo.plan.id,
                    models.StreamHead.stream == "year",
                )
            )
        assert head is not None
        write_report(
            unit,
            demo.plan,
            demo.federation_id,
            "year",
            values,
            folder,
            revision=2,
            supersedes=head,
        )
    summary = import_packages(ctx, paths=[folder], dry_run=False)
    assert summary.counts["updated"] == len(revised)
    with ctx.reading() as session:
        assert _dirty(session) == {(demo.plan.id, u.id) for u in revised}
    assert_agree_before_and_after_refresh(ctx, demo)


def test_a_second_save_in_the_same_second_is_marked(
    imported: tuple[AppContext, Demo], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ORM sends no UPDATE for an unchanged statement row; the writer must still mark."""
    import app.statements.records

    ctx, demo = imported
    monkeypatch.setattr(app.statements.records, "utc_now_text", lambda: "2017-12-20T08:00:00+00:00")
    unit = next(u for u in demo.units if u.kind is UnitKind.GRASSROOTS)

    def save(amount: int) -> None:
        with ctx.unit_of_work() as session:
            save_statement(
                session,
                StatementInput(
                    plan_id=demo.plan.id,
                    unit_id=unit.id,
                    stream="year",
                    values={"2.1": UnitValue(amount=amount)},
                ),
            )

    save(111)
    refresh_cache(ctx)
    save(222)
    with ctx.reading() as session:
        assert _dirty(session) == {(demo.plan.id, unit.id)}
    assert_agree_before_and_after_refresh(ctx, demo)

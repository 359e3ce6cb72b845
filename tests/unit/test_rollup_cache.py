"""The roll-up cells never disagree with the values they summarise.

A demo province is imported, then changed through the application's own
writers and by direct edits of the roster, units and indicators. After each
change the roll-up read through the cells (stale parents computed live) must
equal the roll-up computed from the values alone, for the whole province,
every upper-level union's subtree, every cluster, a cluster inside a subtree
and a single CĐCS, both before and after the cells are refreshed; and the
triggers must have marked the change (or, for an irrelevant edit, nothing).
A refresh applies old → new differences: after each one the cells and the
units' rows must equal those a whole rebuild computes. Every test runs on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.orm import Session

from app.core.context import AppContext, open_context
from app.core.domain import UnitValue
from app.demo.province import Demo, make_demo, write_report
from app.exchange.merge import import_packages
from app.rollup.cache import WHOLE_PLAN, refresh, refresh_cache
from app.rollup.query import Scope, TargetRollup, rollup
from app.statements.records import StatementInput, save_statement
from db import models
from db.enums import Levels, UnitKind

pytestmark = pytest.mark.both_backends


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return make_demo(out_dir=tmp_path_factory.mktemp("demo"), units=60)


@pytest.fixture
def imported(
    demo_source: Demo, tmp_path: Path, on_backend: Callable[[Path], str]
) -> Iterator[tuple[AppContext, Demo]]:
    """A fresh copy of the demo federation (on the test's backend), every package imported."""
    from db.engine import copy_sqlite

    database = tmp_path / "federation.db"
    copy_sqlite(demo_source.database, database)
    ctx = open_context(on_backend(database))
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


def _derived(session: Session) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every cell and every unit row, without their ids, in order."""
    cell = models.RollupCell
    unit_row = models.RollupUnit
    cells = session.execute(select(*(c for c in cell.__table__.c if c.name != "id"))).all()
    rows = session.execute(select(*(c for c in unit_row.__table__.c if c.name != "id"))).all()
    return sorted(map(tuple, cells), key=repr), sorted(map(tuple, rows), key=repr)


def assert_same_as_rebuilt(ctx: AppContext, demo: Demo) -> None:
    """The cells and unit rows the differences left equal a whole rebuild's."""
    with ctx.reading() as session:  # rolled back: the rebuild is only compared
        kept = _derived(session)
        session.add(models.RollupDirty(plan_id=demo.plan.id, unit_id=WHOLE_PLAN))
        session.flush()
        assert refresh(session).whole_plans == 1
        rebuilt = _derived(session)
    assert kept == rebuilt


def assert_agree_before_and_after_refresh(ctx: AppContext, demo: Demo) -> None:
    assert_cells_agree(ctx, demo)
    refresh_cache(ctx)
    with ctx.reading() as session:
        assert _dirty(session) == set()
    assert_cells_agree(ctx, demo)
    assert_same_as_rebuilt(ctx, demo)


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


def _save(
    ctx: AppContext, demo: Demo, unit_id: str, stream: str, values: dict[str, UnitValue]
) -> None:
    with ctx.unit_of_work() as session:
        save_statement(
            session,
            StatementInput(plan_id=demo.plan.id, unit_id=unit_id, stream=stream, values=values),
        )


def _delete_statements(ctx: AppContext, unit_id: str) -> None:
    """Every statement of the unit removed by direct deletes (no writer of ours)."""
    with ctx.unit_of_work() as session:
        statement = models.Statement
        ids = select(statement.id).where(statement.unit_id == unit_id)
        session.execute(
            delete(models.StatementValue).where(models.StatementValue.statement_id.in_(ids))
        )
        session.execute(delete(statement).where(statement.unit_id == unit_id))


def _area_total_codes(demo: Demo) -> list[str]:
    codes = [i.code for i in demo.plan.indicators if i.levels is Levels.AREA_TOTAL]
    assert codes
    return codes


def _upper_with_children(demo: Demo) -> str:
    children = {u.parent_id for u in demo.units if u.kind is UnitKind.GRASSROOTS}
    return next(u.id for u in demo.units if u.kind is UnitKind.UPPER and u.id in children)


def test_scattered_changes_are_applied_as_differences(imported: tuple[AppContext, Demo]) -> None:
    """Saves, a deletion and a revised import over several buckets: one refresh applies
    them all as differences (no whole plan), and equals a rebuild and the live roll-up."""
    ctx, demo = imported
    refresh_cache(ctx)
    grassroots = [u for u in demo.units if u.kind is UnitKind.GRASSROOTS]
    totals = _area_total_codes(demo)
    for n, unit in enumerate(grassroots[:: max(len(grassroots) // 8, 1)]):
        _save(ctx, demo, unit.id, "year", {totals[0]: UnitValue(amount=n * 97 + 1)})
    _save(ctx, demo, _upper_with_children(demo), "h1", {totals[0]: UnitValue(amount=5_000)})
    _delete_statements(ctx, grassroots[-1].id)
    assert_cells_agree(ctx, demo)
    result = refresh_cache(ctx)
    assert result.whole_plans == 0 and result.buckets > 2 and result.cells > 0
    assert_cells_agree(ctx, demo)
    assert_same_as_rebuilt(ctx, demo)
    # Nothing changed since: a refresh has nothing to do.
    assert refresh_cache(ctx) == refresh_cache(ctx)
    with ctx.reading() as session:
        assert _dirty(session) == set()


@pytest.mark.parametrize("stream", ["year", "h1"])
def test_a_parents_area_total_appearing_and_disappearing_flips_its_children(
    imported: tuple[AppContext, Demo], stream: str
) -> None:
    ctx, demo = imported
    refresh_cache(ctx)
    upper = _upper_with_children(demo)
    total = _area_total_codes(demo)[0]
    # A child reports the indicator, so counted once matters to its bucket and cluster.
    child = next(u for u in demo.units if u.parent_id == upper and u.kind is UnitKind.GRASSROOTS)
    _save(ctx, demo, child.id, stream, {total: UnitValue(amount=321)})
    assert_agree_before_and_after_refresh(ctx, demo)
    for values in (
        {total: UnitValue(amount=9_999)},  # appears: the children's amounts leave its scopes
        {total: UnitValue(amount=10_000)},  # changes: the children stay as they were
        {"9a.2": UnitValue(flag=True)},  # disappears: the children's amounts count again
    ):
        _save(ctx, demo, upper, stream, values)
        with ctx.reading() as session:
            assert _dirty(session) == {(demo.plan.id, upper)}
        assert_agree_before_and_after_refresh(ctx, demo)


def test_an_interrupted_refresh_leaves_cells_and_marks(imported: tuple[AppContext, Demo]) -> None:
    ctx, demo = imported
    refresh_cache(ctx)
    unit = next(u for u in demo.units if u.kind is UnitKind.GRASSROOTS)
    _save(ctx, demo, unit.id, "year", {"2.1": UnitValue(amount=4_242)})
    with ctx.reading() as session:
        before = (_derived(session), _dirty(session))
    with pytest.raises(RuntimeError), ctx.unit_of_work() as session:
        assert refresh(session).cells > 0
        raise RuntimeError("interrupted")
    with ctx.reading() as session:
        assert (_derived(session), _dirty(session)) == before
    assert_agree_before_and_after_refresh(ctx, demo)


def test_a_write_during_the_computation_is_not_lost(
    imported: tuple[AppContext, Demo], backend: str
) -> None:
    """Another connection saves a marked unit again while the refresh computes: the refresh
    must not clear that mark for values it did not see (SQLite computes again under its
    write lock; PostgreSQL keeps the re-marked unit marked)."""
    ctx, demo = imported
    refresh_cache(ctx)
    unit = next(u for u in demo.units if u.kind is UnitKind.GRASSROOTS)
    _save(ctx, demo, unit.id, "year", {"2.1": UnitValue(amount=1)})
    other = open_context(ctx.url)
    # SQLite: just before the refresh takes its write lock; PostgreSQL: before it clears marks.
    cue = "DELETE FROM rollup_dirty WHERE plan_id " + ("IS NULL" if backend == "sqlite" else "=")
    written: list[bool] = []

    def interleave(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith(cue) and not written:
            written.append(True)
            _save(other, demo, unit.id, "year", {"2.1": UnitValue(amount=2)})

    event.listen(ctx.engine, "before_cursor_execute", interleave)
    try:
        refresh_cache(ctx)
    finally:
        event.remove(ctx.engine, "before_cursor_execute", interleave)
        other.close()
    assert written
    with ctx.reading() as session:
        still = _dirty(session)
    assert still == (set() if backend == "sqlite" else {(demo.plan.id, unit.id)})
    assert_agree_before_and_after_refresh(ctx, demo)


_WRITES = st.lists(
    st.one_of(
        st.tuples(
            st.just("save"),
            st.integers(min_value=0, max_value=10_000),  # which unit
            st.sampled_from(["year", "h1"]),
            st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)),  # an area total
            st.integers(min_value=0, max_value=100),  # a ratio's numerator (of 100)
        ),
        st.tuples(st.just("delete"), st.integers(min_value=0, max_value=10_000)),
        st.tuples(st.just("refresh")),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=_WRITES)
def test_random_writes_and_refreshes_keep_the_cells_exact(
    imported: tuple[AppContext, Demo], writes: list[tuple[Any, ...]]
) -> None:
    """Any sequence of saves (upper-level unions' area totals included), deletions and
    refreshes: the cells equal a rebuild's and the roll-up equals the live one."""
    ctx, demo = imported
    total = _area_total_codes(demo)[0]
    ratio = next(i.code for i in demo.plan.indicators if i.unit_goal_value is not None)
    for write in writes:
        if write[0] == "refresh":
            refresh_cache(ctx)
            continue
        unit = demo.units[write[1] % len(demo.units)]
        if write[0] == "delete":
            _delete_statements(ctx, unit.id)
            continue
        _, _, stream, amount, numerator = write
        values = {ratio: UnitValue(numerator=numerator, denominator=100)}
        if amount is not None:
            values[total] = UnitValue(amount=amount)
        _save(ctx, demo, unit.id, stream, values)
    refresh_cache(ctx)
    assert_same_as_rebuilt(ctx, demo)
    with ctx.reading() as session:
        for scope in _scopes(session, demo)[:3]:
            cached = rollup(session, plan_id=demo.plan.id, scope=scope)
            computed = rollup(session, plan_id=demo.plan.id, scope=scope, live=True)
            assert _figures(cached) == _figures(computed), scope


def _during_staging(ctx: AppContext, write: Callable[[], None]) -> Callable[[], None]:
    """``write`` run (once) when the rebuild starts computing its staged rows; returns
    the function that stops listening and tells whether it ran."""
    done: list[bool] = []

    def interleave(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO rollup_unit_next") and not done:
            done.append(True)
            write()

    event.listen(ctx.engine, "before_cursor_execute", interleave)

    def stop() -> None:
        event.remove(ctx.engine, "before_cursor_execute", interleave)
        assert done

    return stop


def _mark_whole_plan(ctx: AppContext, demo: Demo) -> None:
    with ctx.unit_of_work() as session:
        session.add(models.RollupDirty(plan_id=demo.plan.id, unit_id=WHOLE_PLAN))


def test_another_connection_writes_while_a_rebuild_computes(
    imported: tuple[AppContext, Demo],
) -> None:
    """A whole-plan rebuild computes into temporary tables: another connection saves a
    unit's values meanwhile (on SQLite it would wait for the write lock and fail after
    its busy timeout if the rebuild held it), and that change is in the cells after the
    refresh (applied by the ordinary refresh that follows the swap)."""
    ctx, demo = imported
    refresh_cache(ctx)
    unit = next(u for u in demo.units if u.kind is UnitKind.GRASSROOTS)
    _mark_whole_plan(ctx, demo)
    other = open_context(ctx.url)
    stop = _during_staging(
        ctx, lambda: _save(other, demo, unit.id, "year", {"2.1": UnitValue(amount=31_337)})
    )
    try:
        result = refresh_cache(ctx)
    finally:
        stop()
        other.close()
    assert result.whole_plans == 1 and result.locked > 0
    with ctx.reading() as session:
        assert _dirty(session) == set()
    assert_cells_agree(ctx, demo)
    assert_same_as_rebuilt(ctx, demo)


def test_a_roster_edit_while_a_rebuild_computes_stays_marked(
    imported: tuple[AppContext, Demo],
) -> None:
    """The plan is marked whole again while its rebuild computes (a roster edit on another
    connection): the rebuild clears only the mark it saw, the new one waits for the next
    refresh, and the roll-up is exact all along."""
    ctx, demo = imported
    refresh_cache(ctx)
    _mark_whole_plan(ctx, demo)
    other = open_context(ctx.url)

    def move_a_unit() -> None:
        with other.unit_of_work() as session:
            entry = _grassroots_entry(session, demo)
            entry.sector = None if entry.sector else _grassroots_entry(session, demo, 1).sector

    stop = _during_staging(ctx, move_a_unit)
    try:
        assert refresh_cache(ctx).whole_plans == 1
    finally:
        stop()
        other.close()
    with ctx.reading() as session:
        assert _dirty(session) == {(demo.plan.id, WHOLE_PLAN)}
    assert_agree_before_and_after_refresh(ctx, demo)


def test_an_interrupted_rebuild_leaves_cells_and_marks(
    imported: tuple[AppContext, Demo], backend: str
) -> None:
    """A rebuild that fails while it computes changes no cell; the marks it had claimed
    (SQLite) still count as marks, and the next refresh rebuilds."""
    ctx, demo = imported
    refresh_cache(ctx)
    unit = next(u for u in demo.units if u.kind is UnitKind.GRASSROOTS)
    _save(ctx, demo, unit.id, "year", {"2.1": UnitValue(amount=777)})
    _mark_whole_plan(ctx, demo)
    with ctx.reading() as session:
        before = _derived(session)

    def fail() -> None:
        raise RuntimeError("interrupted")

    stop = _during_staging(ctx, fail)
    try:
        with pytest.raises(RuntimeError):
            refresh_cache(ctx)
    finally:
        stop()
    with ctx.reading() as session:
        assert _derived(session) == before
        stored = {u for _p, u in _dirty(session)}
    claimed = {"~*", "~" + unit.id} if backend == "sqlite" else {WHOLE_PLAN, unit.id}
    assert stored == claimed
    assert_cells_agree(ctx, demo)
    assert refresh_cache(ctx).whole_plans == 1
    assert_agree_before_and_after_refresh(ctx, demo)

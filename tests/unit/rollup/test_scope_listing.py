"""The dashboard's listing of a scope (ids from SQL, the first units in the database's
order of codes) names the units, in the order, that the roster read names them."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.plans import get_plan
from app.rollup import scope_listing
from app.rollup.query import (
    Scope,
    _parents_within,
    cluster_unit_counts,
    federation_unit_id,
    scope_rows,
    scope_units,
)
from app.rollup.scope_listing import ScopeListing
from app.rollup.scope_roster import read_scope_roster, scope_members
from db import models
from db.enums import UnitKind
from tests.unit.rollup.hand_roster import YEAR, Tree, build_roster

#: Codes that sort alike (case, leading zeros, "ß" folded to "ss"), digits of other
#: scripts, and units without a code (sorted by their names).
HOSTILE = ["CS-10", "cs-9", "CS-2", "Cs-2a", "CS-02b", "ß-3", "SS-3", "٣-x", "Ω", None, None]


def _scopes(tree: Tree) -> list[Scope]:
    return [
        Scope(),
        *(Scope(root_unit_id=u) for u in tree.units.values()),
        *(Scope(cluster_id=c) for c in tree.clusters.values()),
    ]


def _agree(session: Session, scope: Scope) -> None:
    roster = read_scope_roster(session, YEAR, scope)
    listing = ScopeListing(session, YEAR, scope)
    members = scope_members(roster, scope)
    assert sorted(listing.units) == sorted(members), scope
    for chosen in (members, members[::2], members[1::3]):
        assert listing.ordered(chosen) == roster.ordered(chosen), scope
        for count in (None, 1, 2, 3, 5, len(chosen)):
            assert listing.first(chosen, count) == roster.first(chosen, count), (scope, count)


@pytest.mark.parametrize("small", [1, 2_000])
def test_the_listing_orders_as_the_roster(
    tree: Tree, session: Session, monkeypatch: pytest.MonkeyPatch, small: int
) -> None:
    monkeypatch.setattr(scope_listing, "_SMALL", small)  # 1: every list walks the index
    for scope in _scopes(tree):
        _agree(session, scope)


@pytest.mark.both_backends
@pytest.mark.parametrize("small", [1, 2_000])
def test_codes_that_sort_alike_or_none_are_ordered_as_the_roster_orders_them(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, small: int
) -> None:
    monkeypatch.setattr(scope_listing, "_SMALL", small)
    with ctx.unit_of_work() as session:
        tree = build_roster(session)
        for number, code in enumerate(HOSTILE):
            unit = models.Unit(
                code=code, name=f"Đơn vị {len(HOSTILE) - number}", kind=UnitKind.GRASSROOTS
            )
            session.add(unit)
            session.flush()
            session.add(models.RosterEntry(year=YEAR, unit_id=unit.id, parent_id=tree.units["F"]))
    with ctx.reading() as session:
        _agree(session, Scope())
        _agree(session, Scope(root_unit_id=tree.units["F"]))


@pytest.mark.both_backends
def test_the_listing_walks_the_database_order_when_no_two_codes_sort_alike(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scope_listing, "_SMALL", 1)
    with ctx.unit_of_work() as session:
        tree = build_roster(session)
    with ctx.reading() as session:
        listing = ScopeListing(session, YEAR, Scope())
        roster = read_scope_roster(session, YEAR, Scope())
        first = listing.first(listing.units, 4)
        assert listing._roster is None, "ordered without the roster read"
        assert first == roster.first(scope_members(roster, Scope()), 4)
        assert len(first) == 4 and tree.units["F"] not in first


@pytest.mark.both_backends
def test_a_scope_read_once_holds_the_units_counts_and_parents_sql_finds(ctx: AppContext) -> None:
    """The rows of a subtree or cluster read once (the parents walked in Python) hold
    the units the recursive walk finds, counted by (sector, kind) and naming the parent
    buckets as the queries over their ids do; a root outside the year's roster (a unit
    dissolved the year before) has none."""
    with ctx.unit_of_work() as session:
        tree = build_roster(session)
    with ctx.reading() as session:
        plan = get_plan(session, "tuyen-quang-2017")
        assert plan.year == YEAR
        federation_id = federation_unit_id(session)
        roots = list(tree.units.values())
        scopes = [
            *(Scope(root_unit_id=u) for u in roots),
            *(Scope(cluster_id=c) for c in tree.clusters.values()),
            *(Scope(root_unit_id=u, cluster_id=c) for u in roots for c in tree.clusters.values()),
        ]
        for scope in scopes:
            rows = scope_rows(session, YEAR, scope)
            walked = session.scalars(scope_units(YEAR, scope)).all()
            assert sorted(rows.ids) == sorted(walked), scope
            counted = cluster_unit_counts(
                session, plan, federation_id, units=scope_units(YEAR, scope)
            )
            assert rows.unit_counts(federation_id) == counted.get(None, {}), scope
            if scope.root_unit_id is not None and scope.cluster_id is None:
                within = _parents_within(
                    session, YEAR, scope_units(YEAR, scope), scope.root_unit_id
                )
                assert rows.parents() == sorted(session.scalars(within)), scope
        assert scope_rows(session, YEAR, Scope(root_unit_id=tree.units["OLD"])).ids == []
        assert len(scope_rows(session, YEAR, Scope(root_unit_id=tree.units["F"])).ids) > 3

"""Reading only a scope's rows gives what reading the whole roster gives.

The dashboard reads the roster of its scope alone, and the scope chooser
counts in SQL and from the tree's (unit, parent) pairs; both must count the
units the whole roster, indexed in memory, counts for every scope.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.rollup.dashboard import dashboard
from app.rollup.query import Scope
from app.rollup.scope_roster import in_scope, read_scope_roster
from app.rollup.scopes import ScopeKind, scope_choices
from tests.unit.rollup.hand_roster import YEAR, Tree


def _scopes(tree: Tree) -> list[Scope]:
    units = tree.units
    return [
        Scope(),
        Scope(root_unit_id=units["F"]),
        *(Scope(root_unit_id=u) for u in units.values()),
        *(Scope(cluster_id=c) for c in tree.clusters.values()),
        *(
            Scope(root_unit_id=u, cluster_id=c)
            for u in units.values()
            for c in tree.clusters.values()
        ),
    ]


def test_a_scope_read_alone_has_the_units_and_contacts_of_the_whole_roster(
    tree: Tree, session: Session
) -> None:
    whole = read_scope_roster(session, YEAR)
    for scope in _scopes(tree):
        alone = read_scope_roster(session, YEAR, scope)
        expected = in_scope(whole, scope)
        assert in_scope(alone, scope) == expected, scope
        assert [alone.contacts[u] for u in expected] == [whole.contacts[u] for u in expected]


def test_the_scope_chooser_counts_what_the_whole_roster_counts(
    tree: Tree, session: Session
) -> None:
    whole = read_scope_roster(session, YEAR)
    choices = scope_choices(session, year=YEAR)
    assert [c.kind for c in choices][:3] == [
        ScopeKind.PROVINCE,
        ScopeKind.CLUSTER,
        ScopeKind.CLUSTER,
    ]
    for choice in choices:
        assert choice.units == len(in_scope(whole, choice.scope)), choice
    with_children = {p for p in whole.children if p and p != whole.federation_id}
    assert {c.id for c in choices if c.kind is ScopeKind.SUBTREE} == with_children
    assert all(c.units > 1 for c in choices if c.kind is ScopeKind.SUBTREE)


def test_the_dashboard_of_a_scope_lists_the_scope_only(tree: Tree, session: Session) -> None:
    plan_id = _plan_id(session)
    whole = read_scope_roster(session, YEAR)
    for scope in _scopes(tree):
        board = dashboard(session, plan_id=plan_id, scope=scope)
        units = set(in_scope(whole, scope))
        assert board.units == len(units)
        assert {m.unit.id for m in board.missing} <= units
        for coverage in board.coverage:
            absent = {m.unit.id for m in board.missing if m.stream == coverage.stream}
            assert coverage.expected - coverage.received == len(absent)


def _plan_id(session: Session) -> str:
    from sqlalchemy import select

    from db import models

    plan_id = session.scalar(select(models.Plan.id).where(models.Plan.year == YEAR))
    assert plan_id is not None
    return plan_id


def test_the_clusters_standing_read_at_once_is_each_clusters_own_rollup(
    tree: Tree, session: Session
) -> None:
    from app.core.figures import is_verdict
    from app.rollup.dashboard import cluster_standing
    from app.rollup.query import rollup

    plan_id = _plan_id(session)
    for stream in ("registration", "h1", "year"):
        standing = {
            f.cluster_id: f for f in cluster_standing(session, plan_id=plan_id, stream=stream)
        }
        assert set(standing) == set(tree.clusters.values())
        for cluster_id, figure in standing.items():
            rows = rollup(session, plan_id=plan_id, scope=Scope(cluster_id=cluster_id), live=True)
            judged = [r.figures[stream] for r in rows if is_verdict(r.figures[stream].verdict)]
            assert (figure.met, figure.judged) == (sum(1 for f in judged if f.met), len(judged))


def test_the_chooser_counts_a_cycle_in_bad_data_as_the_whole_tree_does(
    ctx: AppContext, tree: Tree
) -> None:
    """Two upper levels under each other (bad data): reached from no top, each counted by
    walking the tree, as the sizes added up from every (unit, parent) pair count them."""
    from sqlalchemy import update

    from app.rollup.scopes import _subtree_sizes, _tree
    from db import models

    units = tree.units
    with ctx.unit_of_work() as writing:
        writing.execute(
            update(models.RosterEntry)
            .where(models.RosterEntry.year == YEAR, models.RosterEntry.unit_id == units["U1"])
            .values(parent_id=units["U2"])
        )
        writing.execute(
            update(models.RosterEntry)
            .where(models.RosterEntry.year == YEAR, models.RosterEntry.unit_id == units["U2"])
            .values(parent_id=units["U1"])
        )
    with ctx.reading() as session:
        sizes = _subtree_sizes(_tree(session, YEAR), units["F"])
        choices = scope_choices(session, year=YEAR)
    subtrees = {c.id: c.units for c in choices if c.kind is ScopeKind.SUBTREE}
    assert subtrees[units["U1"]] == subtrees[units["U2"]] == 8  # U1, U2 and their six
    assert subtrees == {u: n for u, n in sizes.items() if u != units["F"]}

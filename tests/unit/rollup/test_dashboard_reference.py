"""The dashboard on random rosters against a straightforward computation: the units of
each scope walked in Python from the roster drawn, who has sent each stream counted
from the statements saved, the lists in the natural order of codes, the roll-up's
applicable units counted unit by unit (hypothesis, on SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.core.id_sets import id_set
from app.core.installation import get_installation
from app.core.text import natural_key
from app.plans import get_plan
from app.rollup import dashboard as dashboard_module
from app.rollup import scope_listing
from app.rollup.dashboard import dashboard, not_sent
from app.rollup.query import Scope, cluster_unit_counts, covers, federation_unit_id, rollup
from app.rollup.query import _unit_counts as unit_counts
from db import models
from db.enums import Sector, UnitKind
from tests.unit.rollup.hand_roster import PLAN, YEAR, amount, save

pytestmark = pytest.mark.both_backends

STREAMS = ("registration", "h1", "year")
SECTORS = (None, *Sector)
CLUSTERS = ("HC", "DN")


@dataclass(frozen=True)
class Drawn:
    """One unit of a drawn roster (parent: the index of an earlier upper unit, or None
    for the federation)."""

    code: str
    kind: UnitKind
    sector: Sector | None
    parent: int | None
    cluster: str | None
    this_year: bool
    sent: frozenset[str]


@st.composite
def rosters(draw: st.DrawFn) -> list[Drawn]:
    count = draw(st.integers(min_value=1, max_value=24))
    units: list[Drawn] = []
    for index in range(count):
        uppers = [i for i, u in enumerate(units) if u.kind is UnitKind.UPPER and u.this_year]
        parent = draw(st.one_of(st.none(), st.sampled_from(uppers))) if uppers else None
        units.append(
            Drawn(
                code=f"CS-{draw(st.integers(min_value=0, max_value=30))}-{index}",
                kind=draw(st.sampled_from([UnitKind.UPPER, UnitKind.GRASSROOTS])),
                sector=draw(st.sampled_from(SECTORS)),
                parent=parent,
                cluster=draw(st.sampled_from((None, *CLUSTERS))),
                this_year=draw(st.integers(min_value=0, max_value=5)) > 0,
                sent=frozenset(draw(st.sets(st.sampled_from(STREAMS)))),
            )
        )
    return units


def _store(session: Session, drawn: list[Drawn]) -> tuple[list[str], dict[str, str]]:
    """Replace the roster and statements with the drawn ones: the units' ids, the clusters'."""
    installation = get_installation(session)
    assert installation is not None
    federation = installation.own_unit_id
    session.execute(delete(models.Statement))
    session.execute(delete(models.RosterEntry))
    session.execute(delete(models.Cluster))
    session.execute(delete(models.Unit).where(models.Unit.id != federation))
    session.add(models.RosterEntry(year=YEAR, unit_id=federation, parent_id=None))
    clusters = {code: models.Cluster(year=YEAR, code=code, name=code) for code in CLUSTERS}
    session.add_all(clusters.values())
    ids: list[str] = []
    for unit in drawn:
        row = models.Unit(code=unit.code, name=unit.code, kind=unit.kind)
        session.add(row)
        session.flush()
        ids.append(row.id)
    for index, unit in enumerate(drawn):
        session.add(
            models.RosterEntry(
                year=YEAR if unit.this_year else YEAR - 1,
                unit_id=ids[index],
                parent_id=federation if unit.parent is None else ids[unit.parent],
                cluster_id=clusters[unit.cluster].id if unit.cluster else None,
                sector=unit.sector,
            )
        )
    session.flush()
    for index, unit in enumerate(drawn):
        for stream in unit.sent:
            save(session, ids[index], stream, {"8": amount(1)})
    return ids, {code: c.id for code, c in clusters.items()}


def _members(drawn: list[Drawn], root: int | None, cluster: str | None) -> list[int]:
    """The drawn units of this year in the scope, walked in Python."""
    chosen = []
    for index, unit in enumerate(drawn):
        if not unit.this_year or (cluster is not None and unit.cluster != cluster):
            continue
        walk: int | None = index
        while root is not None and walk is not None and walk != root:
            walk = drawn[walk].parent
        if root is None or walk == root:
            chosen.append(index)
    return chosen


def _scopes(drawn: list[Drawn]) -> list[tuple[int | None, str | None]]:
    roots = [i for i, u in enumerate(drawn) if u.this_year and u.kind is UnitKind.UPPER][:3]
    return [
        (None, None),
        *((None, c) for c in CLUSTERS),
        *((r, None) for r in roots),
        *((r, "DN") for r in roots[:1]),
    ]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.parametrize("reads", ["owed", "senders"])
@given(drawn=rosters())
def test_the_dashboard_counts_and_lists_as_a_plain_computation(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, reads: str, drawn: list[Drawn]
) -> None:
    """Both ways of finding who has not sent: the few owed read (a complete year), and
    who has sent read, the others met walking the order of codes (early in the year:
    here every list past its bound, of any length)."""
    if reads == "senders":
        monkeypatch.setattr(dashboard_module, "_MANY_MISSING", 0)
        monkeypatch.setattr(scope_listing, "_SMALL", 0)
    with ctx.unit_of_work() as session:
        ids, clusters = _store(session, drawn)
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
        federation = federation_unit_id(session)
        counts = unit_counts(session, plan, None, federation)
        joined = cluster_unit_counts(session, plan, federation).get(None, {})
        assert counts == joined
        for root, cluster in _scopes(drawn):
            scope = Scope(
                root_unit_id=None if root is None else ids[root],
                cluster_id=None if cluster is None else clusters[cluster],
            )
            members = _members(drawn, root, cluster)
            by_code = sorted(members, key=lambda i: natural_key(drawn[i].code))
            for limit in (None, 2):
                board = dashboard(session, plan_id=PLAN, scope=scope, limit=limit)
                assert board.units == len(members)
                expected_missing = []
                for coverage in board.coverage:
                    sent = [i for i in members if coverage.stream in drawn[i].sent]
                    assert (coverage.expected, coverage.received) == (len(members), len(sent))
                    late = [ids[i] for i in by_code if coverage.stream not in drawn[i].sent]
                    expected_missing += [(u, coverage.stream) for u in late[:limit]]
                assert [(m.unit.id, m.stream) for m in board.missing] == expected_missing
                assert board.missing_total == sum(
                    1 for i in members for s in STREAMS if s not in drawn[i].sent
                )
                for timely in board.timeliness:  # nothing arrived as a package: all behind
                    assert (timely.expected, timely.received, timely.missing) == (
                        len(members),
                        0,
                        len(members),
                    )
                    listed_late = [late.unit.id for late in timely.units]
                    assert listed_late == [ids[i] for i in by_code][:limit]
            listed = [(m.unit.id, m.stream) for m in not_sent(session, plan_id=PLAN, scope=scope)]
            assert listed == [
                (ids[i], s) for s in STREAMS for i in by_code if s not in drawn[i].sent
            ]
            for row in rollup(session, plan_id=PLAN, scope=scope):
                applicable = sum(
                    1
                    for i in members
                    if covers(row.indicator, row.target, drawn[i].sector, drawn[i].kind)
                )
                assert row.applicable_units == applicable, (scope, row.indicator.code)


@pytest.mark.parametrize("count", [0, 1, 3, 40_000])
def test_an_id_set_selects_exactly_its_ids(ctx: AppContext, count: int) -> None:
    """Any number of ids (past SQLite's limit of bound parameters too), used twice in one
    query with different ids."""
    with ctx.unit_of_work() as session:
        session.add_all(
            models.Unit(code=f"U{n}", name=f"U{n}", kind=UnitKind.GRASSROOTS) for n in range(5)
        )
    with ctx.reading() as session:
        every = list(session.scalars(select(models.Unit.id).order_by(models.Unit.code)))
        wanted = [*every[:count], *(f"missing-{n}" for n in range(max(0, count - len(every))))]
        unit = models.Unit.id
        found = session.scalars(select(unit).where(unit.in_(id_set(session, wanted))))
        assert sorted(found) == sorted(set(every) & set(wanted))
        both = select(unit).where(
            unit.in_(id_set(session, every[:2])), unit.in_(id_set(session, every[1:3]))
        )
        assert list(session.scalars(both)) == every[1:2]

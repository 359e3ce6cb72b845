"""The federation's dashboard, headless: roll-up, coverage, who has not sent,
and the units behind a figure.

For a plan and a scope (the whole province, one cluster, or the subtree of
an upper-level union) :func:`dashboard` returns every target's roll-up
(:func:`app.rollup.query.rollup`), how many of the units in scope have sent each
stream, and the units that have not ("chưa nộp") with their contact —
noting those whose package arrived but is held (key not yet confirmed) or
quarantined (a conflict), so staff know whom to call and whom not to.
:func:`units_behind` lists the applicable units of one figure with their
own values.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Container
from dataclasses import dataclass
from functools import reduce

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from app.core import domain
from app.core.days import today_local
from app.core.figures import is_verdict, unit_counts_towards
from app.core.text import natural_key
from app.exchange import staff_entered
from app.plans import get_plan
from app.rollup.cache import cluster_groups
from app.rollup.deadlines import check_stream
from app.rollup.query import (
    Scope,
    TargetRollup,
    cluster_unit_counts,
    covers,
    each_unit_meeting,
    federation_unit_id,
    judged_rollups,
    rollup,
    scope_units,
)
from app.rollup.scope_listing import ScopeListing
from app.rollup.scope_roster import (
    Outside,
    UnitContact,
    UnitOrder,
    in_scope,
    read_scope_roster,
    scope_contacts,
    scope_members,
)
from app.rollup.scopes import ScopeChoice, ScopeKind, scope_choices
from app.rollup.timeliness import StreamTimeliness, units_timeliness
from app.statements import saved_value
from db import models
from db.enums import Levels, UnitKind
from db.plain_rows import plain_rows

#: How many units the dashboard names per stream in each list (who has not sent, who
#: is late); the counts are of every unit. A list of 377,000 units helps nobody: the
#: rest are read on demand (:func:`not_sent`, :func:`app.rollup.timeliness.timeliness`).
LISTED = 200


@dataclass(frozen=True, slots=True)
class MissingUnit:
    unit: UnitContact
    stream: str
    #: "" when nothing arrived; "pending_key" or "quarantined" when a package
    #: arrived but is not merged yet; "returned" when staff sent it back for
    #: correction (its figures still count until the correction arrives).
    held: str


@dataclass(frozen=True, slots=True)
class EnteredUnit:
    """A unit whose merged statement staff entered on its behalf (nothing signed by it)."""

    unit: UnitContact
    stream: str
    source: str  # paper | excel


@dataclass(frozen=True)
class Coverage:
    stream: str
    expected: int
    #: Units whose statement is merged and not returned for correction.
    received: int
    #: Units whose merged statement staff returned for correction.
    returned: int = 0
    #: Of the received, units whose statement staff entered on their behalf.
    entered: int = 0


@dataclass(frozen=True)
class Dashboard:
    plan: domain.Plan
    scope: Scope
    units: int
    rollups: tuple[TargetRollup, ...]
    coverage: tuple[Coverage, ...]
    missing: tuple[MissingUnit, ...]
    #: The day the on-time rates are counted to (today, unless asked otherwise).
    as_of: dt.date
    #: Per stream: reporting and on-time rates, the deadline, who is late or missing.
    timeliness: tuple[StreamTimeliness, ...]
    #: Units counted as sent whose statement staff entered (paper form, Excel file).
    entered: tuple[EnteredUnit, ...] = ()
    #: How many units each list names per stream at most (None: every unit).
    limit: int | None = None

    @property
    def missing_total(self) -> int:
        """Reports not sent (or returned for correction), over every stream: all of them,
        ``missing`` names the first of each stream only."""
        return sum(c.expected - c.received for c in self.coverage)

    @property
    def unlisted(self) -> int:
        """Reports not sent that ``missing`` does not name (a bounded list)."""
        return self.missing_total - len(self.missing)

    @property
    def streams(self) -> list[str]:
        return list(self.plan.streams)


@dataclass(frozen=True)
class UnitFigure:
    """One applicable unit behind a figure: its value (None: not sent) and verdict."""

    unit: UnitContact
    value: domain.UnitValue | None
    meets: bool | None
    #: The value is already in the area total its upper-level union (in scope) reported,
    #: so the figure does not add it again (an indicator that counts the levels once).
    in_area_total: bool = False


def _not_received(
    session: Session, plan: domain.Plan, within: Select[str] | None, streams: list[str]
) -> dict[str, list[str]]:
    """stream → units of the plan year's roster ``within`` the scope's units (None: every
    unit) that have no statement of it, found in one pass over the roster for every
    stream: each unit's statements are one range of the statement's unique index (plan,
    unit, stream), and only the units that miss a stream come back (a complete year
    returns next to nothing)."""
    entry, statement = models.RosterEntry, models.Statement
    if not streams:
        return {}
    flags = [func.max(case((statement.stream == stream, 1), else_=0)) for stream in streams]
    query = (
        select(entry.unit_id, *flags)
        .outerjoin(
            statement, and_(statement.plan_id == plan.id, statement.unit_id == entry.unit_id)
        )
        .where(entry.year == plan.year)
        .group_by(entry.unit_id)
        .having(reduce(operator.add, flags) < len(streams))
    )
    if within is not None:
        query = query.where(entry.unit_id.in_(within))
    result: dict[str, list[str]] = {stream: [] for stream in streams}
    rows = plain_rows(session.connection(), query)
    for index, stream in enumerate(streams, start=1):
        result[stream] = [row[0] for row in rows if not row[index]]
    return result


def _held(session: Session, plan_id: str) -> dict[tuple[str, str], str]:
    """(unit, stream) → "pending_key" | "quarantined" for packages not merged."""
    result: dict[tuple[str, str], str] = {}
    for unit_id, stream, status in session.execute(
        select(models.Package.unit_id, models.Package.stream, models.Package.status).where(
            models.Package.plan_id == plan_id,
            models.Package.status.in_(["pending_key", "quarantined"]),
        )
    ):
        result[(unit_id, stream)] = status
    return result


def _returned(session: Session, plan_id: str) -> set[tuple[str, str]]:
    """(unit, stream) whose merged package staff returned for correction (read
    through the index on ``returned_at``, not the package rows)."""
    returned = select(models.Package.hash).where(models.Package.returned_at > "")
    if session.scalar(returned.limit(1)) is None:
        return set()  # the usual case, answered by the index alone
    return {
        (unit_id, stream)
        for unit_id, stream in session.execute(
            select(models.StreamHead.unit_id, models.StreamHead.stream).where(
                models.StreamHead.plan_id == plan_id,
                models.StreamHead.package_hash.in_(returned),
            )
        )
    }


@dataclass(frozen=True)
class _Sent:
    coverage: tuple[Coverage, ...]
    missing: tuple[MissingUnit, ...]
    entered: tuple[EnteredUnit, ...]


#: Past this many reports not sent (over every stream, the list bounded) the dashboard
#: reads who has sent each stream rather than who has not, and meets the first of the
#: others walking the order of codes: early in the year most of the country's 378,000
#: reports are owed, and reading them all cost more than the rest of the dashboard.
_MANY_MISSING = 5_000


def _received_counts(
    session: Session,
    plan: domain.Plan,
    within: Select[str] | None,
    streams: list[str],
    federation_id: str,
) -> dict[str, int]:
    """stream → units of the plan year's roster ``within`` the scope (None: every unit;
    else ids of that roster), never the federation, that have a statement of it:
    counted by the database."""
    entry, statement = models.RosterEntry, models.Statement
    if not streams:
        return {}
    counts = [func.count(case((statement.stream == stream, 1))) for stream in streams]
    if within is not None:
        # The scope's ids are the roster's already: each one's statements are one range
        # of their unique index (plan, unit, stream), the roster never joined.
        query = select(*counts).where(
            statement.plan_id == plan.id,
            statement.unit_id.in_(within),
            statement.unit_id != federation_id,
        )
    else:
        # From the roster, each unit's statements one range of their unique index (as
        # _not_received reads them): a third of the look-ups of joining every statement.
        query = (
            select(*counts)
            .select_from(entry)
            .outerjoin(
                statement,
                and_(statement.plan_id == plan.id, statement.unit_id == entry.unit_id),
            )
            .where(entry.year == plan.year, entry.unit_id != federation_id)
        )
    row = session.execute(query).one()
    return {stream: int(count) for stream, count in zip(streams, row, strict=True)}


def _senders(session: Session, plan: domain.Plan, stream: str) -> set[str]:
    """The units that have a statement of ``stream`` (any roster, any scope)."""
    statement = models.Statement
    query = select(statement.unit_id).where(
        statement.plan_id == plan.id, statement.stream == stream
    )
    return {row[0] for row in plain_rows(session.connection(), query)}


def _sent(
    session: Session,
    plan: domain.Plan,
    within: Select[str] | None,
    roster: UnitOrder,
    units: list[str],
    streams: list[str],
    limit: int | None,
    federation_id: str,
    in_it: set[str] | None = None,
) -> _Sent:
    """Per stream of ``streams``: how many of ``units`` (the plan year's roster
    ``within`` the scope, never the federation ``federation_id``) have sent it, and the
    first ``limit`` of those that have not (all when None) in the natural order of codes
    (``in_it``: ``units`` as a set, when the caller has made it)."""
    if in_it is None:
        in_it = set(units)
    received = _received_counts(session, plan, within, streams, federation_id)
    owed = sum(len(units) - received[stream] for stream in streams)
    many = limit is not None and owed > _MANY_MISSING
    # Few owed: who has not sent is read (nothing at all when every unit has sent).
    absent_by_stream = _not_received(session, plan, within, streams) if owed and not many else {}
    held = _held(session, plan.id)
    returned = _returned(session, plan.id)
    by_staff = staff_entered(session, plan.id)
    coverage = []
    missing: list[tuple[str, str]] = []
    entered: list[tuple[str, str]] = []
    for stream in streams:
        has: Container[str]
        if many:
            has = senders = _senders(session, plan, stream)
        else:
            none = {u for u in absent_by_stream.get(stream, ()) if u in in_it}
            has = Outside(in_it, none)
        got = received[stream]
        # A statement returned for correction is owed again: not counted as sent.
        back = [u for u, s in returned if s == stream and u in in_it and u in has]
        typed = roster.ordered(u for u, s in by_staff if s == stream and u in in_it and u in has)
        coverage.append(Coverage(stream, len(units), got - len(back), len(back), len(typed)))
        entered.extend((u, stream) for u in typed)
        if many:
            counted = senders.difference(back) if back else senders
            first = roster.first_outside(units, counted, limit)
        else:
            first = roster.first([*none, *back], limit)
        missing.extend((u, stream) for u in first)
    roster.contacts.preload(u for u, _stream in [*missing, *entered])
    contacts = roster.contacts
    return _Sent(
        tuple(coverage),
        tuple(
            MissingUnit(
                contacts[u],
                stream,
                "returned" if (u, stream) in returned else held.get((u, stream), ""),
            )
            for u, stream in missing
        ),
        tuple(EnteredUnit(contacts[u], stream, by_staff[(u, stream)]) for u, stream in entered),
    )


def dashboard(
    session: Session,
    *,
    plan_id: str,
    scope: Scope | None = None,
    as_of: dt.date | None = None,
    limit: int | None = LISTED,
) -> Dashboard:
    """Everything the dashboard shows for ``plan_id`` over ``scope`` (one read), its
    on-time rates counted to the end of ``as_of`` (default today).

    The counts are of every unit in scope; the lists (who has not sent, who is late)
    name the first ``limit`` units of each stream in the natural order of codes (every
    unit when None): :func:`not_sent` and :func:`app.rollup.timeliness.timeliness`
    give the whole lists."""
    plan = get_plan(session, plan_id)
    scope = scope or Scope()
    day = as_of or today_local()
    # The scope's units without its roster read: the roll-up counts them by sector and
    # kind in SQL, the database orders the few listed (unit.code_order).
    listing = ScopeListing(session, plan.year, scope)
    units = listing.units
    streams = list(plan.streams)
    members = listing.members  # one set of the scope's units for every count
    sent = _sent(
        session,
        plan,
        listing.scope_units,
        listing,
        units,
        streams,
        limit,
        listing.federation_id,
        members,
    )
    rollups = tuple(
        rollup(
            session,
            plan_id=plan.id,
            scope=scope,
            streams=streams,
            plan=plan,
            unit_counts=listing.unit_counts,
            scope_ids=listing.scope_units,
            subtree_parents=listing.parents,
        )
    )
    on_time = units_timeliness(session, plan, units, listing, day, limit, members)
    return Dashboard(
        plan,
        scope,
        len(units),
        rollups,
        sent.coverage,
        sent.missing,
        day,
        on_time,
        sent.entered,
        limit,
    )


def not_sent(
    session: Session, *, plan_id: str, scope: Scope | None = None, stream: str | None = None
) -> list[MissingUnit]:
    """Every unit in ``scope`` that has not sent ``stream`` (every stream when None),
    stream by stream in the natural order of codes: the whole list the dashboard
    counts and names the first of (an export, "see all")."""
    plan = get_plan(session, plan_id)
    streams = list(plan.streams)
    if stream is not None:
        check_stream(plan, stream)
        streams = [stream]
    scope = scope or Scope()
    roster = read_scope_roster(session, plan.year, scope)
    units = scope_members(roster, scope)
    whole = scope.root_unit_id is None and scope.cluster_id is None
    within = None if whole else scope_units(plan.year, scope)
    return list(
        _sent(session, plan, within, roster, units, streams, None, roster.federation_id).missing
    )


# --- the units behind a figure -----------------------------------------------------------


def _covers(
    indicator: domain.Indicator, target: domain.Target | None, contact: UnitContact
) -> bool:
    return covers(indicator, target, contact.sector, contact.kind)


def units_behind(
    session: Session,
    *,
    plan_id: str,
    indicator_code: str,
    target: domain.Target | None,
    stream: str,
    scope: Scope | None = None,
) -> list[UnitFigure]:
    """The units a roll-up figure counts: every applicable unit in scope, with
    its merged value in ``stream`` (None when it has not sent it)."""
    plan = get_plan(session, plan_id)
    indicator = plan.indicator(indicator_code)
    roster = read_scope_roster(session, plan.year, scope)
    scoped = list(in_scope(roster, scope or Scope()))
    units = [u for u in scoped if _covers(indicator, target, roster.contacts[u])]
    value = models.StatementValue
    values: dict[str, domain.UnitValue] = {}
    for unit_id, row in session.execute(
        select(models.Statement.unit_id, value)
        .join(models.Statement, models.Statement.id == value.statement_id)
        .where(
            models.Statement.plan_id == plan.id,
            models.Statement.stream == stream,
            value.indicator_id == indicator.id,
        )
    ):
        values[unit_id] = saved_value(row)
    totals: set[str] = set()
    if indicator.levels is Levels.AREA_TOTAL:  # the rule of app.rollup.cache, unit by unit
        totals = {
            u
            for u in scoped
            if roster.contacts[u].kind is UnitKind.UPPER
            and u in values
            and values[u].amount is not None
        }
    return [
        UnitFigure(
            roster.contacts[u],
            values.get(u),
            unit_counts_towards(plan, indicator, target, values.get(u)),
            in_area_total=roster.parents.get(u) in totals,
        )
        for u in units
    ]


# --- clusters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterFigure:
    """One cluster's standing in a stream: targets met of those judged, and coverage.

    Only figures with a verdict at a cluster are judged (shares, ratios,
    averages, each-unit targets, in the stream they are set for); a cluster's
    part of a province total is a contribution and is not counted here.
    """

    cluster_id: str
    name: str
    units: int
    received: int
    met: int
    judged: int


def cluster_standing(session: Session, *, plan_id: str, stream: str) -> list[ClusterFigure]:
    """Per cluster of the plan year: how many of the targets judged at a cluster it meets.

    Every cluster whose cells are fresh is judged from one read of all the cluster
    cells, one count of the roster per cluster and one query per each-unit target;
    a stale cluster is rolled up on its own (from its values).
    """
    plan = get_plan(session, plan_id)
    federation_id = federation_unit_id(session)
    fresh, stale = cluster_groups(session, plan_id=plan.id, year=plan.year, stream=stream)
    counts = cluster_unit_counts(session, plan, federation_id, per_cluster=True)
    members = _cluster_members(session, plan, stream, federation_id)
    meetings: dict[tuple[str, int], dict[str | None, dict[str, int]]] = {}

    def meeting_in(cluster_id: str) -> Callable[[domain.Indicator, domain.Target], dict[str, int]]:
        def meeting(indicator: domain.Indicator, target: domain.Target) -> dict[str, int]:
            key = (indicator.id, id(target))
            if key not in meetings:
                meetings[key] = each_unit_meeting(
                    session, plan, indicator, target, [stream], per_cluster=True
                )
            return meetings[key].get(cluster_id, {})

        return meeting

    result = []
    clusters = session.execute(
        select(models.Cluster.id, models.Cluster.code, models.Cluster.name).where(
            models.Cluster.year == plan.year
        )
    ).all()
    for cluster_id, code, name in sorted(clusters, key=lambda row: natural_key(row[1])):
        scope = Scope(cluster_id=cluster_id)
        units, received = members.get(cluster_id, (0, 0))
        if not units:
            continue  # a cluster nobody belongs to any more (every unit moved out)
        if stale is None or cluster_id in stale:
            rows = rollup(session, plan_id=plan.id, scope=scope, streams=[stream], plan=plan)
        else:
            rows = judged_rollups(
                plan,
                scope,
                [stream],
                fresh.get(cluster_id, []),
                counts.get(cluster_id, {}),
                meeting_in(cluster_id),
            )
        judged = [f for f in (r.figures[stream] for r in rows) if is_verdict(f.verdict)]
        result.append(
            ClusterFigure(
                cluster_id=cluster_id,
                name=name or code,
                units=units,
                received=received,
                met=sum(1 for f in judged if f.met),
                judged=len(judged),
            )
        )
    return result


def _cluster_members(
    session: Session, plan: domain.Plan, stream: str, federation_id: str
) -> dict[str, tuple[int, int]]:
    """cluster id → (reporting units, of them those whose ``stream`` is merged)."""
    entry, statement = models.RosterEntry, models.Statement
    rows = session.execute(
        select(entry.cluster_id, func.count(), func.count(statement.id))
        .outerjoin(
            statement,
            and_(
                statement.unit_id == entry.unit_id,
                statement.plan_id == plan.id,
                statement.stream == stream,
            ),
        )
        .where(
            entry.year == plan.year, entry.cluster_id.is_not(None), entry.unit_id != federation_id
        )
        .group_by(entry.cluster_id)
    )
    return {str(cluster_id): (int(units), int(sent)) for cluster_id, units, sent in rows}


def scope_unit_codes(session: Session, *, year: int, scope: Scope) -> list[str]:
    """Codes of the reporting units in scope (to export plan packages for them)."""
    return [c.code for c in scope_contacts(session, year=year, scope=scope) if c.code]


__all__ = [
    "LISTED",
    "ClusterFigure",
    "Coverage",
    "Dashboard",
    "EnteredUnit",
    "MissingUnit",
    "ScopeChoice",
    "ScopeKind",
    "UnitFigure",
    "cluster_standing",
    "dashboard",
    "not_sent",
    "scope_choices",
    "scope_unit_codes",
    "units_behind",
]

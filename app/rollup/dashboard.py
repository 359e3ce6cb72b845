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

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from app.core import domain
from app.core.figures import is_verdict, unit_counts_towards
from app.core.installation import get_installation
from app.core.text import natural_key
from app.plans import get_plan
from app.rollup.query import Scope, TargetRollup, covers, rollup
from app.statements import saved_value
from db import models
from db.enums import (
    Sector,
    UnitKind,
)


class ScopeKind(StrEnum):
    PROVINCE = "province"
    CLUSTER = "cluster"
    SUBTREE = "subtree"


@dataclass(frozen=True)
class ScopeChoice:
    """One entry of the scope chooser."""

    kind: ScopeKind
    id: str | None  # cluster id or subtree root unit id
    code: str
    name: str
    units: int  # reporting units in scope

    @property
    def scope(self) -> Scope:
        if self.kind is ScopeKind.CLUSTER:
            return Scope(cluster_id=self.id)
        if self.kind is ScopeKind.SUBTREE:
            return Scope(root_unit_id=self.id)
        return Scope()


@dataclass(frozen=True, slots=True)
class UnitContact:
    id: str
    code: str
    name: str
    kind: UnitKind
    sector: Sector | None
    cluster: str
    parent_name: str
    chair: str
    phone: str
    email: str


@dataclass(frozen=True, slots=True)
class MissingUnit:
    unit: UnitContact
    stream: str
    #: "" when nothing arrived; "pending_key" or "quarantined" when a package
    #: arrived but is not merged yet; "returned" when staff sent it back for
    #: correction (its figures still count until the correction arrives).
    held: str


@dataclass(frozen=True)
class Coverage:
    stream: str
    expected: int
    #: Units whose statement is merged and not returned for correction.
    received: int
    #: Units whose merged statement staff returned for correction.
    returned: int = 0


@dataclass(frozen=True)
class Dashboard:
    plan: domain.Plan
    scope: Scope
    units: int
    rollups: tuple[TargetRollup, ...]
    coverage: tuple[Coverage, ...]
    missing: tuple[MissingUnit, ...]

    @property
    def streams(self) -> list[str]:
        return list(self.plan.streams)


@dataclass(frozen=True)
class UnitFigure:
    """One applicable unit behind a figure: its value (None: not sent) and verdict."""

    unit: UnitContact
    value: domain.UnitValue | None
    meets: bool | None


@dataclass
class _Roster:
    federation_id: str
    contacts: dict[str, UnitContact]
    parents: dict[str, str | None]
    clusters: dict[str, tuple[str, str]]  # id → (code, name)
    cluster_of: dict[str, str | None]
    children: dict[str | None, list[str]]
    members: dict[str | None, list[str]]  # cluster id → its units
    #: unit id → its position in the natural order of codes (names when no code)
    order: dict[str, int]


def _roster(session: Session, year: int) -> _Roster:
    """The year's roster, read once and indexed for every scope.

    At national size (126,000 units) this is the dashboard's largest cost
    after the roll-up, so it reads plain columns (the enums are converted
    through a small cache, not per row) and sorts the codes once.
    """
    installation = get_installation(session)
    federation_id = installation.own_unit_id if installation is not None else ""
    entry = models.RosterEntry
    unit = models.Unit
    clusters = {
        c.id: (c.code, c.name)
        for c in session.scalars(select(models.Cluster).where(models.Cluster.year == year))
    }
    rows = session.execute(
        select(
            unit.id,
            unit.code,
            unit.name,
            type_coerce(unit.kind, String),
            unit.chair_name,
            unit.phone,
            unit.email,
            entry.parent_id,
            entry.cluster_id,
            type_coerce(entry.sector, String),
        )
        .join(entry, entry.unit_id == unit.id)
        .where(entry.year == year)
    ).all()
    names = {row[0]: row[2] for row in rows}
    kinds = {k.value: k for k in UnitKind}  # stored by value (db.models.base.enum_column)
    sectors: dict[str | None, Sector | None] = {s.value: s for s in Sector}
    sectors.update({None: None, "": None})
    cluster_names = {cid: name for cid, (_code, name) in clusters.items()}
    contacts = {}
    parents: dict[str, str | None] = {}
    cluster_of: dict[str, str | None] = {}
    children: dict[str | None, list[str]] = defaultdict(list)
    members: dict[str | None, list[str]] = defaultdict(list)
    for unit_id, code, name, kind, chair, phone, email, parent, cluster, sector in rows:
        parents[unit_id] = parent
        children[parent].append(unit_id)
        cluster_of[unit_id] = cluster
        members[cluster].append(unit_id)
        contacts[unit_id] = UnitContact(
            id=unit_id,
            code=code or "",
            name=name,
            kind=kinds[kind],
            sector=sectors[sector],
            cluster=cluster_names.get(cluster, "") if cluster else "",
            # Units directly under the federation name it (a blank read as "no upper level").
            parent_name=names.get(parent or "", ""),
            chair=chair or "",
            phone=phone or "",
            email=email or "",
        )
    ordered = sorted(contacts.values(), key=lambda c: natural_key(c.code or c.name))
    order = {contact.id: index for index, contact in enumerate(ordered)}
    return _Roster(federation_id, contacts, parents, clusters, cluster_of, children, members, order)


def _subtree(roster: _Roster, root: str) -> set[str]:
    """``root`` and every unit under it (a cycle in bad data ends the walk)."""
    units: set[str] = set()
    stack = [root] if root in roster.contacts else []
    while stack:
        current = stack.pop()
        if current in units:
            continue
        units.add(current)
        stack.extend(roster.children.get(current, ()))
    return units


def _in_scope(roster: _Roster, scope: Scope) -> list[str]:
    """Reporting units in scope in the natural order of their codes; never the
    federation itself (it sends no packages, and the roll-up does not count it)."""
    units: set[str] | list[str]
    if scope.root_unit_id is not None:
        units = _subtree(roster, scope.root_unit_id)
        if scope.cluster_id is not None:
            units = {u for u in units if roster.cluster_of.get(u) == scope.cluster_id}
    elif scope.cluster_id is not None:
        units = roster.members.get(scope.cluster_id, [])
    else:
        units = list(roster.contacts)
    return sorted((u for u in units if u != roster.federation_id), key=roster.order.__getitem__)


def scope_choices(session: Session, *, year: int) -> list[ScopeChoice]:
    """The whole province, then each cluster, then each unit that has units under it."""
    roster = _roster(session, year)
    everyone = _in_scope(roster, Scope())
    choices = [ScopeChoice(ScopeKind.PROVINCE, None, "", "", len(everyone))]
    counts: dict[str, int] = defaultdict(int)
    for unit_id in everyone:
        cluster = roster.cluster_of.get(unit_id)
        if cluster is not None:
            counts[cluster] += 1
    for cluster_id, (code, name) in sorted(
        roster.clusters.items(), key=lambda item: natural_key(item[1][0])
    ):
        choices.append(ScopeChoice(ScopeKind.CLUSTER, cluster_id, code, name, counts[cluster_id]))
    has_children = [
        p for p in roster.children if p and p != roster.federation_id and p in roster.contacts
    ]
    for unit_id in sorted(has_children, key=lambda u: natural_key(roster.contacts[u].code)):
        contact = roster.contacts[unit_id]
        size = len(_subtree(roster, unit_id) - {roster.federation_id})
        choices.append(ScopeChoice(ScopeKind.SUBTREE, unit_id, contact.code, contact.name, size))
    return choices


def _received(session: Session, plan_id: str) -> dict[str, set[str]]:
    """stream → units whose statement is merged."""
    result: dict[str, set[str]] = defaultdict(set)
    for unit_id, stream in session.execute(
        select(models.Statement.unit_id, models.Statement.stream).where(
            models.Statement.plan_id == plan_id
        )
    ):
        result[stream].add(unit_id)
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


def dashboard(session: Session, *, plan_id: str, scope: Scope | None = None) -> Dashboard:
    """Everything the dashboard shows for ``plan_id`` over ``scope`` (one read)."""
    plan = get_plan(session, plan_id)
    scope = scope or Scope()
    roster = _roster(session, plan.year)
    units = _in_scope(roster, scope)
    received = _received(session, plan.id)
    held = _held(session, plan.id)
    returned = _returned(session, plan.id)
    streams = list(plan.streams)
    coverage = []
    missing: list[MissingUnit] = []
    contacts = roster.contacts
    for stream in streams:
        got = received.get(stream, set())
        # A statement returned for correction is owed again: not counted as sent.
        back = [u for u in units if u in got and (u, stream) in returned]
        absent = [u for u in units if u not in got or (u, stream) in returned]
        coverage.append(Coverage(stream, len(units), len(units) - len(absent), len(back)))
        missing.extend(
            MissingUnit(
                contacts[u],
                stream,
                "returned" if (u, stream) in returned else held.get((u, stream), ""),
            )
            for u in absent
        )
    rollups = tuple(rollup(session, plan_id=plan.id, scope=scope, streams=streams, plan=plan))
    return Dashboard(plan, scope, len(units), rollups, tuple(coverage), tuple(missing))


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
    roster = _roster(session, plan.year)
    units = [
        u
        for u in _in_scope(roster, scope or Scope())
        if _covers(indicator, target, roster.contacts[u])
    ]
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
    return [
        UnitFigure(
            roster.contacts[u],
            values.get(u),
            unit_counts_towards(plan, indicator, target, values.get(u)),
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
    """Per cluster of the plan year: how many of the targets judged at a cluster it meets."""
    plan = get_plan(session, plan_id)
    roster = _roster(session, plan.year)
    received = _received(session, plan.id).get(stream, set())
    result = []
    for cluster_id, (code, name) in sorted(
        roster.clusters.items(), key=lambda item: natural_key(item[1][0])
    ):
        scope = Scope(cluster_id=cluster_id)
        units = _in_scope(roster, scope)
        if not units:
            continue  # a cluster nobody belongs to any more (every unit moved out)
        figures = [
            r.figures[stream]
            for r in rollup(session, plan_id=plan.id, scope=scope, streams=[stream])
        ]
        judged = [f for f in figures if is_verdict(f.verdict)]
        result.append(
            ClusterFigure(
                cluster_id=cluster_id,
                name=name or code,
                units=len(units),
                received=sum(1 for u in units if u in received),
                met=sum(1 for f in judged if f.met),
                judged=len(judged),
            )
        )
    return result


def scope_contacts(session: Session, *, year: int, scope: Scope) -> list[UnitContact]:
    """The reporting units in scope, as the dashboard counts them: every unit of the
    ``year`` roster in scope but the federation, in the natural order of their codes."""
    roster = _roster(session, year)
    return [roster.contacts[u] for u in _in_scope(roster, scope)]


def scope_unit_codes(session: Session, *, year: int, scope: Scope) -> list[str]:
    """Codes of the reporting units in scope (to export plan packages for them)."""
    return [c.code for c in scope_contacts(session, year=year, scope=scope) if c.code]


__all__ = [
    "ClusterFigure",
    "Coverage",
    "Dashboard",
    "MissingUnit",
    "ScopeChoice",
    "ScopeKind",
    "UnitContact",
    "UnitFigure",
    "cluster_standing",
    "dashboard",
    "scope_choices",
    "scope_contacts",
    "scope_unit_codes",
    "units_behind",
]

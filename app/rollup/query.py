"""Roll-up: an indicator's registered and achieved totals over a subtree.

For any subtree of the plan year's organisation tree (or one cluster) and
every indicator target, compute per stream (registration, each period):

- sum: Σ amount;
- ratio: Σ numerator / Σ denominator (never an average of percentages);
- share of units: applicable units meeting the unit goal (yes, a grade at or
  above/below a level, a ratio reaching the indicator's unit goal) over all
  applicable units in scope — a unit that has not reported does not meet it;
- average per unit: Σ amount / applicable units;
- each-unit targets: met only when every applicable unit meets the value.

Applicable units are those in scope whose kind and sector the indicator and
the target both cover; the federation itself is never one. Each figure is
judged by :func:`app.core.figures.judge_figure` — the one judge — which decides
what the target means at the scope and in the stream. The figures are aggregated in SQL, grouped by
(stream, indicator, sector, kind, grade, unit goal met); the sums are read
from cells maintained per parent (``app.rollup.cache``), so a refresh adds up
a few thousand cells rather than every value of the province.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, union_all
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement, Select

from app.core import domain
from app.core.errors import N_, NotFoundError
from app.core.figures import Figure, Measure, grade_counts, judge_figure, measure_of
from app.core.id_sets import id_set
from app.core.installation import get_installation
from app.plans import get_plan
from app.rollup import cache as rollup_cache
from app.rollup.cache import Group
from db import models
from db.enums import (
    REGISTRATION_STREAM,
    IndicatorKind,
    Role,
    Sector,
    TargetScope,
    UnitKind,
)
from db.plain_rows import plain_rows


@dataclass(frozen=True)
class TargetRollup:
    """One target's figures over a scope, by stream (``target=None``: totals only).

    ``own`` when the target is given down to the scope's root unit.
    """

    indicator: domain.Indicator
    target: domain.Target | None
    applicable_units: int
    figures: dict[str, Figure]  # by stream
    own: bool = False


@dataclass(frozen=True)
class Scope:
    """Which units to roll up: a subtree root and/or a cluster of the plan year."""

    root_unit_id: str | None = None
    cluster_id: str | None = None


def _subtree(plan_year: int, root_unit_id: str) -> Select[str]:
    """SELECT of the root and every unit below it in the plan year's tree."""
    entry = models.RosterEntry
    tree = (
        select(entry.unit_id)
        .where(entry.year == plan_year, entry.unit_id == root_unit_id)
        .cte("tree", recursive=True)
    )
    child = select(entry.unit_id).where(entry.year == plan_year, entry.parent_id == tree.c.unit_id)
    tree = tree.union_all(child)
    return select(tree.c.unit_id)


def scope_units(plan_year: int, scope: Scope) -> Select[str]:
    """SELECT of the unit ids in scope for the plan year."""
    entry = models.RosterEntry
    if scope.root_unit_id is None:
        query = select(entry.unit_id).where(entry.year == plan_year)
    else:
        query = _subtree(plan_year, scope.root_unit_id)
    if scope.cluster_id is not None:
        in_cluster = select(entry.unit_id).where(
            entry.year == plan_year, entry.cluster_id == scope.cluster_id
        )
        query = query.where(query.selected_columns[0].in_(in_cluster))
    return query


def _scope_rows_query(session: Session, year: int, scope: Scope) -> Select[*tuple[Any, ...]]:
    """(unit, parent, sector, kind, code order) of the ``year`` roster's rows in
    ``scope`` (a subtree and/or a cluster, not the whole roster).

    A subtree is found from its parents: the year's units that have members (~1,400 in
    the country, each with its own parent) are read and walked down from the root
    here, then the rows under those of the subtree are read by the (year, parent)
    index, a range each. A recursive walk looked every one of a province's 21,000
    units up as a parent, and PostgreSQL, misjudging its size, then read every unit to
    join them."""
    entry, unit = models.RosterEntry, models.Unit
    columns = (entry.unit_id, entry.parent_id, entry.sector, unit.kind, unit.code_order)
    rows = select(*columns).join(unit, unit.id == entry.unit_id).where(entry.year == year)
    if scope.cluster_id is not None:
        rows = rows.where(entry.cluster_id == scope.cluster_id)
    root = scope.root_unit_id
    if root is None:
        return rows
    has_members = select(entry.parent_id).where(entry.year == year, entry.parent_id.is_not(None))
    members: dict[str, list[str]] = defaultdict(list)
    for unit_id, parent in session.execute(
        select(entry.unit_id, entry.parent_id).where(
            entry.year == year, entry.unit_id.in_(has_members)
        )
    ):
        if parent is not None:
            members[parent].append(unit_id)
    parents, stack = {root}, [root]
    while stack:  # a cycle in bad data ends the walk
        for member in members.get(stack.pop(), ()):
            if member not in parents:
                parents.add(member)
                stack.append(member)
    # The units under the root only when the root is in the year's roster itself (as a
    # walk from it finds them), and never the root again (a cycle in bad data).
    root_entry = aliased(models.RosterEntry)
    in_roster = exists().where(root_entry.year == year, root_entry.unit_id == root)
    below = rows.where(
        entry.parent_id.in_(id_set(session, sorted(parents))), entry.unit_id != root, in_roster
    )
    both = union_all(rows.where(entry.unit_id == root), below).subquery("scope_rows")
    return select(*both.c)


@dataclass(frozen=True)
class ScopeRows:
    """The roster rows of a scope (a subtree and/or a cluster) as read once: (unit,
    parent, sector, kind, code order), the sector and kind as stored."""

    scope: Scope
    rows: list[tuple[Any, ...]]

    @property
    def ids(self) -> list[str]:
        return [row[0] for row in self.rows]

    def unit_counts(self, federation_id: str) -> dict[tuple[Sector | None, UnitKind], int]:
        """The scope's units by (sector, kind), never the federation: as
        :func:`_unit_counts` counts them in SQL."""
        counts: Counter[tuple[str | None, str]] = Counter(
            (sector or None, kind)
            for unit_id, _parent, sector, kind, _key in self.rows
            if unit_id != federation_id
        )
        return {
            (Sector(sector) if sector else None, UnitKind(kind)): count
            for (sector, kind), count in counts.items()
        }

    def parents(self) -> list[str] | None:
        """A subtree's root and every unit of it with a child in it: the buckets of
        parent cells its roll-up reads, as :func:`_parents_within` finds them (None:
        not a subtree)."""
        root = self.scope.root_unit_id
        if root is None:
            return None
        parents = {parent for unit_id, parent, *_rest in self.rows if unit_id != root and parent}
        return sorted({root, *parents})


def scope_rows(session: Session, year: int, scope: Scope) -> ScopeRows:
    """The ``year`` roster's rows in ``scope`` (not the whole roster), read once."""
    query = _scope_rows_query(session, year, scope)
    return ScopeRows(scope, plain_rows(session.connection(), query))


def describe_scope(session: Session, *, year: int, scope: Scope) -> str:
    """The scope as printed forms and workbooks name it (always Vietnamese)."""
    parts = []
    if scope.root_unit_id is not None and scope.root_unit_id != federation_unit_id(session):
        root = session.get(models.Unit, scope.root_unit_id)
        name = root.name if root is not None else scope.root_unit_id
        parts.append(f"Phạm vi: {name} và các đơn vị trực thuộc")
    if scope.cluster_id is not None:
        cluster = session.get(models.Cluster, scope.cluster_id)
        name = cluster.name if cluster is not None and cluster.year == year else scope.cluster_id
        parts.append(f"Cụm thi đua: {name}")
    return "; ".join(parts) or "Phạm vi: toàn tỉnh"


def resolve_scope(
    session: Session, *, year: int, unit: str | None = None, cluster: str | None = None
) -> Scope:
    """A scope from a unit's code or id and a cluster's code, name or id (CLI, tests).

    Raises :class:`~app.core.errors.NotFoundError` for a unit or cluster that is
    not in the year's roster.
    """
    root: str | None = None
    if unit:
        entry = models.RosterEntry
        root = session.scalar(
            select(models.Unit.id)
            .join(entry, entry.unit_id == models.Unit.id)
            .where(entry.year == year, or_(models.Unit.code == unit, models.Unit.id == unit))
        )
        if root is None:
            raise NotFoundError(N_("No unit with code {code}."), params={"code": unit})
    cluster_id: str | None = None
    if cluster:
        wanted = cluster.strip().casefold()
        for row in session.scalars(select(models.Cluster).where(models.Cluster.year == year)):
            if wanted in (row.code.casefold(), row.name.casefold(), row.id.casefold()):
                cluster_id = row.id
                break
        else:
            raise NotFoundError(
                N_("There is no cluster {cluster} in {year}."),
                params={"cluster": cluster, "year": year},
            )
    return Scope(root_unit_id=root, cluster_id=cluster_id)


def federation_unit_id(session: Session) -> str:
    """The federation's own unit (never counted as a reporting unit); "" at a unit."""
    installation = get_installation(session)
    if installation is None or installation.role is not Role.FEDERATION:
        return ""
    return installation.own_unit_id


def _unit_counts(
    session: Session, plan: domain.Plan, units: Select[str] | None, federation_id: str
) -> dict[tuple[Sector | None, UnitKind], int]:
    """Reporting units in scope (``units``; None: the whole roster of the plan year) by
    (sector, kind); the federation is not one."""
    if units is None:
        return _year_unit_counts(session, plan.year, federation_id)
    return cluster_unit_counts(session, plan, federation_id, units=units).get(None, {})


#: The kinds of the few units that are not CĐCS (the federation, the upper levels).
_FEW_KINDS = [kind for kind in UnitKind if kind is not UnitKind.GRASSROOTS]


def _year_unit_counts(
    session: Session, year: int, federation_id: str
) -> dict[tuple[Sector | None, UnitKind], int]:
    """:func:`_unit_counts` of the whole roster of ``year``: every unit counted by sector
    from the roster's index alone, the few that are not CĐCS (found through the index on
    ``unit.kind``, kind by kind) counted apart, the CĐCS the rest: the whole country's
    roster is never joined unit by unit."""
    entry, unit = models.RosterEntry, models.Unit

    def by_sector(*where: ColumnElement[bool]) -> dict[Sector | None, int]:
        rows = session.execute(
            select(entry.sector, func.count())
            .where(entry.year == year, entry.unit_id != federation_id, *where)
            .group_by(entry.sector)
        )
        return {Sector(sector) if sector else None: int(count) for sector, count in rows}

    grassroots = by_sector()
    result: dict[tuple[Sector | None, UnitKind], int] = {}
    for kind in _FEW_KINDS:
        for sector, count in by_sector(
            entry.unit_id.in_(select(unit.id).where(unit.kind == kind))
        ).items():
            result[(sector, kind)] = count
            grassroots[sector] -= count
    for sector, count in grassroots.items():
        if count:
            result[(sector, UnitKind.GRASSROOTS)] = count
    return result


def cluster_unit_counts(
    session: Session,
    plan: domain.Plan,
    federation_id: str,
    *,
    units: Select[str] | None = None,
    per_cluster: bool = False,
) -> dict[str | None, dict[tuple[Sector | None, UnitKind], int]]:
    """:func:`_unit_counts` per cluster of the plan year (``per_cluster``), else under None."""
    entry = models.RosterEntry
    keys: list[Any] = [entry.sector, models.Unit.kind]
    if per_cluster:
        keys.append(entry.cluster_id)
    query = (
        select(*keys, func.count())
        .join(models.Unit, models.Unit.id == entry.unit_id)
        .where(entry.year == plan.year, entry.unit_id != federation_id)
        .group_by(*keys)
    )
    if units is not None:
        query = query.where(entry.unit_id.in_(units))
    result: dict[str | None, dict[tuple[Sector | None, UnitKind], int]] = defaultdict(dict)
    for row in session.execute(query):
        sector, kind, cluster = row[0], row[1], row[2] if per_cluster else None
        result[cluster][(Sector(sector) if sector else None, UnitKind(kind))] = int(row[-1])
    return result


def _each_unit_meeting(
    session: Session,
    plan: domain.Plan,
    units: Select[str],
    indicator: domain.Indicator,
    target: domain.Target,
    streams: Iterable[str],
) -> dict[str, int]:
    """For an each-unit target: per stream, how many applicable units meet it."""
    counts = each_unit_meeting(session, plan, indicator, target, streams, units=units)
    return counts.get(None, {})


def each_unit_meeting(
    session: Session,
    plan: domain.Plan,
    indicator: domain.Indicator,
    target: domain.Target,
    streams: Iterable[str],
    *,
    units: Select[str] | None = None,
    per_cluster: bool = False,
) -> dict[str | None, dict[str, int]]:
    """For an each-unit target: per stream, how many applicable units of ``units`` (every
    unit when None) meet it, per cluster when ``per_cluster`` (else under None).

    The condition is :func:`app.core.figures.unit_value_meets`' own, in SQL.
    """
    from app.core.figures import amount_condition, percent_condition

    value = models.StatementValue
    statement = models.Statement
    entry = models.RosterEntry
    if indicator.kind is IndicatorKind.RATIO:
        condition = and_(
            value.denominator > 0,
            percent_condition(target.comparison, target.value, value.numerator, value.denominator),
        )
    else:
        condition = amount_condition(target.comparison, target.value, value.amount)
    keys: list[Any] = [statement.stream, entry.sector, models.Unit.kind]
    if per_cluster:
        keys.append(entry.cluster_id)
    query = (
        select(*keys, func.count())
        .select_from(value)
        .join(statement, statement.id == value.statement_id)
        .join(models.Unit, models.Unit.id == statement.unit_id)
        .join(entry, and_(entry.unit_id == statement.unit_id, entry.year == plan.year))
        .where(
            statement.plan_id == plan.id,
            statement.stream.in_(list(streams)),
            value.indicator_id == indicator.id,
            condition,
        )
        .group_by(*keys)
    )
    if units is not None and session.get_bind().dialect.name == "postgresql":
        # Joined (a scope's ids are distinct): PostgreSQL then counts them, hashes them
        # and reads the indicator's values; as ``IN`` it takes a set of ids for 200 and
        # looks up every statement of a province's 21,000 units (0.4 s).
        ids = units.subquery("scope_ids")
        query = query.join(ids, ids.c[0] == statement.unit_id)
    elif units is not None:
        query = query.where(statement.unit_id.in_(units))
    result: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in session.execute(query):
        stream, sector, kind = row[0], row[1], row[2]
        cluster = row[3] if per_cluster else None
        if covers(indicator, target, Sector(sector) if sector else None, UnitKind(kind)):
            result[cluster][stream] += int(row[-1])
    return result


def covers(
    indicator: domain.Indicator,
    target: domain.Target | None,
    sector: Sector | None,
    kind: UnitKind,
) -> bool:
    """Whether a unit of ``kind`` and ``sector`` is counted by the indicator and target."""
    if not indicator.applies_to(kind, sector):
        return False
    if target is None:
        return True
    if target.sectors and sector not in target.sectors:
        return False
    return not (target.unit_kinds and kind not in target.unit_kinds)


def scope_targets(
    indicator: domain.Indicator, scope: Scope
) -> list[tuple[domain.Target | None, bool]]:
    """The targets shown at ``scope``, each with whether it is the scope's own.

    The province's targets everywhere; a target given down to a unit only at
    that unit's own area (where it is judged as the area's own). An
    indicator without targets gets one row of totals (``None``).
    """
    own_root = scope.root_unit_id if scope.cluster_id is None else None
    chosen: list[tuple[domain.Target | None, bool]] = [
        (t, t.unit_id is not None)
        for t in indicator.targets
        if t.unit_id is None or (own_root is not None and t.unit_id == own_root)
    ]
    return chosen or [(None, False)]


def rollup(
    session: Session,
    *,
    plan_id: str,
    scope: Scope | None = None,
    streams: Iterable[str] | None = None,
    live: bool = False,
    plan: domain.Plan | None = None,
    unit_counts: dict[tuple[Sector | None, UnitKind], int] | None = None,
    scope_ids: Select[str] | None = None,
    subtree_parents: list[str] | None = None,
) -> list[TargetRollup]:
    """Roll up every indicator target of the plan over ``scope``, judged.

    Indicators without targets get one row with ``target=None`` (totals
    only). Targets given down to a unit appear at that unit's own area only.

    The sums come from the maintained cells (``app.rollup.cache``), exact
    even when they have not been refreshed; ``live=True`` computes them from
    the values alone (the reference the cells are tested against). A caller
    that has just read the plan may pass it as ``plan``, and one that has counted the
    scope's units by (sector, kind) as ``unit_counts``; one that has read the ids of a
    scope (not the whole roster) as ``scope_ids`` (:func:`app.core.id_sets.id_set`),
    so its subtree is not walked again, and with them, for a subtree, its root and every
    unit of it with a child in it as ``subtree_parents`` (the buckets of parent cells it
    reads), so they are not sought among those ids.
    """
    if plan is None or plan.id != plan_id:
        plan = get_plan(session, plan_id)
    scope = scope or Scope()
    federation_id = federation_unit_id(session)
    if scope.root_unit_id is not None and scope.root_unit_id == federation_id:
        scope = Scope(cluster_id=scope.cluster_id)
        # What was read of the subtree, not of this scope (the whole roster).
        scope_ids, subtree_parents, unit_counts = None, None, None
    whole = scope.root_unit_id is None and scope.cluster_id is None
    stream_list = (
        list(streams)
        if streams is not None
        else [
            REGISTRATION_STREAM,
            *(p.code for p in plan.periods),
        ]
    )
    if scope_ids is None and scope.root_unit_id is not None and not live:
        # A subtree's rows read once (a province's 21,000): its ids, its parents and
        # its units by (sector, kind), rather than the subtree walked in each query.
        rows = scope_rows(session, plan.year, scope)
        scope_ids = id_set(session, rows.ids)
        if scope.cluster_id is None:
            subtree_parents = rows.parents()
        if unit_counts is None:
            unit_counts = rows.unit_counts(federation_id)
    units = scope_units(plan.year, scope) if whole or scope_ids is None else scope_ids
    subtree: Select[str] | None = None
    if scope.root_unit_id is not None:
        given = scope_ids is not None and scope.cluster_id is None
        if given and subtree_parents is not None:
            subtree = id_set(session, subtree_parents)
        elif given:
            subtree = _parents_within(session, plan.year, units, scope.root_unit_id)
        else:
            subtree = _subtree(plan.year, scope.root_unit_id)
    if live:
        all_groups = rollup_cache.live_groups(session, plan_id=plan.id, year=plan.year, units=units)
    else:
        all_groups = rollup_cache.groups(
            session,
            plan_id=plan.id,
            year=plan.year,
            units=units,
            root_unit_id=scope.root_unit_id,
            subtree=subtree,
            cluster_id=scope.cluster_id,
        )
    if unit_counts is None:
        unit_counts = _unit_counts(session, plan, None if whole else units, federation_id)

    def meeting(indicator: domain.Indicator, target: domain.Target) -> dict[str, int]:
        return _each_unit_meeting(session, plan, units, indicator, target, stream_list)

    return judged_rollups(plan, scope, stream_list, all_groups, unit_counts, meeting)


def _parents_within(
    session: Session, year: int, units: Select[str], root_unit_id: str
) -> Select[str]:
    """The root of the subtree ``units`` and every unit of it with a child in it: the
    buckets of parent cells a subtree reads (a province's few dozen, looked up by the
    cells' index, not its 21,000 units sought in every cell)."""
    entry = models.RosterEntry
    parents = session.scalars(
        select(entry.parent_id)
        .distinct()
        .where(
            entry.year == year,
            entry.unit_id.in_(units),
            entry.unit_id != root_unit_id,
            entry.parent_id.is_not(None),
        )
    )
    return id_set(session, sorted({root_unit_id, *parents}))


def judged_rollups(
    plan: domain.Plan,
    scope: Scope,
    stream_list: list[str],
    all_groups: Iterable[Group],
    unit_counts: dict[tuple[Sector | None, UnitKind], int],
    meeting_of: Callable[[domain.Indicator, domain.Target], dict[str, int]],
) -> list[TargetRollup]:
    """Every target of ``plan`` judged over ``scope`` from its groups, its reporting units
    by (sector, kind) and, for each-unit targets, ``meeting_of`` (per stream, the units
    meeting it): :func:`rollup` once its figures are read."""
    whole = scope.root_unit_id is None and scope.cluster_id is None
    groups_by_indicator: dict[str, list[Group]] = defaultdict(list)
    for group in all_groups:
        groups_by_indicator[group.indicator_id].append(group)
    result: list[TargetRollup] = []
    for indicator in plan.indicators:
        for target, own in scope_targets(indicator, scope):
            applicable = sum(
                count
                for (sector, kind), count in unit_counts.items()
                if covers(indicator, target, sector, kind)
            )
            groups = [
                g
                for g in groups_by_indicator.get(indicator.id, [])
                if covers(indicator, target, g.sector, g.kind)
            ]
            meeting: dict[str, int] = {}
            if target is not None and target.scope is TargetScope.EACH_UNIT:
                meeting = meeting_of(indicator, target)
            figures = {
                stream: _figure(
                    plan,
                    indicator,
                    target,
                    [g for g in groups if g.stream == stream],
                    applicable,
                    meeting.get(stream, 0),
                    stream=stream,
                    whole=whole,
                    own=own,
                )
                for stream in stream_list
            }
            result.append(TargetRollup(indicator, target, applicable, figures, own))
    return result


def _figure(
    plan: domain.Plan,
    indicator: domain.Indicator,
    target: domain.Target | None,
    groups: list[Group],
    applicable: int,
    each_unit_meeting: int,
    *,
    stream: str,
    whole: bool,
    own: bool,
) -> Figure:
    """Add up one stream's groups into the integers behind the figure, then judge it."""
    reporting = sum(g.units for g in groups)
    numerator: int
    denominator: int | None
    measure = measure_of(indicator, target)
    if measure is Measure.EACH_UNIT:
        numerator, denominator = each_unit_meeting, applicable
    elif measure is Measure.TOTAL:
        numerator, denominator = sum(g.amount for g in groups), None
    elif measure is Measure.PERCENT:
        numerator = sum(g.numerator for g in groups)
        denominator = sum(g.denominator for g in groups)
    elif measure is Measure.AVERAGE:
        numerator, denominator = sum(g.amount for g in groups), applicable
    elif measure is Measure.SHARE:
        if indicator.kind is IndicatorKind.YES_NO:
            numerator = sum(g.yes for g in groups)
        elif indicator.kind is IndicatorKind.GRADE:
            numerator = (
                sum(g.units for g in groups if grade_counts(plan, target, g.grade))
                if target is not None
                else 0
            )
        else:
            numerator = sum(g.units for g in groups if g.goal_met)
        denominator = applicable
    else:  # text commitments are listed, not computed
        numerator, denominator = reporting, applicable
    return judge_figure(
        plan,
        indicator,
        target,
        stream=stream,
        numerator=numerator,
        denominator=denominator,
        reporting_units=reporting,
        applicable_units=applicable,
        whole=whole,
        own=own,
    )


__all__ = [
    "Figure",
    "Scope",
    "TargetRollup",
    "cluster_unit_counts",
    "covers",
    "describe_scope",
    "each_unit_meeting",
    "federation_unit_id",
    "judged_rollups",
    "resolve_scope",
    "rollup",
    "scope_targets",
    "scope_units",
]

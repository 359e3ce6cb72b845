"""The scope chooser: the whole province, each cluster, each unit with units under it.

Read at national size (126,000 units, ~1,400 upper levels) without reading the
tree's rows: the units and the counts per cluster counted in SQL, each upper
level's direct members counted in SQL over the (year, parent) index, the upper
levels' own parents and their code and name read (a few thousand rows); the
subtree sizes are added up from there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.installation import get_installation
from app.core.text import natural_key
from app.rollup.query import Scope
from db import models


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


def _top_down(parents: dict[str, str | None]) -> tuple[dict[str, list[str]], list[str]]:
    """The members of each unit of ``parents`` (unit → its upper level), and the units
    breadth-first from the tops (a unit of a cycle in bad data is never reached)."""
    children: dict[str, list[str]] = defaultdict(list)
    for unit_id, parent in parents.items():
        if parent is not None and parent in parents:
            children[parent].append(unit_id)
    order = [u for u, p in parents.items() if p is None or p not in parents]
    for unit_id in order:  # grows while it is walked: breadth-first
        order.extend(children.get(unit_id, ()))
    return children, order


def _subtree_sizes(parents: dict[str, str | None], federation_id: str) -> dict[str, int]:
    """Units at or below each unit that has children, the federation never counted,
    from every (unit, parent) pair of the tree.

    Sizes are added up from the leaves (breadth-first from the tops, then in
    reverse); a unit of a cycle in bad data is reached from no top and is
    counted by walking its subtree instead.
    """
    children, order = _top_down(parents)
    size = {u: 0 if u == federation_id else 1 for u in parents}
    for unit_id in reversed(order):
        parent = parents[unit_id]
        if parent is not None and parent in size:
            size[parent] += size[unit_id]
    reached = set(order)
    for unit_id in children:
        if unit_id not in reached:
            size[unit_id] = _walk(children, unit_id, federation_id)
    return {u: size[u] for u in children}


def _upper_sizes(session: Session, year: int, federation_id: str) -> dict[str, int]:
    """:func:`_subtree_sizes` without the tree's rows: from the count of each upper
    level's direct members and the upper levels' own parents. A cycle in bad data
    (an upper level reached from no top) is counted from the whole tree instead."""
    entry = models.RosterEntry
    direct: dict[str, int] = {
        str(parent): int(count)
        for parent, count in session.execute(
            select(entry.parent_id, func.count())
            .where(entry.year == year, entry.parent_id.is_not(None))
            .group_by(entry.parent_id)
        )
    }
    has_members = select(entry.parent_id).where(entry.year == year, entry.parent_id.is_not(None))
    uppers: dict[str, str | None] = {
        unit_id: parent
        for unit_id, parent in session.execute(
            select(entry.unit_id, entry.parent_id).where(
                entry.year == year, entry.unit_id.in_(has_members)
            )
        )
    }
    federation_parent = session.scalar(
        select(entry.parent_id).where(entry.year == year, entry.unit_id == federation_id)
    )
    inner, order = _top_down(uppers)  # upper level → its upper-level members
    if len(order) < len(uppers):  # a cycle: counted unit by unit
        return _subtree_sizes(_tree(session, year), federation_id)
    size: dict[str, int] = {}
    for unit_id in reversed(order):
        leaves = direct[unit_id] - len(inner.get(unit_id, ()))
        if federation_parent == unit_id and federation_id not in uppers:
            leaves -= 1  # the federation under a unit (bad data) is never counted
        own = 0 if unit_id == federation_id else 1
        size[unit_id] = own + leaves + sum(size[c] for c in inner.get(unit_id, ()))
    return size


def _tree(session: Session, year: int) -> dict[str, str | None]:
    entry = models.RosterEntry
    return {
        unit_id: parent
        for unit_id, parent in session.execute(
            select(entry.unit_id, entry.parent_id).where(entry.year == year)
        )
    }


def _walk(children: dict[str, list[str]], root: str, federation_id: str) -> int:
    seen: set[str] = set()
    stack = [root]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(children.get(current, ()))
    return len(seen - {federation_id})


def scope_choices(session: Session, *, year: int) -> list[ScopeChoice]:
    """The whole province, then each cluster, then each unit that has units under it."""
    installation = get_installation(session)
    federation_id = installation.own_unit_id if installation is not None else ""
    entry = models.RosterEntry
    units = session.scalar(
        select(func.count()).where(entry.year == year, entry.unit_id != federation_id)
    )
    choices = [ScopeChoice(ScopeKind.PROVINCE, None, "", "", int(units or 0))]
    counts: dict[str | None, int] = {
        cluster_id: count
        for cluster_id, count in session.execute(
            select(entry.cluster_id, func.count())
            .where(
                entry.year == year, entry.cluster_id.is_not(None), entry.unit_id != federation_id
            )
            .group_by(entry.cluster_id)
        )
    }
    clusters = session.execute(
        select(models.Cluster.id, models.Cluster.code, models.Cluster.name).where(
            models.Cluster.year == year
        )
    ).all()
    for cluster_id, code, name in sorted(clusters, key=lambda row: natural_key(row[1])):
        choices.append(
            ScopeChoice(ScopeKind.CLUSTER, cluster_id, code, name, int(counts.get(cluster_id, 0)))
        )
    sizes = _upper_sizes(session, year, federation_id)
    sizes.pop(federation_id, None)
    unit = models.Unit
    named = session.execute(
        select(unit.id, unit.code, unit.name).where(
            unit.id.in_(
                select(entry.parent_id).where(entry.year == year, entry.parent_id.is_not(None))
            )
        )
    ).all()
    rows = [(u, code or "", name) for u, code, name in named if u in sizes]
    for unit_id, code, name in sorted(rows, key=lambda row: natural_key(row[1])):
        choices.append(ScopeChoice(ScopeKind.SUBTREE, unit_id, code, name, sizes[unit_id]))
    return choices


__all__ = ["ScopeChoice", "ScopeKind", "scope_choices"]

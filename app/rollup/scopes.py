"""The scope chooser: the whole province, each cluster, each unit with units under it.

Read at national size (126,000 units, ~1,400 upper levels) from three narrow
queries: the counts per cluster in SQL, the tree as (unit, parent) pairs for
the subtree sizes, and the code and name of the units that have children only.
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


def _subtree_sizes(parents: dict[str, str | None], federation_id: str) -> dict[str, int]:
    """Units at or below each unit that has children, the federation never counted.

    Sizes are added up from the leaves (breadth-first from the tops, then in
    reverse); a unit of a cycle in bad data is reached from no top and is
    counted by walking its subtree instead.
    """
    children: dict[str, list[str]] = defaultdict(list)
    for unit_id, parent in parents.items():
        if parent is not None and parent in parents:
            children[parent].append(unit_id)
    order = [u for u, p in parents.items() if p is None or p not in parents]
    for unit_id in order:  # grows while it is walked: breadth-first
        order.extend(children.get(unit_id, ()))
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
    parents: dict[str, str | None] = {
        unit_id: parent
        for unit_id, parent in session.execute(
            select(entry.unit_id, entry.parent_id).where(entry.year == year)
        )
    }
    choices = [
        ScopeChoice(ScopeKind.PROVINCE, None, "", "", len(parents) - (federation_id in parents))
    ]
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
    sizes = _subtree_sizes(parents, federation_id)
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

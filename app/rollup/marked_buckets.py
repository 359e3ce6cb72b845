"""Where marked units' values sit in the roll-up: their parents' buckets and clusters.

A unit marked in ``rollup_dirty`` makes every bucket holding it stale; a parent's area
total may leave out its children's values, so their buckets count too.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models

_CHUNK = 500


def buckets_of(session: Session, year: int, unit_ids: list[str]) -> tuple[set[str], set[str]]:
    """The parent buckets ("" for the top) and clusters of units in the plan year, and
    those of their children (whose values a parent's area total may leave out)."""
    entry = models.RosterEntry
    parents: set[str] = set()
    clusters: set[str] = set()
    for start in range(0, len(unit_ids), _CHUNK):
        chunk = unit_ids[start : start + _CHUNK]
        # The units themselves, then their children.
        for column in (entry.unit_id, entry.parent_id):
            rows = session.execute(
                select(entry.parent_id, entry.cluster_id).where(
                    entry.year == year, column.in_(chunk)
                )
            )
            for parent_id, cluster_id in rows:
                parents.add(parent_id or "")
                if cluster_id is not None:
                    clusters.add(cluster_id)
    return parents, clusters

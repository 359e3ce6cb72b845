"""Checked roster rows written to the database: units, roster entries, clusters, leaders."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.roster.columns import cluster_key
from app.roster.rows import RosterRow
from db import models
from db.parameters import in_chunks


def apply_rows(
    session: Session, rows: list[RosterRow], year: int, root_id: str
) -> tuple[int, int, int, int, list[str]]:
    """Write checked rows: (created, updated, unchanged, clusters, leaders cleared)."""
    # Each list bound in chunks (a country's roster: 126,000 codes).
    existing_units = {
        u.code: u
        for chunk in in_chunks(r.code for r in rows)
        for u in session.scalars(select(models.Unit).where(models.Unit.code.in_(chunk)))
        if u.code is not None
    }
    created = 0
    units: dict[str, models.Unit] = {}
    changed: set[str] = set()
    for row in rows:
        unit = existing_units.get(row.code)
        if unit is None:
            unit = models.Unit(code=row.code, name=row.name, kind=row.kind)
            session.add(unit)
            created += 1
        elif (unit.name, unit.kind, unit.phone, unit.email, unit.chair_name) != (
            row.name,
            row.kind,
            row.phone,
            row.email,
            row.chair,
        ):
            changed.add(row.code)
        unit.name = row.name
        unit.kind = row.kind
        unit.phone = row.phone
        unit.email = row.email
        unit.chair_name = row.chair
        units[row.code] = unit
    session.flush()

    clusters, cleared = _clusters(session, year, rows, units)
    entries = {
        e.unit_id: e
        for chunk in in_chunks(u.id for u in units.values())
        for e in session.scalars(
            select(models.RosterEntry).where(
                models.RosterEntry.year == year, models.RosterEntry.unit_id.in_(chunk)
            )
        )
    }
    parent_ids = _parent_ids(session, rows, units)
    if (
        session.scalar(
            select(models.RosterEntry).where(
                models.RosterEntry.year == year, models.RosterEntry.unit_id == root_id
            )
        )
        is None
    ):
        session.add(models.RosterEntry(year=year, unit_id=root_id, parent_id=None))
    for row in rows:
        unit = units[row.code]
        entry = entries.get(unit.id)
        wanted = (
            parent_ids.get(row.code) or root_id,
            row.sector,
            row.members,
            row.workers,
            clusters[row.cluster].id if row.cluster else None,
        )
        if entry is None:
            entry = models.RosterEntry(year=year, unit_id=unit.id)
            session.add(entry)
            changed.add(row.code)
        elif (
            entry.parent_id,
            entry.sector,
            entry.member_count,
            entry.worker_count,
            entry.cluster_id,
        ) != wanted:
            changed.add(row.code)
        (
            entry.parent_id,
            entry.sector,
            entry.member_count,
            entry.worker_count,
            entry.cluster_id,
        ) = wanted
    updated = len(changed - {r.code for r in rows if r.code not in existing_units})
    unchanged = len(existing_units) - updated
    return created, updated, unchanged, len({c.id for c in clusters.values()}), cleared


def _parent_ids(
    session: Session, rows: Iterable[RosterRow], units: dict[str, models.Unit]
) -> dict[str, str]:
    outside = {r.parent for r in rows if r.parent and r.parent not in units}
    lookup = {
        code: unit_id
        for chunk in in_chunks(outside)
        for code, unit_id in session.execute(
            select(models.Unit.code, models.Unit.id).where(models.Unit.code.in_(chunk))
        )
    }
    result: dict[str, str] = {}
    for row in rows:
        if row.parent:
            result[row.code] = units[row.parent].id if row.parent in units else lookup[row.parent]
    return result


def _clusters(
    session: Session, year: int, rows: Iterable[RosterRow], units: dict[str, models.Unit]
) -> tuple[dict[str, models.Cluster], list[str]]:
    """The workbook's clusters (made when new) and the leaders it sets or clears.

    Returns the clusters by code and the codes of the clusters left without
    their leader.
    """
    result: dict[str, models.Cluster] = {}
    cleared: list[str] = []
    placed = {units[r.code].id: r for r in rows}
    # A leader the workbook moves out of its cluster (or marks "không") stops leading it.
    led_clusters = [
        led
        for chunk in in_chunks(placed)
        for led in session.scalars(
            select(models.Cluster).where(
                models.Cluster.year == year, models.Cluster.leader_unit_id.in_(chunk)
            )
        )
    ]
    for led in led_clusters:
        row = placed[led.leader_unit_id or ""]
        if cluster_key(row.cluster or "") != cluster_key(led.code) or row.leader is False:
            led.leader_unit_id = None
            cleared.append(led.code)
    known = {
        cluster_key(c.code): c
        for c in session.scalars(select(models.Cluster).where(models.Cluster.year == year))
    }
    for row in rows:
        if not row.cluster:
            continue
        cluster = known.get(cluster_key(row.cluster))
        if cluster is None:
            cluster = models.Cluster(year=year, code=row.cluster, name=row.cluster)
            session.add(cluster)
            known[cluster_key(row.cluster)] = cluster
        result[row.cluster] = cluster
        if row.leader:
            cluster.leader_unit_id = units[row.code].id
            if cluster.code in cleared:
                cleared.remove(cluster.code)
    session.flush()
    return result, sorted(cleared)

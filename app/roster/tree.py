"""The roster read back: the organisation tree of one plan year."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.text import fold
from db import models
from db.enums import UnitKind


def list_roster(session: Session, *, year: int) -> list[domain.RosterUnit]:
    rows = session.execute(
        select(models.Unit, models.RosterEntry, models.Cluster.code, models.Cluster.leader_unit_id)
        .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
        .outerjoin(models.Cluster, models.Cluster.id == models.RosterEntry.cluster_id)
        .where(models.RosterEntry.year == year)
        .order_by(models.Unit.code)
    )
    return [
        domain.RosterUnit(
            id=unit.id,
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            sector=entry.sector,
            parent_id=entry.parent_id,
            cluster_code=cluster_code,
            member_count=entry.member_count,
            worker_count=entry.worker_count,
            phone=unit.phone,
            email=unit.email,
            leader=leader_id == unit.id,
            chair=unit.chair_name or "",
        )
        for unit, entry, cluster_code, leader_id in rows
    ]


def unit_labels(session: Session, *, year: int) -> list[tuple[str, str]]:
    """(code, name) of the ``year`` roster's reporting units (the federation aside, a unit
    with a code only), in the order :func:`list_roster` lists them: a unit list to choose
    from, read as plain rows (a country's 126,000 units in a fraction of a full read)."""
    unit = models.Unit
    rows = session.execute(
        select(unit.code, unit.name)
        .join(models.RosterEntry, models.RosterEntry.unit_id == unit.id)
        .where(
            models.RosterEntry.year == year,
            unit.kind != UnitKind.FEDERATION.value,
            unit.code.is_not(None),
            unit.code != "",
        )
        .order_by(unit.code)
    )
    return [(code or "", name) for code, name in rows]  # never None: filtered above


def search_keys(units: list[domain.RosterUnit]) -> list[str]:
    """What a roster search matches each unit on, in the order of ``units``: its code,
    name and chair folded (:func:`app.core.text.fold`). Made where the roster is read
    (a worker), not on the first keystroke: the country's 126,000 units take seconds."""
    return [fold(f"{u.code or ''} {u.name} {u.chair}") for u in units]


def default_year(session: Session) -> int:
    """The newest plan's year, or this calendar year when there is no plan."""
    year = session.scalar(select(models.Plan.year).order_by(models.Plan.year.desc()).limit(1))
    return year if year is not None else dt.date.today().year

"""One unit of the roster changed on screen: added or edited, retired, made cluster leader.

Each change passes the checks of a workbook row and is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.core import audit
from app.core.errors import N_, InputError, NotFoundError
from app.core.installation import require_installation
from app.roster.apply import apply_rows
from app.roster.columns import COLUMNS, KIND_SHOWN, SECTOR_LABELS
from app.roster.relations import relation_errors
from app.roster.rows import (
    RosterError,
    RosterImportResult,
    RosterNote,
    RowError,
    cell_text,
    check_row,
)
from db import models


def save_roster_unit(
    session: Session, *, year: int, values: dict[str, Any], creating: bool
) -> RosterImportResult:
    """Add a unit to the ``year`` roster, or change one (its code is its identity).

    ``values`` holds the template's columns by key (``code``, ``name``,
    ``kind``, …) as a person types them; they pass exactly the checks a
    workbook row passes (a row numbered 0). Moving a unit is changing its
    upper level or cluster. Audited; raises :class:`RosterError` and changes
    nothing on bad input.
    """
    installation = require_installation(session)
    record: dict[str, Any] = {c.key: values.get(c.key) for c in COLUMNS}
    errors: list[RowError] = []
    notes: list[RosterNote] = []
    row = check_row(0, record, errors, notes)
    code = cell_text(record["code"])
    listed = session.scalar(
        select(models.RosterEntry.unit_id)
        .join(models.Unit, models.Unit.id == models.RosterEntry.unit_id)
        .where(models.RosterEntry.year == year, models.Unit.code == code)
    )
    if code and creating and listed is not None:
        errors.append(
            RowError(0, "code", N_("code {code} is already in the roster"), (("code", code),))
        )
    if code and not creating and listed is None:
        errors.append(
            RowError(0, "code", N_("no unit with code {code} in the roster"), (("code", code),))
        )
    if row is not None:
        errors.extend(relation_errors(session, [row], year))
    if errors or row is None:
        raise RosterError(errors)
    before = _unit_fields(session, year, code)
    if creating:
        earlier = session.scalar(select(models.Unit.name).where(models.Unit.code == code))
        if earlier is not None:
            notes.append(
                RosterNote(
                    0,
                    "code",
                    N_(
                        "code {code} was {name}'s, taken out of the roster earlier: that unit "
                        "comes back with these details"
                    ),
                    (("code", code), ("name", earlier)),
                )
            )
    created, updated, unchanged, clusters, cleared = apply_rows(
        session, [row], year, installation.own_unit_id
    )
    after = _unit_fields(session, year, code)
    audit.record(
        session,
        action="roster.unit.add" if creating else "roster.unit.edit",
        subject=code,
        detail={
            "year": year,
            "name": row.name,
            "parent": row.parent or "",
            "changed": updated,
            # What changed, old → new, so a rename or a move can be traced.
            "changes": {
                key: [before.get(key, ""), value]
                for key, value in after.items()
                if before and before.get(key, "") != value
            },
        },
    )
    session.flush()
    return RosterImportResult(
        year, created, updated, clusters, (), tuple(cleared), unchanged, tuple(notes)
    )


def _unit_fields(session: Session, year: int, code: str) -> dict[str, str]:
    """A unit of the ``year`` roster as words per column ({} when not in it)."""
    parent = aliased(models.Unit)
    found = session.execute(
        select(models.Unit, models.RosterEntry, parent.code, models.Cluster.code)
        .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
        .outerjoin(parent, parent.id == models.RosterEntry.parent_id)
        .outerjoin(models.Cluster, models.Cluster.id == models.RosterEntry.cluster_id)
        .where(models.RosterEntry.year == year, models.Unit.code == code)
    ).first()
    if found is None:
        return {}
    unit, entry, parent_code, cluster = found
    return {
        "name": unit.name,
        "kind": KIND_SHOWN.get(unit.kind, ""),
        "sector": SECTOR_LABELS.get(entry.sector, "") if entry.sector else "",
        "parent": parent_code or "",
        "cluster": cluster or "",
        "members": str(entry.member_count),
        "workers": str(entry.worker_count),
        "chair": unit.chair_name or "",
        "phone": unit.phone or "",
        "email": unit.email or "",
    }


def retire_roster_unit(session: Session, *, year: int, code: str) -> None:
    """Take a unit out of the ``year`` roster (dissolved, merged): its packages and
    figures stay in the archive. Refused while units of that year sit under it."""
    unit = session.scalar(select(models.Unit).where(models.Unit.code == code))
    entry = (
        session.scalar(
            select(models.RosterEntry).where(
                models.RosterEntry.year == year, models.RosterEntry.unit_id == unit.id
            )
        )
        if unit is not None
        else None
    )
    if unit is None or entry is None:
        raise NotFoundError(
            N_("No unit with code {code} in the {year} roster."),
            params={"code": code, "year": year},
        )
    below = session.scalar(
        select(func.count())
        .select_from(models.RosterEntry)
        .where(models.RosterEntry.year == year, models.RosterEntry.parent_id == unit.id)
    )
    if below:
        raise InputError(
            N_("{count} units are under {code}: move them to another upper level first."),
            params={"count": below, "code": code},
        )
    for cluster in session.scalars(
        select(models.Cluster).where(
            models.Cluster.year == year, models.Cluster.leader_unit_id == unit.id
        )
    ):
        cluster.leader_unit_id = None
    session.delete(entry)
    audit.record(
        session, action="roster.unit.retire", subject=code, detail={"year": year, "name": unit.name}
    )
    session.flush()


def set_cluster_leader(
    session: Session, *, year: int, cluster: str, unit_code: str | None
) -> str | None:
    """Make ``unit_code`` the leader of ``cluster`` in ``year``, or clear it (None).

    The leader must be a member of the cluster that year. Returns the
    previous leader's code (None when there was none). Audited; raises
    :class:`NotFoundError` / :class:`InputError` and changes nothing on bad
    input. Runs inside the caller's transaction.
    """
    row = session.scalar(
        select(models.Cluster).where(models.Cluster.year == year, models.Cluster.code == cluster)
    )
    if row is None:
        raise NotFoundError(
            N_("There is no cluster {cluster} in {year}."),
            params={"cluster": cluster, "year": year},
        )
    previous = (
        session.scalar(select(models.Unit.code).where(models.Unit.id == row.leader_unit_id))
        if row.leader_unit_id
        else None
    )
    leader_id: str | None = None
    if unit_code is not None:
        leader_id = session.scalar(
            select(models.Unit.id)
            .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
            .where(
                models.Unit.code == unit_code,
                models.RosterEntry.year == year,
                models.RosterEntry.cluster_id == row.id,
            )
        )
        if leader_id is None:
            raise InputError(
                N_("{code} is not a member of cluster {cluster} in {year}."),
                params={"code": unit_code, "cluster": cluster, "year": year},
            )
    row.leader_unit_id = leader_id
    audit.record(
        session,
        action="roster.leader",
        subject=cluster,
        detail={"year": year, "leader": unit_code or "", "previous": previous or ""},
    )
    session.flush()
    return previous

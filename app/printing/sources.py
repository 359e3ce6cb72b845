"""What the printed forms show, read from the database as frozen values.

The same readers serve a unit's own database (its one unit, its outbox and
its own key) and the federation's merged database (any unit, the stream
heads and the accepted unit keys). Loaders take many units at once so a
batch of two thousand forms costs a handful of queries, not thousands.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.errors import N_, NotFoundError, UserError
from app.core.installation import get_setting, require_installation
from app.exchange import staff_entered
from app.statements import saved_value
from db import models
from db.enums import REGISTRATION_STREAM, Role, Sector, UnitKind
from db.parameters import IN_CHUNK, in_chunks


@dataclass(frozen=True)
class UnitInfo:
    """A unit as its forms name it."""

    id: str
    code: str
    name: str
    kind: UnitKind
    sector: Sector | None
    parent_name: str  # the upper-level union, or the federation
    cluster_id: str | None
    cluster_name: str
    federation_name: str


@dataclass(frozen=True)
class Title:
    collective: bool
    person_name: str
    position: str
    title: str


@dataclass(frozen=True)
class StatementDoc:
    """One statement (registration or period results) of one unit."""

    unit_id: str
    stream: str
    signer_name: str
    signer_title: str
    signed_on: dt.date | None
    place: str
    notes: str
    revision: int
    values: dict[str, domain.UnitValue] = field(default_factory=dict)
    movement_codes: tuple[str, ...] = ()
    titles: tuple[Title, ...] = ()
    works: tuple[tuple[str, str], ...] = ()  # name, occasion
    narrative: domain.Narrative = field(default_factory=domain.Narrative)
    #: "paper" | "excel" when staff entered it on the unit's behalf; "" when the
    #: unit sent it signed (or, at a unit, typed it itself).
    entered_from: str = ""


@dataclass(frozen=True)
class Verification:
    """What ties the stamped paper to the signed package.

    ``package_hash`` and ``revision`` are those of the last exported (at a
    unit) or merged (at the federation) registration package; None when
    nothing was exported yet. ``fingerprint`` is None when the unit has no
    key yet.
    """

    unit_code: str
    fingerprint: str | None
    revision: int | None
    package_hash: str | None

    def payload(self) -> str:
        """The QR code's text: ``thidua:v1;unit=…;rev=…;hash=…;key=…``."""
        return (
            f"thidua:v1;unit={self.unit_code};rev={self.revision or 0};"
            f"hash={self.package_hash or ''};key={self.fingerprint or ''}"
        )


# --- who is printing --------------------------------------------------------------------


def resolve_unit(session: Session, unit: str | None) -> str:
    """A unit id from a code or id; None means this unit database's own unit."""
    installation = require_installation(session)
    if unit is None:
        if installation.role is Role.FEDERATION:
            raise UserError(N_("Name the unit to print (--unit CODE)."))
        return installation.own_unit_id
    row = session.scalar(select(models.Unit).where(models.Unit.code == unit))
    if row is None:
        row = session.get(models.Unit, unit)
    if row is None:
        raise NotFoundError(N_("No unit with code {code}."), params={"code": unit})
    return row.id


def federation_name(session: Session, plan: domain.Plan) -> str:
    installation = require_installation(session)
    if installation.role is Role.FEDERATION:
        return installation.own_unit_name
    return get_setting(session, "federation_name") or plan.issuer


def resolve_cluster(session: Session, plan: domain.Plan, cluster: str) -> domain.Cluster:
    """A cluster of the plan year by code, name or id."""
    rows = session.scalars(select(models.Cluster).where(models.Cluster.year == plan.year)).all()
    wanted = cluster.strip().casefold()
    for row in rows:
        if wanted in (row.code.casefold(), row.name.casefold(), row.id):
            return domain.Cluster(row.id, row.year, row.code, row.name, row.leader_unit_id)
    raise NotFoundError(
        N_("There is no cluster {cluster} in {year}."),
        params={"cluster": cluster, "year": plan.year},
    )


# --- units -------------------------------------------------------------------------------


def _plan_package_unit(session: Session, plan_id: str) -> dict[str, Any]:
    """The unit part of the last plan package a unit database imported.

    It was verified when imported; here it only supplies names (the cluster,
    the upper-level union) the unit database does not otherwise keep.
    """
    from app.exchange import MAX_PACKAGE_BYTES, open_envelope, parse_payload

    raw = session.scalar(
        select(models.Package.raw)
        .where(models.Package.kind == "plan", models.Package.plan_id == plan_id)
        .order_by(models.Package.received_at.desc())
        .limit(1)
    )
    if raw is None:
        return {}
    try:
        envelope = open_envelope(raw, max_size=MAX_PACKAGE_BYTES)
        unit = parse_payload(envelope.payload, raw).body.get("unit", {})
    except (UserError, ValueError):
        return {}
    return unit if isinstance(unit, dict) else {}


def load_units(
    session: Session, plan: domain.Plan, unit_ids: Collection[str] | None = None
) -> dict[str, UnitInfo]:
    """The units (all in the plan year's roster, or those given) by id."""
    installation = require_installation(session)
    fed_name = federation_name(session, plan)
    entry = models.RosterEntry
    query = (
        select(models.Unit, entry.sector, entry.parent_id, entry.cluster_id)
        .outerjoin(entry, (entry.unit_id == models.Unit.id) & (entry.year == plan.year))
        .order_by(models.Unit.code)
    )
    if unit_ids is None:
        rows = list(session.execute(query).all())
    else:  # bound in chunks: a batch may name a country's units
        rows = [
            row
            for chunk in in_chunks(unit_ids)
            for row in session.execute(query.where(models.Unit.id.in_(chunk))).all()
        ]
    names = {
        uid: name
        for chunk in in_chunks({r[2] for r in rows if r[2]})
        for uid, name in session.execute(
            select(models.Unit.id, models.Unit.name).where(models.Unit.id.in_(chunk))
        )
    }
    clusters = {
        c.id: c.name
        for c in session.scalars(select(models.Cluster).where(models.Cluster.year == plan.year))
    }
    package_unit: dict[str, Any] = {}
    own_sector: Sector | None = None
    if installation.role is Role.UNIT:
        package_unit = _plan_package_unit(session, plan.id)
        sector_text = get_setting(session, "own_sector")
        own_sector = Sector(sector_text) if sector_text else None
    result: dict[str, UnitInfo] = {}
    for unit, sector, parent_id, cluster_id in rows:
        parent_name = names.get(parent_id or "", "")
        cluster_name = clusters.get(cluster_id or "", "")
        if installation.role is Role.UNIT and unit.id == installation.own_unit_id:
            sector = sector or own_sector
            parent_name = parent_name or str(package_unit.get("parent_name") or "")
            cluster_name = cluster_name or str(package_unit.get("cluster") or "")
        if installation.role is Role.FEDERATION and parent_id == installation.own_unit_id:
            parent_name = fed_name
        result[unit.id] = UnitInfo(
            id=unit.id,
            code=unit.code or "",
            name=unit.name,
            kind=unit.kind,
            sector=sector,
            parent_name=parent_name or fed_name,
            cluster_id=cluster_id,
            cluster_name=cluster_name,
            federation_name=fed_name,
        )
    return result


# --- statements ---------------------------------------------------------------------------


def load_statements(
    session: Session, plan: domain.Plan, stream: str, unit_ids: Collection[str] | None = None
) -> dict[str, StatementDoc]:
    """Every statement of ``stream`` (of the units given), by unit id, in five queries
    (five per chunk of the units given)."""
    if unit_ids is not None and len(unit_ids) > IN_CHUNK:
        found: dict[str, StatementDoc] = {}
        for chunk in in_chunks(unit_ids):
            found.update(load_statements(session, plan, stream, chunk))
        return found
    statement = models.Statement
    conditions = [statement.plan_id == plan.id, statement.stream == stream]
    if unit_ids is not None:
        conditions.append(statement.unit_id.in_(list(unit_ids)))
    rows = {row.id: row for row in session.scalars(select(statement).where(*conditions))}
    if not rows:
        return {}
    ids = select(statement.id).where(*conditions)
    codes = {i.id: i.code for i in plan.indicators}
    movement_codes = {m.id: m.code for m in plan.movements}
    values: dict[str, dict[str, domain.UnitValue]] = defaultdict(dict)
    value = models.StatementValue
    for v in session.scalars(select(value).where(value.statement_id.in_(ids))):
        values[v.statement_id][codes.get(v.indicator_id, v.indicator_id)] = saved_value(v)
    movements: dict[str, list[str]] = defaultdict(list)
    for statement_id, movement_id in session.execute(
        select(models.StatementMovement.statement_id, models.StatementMovement.movement_id).where(
            models.StatementMovement.statement_id.in_(ids)
        )
    ):
        movements[statement_id].append(movement_codes.get(movement_id, movement_id))
    order = {m.code: index for index, m in enumerate(plan.movements)}
    titles: dict[str, list[Title]] = defaultdict(list)
    for t in session.scalars(
        select(models.StatementTitle)
        .where(models.StatementTitle.statement_id.in_(ids))
        .order_by(models.StatementTitle.statement_id, models.StatementTitle.sort_order)
    ):
        titles[t.statement_id].append(Title(t.collective, t.person_name, t.position, t.title))
    entered = staff_entered(session, plan.id)
    works: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for w in session.scalars(
        select(models.StatementWork)
        .where(models.StatementWork.statement_id.in_(ids))
        .order_by(models.StatementWork.statement_id, models.StatementWork.sort_order)
    ):
        works[w.statement_id].append((w.name, w.occasion))
    return {
        row.unit_id: StatementDoc(
            unit_id=row.unit_id,
            stream=row.stream,
            signer_name=row.signer_name,
            signer_title=row.signer_title,
            signed_on=row.signed_on,
            place=row.place,
            notes=row.notes,
            revision=row.revision,
            values=dict(values.get(row.id, {})),
            movement_codes=tuple(sorted(movements.get(row.id, []), key=lambda c: order.get(c, 99))),
            titles=tuple(titles.get(row.id, [])),
            works=tuple(works.get(row.id, [])),
            narrative=domain.Narrative(row.assessment, row.shortcomings, row.direction),
            entered_from=entered.get((row.unit_id, row.stream), ""),
        )
        for row in rows.values()
    }


# --- verification --------------------------------------------------------------------------


def load_verifications(
    session: Session,
    plan: domain.Plan,
    units: dict[str, UnitInfo],
) -> dict[str, Verification]:
    """Key fingerprint and last registration package of each unit given."""
    from app.exchange import fingerprint_groups

    installation = require_installation(session)
    result: dict[str, Verification] = {}
    if installation.role is Role.UNIT:
        from app.exchange import own_key_info

        key = own_key_info(session)
        outbox = session.get(models.Outbox, (plan.id, REGISTRATION_STREAM))
        for unit in units.values():
            result[unit.id] = Verification(
                unit_code=unit.code,
                fingerprint=key.fingerprint if key else None,
                revision=outbox.revision if outbox and outbox.last_hash else None,
                package_hash=outbox.last_hash if outbox else None,
            )
        return result
    # A statement staff entered is tied to no signed package: the box shows none.
    entered = staff_entered(session, plan.id)
    heads = {
        head.unit_id: head
        for chunk in in_chunks(units)
        for head in session.scalars(
            select(models.StreamHead).where(
                models.StreamHead.plan_id == plan.id,
                models.StreamHead.stream == REGISTRATION_STREAM,
                models.StreamHead.unit_id.in_(chunk),
            )
        )
        if (head.unit_id, REGISTRATION_STREAM) not in entered
    }
    # The key that signed the merged package; else the unit's accepted key.
    signers: dict[str, bytes] = {}
    for chunk in in_chunks(h.package_hash for h in heads.values()):
        for unit_id, public_key in session.execute(
            select(models.Package.unit_id, models.SigningKey.public_key)
            .join(models.SigningKey, models.SigningKey.keyid == models.Package.keyid)
            .where(models.Package.hash.in_(chunk))
        ):
            signers[unit_id] = public_key
    accepted = accepted_unit_keys(session, units)
    for unit in units.values():
        head = heads.get(unit.id)
        known = accepted.get(unit.id)
        public = signers.get(unit.id) or (known.public_key if known else b"")
        result[unit.id] = Verification(
            unit_code=unit.code,
            fingerprint=fingerprint_groups(public) if public else None,
            revision=head.revision if head else None,
            package_hash=head.package_hash if head else None,
        )
    return result


@dataclass(frozen=True)
class AcceptedKey:
    """A unit's newest accepted signing key, as the federation holds it."""

    keyid: str
    epoch: int
    public_key: bytes


def accepted_unit_keys(session: Session, unit_ids: Collection[str]) -> dict[str, AcceptedKey]:
    """The newest accepted key (highest epoch) of each unit given that has one."""
    key = models.SigningKey
    accepted: dict[str, AcceptedKey] = {}
    found = (
        row
        for chunk in in_chunks(unit_ids)
        for row in session.execute(
            select(key.unit_id, key.keyid, key.epoch, key.public_key).where(
                key.role == "unit", key.status == "accepted", key.unit_id.in_(chunk)
            )
        )
    )
    for unit_id, keyid, epoch, public_key in found:
        if unit_id not in accepted or epoch > accepted[unit_id].epoch:
            accepted[unit_id] = AcceptedKey(keyid, epoch, public_key)
    return accepted


def cluster_members(session: Session, plan: domain.Plan, cluster_id: str) -> list[str]:
    """Unit ids of a cluster's members, by code."""
    entry = models.RosterEntry
    return [
        unit_id
        for (unit_id,) in session.execute(
            select(entry.unit_id)
            .join(models.Unit, models.Unit.id == entry.unit_id)
            .where(entry.year == plan.year, entry.cluster_id == cluster_id)
            .order_by(models.Unit.code)
        )
    ]

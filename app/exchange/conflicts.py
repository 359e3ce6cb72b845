"""Conflicts as staff compare them: the merged version beside the quarantined one.

Both versions are read back from the verbatim archive (the merged one is the
stream's current head, which is what "keep current" keeps), parsed, and
lined up indicator by indicator with the differing values flagged. The
decision itself is :func:`app.exchange.federation.resolve_conflict` or
:func:`~app.exchange.federation.return_package`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.core import domain
from app.core.context import AppContext
from app.core.errors import N_, NotFoundError
from app.exchange.bodies import ParsedStatement, parse_statement
from app.exchange.format import parse_payload
from app.exchange.signing import fingerprint_groups, open_envelope
from app.plans import get_plan
from db import models


@dataclass(frozen=True)
class ConflictRow:
    """One open (or decided) conflict as listed."""

    id: int
    unit_id: str
    unit_code: str
    unit_name: str
    plan_id: str
    stream: str
    reason: str  # retired_key | same_revision | broken_chain
    package_hash: str
    incoming_revision: int
    current_revision: int | None
    received_at: str
    status: str
    returned_at: str  # when a return for correction was written, else ""


@dataclass(frozen=True)
class Version:
    package_hash: str
    revision: int
    epoch: int
    received_at: str
    file_name: str
    fingerprint: str
    statement: ParsedStatement


@dataclass(frozen=True)
class ComparedValue:
    indicator: domain.Indicator
    current: domain.UnitValue | None
    incoming: domain.UnitValue | None

    @property
    def differs(self) -> bool:
        empty = domain.UnitValue()
        return (self.current or empty) != (self.incoming or empty)


@dataclass(frozen=True)
class ComparedField:
    """A statement detail other than a value (signer, date, notes, movements, works)."""

    label: str  # English msgid
    current: str
    incoming: str

    @property
    def differs(self) -> bool:
        return self.current != self.incoming


@dataclass(frozen=True)
class ConflictDetail:
    row: ConflictRow
    plan: domain.Plan
    current: Version | None
    incoming: Version
    values: tuple[ComparedValue, ...]
    fields: tuple[ComparedField, ...]

    @property
    def differing_codes(self) -> list[str]:
        return [v.indicator.code for v in self.values if v.differs]


def list_conflict_rows(ctx: AppContext, *, open_only: bool = True) -> list[ConflictRow]:
    """Conflicts with their unit and both revisions, oldest first."""
    with ctx.reading() as session:
        query = (
            select(models.Conflict, models.Unit.code, models.Unit.name, models.Package)
            .outerjoin(models.Unit, models.Unit.id == models.Conflict.unit_id)
            .join(models.Package, models.Package.hash == models.Conflict.package_hash)
            .order_by(models.Conflict.id)
        )
        if open_only:
            query = query.where(models.Conflict.status == "open")
        found = session.execute(query).all()
        heads = {
            (h.unit_id, h.plan_id, h.stream): h.revision
            for h in session.scalars(
                select(models.StreamHead).where(
                    models.StreamHead.unit_id.in_({c.unit_id for c, *_rest in found})
                )
            )
        }
        return [
            ConflictRow(
                id=conflict.id,
                unit_id=conflict.unit_id,
                unit_code=code or "",
                unit_name=name or "",
                plan_id=conflict.plan_id,
                stream=conflict.stream,
                reason=conflict.reason,
                package_hash=conflict.package_hash,
                incoming_revision=package.revision,
                current_revision=heads.get((conflict.unit_id, conflict.plan_id, conflict.stream)),
                received_at=package.received_at,
                status=conflict.status,
                returned_at=package.returned_at,
            )
            for conflict, code, name, package in found
        ]


def _version(package: models.Package, public_keys: dict[str, bytes]) -> Version:
    envelope = open_envelope(package.raw, max_size=len(package.raw) + 1)
    parsed = parse_payload(envelope.payload, package.raw)
    key = public_keys.get(package.keyid)
    return Version(
        package_hash=package.hash,
        revision=package.revision,
        epoch=package.epoch,
        received_at=package.received_at,
        file_name=package.file_name,
        fingerprint=fingerprint_groups(key) if key is not None else "",
        statement=parse_statement(parsed.body),
    )


def _works(statement: ParsedStatement | None) -> str:
    if statement is None:
        return ""
    return "\n".join(
        f"{name} ({occasion})" if occasion else name for name, occasion in statement.works
    )


def _titles(statement: ParsedStatement | None) -> str:
    if statement is None:
        return ""
    return "\n".join(
        " — ".join(p for p in (person, position, title) if p)
        for _collective, person, position, title in statement.titles
    )


def _fields(
    plan: domain.Plan, current: ParsedStatement | None, incoming: ParsedStatement
) -> tuple[ComparedField, ...]:
    movements = {m.code: m.name for m in plan.movements}

    def movement_text(statement: ParsedStatement | None) -> str:
        if statement is None:
            return ""
        return "\n".join(movements.get(c, c) for c in statement.movements)

    def text(statement: ParsedStatement | None, attribute: str) -> str:
        if statement is None:
            return ""
        value = getattr(statement, attribute)
        return "" if value is None else str(value)

    return (
        ComparedField(
            N_("Signed by"),
            text(current, "signer_name"),
            text(incoming, "signer_name"),
        ),
        ComparedField(
            N_("Position"), text(current, "signer_title"), text(incoming, "signer_title")
        ),
        ComparedField(N_("Signed on"), text(current, "signed_on"), text(incoming, "signed_on")),
        ComparedField(N_("Place"), text(current, "place"), text(incoming, "place")),
        ComparedField(N_("Notes"), text(current, "notes"), text(incoming, "notes")),
        ComparedField(N_("Movements joined"), movement_text(current), movement_text(incoming)),
        ComparedField(N_("Titles registered"), _titles(current), _titles(incoming)),
        ComparedField(N_("Works and products"), _works(current), _works(incoming)),
    )


def conflict_detail(ctx: AppContext, *, conflict_id: int) -> ConflictDetail:
    """Both versions of a conflict, indicator by indicator (every plan indicator
    the unit reports, plus any value only one version carries)."""
    rows = {r.id: r for r in list_conflict_rows(ctx, open_only=False)}
    row = rows.get(conflict_id)
    if row is None:
        raise NotFoundError(N_("No open conflict {id}."), params={"id": conflict_id})
    with ctx.reading() as session:
        plan = get_plan(session, row.plan_id)
        incoming_package = session.get(models.Package, row.package_hash)
        head = session.get(models.StreamHead, (row.unit_id, row.plan_id, row.stream))
        current_package = session.get(models.Package, head.package_hash) if head else None
        keyids = {p.keyid for p in (incoming_package, current_package) if p is not None}
        public_keys = dict(
            session.execute(
                select(models.SigningKey.keyid, models.SigningKey.public_key).where(
                    models.SigningKey.keyid.in_(keyids)
                )
            ).all()
        )
        unit = session.get(models.Unit, row.unit_id)
        entry = session.scalar(
            select(models.RosterEntry).where(
                models.RosterEntry.unit_id == row.unit_id, models.RosterEntry.year == plan.year
            )
        )
        kind = unit.kind if unit is not None else None
        sector = entry.sector if entry is not None else None
        assert incoming_package is not None
        incoming = _version(incoming_package, public_keys)
        current = _version(current_package, public_keys) if current_package else None
    values = []
    for indicator in plan.indicators:
        old = current.statement.values.get(indicator.code) if current else None
        new = incoming.statement.values.get(indicator.code)
        applies = kind is None or indicator.applies_to(kind, sector)
        if applies or old is not None or new is not None:
            values.append(ComparedValue(indicator, old, new))
    return ConflictDetail(
        row=row,
        plan=plan,
        current=current,
        incoming=incoming,
        values=tuple(values),
        fields=_fields(plan, current.statement if current else None, incoming.statement),
    )


__all__ = [
    "ComparedField",
    "ComparedValue",
    "ConflictDetail",
    "ConflictRow",
    "Version",
    "conflict_detail",
    "list_conflict_rows",
]

"""Conflicts as staff compare them: the merged version beside the quarantined one.

Both versions are read back from the verbatim archive (the merged one is the
stream's current head, which is what "keep current" keeps), parsed, and
lined up indicator by indicator with the differing values flagged
(:func:`app.exchange.versions.compare_statements`). The
decision itself is :func:`app.exchange.federation.resolve_conflict` or
:func:`~app.exchange.federation.return_package`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.core import domain
from app.core.context import AppContext
from app.core.errors import N_, NotFoundError
from app.exchange.versions import (
    ComparedField,
    ComparedValue,
    Version,
    compare_statements,
    public_keys_of,
    read_version,
    unit_kind_and_sector,
)
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
        assert incoming_package is not None
        public_keys = public_keys_of(
            session, [p for p in (incoming_package, current_package) if p is not None]
        )
        kind, sector = unit_kind_and_sector(session, row.unit_id, plan.year)
        incoming = read_version(incoming_package, public_keys)
        current = read_version(current_package, public_keys) if current_package else None
    values, fields = compare_statements(
        plan,
        current.statement if current else None,
        incoming.statement,
        kind=kind,
        sector=sector,
    )
    return ConflictDetail(
        row=row, plan=plan, current=current, incoming=incoming, values=values, fields=fields
    )


__all__ = [
    "ConflictDetail",
    "ConflictRow",
    "conflict_detail",
    "list_conflict_rows",
]

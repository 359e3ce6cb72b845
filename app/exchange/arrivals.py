"""When each unit's report of a stream first arrived at the federation.

A report is on time by the federation's first receipt of any revision of its
stream: the earliest ``received_at`` (stamped by the federation's clock, in UTC,
when the file was imported) of the report packages the archive keeps for that
unit, plan and stream. The time a package says it was made is the unit's PC's
and is never trusted for this.

Which archived packages count (:data:`ARRIVED_STATUSES`): every version the
federation keeps, merged or not — applied, superseded by a later revision,
quarantined in a conflict, discarded by staff in a conflict (it did arrive,
staff chose the other version), and held for a key staff have not confirmed
yet. Not counted: a package held for a key staff *refused* (nothing that key
signed is taken as the unit's), and a rejected file, which is never archived.
A package held for a key keeps its first arrival when the key is accepted
(:func:`app.exchange.federation.release_held`).
"""

from __future__ import annotations

from sqlalchemy import and_, func, not_, select
from sqlalchemy.orm import Session

from app.exchange.format import Kind
from app.exchange.key_status import KeyStatus
from app.exchange.outcomes import Outcome
from app.exchange.streams import APPLIED, QUARANTINED, SUPERSEDED
from db import models

#: Archive statuses of a report package that arrived and is kept.
ARRIVED_STATUSES = (APPLIED, SUPERSEDED, QUARANTINED, "discarded", Outcome.PENDING_KEY.value)


def first_arrivals(session: Session, *, plan_id: str) -> dict[tuple[str, str], str]:
    """(unit id, stream) → when the first report of that stream arrived (UTC text,
    as :func:`app.core.audit.utc_now_text` writes it, so the earliest is the least)."""
    package, key = models.Package, models.SigningKey
    refused = select(key.keyid).where(key.status == KeyStatus.REFUSED.value)
    rows = session.execute(
        select(package.unit_id, package.stream, func.min(package.received_at))
        .where(
            package.plan_id == plan_id,
            package.kind == Kind.REPORT.value,
            package.status.in_(ARRIVED_STATUSES),
            not_(
                and_(
                    package.status == Outcome.PENDING_KEY.value,
                    package.keyid.in_(refused),
                )
            ),
        )
        .group_by(package.unit_id, package.stream)
    )
    return {(unit_id, stream): first for unit_id, stream, first in rows}


__all__ = ["ARRIVED_STATUSES", "first_arrivals"]

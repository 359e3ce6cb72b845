"""When each unit's report of a stream first arrived at the federation.

A report is on time by the federation's first receipt of any revision of its
stream: the earliest ``received_at`` (stamped by the federation's clock, in UTC,
when the file was imported) of the report packages the archive keeps for that
unit, plan and stream. The time a package says it was made is the unit's PC's
and is never trusted for this.

A unit has sent a stream when the federation holds its statement of it — one
of its report packages is merged (``applied``): the same "sent" the dashboard
counts, so the rates and the dashboard never disagree. Its arrival is the first
of every version the federation keeps of that stream (:data:`ARRIVED_STATUSES`),
merged or not — applied, superseded by a later revision, quarantined or
discarded in a conflict (it did arrive, staff chose the other version), held
for a key. A report held for a key staff have not confirmed is therefore not
sent yet; once the key is accepted it counts from the day it arrived (its
arrival is kept: :func:`app.exchange.federation.release_held`). A package held
for a key staff *refused* never counts, nor a rejected file (never archived).
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, not_, select
from sqlalchemy.orm import Session

from app.exchange.format import Kind
from app.exchange.key_status import KeyStatus
from app.exchange.outcomes import Outcome
from app.exchange.streams import APPLIED, QUARANTINED, SUPERSEDED
from db import models
from db.plain_rows import plain_rows

#: Archive statuses of a report package that arrived and is kept.
ARRIVED_STATUSES = (APPLIED, SUPERSEDED, QUARANTINED, "discarded", Outcome.PENDING_KEY.value)


def first_arrivals(session: Session, *, plan_id: str) -> dict[tuple[str, str], str]:
    """(unit id, stream) → when the first report of that stream arrived (UTC text,
    as :func:`app.core.audit.utc_now_text` writes it, so the earliest is the least)."""
    package, key = models.Package, models.SigningKey
    refused = select(key.keyid).where(key.status == KeyStatus.REFUSED.value)
    query = (
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
        # Sent: the federation holds the statement (one version of it is merged).
        .having(func.max(case((package.status == APPLIED, 1), else_=0)) == 1)
    )
    # Plain driver rows: a year's arrivals are one row per unit and stream (378,000).
    rows = plain_rows(session.connection(), query)
    return {(unit_id, stream): first for unit_id, stream, first in rows}


__all__ = ["ARRIVED_STATUSES", "first_arrivals"]

"""Deadlines at the federation: the last day a report of each stream of a plan may
arrive, and the later days granted to single units (gia hạn).

Set, cleared, granted and withdrawn here, each audited; read back per plan.
A deadline is a day of the federation's calendar (:mod:`app.core.days`). An
extension moves one unit's last day later than the deadline; a later change
of the deadline never shortens it: a unit's last day is the later of the two.
Clearing a deadline keeps its extensions, which apply again once a deadline
is set. Only the federation keeps deadlines; a unit's database is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core import audit, domain
from app.core.audit import utc_now_text
from app.core.days import parse_day, short_date
from app.core.errors import N_, InputError, NotFoundError
from app.core.installation import require_federation_installation
from app.core.text import natural_key, nfc
from app.core.values import text_problem
from app.exchange import stream_label
from app.plans import get_plan
from db import models

#: The longest reason an extension may give.
MAX_REASON = 1000


@dataclass(frozen=True)
class Extension:
    """A later last day for one unit's report of one stream."""

    unit_id: str
    unit_code: str
    unit_name: str
    due_on: dt.date
    reason: str
    granted_at: str
    granted_by: str


@dataclass(frozen=True)
class StreamDeadline:
    """One stream of a plan: its last day (None: no deadline set) and its extensions."""

    stream: str
    due_on: dt.date | None
    set_at: str
    set_by: str
    extensions: tuple[Extension, ...]

    def due_for(self, unit_id: str) -> dt.date | None:
        """The last day for ``unit_id``: the deadline, or its extension when later."""
        if self.due_on is None:
            return None
        for extension in self.extensions:
            if extension.unit_id == unit_id:
                return max(self.due_on, extension.due_on)
        return self.due_on


def check_stream(plan: domain.Plan, stream: str) -> None:
    """:class:`InputError` unless units report ``stream`` on ``plan``."""
    if stream not in plan.streams:
        raise InputError(
            N_("The plan {plan} has no report {stream}: choose one of {streams}."),
            params={"plan": plan.id, "stream": stream, "streams": ", ".join(plan.streams)},
        )


def _plan_stream(session: Session, plan_id: str, stream: str) -> domain.Plan:
    """The plan, after checking this is the federation and the plan has ``stream``."""
    require_federation_installation(session)
    plan = get_plan(session, plan_id)
    check_stream(plan, stream)
    return plan


def _day(plan: domain.Plan, day: dt.date | str) -> dt.date:
    """A typed or given day, refused unless it is a real day near the plan's year."""
    value = parse_day(day) if isinstance(day, str) else day
    if not plan.year - 1 <= value.year <= plan.year + 1:
        raise InputError(
            N_("A deadline of the {year} plan must fall between {first} and {last}."),
            params={"year": plan.year, "first": plan.year - 1, "last": plan.year + 1},
        )
    return value


def set_deadline(session: Session, *, plan_id: str, stream: str, due_on: dt.date | str) -> dt.date:
    """Set (or move) the last day of ``stream``; returns it. Audited."""
    plan = _plan_stream(session, plan_id, stream)
    day = _day(plan, due_on)
    row = session.get(models.Deadline, (plan.id, stream))
    before = None if row is None else row.due_on
    if row is None:
        row = models.Deadline(plan_id=plan.id, stream=stream, due_on=day, set_at="", set_by="")
        session.add(row)
    row.due_on = day
    row.set_at = utc_now_text()
    row.set_by = audit.current_actor(session)
    audit.record(
        session,
        action="deadline.set",
        subject=f"{plan.id}/{stream}",
        detail={"due_on": day.isoformat(), "before": before.isoformat() if before else None},
    )
    return day


def clear_deadline(session: Session, *, plan_id: str, stream: str) -> None:
    """Remove the deadline of ``stream`` (its extensions are kept). Audited."""
    plan = _plan_stream(session, plan_id, stream)
    row = session.get(models.Deadline, (plan.id, stream))
    if row is None:
        raise NotFoundError(
            N_("The report {stream} of the plan {plan} has no deadline."),
            params={"stream": stream_label(stream, plan), "plan": plan.year},
        )
    before = row.due_on
    session.delete(row)
    audit.record(
        session,
        action="deadline.clear",
        subject=f"{plan.id}/{stream}",
        detail={"before": before.isoformat()},
    )


def _roster_unit(session: Session, plan: domain.Plan, unit: str) -> models.Unit:
    """The unit with code (or id) ``unit`` in the plan year's roster, not the federation."""
    if not unit.strip():
        raise InputError(N_("Choose the unit."))
    installation = require_federation_installation(session)
    entry = models.RosterEntry
    row = session.scalar(
        select(models.Unit)
        .join(entry, entry.unit_id == models.Unit.id)
        .where(entry.year == plan.year, models.Unit.code == unit.strip())
    ) or session.scalar(
        select(models.Unit)
        .join(entry, entry.unit_id == models.Unit.id)
        .where(entry.year == plan.year, models.Unit.id == unit)
    )
    if row is None or row.id == installation.own_unit_id:
        raise NotFoundError(
            N_("No unit with code {code} reports on the {year} plan."),
            params={"code": unit, "year": plan.year},
        )
    return row


def grant_extension(
    session: Session,
    *,
    plan_id: str,
    stream: str,
    unit: str,
    due_on: dt.date | str,
    reason: str,
) -> Extension:
    """Give ``unit`` (its code) until ``due_on`` for ``stream``, for ``reason``; a
    second grant replaces the first. Needs the stream's deadline, and a later day."""
    plan = _plan_stream(session, plan_id, stream)
    target = _roster_unit(session, plan, unit)
    day = _day(plan, due_on)
    text = nfc((reason or "").strip())
    if not text:
        raise InputError(N_("Give the reason for the extension."))
    problem = text_problem(text, MAX_REASON)
    if problem is not None:
        raise InputError(problem.message, params=dict(problem.params))
    deadline = session.get(models.Deadline, (plan.id, stream))
    if deadline is None:
        raise InputError(
            N_("Set the deadline of the report {stream} before granting an extension."),
            params={"stream": stream_label(stream, plan)},
        )
    if day <= deadline.due_on:
        raise InputError(
            N_("An extension must end after the deadline ({deadline})."),
            params={"deadline": short_date(deadline.due_on)},
        )
    row = session.get(models.DeadlineExtension, (plan.id, stream, target.id))
    if row is None:
        row = models.DeadlineExtension(plan_id=plan.id, stream=stream, unit_id=target.id)
        session.add(row)
    row.due_on = day
    row.reason = text
    row.granted_at = utc_now_text()
    row.granted_by = audit.current_actor(session)
    audit.record(
        session,
        action="deadline.extend",
        subject=f"{plan.id}/{stream}/{target.code or target.id}",
        detail={"unit": target.id, "due_on": day.isoformat(), "reason": text},
    )
    return Extension(
        target.id, target.code or "", target.name, day, text, row.granted_at, row.granted_by
    )


def withdraw_extension(session: Session, *, plan_id: str, stream: str, unit: str) -> None:
    """Take back ``unit``'s extension of ``stream``. Audited."""
    plan = _plan_stream(session, plan_id, stream)
    target = _roster_unit(session, plan, unit)
    gone = session.execute(
        delete(models.DeadlineExtension).where(
            models.DeadlineExtension.plan_id == plan.id,
            models.DeadlineExtension.stream == stream,
            models.DeadlineExtension.unit_id == target.id,
        )
    )
    if not gone.rowcount:  # type: ignore[attr-defined]
        raise NotFoundError(
            N_("The unit {code} has no extension for the report {stream}."),
            params={"code": unit, "stream": stream},
        )
    audit.record(
        session,
        action="deadline.withdraw",
        subject=f"{plan.id}/{stream}/{target.code or target.id}",
        detail={"unit": target.id},
    )


def plan_deadlines(session: Session, plan: domain.Plan) -> list[StreamDeadline]:
    """Every stream of ``plan`` in order, with its deadline and extensions (the
    federation's only)."""
    require_federation_installation(session)
    return stored_deadlines(session, plan)


def stored_deadlines(session: Session, plan: domain.Plan) -> list[StreamDeadline]:
    """Every stream of ``plan`` in order, with what the database holds of its
    deadline and extensions (nothing at a unit): for reads that run anywhere."""
    deadlines = {
        row.stream: row
        for row in session.scalars(
            select(models.Deadline).where(models.Deadline.plan_id == plan.id)
        )
    }
    extensions: dict[str, list[Extension]] = {}
    ext, unit = models.DeadlineExtension, models.Unit
    for granted_row, code, name in session.execute(
        select(ext, unit.code, unit.name)
        .join(unit, unit.id == ext.unit_id)
        .where(ext.plan_id == plan.id)
    ):
        extensions.setdefault(granted_row.stream, []).append(
            Extension(
                granted_row.unit_id,
                code or "",
                name,
                granted_row.due_on,
                granted_row.reason,
                granted_row.granted_at,
                granted_row.granted_by,
            )
        )
    result = []
    for stream in plan.streams:
        row = deadlines.get(stream)
        granted = sorted(
            extensions.get(stream, []), key=lambda e: natural_key(e.unit_code or e.unit_name)
        )
        result.append(
            StreamDeadline(
                stream,
                None if row is None else row.due_on,
                "" if row is None else row.set_at,
                "" if row is None else row.set_by,
                tuple(granted),
            )
        )
    return result


__all__ = [
    "MAX_REASON",
    "Extension",
    "StreamDeadline",
    "check_stream",
    "clear_deadline",
    "grant_extension",
    "plan_deadlines",
    "set_deadline",
    "stored_deadlines",
    "withdraw_extension",
]

"""Who reported, and on time: the reporting rate and the on-time rate of each
stream of a plan over a scope, and the units late or missing, by how long.

Definitions (as DHIS2 counts reporting):

* **expected** — the reporting units in scope, counted as the dashboard counts
  them (:func:`app.rollup.scope_roster.scope_contacts`: the plan year's roster in
  scope, never the federation itself);
* **received** — expected units a report of the stream arrived from by the end
  of ``as_of``, by the federation's first receipt of any of its revisions
  (:func:`app.exchange.first_arrivals`; the time a package says it was made is
  never trusted);
* **on time** — received on or before the unit's last day (the stream's
  deadline, or the unit's extension when later), days counted in the
  federation's calendar (UTC+7, :func:`app.core.days.local_day`): a package
  received at 23:30 on the last day is on time, at 00:10 the next day it is
  one day late;
* **late** — received after the last day; **missing** — not received;
* **reporting rate** = received / expected, **on-time rate** = on time / expected,
  as exact fractions (None with no unit expected; the on-time rate also None
  while the stream has no deadline).

The list names every late unit (days late at its first receipt) and every
missing unit (days past its last day as of ``as_of``, 0 while not yet due).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy.orm import Session

from app.core import domain, figures
from app.core.days import local_day, today_local
from app.core.installation import require_federation_installation
from app.exchange import first_arrivals
from app.plans import get_plan
from app.rollup.deadlines import StreamDeadline, check_stream, stored_deadlines
from app.rollup.query import Scope
from app.rollup.scope_roster import UnitContact, UnitOrder, scope_contacts


@dataclass(frozen=True)
class LateUnit:
    """A unit late with a stream, or whose report has not arrived."""

    unit: UnitContact
    stream: str
    #: The unit's last day (its extension when it has one).
    due_on: dt.date | None
    #: The day its first report arrived, in the federation's calendar; None: missing.
    arrived_on: dt.date | None
    #: Days after the last day: at its arrival, or as of the day asked when missing.
    days_late: int
    extended: bool


@dataclass(frozen=True)
class StreamTimeliness:
    """One stream's counts and rates over the scope."""

    stream: str
    due_on: dt.date | None
    expected: int
    received: int
    on_time: int
    late: int
    missing: int
    extensions: int
    units: tuple[LateUnit, ...]

    @property
    def unlisted(self) -> int:
        """Late or missing units counted but not listed in ``units`` (a bounded list)."""
        return self.late + self.missing - len(self.units)

    @property
    def reporting_rate(self) -> Fraction | None:
        return Fraction(self.received, self.expected) if self.expected else None

    @property
    def on_time_rate(self) -> Fraction | None:
        if not self.expected or self.due_on is None:
            return None
        return Fraction(self.on_time, self.expected)

    @property
    def reporting_text(self) -> str:
        """``83,3%`` as every surface shows a percentage; ``—`` for none."""
        return _percent(self.reporting_rate)

    @property
    def on_time_text(self) -> str:
        return _percent(self.on_time_rate)


@dataclass(frozen=True)
class Timeliness:
    plan_id: str
    scope: Scope
    as_of: dt.date
    streams: tuple[StreamTimeliness, ...]


def _percent(rate: Fraction | None) -> str:
    return figures.percent_text(None if rate is None else rate * 100)


def _stream(
    deadline: StreamDeadline,
    unit_ids: list[str],
    contacts: Mapping[str, UnitContact],
    arrivals: dict[str, str],
    as_of: dt.date,
    pick: Callable[[set[str]], list[str]] | None = None,
    members: set[str] | None = None,
) -> StreamTimeliness:
    """The stream's counts over ``unit_ids`` (``arrivals``: unit → its first arrival of
    the stream; ``members``: ``unit_ids`` as a set, when the caller has made it); its
    late and missing units listed in the order of ``unit_ids``, or only those ``pick``
    chooses of them (given the units that are neither), in its order."""
    received = on_time = late = 0
    extended = {e.unit_id for e in deadline.extensions}
    stream = deadline.stream

    def when(unit_id: str) -> tuple[dt.date | None, dt.date | None]:
        """The unit's last day and the day its report arrived (None: not by ``as_of``)."""
        due = deadline.due_for(unit_id) if unit_id in extended else deadline.due_on
        arrived_at = arrivals.get(unit_id)
        arrived = local_day(arrived_at) if arrived_at else None
        if arrived is not None and arrived > as_of:
            arrived = None  # not yet arrived on the day asked about
        return due, arrived

    # Only the units whose report arrived are looked at one by one: at national size
    # most of 126,000 units are counted by a difference, and only the first of those
    # behind are met (``pick``).
    done: set[str] = set()  # received by ``as_of``, on time or with no deadline
    if members is None:
        members = set(unit_ids)
    for unit_id in [u for u in arrivals if u in members]:
        due, arrived = when(unit_id)
        if arrived is None:
            continue
        received += 1
        if due is None or arrived <= due:
            if due is not None:
                on_time += 1
            done.add(unit_id)
        else:
            late += 1
    units: list[LateUnit] = []
    for unit_id in [u for u in unit_ids if u not in done] if pick is None else pick(done):
        due, arrived = when(unit_id)
        has_extension = unit_id in extended and due is not None
        if arrived is None:
            overdue = 0 if due is None else max(0, (as_of - due).days)
            units.append(LateUnit(contacts[unit_id], stream, due, None, overdue, has_extension))
        else:
            assert due is not None  # listed as late: it has a last day
            days = (arrived - due).days
            units.append(LateUnit(contacts[unit_id], stream, due, arrived, days, has_extension))
    return StreamTimeliness(
        stream=stream,
        due_on=deadline.due_on,
        expected=len(unit_ids),
        received=received,
        on_time=on_time,
        late=late,
        missing=len(unit_ids) - received,
        extensions=sum(1 for u in unit_ids if u in extended) if extended else 0,
        units=tuple(units),
    )


def streams_timeliness(
    session: Session,
    plan: domain.Plan,
    contacts: list[UnitContact],
    as_of: dt.date,
    stream: str | None = None,
) -> tuple[StreamTimeliness, ...]:
    """The counts, rates and late units of each stream of ``plan`` (or of ``stream``
    only) over the units ``contacts``, as of the end of ``as_of``: for a caller that
    has read the scope's units already (the reminders)."""
    by_id = {c.id: c for c in contacts}
    return _timeliness(session, plan, list(by_id), by_id, as_of, stream)


def units_timeliness(
    session: Session,
    plan: domain.Plan,
    unit_ids: list[str],
    roster: UnitOrder,
    as_of: dt.date,
    limit: int | None = None,
    members: set[str] | None = None,
) -> tuple[StreamTimeliness, ...]:
    """:func:`streams_timeliness` of the units ``unit_ids`` of ``roster`` in any order,
    each stream's late and missing units listed in the natural order of their codes,
    the first ``limit`` of them only when given (the dashboard: only the units it lists
    are named and sorted; the counts are of every unit); ``members``: ``unit_ids`` as a
    set when the caller has made it."""

    def pick(done: set[str]) -> list[str]:
        chosen = roster.first_outside(unit_ids, done, limit)
        roster.contacts.preload(chosen)
        return chosen

    return _timeliness(session, plan, unit_ids, roster.contacts, as_of, None, pick, members)


def _timeliness(
    session: Session,
    plan: domain.Plan,
    unit_ids: list[str],
    contacts: Mapping[str, UnitContact],
    as_of: dt.date,
    stream: str | None,
    pick: Callable[[set[str]], list[str]] | None = None,
    members: set[str] | None = None,
) -> tuple[StreamTimeliness, ...]:
    deadlines = stored_deadlines(session, plan)
    if stream is not None:
        check_stream(plan, stream)
        deadlines = [d for d in deadlines if d.stream == stream]
    by_stream: dict[str, dict[str, str]] = {d.stream: {} for d in deadlines}
    for (unit_id, arrived_stream), arrived_at in first_arrivals(session, plan_id=plan.id).items():
        if arrived_stream in by_stream:
            by_stream[arrived_stream][unit_id] = arrived_at
    if members is None:
        members = set(unit_ids)
    return tuple(
        _stream(d, unit_ids, contacts, by_stream[d.stream], as_of, pick, members) for d in deadlines
    )


def timeliness(
    session: Session,
    *,
    plan_id: str,
    scope: Scope | None = None,
    stream: str | None = None,
    as_of: dt.date | None = None,
) -> Timeliness:
    """The counts, rates and late units of each stream of ``plan_id`` (or of
    ``stream`` only) over ``scope``, as of the end of ``as_of`` (default today)."""
    require_federation_installation(session)
    plan = get_plan(session, plan_id)
    scope = scope or Scope()
    day = as_of or today_local()
    contacts = scope_contacts(session, year=plan.year, scope=scope)
    return Timeliness(plan.id, scope, day, streams_timeliness(session, plan, contacts, day, stream))


__all__ = [
    "LateUnit",
    "StreamTimeliness",
    "Timeliness",
    "streams_timeliness",
    "timeliness",
    "units_timeliness",
]

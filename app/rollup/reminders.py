"""Reminders (công văn đôn đốc): the units that have not sent a report, grouped by
whom a letter goes to.

The units are the missing ones of :mod:`app.rollup.timeliness` (expected in scope,
nothing received by the end of ``as_of``), by default only those past their last
day (the deadline, or their extension when later). Each goes into one letter:

* to its upper-level union, listing every unit of that union's area behind with
  the report (an upper-level union behind with its own report is named apart in
  its letter, ``own``, not counted among its units; alone, it gets a letter of its
  own as a unit does);
* to the unit itself when it is directly under the federation, or when one letter
  per unit is asked for (its upper-level union is then copied in).

Letters come in the natural order of their recipients' codes, units likewise.
The printed letters and the workbook (:mod:`app.printing.reminder`,
:mod:`app.rollup.reminder_workbook`) are made from these values; both refuse an
empty list (:meth:`Reminders.require_letters`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.core import domain
from app.core.days import short_date, today_local
from app.core.errors import N_, InputError
from app.core.installation import require_federation_installation
from app.exchange import stream_label
from app.plans import get_plan
from app.rollup.deadlines import check_stream
from app.rollup.query import Scope
from app.rollup.scope_roster import ScopeRoster, UnitContact, in_scope, read_scope_roster
from app.rollup.timeliness import LateUnit, streams_timeliness
from db.enums import UnitKind

#: The words a printed list says of a unit whose last day has not passed…
NOT_DUE = "Chưa đến hạn"
#: … and of a unit whose report has no deadline set.
NO_DEADLINE = "Chưa đặt hạn"


def not_overdue_words(unit: LateUnit) -> str:
    """What the letters, the workbook and the screens print in "Số ngày quá hạn" for
    a unit not past its last day: ``Chưa đặt hạn`` without a deadline, else
    ``Chưa đến hạn``."""
    return NO_DEADLINE if unit.due_on is None else NOT_DUE


@dataclass(frozen=True)
class ReminderRequest:
    """Which units to remind: those behind with ``stream`` of ``plan_id`` over ``scope``
    as of the end of ``as_of`` (default today); ``per_unit``: one letter each;
    ``include_not_due``: the units whose last day has not passed too."""

    plan_id: str
    stream: str
    scope: Scope = field(default_factory=Scope)
    as_of: dt.date | None = None
    per_unit: bool = False
    include_not_due: bool = False


@dataclass(frozen=True)
class ReminderLetter:
    """One letter: its recipient and the units it reminds."""

    recipient: UnitContact
    #: True: to an upper-level union about the units of its area; False: to the unit itself.
    for_area: bool
    #: For a letter to a unit: its upper-level union (copied in); None directly under us.
    upper: UnitContact | None
    #: The units reminded (for an area: those of the area, never the recipient itself).
    units: tuple[LateUnit, ...]
    #: In a letter to an upper-level union about its area: its own report, when missing.
    own: LateUnit | None = None

    @property
    def reminded(self) -> tuple[LateUnit, ...]:
        """Every report the letter asks for: its units, then the recipient's own."""
        return self.units + ((self.own,) if self.own is not None else ())


@dataclass(frozen=True)
class Reminders:
    plan: domain.Plan
    stream: str
    #: The stream's deadline (None: not set).
    due_on: dt.date | None
    as_of: dt.date
    #: Units expected but not received, past their last day or not.
    missing: int
    letters: tuple[ReminderLetter, ...]

    @property
    def units(self) -> tuple[tuple[ReminderLetter, LateUnit], ...]:
        """Every unit reminded, with its letter, in the letters' order."""
        return tuple((letter, unit) for letter in self.letters for unit in letter.reminded)

    def require_letters(self) -> None:
        """:class:`InputError` saying why when there is no unit to remind."""
        if self.letters:
            return
        params = {"report": stream_label(self.stream, self.plan), "date": short_date(self.as_of)}
        if not self.missing:
            raise InputError(
                N_("Every unit in scope had sent {report} by {date}: there is nothing to remind."),
                params=params,
            )
        if self.due_on is None:
            raise InputError(
                N_(
                    "No deadline is set for {report}: no unit can be past it ({count} units "
                    "have not sent it). Set one with “Deadlines…”, or tick “Also remind the "
                    "units whose deadline has not passed”."
                ),
                params={**params, "count": self.missing},
            )
        raise InputError(
            N_(
                "No unit in scope is past its deadline for {report} on {date}: {count} units "
                "have not sent it, but their deadline has not passed. Nothing to remind."
            ),
            params={**params, "count": self.missing},
        )


def _upper(roster: ScopeRoster, unit_id: str) -> UnitContact | None:
    """The upper-level union directly above ``unit_id`` (None under the federation)."""
    parent = roster.parents.get(unit_id)
    contact = roster.contacts.get(parent or "")
    if contact is None or contact.id == roster.federation_id:
        return None
    return contact if contact.kind is UnitKind.UPPER else None


def _letters(
    roster: ScopeRoster, units: list[LateUnit], per_unit: bool
) -> tuple[ReminderLetter, ...]:
    letters: dict[str, tuple[UnitContact, bool, UnitContact | None, list[LateUnit]]] = {}
    own: dict[str, LateUnit] = {}  # an upper-level union's own missing report
    for late in units:
        upper = _upper(roster, late.unit.id)
        if not per_unit and late.unit.kind is UnitKind.UPPER:
            own[late.unit.id] = late
            letters.setdefault(late.unit.id, (late.unit, True, None, []))
            continue
        if per_unit:
            recipient, for_area = late.unit, False
        elif upper is not None:
            recipient, for_area, upper = upper, True, None
        else:
            recipient, for_area = late.unit, False
        letters.setdefault(recipient.id, (recipient, for_area, upper, []))[3].append(late)
    ordered = sorted(letters.values(), key=lambda item: roster.order[item[0].id])
    made: list[ReminderLetter] = []
    for recipient, for_area, upper, listed in ordered:
        mine = own.get(recipient.id)
        if mine is not None and not listed:
            # Only its own report is missing: a letter to it as to any unit.
            made.append(ReminderLetter(recipient, False, _upper(roster, recipient.id), (mine,)))
        else:
            made.append(ReminderLetter(recipient, for_area, upper, tuple(listed), mine))
    return tuple(made)


def reminders(session: Session, request: ReminderRequest) -> Reminders:
    """The letters reminding the units behind with the report ``request`` names."""
    require_federation_installation(session)
    plan = get_plan(session, request.plan_id)
    check_stream(plan, request.stream)
    day = request.as_of or today_local()
    roster = read_scope_roster(session, plan.year)
    contacts = [roster.contacts[u] for u in in_scope(roster, request.scope)]
    (stream,) = streams_timeliness(session, plan, contacts, day, request.stream)
    missing = [u for u in stream.units if u.arrived_on is None]
    chosen = [u for u in missing if request.include_not_due or u.days_late > 0]
    return Reminders(
        plan=plan,
        stream=request.stream,
        due_on=stream.due_on,
        as_of=day,
        missing=len(missing),
        letters=_letters(roster, chosen, request.per_unit),
    )


__all__ = [
    "NOT_DUE",
    "NO_DEADLINE",
    "ReminderLetter",
    "ReminderRequest",
    "Reminders",
    "not_overdue_words",
    "reminders",
]

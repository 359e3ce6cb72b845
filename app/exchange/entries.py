"""Entry on a unit's behalf: a statement staff type from the unit's paper form, or read
from the unit's filled Excel template, for a unit that does not run the program.

Design. An entry is archived like a report, in the one archive every downstream
surface already reads: a ``package`` row of kind ``report`` whose ``source`` says
what it was entered from (``paper`` | ``excel``), with who entered it
(``entered_by``: the audit log's actor) and when (``created_at``), the day the paper
form or file reached the federation (``received_at``: see :func:`received_moment`), no signer
(``keyid`` empty) and, as ``raw``, the canonical entry (:mod:`app.exchange.archived`:
its metadata and the statement body exactly as a unit's package carries it). It
sits at epoch 0, below any key epoch of the unit, and each correction names the
entry before it (revision 1, 2, …). It is settled by the same replay that settles
an import (:mod:`app.exchange.streams`), which makes it the stream's head and
writes it to the merged tables through the same rows as a package
(:func:`app.exchange.merge_write.settle_and_write`): so the dashboard, the roll-up,
printing, scoring, the history and a rebuild see it without a path of their own,
and tell it apart by ``source``. The unit's own signed package, whatever its
revision, takes the stream over (the entries become superseded, never a
conflict), and the import item says which values differ; an entry is refused once
the stream holds a signed package of the unit. Nothing is ever signed in the
unit's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core import audit, domain
from app.core.audit import utc_now_text
from app.core.context import AppContext
from app.core.days import day_start_utc_text, short_date, today_local
from app.core.errors import N_, InputError, NotFoundError
from app.core.files import read_limited
from app.core.installation import require_federation_installation
from app.core.strictjson import loads_strict
from app.exchange.archived import (
    ENTRY_SOURCES,
    archived_statement,
    entry_bytes,
    is_staff_entry,
)
from app.exchange.bodies import (
    ParsedStatement,
    parse_statement,
    statement_problems,
    statement_to_json,
)
from app.exchange.format import MAX_PACKAGE_BYTES, Kind, payload_hash
from app.exchange.merge_state import MergeState, serialise_merges
from app.exchange.merge_write import settle_and_write
from app.exchange.streams import APPLIED, QUARANTINED, SUPERSEDED
from app.plans import get_plan
from app.statements import (
    ParseError,
    StatementDetails,
    StatementInput,
    details_problems,
    parse_text,
    statement_input,
)
from db import models
from db.enums import Sector

#: Statuses of a unit's signed report that close its stream to staff entries.
_SIGNED_KEPT = (APPLIED, SUPERSEDED, QUARANTINED, "pending_key")


@dataclass(frozen=True)
class EntryResult:
    """A statement entered on a unit's behalf, as archived and merged."""

    package_hash: str
    unit_id: str
    unit_code: str
    unit_name: str
    plan_id: str
    stream: str
    revision: int  # 1 for the first entry, then one more per correction
    supersedes: str | None  # the entry it corrects
    source: str  # paper | excel
    entered_by: str
    entered_at: str
    received_at: str  # when the paper form or file reached the federation
    file_name: str
    values: int  # how many values it holds
    flags: int = 0  # suspicious values of the report not yet checked, once entered


def _unit(session: Session, unit_code: str, year: int) -> models.Unit:
    unit = session.scalar(select(models.Unit).where(models.Unit.code == unit_code.strip()))
    if unit is None:
        raise NotFoundError(N_("No unit with code {code}."), params={"code": unit_code})
    listed = session.scalar(
        select(models.RosterEntry.id).where(
            models.RosterEntry.unit_id == unit.id, models.RosterEntry.year == year
        )
    )
    if listed is None:
        raise InputError(
            N_("Unit {code} is not on the roster of {year}."),
            params={"code": unit_code, "year": year},
        )
    return unit


def signed_streams(session: Session, *, unit_id: str, plan_id: str) -> set[str]:
    """The streams of a plan for which the federation keeps a signed report of the unit
    (merged, replaced, in conflict or held for its key): closed to staff entries."""
    package = models.Package
    return set(
        session.scalars(
            select(package.stream)
            .where(
                package.unit_id == unit_id,
                package.plan_id == plan_id,
                package.kind == Kind.REPORT.value,
                package.source == "",
                package.status.in_(_SIGNED_KEPT),
            )
            .distinct()
        )
    )


def _previous_entry(session: Session, key: tuple[str, str, str]) -> models.Package | None:
    """The staff entry heading the stream, if one does."""
    head = session.get(models.StreamHead, key)
    previous = session.get(models.Package, head.package_hash) if head else None
    return previous if previous is not None and is_staff_entry(previous) else None


def _details_of(entry: models.Package) -> StatementDetails:
    return details_of(archived_statement(entry))


def details_of(statement: ParsedStatement) -> StatementDetails:
    """What a statement carries besides its values."""
    return StatementDetails(
        signer_name=statement.signer_name,
        signer_title=statement.signer_title,
        signed_on=statement.signed_on,
        place=statement.place,
        notes=statement.notes,
        movements=statement.movements,
        titles=statement.titles,
        works=statement.works,
        narrative=statement.narrative,
    )


def _checked_body(
    plan: domain.Plan, statement: StatementInput, sector: Sector | None
) -> tuple[dict[str, object], int]:
    """The statement body as a package carries it, every value and text checked (its
    movements against the unit's ``sector``, as an import checks them)."""
    body: dict[str, object] = {"statement": statement_to_json(statement)}
    parsed = parse_statement(body)
    problems = statement_problems(plan, parsed, sector=sector) + details_problems(statement)
    if problems:
        raise InputError(
            N_("The statement has {count} invalid values; nothing was saved."),
            params={"count": len(problems)},
            detail="; ".join(f"{p.indicator_code}: {p.translated()}" for p in problems),
        )
    if not any(not v.is_empty() for v in parsed.values.values()):
        raise InputError(N_("Enter at least one value; nothing was saved."))
    return body, len(parsed.values)


def typed_values(
    ctx: AppContext, *, plan_id: str, texts: Mapping[str, str]
) -> dict[str, domain.UnitValue]:
    """Values typed as the statement screen reads them (``"170 / 200"``, ``"có"``,
    a grade's name…), by indicator code; :class:`InputError` naming the first one
    that cannot be read."""
    with ctx.reading() as session:
        plan = get_plan(session, plan_id)
    by_code = {i.code: i for i in plan.indicators}
    values: dict[str, domain.UnitValue] = {}
    for code, text in texts.items():
        indicator = by_code.get(code.strip())
        if indicator is None:
            raise InputError(N_("This indicator is not in the plan."), detail=code)
        try:
            values[indicator.code] = parse_text(indicator, text, plan)
        except ParseError as error:
            raise InputError(error.message, detail=code) from error
    return values


def statement_from_json(path: Path) -> tuple[dict[str, domain.UnitValue], StatementDetails]:
    """A statement as a JSON file gives it (``{"statement": {…}}``, the body a unit's
    package carries): its values and details, read strictly."""
    document = loads_strict(
        read_limited(path, MAX_PACKAGE_BYTES),
        max_bytes=MAX_PACKAGE_BYTES,
        max_depth=8,
        allow_floats=False,
    )
    if not isinstance(document, dict) or set(document) != {"statement"}:
        raise InputError(N_('The file must hold one statement (the "statement" object).'))
    parsed = parse_statement(document)
    return dict(parsed.values), details_of(parsed)


def received_moment(received_on: dt.date | None, *, year: int, now: str) -> str:
    """When an entry's paper form or file reached the federation, as ``received_at``.

    The on-time rate counts a report by the day it first arrived
    (:mod:`app.exchange.arrivals`), so an entry is counted by the day staff say
    the paper came, not the day they typed it. Received today (or no day given):
    the moment of entry, ``now``. An earlier day: that day's first moment in the
    federation's calendar (00:00, UTC+7), whose local day is exactly that day.
    Refused after today, or before the plan's year began.
    """
    today = today_local()
    if received_on is None or received_on == today:
        return now
    if received_on > today:
        raise InputError(
            N_("The day received, {date}, is after today: it cannot be in the future."),
            params={"date": short_date(received_on)},
        )
    if received_on.year < year:
        raise InputError(
            N_("The day received, {date}, is before the plan's year {year}."),
            params={"date": short_date(received_on), "year": str(year)},
        )
    return day_start_utc_text(received_on)


def enter_statement(
    ctx: AppContext,
    *,
    unit_code: str,
    plan_id: str,
    stream: str,
    source: str,
    values: Mapping[str, domain.UnitValue],
    details: StatementDetails | None = None,
    file_name: str = "",
    only_these: bool = False,
    received_on: dt.date | None = None,
) -> EntryResult:
    """Enter (or correct) a unit's statement on its behalf from its paper form
    (``source="paper"``) or its Excel file (``"excel"``; ``file_name`` its name).

    Refused, changing nothing, when a value or text cannot be kept, when nothing
    changed since the last entry, or when the stream already holds the unit's own
    signed report. ``details`` None: those of the entry it corrects (none for a
    first entry). ``only_these``: ``values`` change only the indicators they name,
    the entry it corrects gives the others. ``received_on``: the day the paper form
    or file reached the federation (:func:`received_moment`; None: today). One
    transaction, audited (``statement.enter``).
    """
    if source not in ENTRY_SOURCES:
        raise InputError(
            N_("Unknown source {source}: choose paper or excel."), params={"source": source}
        )
    with ctx.unit_of_work() as session:
        serialise_merges(session)
        require_federation_installation(session)
        plan = get_plan(session, plan_id)
        if stream not in plan.streams:
            raise InputError(N_("Unknown reporting period {period}."), params={"period": stream})
        unit = _unit(session, unit_code, plan.year)
        key = (unit.id, plan.id, stream)
        if stream in signed_streams(session, unit_id=unit.id, plan_id=plan.id):
            raise InputError(
                N_(
                    "Unit {code} has sent its own signed report for this period: it cannot "
                    "be entered on its behalf."
                ),
                params={"code": unit.code or unit_code},
            )
        previous = _previous_entry(session, key)
        if details is None:
            details = _details_of(previous) if previous is not None else StatementDetails()
        if only_these and previous is not None:
            values = {**archived_statement(previous).values, **values}
        statement = statement_input(
            plan_id=plan.id, unit_id=unit.id, stream=stream, values=dict(values), details=details
        )
        sector = session.scalar(
            select(models.RosterEntry.sector).where(
                models.RosterEntry.year == plan.year, models.RosterEntry.unit_id == unit.id
            )
        )
        body, count = _checked_body(plan, statement, sector)
        if previous is not None and archived_statement(previous) == parse_statement(body):
            raise InputError(
                N_("Nothing differs from the statement already entered; nothing was saved.")
            )
        revision = previous.revision + 1 if previous is not None else 1
        supersedes = previous.hash if previous is not None else None
        now = utc_now_text()
        received_at = received_moment(received_on, year=plan.year, now=now)
        actor = audit.current_actor()
        meta = {
            "unit": unit.id,
            "plan": plan.id,
            "stream": stream,
            "revision": revision,
            "supersedes": supersedes,
            "source": source,
            "entered_by": actor,
            "entered_at": now,
            "received_at": received_at,
            "file": file_name,
        }
        raw = entry_bytes(meta, body)
        package_hash = payload_hash(raw)
        # Archived as not merged yet; the stream's replay makes it the head and
        # writes it to the merged tables as it does an imported package.
        session.add(
            models.Package(
                hash=package_hash,
                raw=raw,
                kind=Kind.REPORT.value,
                unit_id=unit.id,
                plan_id=plan.id,
                stream=stream,
                epoch=0,
                revision=revision,
                supersedes=supersedes,
                keyid="",
                status=SUPERSEDED,
                received_at=received_at,
                file_name=file_name[:400],
                created_at=now,
                source=source,
                entered_by=actor[:200],
            )
        )
        session.flush()
        settle_and_write(session, [], MergeState(session), extra=[key])
        flag = models.ValueFlag
        flags = session.scalar(
            select(func.count())
            .select_from(flag)
            .where(
                flag.plan_id == plan.id,
                flag.unit_id == unit.id,
                flag.stream == stream,
                flag.verified_at == "",
            )
        )
        audit.record(
            session,
            action="statement.enter",
            subject=package_hash,
            detail={
                "unit": unit.code,
                "plan": plan.id,
                "stream": stream,
                "source": source,
                "revision": revision,
                "supersedes": supersedes,
                "values": count,
                "file": file_name,
                "received_at": received_at,
            },
            actor=actor,
        )
        return EntryResult(
            package_hash=package_hash,
            unit_id=unit.id,
            unit_code=unit.code or "",
            unit_name=unit.name,
            plan_id=plan.id,
            stream=stream,
            revision=revision,
            supersedes=supersedes,
            source=source,
            entered_by=actor,
            entered_at=now,
            received_at=received_at,
            file_name=file_name,
            values=count,
            flags=flags or 0,
        )


__all__ = [
    "EntryResult",
    "details_of",
    "enter_statement",
    "received_moment",
    "signed_streams",
    "statement_from_json",
    "typed_values",
]

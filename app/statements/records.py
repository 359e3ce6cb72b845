"""Statements: a unit's registration (commitments) and period results.

One typed value is checked by :func:`app.core.values.check_value`, the same for
the screen, the Excel and JSON fill and package import. ``save_statement``
writes a whole statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.core import audit, domain
from app.core.audit import utc_now_text
from app.core.errors import N_, InputError, NotFoundError
from app.core.text import nfc
from app.core.values import LIMITS, MAX_ROWS, Problem, check_value, text_problem
from app.plans import get_plan
from db import models
from db.enums import REGISTRATION_STREAM


@dataclass(frozen=True)
class StatementDetails:
    """What a statement says beside its values: the chair's details panel, and a
    statement staff enter on a unit's behalf at the federation."""

    signer_name: str = ""
    signer_title: str = ""
    signed_on: dt.date | None = None
    place: str = ""
    notes: str = ""
    movements: tuple[str, ...] = ()
    titles: tuple[tuple[bool, str, str, str], ...] = ()
    works: tuple[tuple[str, str], ...] = ()
    revision: int = 0
    narrative: domain.Narrative = field(default_factory=domain.Narrative)


class StatementDetailsLike(Protocol):
    """What a statement says beside its values (:class:`StatementDetails`)."""

    @property
    def signer_name(self) -> str: ...
    @property
    def signer_title(self) -> str: ...
    @property
    def signed_on(self) -> dt.date | None: ...
    @property
    def place(self) -> str: ...
    @property
    def notes(self) -> str: ...
    @property
    def narrative(self) -> domain.Narrative: ...
    @property
    def titles(self) -> Sequence[tuple[bool, str, str, str]]: ...
    @property
    def works(self) -> Sequence[tuple[str, str]]: ...


@dataclass(frozen=True)
class StatementInput:
    """A whole statement as a unit sends it."""

    plan_id: str
    unit_id: str
    stream: str
    values: Mapping[str, domain.UnitValue]
    signer_name: str = ""
    signer_title: str = ""
    signed_on: dt.date | None = None
    place: str = ""
    notes: str = ""
    movement_codes: tuple[str, ...] = ()
    titles: tuple[tuple[bool, str, str, str], ...] = ()  # collective, person, position, title
    works: tuple[tuple[str, str], ...] = ()  # name, occasion
    revision: int | None = None
    narrative: domain.Narrative = field(default_factory=domain.Narrative)


def statement_input(
    *,
    plan_id: str,
    unit_id: str,
    stream: str,
    values: Mapping[str, domain.UnitValue],
    details: StatementDetails,
) -> StatementInput:
    """A whole statement from its values and its details."""
    return StatementInput(
        plan_id=plan_id,
        unit_id=unit_id,
        stream=stream,
        values=values,
        signer_name=details.signer_name,
        signer_title=details.signer_title,
        signed_on=details.signed_on,
        place=details.place,
        notes=details.notes,
        movement_codes=details.movements,
        titles=details.titles,
        works=details.works,
        narrative=details.narrative,
    )


def free_texts(
    details: StatementInput | StatementDetailsLike,
) -> Iterator[tuple[str, str, int]]:
    """(field, text, longest allowed) of every free text of a statement beyond its values."""
    yield "signer_name", details.signer_name, LIMITS["signer_name"]
    yield "signer_title", details.signer_title, LIMITS["signer_title"]
    yield "place", details.place, LIMITS["place"]
    yield "notes", details.notes, LIMITS["notes"]
    narrative = details.narrative
    for text in (narrative.assessment, narrative.shortcomings, narrative.direction):
        yield "narrative", text, LIMITS["narrative"]
    for _collective, person, position, title in details.titles:
        yield "titles", person, LIMITS["person"]
        yield "titles", position, LIMITS["position"]
        yield "titles", title, LIMITS["title"]
    for name, occasion in details.works:
        yield "works", name, LIMITS["work"]
        yield "works", occasion, LIMITS["occasion"]


def details_problems(details: StatementInput | StatementDetailsLike) -> list[Problem]:
    """Every free text of a statement that cannot be kept, and too many rows."""
    problems = []
    for where, text, limit in free_texts(details):
        problem = text_problem(text, limit)
        if problem is not None:
            problems.append(replace(problem, indicator_code=where))
    for where, rows in (("titles", details.titles), ("works", details.works)):
        if len(rows) > MAX_ROWS:
            problems.append(
                Problem(where, N_("At most {limit} rows may be listed."), (("limit", MAX_ROWS),))
            )
    return problems


def save_statement(session: Session, statement: StatementInput) -> str:
    """Validate and write ``statement``, replacing the unit's current one.

    Raises :class:`InputError` listing the problems; writes nothing then.
    Returns the statement id.
    """
    plan = get_plan(session, statement.plan_id)
    if statement.stream != REGISTRATION_STREAM and statement.stream not in {
        p.code for p in plan.periods
    }:
        raise InputError(
            N_("Unknown reporting period {period}."), params={"period": statement.stream}
        )
    if session.get(models.Unit, statement.unit_id) is None:
        raise NotFoundError(N_("Unknown unit."), detail=statement.unit_id)
    by_code = {i.code: i for i in plan.indicators}
    grade_codes = tuple(g.code for g in plan.grade_levels)
    problems: list[Problem] = []
    for code, value in statement.values.items():
        indicator = by_code.get(code)
        if indicator is None:
            problems.append(Problem(code, N_("This indicator is not in the plan.")))
            continue
        problems.extend(check_value(indicator, value, grade_codes))
    problems.extend(details_problems(statement))
    movement_ids = {m.code: m.id for m in plan.movements}
    for movement in statement.movement_codes:
        if movement not in movement_ids:
            problems.append(Problem(movement, N_("This movement is not in the plan.")))
    if problems:
        error = InputError(
            N_("The statement has {count} invalid values; nothing was saved."),
            params={"count": len(problems)},
            detail="; ".join(f"{p.indicator_code}: {p.translated()}" for p in problems),
        )
        raise error

    row = session.scalar(
        select(models.Statement).where(
            models.Statement.plan_id == statement.plan_id,
            models.Statement.unit_id == statement.unit_id,
            models.Statement.stream == statement.stream,
        )
    )
    if row is None:
        row = models.Statement(
            plan_id=statement.plan_id, unit_id=statement.unit_id, stream=statement.stream
        )
        session.add(row)
        session.flush()
    else:
        session.execute(
            delete(models.StatementValue).where(models.StatementValue.statement_id == row.id)
        )
    if statement.revision is not None:
        row.revision = statement.revision
    session.add_all(
        models.StatementValue(
            statement_id=row.id,
            indicator_id=by_code[code].id,
            amount=value.amount,
            numerator=value.numerator,
            denominator=value.denominator,
            flag=value.flag,
            grade=value.grade,
            text=nfc(value.text) if value.text else None,
            note=nfc(value.note),
        )
        for code, value in statement.values.items()
        if not value.is_empty() or value.note
    )
    write_details(session, row, statement, [movement_ids[c] for c in statement.movement_codes])
    audit.record(
        session,
        action="statement.save",
        subject=statement.stream,
        detail={"plan": statement.plan_id, "unit": statement.unit_id},
    )
    session.flush()
    return row.id


def write_details(
    session: Session,
    row: models.Statement,
    details: StatementInput | StatementDetailsLike,
    movement_ids: Sequence[str],
    *,
    typed: bool = False,
) -> None:
    """Write what a statement says beside its values — signer, date, place, notes,
    narrative, the movements (``movement_ids``), titles and works — replacing its rows,
    and mark the statement changed (:func:`touch_statement`).

    ``typed``: as the chair typed it on screen — the spaces around each name go, and a
    title or a work left blank is not kept (the others keep their places in the order).
    """

    def clean(text: str) -> str:
        return nfc(text.strip() if typed else text)

    row.signer_name = clean(details.signer_name)
    row.signer_title = clean(details.signer_title)
    row.signed_on = details.signed_on
    row.place = clean(details.place)
    row.notes = nfc(details.notes)
    row.assessment = nfc(details.narrative.assessment)
    row.shortcomings = nfc(details.narrative.shortcomings)
    row.direction = nfc(details.narrative.direction)
    row.updated_at = utc_now_text()
    for table in (models.StatementMovement, models.StatementTitle, models.StatementWork):
        session.execute(delete(table).where(table.statement_id == row.id))
    touch_statement(session, row.id)
    session.add_all(
        models.StatementMovement(statement_id=row.id, movement_id=movement_id)
        for movement_id in dict.fromkeys(movement_ids)
    )
    session.add_all(
        models.StatementTitle(
            statement_id=row.id,
            collective=collective,
            person_name=clean(person),
            position=clean(position),
            title=clean(title),
            sort_order=order,
        )
        for order, (collective, person, position, title) in enumerate(details.titles)
        if not typed or title.strip()
    )
    session.add_all(
        models.StatementWork(
            statement_id=row.id, name=clean(name), occasion=clean(occasion), sort_order=order
        )
        for order, (name, occasion) in enumerate(details.works)
        if not typed or name.strip()
    )


def touch_statement(session: Session, statement_id: str) -> None:
    """Rewrite the statement row's time stamp: every writer of values calls it.

    The roll-up cells learn what changed from triggers on statement rows
    (``app.rollup.cache``), and the ORM sends no UPDATE when nothing of the
    row itself changed — a second save in the same second, say. A Core
    UPDATE always reaches the database, so the trigger always fires.
    """
    session.flush()
    session.execute(
        update(models.Statement)
        .where(models.Statement.id == statement_id)
        .values(updated_at=utc_now_text()),
        execution_options={"synchronize_session": False},
    )


def saved_value(row: models.StatementValue) -> domain.UnitValue:
    """A value as saved in a statement, as the rest of the application holds it."""
    return domain.UnitValue(
        amount=row.amount,
        numerator=row.numerator,
        denominator=row.denominator,
        flag=row.flag,
        grade=row.grade,
        text=row.text,
        note=row.note,
    )


def statement_values(
    session: Session, *, plan_id: str, unit_id: str, stream: str
) -> dict[str, domain.UnitValue]:
    """The unit's current values in one stream, by indicator code."""
    rows = session.execute(
        select(models.Indicator.code, models.StatementValue)
        .join(models.Statement, models.Statement.id == models.StatementValue.statement_id)
        .join(models.Indicator, models.Indicator.id == models.StatementValue.indicator_id)
        .where(
            models.Statement.plan_id == plan_id,
            models.Statement.unit_id == unit_id,
            models.Statement.stream == stream,
        )
    )
    return {code: saved_value(v) for code, v in rows}

"""A merged statement as rows: its id, its rows made from a parsed statement (or
an archived report) or its values read straight into rows (:func:`value_rows`,
the import's path), and their replacement in the merged tables (import,
conflicts, rebuild)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.core import domain
from app.core.values import MAX_COUNT, MAX_ROWS, check_value
from app.exchange.archived import archived_statement
from app.exchange.bodies import MAX_CODE, PlanChecks, parse_value
from app.exchange.bulk import chunks, insert_rows, insert_tuples
from app.exchange.format import PayloadError
from db import models
from db.enums import IndicatorKind

STATEMENT_NAMESPACE = uuid.UUID("6f1d2b0e-6a53-4f4e-9a53-7d3c5e0b8a11")

#: The columns of a statement value row, in the order :func:`statement_rows` gives them.
VALUE_COLUMNS = (
    "statement_id",
    "indicator_id",
    "amount",
    "numerator",
    "denominator",
    "flag",
    "grade",
    "text",
    "note",
)

#: One statement's rows: the statement, its values (tuples in :data:`VALUE_COLUMNS`
#: order: 60 a report, the most numerous rows an import writes), movements,
#: titles, works.
StatementRows = tuple[
    dict[str, Any],
    list[tuple[Any, ...]],
    list[dict[str, Any]],
    list[dict[str, Any]],
    list[dict[str, Any]],
]


_NAMESPACE_BYTES = STATEMENT_NAMESPACE.bytes
#: The variant's hex digit (RFC 4122: bits 10xx) for each value of the hash's two low bits.
_VARIANT_DIGITS = "89ab"


def row_id(name: str) -> str:
    """``str(uuid.uuid5(STATEMENT_NAMESPACE, name))``, made from the hash's hex digits
    directly (a third of the cost: several ids per statement merged)."""
    h = hashlib.sha1(_NAMESPACE_BYTES + name.encode("utf-8")).hexdigest()
    variant = _VARIANT_DIGITS[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


def statement_id(plan_id: str, unit_id: str, stream: str) -> str:
    """The same statement row id wherever a stream is merged."""
    return row_id(f"{plan_id}|{unit_id}|{stream}")


def value_rows(body: Any, checks: PlanChecks, sid: str) -> list[tuple[Any, ...]] | None:
    """The value rows of a report's ``body`` for statement ``sid``, each value read
    and checked in one pass; None unless every value is valid and in the plan.

    The import's path for the most numerous rows (60 values a report): a plain
    value (one whole amount in range, a ratio, a yes/no, a grade of the scale,
    nothing at all) goes straight from the parsed JSON to its row; any other is
    read by :func:`app.exchange.bodies.parse_value` and judged by
    :func:`app.core.values.check_value`, as :func:`statement_rows` would. On None
    the caller reads the statement whole (``parse_statement``,
    ``statement_problems``), which says what is wrong; otherwise it reads the rest
    with ``parse_statement(body, values=False)``.
    """
    statement = body.get("statement") if type(body) is dict else None
    raw = statement.get("values") if type(statement) is dict else None
    if type(raw) is not dict or len(raw) > MAX_ROWS:
        return None
    plain = checks.plain
    grades = checks.grade_codes
    rows: list[tuple[Any, ...]] = []
    append = rows.append
    for code, item in raw.items():
        entry = plain.get(code)
        if entry is None or type(item) is not dict:
            return None  # not in the plan, or not an object: the whole reading says so
        if not item:
            continue  # an empty value: no row
        indicator_id, kind, limit = entry
        size = len(item)
        if size == 1:
            if limit:  # a count or a sum of money
                amount = item.get("amount")
                if type(amount) is int and 0 <= amount <= limit:
                    append((sid, indicator_id, amount, None, None, None, None, None, ""))
                    continue
            elif kind is IndicatorKind.YES_NO:
                flag = item.get("flag")
                if type(flag) is bool:
                    append((sid, indicator_id, None, None, None, flag, None, None, ""))
                    continue
            elif kind is IndicatorKind.GRADE:
                grade = item.get("grade")
                if type(grade) is str and len(grade) <= MAX_CODE and grade in grades:
                    append((sid, indicator_id, None, None, None, None, grade, None, ""))
                    continue
        elif size == 2 and kind is IndicatorKind.RATIO:
            numerator, denominator = item.get("numerator"), item.get("denominator")
            if (
                type(numerator) is int
                and type(denominator) is int
                and 0 <= numerator <= denominator <= MAX_COUNT
            ):
                append((sid, indicator_id, None, numerator, denominator, None, None, None, ""))
                continue
        try:  # anything else (a text, a note, a wrong field): as the screen reads it
            value = parse_value(code, item)
        except PayloadError:
            return None
        if check_value(checks.indicators[code], value, grades):
            return None
        if not value.is_empty() or value.note:
            append(_value_row(sid, indicator_id, value))
    return rows


def _value_row(sid: str, indicator_id: str, v: domain.UnitValue) -> tuple[Any, ...]:
    """One value's row, in :data:`VALUE_COLUMNS` order."""
    return (
        sid,
        indicator_id,
        v.amount,
        v.numerator,
        v.denominator,
        v.flag,
        v.grade,
        v.text,
        v.note,
    )


def statement_rows(
    plan_id: str,
    unit_id: str,
    stream: str,
    revision: int,
    statement: Any,
    plan: domain.Plan,
    *,
    values: list[tuple[Any, ...]] | None = None,
) -> StatementRows:
    """The rows of one merged statement (for bulk insertion; the statement's
    ``updated_at`` is filled in when written, :func:`replace_statements`).

    ``values``: the value rows already made by :func:`value_rows` (the
    statement's own ``values`` are then not read)."""
    sid = statement_id(plan_id, unit_id, stream)
    movement_ids = {m.code: m.id for m in plan.movements}
    head = {
        "id": sid,
        "plan_id": plan_id,
        "unit_id": unit_id,
        "stream": stream,
        "signer_name": statement.signer_name,
        "signer_title": statement.signer_title,
        "signed_on": statement.signed_on,
        "place": statement.place,
        "notes": statement.notes,
        "assessment": statement.narrative.assessment,
        "shortcomings": statement.narrative.shortcomings,
        "direction": statement.narrative.direction,
        "revision": revision,
        "updated_at": "",
    }
    if values is None:
        indicator_ids = {i.code: i.id for i in plan.indicators}
        values = [
            _value_row(sid, indicator_ids[code], v)
            for code, v in statement.values.items()
            if not v.is_empty() or v.note
        ]
    movement_rows = [
        {"statement_id": sid, "movement_id": movement_ids[c]}
        for c in dict.fromkeys(statement.movements)
    ]
    title_rows = [
        {
            "id": row_id(f"{sid}|t|{n}"),
            "statement_id": sid,
            "collective": c,
            "person_name": p,
            "position": pos,
            "title": t,
            "sort_order": n,
        }
        for n, (c, p, pos, t) in enumerate(statement.titles)
    ]
    work_rows = [
        {
            "id": row_id(f"{sid}|w|{n}"),
            "statement_id": sid,
            "name": name,
            "occasion": occasion,
            "sort_order": n,
        }
        for n, (name, occasion) in enumerate(statement.works)
    ]
    return head, values, movement_rows, title_rows, work_rows


def archived_statement_rows(package: models.Package, plan: domain.Plan) -> StatementRows:
    """The statement rows of a report in the archive (a head that moved back, a rebuild),
    signed by the unit or entered by staff."""
    return statement_rows(
        package.plan_id,
        package.unit_id,
        package.stream,
        package.revision,
        archived_statement(package),
        plan,
    )


#: The tables of a statement's rows after the statement itself, in their order.
_DETAIL_TABLES = (
    models.StatementValue,  # rows as tuples (VALUE_COLUMNS)
    models.StatementMovement,
    models.StatementTitle,
    models.StatementWork,
)


def replace_statements(
    session: Session, statements: Iterable[StatementRows], *, updated_at: str
) -> None:
    """Put these statements, each as its rows, in place of what the merged tables
    hold for them (by statement id), marked as updated at ``updated_at``."""
    by_id = {rows[0]["id"]: rows for rows in statements}
    if not by_id:
        return
    # In id order: each table's primary key index is then filled in one sweep, not at
    # random places (~8% less work for SQLite on a batch of statement values).
    ids = sorted(by_id)
    for chunk in chunks(ids):
        for table in _DETAIL_TABLES:
            session.execute(delete(table).where(table.statement_id.in_(chunk)))
        session.execute(delete(models.Statement).where(models.Statement.id.in_(chunk)))
    insert_rows(
        session, models.Statement, [dict(by_id[sid][0], updated_at=updated_at) for sid in ids]
    )
    details: list[list[Any]] = [[] for _table in _DETAIL_TABLES]
    for sid in ids:
        _head, *rows = by_id[sid]
        for flat, more in zip(details, rows, strict=True):
            flat.extend(cast("list[Any]", more))
    values, *others = details
    insert_tuples(session, models.StatementValue, VALUE_COLUMNS, values)
    for model, flat in zip(_DETAIL_TABLES[1:], others, strict=True):
        if flat:
            insert_rows(session, model, flat)


__all__ = [
    "STATEMENT_NAMESPACE",
    "VALUE_COLUMNS",
    "StatementRows",
    "archived_statement_rows",
    "replace_statements",
    "row_id",
    "statement_id",
    "statement_rows",
    "value_rows",
]

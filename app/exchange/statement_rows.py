"""A merged statement as rows: its id, its rows made from a parsed statement, and
their replacement in the merged tables (import, conflicts, rebuild)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.core import domain
from app.exchange.bulk import insert_rows
from db import models

STATEMENT_NAMESPACE = uuid.UUID("6f1d2b0e-6a53-4f4e-9a53-7d3c5e0b8a11")

#: One statement's rows: the statement, its values, movements, titles, works.
StatementRows = tuple[
    dict[str, Any],
    list[dict[str, Any]],
    list[dict[str, Any]],
    list[dict[str, Any]],
    list[dict[str, Any]],
]


def statement_id(plan_id: str, unit_id: str, stream: str) -> str:
    """The same statement row id wherever a stream is merged."""
    return str(uuid.uuid5(STATEMENT_NAMESPACE, f"{plan_id}|{unit_id}|{stream}"))


def statement_rows(
    sid: str,
    plan_id: str,
    unit_id: str,
    stream: str,
    revision: int,
    statement: Any,
    plan: domain.Plan,
    now: str,
) -> StatementRows:
    """The rows of one merged statement (for bulk insertion)."""
    indicator_ids = {i.code: i.id for i in plan.indicators}
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
        "updated_at": now,
    }
    value_rows = [
        {
            "statement_id": sid,
            "indicator_id": indicator_ids[code],
            "amount": v.amount,
            "numerator": v.numerator,
            "denominator": v.denominator,
            "flag": v.flag,
            "grade": v.grade,
            "text": v.text,
            "note": v.note,
        }
        for code, v in statement.values.items()
        if not v.is_empty() or v.note
    ]
    movement_rows = [
        {"statement_id": sid, "movement_id": movement_ids[c]}
        for c in dict.fromkeys(statement.movements)
    ]
    title_rows = [
        {
            "id": str(uuid.uuid5(STATEMENT_NAMESPACE, f"{sid}|t|{n}")),
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
            "id": str(uuid.uuid5(STATEMENT_NAMESPACE, f"{sid}|w|{n}")),
            "statement_id": sid,
            "name": name,
            "occasion": occasion,
            "sort_order": n,
        }
        for n, (name, occasion) in enumerate(statement.works)
    ]
    return head, value_rows, movement_rows, title_rows, work_rows


def replace_statements(
    session: Session,
    statements: dict[str, dict[str, Any]],
    values: dict[str, list[dict[str, Any]]],
    movements: dict[str, list[dict[str, Any]]],
    titles: dict[str, list[dict[str, Any]]],
    works: dict[str, list[dict[str, Any]]],
) -> None:
    ids = list(statements)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for table in (
            models.StatementValue,
            models.StatementMovement,
            models.StatementTitle,
            models.StatementWork,
        ):
            session.execute(delete(table).where(table.statement_id.in_(chunk)))
        session.execute(delete(models.Statement).where(models.Statement.id.in_(chunk)))
    insert_rows(session, models.Statement, list(statements.values()))
    for table, rows in (
        (models.StatementValue, values),
        (models.StatementMovement, movements),
        (models.StatementTitle, titles),
        (models.StatementWork, works),
    ):
        flat = [row for sid in ids for row in rows.get(sid, [])]
        if flat:
            insert_rows(session, table, flat)


__all__ = [
    "STATEMENT_NAMESPACE",
    "StatementRows",
    "replace_statements",
    "statement_id",
    "statement_rows",
]

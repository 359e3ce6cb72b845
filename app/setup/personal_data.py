"""One person's data on request (Nghị định 13/2023/NĐ-CP): find it, export it, erase it.

A person is named as they were written (compared after Unicode NFC, ignoring case and
surrounding spaces). The readable copies are the columns docs/personal-data.md lists:
a unit's chair (with the unit's phone and e-mail), a statement's signer and the persons
proposed for titles. Erasing empties those columns in one transaction and records the
erasure in the audit log under a hash of the name (never the name itself). Archived
packages are left byte for byte, so their signatures still verify; they are kept
encrypted in transit and the erasure record says they were not rewritten.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.context import AppContext
from app.core.errors import N_, InputError
from app.core.files import write_output
from app.core.text import nfc
from db import models


@dataclass(frozen=True)
class PersonRecord:
    """One place a person's data is kept: the table, the row, the fields and values."""

    table: str
    row: str
    fields: dict[str, str]


def _norm(text: str) -> str:
    return nfc(text).strip().casefold()


def _key(name: str) -> str:
    key = _norm(name)
    if not key:
        raise InputError(N_("Type the person's full name."))
    return key


def find_person(session: Session, name: str) -> list[PersonRecord]:
    """Every readable copy of ``name``'s data in this database."""
    key = _key(name)
    found: list[PersonRecord] = []
    # Compared here, not in SQL: SQLite's lower() leaves Vietnamese capitals (Đ, Ễ…) alone.
    for unit in session.scalars(select(models.Unit).where(models.Unit.chair_name != "")):
        if _norm(unit.chair_name) != key:
            continue
        fields = {"chair_name": unit.chair_name, "phone": unit.phone, "email": unit.email}
        found.append(PersonRecord("unit", unit.id, fields))
    for statement in session.scalars(
        select(models.Statement).where(models.Statement.signer_name != "")
    ):
        if _norm(statement.signer_name) != key:
            continue
        fields = {
            "signer_name": statement.signer_name,
            "signer_title": statement.signer_title,
            "unit_id": statement.unit_id,
            "stream": statement.stream,
        }
        found.append(PersonRecord("statement", statement.id, fields))
    for title in session.scalars(
        select(models.StatementTitle).where(models.StatementTitle.person_name != "")
    ):
        if _norm(title.person_name) != key:
            continue
        fields = {
            "person_name": title.person_name,
            "position": title.position,
            "title": title.title,
        }
        found.append(PersonRecord("statement_title", title.id, fields))
    return found


def name_digest(name: str) -> str:
    """What the audit log keeps of an erased person's name."""
    return hashlib.sha256(_key(name).encode("utf-8")).hexdigest()


def export_person(ctx: AppContext, *, name: str, out: Path) -> int:
    """Write every readable copy of ``name``'s data as a JSON file; how many were found.
    Audited ``person.export`` (with the name's hash)."""
    with ctx.unit_of_work() as session:
        records = find_person(session, name)
        document = {
            "person": nfc(name).strip(),
            "records": [asdict(r) for r in records],
            "archived_packages": "kept as received, signed (docs/personal-data.md)",
        }
        write_output(out, json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"))
        audit.record(
            session,
            action="person.export",
            subject=name_digest(name),
            detail={"records": len(records)},
        )
    return len(records)


def erase_person(ctx: AppContext, *, name: str) -> int:
    """Empty every readable copy of ``name``'s data; how many rows were changed.
    Audited ``person.erase`` under the name's hash; archived packages stay whole."""
    with ctx.unit_of_work() as session:
        records = find_person(session, name)
        if not records:
            raise InputError(N_("No data of this person was found; nothing was erased."))
        for record in records:
            if record.table == "unit":
                unit = session.get(models.Unit, record.row)
                assert unit is not None
                unit.chair_name, unit.phone, unit.email = "", "", ""
            elif record.table == "statement":
                statement = session.get(models.Statement, record.row)
                assert statement is not None
                statement.signer_name = ""
            else:
                title = session.get(models.StatementTitle, record.row)
                assert title is not None
                title.person_name = ""
        audit.record(
            session,
            action="person.erase",
            subject=name_digest(name),
            detail={
                "rows": len(records),
                "tables": sorted({r.table for r in records}),
                "archived_packages": "kept whole (signed)",
            },
        )
    return len(records)

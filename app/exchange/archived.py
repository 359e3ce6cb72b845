"""A report in the federation's archive read back, whichever way it came: the unit's
signed package, or a statement staff entered on the unit's behalf.

A staff entry (:mod:`app.exchange.entries`) is archived as a report row of its own
source (``package.source``: paper | excel) whose ``raw`` is not a signed envelope
but the canonical entry (:func:`entry_bytes`): who entered it, when, from what, and
the statement body exactly as a unit's package carries it. Everything that reads a
report back from the archive (the merged tables' rows, a rebuild, a version
compared) goes through :func:`archived_statement`, so the two kinds never part;
:func:`staff_entered` says which merged statements are such entries (the dashboard's
marker, the printed forms' line).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.strictjson import dumps_canonical, loads_strict
from app.exchange.bodies import ParsedStatement, parse_statement
from app.exchange.format import parse_payload
from app.exchange.signing import open_envelope
from db import models

#: The format of a staff entry's archived bytes.
ENTRY_FORMAT = "thidua-entry/1"
#: Where a staff entry came from (``package.source``); "" is the unit's signed package.
PAPER = "paper"
EXCEL = "excel"
ENTRY_SOURCES = (PAPER, EXCEL)
#: Largest archived entry read back (a statement body is far smaller).
_MAX_ENTRY_BYTES = 8 * 1024 * 1024


def is_staff_entry(package: models.Package) -> bool:
    """Whether the archived report is a statement staff entered (not signed by the unit)."""
    return bool(package.source)


def entry_bytes(meta: dict[str, Any], body: dict[str, Any]) -> bytes:
    """A staff entry as archived: ``meta`` (unit, plan, stream, revision, supersedes,
    source, entered_by, entered_at, file) and the statement ``body`` of a package."""
    return dumps_canonical({"entry": dict(meta, format=ENTRY_FORMAT), "body": body})


def archived_body(package: models.Package) -> dict[str, Any]:
    """The statement body (``{"statement": …}``) of an archived report."""
    if is_staff_entry(package):
        document = loads_strict(
            package.raw, max_bytes=_MAX_ENTRY_BYTES, max_depth=16, allow_floats=False
        )
        body = document["body"]
        assert isinstance(body, dict)
        return body
    return _signed_body(package.raw)


def _signed_body(raw: bytes) -> dict[str, Any]:
    envelope = open_envelope(raw, max_size=len(raw) + 1)
    return parse_payload(envelope.payload, raw).body


def signed_statement(raw: bytes) -> ParsedStatement:
    """The statement of a signed report's bytes (already verified when it was decided)."""
    return parse_statement(_signed_body(raw))


def archived_statement(package: models.Package) -> ParsedStatement:
    """The statement of an archived report (signed package or staff entry)."""
    return parse_statement(archived_body(package))


def staff_entered(session: Session, plan_id: str) -> dict[tuple[str, str], str]:
    """(unit, stream) → paper | excel, for the streams whose merged statement staff
    entered on the unit's behalf (read through the index on ``source``)."""
    entered = select(models.Package.hash).where(models.Package.source > "")
    if session.scalar(entered.limit(1)) is None:
        return {}  # the usual case, answered by the index alone
    hashes = select(models.Package.hash, models.Package.source).where(models.Package.source > "")
    sources: dict[str, str] = {h: source for h, source in session.execute(hashes)}
    return {
        (unit_id, stream): sources[package_hash]
        for unit_id, stream, package_hash in session.execute(
            select(
                models.StreamHead.unit_id, models.StreamHead.stream, models.StreamHead.package_hash
            ).where(
                models.StreamHead.plan_id == plan_id,
                models.StreamHead.package_hash.in_(entered),
            )
        )
    }


__all__ = [
    "ENTRY_FORMAT",
    "ENTRY_SOURCES",
    "EXCEL",
    "PAPER",
    "archived_body",
    "archived_statement",
    "entry_bytes",
    "is_staff_entry",
    "signed_statement",
    "staff_entered",
]

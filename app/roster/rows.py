"""One row of a roster workbook checked on its own, and what the checks report.

:func:`check_row` checks a row's cells (a workbook's row, or the values a
person typed for one unit) and returns the row, or records its
:class:`RowError` items; a cell read differently from how it was typed gets a
:class:`RosterNote`. :class:`RosterError` refuses a roster with row errors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import N_, InputError
from app.core.legacy_repair import LegacyReport
from app.core.text import forbidden_character, nfc
from app.roster.columns import KIND_SHOWN, KIND_WORDS, SECTOR_LABELS, SECTOR_WORDS
from db.enums import Sector, UnitKind


@dataclass(frozen=True)
class CellMessage:
    """Something to say about one cell: its row, its column's key, an English msgid."""

    row: int
    column: str
    message: str  # English msgid
    params: tuple[tuple[str, object], ...] = ()

    def translated(self) -> str:
        from app.core.i18n import gettext

        return gettext(self.message).format(**dict(self.params))


@dataclass(frozen=True)
class RowError(CellMessage):
    """A cell that keeps its row (and so the roster) from being imported."""


@dataclass(frozen=True)
class RosterNote(CellMessage):
    """A cell the import read differently from how it was typed (a legacy font's
    text converted, "1.200" read as 1200, "hcsn" as HCSN, an empty count as 0):
    imported, and shown to staff so nothing changes without a word."""


class RosterError(InputError):
    """A roster workbook with row errors; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            N_("The roster was not imported: {count} rows have errors."),
            params={"count": len({e.row for e in errors})},
        )
        self.errors = errors


@dataclass(frozen=True)
class RosterRow:
    row: int
    code: str
    name: str
    kind: UnitKind
    sector: Sector | None
    parent: str | None
    cluster: str | None
    #: True: marked as the cluster's leader; False: marked as not the leader ("không",
    #: "0", "-"), which clears it if it leads its cluster; None: left empty (no change).
    leader: bool | None
    members: int
    workers: int
    chair: str
    phone: str
    email: str


@dataclass(frozen=True)
class RosterImportResult:
    year: int
    created: int
    updated: int
    clusters: int
    #: Cells converted from a legacy Vietnamese encoding, per encoding name.
    converted: tuple[tuple[str, int], ...] = ()
    #: Clusters whose leader the workbook cleared (marked "not the leader", or moved away).
    leaders_cleared: tuple[str, ...] = ()
    #: Rows of units already in the roster that change nothing.
    unchanged: int = 0
    #: Every cell read differently from how it was typed, per cell.
    notes: tuple[RosterNote, ...] = ()
    #: Every cell converted from a legacy font, and every one left as it was.
    legacy: LegacyReport = field(default_factory=LegacyReport)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value).strip())


def _parse_count(
    value: Any, row: int, column: str, errors: list[RowError], notes: list[RosterNote]
) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        notes.append(RosterNote(row, column, N_("empty: taken as 0")))
        return 0
    if isinstance(value, bool):
        errors.append(RowError(row, column, N_("must be a whole number")))
        return 0
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 0 <= value <= 10_000_000:
            return int(value)
    else:
        typed = str(value).strip()
        text = typed.replace(".", "").replace(" ", "")
        if text.isdigit() and int(text) <= 10_000_000:
            if text != typed:
                notes.append(
                    RosterNote(
                        row,
                        column,
                        N_("“{value}” read as {number}"),
                        (("value", typed), ("number", int(text))),
                    )
                )
            return int(text)
    errors.append(RowError(row, column, N_("must be a whole number from 0 to 10,000,000")))
    return 0


#: The longest each text column may be (the unit code is checked on its own).
_LONGEST = {"name": 300, "parent": 32, "cluster": 120, "chair": 200, "phone": 64, "email": 200}


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def check_row(
    number: int, record: dict[str, Any], errors: list[RowError], notes: list[RosterNote]
) -> RosterRow | None:
    before = len(errors)
    for key in ("code", "name", "parent", "cluster", "chair", "phone", "email"):
        value = record[key]
        if isinstance(value, dt.date | dt.time):
            # Excel turned what was typed into a date: never take it as a code or a name.
            errors.append(RowError(number, key, N_("a date where text is expected")))
            record[key] = None
        elif isinstance(value, str) and forbidden_character(value) is not None:
            errors.append(
                RowError(
                    number,
                    key,
                    N_("a character that is not allowed ({character})"),
                    (("character", forbidden_character(value) or ""),),
                )
            )
            record[key] = None
    code = cell_text(record["code"])
    name = cell_text(record["name"])
    if not code:
        errors.append(RowError(number, "code", N_("the unit code is missing")))
    elif len(code) > 32:
        errors.append(RowError(number, "code", N_("the unit code is longer than 32 characters")))
    if not name:
        errors.append(RowError(number, "name", N_("the unit name is missing")))
    for key, longest in _LONGEST.items():
        if len(cell_text(record[key])) > longest:
            # What the database column holds: PostgreSQL refused the whole roster.
            errors.append(
                RowError(
                    number,
                    key,
                    N_("longer than {limit} characters"),
                    (("limit", longest),),
                )
            )
    kind_text = cell_text(record["kind"]).lower()
    kind = KIND_WORDS.get(kind_text)
    if kind is None:
        errors.append(
            RowError(
                number,
                "kind",
                N_("unknown kind “{value}”"),
                (("value", cell_text(record["kind"])),),
            )
        )
    sector_text = cell_text(record["sector"]).lower()
    sector: Sector | None = None
    if sector_text:
        sector = SECTOR_WORDS.get(sector_text)
        if sector is None:
            errors.append(
                RowError(
                    number,
                    "sector",
                    N_("unknown sector “{value}”"),
                    (("value", cell_text(record["sector"])),),
                )
            )
    elif kind is UnitKind.GRASSROOTS:
        errors.append(RowError(number, "sector", N_("a grassroots union needs a sector")))
    if kind is not None and cell_text(record["kind"]) != KIND_SHOWN[kind]:
        notes.append(
            RosterNote(
                number,
                "kind",
                N_("“{value}” read as {word}"),
                (("value", cell_text(record["kind"])), ("word", KIND_SHOWN[kind])),
            )
        )
    if sector is not None and cell_text(record["sector"]) != SECTOR_LABELS[sector]:
        notes.append(
            RosterNote(
                number,
                "sector",
                N_("“{value}” read as {word}"),
                (("value", cell_text(record["sector"])), ("word", SECTOR_LABELS[sector])),
            )
        )
    email = cell_text(record["email"])
    if email and not _EMAIL.fullmatch(email):
        errors.append(
            RowError(number, "email", N_("not an e-mail address (“{value}”)"), (("value", email),))
        )
    members = _parse_count(record["members"], number, "members", errors, notes)
    workers = _parse_count(record["workers"], number, "workers", errors, notes)
    parent = cell_text(record["parent"]) or None
    if parent is not None and parent == code:
        errors.append(RowError(number, "parent", N_("a unit cannot be its own upper level")))
    leader = _leader_mark(number, record["leader"], errors)
    if leader and not cell_text(record["cluster"]):
        errors.append(RowError(number, "leader", N_("a cluster leader needs its cluster")))
    if len(errors) > before or kind is None:
        return None
    return RosterRow(
        row=number,
        code=code,
        name=name,
        kind=kind,
        sector=sector,
        parent=parent,
        cluster=cell_text(record["cluster"]) or None,
        leader=leader,
        members=members,
        workers=workers,
        chair=cell_text(record["chair"]),
        phone=cell_text(record["phone"]),
        email=cell_text(record["email"]),
    )


_LEADER_YES = frozenset({"x", "có", "co", "1", "yes", "cụm trưởng"})
_LEADER_NO = frozenset({"không", "khong", "0", "no", "-"})


def _leader_mark(number: int, value: Any, errors: list[RowError]) -> bool | None:
    text = cell_text(value).lower()
    if not text:
        return None
    if text in _LEADER_YES:
        return True
    if text in _LEADER_NO:
        return False
    errors.append(
        RowError(
            number,
            "leader",
            N_("write x for the cluster leader, or “không” to clear it (not “{value}”)"),
            (("value", cell_text(value)),),
        )
    )
    return None

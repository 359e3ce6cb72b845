"""The roster imported from a workbook.

The workbook has one row per unit with the columns of
:data:`app.roster.columns.COLUMNS`. Import checks every row first and reports
every problem with its row number; only a workbook with no error is written,
in one transaction. Re-importing the same workbook updates units by their
code and changes nothing else, so it is safe to repeat.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.core import audit
from app.core.errors import N_, InputError
from app.core.files import display_name
from app.core.installation import require_installation
from app.core.legacy_repair import LegacyReport, repair_table
from app.roster.apply import apply_rows
from app.roster.columns import COLUMNS, MAX_ROWS
from app.roster.relations import relation_errors
from app.roster.rows import (
    RosterError,
    RosterImportResult,
    RosterNote,
    RosterRow,
    RowError,
    cell_text,
    check_row,
)


def read_roster_rows(path: Path, conversions: dict[str, int] | None = None) -> list[RosterRow]:
    """Read and check every row; raise :class:`RosterError` listing all problems.

    Text typed in a legacy Vietnamese encoding (TCVN3, VNI) is converted to
    Unicode first; ``conversions`` receives the count per encoding.
    """
    rows, errors, _notes = _read_rows(path, conversions if conversions is not None else {}, [])
    if errors:
        raise RosterError(errors)
    return rows


def legacy_notes(report: LegacyReport) -> list[RosterNote]:
    """One note per cell converted from a legacy font, and per cell left as it was."""
    notes = [
        RosterNote(
            c.row,
            COLUMNS[c.column - 1].key,
            N_("typed in {encoding}: “{before}” converted to “{after}”"),
            (
                ("encoding", c.encoding.value if c.encoding else ""),
                ("before", c.before),
                ("after", c.after),
            ),
        )
        for c in report.converted
    ]
    notes.extend(
        RosterNote(c.row, COLUMNS[c.column - 1].key, c.reason, (("text", c.before),))
        for c in report.left
    )
    return notes


def _read_rows(
    path: Path, conversions: dict[str, int], legacy: list[LegacyReport]
) -> tuple[list[RosterRow], list[RowError], list[RosterNote]]:
    """Every row checked on its own: the good rows, every row error, every note."""
    from app.core.sheets import SheetFonts, read_rows

    fonts = SheetFonts()
    table, problems = read_rows(path, columns=len(COLUMNS), max_rows=MAX_ROWS, fonts=fonts)
    header = table[0] if table else None
    if header is None or [cell_text(h) for h in header] != [c.header for c in COLUMNS]:
        raise InputError(
            N_("The first row must hold the roster template's column headings."),
            detail=display_name(path.name),
        )
    errors: list[RowError] = [
        RowError(p.row, COLUMNS[p.column - 1].key, p.message) for p in problems
    ]
    notes: list[RosterNote] = []
    parsed: list[RosterRow] = []
    seen: dict[str, int] = {}
    repaired, report = repair_table(table[1:], fonts.rows[1:], sheet=fonts.sheet, first_row=2)
    conversions.update(report.counts)
    legacy.append(report)
    notes.extend(legacy_notes(report))
    for number, cells in enumerate(repaired, start=2):
        record = dict(zip((c.key for c in COLUMNS), cells, strict=True))
        if all(cell_text(v) == "" for v in cells):
            continue
        parsed_row = check_row(number, record, errors, notes)
        if parsed_row is None:
            continue
        if parsed_row.code in seen:
            errors.append(
                RowError(
                    number,
                    "code",
                    N_("code {code} already used on row {other}"),
                    (("code", parsed_row.code), ("other", seen[parsed_row.code])),
                )
            )
            continue
        seen[parsed_row.code] = number
        parsed.append(parsed_row)
    if not parsed and not errors:
        raise InputError(N_("The roster has no units."), detail=display_name(path.name))
    notes.sort(key=lambda note: note.row)
    return parsed, errors, notes


def import_roster(session: Session, *, path: Path, year: int) -> RosterImportResult:
    """Import a roster workbook for ``year``; all rows or none.

    Parents may be other rows of the workbook or units already in that
    year's roster; a row without a parent hangs under the federation. A
    loop of upper levels is refused on every row it passes through, whether
    it closes within the workbook or through units already in the roster.
    Every problem of every row is reported at once (a row's own cells, its
    upper level, loops, two leaders of one cluster).

    The leader column sets a cluster's leader ("x"), clears it ("không" on
    the leader's own row) or leaves it (empty). A leader whose row moves it
    to another cluster no longer leads the old one.
    """
    installation = require_installation(session)
    conversions: dict[str, int] = {}
    legacy: list[LegacyReport] = []
    rows, errors, notes = _read_rows(path, conversions, legacy)
    errors.extend(relation_errors(session, rows, year))
    if errors:
        raise RosterError(sorted(errors, key=lambda e: e.row))
    created, updated, unchanged, clusters, cleared = apply_rows(
        session, rows, year, installation.own_unit_id
    )
    audit.record(
        session,
        action="roster.import",
        subject=display_name(path.name),
        detail={
            "year": year,
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
            "leaders_cleared": list(cleared),
        },
    )
    session.flush()
    return RosterImportResult(
        year,
        created,
        updated,
        clusters,
        tuple(sorted(conversions.items())),
        tuple(cleared),
        unchanged,
        tuple(notes),
        legacy[0] if legacy else LegacyReport(),
    )

"""The roster: the organisation tree of one plan year, imported from Excel.

The workbook template (``write_roster_template``) has one row per unit with
the columns of :data:`COLUMNS`. Import checks every row first and reports
every problem with its row number; only a workbook with no error is written,
in one transaction. Re-importing the same workbook updates units by their
code and changes nothing else, so it is safe to repeat.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.core import audit, domain
from app.core.errors import N_, InputError, NotFoundError, UserError
from app.core.files import display_name
from app.core.installation import get_installation
from app.core.legacy_text import repair_table
from app.core.text import forbidden_character, nfc
from app.core.workbooks import save_workbook
from db import models
from db.enums import Sector, UnitKind

MAX_ROWS = 200_000


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Vietnamese header printed in the template (forms are Vietnamese)
    required: bool
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã đơn vị", True, 14),
    Column("name", "Tên đơn vị", True, 48),
    Column("kind", "Loại (CĐCS / Cấp trên)", True, 22),
    Column("sector", "Khu vực (HCSN / DNNN / NGOÀI NN / FDI)", False, 30),
    Column("parent", "Mã đơn vị cấp trên", False, 18),
    Column("cluster", "Cụm thi đua", False, 24),
    Column("leader", "Cụm trưởng (x)", False, 14),
    Column("members", "Số đoàn viên", False, 14),
    Column("workers", "Số lao động", False, 14),
    Column("chair", "Chủ tịch", False, 24),
    Column("phone", "Điện thoại", False, 16),
    Column("email", "Email", False, 26),
)

_KIND_WORDS: dict[str, UnitKind] = {
    "cđcs": UnitKind.GRASSROOTS,
    "cơ sở": UnitKind.GRASSROOTS,
    "công đoàn cơ sở": UnitKind.GRASSROOTS,
    "grassroots": UnitKind.GRASSROOTS,
    "cấp trên": UnitKind.UPPER,
    "công đoàn cấp trên": UnitKind.UPPER,
    "cấp trên cơ sở": UnitKind.UPPER,
    "upper": UnitKind.UPPER,
}

_SECTOR_WORDS: dict[str, Sector] = {
    "hcsn": Sector.ADMINISTRATIVE,
    "hành chính sự nghiệp": Sector.ADMINISTRATIVE,
    "administrative": Sector.ADMINISTRATIVE,
    "dnnn": Sector.STATE_ENTERPRISE,
    "doanh nghiệp nhà nước": Sector.STATE_ENTERPRISE,
    "state_enterprise": Sector.STATE_ENTERPRISE,
    "ngoài nn": Sector.NON_STATE_ENTERPRISE,
    "ngoài nhà nước": Sector.NON_STATE_ENTERPRISE,
    "doanh nghiệp ngoài nhà nước": Sector.NON_STATE_ENTERPRISE,
    "non_state_enterprise": Sector.NON_STATE_ENTERPRISE,
    "fdi": Sector.FDI,
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str  # English msgid
    params: tuple[tuple[str, object], ...] = ()

    def translated(self) -> str:
        from app.core.i18n import gettext

        return gettext(self.message).format(**dict(self.params))


@dataclass(frozen=True)
class RosterNote:
    """A cell the import read differently from how it was typed (a legacy font's
    text converted, "1.200" read as 1200, "hcsn" as HCSN, an empty count as 0):
    imported, and shown to staff so nothing changes without a word."""

    row: int
    column: str
    message: str  # English msgid
    params: tuple[tuple[str, object], ...] = ()

    def translated(self) -> str:
        from app.core.i18n import gettext

        return gettext(self.message).format(**dict(self.params))


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


def _cell_text(value: Any) -> str:
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


def read_roster_rows(path: Path, conversions: dict[str, int] | None = None) -> list[RosterRow]:
    """Read and check every row; raise :class:`RosterError` listing all problems.

    Text typed in a legacy Vietnamese encoding (TCVN3, VNI) is converted to
    Unicode first; ``conversions`` receives the count per encoding.
    """
    rows, errors, _notes = _read_rows(path, conversions if conversions is not None else {})
    if errors:
        raise RosterError(errors)
    return rows


def _read_rows(
    path: Path, conversions: dict[str, int]
) -> tuple[list[RosterRow], list[RowError], list[RosterNote]]:
    """Every row checked on its own: the good rows, every row error, every note."""
    from app.core.sheets import read_rows

    table, problems = read_rows(path, columns=len(COLUMNS), max_rows=MAX_ROWS)
    header = table[0] if table else None
    if header is None or [_cell_text(h) for h in header] != [c.header for c in COLUMNS]:
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
    repaired, counts = repair_table(table[1:])
    conversions.update({encoding.value: n for encoding, n in counts.items()})
    for number, (typed, cells) in enumerate(zip(table[1:], repaired, strict=True), start=2):
        record = dict(zip((c.key for c in COLUMNS), cells, strict=True))
        if all(_cell_text(v) == "" for v in cells):
            continue
        for column, before, after in zip(COLUMNS, typed, cells, strict=True):
            if before != after:
                notes.append(
                    RosterNote(
                        number,
                        column.key,
                        N_("typed in an old Vietnamese font: “{before}” converted to “{after}”"),
                        (("before", str(before)), ("after", str(after))),
                    )
                )
        parsed_row = _check_row(number, record, errors, notes)
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
    return parsed, errors, notes


#: The longest each text column may be (the unit code is checked on its own).
_LONGEST = {"name": 300, "parent": 32, "cluster": 120, "chair": 200, "phone": 64, "email": 200}


#: Each column in words, for messages and the audit (the template's headings are
#: printed Vietnamese; these follow the interface language).
FIELD_WORDS: dict[str, str] = {
    "code": N_("Unit code"),
    "name": N_("Unit name"),
    "kind": N_("Kind"),
    "sector": N_("Sector"),
    "parent": N_("Upper level"),
    "cluster": N_("Cluster"),
    "leader": N_("Cluster leader"),
    "members": N_("Members"),
    "workers": N_("Workers"),
    "chair": N_("Chair"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
}

#: How the template writes each kind and sector (what a note says a word was read as).
_KIND_SHOWN = {UnitKind.GRASSROOTS: "CĐCS", UnitKind.UPPER: "Cấp trên"}
_SECTOR_SHOWN = {
    Sector.ADMINISTRATIVE: "HCSN",
    Sector.STATE_ENTERPRISE: "DNNN",
    Sector.NON_STATE_ENTERPRISE: "NGOÀI NN",
    Sector.FDI: "FDI",
}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def _check_row(
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
    code = _cell_text(record["code"])
    name = _cell_text(record["name"])
    if not code:
        errors.append(RowError(number, "code", N_("the unit code is missing")))
    elif len(code) > 32:
        errors.append(RowError(number, "code", N_("the unit code is longer than 32 characters")))
    if not name:
        errors.append(RowError(number, "name", N_("the unit name is missing")))
    for key, longest in _LONGEST.items():
        if len(_cell_text(record[key])) > longest:
            # What the database column holds: PostgreSQL refused the whole roster.
            errors.append(
                RowError(
                    number,
                    key,
                    N_("longer than {limit} characters"),
                    (("limit", longest),),
                )
            )
    kind_text = _cell_text(record["kind"]).lower()
    kind = _KIND_WORDS.get(kind_text)
    if kind is None:
        errors.append(
            RowError(
                number,
                "kind",
                N_("unknown kind “{value}”"),
                (("value", _cell_text(record["kind"])),),
            )
        )
    sector_text = _cell_text(record["sector"]).lower()
    sector: Sector | None = None
    if sector_text:
        sector = _SECTOR_WORDS.get(sector_text)
        if sector is None:
            errors.append(
                RowError(
                    number,
                    "sector",
                    N_("unknown sector “{value}”"),
                    (("value", _cell_text(record["sector"])),),
                )
            )
    elif kind is UnitKind.GRASSROOTS:
        errors.append(RowError(number, "sector", N_("a grassroots union needs a sector")))
    if kind is not None and _cell_text(record["kind"]) != _KIND_SHOWN[kind]:
        notes.append(
            RosterNote(
                number,
                "kind",
                N_("“{value}” read as {word}"),
                (("value", _cell_text(record["kind"])), ("word", _KIND_SHOWN[kind])),
            )
        )
    if sector is not None and _cell_text(record["sector"]) != _SECTOR_SHOWN[sector]:
        notes.append(
            RosterNote(
                number,
                "sector",
                N_("“{value}” read as {word}"),
                (("value", _cell_text(record["sector"])), ("word", _SECTOR_SHOWN[sector])),
            )
        )
    email = _cell_text(record["email"])
    if email and not _EMAIL.fullmatch(email):
        errors.append(
            RowError(number, "email", N_("not an e-mail address (“{value}”)"), (("value", email),))
        )
    members = _parse_count(record["members"], number, "members", errors, notes)
    workers = _parse_count(record["workers"], number, "workers", errors, notes)
    parent = _cell_text(record["parent"]) or None
    if parent is not None and parent == code:
        errors.append(RowError(number, "parent", N_("a unit cannot be its own upper level")))
    leader = _leader_mark(number, record["leader"], errors)
    if leader and not _cell_text(record["cluster"]):
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
        cluster=_cell_text(record["cluster"]) or None,
        leader=leader,
        members=members,
        workers=workers,
        chair=_cell_text(record["chair"]),
        phone=_cell_text(record["phone"]),
        email=_cell_text(record["email"]),
    )


_LEADER_YES = frozenset({"x", "có", "co", "1", "yes", "cụm trưởng"})
_LEADER_NO = frozenset({"không", "khong", "0", "no", "-"})


def _leader_mark(number: int, value: Any, errors: list[RowError]) -> bool | None:
    text = _cell_text(value).lower()
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
            (("value", _cell_text(value)),),
        )
    )
    return None


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
    installation = get_installation(session)
    if installation is None:
        raise UserError(N_("Set up the database first (thidua-cli init)."))
    conversions: dict[str, int] = {}
    rows, errors, notes = _read_rows(path, conversions)
    errors.extend(_relations(session, rows, year))
    if errors:
        raise RosterError(sorted(errors, key=lambda e: e.row))
    created, updated, unchanged, clusters, cleared = _apply_rows(
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
    )


def _relations(session: Session, rows: list[RosterRow], year: int) -> list[RowError]:
    """What rows are wrong in relation to others: upper levels, loops, leaders."""
    errors: list[RowError] = []
    by_code = {r.code: r for r in rows}
    known_parents = {
        code: kind
        for code, kind in session.execute(
            select(models.Unit.code, models.Unit.kind)
            .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
            .where(models.RosterEntry.year == year, models.Unit.code.is_not(None))
        )
    }
    for row in rows:
        if row.parent is None:
            continue
        parent_row = by_code.get(row.parent)
        if parent_row is None and row.parent not in known_parents:
            errors.append(
                RowError(
                    row.row,
                    "parent",
                    N_("no unit with code {code} in the roster"),
                    (("code", row.parent),),
                )
            )
        elif (
            parent_row.kind if parent_row is not None else known_parents[row.parent]
        ) is UnitKind.GRASSROOTS:
            errors.append(
                RowError(
                    row.row,
                    "parent",
                    N_("the upper level {code} is a grassroots union"),
                    (("code", row.parent),),
                )
            )
    errors.extend(_cycles(rows, _roster_parents(session, year)))
    errors.extend(_double_leaders(rows))
    errors.extend(_case_twins(session, rows))
    return errors


def _case_twins(session: Session, rows: list[RosterRow]) -> list[RowError]:
    """Codes that differ from another unit's only in upper and lower case
    ("cs-00009" beside "CS-00009"): two units nobody could tell apart."""
    known: dict[str, str] = {}
    for code in session.scalars(select(models.Unit.code).where(models.Unit.code.is_not(None))):
        if code:
            known.setdefault(code.casefold(), code)
    errors = []
    for row in rows:
        twin = known.get(row.code.casefold())
        if twin is not None and twin != row.code:
            errors.append(
                RowError(
                    row.row,
                    "code",
                    N_("code {code} differs from unit code {other} only in letter case"),
                    (("code", row.code), ("other", twin)),
                )
            )
        else:
            known[row.code.casefold()] = row.code
    return errors


def _apply_rows(
    session: Session, rows: list[RosterRow], year: int, root_id: str
) -> tuple[int, int, int, int, list[str]]:
    """Write checked rows: (created, updated, unchanged, clusters, leaders cleared)."""
    existing_units = {
        u.code: u
        for u in session.scalars(
            select(models.Unit).where(models.Unit.code.in_([r.code for r in rows]))
        )
        if u.code is not None
    }
    created = 0
    units: dict[str, models.Unit] = {}
    changed: set[str] = set()
    for row in rows:
        unit = existing_units.get(row.code)
        if unit is None:
            unit = models.Unit(code=row.code, name=row.name, kind=row.kind)
            session.add(unit)
            created += 1
        elif (unit.name, unit.kind, unit.phone, unit.email, unit.chair_name) != (
            row.name,
            row.kind,
            row.phone,
            row.email,
            row.chair,
        ):
            changed.add(row.code)
        unit.name = row.name
        unit.kind = row.kind
        unit.phone = row.phone
        unit.email = row.email
        unit.chair_name = row.chair
        units[row.code] = unit
    session.flush()

    clusters, cleared = _clusters(session, year, rows, units)
    entries = {
        e.unit_id: e
        for e in session.scalars(
            select(models.RosterEntry).where(
                models.RosterEntry.year == year,
                models.RosterEntry.unit_id.in_([u.id for u in units.values()]),
            )
        )
    }
    parent_ids = _parent_ids(session, rows, units)
    if (
        session.scalar(
            select(models.RosterEntry).where(
                models.RosterEntry.year == year, models.RosterEntry.unit_id == root_id
            )
        )
        is None
    ):
        session.add(models.RosterEntry(year=year, unit_id=root_id, parent_id=None))
    for row in rows:
        unit = units[row.code]
        entry = entries.get(unit.id)
        wanted = (
            parent_ids.get(row.code) or root_id,
            row.sector,
            row.members,
            row.workers,
            clusters[row.cluster].id if row.cluster else None,
        )
        if entry is None:
            entry = models.RosterEntry(year=year, unit_id=unit.id)
            session.add(entry)
            changed.add(row.code)
        elif (
            entry.parent_id,
            entry.sector,
            entry.member_count,
            entry.worker_count,
            entry.cluster_id,
        ) != wanted:
            changed.add(row.code)
        (
            entry.parent_id,
            entry.sector,
            entry.member_count,
            entry.worker_count,
            entry.cluster_id,
        ) = wanted
    updated = len(changed - {r.code for r in rows if r.code not in existing_units})
    unchanged = len(existing_units) - updated
    return created, updated, unchanged, len({c.id for c in clusters.values()}), cleared


def _parent_ids(
    session: Session, rows: Iterable[RosterRow], units: dict[str, models.Unit]
) -> dict[str, str]:
    outside = {r.parent for r in rows if r.parent and r.parent not in units}
    lookup = {
        code: unit_id
        for code, unit_id in session.execute(
            select(models.Unit.code, models.Unit.id).where(models.Unit.code.in_(list(outside)))
        )
    }
    result: dict[str, str] = {}
    for row in rows:
        if row.parent:
            result[row.code] = units[row.parent].id if row.parent in units else lookup[row.parent]
    return result


def cluster_key(name: str) -> str:
    """One cluster however its name is cased or spaced ("cụm 1 " is "Cụm 1")."""
    return " ".join(nfc(name).split()).casefold()


def _clusters(
    session: Session, year: int, rows: Iterable[RosterRow], units: dict[str, models.Unit]
) -> tuple[dict[str, models.Cluster], list[str]]:
    """The workbook's clusters (made when new) and the leaders it sets or clears.

    Returns the clusters by code and the codes of the clusters left without
    their leader.
    """
    result: dict[str, models.Cluster] = {}
    cleared: list[str] = []
    placed = {units[r.code].id: r for r in rows}
    # A leader the workbook moves out of its cluster (or marks "không") stops leading it.
    for led in session.scalars(
        select(models.Cluster).where(
            models.Cluster.year == year, models.Cluster.leader_unit_id.in_(list(placed))
        )
    ):
        row = placed[led.leader_unit_id or ""]
        if cluster_key(row.cluster or "") != cluster_key(led.code) or row.leader is False:
            led.leader_unit_id = None
            cleared.append(led.code)
    known = {
        cluster_key(c.code): c
        for c in session.scalars(select(models.Cluster).where(models.Cluster.year == year))
    }
    for row in rows:
        if not row.cluster:
            continue
        cluster = known.get(cluster_key(row.cluster))
        if cluster is None:
            cluster = models.Cluster(year=year, code=row.cluster, name=row.cluster)
            session.add(cluster)
            known[cluster_key(row.cluster)] = cluster
        result[row.cluster] = cluster
        if row.leader:
            cluster.leader_unit_id = units[row.code].id
            if cluster.code in cleared:
                cleared.remove(cluster.code)
    session.flush()
    return result, sorted(cleared)


def _roster_parents(session: Session, year: int) -> dict[str, str | None]:
    """Code → upper level's code of every unit in the ``year`` roster (None at the top)."""
    parent = aliased(models.Unit)
    return {
        code: parent_code
        for code, parent_code in session.execute(
            select(models.Unit.code, parent.code)
            .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
            .outerjoin(parent, parent.id == models.RosterEntry.parent_id)
            .where(models.RosterEntry.year == year, models.Unit.code.is_not(None))
        )
        if code is not None
    }


def _cycles(rows: list[RosterRow], known: dict[str, str | None]) -> list[RowError]:
    """Rows whose chain of upper levels comes back to a unit already on it.

    The chain follows the workbook's rows first and, for a unit the
    workbook does not list, the upper level the roster already records —
    so a loop closed through units already in the database is found too.
    """
    parents: dict[str, str | None] = dict(known)
    parents.update({r.code: r.parent for r in rows})
    # Each unit is walked once (a 4,000-row chain took minutes when every row walked
    # its whole chain again): what a chain leads to — nothing, or a loop — is kept.
    leads_to: dict[str, tuple[str, ...] | None] = {}
    for row in rows:
        path: list[str] = []
        position: dict[str, int] = {}
        current: str | None = row.code
        while True:
            if current is None or current not in parents:
                found: tuple[str, ...] | None = None
                break
            if current in leads_to:
                found = leads_to[current]
                break
            if current in position:
                found = (*path[position[current] :], current)
                break
            position[current] = len(path)
            path.append(current)
            current = parents[current]
        for code in path:
            leads_to[code] = found
    errors = []
    for row in rows:
        loop = leads_to.get(row.code)
        if loop is not None:
            shown = loop if len(loop) <= 12 else (*loop[:10], "…", loop[-1])
            errors.append(
                RowError(
                    row.row,
                    "parent",
                    N_("the upper levels form a loop: {chain}"),
                    (("chain", " → ".join(shown)),),
                )
            )
    return errors


def _double_leaders(rows: list[RosterRow]) -> list[RowError]:
    first: dict[str, int] = {}
    errors = []
    for row in rows:
        if not row.leader or not row.cluster:
            continue
        if cluster_key(row.cluster) in first:
            errors.append(
                RowError(
                    row.row,
                    "leader",
                    N_("cluster {cluster} already has its leader on row {other}"),
                    (("cluster", row.cluster), ("other", first[cluster_key(row.cluster)])),
                )
            )
        else:
            first[cluster_key(row.cluster)] = row.row
    return errors


# --- one unit on screen --------------------------------------------------------------------


def save_roster_unit(
    session: Session, *, year: int, values: dict[str, Any], creating: bool
) -> RosterImportResult:
    """Add a unit to the ``year`` roster, or change one (its code is its identity).

    ``values`` holds the template's columns by key (``code``, ``name``,
    ``kind``, …) as a person types them; they pass exactly the checks a
    workbook row passes (a row numbered 0). Moving a unit is changing its
    upper level or cluster. Audited; raises :class:`RosterError` and changes
    nothing on bad input.
    """
    installation = get_installation(session)
    if installation is None:
        raise UserError(N_("Set up the database first (thidua-cli init)."))
    record: dict[str, Any] = {c.key: values.get(c.key) for c in COLUMNS}
    errors: list[RowError] = []
    notes: list[RosterNote] = []
    row = _check_row(0, record, errors, notes)
    code = _cell_text(record["code"])
    listed = session.scalar(
        select(models.RosterEntry.unit_id)
        .join(models.Unit, models.Unit.id == models.RosterEntry.unit_id)
        .where(models.RosterEntry.year == year, models.Unit.code == code)
    )
    if code and creating and listed is not None:
        errors.append(
            RowError(0, "code", N_("code {code} is already in the roster"), (("code", code),))
        )
    if code and not creating and listed is None:
        errors.append(
            RowError(0, "code", N_("no unit with code {code} in the roster"), (("code", code),))
        )
    if row is not None:
        errors.extend(_relations(session, [row], year))
    if errors or row is None:
        raise RosterError(errors)
    before = _unit_fields(session, year, code)
    if creating:
        earlier = session.scalar(select(models.Unit.name).where(models.Unit.code == code))
        if earlier is not None:
            notes.append(
                RosterNote(
                    0,
                    "code",
                    N_(
                        "code {code} was {name}'s, taken out of the roster earlier: that unit "
                        "comes back with these details"
                    ),
                    (("code", code), ("name", earlier)),
                )
            )
    created, updated, unchanged, clusters, cleared = _apply_rows(
        session, [row], year, installation.own_unit_id
    )
    after = _unit_fields(session, year, code)
    audit.record(
        session,
        action="roster.unit.add" if creating else "roster.unit.edit",
        subject=code,
        detail={
            "year": year,
            "name": row.name,
            "parent": row.parent or "",
            "changed": updated,
            # What changed, old → new, so a rename or a move can be traced.
            "changes": {
                key: [before.get(key, ""), value]
                for key, value in after.items()
                if before and before.get(key, "") != value
            },
        },
    )
    session.flush()
    return RosterImportResult(
        year, created, updated, clusters, (), tuple(cleared), unchanged, tuple(notes)
    )


def _unit_fields(session: Session, year: int, code: str) -> dict[str, str]:
    """A unit of the ``year`` roster as words per column ({} when not in it)."""
    parent = aliased(models.Unit)
    found = session.execute(
        select(models.Unit, models.RosterEntry, parent.code, models.Cluster.code)
        .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
        .outerjoin(parent, parent.id == models.RosterEntry.parent_id)
        .outerjoin(models.Cluster, models.Cluster.id == models.RosterEntry.cluster_id)
        .where(models.RosterEntry.year == year, models.Unit.code == code)
    ).first()
    if found is None:
        return {}
    unit, entry, parent_code, cluster = found
    return {
        "name": unit.name,
        "kind": _KIND_SHOWN.get(unit.kind, ""),
        "sector": _SECTOR_SHOWN.get(entry.sector, "") if entry.sector else "",
        "parent": parent_code or "",
        "cluster": cluster or "",
        "members": str(entry.member_count),
        "workers": str(entry.worker_count),
        "chair": unit.chair_name or "",
        "phone": unit.phone or "",
        "email": unit.email or "",
    }


def retire_roster_unit(session: Session, *, year: int, code: str) -> None:
    """Take a unit out of the ``year`` roster (dissolved, merged): its packages and
    figures stay in the archive. Refused while units of that year sit under it."""
    unit = session.scalar(select(models.Unit).where(models.Unit.code == code))
    entry = (
        session.scalar(
            select(models.RosterEntry).where(
                models.RosterEntry.year == year, models.RosterEntry.unit_id == unit.id
            )
        )
        if unit is not None
        else None
    )
    if unit is None or entry is None:
        raise NotFoundError(
            N_("No unit with code {code} in the {year} roster."),
            params={"code": code, "year": year},
        )
    below = session.scalar(
        select(func.count())
        .select_from(models.RosterEntry)
        .where(models.RosterEntry.year == year, models.RosterEntry.parent_id == unit.id)
    )
    if below:
        raise InputError(
            N_("{count} units are under {code}: move them to another upper level first."),
            params={"count": below, "code": code},
        )
    for cluster in session.scalars(
        select(models.Cluster).where(
            models.Cluster.year == year, models.Cluster.leader_unit_id == unit.id
        )
    ):
        cluster.leader_unit_id = None
    session.delete(entry)
    audit.record(
        session, action="roster.unit.retire", subject=code, detail={"year": year, "name": unit.name}
    )
    session.flush()


def set_cluster_leader(
    session: Session, *, year: int, cluster: str, unit_code: str | None
) -> str | None:
    """Make ``unit_code`` the leader of ``cluster`` in ``year``, or clear it (None).

    The leader must be a member of the cluster that year. Returns the
    previous leader's code (None when there was none). Audited; raises
    :class:`NotFoundError` / :class:`InputError` and changes nothing on bad
    input. Runs inside the caller's transaction.
    """
    row = session.scalar(
        select(models.Cluster).where(models.Cluster.year == year, models.Cluster.code == cluster)
    )
    if row is None:
        raise NotFoundError(
            N_("There is no cluster {cluster} in {year}."),
            params={"cluster": cluster, "year": year},
        )
    previous = (
        session.scalar(select(models.Unit.code).where(models.Unit.id == row.leader_unit_id))
        if row.leader_unit_id
        else None
    )
    leader_id: str | None = None
    if unit_code is not None:
        leader_id = session.scalar(
            select(models.Unit.id)
            .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
            .where(
                models.Unit.code == unit_code,
                models.RosterEntry.year == year,
                models.RosterEntry.cluster_id == row.id,
            )
        )
        if leader_id is None:
            raise InputError(
                N_("{code} is not a member of cluster {cluster} in {year}."),
                params={"code": unit_code, "cluster": cluster, "year": year},
            )
    row.leader_unit_id = leader_id
    audit.record(
        session,
        action="roster.leader",
        subject=cluster,
        detail={"year": year, "leader": unit_code or "", "previous": previous or ""},
    )
    session.flush()
    return previous


#: What each column takes, for the template's instructions sheet (printed Vietnamese).
_INSTRUCTIONS = {
    "code": "Bắt buộc. Mã riêng của đơn vị, không trùng, tối đa 32 ký tự (ví dụ CS-0001).",
    "name": "Bắt buộc. Tên đầy đủ của đơn vị.",
    "kind": "Bắt buộc. Chọn trong danh sách: CĐCS hoặc Cấp trên.",
    "sector": "Bắt buộc với CĐCS. Chọn: HCSN, DNNN, NGOÀI NN hoặc FDI.",
    "parent": "Mã của công đoàn cấp trên trực tiếp; để trống nếu trực thuộc LĐLĐ tỉnh.",
    "cluster": "Tên cụm thi đua của đơn vị (tối đa 120 ký tự); để trống nếu chưa xếp cụm.",
    "leader": "Ghi x nếu đơn vị là cụm trưởng; ghi “không” để bỏ cụm trưởng.",
    "members": "Số nguyên từ 0 đến 10.000.000, không dùng dấu chấm ngăn cách.",
    "workers": "Số nguyên từ 0 đến 10.000.000, không dùng dấu chấm ngăn cách.",
    "chair": "Họ tên chủ tịch công đoàn (Liên đoàn gọi số này để xác nhận khóa).",
    "phone": "Số điện thoại liên hệ của đơn vị.",
    "email": "Địa chỉ thư điện tử, dạng ten@donvi.vn.",
}


def write_roster_template(path: Path, example: bool = True) -> None:
    """Write the roster template workbook: the units' sheet first (with two example
    rows if asked), drop-down lists where a column takes fixed words, whole
    numbers checked as they are typed, and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Danh sách đơn vị"
    sheet.append([c.header for c in COLUMNS])
    letters: dict[str, str] = {}
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        letters[column.key] = cell.column_letter
        sheet.column_dimensions[cell.column_letter].width = column.width
    last = MAX_ROWS + 1
    for key, words, prompt in (
        ("kind", ["CĐCS", "Cấp trên"], "CĐCS hoặc Cấp trên"),
        ("sector", list(_SECTOR_SHOWN.values()), "HCSN, DNNN, NGOÀI NN hoặc FDI"),
        ("leader", ["x", "không"], "x: cụm trưởng; không: bỏ cụm trưởng"),
    ):
        rule = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True)
        rule.error = "Chọn một giá trị trong danh sách: " + prompt
        rule.errorTitle = "Giá trị không hợp lệ"
        rule.prompt = prompt
        rule.showErrorMessage = True
        rule.add(f"{letters[key]}2:{letters[key]}{last}")
        sheet.add_data_validation(rule)
    counts = DataValidation(
        type="whole", operator="between", formula1="0", formula2="10000000", allow_blank=True
    )
    counts.error = "Nhập số nguyên từ 0 đến 10.000.000."
    counts.errorTitle = "Số không hợp lệ"
    counts.showErrorMessage = True
    counts.add(f"{letters['members']}2:{letters['workers']}{last}")
    sheet.add_data_validation(counts)
    if example:
        sheet.append(
            ["LDH-01", "LĐLĐ huyện Yên Sơn", "Cấp trên", "", "", "Cụm 1", "x", 0, 0, "", "", ""]
        )
        sheet.append(
            [
                "CS-0001",
                "Công đoàn Công ty Cổ phần Xi măng Tân Quang",
                "CĐCS",
                "NGOÀI NN",
                "LDH-01",
                "Cụm 1",
                "",
                350,
                420,
                "Nguyễn Văn A",
                "0207 3822 000",
                "",
            ]
        )
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Cách ghi"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        guide.append([column.header, _INSTRUCTIONS[column.key]])
    guide.append([])
    guide.append(
        [
            "Lưu ý",
            "Mỗi đơn vị một dòng, trên trang “Danh sách đơn vị”. Nhập lại cùng tệp là an "
            "toàn: đơn vị được nhận ra theo mã, dòng không đổi được báo “không thay đổi”. "
            "Chữ gõ bằng phông TCVN3 hoặc VNI được tự chuyển sang Unicode và báo từng ô.",
        ]
    )
    guide.column_dimensions["A"].width = 40
    guide.column_dimensions["B"].width = 90
    for row in guide.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    workbook.active = 0
    save_workbook(workbook, path)


def list_roster(session: Session, *, year: int) -> list[domain.RosterUnit]:
    rows = session.execute(
        select(models.Unit, models.RosterEntry, models.Cluster.code, models.Cluster.leader_unit_id)
        .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
        .outerjoin(models.Cluster, models.Cluster.id == models.RosterEntry.cluster_id)
        .where(models.RosterEntry.year == year)
        .order_by(models.Unit.code)
    )
    return [
        domain.RosterUnit(
            id=unit.id,
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            sector=entry.sector,
            parent_id=entry.parent_id,
            cluster_code=cluster_code,
            member_count=entry.member_count,
            worker_count=entry.worker_count,
            phone=unit.phone,
            email=unit.email,
            leader=leader_id == unit.id,
            chair=unit.chair_name or "",
        )
        for unit, entry, cluster_code, leader_id in rows
    ]


def default_year(session: Session) -> int:
    """The newest plan's year, or this calendar year when there is no plan."""
    year = session.scalar(select(models.Plan.year).order_by(models.Plan.year.desc()).limit(1))
    return year if year is not None else dt.date.today().year

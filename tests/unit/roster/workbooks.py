"""Roster workbooks for the import tests: a good one (:data:`GOOD`) written to a real
file, importing it, and a fingerprint of every table to show a refused one changed nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.core.errors import InputError
from app.roster.rows import RosterImportResult
from app.roster.template import write_roster_template
from app.roster.workbook_import import import_roster
from db import models

YEAR = 2017

Row = Sequence[object]

# Columns: code, name, kind, sector, parent, cluster, leader, members, workers,
# chair, phone, email. Data rows start at row 2 of the sheet.
GOOD: list[Row] = [
    # row 2: listed before its upper level on purpose; "1.200" is Vietnamese thousands
    [
        "CS-0003",
        "CĐCS Công ty TNHH Hàn Việt",
        "CĐCS",
        "FDI",
        "LDH-02",
        "Cụm 2",
        "x",
        "1.200",
        1500.0,
    ],
    # row 3
    ["LDH-01", "LĐLĐ huyện Yên Sơn", "Cấp trên", "", "", "Cụm 1", "x", 0, 0],
    # row 4
    ["LDH-02", "Công đoàn các Khu công nghiệp tỉnh", "công đoàn cấp trên", None, None, "Cụm 1"],
    # row 5
    [
        "CS-0001",
        "CĐCS Công ty CP Xi măng Tân Quang",
        "CĐCS",
        "NGOÀI NN",
        "LDH-01",
        "Cụm 2",
        "",
        350,
        420,
        "Nguyễn Văn A",
        "0207 3822 000",
        "xmtq@example.vn",
    ],
    # row 6
    ["CS-0002", "CĐCS Trường THPT Yên Sơn", "Cơ sở", "HCSN", "LDH-01", "Cụm 3", "x", 40, 45],
    # row 7
    ["CS-0004", "CĐCS Công ty TNHH MTV Lâm nghiệp", "CĐCS", "DNNN", "LDH-02", None, None, 120],
    # row 8: directly under the federation (no upper level), as since 2025
    [
        "CS-0005",
        "CĐCS Cơ quan Đảng ủy Khối doanh nghiệp tỉnh",
        "CĐCS",
        "hành chính sự nghiệp",
        "",
        "Cụm 3",
        "",
        25,
        25,
    ],
]
NEXT_ROW = 2 + len(GOOD)  # the sheet row of a row appended after GOOD


def write_workbook(path: Path, rows: Sequence[Row]) -> Path:
    """The official template (no example rows) filled with ``rows``."""
    write_roster_template(path, example=False)
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def fingerprint(session: Session) -> str:
    """SHA-256 over every row of every table, in a fixed order."""
    digest = hashlib.sha256()
    for table in models.Base.metadata.sorted_tables:
        rows = session.execute(select(table).order_by(*table.columns)).all()
        digest.update(f"{table.name}:{rows!r}\n".encode())
    return digest.hexdigest()


def count(session: Session, model: type[models.Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def run_import(ctx: AppContext, path: Path) -> RosterImportResult:
    with ctx.unit_of_work() as session:
        return import_roster(session, path=path, year=YEAR)


def refused(ctx: AppContext, path: Path) -> InputError:
    """Import ``path``, expect InputError, and check nothing at all was written.

    The fingerprint is taken again inside the same session (autoflush on), so
    the check does not lean on the rollback, and once more afterwards.
    """
    with ctx.reading() as session:
        before = fingerprint(session)
    with ctx.unit_of_work() as session:
        with pytest.raises(InputError) as info:
            import_roster(session, path=path, year=YEAR)
        assert fingerprint(session) == before
    with ctx.reading() as session:
        assert fingerprint(session) == before
    return info.value

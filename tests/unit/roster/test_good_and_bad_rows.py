"""Good workbooks import whole; a bad row refuses the whole workbook.

Roster import from the Excel template: real workbooks in tmp_path, no mocks (see
``workbooks.py``). A bad workbook is refused whole, every problem located by row and
column, and the database left byte-for-byte as it was (checked by hashing every table)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.core.context import AppContext
from app.core.installation import get_installation
from app.roster.columns import COLUMNS
from app.roster.rows import RosterError, RosterImportResult
from app.roster.template import write_roster_template
from app.roster.tree import list_roster
from db import models
from db.enums import Sector, UnitKind
from tests.unit.roster.workbooks import (
    GOOD,
    NEXT_ROW,
    YEAR,
    Row,
    count,
    refused,
    run_import,
    write_workbook,
)

pytestmark = pytest.mark.both_backends


# --- good workbooks ---------------------------------------------------------------


def test_template_headers_are_the_columns(tmp_path: Path) -> None:
    """The template's first row is exactly the column headings import expects."""
    path = tmp_path / "template.xlsx"
    write_roster_template(path)
    sheet = load_workbook(path).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]] == [c.header for c in COLUMNS]


def test_template_with_its_example_rows_imports(ctx: AppContext, tmp_path: Path) -> None:
    """The template as written (two example rows) is itself a valid roster."""
    path = tmp_path / "template.xlsx"
    write_roster_template(path)
    result = run_import(ctx, path)
    assert (result.created, result.updated, result.clusters) == (2, 0, 2)


def test_good_workbook_imports_units_parents_clusters_and_counts(
    ctx: AppContext, imported: RosterImportResult
) -> None:
    """Every row becomes a unit in the year's tree, with parent, sector, cluster and sizes."""
    assert dataclasses.replace(imported, notes=()) == RosterImportResult(
        year=YEAR, created=7, updated=0, clusters=3
    )
    # Nothing read differently from how it was typed goes without a word.
    said = {(n.row, n.column, n.translated()) for n in imported.notes}
    assert (2, "members", "“1.200” read as 1200") in said
    assert (4, "kind", "“công đoàn cấp trên” read as Cấp trên") in said
    assert (4, "members", "empty: taken as 0") in said
    with ctx.reading() as session:
        installation = get_installation(session)
        assert installation is not None
        federation = installation.own_unit_id
        roster = {u.code: u for u in list_roster(session, year=YEAR)}
        # 7 rows plus the federation itself (code None) at the top.
        assert len(roster) == 8
        top = roster.pop(None)
        assert (top.id, top.kind, top.parent_id) == (federation, UnitKind.FEDERATION, None)
        ids = {code: unit.id for code, unit in roster.items()}

        assert {code: unit.kind for code, unit in roster.items()} == {
            "LDH-01": UnitKind.UPPER,
            "LDH-02": UnitKind.UPPER,
            "CS-0001": UnitKind.GRASSROOTS,
            "CS-0002": UnitKind.GRASSROOTS,
            "CS-0003": UnitKind.GRASSROOTS,
            "CS-0004": UnitKind.GRASSROOTS,
            "CS-0005": UnitKind.GRASSROOTS,
        }
        assert {code: unit.sector for code, unit in roster.items()} == {
            "LDH-01": None,
            "LDH-02": None,
            "CS-0001": Sector.NON_STATE_ENTERPRISE,
            "CS-0002": Sector.ADMINISTRATIVE,
            "CS-0003": Sector.FDI,
            "CS-0004": Sector.STATE_ENTERPRISE,
            "CS-0005": Sector.ADMINISTRATIVE,
        }
        assert {code: unit.parent_id for code, unit in roster.items()} == {
            "LDH-01": federation,
            "LDH-02": federation,
            "CS-0001": ids["LDH-01"],
            "CS-0002": ids["LDH-01"],
            "CS-0003": ids["LDH-02"],
            "CS-0004": ids["LDH-02"],
            "CS-0005": federation,
        }
        assert {code: (u.member_count, u.worker_count) for code, u in roster.items()} == {
            "LDH-01": (0, 0),
            "LDH-02": (0, 0),
            "CS-0001": (350, 420),
            "CS-0002": (40, 45),
            "CS-0003": (1200, 1500),  # "1.200" as text, 1500.0 as a float
            "CS-0004": (120, 0),  # empty worker count is 0
            "CS-0005": (25, 25),
        }
        assert {code: u.cluster_code for code, u in roster.items()} == {
            "LDH-01": "Cụm 1",
            "LDH-02": "Cụm 1",
            "CS-0001": "Cụm 2",
            "CS-0002": "Cụm 3",
            "CS-0003": "Cụm 2",
            "CS-0004": None,
            "CS-0005": "Cụm 3",
        }
        clusters = session.scalars(select(models.Cluster).order_by(models.Cluster.code)).all()
        assert [(c.year, c.code, c.leader_unit_id) for c in clusters] == [
            (YEAR, "Cụm 1", ids["LDH-01"]),
            (YEAR, "Cụm 2", ids["CS-0003"]),
            (YEAR, "Cụm 3", ids["CS-0002"]),
        ]
        unit = session.get(models.Unit, ids["CS-0001"])
        assert unit is not None
        assert (unit.chair_name, unit.phone, unit.email) == (
            "Nguyễn Văn A",
            "0207 3822 000",
            "xmtq@example.vn",
        )


def test_reimport_is_idempotent_and_updates_names(
    ctx: AppContext, tmp_path: Path, imported: RosterImportResult
) -> None:
    """Importing again changes no row count and keeps ids; a renamed unit is renamed."""
    with ctx.reading() as session:
        counts = [count(session, m) for m in (models.Unit, models.RosterEntry, models.Cluster)]
        first = list_roster(session, year=YEAR)

    same = run_import(ctx, write_workbook(tmp_path / "same.xlsx", GOOD))
    # Regression: an unchanged roster said "7 units updated".
    assert (same.created, same.updated, same.unchanged, same.clusters) == (0, 0, 7, 3)
    with ctx.reading() as session:
        assert list_roster(session, year=YEAR) == first

    renamed = [list(row) for row in GOOD]
    renamed[3][1] = "CĐCS Công ty Cổ phần Xi măng Tân Quang"  # CS-0001
    result = run_import(ctx, write_workbook(tmp_path / "renamed.xlsx", renamed))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 6)
    with ctx.reading() as session:
        assert [count(session, m) for m in (models.Unit, models.RosterEntry, models.Cluster)] == (
            counts
        )
        after = {u.code: u for u in list_roster(session, year=YEAR)}
        assert after["CS-0001"].name == "CĐCS Công ty Cổ phần Xi măng Tân Quang"
        assert {u.code: u.id for u in first} == {code: u.id for code, u in after.items()}
        unchanged = [u for u in first if u.code != "CS-0001"]
        assert unchanged == [after[u.code] for u in unchanged]


def test_parent_may_be_a_unit_already_in_the_years_roster(
    ctx: AppContext, tmp_path: Path, imported: RosterImportResult
) -> None:
    """A later workbook can hang a new CĐCS under an upper level imported earlier."""
    path = write_workbook(
        tmp_path / "more.xlsx", [["CS-0006", "CĐCS Bưu điện", "CĐCS", "DNNN", "LDH-01"]]
    )
    assert run_import(ctx, path).created == 1
    with ctx.reading() as session:
        roster = {u.code: u for u in list_roster(session, year=YEAR)}
        assert roster["CS-0006"].parent_id == roster["LDH-01"].id


# --- bad rows ----------------------------------------------------------------------


BAD_ROWS = [
    pytest.param(
        [["CS-0100", "CĐCS Tổng công ty", "Tổng công ty", "DNNN", "LDH-01"]],
        {(NEXT_ROW, "kind")},
        id="unknown-kind",
    ),
    pytest.param(
        [["", "CĐCS không có mã", "CĐCS", "DNNN", "LDH-01"]],
        {(NEXT_ROW, "code")},
        id="missing-code",
    ),
    pytest.param(
        [["CS-0100", "CĐCS Mỏ Thiếc", "CĐCS", "DNNN", "LDH-01", "", "", "nhiều"]],
        {(NEXT_ROW, "members")},
        id="non-numeric-members",
    ),
    pytest.param(
        [["CS-0001", "CĐCS trùng mã", "CĐCS", "DNNN", "LDH-02"]],
        {(NEXT_ROW, "code")},
        id="duplicate-code",
    ),
    pytest.param(
        [["CS-0100", "CĐCS Thủy điện", "CĐCS", "DNNN", "LDH-99"]],
        {(NEXT_ROW, "parent")},
        id="unknown-parent",
    ),
    pytest.param(
        [["CS-0100", "CĐCS Phân xưởng", "CĐCS", "DNNN", "CS-0001"]],
        {(NEXT_ROW, "parent")},
        id="grassroots-parent",
    ),
    pytest.param(
        [
            ["LDH-08", "Công đoàn ngành Y tế", "Cấp trên", "", "LDH-09"],
            ["LDH-09", "Công đoàn ngành Giáo dục", "Cấp trên", "", "LDH-08"],
        ],
        {(NEXT_ROW, "parent"), (NEXT_ROW + 1, "parent")},
        id="loop-of-parents",
    ),
    pytest.param(
        [["LDH-08", "Công đoàn ngành Y tế", "Cấp trên", "", "LDH-08"]],
        {(NEXT_ROW, "parent")},
        id="own-parent",
    ),
    pytest.param(
        [["CS-0100", "CĐCS không rõ khu vực", "CĐCS", "", "LDH-01"]],
        {(NEXT_ROW, "sector")},
        id="grassroots-without-sector",
    ),
]


@pytest.mark.parametrize(("bad_rows", "expected"), BAD_ROWS)
def test_workbook_with_a_bad_row_is_refused_whole(
    ctx: AppContext, tmp_path: Path, bad_rows: list[Row], expected: set[tuple[int, str]]
) -> None:
    """One bad row: RosterError at that row and column; not even the good rows are written."""
    path = write_workbook(tmp_path / "bad.xlsx", [*GOOD, *bad_rows])
    error = refused(ctx, path)
    assert isinstance(error, RosterError)
    assert {(e.row, e.column) for e in error.errors} == expected
    assert all(e.translated() for e in error.errors)
    assert f"{len(expected)} rows have errors" in str(error)


def test_bad_workbook_leaves_an_existing_roster_untouched(
    ctx: AppContext, tmp_path: Path, imported: RosterImportResult
) -> None:
    """A refused re-import renames nothing even though its good rows carry new names."""
    rows = [list(row) for row in GOOD]
    rows[3][1] = "Tên mới không được ghi"
    rows.append(["CS-0100", "CĐCS", "CĐCS", "DNNN", "LDH-99"])
    error = refused(ctx, write_workbook(tmp_path / "bad.xlsx", rows))
    assert isinstance(error, RosterError)
    with ctx.reading() as session:
        names = {u.code: u.name for u in list_roster(session, year=YEAR)}
        assert names["CS-0001"] == "CĐCS Công ty CP Xi măng Tân Quang"


def test_every_row_error_is_listed_with_row_and_column(ctx: AppContext, tmp_path: Path) -> None:
    """Several bad rows in one workbook are all reported at once, in the sheet's order."""
    rows = [
        *GOOD,
        ["CS-0100", "CĐCS A", "Tổng công ty", "DNNN", "LDH-01"],  # NEXT_ROW: kind
        ["", "CĐCS B", "CĐCS", "DNNN", "LDH-01"],  # +1: code
        [],  # +2: blank rows are skipped, but still counted in row numbers
        ["CS-0102", "CĐCS C", "CĐCS", "DNNN", "LDH-01", "", "", "12a", -4],  # +3: both counts
        ["CS-0002", "CĐCS D", "CĐCS", "HCSN", "LDH-01"],  # +4: duplicate of row 6
    ]
    error = refused(ctx, write_workbook(tmp_path / "bad.xlsx", rows))
    assert isinstance(error, RosterError)
    assert [(e.row, e.column) for e in error.errors] == [
        (NEXT_ROW, "kind"),
        (NEXT_ROW + 1, "code"),
        (NEXT_ROW + 3, "members"),
        (NEXT_ROW + 3, "workers"),
        (NEXT_ROW + 4, "code"),
    ]
    duplicate = error.errors[-1]
    assert "CS-0002" in duplicate.translated()
    assert "row 6" in duplicate.translated()
    assert "4 rows have errors" in str(error)


def test_parent_errors_are_listed_together(ctx: AppContext, tmp_path: Path) -> None:
    """Unknown parent, grassroots parent and a loop in one workbook: all three reported."""
    rows = [
        *GOOD,
        ["CS-0100", "CĐCS A", "CĐCS", "DNNN", "LDH-99"],
        ["CS-0101", "CĐCS B", "CĐCS", "DNNN", "CS-0004"],
        ["LDH-08", "CĐ ngành C", "Cấp trên", "", "LDH-09"],
        ["LDH-09", "CĐ ngành D", "Cấp trên", "", "LDH-08"],
    ]
    error = refused(ctx, write_workbook(tmp_path / "bad.xlsx", rows))
    assert isinstance(error, RosterError)
    assert [(e.row, e.column) for e in error.errors] == [(NEXT_ROW + i, "parent") for i in range(4)]


def test_parent_cannot_be_a_grassroots_union_already_in_the_roster(
    ctx: AppContext, tmp_path: Path, imported: RosterImportResult
) -> None:
    """A parent found only in the database is checked too: a CĐCS cannot be an upper level."""
    path = write_workbook(
        tmp_path / "more.xlsx", [["LDH-09", "Công đoàn ngành Xây dựng", "Cấp trên", "", "CS-0001"]]
    )
    error = refused(ctx, path)
    assert isinstance(error, RosterError)
    assert [(e.row, e.column) for e in error.errors] == [(2, "parent")]
    assert "CS-0001" in error.errors[0].translated()


def test_a_cluster_mixing_levels_is_refused_with_its_level(ctx: AppContext, tmp_path: Path) -> None:
    """Cụm 1 groups upper-level unions (rows 3, 4): a CĐCS put in it is refused, and an
    upper-level union put in a CĐCS cluster too; nothing is written."""
    rows = [
        *GOOD,
        ["CS-0100", "CĐCS A", "CĐCS", "DNNN", "LDH-01", "Cụm 1"],
        ["LDH-08", "Công đoàn ngành Y tế", "Cấp trên", "", "", "cụm 2"],
    ]
    error = refused(ctx, write_workbook(tmp_path / "bad.xlsx", rows))
    assert isinstance(error, RosterError)
    assert [(e.row, e.column) for e in error.errors] == [
        (NEXT_ROW, "cluster"),
        (NEXT_ROW + 1, "cluster"),
    ]
    first, second = (e.translated() for e in error.errors)
    assert "Cụm 1" in first and "upper-level unions" in first
    assert "cụm 2" in second and "grassroots unions" in second


def test_a_cluster_keeps_the_level_of_its_members_in_the_roster(
    ctx: AppContext, tmp_path: Path, imported: RosterImportResult
) -> None:
    """A later workbook cannot add a CĐCS to Cụm 1, whose upper-level unions are already in
    the roster; moving every member out and a CĐCS in is another cluster's business."""
    path = write_workbook(
        tmp_path / "more.xlsx", [["CS-0100", "CĐCS A", "CĐCS", "DNNN", "LDH-01", "Cụm 1"]]
    )
    error = refused(ctx, path)
    assert isinstance(error, RosterError)
    assert [(e.row, e.column) for e in error.errors] == [(2, "cluster")]
    rows = [list(row) for row in GOOD]
    rows[1][5] = rows[2][5] = "Cụm 9"  # LDH-01 and LDH-02 leave Cụm 1 …
    rows[3][5] = "Cụm 1"  # … and CS-0001 may take it over
    run_import(ctx, write_workbook(tmp_path / "moved.xlsx", rows))

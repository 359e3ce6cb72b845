"""Roster import from the Excel template: real workbooks in tmp_path, no mocks.

A good workbook imports whole; a bad one is refused whole, with every
problem located by row and column, and the database is left byte-for-byte
as it was (checked by hashing every table).
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.core.errors import InputError
from app.core.installation import get_installation
from app.roster.columns import COLUMNS
from app.roster.rows import RosterError, RosterImportResult
from app.roster.template import write_roster_template
from app.roster.tree import list_roster
from app.roster.workbook_import import import_roster
from db import models
from db.enums import Sector, UnitKind

pytestmark = pytest.mark.both_backends

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


@pytest.fixture
def imported(ctx: AppContext, tmp_path: Path) -> RosterImportResult:
    """The GOOD workbook imported once."""
    return run_import(ctx, write_workbook(tmp_path / "roster.xlsx", GOOD))


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
    assert (result.created, result.updated, result.clusters) == (2, 0, 1)


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


# --- files that are not a roster workbook -----------------------------------------------


def _csv() -> bytes:
    header = ",".join(c.header for c in COLUMNS)
    return f"{header}\nCS-0001,CĐCS Xi măng,CĐCS,NGOÀI NN,,,,350,420,,,\n".encode()


def _zip_without_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "không phải bảng tính")


def _truncated_sheet(path: Path) -> None:
    """A real template whose sheet XML is cut in half, as after a broken copy."""
    source = path.with_name("source.xlsx")
    write_workbook(source, GOOD)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as damaged:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data[: len(data) // 2]
            damaged.writestr(item, data)


NOT_WORKBOOKS = [
    pytest.param("roster.xlsx", random.Random(2017).randbytes(4096), id="random-bytes"),
    pytest.param("roster.xlsx", b"", id="empty-file"),
    pytest.param("roster.xlsx", _csv(), id="csv-renamed-xlsx"),
    pytest.param("roster.csv", _csv(), id="csv-file"),
    pytest.param("roster.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), id="old-xls"),
    pytest.param("roster.xlsx", _zip_without_workbook, id="zip-not-workbook"),
    pytest.param("roster.xlsx", _truncated_sheet, id="damaged-sheet"),
]


@pytest.mark.parametrize(("name", "content"), NOT_WORKBOOKS)
def test_file_that_is_not_an_xlsx_is_refused_clearly(
    ctx: AppContext, tmp_path: Path, imported: RosterImportResult, name: str, content: object
) -> None:
    """Anything but a readable .xlsx gives InputError naming the file; nothing changes."""
    path = tmp_path / name
    if callable(content):
        content(path)
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    error = refused(ctx, path)
    assert not isinstance(error, RosterError)
    assert str(error) == f"The file is not an Excel workbook (.xlsx) that can be read. ({name})"


def _sheet(path: Path, rows: Sequence[Row]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


HEADERS = [c.header for c in COLUMNS]
DATA = ["CS-0001", "CĐCS Xi măng", "CĐCS", "NGOÀI NN", "", "", "", 350, 420]

WRONG_HEADERS = [
    pytest.param(
        [["Code", "Name", "Kind", "Sector", "Parent", "Cluster", "Leader", "Members", "Workers"]],
        id="english-headers",
    ),
    pytest.param([[HEADERS[1], HEADERS[0], *HEADERS[2:]], DATA], id="columns-swapped"),
    pytest.param([HEADERS[:5], DATA], id="columns-missing"),
    pytest.param([DATA], id="no-header-row"),
    pytest.param([], id="empty-sheet"),
]


@pytest.mark.parametrize("rows", WRONG_HEADERS)
def test_wrong_headers_are_refused(ctx: AppContext, tmp_path: Path, rows: list[Row]) -> None:
    """The first row must be the template's headings, in order; nothing is imported."""
    error = refused(ctx, _sheet(tmp_path / "roster.xlsx", rows))
    assert not isinstance(error, RosterError)
    assert "column headings" in str(error)


def test_headers_without_units_are_refused(ctx: AppContext, tmp_path: Path) -> None:
    """The bare template (headings, no rows) is not a roster."""
    error = refused(ctx, write_workbook(tmp_path / "roster.xlsx", []))
    assert str(error) == "The roster has no units. (roster.xlsx)"


# --- loops through the database, cluster leaders ---------------------------------------


def leaders(ctx: AppContext) -> dict[str, str]:
    """Cluster → its leader's code, read back through the roster."""
    with ctx.reading() as session:
        return {
            u.cluster_code or "": u.code or "" for u in list_roster(session, year=YEAR) if u.leader
        }


def test_a_loop_through_units_already_in_the_roster_is_refused(
    ctx: AppContext, tmp_path: Path, imported: RosterImportResult
) -> None:
    """LDH-08 is under LDH-01 in the database; a workbook puts LDH-01 under LDH-08."""
    first = write_workbook(
        tmp_path / "a.xlsx", [["LDH-08", "Công đoàn ngành Y tế", "Cấp trên", "", "LDH-01"]]
    )
    run_import(ctx, first)
    second = write_workbook(
        tmp_path / "b.xlsx",
        [["LDH-01", "LĐLĐ huyện Yên Sơn", "Cấp trên", "", "LDH-08", "Cụm 1", "x"]],
    )
    error = refused(ctx, second)
    assert isinstance(error, RosterError)
    [row_error] = error.errors
    assert (row_error.row, row_error.column) == (2, "parent")
    assert row_error.translated() == "the upper levels form a loop: LDH-01 → LDH-08 → LDH-01"


def test_reimport_sets_keeps_and_clears_cluster_leaders(
    ctx: AppContext, tmp_path: Path, imported: RosterImportResult
) -> None:
    assert leaders(ctx) == {"Cụm 1": "LDH-01", "Cụm 2": "CS-0003", "Cụm 3": "CS-0002"}
    # An empty leader cell changes nothing.
    same = write_workbook(tmp_path / "same.xlsx", [GOOD[1][:6]])
    assert run_import(ctx, same).leaders_cleared == ()
    assert leaders(ctx)["Cụm 1"] == "LDH-01"
    # "không" on the leader's own row clears it; a leader moved to another cluster stops
    # leading the old one.
    changed = write_workbook(
        tmp_path / "changed.xlsx",
        [
            [*GOOD[1][:6], "không"],
            ["CS-0003", "CĐCS Công ty TNHH Hàn Việt", "CĐCS", "FDI", "LDH-02", "Cụm 3"],
        ],
    )
    result = run_import(ctx, changed)
    assert result.leaders_cleared == ("Cụm 1", "Cụm 2")
    assert leaders(ctx) == {"Cụm 3": "CS-0002"}
    # A new leader for a cluster replaces the old one.
    again = write_workbook(
        tmp_path / "again.xlsx",
        [
            [
                "CS-0005",
                "CĐCS Cơ quan Đảng ủy Khối doanh nghiệp tỉnh",
                "CĐCS",
                "HCSN",
                "",
                "Cụm 3",
                "x",
            ]
        ],
    )
    assert run_import(ctx, again).leaders_cleared == ()
    assert leaders(ctx) == {"Cụm 3": "CS-0005"}


@pytest.mark.parametrize(
    ("rows", "expected", "message"),
    [
        (
            [
                ["LDH-08", "Công đoàn ngành Y tế", "Cấp trên", "", "", "Cụm 1", "x"],
                ["LDH-09", "Công đoàn ngành Giáo dục", "Cấp trên", "", "", "Cụm 1", "x"],
            ],
            (3, "leader"),
            "cluster Cụm 1 already has its leader on row 2",
        ),
        (
            [["LDH-08", "Công đoàn ngành Y tế", "Cấp trên", "", "", "", "x"]],
            (2, "leader"),
            "a cluster leader needs its cluster",
        ),
        (
            [["LDH-08", "Công đoàn ngành Y tế", "Cấp trên", "", "", "Cụm 1", "trưởng"]],
            (2, "leader"),
            "write x for the cluster leader, or “không” to clear it (not “trưởng”)",
        ),
    ],
)
def test_bad_leader_cells_are_refused(
    ctx: AppContext,
    tmp_path: Path,
    imported: RosterImportResult,
    rows: list[Row],
    expected: tuple[int, str],
    message: str,
) -> None:
    error = refused(ctx, write_workbook(tmp_path / "leaders.xlsx", rows))
    assert isinstance(error, RosterError)
    assert [((e.row, e.column), e.translated()) for e in error.errors] == [(expected, message)]


def test_set_and_clear_a_cluster_leader(ctx: AppContext, imported: RosterImportResult) -> None:
    from app.audit.view import list_audit
    from app.core.errors import NotFoundError
    from app.roster.unit_edit import set_cluster_leader

    with ctx.unit_of_work() as session:
        assert set_cluster_leader(session, year=YEAR, cluster="Cụm 2", unit_code="CS-0001") == (
            "CS-0003"
        )
    assert leaders(ctx)["Cụm 2"] == "CS-0001"
    with ctx.reading() as session:
        before = fingerprint(session)
    for code, cluster, error in (
        ("CS-0002", "Cụm 2", InputError),  # a member of Cụm 3
        ("CS-0001", "Cụm 9", NotFoundError),
    ):
        with ctx.unit_of_work() as session, pytest.raises(error):
            set_cluster_leader(session, year=YEAR, cluster=cluster, unit_code=code)
    with ctx.reading() as session:
        assert fingerprint(session) == before
    with ctx.unit_of_work() as session:
        assert set_cluster_leader(session, year=YEAR, cluster="Cụm 2", unit_code=None) == "CS-0001"
    assert "Cụm 2" not in leaders(ctx)
    with ctx.reading() as session:
        entries = [r for r in list_audit(session) if r.action == "roster.leader"]
    assert [(e.subject, e.detail["leader"], e.detail["previous"]) for e in entries] == [
        ("Cụm 2", "", "CS-0001"),
        ("Cụm 2", "CS-0001", "CS-0003"),
    ]

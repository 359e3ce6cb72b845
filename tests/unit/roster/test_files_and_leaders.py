"""Files that are not a roster workbook, wrong headers, loops through the database, and
cluster leaders.

Roster import from the Excel template: real workbooks in tmp_path, no mocks (see
``workbooks.py``). A bad workbook is refused whole, every problem located by row and
column, and the database left byte-for-byte as it was (checked by hashing every table)."""

from __future__ import annotations

import random
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.core.context import AppContext
from app.core.errors import InputError
from app.roster.columns import COLUMNS
from app.roster.rows import RosterError, RosterImportResult
from app.roster.tree import list_roster
from tests.unit.roster.workbooks import (
    GOOD,
    YEAR,
    Row,
    fingerprint,
    refused,
    run_import,
    write_workbook,
)

pytestmark = pytest.mark.both_backends


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

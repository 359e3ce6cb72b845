"""The unit's Excel template: written, filled in Excel's way, imported back, refused when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.core.context import AppContext
from app.core.errors import InputError
from app.unit.filling import fill_from_workbook, write_template
from app.unit.template import META_SHEET, WorkbookError
from tests.digest import file_digest

PLAN = "tuyen-quang-2017"


def rows_by_code(path: Path) -> dict[str, int]:
    sheet = load_workbook(path).worksheets[0]
    return {
        str(sheet.cell(row=r, column=1).value): r
        for r in range(5, sheet.max_row + 1)
        if sheet.cell(row=r, column=1).value
    }


def fill(path: Path, cells: dict[tuple[str, int], object]) -> None:
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    rows = rows_by_code(path)
    for (code, column), value in cells.items():
        sheet.cell(row=rows[code], column=column, value=value)
    workbook.save(path)


def test_template_lists_only_what_applies_and_round_trips(
    unit_ctx: AppContext, tmp_path: Path
) -> None:
    path = write_template(unit_ctx, plan_id=PLAN, stream="registration", out=tmp_path / "t.xlsx")
    codes = set(rows_by_code(path))
    assert {"2.1", "2.3", "4", "9a.2", "9c"} <= codes
    assert "9a.1" not in codes, "administrative-only indicator left out for an enterprise"
    assert "2.2" not in codes, "upper-level indicator left out for a CĐCS"
    fill(
        path,
        {
            ("2.1", 5): 25,
            ("7.1", 5): "15.000.000",
            ("2.3", 6): 380,
            ("2.3", 7): 420,
            ("9a.2", 8): "Có",
            ("4", 9): "Vững mạnh",
            ("2.1", 11): "kết nạp mới",
        },
    )
    fill_from_workbook(unit_ctx, path=path, plan_id=PLAN)
    again = write_template(
        unit_ctx, plan_id=PLAN, stream="registration", out=tmp_path / "again.xlsx"
    )
    sheet = load_workbook(again).worksheets[0]
    rows = rows_by_code(again)
    assert sheet.cell(row=rows["2.1"], column=5).value == 25
    assert sheet.cell(row=rows["7.1"], column=5).value == 15_000_000
    assert sheet.cell(row=rows["2.3"], column=6).value == 380
    assert sheet.cell(row=rows["9a.2"], column=8).value == "Có"
    assert sheet.cell(row=rows["4"], column=9).value == "Vững mạnh"
    assert sheet.cell(row=rows["2.1"], column=11).value == "kết nạp mới"


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({("2.3", 6): 500, ("2.3", 7): 420}, "cannot be larger than the total"),
        ({("2.1", 5): -3}, "cannot be negative"),
        ({("2.1", 5): "hai mươi"}, "not a number"),
        ({("9a.2", 8): "Có lẽ"}, "not a number"),
        ({("4", 9): "Xuất sắc"}, "grade from the year's scale"),
        ({("2.3", 6): 10}, "both the number achieved and the total"),
    ],
)
def test_a_bad_row_saves_nothing(
    unit_ctx: AppContext, tmp_path: Path, cells: dict[tuple[str, int], object], message: str
) -> None:
    path = write_template(unit_ctx, plan_id=PLAN, stream="h1", out=tmp_path / "t.xlsx")
    fill(path, {("2.1", 5): 7, **cells})
    before = file_digest(tmp_path / "unit.db")
    with pytest.raises(WorkbookError) as caught:
        fill_from_workbook(unit_ctx, path=path, plan_id=PLAN)
    assert message in caught.value.errors[0].translated()
    assert caught.value.errors[0].row >= 5
    assert file_digest(tmp_path / "unit.db") == before


def test_a_workbook_for_another_plan_is_refused(unit_ctx: AppContext, tmp_path: Path) -> None:
    path = write_template(unit_ctx, plan_id=PLAN, stream="year", out=tmp_path / "t.xlsx")
    workbook = load_workbook(path)
    workbook[META_SHEET]["B3"] = "0" * 64
    workbook.save(path)
    before = file_digest(tmp_path / "unit.db")
    with pytest.raises(InputError, match="made for another plan"):
        fill_from_workbook(unit_ctx, path=path, plan_id=PLAN)
    assert file_digest(tmp_path / "unit.db") == before


@pytest.mark.parametrize(
    "content",
    [b"", b"PK\x03\x04 not really a zip", b"\x00" * 1000, "Mã;Chỉ tiêu\n2.1;5\n".encode()],
)
def test_a_corrupt_file_is_refused(unit_ctx: AppContext, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    before = file_digest(tmp_path / "unit.db")
    with pytest.raises(InputError, match="not an Excel workbook"):
        fill_from_workbook(unit_ctx, path=path, plan_id=PLAN)
    assert file_digest(tmp_path / "unit.db") == before


def test_an_ordinary_workbook_is_not_a_template(unit_ctx: AppContext, tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "plain.xlsx"
    Workbook().save(path)
    with pytest.raises(InputError, match="not a Thi Đua template"):
        fill_from_workbook(unit_ctx, path=path, plan_id=PLAN)

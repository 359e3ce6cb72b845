"""Old office files typed in TCVN3 or VNI are converted on import, and the conversion reported."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from app.core.context import AppContext
from app.core.legacy_repair import BOTH_ENCODINGS, FONT_MISMATCH, LegacyReport
from app.core.legacy_text import Encoding, from_unicode
from app.plans import get_plan
from app.roster.template import write_roster_template
from app.roster.tree import list_roster
from app.roster.workbook_import import import_roster
from app.statements.records import statement_values
from app.unit.filling import fill_from_workbook, write_template
from tests.legacy_workbooks import new_unit, office_template


def test_roster_names_typed_in_tcvn3_arrive_in_unicode(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    write_roster_template(path)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    sheet["B2"] = from_unicode("Liên đoàn Lao động huyện Yên Sơn", Encoding.TCVN3)
    sheet["B3"] = from_unicode("Công đoàn Công ty Cổ phần Xi măng Tân Quang", Encoding.TCVN3)
    sheet["J3"] = from_unicode("Nguyễn Thị Thu Thủy", Encoding.TCVN3)
    book.save(path)
    with ctx.unit_of_work() as session:
        result = import_roster(session, path=path, year=2017)
        names = {u.code: u.name for u in list_roster(session, year=2017)}
    assert dict(result.converted) == {"TCVN3": 3}
    assert names["LDH-01"] == "Liên đoàn Lao động huyện Yên Sơn"
    assert names["CS-0001"] == "Công đoàn Công ty Cổ phần Xi măng Tân Quang"


def test_unicode_roster_is_not_touched(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    write_roster_template(path)
    with ctx.unit_of_work() as session:
        result = import_roster(session, path=path, year=2017)
    assert result.converted == ()


def test_a_template_filled_with_vni_notes_is_converted(tmp_path: Path) -> None:
    unit, own_unit_id = new_unit(tmp_path / "unit.db")
    path = write_template(
        unit, plan_id="tuyen-quang-2017", stream="registration", out=tmp_path / "mau.xlsx"
    )
    book = load_workbook(path)
    sheet = book.worksheets[0]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(5, sheet.max_row + 1)}
    sheet.cell(row=rows["2.1"], column=5, value=12)
    sheet.cell(
        row=rows["2.1"],
        column=11,
        value=from_unicode("Kết nạp đoàn viên mới ở phân xưởng", Encoding.VNI),
    )
    book.save(path)
    converted = fill_from_workbook(unit, path=path, plan_id="tuyen-quang-2017").counts
    with unit.reading() as session:
        values = statement_values(
            session,
            plan_id="tuyen-quang-2017",
            unit_id=own_unit_id,
            stream="registration",
        )
    unit.close()
    assert converted == {"VNI": 1}
    assert values["2.1"].note == "Kết nạp đoàn viên mới ở phân xưởng"


def _office_roster(path: Path) -> None:
    """A roster as an old office file has it: cluster names in .VnTime (TCVN3), one chair
    typed in VNI-Times, a new unit typed in Unicode, and a chair in VNI-Times whose text
    is not VNI."""
    from openpyxl.styles import Font

    write_roster_template(path, example=False)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    units = [
        ("CS-0101", "Công đoàn Trường THCS Tân Trào", "Côm 1", ".VnTime", ""),
        ("CS-0102", "Công đoàn Bệnh viện Đa khoa tỉnh", "Côm 1", ".VnTime", ""),
        ("CS-0103", "Công đoàn Công ty Xi măng Tân Quang", "Côm 1", ".VnTime", "Noâng Thò Hoa"),
        ("CS-0104", "Công đoàn Chi cục Thuế", "Cụm 1", "Times New Roman", "Lª"),
    ]
    for row, (code, name, cluster, font, chair) in enumerate(units, start=2):
        sheet.cell(row=row, column=1, value=code)
        sheet.cell(row=row, column=2, value=name)
        sheet.cell(row=row, column=3, value="CĐCS")
        sheet.cell(row=row, column=4, value="HCSN")
        cell = sheet.cell(row=row, column=6, value=cluster)
        cell.font = Font(name=font)
        if chair:
            chair_cell = sheet.cell(row=row, column=10, value=chair)
            chair_cell.font = Font(name="VNI-Times")
    book.save(path)


def test_the_office_roster_is_stored_in_unicode_and_reported(
    ctx: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "danh-sach.xlsx"
    _office_roster(path)
    with ctx.unit_of_work() as session:
        result = import_roster(session, path=path, year=2017)
        units = {u.code: u for u in list_roster(session, year=2017)}
    # One cluster "Cụm 1", not a second one spelled "Côm 1".
    assert {units[code].cluster_code for code in ("CS-0101", "CS-0102", "CS-0103")} == {"Cụm 1"}
    assert units["CS-0104"].cluster_code == "Cụm 1"
    assert result.clusters == 1
    assert units["CS-0103"].chair == "Nông Thị Hoa"
    report = result.legacy
    assert [(c.cell, c.before, c.after, c.encoding) for c in report.converted] == [
        ("F2", "Côm 1", "Cụm 1", Encoding.TCVN3),
        ("F3", "Côm 1", "Cụm 1", Encoding.TCVN3),
        ("F4", "Côm 1", "Cụm 1", Encoding.TCVN3),
        ("J4", "Noâng Thò Hoa", "Nông Thị Hoa", Encoding.VNI),
    ]
    assert {c.sheet for c in report.converted} == {book_sheet_title(path)}
    assert report.majority is Encoding.TCVN3
    # "Lª" is "Lê" in TCVN3, but its font says VNI, where it means nothing: left, and said so.
    assert [(c.cell, c.before) for c in report.left] == [("J5", "Lª")]
    assert report.left[0].reason == FONT_MISMATCH
    assert "Lª" in report.left[0].translated_reason()
    assert dict(result.converted) == {"TCVN3": 3, "VNI": 1}
    assert units["CS-0104"].chair == "Lª"
    notes = [(n.row, n.column) for n in result.notes]
    assert (4, "chair") in notes and (5, "chair") in notes


def book_sheet_title(path: Path) -> str:
    return str(load_workbook(path, read_only=True).worksheets[0].title)


def test_template_cells_in_legacy_fonts_are_converted_and_reported(tmp_path: Path) -> None:
    from app.unit.template import read_statement_workbook

    unit, _own = new_unit(tmp_path / "unit.db")
    path = office_template(unit, tmp_path / "mau.xlsx")
    with unit.reading() as session:
        plan = get_plan(session, "tuyen-quang-2017")
    unit.close()
    reports: list[LegacyReport] = []
    _stream, values = read_statement_workbook(path, plan=plan, legacy=reports)
    notes = [value.note for value in values.values()]
    assert notes == ["Kết nạp đoàn viên mới ở phân xưởng", "Tổ 2 và tổ 3", "Tæ"]
    (report,) = reports
    assert [(c.after, c.encoding) for c in report.converted] == [
        ("Kết nạp đoàn viên mới ở phân xưởng", Encoding.TCVN3),
        ("Tổ 2 và tổ 3", Encoding.VNI),
    ]
    # One cell each way: no majority, and "Tæ" (Arial) fits TCVN3 ("Tổ") and VNI ("Tỉ").
    assert report.majority is None
    assert [(c.sheet, c.before, c.reason) for c in report.left] == [
        ("Số liệu", "Tæ", BOTH_ENCODINGS)
    ]

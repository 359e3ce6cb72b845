"""Old office files typed in TCVN3 or VNI are converted on import, and the conversion reported."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from app.core.context import AppContext, open_context
from app.core.legacy_text import Encoding, from_unicode
from app.roster.template import write_roster_template
from app.roster.tree import list_roster
from app.roster.workbook_import import import_roster
from app.setup.first_run import initialize
from app.statements.records import statement_values
from app.unit.filling import fill_from_workbook, write_template
from db.enums import Role, Sector


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
    unit = open_context(tmp_path / "unit.db")
    with unit.unit_of_work() as session:
        installation = initialize(
            session,
            role=Role.UNIT,
            name="CĐ Xi măng",
            code="CS-1",
            sector=Sector.NON_STATE_ENTERPRISE,
        )
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
    converted = fill_from_workbook(unit, path=path, plan_id="tuyen-quang-2017")
    with unit.reading() as session:
        values = statement_values(
            session,
            plan_id="tuyen-quang-2017",
            unit_id=installation.own_unit_id,
            stream="registration",
        )
    unit.close()
    assert converted == {"VNI": 1}
    assert values["2.1"].note == "Kết nạp đoàn viên mới ở phân xưởng"

"""The province workbook: its formulas recompute to the rollup (by the evaluator of this
folder and, when installed, by LibreOffice), its indicator sheets hold the demo's values,
its layout prints, and bad paths are refused.

The province workbook and the roster workbook, on a merged demo province (the fixtures of
this folder's conftest), on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl import load_workbook

from app.core.context import AppContext
from app.core.errors import InputError, NotFoundError
from app.demo.province import Demo
from app.rollup.indicator_sheets import FIRST_ROW
from app.rollup.query import Scope
from app.rollup.workbook import SUMMARY_SHEET, export_province_workbook
from app.roster import KIND_LABELS
from app.roster.workbook_export import export_roster_workbook
from db.enums import IndicatorKind, Levels, UnitKind
from tests.unit.spreadsheets.evaluator import (
    Evaluator,
)
from tests.unit.spreadsheets.workbooks import (
    PLAN,
    YEAR,
    check_against_rollup,
    export,
    rollups,
    summary_rows,
)

#: The merged data and the workbook made from it: the same on SQLite and PostgreSQL.
pytestmark = pytest.mark.both_backends


# --- the province workbook --------------------------------------------------------------


def test_summary_formulas_recompute_to_the_rollup(fed: AppContext, tmp_path: Path) -> None:
    path = export(fed, tmp_path / "tong-hop.xlsx")
    workbook = load_workbook(path)
    evaluator = Evaluator(workbook)
    expected = rollups(fed)
    results = check_against_rollup(
        lambda cell: evaluator.cell(SUMMARY_SHEET, cell), summary_rows(workbook), expected
    )
    assert {"Đạt", "Không đạt"} <= results, "the demo exercises both outcomes"
    sheet = workbook[SUMMARY_SHEET]
    for row in summary_rows(workbook):
        for column in "EFGHIJ":
            value = sheet[f"{column}{row}"].value
            assert value is None or str(value).startswith("="), "totals are formulas, not copies"


def test_formula_shapes_and_the_values_behind_them(
    demo: Demo, fed: AppContext, tmp_path: Path
) -> None:
    workbook = load_workbook(export(fed, tmp_path / "tong-hop.xlsx"))
    summary = workbook[SUMMARY_SHEET]
    rows = {summary.cell(r, 1).value: r for r in reversed(summary_rows(workbook))}
    expected = {(r.indicator.code, r.target.wording if r.target else ""): r for r in rollups(fed)}

    # 2.1 (a sum over every unit that reports it, counting the levels once): the year's
    # values in K, what the sum counts of each in L (nothing where the unit's upper-level
    # union reported its area's total)
    sheet = workbook["2.1"]
    reporting = [u for u in demo.units if "2.1" in u.values["year"]]
    last = FIRST_ROW + len(reporting) - 1  # the federation itself is never listed
    value_range = f"'2.1'!$K${FIRST_ROW}:$K${last}"
    counted_range = f"'2.1'!$L${FIRST_ROW}:$L${last}"
    assert summary[f"H{rows['2.1']}"].value == (
        f'=IF(COUNTA({value_range})=0,"",SUM({counted_range}))'
    )
    listed = {sheet.cell(r, 1).value: sheet.cell(r, 11).value for r in range(FIRST_ROW, last + 1)}
    assert {code: amount for code, amount in listed.items() if amount is not None} == {
        u.code: u.values["year"]["2.1"].amount for u in reporting
    }
    figure = expected[("2.1", "2.000 đoàn viên")].figures["year"]
    counted = Evaluator(workbook)
    assert sum(counted.cell("2.1", f"L{r}") or 0 for r in range(FIRST_ROW, last + 1)) == (
        figure.numerator
    )
    # an upper-level union's area total holds its CĐCS' values: fewer than all added up
    assert figure.numerator < sum(a for a in listed.values() if a is not None)

    # 9c (share of units meeting the 80% unit goal): the per-unit ratio column is a formula
    sheet = workbook["9c"]
    assert sheet["I5"].value == '=IF(H5>0,G5/H5,"")'
    wording = "55% trở lên doanh nghiệp ngoài nhà nước"
    row = next(r for r in summary_rows(workbook) if summary.cell(r, 3).value == wording)
    # Each unit's ratio is judged exactly, as integers: numerator × 100 ≥ denominator × 80.
    share = summary[f"H{row}"].value
    assert "SUMPRODUCT(" in share
    cells = r"'9c'!\$[A-Z]+\$5:\$[A-Z]+\$\d+"
    assert re.search(rf"\({cells}\)\*100>=\({cells}\)\*80", share), share
    assert '"NGOÀI NN"' in share and '"FDI"' in share

    # 9a.2, a yes/no share: "Có" / "Không" cells, denominator = units listed for the target
    sheet = workbook["9a.2"]
    answers = {sheet.cell(r, 9).value for r in range(FIRST_ROW, sheet.max_row + 1)}
    assert answers <= {"Có", "Không", None} and "Có" in answers

    # 4, grades: labels on the sheet, counted by label at or above the level
    sheet = workbook["4"]
    labels = {sheet.cell(r, 9).value for r in range(FIRST_ROW, sheet.max_row + 1)}
    assert labels <= {"Vững mạnh", "Khá", "Trung bình", "Yếu"}
    assert "COUNTIF('4'!$I$5" in summary[f"H{rows['4']}"].value


def test_editing_a_unit_value_on_its_sheet_moves_the_summary(
    fed: AppContext, tmp_path: Path
) -> None:
    path = export(fed, tmp_path / "tong-hop.xlsx")
    workbook = load_workbook(path)
    row = next(r for r in summary_rows(workbook) if workbook[SUMMARY_SHEET][f"A{r}"].value == "2.1")
    before = Evaluator(workbook).cell(SUMMARY_SHEET, f"H{row}")
    sheet = workbook["2.1"]
    upper = KIND_LABELS[UnitKind.UPPER]  # an upper-level union's area total always counts
    unit_row = next(
        r
        for r in range(FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(r, 11).value and sheet.cell(r, 3).value == upper
    )
    sheet.cell(unit_row, 11).value += 100
    assert Evaluator(workbook).cell(SUMMARY_SHEET, f"H{row}") == before + 100


def test_a_subtree_scope_lists_only_its_units_and_matches_the_rollup(
    demo: Demo, fed: AppContext, tmp_path: Path
) -> None:
    upper = next(u for u in demo.units if u.code == "CT-001")
    scope = Scope(root_unit_id=upper.id)
    workbook = load_workbook(export(fed, tmp_path / "huyen.xlsx", scope))
    evaluator = Evaluator(workbook)
    check_against_rollup(
        lambda cell: evaluator.cell(SUMMARY_SHEET, cell),
        summary_rows(workbook),
        rollups(fed, scope),
    )
    sheet = workbook["1"]
    listed = {sheet.cell(r, 1).value for r in range(FIRST_ROW, sheet.max_row + 1)}
    assert listed == {"CT-001"} | {u.code for u in demo.units if u.parent_id == upper.id}
    assert "Phạm vi: Công đoàn cấp trên số 1" in workbook[SUMMARY_SHEET]["A3"].value


def test_indicator_sheets_list_every_applicable_unit_with_its_values(
    demo: Demo, fed: AppContext, tmp_path: Path
) -> None:
    workbook = load_workbook(export(fed, tmp_path / "tong-hop.xlsx"))
    plan = demo.plan
    assert workbook.sheetnames == [SUMMARY_SHEET, *(i.code for i in plan.indicators)]
    parents = {u.id: u.name for u in demo.units}
    for indicator in plan.indicators:
        sheet = workbook[indicator.code]
        applicable = [u for u in demo.units if indicator.applies_to(u.kind, u.sector)]
        rows = {
            sheet.cell(r, 1).value: r
            for r in range(FIRST_ROW, sheet.max_row + 1)
            if sheet.cell(r, 2).value
        }
        # The federation itself is never listed, whatever kinds the indicator covers.
        assert len(rows) == len(applicable), indicator.code
        for unit in applicable:
            row = rows[unit.code]
            assert sheet.cell(row, 2).value == unit.name
            assert sheet.cell(row, 4).value == parents.get(unit.parent_id, "LĐLĐ tỉnh Tuyên Quang")
            assert sheet.cell(row, 5).value == unit.cluster_code
            value = unit.values["year"][indicator.code]
            if indicator.kind is IndicatorKind.RATIO:
                # three columns per stream (number, total, ratio): year starts at M
                assert (sheet.cell(row, 13).value, sheet.cell(row, 14).value) == (
                    value.numerator,
                    value.denominator,
                )
            elif indicator.kind in (IndicatorKind.COUNT, IndicatorKind.MONEY):
                # an area total has two columns per stream (value, counted): year at K
                year = 11 if indicator.levels is Levels.AREA_TOTAL else 9
                assert sheet.cell(row, year).value == value.amount
            elif indicator.kind is IndicatorKind.YES_NO:
                assert sheet.cell(row, 9).value == ("Có" if value.flag else "Không")


def test_layout_formats_and_print_setup(fed: AppContext, tmp_path: Path) -> None:
    workbook = load_workbook(export(fed, tmp_path / "tong-hop.xlsx"))
    summary = workbook[SUMMARY_SHEET]
    assert [summary.cell(4, c).value for c in range(1, 11)] == [
        "Mã",
        "Nội dung chỉ tiêu",
        "Chỉ tiêu của tỉnh",
        "Mục tiêu",
        "Số đơn vị áp dụng",
        "Đăng ký",
        "Thực hiện 6 tháng đầu năm 2017",
        "Thực hiện năm 2017",
        "% so với mục tiêu",
        "Kết quả",
    ]
    rows = {summary.cell(r, 1).value: r for r in reversed(summary_rows(workbook))}
    assert summary[f"H{rows['2.1']}"].number_format == "#,##0"
    assert summary[f"H{rows['7.1']}"].number_format == "#,##0"
    assert summary[f"D{rows['7.1']}"].value == 700_000_000
    assert summary[f"H{rows['1']}"].number_format == "#,##0.0%"
    assert summary[f"D{rows['1']}"].number_format == "#,##0.0%"
    assert summary[f"H{rows['5']}"].number_format == "#,##0.00"
    assert summary[f"I{rows['5']}"].number_format == "#,##0.0%"
    assert summary.freeze_panes == "C5"
    assert summary.cell(4, 1).font.bold
    assert summary[f"A{rows['9c']}"].hyperlink.location == "'9c'!A1"

    for sheet in workbook.worksheets:
        title = sheet.title
        assert len(title) <= 31 and not re.search(r"[\[\]:*?/\\]", title), title
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)
        assert sheet.page_margins.left == pytest.approx(30 / 25.4)
        assert sheet.page_margins.top == pytest.approx(20 / 25.4)
        if title != SUMMARY_SHEET:
            assert sheet.freeze_panes == "C5", title
            assert sheet.print_title_rows == "$3:$4", title
            assert sheet.cell(3, 1).font.bold and sheet.cell(4, 7).font.bold
            assert sheet.column_dimensions["B"].width == 40
    assert summary.print_title_rows == "$4:$4"

    assert workbook["2.1"]["I5"].number_format == "#,##0"
    assert workbook["7.1"]["G5"].number_format == "#,##0"
    assert workbook["9d"]["I5"].number_format == "#,##0.0%"
    assert workbook["9d"]["G5"].number_format == "#,##0"
    assert workbook["9đ.1"].title == "9đ.1"
    assert workbook.calculation.fullCalcOnLoad


def test_unknown_plan_and_bad_paths_are_refused_and_leave_nothing(
    fed: AppContext, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with fed.reading() as session:
        with pytest.raises(NotFoundError, match="no plan with the id nope"):
            export_province_workbook(session, plan_id="nope", path=out / "x.xlsx")
        with pytest.raises(InputError, match="does not exist"):
            export_province_workbook(session, plan_id=PLAN, path=out / "missing" / "x.xlsx")
        with pytest.raises(InputError, match="is a folder"):
            export_province_workbook(session, plan_id=PLAN, path=out)
        with pytest.raises(InputError, match=r"must end in \.xlsx"):
            export_province_workbook(session, plan_id=PLAN, path=out / "x.xls")
        with pytest.raises(InputError, match="is a folder"):
            export_roster_workbook(session, year=YEAR, path=out)
        with pytest.raises(NotFoundError, match="no roster for 1999"):
            export_roster_workbook(session, year=1999, path=out / "r.xlsx")
    assert list(out.iterdir()) == []


def test_a_failed_save_leaves_no_partial_file_and_keeps_the_old_one(
    fed: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tong-hop.xlsx"
    path.write_bytes(b"the previous workbook")

    def broken_save(self: openpyxl.Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with fed.reading() as session, pytest.raises(InputError, match="cannot be written"):
        export_province_workbook(session, plan_id=PLAN, path=path)
    assert path.read_bytes() == b"the previous workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo", "home", "tong-hop.xlsx"]


@pytest.mark.slow
def test_libreoffice_recomputes_the_same_figures(fed: AppContext, tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        if os.environ.get("THIDUA_REQUIRE_TOOLS") == "1":
            pytest.fail("LibreOffice is not installed (THIDUA_REQUIRE_TOOLS=1)", pytrace=False)
        pytest.skip("LibreOffice is not installed")
    path = export(fed, tmp_path / "tong-hop.xlsx")
    converted = tmp_path / "converted"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(converted),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    workbook = load_workbook(converted / path.name, data_only=True)
    sheet = workbook[SUMMARY_SHEET]
    results = check_against_rollup(
        lambda cell: sheet[cell].value, summary_rows(workbook), rollups(fed)
    )
    assert {"Đạt", "Không đạt"} <= results

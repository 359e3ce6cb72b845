"""The plan's content as the seed writes it, on every surface: the goal each unit must
reach for 9c ("80% trở lên công nhân, lao động") on the registration form, the results
report, the province summary and the unit's Excel template."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook

from app.plans import get_plan
from app.printing import documents
from app.unit.template import write_statement_template
from tests.unit.printing.pdf_reading import PLAN, all_text, read_pdf
from tests.unit.printing.setups import Province, UnitSide

GOAL = "Mức mỗi đơn vị phải đạt: 80% trở lên công nhân, lao động"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_registration_form_and_results_report_say_the_unit_goal(unit_side: UnitSide) -> None:
    assert GOAL in flat(all_text(read_pdf(unit_side.after_export)))
    assert GOAL in flat(all_text(read_pdf(unit_side.results)))


def test_province_summary_says_the_unit_goal(province: Province) -> None:
    path = documents.print_province_summary(
        province.ctx, plan_id=PLAN, out=province.out / "summary-goal.pdf"
    )
    text = flat(all_text(read_pdf(path)))
    assert GOAL in text
    # only the indicator with a goal says one
    assert text.count("Mức mỗi đơn vị phải đạt") == 1


def test_template_row_says_the_unit_goal(province: Province, tmp_path: Path) -> None:
    with province.ctx.reading() as session:
        plan = get_plan(session, PLAN)
    path = tmp_path / "template.xlsx"
    write_statement_template(path, plan=plan, stream="registration", unit_code="X", unit_name="X")
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = {row[0]: row[3] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert GOAL in str(rows["9c"])
    assert "Mức mỗi đơn vị" not in str(rows["9d"])

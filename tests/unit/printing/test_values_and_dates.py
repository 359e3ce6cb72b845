"""The date line, and how values read and are judged.

Printed forms read back from the PDF (see ``pdf_reading.py``); the setups are built once
for the folder."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from app.core import domain, figures
from app.printing.typesetting import (
    format_vn_date,
)
from app.printing.values import format_unit_value, verdict_word
from tests.unit.printing.setups import (
    REGISTERED,
    Province,
)

# --- the date line -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2017, 2, 7), "Tuyên Quang, ngày 07 tháng 02 năm 2017"),
        (dt.date(2017, 1, 1), "Tuyên Quang, ngày 01 tháng 01 năm 2017"),
        (dt.date(2017, 3, 15), "Tuyên Quang, ngày 15 tháng 3 năm 2017"),
        (dt.date(2017, 3, 9), "Tuyên Quang, ngày 09 tháng 3 năm 2017"),
        (dt.date(2017, 10, 10), "Tuyên Quang, ngày 10 tháng 10 năm 2017"),
        (dt.date(2017, 12, 31), "Tuyên Quang, ngày 31 tháng 12 năm 2017"),
        (dt.date(2018, 2, 28), "Tuyên Quang, ngày 28 tháng 02 năm 2018"),
    ],
)
def test_date_line_pads_days_below_ten_and_january_february(date: dt.date, expected: str) -> None:
    assert format_vn_date("Tuyên Quang", date) == expected


def test_date_line_without_a_date_leaves_day_and_month_to_write_by_hand() -> None:
    assert format_vn_date("Tuyên Quang", None, year=2017) == (
        "Tuyên Quang, ngày … tháng … năm 2017"
    )
    decomposed = unicodedata.normalize("NFD", "Tuyên Quang")
    assert format_vn_date(decomposed, dt.date(2017, 2, 7)).startswith("Tuyên Quang,")


# --- how values read -----------------------------------------------------------------------------


def test_values_read_the_vietnamese_way(province: Province) -> None:
    plan = province.demo.plan
    # A no-break space keeps "đ" on the amount's line.
    assert format_unit_value(plan, plan.indicator("7.1"), REGISTERED["7.1"]) == "15.000.000\u00a0đ"
    assert format_unit_value(plan, plan.indicator("2.3"), REGISTERED["2.3"]) == "380/420 (90,5%)"
    assert format_unit_value(plan, plan.indicator("9d"), REGISTERED["9d"]) == (
        "1.250/1.300 (96,2%)"
    )
    assert format_unit_value(plan, plan.indicator("9b"), REGISTERED["9b"]) == "Có"
    assert format_unit_value(plan, plan.indicator("9a.3"), REGISTERED["9a.3"]) == "Không"
    assert format_unit_value(plan, plan.indicator("4"), REGISTERED["4"]) == "Vững mạnh"
    assert format_unit_value(plan, plan.indicator("2.1"), None) == ""


def test_results_are_judged_against_what_was_registered(province: Province) -> None:
    plan = province.demo.plan

    def judged(
        code: str, registered: domain.UnitValue, achieved: domain.UnitValue
    ) -> tuple[str, str]:
        indicator = plan.indicator(code)
        reading = figures.read_commitment(plan, indicator, registered, achieved, stream="year")
        return (
            figures.commitment_progress_text(indicator, reading) or "—",
            verdict_word(reading.verdict),
        )

    count = domain.UnitValue
    assert judged("2.1", count(amount=25), count(amount=30)) == ("120,0%", "Đạt")
    assert judged("2.1", count(amount=25), count(amount=20)) == ("80,0%", "Không đạt")
    assert judged("7.1", count(amount=15_000_000), count(amount=9_500_000)) == (
        "63,3%",
        "Không đạt",
    )
    # Ratios compare the percentages: 350/420 (83,3%) against 380/420 (90,5%).
    assert judged(
        "2.3", count(numerator=380, denominator=420), count(numerator=350, denominator=420)
    ) == ("92,1%", "Không đạt")
    assert judged(
        "2.3", count(numerator=9, denominator=10), count(numerator=90, denominator=100)
    ) == ("100,0%", "Đạt")
    assert judged("9b", count(flag=True), count(flag=True))[1] == "Đạt"
    assert judged("9b", count(flag=False), count(flag=False))[1] == "Không đạt"
    assert judged("4", count(grade="kha"), count(grade="vung_manh"))[1] == "Đạt"
    assert judged("4", count(grade="vung_manh"), count(grade="kha"))[1] == "Không đạt"
    assert judged("2.1", count(amount=25), count())[1] == "Chưa có số liệu"

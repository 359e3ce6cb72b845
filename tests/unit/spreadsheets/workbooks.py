"""Exporting the province workbook and checking its summary against the rollup: the
summary's figures are compared with :func:`app.rollup.query.rollup` on the same database."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from app.core.context import AppContext
from app.core.figures import Measure, figure_verdict_text
from app.core.format import format_target, half_up
from app.core.i18n import vietnamese
from app.rollup.indicator_sheets import FIRST_ROW
from app.rollup.query import Scope, TargetRollup, rollup
from app.rollup.workbook import SUMMARY_SHEET, export_province_workbook
from db.enums import REGISTRATION_STREAM, Rollup
from tests.unit.spreadsheets.evaluator import _is_number

PLAN = "tuyen-quang-2017"
YEAR = 2017
STREAMS = (REGISTRATION_STREAM, "h1", "year")
# summary columns: A code, B content, C target wording, D target value, E units,
# F registered, G h1, H year, I % of target, J result
STREAM_COLUMNS = dict(zip(STREAMS, ("F", "G", "H"), strict=True))


def export(ctx: AppContext, path: Path, scope: Scope | None = None) -> Path:
    with ctx.reading() as session:
        result = export_province_workbook(session, plan_id=PLAN, path=path, scope=scope)
    assert result.path == path and path.is_file()
    return path


def rollups(ctx: AppContext, scope: Scope | None = None) -> list[TargetRollup]:
    with ctx.reading() as session:
        return rollup(session, plan_id=PLAN, scope=scope)


def summary_rows(workbook: openpyxl.Workbook) -> list[int]:
    sheet = workbook[SUMMARY_SHEET]
    return [r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, 1).value]


def check_against_rollup(
    read: Callable[[str], Any], rows: list[int], expected: list[TargetRollup]
) -> set[str]:
    """Compare every summary figure with the roll-up; returns the results seen."""
    assert len(rows) == len(expected)
    results = set()
    for row, item in zip(rows, expected, strict=True):
        where = f"{item.indicator.code} / {item.target.wording if item.target else '-'}"
        assert read(f"A{row}") == item.indicator.code
        if item.target is not None:
            assert read(f"C{row}") == format_target(item.indicator, item.target)
        assert read(f"E{row}") == item.applicable_units, where
        for stream, column in STREAM_COLUMNS.items():
            figure = item.figures[stream]
            value = read(f"{column}{row}")
            if figure.exact is None:
                assert value in (None, ""), (where, stream, value)
                continue
            assert _is_number(value), (where, stream, value)
            if figure.measure is Measure.TOTAL:
                assert Decimal(int(value)) == figure.value and value == int(value), where
            elif figure.measure is Measure.AVERAGE:
                assert figure.value is not None
                assert abs(value - float(figure.value)) <= 1e-9, (where, stream)
            else:  # a percentage, rounded as shown, held as a fraction of 1
                assert figure.value is not None
                assert abs(value * 100 - float(figure.value)) <= 1e-9, (where, stream)
        result = read(f"J{row}")
        if item.target is None or item.indicator.rollup is Rollup.NONE:
            assert (result or "") == "", where
            continue
        judged = item.figures[item.target.period or "year"]  # the year: the last period
        wanted = figure_verdict_text(judged, vietnamese)
        assert (result or "") == wanted, (where, result, judged)
        results.add(wanted)
        attainment = read(f"I{row}")
        if judged.attainment is None:
            assert attainment in (None, ""), where
        else:
            shown = half_up(judged.attainment, 1)
            assert abs(attainment * 100 - float(shown)) < 1e-9, where
    return results

"""The province workbook: every unit's figures and the province's totals, in Excel.

``export_province_workbook`` writes one sheet per indicator listing every
applicable unit of the roster with its registered and achieved values, and a
summary sheet ("Tổng hợp") with one row per indicator target whose totals are
Excel formulas over those sheets, never copied numbers: correct a unit's
figure on its indicator sheet and the summary follows. The formulas compute
what :mod:`app.rollup.query` computes (Σ for sums, Σnumerator/Σdenominator for
ratios, meeting units over the applicable units listed for shares, Σ over
the applicable units for averages, every unit for each-unit targets), and a
total that nothing was reported for stays blank as the roll-up's ``None``
does. Ranges cover exactly the listed units: insert rows inside a list, not
below it, and Excel widens the formulas.

It is saved whole (:func:`app.core.workbooks.save_workbook`), so a failure
never leaves a partial workbook.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import product
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain, figures
from app.core.figures import AVERAGE_PLACES, PERCENT_PLACES, Formula, Measure, Verdict
from app.core.files import check_output
from app.core.format import format_target
from app.core.i18n import vietnamese
from app.core.sheets import put
from app.core.workbooks import COUNT_FORMAT, WorkbookExport, print_setup, save_workbook
from app.plans import get_plan
from app.rollup.query import Scope, describe_scope, federation_unit_id, scope_targets
from app.roster import KIND_LABELS, SECTOR_LABELS, list_roster, listing_order
from db import models
from db.enums import (
    REGISTRATION_STREAM,
    Comparison,
    IndicatorKind,
    Rollup,
    Sector,
    TargetScope,
    UnitKind,
)

SUMMARY_SHEET = "Tổng hợp"

#: Rows 3–4 hold the headings of every indicator sheet; units start on row 5.
FIRST_ROW = 5
GROUP_ROW = 3
HEADER_ROW = 4

PERCENT_FORMAT = "#,##0.0%"
AVERAGE_FORMAT = "#,##0.00"
LINE_HEIGHT = 15  # points per line of the default 11 pt font

YES = "Có"
NO = "Không"

# Columns of an indicator sheet before the values (1-based).
CODE_COL, NAME_COL, KIND_COL, PARENT_COL, CLUSTER_COL, SECTOR_COL = 1, 2, 3, 4, 5, 6
UNIT_HEADERS = ("Mã đơn vị", "Tên đơn vị", "Loại", "Công đoàn cấp trên", "Cụm thi đua", "Khu vực")
UNIT_WIDTHS = (12, 40, 10, 30, 14, 11)

# Columns of the summary sheet (1-based); the streams follow from UNITS_COL + 1.
SUMMARY_HEADERS = (
    "Mã",
    "Nội dung chỉ tiêu",
    "Chỉ tiêu của tỉnh",
    "Mục tiêu",
    "Số đơn vị áp dụng",
)
TARGET_VALUE_COL = 4
UNITS_COL = 5

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


# --- cells and sheets ---------------------------------------------------------------


def _formula(sheet: Any, row: int, column: int, formula: str, number_format: str) -> Any:
    cell = sheet.cell(row=row, column=column, value=f"={formula}")
    cell.number_format = number_format
    return cell


def _sheet_title(wanted: str, used: set[str]) -> str:
    """A sheet name Excel accepts: ≤ 31 characters, none of []:*?/\\, unique."""
    base = _INVALID_SHEET_CHARS.sub("-", wanted).strip("'").strip() or "Chỉ tiêu"
    base = base[:31]
    title, number = base, 2
    while title.casefold() in used:
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(title.casefold())
    return title


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _text_literal(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _number_literal(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _fit_height(
    sheet: Any, row: int, texts: Sequence[tuple[str, float]], *, bold: bool = False
) -> None:
    """Give a row of wrapped text room for its lines.

    Neither Excel nor LibreOffice re-measures rows of a generated file, so
    the height is estimated from the text length and the column width (a
    width unit holds about 1.2 characters of Vietnamese text, fewer in bold).
    """
    per_unit = 0.95 if bold else 1.2
    lines = max(
        (
            sum(
                max(1, math.ceil(len(part) / max(1, width * per_unit))) for part in text.split("\n")
            )
            for text, width in texts
            if text
        ),
        default=1,
    )
    if lines > 1:
        sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 2


def _header_cell(sheet: Any, row: int, column: int, text: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    cell = put(sheet, row, column, text)
    cell.font = Font(bold=True)
    cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    cell.fill = PatternFill("solid", fgColor="DDEBF7")
    cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)


# --- the province workbook: data ------------------------------------------------------

_Values = dict[tuple[str, str, str], domain.UnitValue]  # (unit id, stream, indicator code)


def _statement_values(session: Session, plan_id: str) -> _Values:
    """Every unit's current value of the plan, in one query."""
    value = models.StatementValue
    statement = models.Statement
    rows = session.execute(
        select(statement.unit_id, statement.stream, models.Indicator.code, value)
        .join(statement, statement.id == value.statement_id)
        .join(models.Indicator, models.Indicator.id == value.indicator_id)
        .where(statement.plan_id == plan_id)
    )
    return {
        (unit_id, stream, code): domain.UnitValue(
            amount=v.amount,
            numerator=v.numerator,
            denominator=v.denominator,
            flag=v.flag,
            grade=v.grade,
            text=v.text,
            note=v.note,
        )
        for unit_id, stream, code, v in rows
    }


def _units_in_scope(
    session: Session, year: int, scope: Scope, roster: list[domain.RosterUnit]
) -> list[domain.RosterUnit]:
    """The roster units :func:`app.rollup.query.rollup` counts for ``scope``, in sheet order."""
    units = roster
    if scope.root_unit_id is not None:
        children: dict[str | None, list[str]] = defaultdict(list)
        for unit in roster:
            children[unit.parent_id].append(unit.id)
        known = {u.id for u in roster}
        inside: set[str] = set()
        pending = [scope.root_unit_id] if scope.root_unit_id in known else []
        while pending:
            current = pending.pop()
            if current not in inside:
                inside.add(current)
                pending.extend(children[current])
        units = [u for u in units if u.id in inside]
    if scope.cluster_id is not None:
        cluster = session.get(models.Cluster, scope.cluster_id)
        code = cluster.code if cluster is not None and cluster.year == year else None
        units = [u for u in units if code is not None and u.cluster_code == code]
    return sorted(units, key=listing_order)


# --- the province workbook: indicator sheets --------------------------------------------


@dataclass(frozen=True)
class _StreamColumns:
    """Where one stream's values sit on an indicator sheet (1-based columns)."""

    value: int | None = None  # amount, Có/Không, grade label or text
    numerator: int | None = None
    denominator: int | None = None
    ratio: int | None = None  # formula: numerator / denominator


@dataclass(frozen=True)
class _IndicatorSheet:
    title: str
    indicator: domain.Indicator
    streams: dict[str, _StreamColumns]
    units: int

    @property
    def last_row(self) -> int:
        # an empty list still gets a one-row range so every formula stays valid
        return FIRST_ROW + max(self.units, 1) - 1

    def rng(self, column: int) -> str:
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(column)
        return f"{_quoted(self.title)}!${letter}${FIRST_ROW}:${letter}${self.last_row}"


def _value_headers(indicator: domain.Indicator) -> list[tuple[str, str]]:
    """(key, heading) of one stream's columns for this kind of indicator."""
    kind = indicator.kind
    if kind is IndicatorKind.COUNT:
        unit = f" ({indicator.unit_of_measure})" if indicator.unit_of_measure else ""
        return [("value", f"Số lượng{unit}")]
    if kind is IndicatorKind.MONEY:
        return [("value", "Số tiền (đồng)")]
    if kind is IndicatorKind.RATIO:
        return [
            ("numerator", indicator.numerator_label or "Số đạt"),
            ("denominator", indicator.denominator_label or "Tổng số"),
            ("ratio", "Tỷ lệ"),
        ]
    if kind is IndicatorKind.YES_NO:
        return [("value", f"{YES} / {NO}")]
    if kind is IndicatorKind.GRADE:
        return [("value", "Xếp loại")]
    return [("value", "Nội dung")]


def _stream_names(plan: domain.Plan) -> list[tuple[str, str]]:
    return [(REGISTRATION_STREAM, "Đăng ký"), *((p.code, p.name) for p in plan.periods)]


def _write_indicator_sheet(
    workbook: Any,
    title: str,
    plan: domain.Plan,
    indicator: domain.Indicator,
    units: list[domain.RosterUnit],
    names: dict[str, str],
    values: _Values,
) -> _IndicatorSheet:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = workbook.create_sheet(title)
    put(sheet, 1, 1, f"{indicator.code}. {indicator.title}").font = Font(bold=True, size=13)
    targets = "; ".join(format_target(indicator, t) for t in indicator.targets) or "—"
    measure = f" — Đơn vị tính: {indicator.unit_of_measure}" if indicator.unit_of_measure else ""
    put(sheet, 2, 1, f"Chỉ tiêu của tỉnh: {targets}{measure}").font = Font(italic=True)

    for column, (heading, width) in enumerate(zip(UNIT_HEADERS, UNIT_WIDTHS, strict=True), 1):
        _header_cell(sheet, GROUP_ROW, column, heading)
        _header_cell(sheet, HEADER_ROW, column, "")
        sheet.merge_cells(
            start_row=GROUP_ROW, start_column=column, end_row=HEADER_ROW, end_column=column
        )
        sheet.column_dimensions[get_column_letter(column)].width = width

    headers = _value_headers(indicator)
    value_width = 40 if indicator.kind is IndicatorKind.TEXT else 16
    streams: dict[str, _StreamColumns] = {}
    column = SECTOR_COL + 1
    for stream, stream_name in _stream_names(plan):
        first = column
        placed: dict[str, int] = {}
        for key, heading in headers:
            _header_cell(sheet, GROUP_ROW, column, stream_name if column == first else "")
            _header_cell(sheet, HEADER_ROW, column, heading)
            sheet.column_dimensions[get_column_letter(column)].width = value_width
            placed[key] = column
            column += 1
        if column - 1 > first:
            sheet.merge_cells(
                start_row=GROUP_ROW, start_column=first, end_row=GROUP_ROW, end_column=column - 1
            )
        streams[stream] = _StreamColumns(**placed)
    _fit_height(sheet, HEADER_ROW, [(heading, value_width) for _key, heading in headers], bold=True)

    grade_labels = {g.code: g.label for g in plan.grade_levels}
    for offset, unit in enumerate(units):
        row = FIRST_ROW + offset
        put(sheet, row, CODE_COL, unit.code)
        put(sheet, row, NAME_COL, unit.name)
        put(sheet, row, KIND_COL, KIND_LABELS[unit.kind])
        put(sheet, row, PARENT_COL, names.get(unit.parent_id or "", ""))
        put(sheet, row, CLUSTER_COL, unit.cluster_code)
        put(sheet, row, SECTOR_COL, SECTOR_LABELS[unit.sector] if unit.sector else None)
        for stream, columns in streams.items():
            value = values.get((unit.id, stream, indicator.code))
            _write_value(sheet, row, indicator, columns, value, grade_labels)

    if indicator.kind in (IndicatorKind.YES_NO, IndicatorKind.GRADE) and units:
        if indicator.kind is IndicatorKind.YES_NO:
            choices = f"{YES},{NO}"
        else:
            choices = ",".join(g.label for g in plan.grade_levels)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        sheet.add_data_validation(validation)
        for columns in streams.values():
            assert columns.value is not None
            column_letter = get_column_letter(columns.value)
            validation.add(
                f"{column_letter}{FIRST_ROW}:{column_letter}{FIRST_ROW + len(units) - 1}"
            )
    if indicator.kind is IndicatorKind.TEXT:
        for row in range(FIRST_ROW, FIRST_ROW + len(units)):
            texts = []
            for columns in streams.values():
                assert columns.value is not None
                cell = sheet.cell(row=row, column=columns.value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                texts.append((str(cell.value or ""), 40.0))
            _fit_height(sheet, row, texts)

    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=KIND_COL)
    print_setup(sheet, f"{GROUP_ROW}:{HEADER_ROW}")
    return _IndicatorSheet(title, indicator, streams, len(units))


def _write_value(
    sheet: Any,
    row: int,
    indicator: domain.Indicator,
    columns: _StreamColumns,
    value: domain.UnitValue | None,
    grade_labels: dict[str, str],
) -> None:
    from openpyxl.utils import get_column_letter

    kind = indicator.kind
    if kind is IndicatorKind.RATIO:
        assert columns.numerator and columns.denominator and columns.ratio
        for column, number in (
            (columns.numerator, value.numerator if value else None),
            (columns.denominator, value.denominator if value else None),
        ):
            sheet.cell(row=row, column=column, value=number).number_format = COUNT_FORMAT
        numerator = f"{get_column_letter(columns.numerator)}{row}"
        denominator = f"{get_column_letter(columns.denominator)}{row}"
        _formula(
            sheet,
            row,
            columns.ratio,
            f'IF({denominator}>0,{numerator}/{denominator},"")',
            PERCENT_FORMAT,
        )
        return
    assert columns.value is not None
    if kind in (IndicatorKind.COUNT, IndicatorKind.MONEY):
        cell = sheet.cell(row=row, column=columns.value, value=value.amount if value else None)
        cell.number_format = COUNT_FORMAT  # also on an empty cell, for what is typed later
    elif value is None:
        return
    elif kind is IndicatorKind.YES_NO:
        if value.flag is not None:
            put(sheet, row, columns.value, YES if value.flag else NO)
    elif kind is IndicatorKind.GRADE:
        if value.grade is not None:
            put(sheet, row, columns.value, grade_labels.get(value.grade, value.grade))
    else:
        put(sheet, row, columns.value, value.text)


# --- the province workbook: summary formulas --------------------------------------------

_Filter = tuple[int, tuple[str, ...]]  # (column of the indicator sheet, labels allowed)


def _target_filters(indicator: domain.Indicator, target: domain.Target | None) -> list[_Filter]:
    """The sector / kind criteria that pick a target's units out of the indicator sheet.

    The sheet lists the units the indicator applies to; a target may narrow
    them (a sector group, a kind), exactly as :func:`app.rollup.query` does.
    """
    if target is None:
        return []
    filters: list[_Filter] = []
    if target.sectors and not (indicator.sectors and set(indicator.sectors) <= set(target.sectors)):
        allowed = [
            s
            for s in Sector
            if s in target.sectors and (not indicator.sectors or s in indicator.sectors)
        ]
        filters.append((SECTOR_COL, tuple(SECTOR_LABELS[s] for s in allowed)))
    if target.unit_kinds and not (
        indicator.unit_kinds and set(indicator.unit_kinds) <= set(target.unit_kinds)
    ):
        kinds = [
            k
            for k in UnitKind
            if k in target.unit_kinds and (not indicator.unit_kinds or k in indicator.unit_kinds)
        ]
        filters.append((KIND_COL, tuple(KIND_LABELS[k] for k in kinds)))
    return filters


class _Formulas:
    """Builds the summary formulas of one target over its indicator sheet."""

    def __init__(self, sheet: _IndicatorSheet, filters: list[_Filter]) -> None:
        self.sheet = sheet
        self.filters = filters

    def _ifs(self, function: str, lead: Sequence[str]) -> str:
        """Σ over the filter combinations of FUNCTION(lead…, range, label, …)."""
        terms = []
        for labels in product(*(labels for _column, labels in self.filters)):
            args = list(lead)
            for (column, _labels), label in zip(self.filters, labels, strict=True):
                args += [self.sheet.rng(column), _text_literal(label)]
            terms.append(f"{function}({','.join(args)})")
        if not terms:
            return "0"
        return terms[0] if len(terms) == 1 else "(" + "+".join(terms) + ")"

    def units(self) -> str:
        """Applicable units listed on the sheet (the share and average denominator)."""
        if not self.filters:
            return f"COUNTA({self.sheet.rng(NAME_COL)})"
        return self._ifs("COUNTIFS", [])

    def total(self, column: int) -> str:
        if not self.filters:
            return f"SUM({self.sheet.rng(column)})"
        return self._ifs("SUMIFS", [self.sheet.rng(column)])

    def reported(self, column: int) -> str:
        """Units with something in ``column``."""
        if not self.filters:
            return f"COUNTA({self.sheet.rng(column)})"
        return self._ifs("COUNTIFS", [self.sheet.rng(column), '"<>"'])

    def count_if(self, column: int, criterion: str) -> str:
        if not self.filters:
            return f"COUNTIF({self.sheet.rng(column)},{criterion})"
        return self._ifs("COUNTIFS", [self.sheet.rng(column), criterion])

    def count_where(self, test: str) -> str:
        """Listed units (within the filters) for which the array ``test`` holds."""
        factors = [f"({test})"]
        for column, labels in self.filters:
            either = "+".join(f"({self.sheet.rng(column)}={_text_literal(x)})" for x in labels)
            factors.append(f"(({either})>0)")
        return f"SUMPRODUCT({'*'.join(factors)})"


def _grade_labels(plan: domain.Plan, target: domain.Target) -> list[str]:
    """The grade labels a grade target counts (:func:`app.core.figures.grade_counts`)."""
    return [g.label for g in plan.grade_levels if figures.grade_counts(plan, target, g.code)]


def _percent_valued(indicator: domain.Indicator, target: domain.Target | None) -> bool:
    return figures.measure_of(indicator, target) in (
        Measure.PERCENT,
        Measure.SHARE,
        Measure.EACH_UNIT,
    )


def _row_format(indicator: domain.Indicator, target: domain.Target | None) -> str:
    if _percent_valued(indicator, target):
        return PERCENT_FORMAT
    if indicator.rollup is Rollup.AVERAGE_PER_UNIT:
        return AVERAGE_FORMAT
    return COUNT_FORMAT


@dataclass(frozen=True)
class _Terms:
    """One stream's figure as formulas: the integers behind it and units reporting.

    ``numerator``/``denominator`` are those of :class:`app.core.figures.Figure`;
    the figure is numerator / denominator (×100 for a percentage, shown by
    the cell's percent format as a fraction of 1).
    """

    numerator: str
    denominator: str | None
    reported: str


def _stream_terms(
    plan: domain.Plan,
    target: domain.Target | None,
    formulas: _Formulas,
    columns: _StreamColumns,
) -> _Terms | None:
    """The integers behind one stream's figure, as :func:`app.rollup.query.rollup` adds them up."""
    indicator = formulas.sheet.indicator
    measure = figures.measure_of(indicator, target)
    if measure is Measure.EACH_UNIT:
        assert target is not None
        if indicator.kind is IndicatorKind.RATIO:
            assert columns.numerator and columns.denominator
            num = Formula(formulas.sheet.rng(columns.numerator))
            den = Formula(formulas.sheet.rng(columns.denominator))
            test = figures.percent_condition(target.comparison, target.value, num, den)
            meeting = formulas.count_where(f"({den}>0)*({test})")
            reported = formulas.reported(columns.denominator)
        else:
            assert columns.value
            amount = Formula(formulas.sheet.rng(columns.value))
            test = figures.amount_condition(target.comparison, target.value, amount)
            meeting = formulas.count_where(f"ISNUMBER({amount})*({test})")
            reported = formulas.reported(columns.value)
        return _Terms(meeting, formulas.units(), reported)
    if measure is Measure.PERCENT:
        assert columns.numerator and columns.denominator
        return _Terms(
            formulas.total(columns.numerator),
            formulas.total(columns.denominator),
            formulas.reported(columns.denominator),
        )
    if measure is Measure.TOTAL:
        assert columns.value
        return _Terms(formulas.total(columns.value), None, formulas.reported(columns.value))
    if measure is Measure.AVERAGE:
        assert columns.value
        return _Terms(
            formulas.total(columns.value), formulas.units(), formulas.reported(columns.value)
        )
    if measure is not Measure.SHARE:
        return None  # text commitments are listed, not computed
    if indicator.kind is IndicatorKind.YES_NO:
        assert columns.value
        meeting = formulas.count_if(columns.value, _text_literal(YES))
        reported = formulas.reported(columns.value)
    elif indicator.kind is IndicatorKind.GRADE:
        assert columns.value
        if target is None:
            return None
        labels = _grade_labels(plan, target)
        meeting = "+".join(formulas.count_if(columns.value, _text_literal(g)) for g in labels)
        meeting = f"({meeting})" if len(labels) > 1 else meeting or "0"
        reported = formulas.reported(columns.value)
    else:  # a ratio: units whose own ratio meets the indicator's unit goal
        assert columns.numerator and columns.denominator
        if indicator.unit_goal_value is None:
            return None
        num = Formula(formulas.sheet.rng(columns.numerator))
        den = Formula(formulas.sheet.rng(columns.denominator))
        test = figures.percent_condition(
            figures.unit_goal_comparison(indicator), indicator.unit_goal_value, num, den
        )
        meeting = formulas.count_where(f"({den}>0)*({test})")
        reported = formulas.reported(columns.denominator)
    return _Terms(meeting, formulas.units(), reported)


def _shown(numerator: str, denominator: str, places: int) -> str:
    """``numerator / denominator`` rounded half up to ``places`` decimals, in integers.

    :func:`app.core.format.half_up` as a formula: INT((2·10^p·N + D) / (2·D)) / 10^p.
    The division of two exact integers lands within far less than one unit of
    the exact quotient, so the floor is exact; Excel's and LibreOffice's own
    display rounding of a float quotient (0,0565 is stored as 0,05649999…)
    could otherwise show 5,6% where every other surface shows 5,7%.
    """
    scale = 10**places
    return f"INT((2*{scale}*({numerator})+({denominator}))/(2*({denominator})))/{scale}"


def _figure_formula(measure: Measure, terms: _Terms) -> str:
    """The figure a stream shows, as :class:`app.core.figures.Figure` rounds it; blank ("")
    where the roll-up has none. A percentage is held as a fraction of 1."""
    if terms.denominator is None:
        return f'IF({terms.reported}=0,"",{terms.numerator})'
    places = AVERAGE_PLACES if measure is Measure.AVERAGE else PERCENT_PLACES + 2
    shown = _shown(terms.numerator, terms.denominator, places)
    return f'IF({terms.reported}=0,"",IFERROR({shown},""))'


def _attainment_formula(measure: Measure, target: domain.Target, terms: _Terms) -> str | None:
    """The judged stream's figure as a fraction of the target (shown ``0.0%``), as
    :func:`app.core.figures.judge_figure` computes its attainment; None for a ceiling.

    From the integers, N·q·s / (D·p) for a goal p/q (s = 100 when the figure is
    a percentage), rounded as every surface rounds it (:func:`_shown`).
    """
    places = PERCENT_PLACES + 2
    if measure is Measure.EACH_UNIT:
        assert terms.denominator is not None
        shown = _shown(terms.numerator, terms.denominator, places)
        return f'IF({terms.reported}=0,"",IFERROR({shown},""))'
    if target.comparison in (Comparison.AT_MOST, Comparison.NONE) or target.value <= 0:
        return None
    exact = Fraction(target.value)
    scale = 100 if measure in (Measure.PERCENT, Measure.SHARE) else 1
    numerator = f"({terms.numerator})*{exact.denominator * scale}"
    denominator = (
        str(exact.numerator)
        if terms.denominator is None
        else f"({terms.denominator})*{exact.numerator}"
    )
    shown = _shown(numerator, denominator, places)
    return f'IF({terms.reported}=0,"",IFERROR({shown},""))'


def verdict_word(verdict: Verdict) -> str:
    """The verdict's word as the workbook writes it (always Vietnamese)."""
    return figures.verdict_text(verdict, vietnamese)


def _verdict_formula(
    measure: Measure, target: domain.Target, terms: _Terms, *, contribution: bool
) -> str:
    """Đạt / Không đạt from the one definition (:func:`app.core.figures.aggregate_condition`)
    over the integers, never over rounded cells."""
    no_data = _text_literal(verdict_word(Verdict.NO_DATA))
    if contribution:
        return (
            f"IF({terms.reported}=0,{no_data},{_text_literal(verdict_word(Verdict.CONTRIBUTION))})"
        )
    met = _text_literal(verdict_word(Verdict.MET))
    not_met = _text_literal(verdict_word(Verdict.NOT_MET))
    if measure is Measure.EACH_UNIT:
        test = f"{terms.numerator}={terms.denominator}"
    else:
        test = figures.aggregate_condition(
            measure,
            target,
            Formula(terms.numerator),
            Formula(terms.denominator or "1"),
        )
    return f"IF({terms.reported}=0,{no_data},IF({test},{met},{not_met}))"


def _goal_cell(indicator: domain.Indicator, target: domain.Target) -> tuple[float, str]:
    """The target's value as the summary's "Mục tiêu" column shows it, with its format."""
    percent = indicator.kind is IndicatorKind.RATIO or indicator.rollup is Rollup.SHARE_OF_UNITS
    if percent:
        return float(target.value / 100), PERCENT_FORMAT
    if indicator.rollup is Rollup.AVERAGE_PER_UNIT and target.scope is TargetScope.AGGREGATE:
        return float(target.value), AVERAGE_FORMAT
    return float(target.value), COUNT_FORMAT


def _write_summary(
    sheet: Any,
    plan: domain.Plan,
    sheets: list[_IndicatorSheet],
    scope: Scope,
    scope_text: str,
    whole: bool,
) -> int:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    streams = _stream_names(plan)
    headers = [
        *SUMMARY_HEADERS,
        *("Đăng ký" if s == REGISTRATION_STREAM else f"Thực hiện {n}" for s, n in streams),
        "% so với mục tiêu",
        "Kết quả",
    ]
    first_stream_col = UNITS_COL + 1
    percent_col = first_stream_col + len(streams)
    result_col = percent_col + 1

    put(sheet, 1, 1, f"TỔNG HỢP KẾT QUẢ THI ĐUA NĂM {plan.year}").font = Font(bold=True, size=14)
    put(sheet, 2, 1, f"{plan.issuer} — {plan.title}").font = Font(italic=True)
    put(
        sheet,
        3,
        1,
        f"{scope_text}. Các số tổng hợp là công thức tính từ các trang chỉ tiêu: "
        "sửa số liệu ở trang chỉ tiêu thì số tổng hợp tự tính lại. Kết quả đánh giá theo số "
        "liệu của kỳ mà chỉ tiêu đặt ra (cả năm nếu kế hoạch không nói khác)"
        + ("; chỉ tiêu tổng số của tỉnh ở phạm vi này là phần đóng góp." if not whole else "."),
    )
    for column, heading in enumerate(headers, start=1):
        _header_cell(sheet, HEADER_ROW, column, heading)
    widths = [8.0, 56.0, 34.0, 13.0, 10.0] + [14.0] * len(streams) + [12.0, 16.0]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    _fit_height(sheet, HEADER_ROW, list(zip(headers, widths, strict=True)), bold=True)

    row = FIRST_ROW
    for item in sheets:
        indicator = item.indicator
        for target, own in scope_targets(indicator, scope):
            measure = figures.measure_of(indicator, target)
            number_format = _row_format(indicator, target)
            code_cell = put(sheet, row, 1, indicator.code)
            code_cell.hyperlink = Hyperlink(
                ref=code_cell.coordinate, location=f"{_quoted(item.title)}!A1"
            )
            code_cell.style = "Hyperlink"
            put(sheet, row, 2, indicator.title)
            wording = figures.target_text(plan, indicator, target) if target is not None else ""
            put(sheet, row, 3, wording)
            _fit_height(sheet, row, [(indicator.title, widths[1]), (wording, widths[2])])
            if target is not None:
                goal, goal_format = _goal_cell(indicator, target)
                cell = sheet.cell(row=row, column=TARGET_VALUE_COL, value=goal)
                cell.number_format = goal_format
            formulas = _Formulas(item, _target_filters(indicator, target))
            _formula(sheet, row, UNITS_COL, formulas.units(), COUNT_FORMAT)
            terms_by_stream: dict[str, _Terms] = {}
            for offset, (stream, _name) in enumerate(streams):
                terms = _stream_terms(plan, target, formulas, item.streams[stream])
                if terms is None:
                    continue
                terms_by_stream[stream] = terms
                _formula(
                    sheet,
                    row,
                    first_stream_col + offset,
                    _figure_formula(measure, terms),
                    number_format,
                )
            if target is not None and terms_by_stream:
                judged = terms_by_stream[figures.judged_stream(plan, target)]
                contribution = (
                    not whole and not own and figures.is_absolute_total(indicator, target)
                )
                attainment = _attainment_formula(measure, target, judged)
                if attainment is not None:
                    _formula(sheet, row, percent_col, attainment, PERCENT_FORMAT)
                _formula(
                    sheet,
                    row,
                    result_col,
                    _verdict_formula(measure, target, judged, contribution=contribution),
                    "General",
                )
            for column in range(1, result_col + 1):
                cell = sheet.cell(row=row, column=column)
                cell.alignment = Alignment(
                    wrap_text=column in (2, 3), vertical="top", horizontal=cell.alignment.horizontal
                )
            row += 1
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=3)
    print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}")
    return row - FIRST_ROW


def export_province_workbook(
    session: Session, *, plan_id: str, path: Path, scope: Scope | None = None
) -> WorkbookExport:
    """Write the province workbook of ``plan_id`` over ``scope`` (default: everything).

    Raises :class:`NotFoundError` for an unknown plan and :class:`InputError`
    for an output path that is a folder, lies in a missing folder or does not
    end in .xlsx; nothing is written then.
    """
    from openpyxl import Workbook
    from openpyxl.workbook.properties import CalcProperties

    plan = get_plan(session, plan_id)
    check_output(path, suffix=".xlsx")
    scope = scope or Scope()
    federation_id = federation_unit_id(session)
    if scope.root_unit_id is not None and scope.root_unit_id == federation_id:
        scope = Scope(cluster_id=scope.cluster_id)
    whole = scope.root_unit_id is None and scope.cluster_id is None
    roster = list_roster(session, year=plan.year)
    units = [u for u in _units_in_scope(session, plan.year, scope, roster) if u.id != federation_id]
    names = {u.id: u.name for u in roster}
    values = _statement_values(session, plan.id)

    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = SUMMARY_SHEET
    used = {SUMMARY_SHEET.casefold(), "history"}
    sheets = [
        _write_indicator_sheet(
            workbook,
            _sheet_title(indicator.code, used),
            plan,
            indicator,
            [u for u in units if indicator.applies_to(u.kind, u.sector)],
            names,
            values,
        )
        for indicator in plan.indicators
    ]
    rows = _write_summary(
        summary, plan, sheets, scope, describe_scope(session, year=plan.year, scope=scope), whole
    )
    workbook.calculation = CalcProperties(fullCalcOnLoad=True)
    workbook.properties.title = f"Tổng hợp thi đua năm {plan.year}"
    workbook.properties.creator = "Thi Đua"
    save_workbook(workbook, path)
    return WorkbookExport(path, tuple(workbook.sheetnames), rows)


__all__ = [
    "SUMMARY_SHEET",
    "WorkbookExport",
    "export_province_workbook",
]

"""The province workbook's indicator sheets: one per indicator, a row per unit.

Each sheet lists the units the indicator applies to with their registered
and achieved values, one group of columns per stream; its layout (rows,
columns, formats) is what the summary's formulas
(:mod:`app.rollup.summary_formulas`) read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.format import format_target
from app.core.sheets import put
from app.core.workbooks import COUNT_FORMAT, print_setup
from app.roster import KIND_LABELS, SECTOR_LABELS
from db import models
from db.enums import REGISTRATION_STREAM, IndicatorKind, Levels, UnitKind
from db.plain_rows import plain_flag, plain_row_batches

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

#: The heading of an area-total indicator's counted amount (see :class:`StreamColumns`).
COUNTED_HEADING = "Tính vào tổng (trừ phần đã có trong tổng của CĐ cấp trên)"

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


# --- cells and sheets ---------------------------------------------------------------------


def formula_cell(sheet: Any, row: int, column: int, formula: str, number_format: str) -> Any:
    cell = sheet.cell(row=row, column=column, value=f"={formula}")
    cell.number_format = number_format
    return cell


def sheet_title(wanted: str, used: set[str]) -> str:
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


def quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def fit_height(
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


def header_cell(sheet: Any, row: int, column: int, text: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    cell = put(sheet, row, column, text)
    cell.font = Font(bold=True)
    cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    cell.fill = PatternFill("solid", fgColor="DDEBF7")
    cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)


# --- the values listed -------------------------------------------------------------------

#: (amount, numerator, denominator, flag, grade, text, note): the fields of a
#: :class:`~app.core.domain.UnitValue` in order, held as a tuple (~40% of the memory).
SavedValue = tuple[int | None, int | None, int | None, bool | None, str | None, str | None, str]
Values = dict[tuple[str, str, str], SavedValue]  # (unit id, stream, indicator code)


def statement_values(session: Session, plan_id: str, unit_ids: Collection[str]) -> Values:
    """The current values of the plan for ``unit_ids``, read as plain rows.

    The values are read in batches and only those of ``unit_ids`` are kept: a
    province's workbook never holds the rest of the country's ~5 million values
    (read as ORM objects they took gigabytes)."""
    value = models.StatementValue
    statement = models.Statement
    query = (
        select(
            statement.unit_id,
            statement.stream,
            models.Indicator.code,
            value.amount,
            value.numerator,
            value.denominator,
            value.flag,
            value.grade,
            value.text,
            value.note,
        )
        .join(statement, statement.id == value.statement_id)
        .join(models.Indicator, models.Indicator.id == value.indicator_id)
        .where(statement.plan_id == plan_id)
    )
    wanted = unit_ids if isinstance(unit_ids, set | frozenset) else set(unit_ids)
    values: Values = {}
    for batch in plain_row_batches(session.connection(), query):
        for unit_id, stream, code, amount, numerator, denominator, flag, grade, text, note in batch:
            if unit_id in wanted:
                values[unit_id, stream, code] = (
                    amount,
                    numerator,
                    denominator,
                    plain_flag(flag),
                    grade,
                    text,
                    note,
                )
    return values


# --- one indicator's sheet ----------------------------------------------------------------


@dataclass(frozen=True)
class StreamColumns:
    """Where one stream's values sit on an indicator sheet (1-based columns)."""

    value: int | None = None  # amount, Có/Không, grade label or text
    numerator: int | None = None
    denominator: int | None = None
    ratio: int | None = None  # formula: numerator / denominator
    #: An area-total indicator's amount as a scope's sum counts it (0 when the unit's
    #: upper-level union on the sheet reported its area's total): formulas.
    counted: int | None = None


@dataclass(frozen=True)
class IndicatorSheet:
    title: str
    indicator: domain.Indicator
    streams: dict[str, StreamColumns]
    units: int

    @property
    def last_row(self) -> int:
        # an empty list still gets a one-row range so every formula stays valid
        return FIRST_ROW + max(self.units, 1) - 1

    def rng(self, column: int) -> str:
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(column)
        return f"{quoted(self.title)}!${letter}${FIRST_ROW}:${letter}${self.last_row}"


def _value_headers(indicator: domain.Indicator) -> list[tuple[str, str]]:
    """(key, heading) of one stream's columns for this kind of indicator."""
    kind = indicator.kind
    counted = [("counted", COUNTED_HEADING)] if indicator.levels is Levels.AREA_TOTAL else []
    if kind is IndicatorKind.COUNT:
        unit = f" ({indicator.unit_of_measure})" if indicator.unit_of_measure else ""
        return [("value", f"Số lượng{unit}"), *counted]
    if kind is IndicatorKind.MONEY:
        return [("value", "Số tiền (đồng)"), *counted]
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


def stream_names(plan: domain.Plan) -> list[tuple[str, str]]:
    return [(REGISTRATION_STREAM, "Đăng ký"), *((p.code, p.name) for p in plan.periods)]


def write_indicator_sheet(
    workbook: Any,
    title: str,
    plan: domain.Plan,
    indicator: domain.Indicator,
    units: list[domain.RosterUnit],
    names: dict[str, str],
    values: Values,
) -> IndicatorSheet:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = workbook.create_sheet(title)
    put(sheet, 1, 1, f"{indicator.code}. {indicator.title}").font = Font(bold=True, size=13)
    targets = "; ".join(format_target(indicator, t) for t in indicator.targets) or "—"
    measure = f" — Đơn vị tính: {indicator.unit_of_measure}" if indicator.unit_of_measure else ""
    put(sheet, 2, 1, f"Chỉ tiêu của tỉnh: {targets}{measure}").font = Font(italic=True)

    for column, (heading, width) in enumerate(zip(UNIT_HEADERS, UNIT_WIDTHS, strict=True), 1):
        header_cell(sheet, GROUP_ROW, column, heading)
        header_cell(sheet, HEADER_ROW, column, "")
        sheet.merge_cells(
            start_row=GROUP_ROW, start_column=column, end_row=HEADER_ROW, end_column=column
        )
        sheet.column_dimensions[get_column_letter(column)].width = width

    headers = _value_headers(indicator)
    value_width = 40 if indicator.kind is IndicatorKind.TEXT else 16
    streams: dict[str, StreamColumns] = {}
    column = SECTOR_COL + 1
    for stream, stream_name in stream_names(plan):
        first = column
        placed: dict[str, int] = {}
        for key, heading in headers:
            header_cell(sheet, GROUP_ROW, column, stream_name if column == first else "")
            header_cell(sheet, HEADER_ROW, column, heading)
            sheet.column_dimensions[get_column_letter(column)].width = value_width
            placed[key] = column
            column += 1
        if column - 1 > first:
            sheet.merge_cells(
                start_row=GROUP_ROW, start_column=first, end_row=GROUP_ROW, end_column=column - 1
            )
        streams[stream] = StreamColumns(**placed)
    fit_height(sheet, HEADER_ROW, [(heading, value_width) for _key, heading in headers], bold=True)

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
            saved = values.get((unit.id, stream, indicator.code))
            value = domain.UnitValue(*saved) if saved is not None else None
            _write_value(sheet, row, indicator, columns, value, grade_labels)
            if columns.counted is not None:
                assert columns.value is not None
                _write_counted(sheet, row, columns.value, columns.counted, len(units))

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
            fit_height(sheet, row, texts)

    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=KIND_COL)
    print_setup(sheet, f"{GROUP_ROW}:{HEADER_ROW}")
    return IndicatorSheet(title, indicator, streams, len(units))


def _write_counted(sheet: Any, row: int, value: int, counted: int, units: int) -> None:
    """The amount a scope's sum counts: nothing when the unit's upper-level union, listed
    on this sheet, reported the stream's value (its area's total holds the unit's)."""
    from openpyxl.utils import get_column_letter

    def rng(column: int) -> str:
        letter = get_column_letter(column)
        return f"${letter}${FIRST_ROW}:${letter}${FIRST_ROW + max(units, 1) - 1}"

    own = f"{get_column_letter(value)}{row}"
    parent = f"{get_column_letter(PARENT_COL)}{row}"
    upper = '"' + KIND_LABELS[UnitKind.UPPER].replace('"', '""') + '"'
    in_parent = (
        f'SUMPRODUCT(({rng(NAME_COL)}={parent})*({rng(KIND_COL)}={upper})*({rng(value)}<>""))'
    )
    formula_cell(sheet, row, counted, f'IF({own}="","",IF({in_parent}>0,0,{own}))', COUNT_FORMAT)


def _write_value(
    sheet: Any,
    row: int,
    indicator: domain.Indicator,
    columns: StreamColumns,
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
        formula_cell(
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

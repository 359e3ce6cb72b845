"""The unit's Excel template: fill the registration or results in Excel, import back.

The workbook carries a hidden ``_thidua`` sheet naming the format, plan,
plan reference and stream, so a workbook made for another plan or period is
refused with a clear message. Values go through the same validation as the
screen (:func:`app.statements.records.check_value`), all rows or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core import domain, figures
from app.core.errors import N_, InputError
from app.core.files import display_name
from app.core.legacy_repair import LegacyReport, repair_table
from app.core.text import nfc
from app.core.values import Problem, check_value
from app.core.workbooks import COUNT_FORMAT, save_workbook
from db.enums import REGISTRATION_STREAM, IndicatorKind

TEMPLATE_FORMAT = "thidua.statement-template/1"
#: A plan has a few dozen indicators; a template with more rows is not ours.
MAX_TEMPLATE_ROWS = 2000
META_SHEET = "_thidua"
HEADERS = (
    "Mã",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Chỉ tiêu của tỉnh",
    "Số lượng / số tiền",
    "Số đạt",
    "Tổng số",
    "Có / Không",
    "Xếp loại",
    "Nội dung",
    "Ghi chú",
)
YES = {"có", "co", "x", "yes", "1", "true"}
NO = {"không", "khong", "no", "0", "false"}
FIRST_ROW = 5


def stream_title(plan: domain.Plan, stream: str) -> str:
    if stream == REGISTRATION_STREAM:
        return f"BẢN ĐĂNG KÝ THI ĐUA NĂM {plan.year}"
    period = next((p.name for p in plan.periods if p.code == stream), stream)
    return f"BÁO CÁO KẾT QUẢ THI ĐUA — {period.upper()}"


def write_statement_template(
    path: Path,
    *,
    plan: domain.Plan,
    stream: str,
    unit_code: str,
    unit_name: str,
    values: dict[str, domain.UnitValue] | None = None,
    applicable: set[str] | None = None,
) -> None:
    """Write the template, pre-filled with ``values`` when given."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from app.core.i18n import vietnamese
    from app.core.sheets import put

    values = values or {}
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Số liệu"
    put(sheet, 1, 1, stream_title(plan, stream)).font = Font(bold=True, size=14)
    put(sheet, 2, 1, f"{unit_name} ({unit_code}) — {plan.title}")
    sheet["A3"] = "Điền vào các ô trắng phù hợp với từng chỉ tiêu; các ô xám không dùng."
    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=FIRST_ROW - 1, column=column, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = (8, 60, 12, 30, 16, 12, 12, 12, 16, 40, 30)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width
    grey = PatternFill("solid", fgColor="DDDDDD")
    yes_no = DataValidation(type="list", formula1='"Có,Không"', allow_blank=True)
    grade_labels = ",".join(level.label for level in plan.grade_levels)
    grades = DataValidation(type="list", formula1=f'"{grade_labels}"', allow_blank=True)
    sheet.add_data_validation(yes_no)
    sheet.add_data_validation(grades)
    row = FIRST_ROW
    for indicator in plan.indicators:
        if applicable is not None and indicator.code not in applicable:
            continue
        value = values.get(indicator.code, domain.UnitValue())
        put(sheet, row, 1, indicator.code)
        put(sheet, row, 2, indicator.title).alignment = Alignment(wrap_text=True)
        put(sheet, row, 3, figures.measure_text(indicator, vietnamese))
        put(
            sheet,
            row,
            4,
            "\n".join(
                part
                for part in (
                    "; ".join(figures.target_text(plan, indicator, t) for t in indicator.targets),
                    figures.unit_goal_text(indicator, vietnamese),
                )
                if part
            ),
        ).alignment = Alignment(wrap_text=True)
        used = {
            IndicatorKind.COUNT: (5,),
            IndicatorKind.MONEY: (5,),
            IndicatorKind.RATIO: (6, 7),
            IndicatorKind.YES_NO: (8,),
            IndicatorKind.GRADE: (9,),
            IndicatorKind.TEXT: (10,),
        }[indicator.kind]
        for column in range(5, 11):
            if column not in used:
                sheet.cell(row=row, column=column).fill = grey
        if indicator.kind is IndicatorKind.MONEY:
            sheet.cell(row=row, column=5).number_format = COUNT_FORMAT
        put(sheet, row, 5, value.amount)
        put(sheet, row, 6, value.numerator)
        put(sheet, row, 7, value.denominator)
        if value.flag is not None:
            put(sheet, row, 8, "Có" if value.flag else "Không")
        if value.grade is not None:
            label = next((g.label for g in plan.grade_levels if g.code == value.grade), value.grade)
            put(sheet, row, 9, label)
        put(sheet, row, 10, value.text)
        put(sheet, row, 11, value.note or None)
        if indicator.kind is IndicatorKind.YES_NO:
            yes_no.add(f"H{row}")
        if indicator.kind is IndicatorKind.GRADE:
            grades.add(f"I{row}")
        row += 1
    sheet.freeze_panes = f"C{FIRST_ROW}"
    meta = workbook.create_sheet(META_SHEET)
    for index, (key, text) in enumerate(
        (
            ("format", TEMPLATE_FORMAT),
            ("plan", plan.id),
            ("plan_ref", plan.content_hash),
            ("stream", stream),
            ("unit", unit_code),
        ),
        start=1,
    ):
        put(meta, index, 1, key)
        put(meta, index, 2, text)
    meta.sheet_state = "veryHidden"  # not in Excel's "Unhide" list either
    save_workbook(workbook, path)


@dataclass(frozen=True)
class WorkbookRowError:
    row: int
    code: str
    message: str  # English msgid

    def translated(self) -> str:
        from app.core.i18n import gettext

        return gettext(self.message)


class WorkbookError(InputError):
    """A filled template with problems; nothing was saved."""

    def __init__(self, errors: list[WorkbookRowError]) -> None:
        super().__init__(
            N_("The workbook was not imported: {count} rows have errors."),
            params={"count": len(errors)},
            detail="; ".join(f"{e.row} ({e.code}): {e.translated()}" for e in errors[:5]),
        )
        self.errors = errors


def _integer(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    text = str(value).strip().replace(".", "").replace(" ", "").replace("đ", "")
    if text.startswith("-") and text[1:].isdigit():
        return int(text)
    if not text.isdigit():
        raise ValueError(value)
    return int(text)


def read_statement_workbook(
    path: Path,
    *,
    plan: domain.Plan,
    stream: str | None = None,
    conversions: dict[str, int] | None = None,
    unit_code: str | None = None,
    legacy: list[LegacyReport] | None = None,
) -> tuple[str, dict[str, domain.UnitValue]]:
    """Read a filled template: (stream, values by indicator code), all checked.

    ``unit_code``: the template must be that unit's (the federation entering a
    unit's filled template on its behalf).

    Raises :class:`InputError` for a file that is not such a workbook or is
    for another plan or period, and :class:`WorkbookError` listing every bad
    row otherwise. Text in a legacy Vietnamese encoding (TCVN3, VNI) is
    converted to Unicode, each cell judged with its font and the sheet's
    majority encoding; ``conversions`` receives the count per encoding and
    ``legacy`` the report of every cell converted or left.
    """
    from app.core.sheets import SheetFonts, read_rows

    name = display_name(path.name)
    meta: dict[str, str] = {}

    def check_template(workbook: Any) -> None:
        if META_SHEET not in workbook.sheetnames:
            raise InputError(N_("This workbook is not a Thi Đua template."), detail=name)
        for row in workbook[META_SHEET].iter_rows(max_row=20, max_col=2, values_only=True):
            if row and row[0] is not None and len(row) > 1:
                meta[str(row[0])[:40]] = str(row[1])[:200]
        if meta.get("format") != TEMPLATE_FORMAT:
            raise InputError(N_("This workbook is not a Thi Đua template."), detail=name)
        if meta.get("plan") != plan.id or meta.get("plan_ref") != plan.content_hash:
            raise InputError(
                N_("This workbook was made for another plan ({plan})."),
                params={"plan": meta.get("plan", "?")},
            )
        if unit_code is not None and meta.get("unit", "") != unit_code:
            raise InputError(
                N_("This workbook was made for another unit ({unit})."),
                params={"unit": meta.get("unit", "") or "?"},
            )
        if stream is not None and meta.get("stream", "") != stream:
            raise InputError(
                N_("This workbook is for another period ({stream})."),
                params={"stream": meta.get("stream", "")},
            )

    raw_rows, cell_problems = read_rows(
        path,
        columns=len(HEADERS),
        max_rows=MAX_TEMPLATE_ROWS,
        first_row=FIRST_ROW,
        meta=check_template,
        fonts=(fonts := SheetFonts()),
    )
    sheet_stream = meta.get("stream", "")
    rows, report = repair_table(raw_rows, fonts.rows, sheet=fonts.sheet, first_row=FIRST_ROW)
    if conversions is not None:
        conversions.update(report.counts)
    if legacy is not None:
        legacy.append(report)
    by_code = {i.code: i for i in plan.indicators}
    grade_by_label = {nfc(g.label).lower(): g.code for g in plan.grade_levels}
    grade_codes = tuple(g.code for g in plan.grade_levels)
    errors = [WorkbookRowError(p.row, HEADERS[p.column - 1], p.message) for p in cell_problems]
    values: dict[str, domain.UnitValue] = {}
    for offset, raw in enumerate(rows):
        number = FIRST_ROW + offset
        cells = list(raw) + [None] * (len(HEADERS) - len(raw))
        code = nfc(str(cells[0]).strip()) if cells[0] is not None else ""
        if not code:
            continue
        indicator = by_code.get(code)
        if indicator is None:
            errors.append(WorkbookRowError(number, code, N_("This indicator is not in the plan.")))
            continue
        try:
            value = _row_value(indicator, cells, grade_by_label)
        except ValueError:
            errors.append(
                WorkbookRowError(
                    number, code, N_("The value is not a number in the expected form.")
                )
            )
            continue
        problems: list[Problem] = check_value(indicator, value, grade_codes)
        errors.extend(WorkbookRowError(number, code, p.message) for p in problems)
        if not problems and (not value.is_empty() or value.note):
            values[code] = value
    if errors:
        raise WorkbookError(errors)
    return sheet_stream, values


def _row_value(
    indicator: domain.Indicator, cells: list[Any], grade_by_label: dict[str, str]
) -> domain.UnitValue:
    note = nfc(str(cells[10]).strip()) if cells[10] is not None else ""
    kind = indicator.kind
    if kind in (IndicatorKind.COUNT, IndicatorKind.MONEY):
        return domain.UnitValue(amount=_integer(cells[4]), note=note)
    if kind is IndicatorKind.RATIO:
        return domain.UnitValue(
            numerator=_integer(cells[5]), denominator=_integer(cells[6]), note=note
        )
    if kind is IndicatorKind.YES_NO:
        text = nfc(str(cells[7]).strip()).lower() if cells[7] is not None else ""
        if not text:
            return domain.UnitValue(note=note)
        if text in YES:
            return domain.UnitValue(flag=True, note=note)
        if text in NO:
            return domain.UnitValue(flag=False, note=note)
        raise ValueError(text)
    if kind is IndicatorKind.GRADE:
        text = nfc(str(cells[8]).strip()) if cells[8] is not None else ""
        if not text:
            return domain.UnitValue(note=note)
        return domain.UnitValue(grade=grade_by_label.get(text.lower(), text), note=note)
    text = nfc(str(cells[9]).strip()) if cells[9] is not None else ""
    return domain.UnitValue(text=text or None, note=note)

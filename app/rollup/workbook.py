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
never leaves a partial workbook. A scope of more than :data:`MAX_WORKBOOK_UNITS`
units (the whole country) is refused before anything is read or written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core import domain, figures
from app.core.errors import N_, InputError
from app.core.files import check_output
from app.core.format import format_number
from app.core.sheets import put
from app.core.text import lower_first
from app.core.workbooks import COUNT_FORMAT, WorkbookExport, print_setup, save_workbook
from app.plans import get_plan
from app.rollup.indicator_sheets import (
    FIRST_ROW,
    HEADER_ROW,
    PERCENT_FORMAT,
    IndicatorSheet,
    fit_height,
    formula_cell,
    header_cell,
    quoted,
    sheet_title,
    statement_values,
    stream_names,
    write_indicator_sheet,
)
from app.rollup.query import (
    Scope,
    describe_scope,
    federation_unit_id,
    scope_targets,
    scope_units,
)
from app.rollup.summary_formulas import (
    Formulas,
    Terms,
    attainment_formula,
    figure_formula,
    goal_cell,
    row_format,
    stream_terms,
    target_filters,
    verdict_formula,
)
from app.roster import list_roster, listing_order
from db import models
from db.enums import REGISTRATION_STREAM

SUMMARY_SHEET = "Tổng hợp"

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

#: The most units one province workbook lists. Every indicator sheet has a row per
#: unit, so the whole country (126,358 units, 21 indicators) would be ~2.7 million
#: rows and ~27 million cells: openpyxl held 7.8 GB and was still growing, and Excel
#: (32-bit: 2 GB) or LibreOffice could not open it. An area-total indicator's
#: "counted" column also looks each unit's upper-level union up in the whole list, so
#: recomputing a sheet costs the square of its rows. The largest province (Hồ Chí
#: Minh City, 21,485 units) is within the limit.
MAX_WORKBOOK_UNITS = 25_000


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


def _write_summary(
    sheet: Any,
    plan: domain.Plan,
    sheets: list[IndicatorSheet],
    scope: Scope,
    scope_text: str,
    whole: bool,
) -> int:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    streams = stream_names(plan)
    headers = [
        *SUMMARY_HEADERS,
        *(
            "Đăng ký" if s == REGISTRATION_STREAM else f"Thực hiện {lower_first(n)}"
            for s, n in streams
        ),
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
        header_cell(sheet, HEADER_ROW, column, heading)
    widths = [8.0, 56.0, 34.0, 13.0, 10.0] + [14.0] * len(streams) + [12.0, 16.0]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    fit_height(sheet, HEADER_ROW, list(zip(headers, widths, strict=True)), bold=True)

    row = FIRST_ROW
    for item in sheets:
        indicator = item.indicator
        for target, own in scope_targets(indicator, scope):
            measure = figures.measure_of(indicator, target)
            number_format = row_format(indicator, target)
            code_cell = put(sheet, row, 1, indicator.code)
            code_cell.hyperlink = Hyperlink(
                ref=code_cell.coordinate, location=f"{quoted(item.title)}!A1"
            )
            code_cell.style = "Hyperlink"
            put(sheet, row, 2, indicator.title)
            wording = figures.target_text(plan, indicator, target) if target is not None else ""
            put(sheet, row, 3, wording)
            fit_height(sheet, row, [(indicator.title, widths[1]), (wording, widths[2])])
            if target is not None:
                goal, goal_format = goal_cell(indicator, target)
                cell = sheet.cell(row=row, column=TARGET_VALUE_COL, value=goal)
                cell.number_format = goal_format
            formulas = Formulas(item, target_filters(indicator, target))
            formula_cell(sheet, row, UNITS_COL, formulas.units(), COUNT_FORMAT)
            terms_by_stream: dict[str, Terms] = {}
            for offset, (stream, _name) in enumerate(streams):
                terms = stream_terms(plan, target, formulas, item.streams[stream])
                if terms is None:
                    continue
                terms_by_stream[stream] = terms
                formula_cell(
                    sheet,
                    row,
                    first_stream_col + offset,
                    figure_formula(measure, terms),
                    number_format,
                )
            if target is not None and terms_by_stream:
                judged = terms_by_stream[figures.judged_stream(plan, target)]
                contribution = (
                    not whole and not own and figures.is_absolute_total(indicator, target)
                )
                attainment = attainment_formula(measure, target, judged)
                if attainment is not None:
                    formula_cell(sheet, row, percent_col, attainment, PERCENT_FORMAT)
                formula_cell(
                    sheet,
                    row,
                    result_col,
                    verdict_formula(measure, target, judged, contribution=contribution),
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


def scope_unit_count(session: Session, *, year: int, scope: Scope) -> int:
    """How many units a workbook of ``scope`` lists (the federation itself never): one
    count in SQL, so that a scope too big is refused before anything is read."""
    units = scope_units(year, scope).subquery()
    unit_id = units.c[0]
    query = select(func.count()).select_from(units)
    federation_id = federation_unit_id(session)
    if federation_id:
        query = query.where(unit_id != federation_id)
    return int(session.scalar(query) or 0)


def check_workbook_size(
    session: Session, *, year: int, scope: Scope, limit: int = MAX_WORKBOOK_UNITS
) -> int:
    """The number of units in ``scope``; :class:`InputError` if more than ``limit``."""
    count = scope_unit_count(session, year=year, scope=scope)
    if count > limit:
        raise InputError(
            N_(
                "The Excel workbook would list {count} units, more than the {limit} a "
                "workbook can hold: each indicator sheet has one row per unit, and a "
                "workbook that large cannot be opened or recalculated on an office "
                "computer. Choose a province, an upper-level union or a cluster and write "
                "its workbook; the figures of the whole scope are on the dashboard and in "
                "the printed summary."
            ),
            params={"count": format_number(count), "limit": format_number(limit)},
        )
    return count


class WorkbookStopped(Exception):
    """The workbook was stopped, as asked, before it was saved: no file was written."""


def export_province_workbook(
    session: Session,
    *,
    plan_id: str,
    path: Path,
    scope: Scope | None = None,
    limit: int = MAX_WORKBOOK_UNITS,
    progress: Callable[[int, int], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> WorkbookExport:
    """Write the province workbook of ``plan_id`` over ``scope`` (default: everything).

    Raises :class:`NotFoundError` for an unknown plan and :class:`InputError`
    for an output path that is a folder, lies in a missing folder or does not
    end in .xlsx, and for a scope of more than ``limit`` units
    (:func:`check_workbook_size`); nothing is read or written then.
    ``progress(done, total)`` is told of each sheet written and of the saving;
    ``stop()`` is asked after each sheet: when it says so, :class:`WorkbookStopped` is
    raised before anything is saved (a file already at ``path`` is left as it was).
    """
    from openpyxl import Workbook
    from openpyxl.workbook.properties import CalcProperties

    plan = get_plan(session, plan_id)
    check_output(path, suffix=".xlsx")
    scope = scope or Scope()
    federation_id = federation_unit_id(session)
    if scope.root_unit_id is not None and scope.root_unit_id == federation_id:
        scope = Scope(cluster_id=scope.cluster_id)
    check_workbook_size(session, year=plan.year, scope=scope, limit=limit)
    whole = scope.root_unit_id is None and scope.cluster_id is None
    roster = list_roster(session, year=plan.year)
    units = [u for u in _units_in_scope(session, plan.year, scope, roster) if u.id != federation_id]
    names = {u.id: u.name for u in roster}
    values = statement_values(session, plan.id, {u.id for u in units})
    # a step per indicator sheet, one for the summary and one for the saving
    total = len(plan.indicators) + 2

    def report(done: int) -> None:
        if done < total and stop is not None and stop():  # never once the file is saved
            raise WorkbookStopped
        if progress is not None:
            progress(done, total)

    report(0)
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = SUMMARY_SHEET
    used = {SUMMARY_SHEET.casefold(), "history"}
    sheets = []
    for number, indicator in enumerate(plan.indicators, start=1):
        sheets.append(
            write_indicator_sheet(
                workbook,
                sheet_title(indicator.code, used),
                plan,
                indicator,
                [u for u in units if indicator.applies_to(u.kind, u.sector)],
                names,
                values,
            )
        )
        report(number)
    rows = _write_summary(
        summary, plan, sheets, scope, describe_scope(session, year=plan.year, scope=scope), whole
    )
    report(total - 1)
    workbook.calculation = CalcProperties(fullCalcOnLoad=True)
    workbook.properties.title = f"Tổng hợp thi đua năm {plan.year}"
    workbook.properties.creator = "Thi Đua"
    save_workbook(workbook, path)
    report(total)
    return WorkbookExport(path, tuple(workbook.sheetnames), rows)


__all__ = [
    "MAX_WORKBOOK_UNITS",
    "SUMMARY_SHEET",
    "WorkbookStopped",
    "check_workbook_size",
    "export_province_workbook",
    "scope_unit_count",
]

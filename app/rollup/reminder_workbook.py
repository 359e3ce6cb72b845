"""The units to remind as a workbook: one sheet, one row per unit, with whom its
reminder goes to and how to reach the unit (chủ tịch, phone, e-mail from the roster).

Every text cell from the roster goes through :func:`app.core.sheets.put`, so a
name starting with "=" stays text, never a formula. Saved whole
(:func:`app.core.workbooks.save_workbook`); an empty list is refused
(:meth:`app.rollup.reminders.Reminders.require_letters`).
"""

from __future__ import annotations

from pathlib import Path

from app.core.days import short_date
from app.core.files import check_output
from app.core.i18n import vietnamese
from app.core.sheets import put
from app.core.workbooks import WorkbookExport, print_setup, save_workbook
from app.exchange import stream_label
from app.rollup.indicator_sheets import header_cell
from app.rollup.reminders import NO_DEADLINE, Reminders, not_overdue_words

SHEET = "Đôn đốc"
#: Heading and width of each column.
COLUMNS = (
    ("Gửi công văn đến", 34),
    ("Mã đơn vị", 12),
    ("Tên đơn vị", 38),
    ("Báo cáo", 22),
    ("Hạn gửi", 12),
    ("Gia hạn đến", 12),
    ("Số ngày quá hạn", 14),
    ("Chủ tịch", 24),
    ("Điện thoại", 14),
    ("Thư điện tử", 28),
)
HEADER_ROW = 3
DATE_FORMAT = "DD/MM/YYYY"


def export_reminder_workbook(reminders: Reminders, path: Path) -> WorkbookExport:
    """Write the units of ``reminders`` to the workbook ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    check_output(path, suffix=".xlsx")
    reminders.require_letters()
    plan = reminders.plan
    report = stream_label(reminders.stream, plan, vietnamese)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    put(sheet, 1, 1, f"DANH SÁCH ĐƠN VỊ CHƯA GỬI BÁO CÁO: {report.upper()}").font = Font(
        bold=True, size=14
    )
    due = f"hạn gửi: {short_date(reminders.due_on)}" if reminders.due_on else NO_DEADLINE.lower()
    put(sheet, 2, 1, f"{plan.title} — {due}; đến hết ngày {short_date(reminders.as_of)}")
    for column, (heading, width) in enumerate(COLUMNS, start=1):
        header_cell(sheet, HEADER_ROW, column, heading)
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width
    row = HEADER_ROW
    for letter, late in reminders.units:
        row += 1
        unit = late.unit
        values: list[object] = [
            letter.recipient.name,
            unit.code,
            unit.name,
            report,
            reminders.due_on,
            late.due_on if late.extended else None,
            late.days_late if late.days_late > 0 else not_overdue_words(late),
            unit.chair or None,
            unit.phone or None,
            unit.email or None,
        ]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, row, column, value)
            if column in (5, 6):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)
    print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}")
    workbook.properties.title = f"Đơn vị chưa gửi báo cáo {report}"
    workbook.properties.creator = "Thi Đua"
    save_workbook(workbook, path)
    return WorkbookExport(path, (SHEET,), row - HEADER_ROW)


__all__ = ["export_reminder_workbook"]

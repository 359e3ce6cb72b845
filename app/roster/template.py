"""The roster template: the empty workbook staff fill in and import."""

from __future__ import annotations

from pathlib import Path

from app.core.workbooks import save_workbook
from app.roster.columns import COLUMNS, KIND_SHOWN, MAX_ROWS, ROSTER_SHEET, SECTOR_LABELS

#: What each column takes, for the template's instructions sheet (printed Vietnamese).
_INSTRUCTIONS = {
    "code": "Bắt buộc. Mã riêng của đơn vị, không trùng, tối đa 32 ký tự (ví dụ CS-0001).",
    "name": "Bắt buộc. Tên đầy đủ của đơn vị.",
    "kind": "Bắt buộc. Chọn trong danh sách: CĐCS hoặc Cấp trên.",
    "sector": "Bắt buộc với CĐCS. Chọn: HCSN, DNNN, NGOÀI NN hoặc FDI.",
    "parent": "Mã của công đoàn cấp trên trực tiếp; để trống nếu trực thuộc LĐLĐ tỉnh.",
    "cluster": (
        "Tên cụm thi đua của đơn vị (tối đa 120 ký tự); để trống nếu chưa xếp cụm. Một cụm "
        "chỉ gồm đơn vị cùng cấp: công đoàn cấp trên trực tiếp cơ sở, hoặc công đoàn cơ sở."
    ),
    "leader": "Ghi x nếu đơn vị là cụm trưởng; ghi “không” để bỏ cụm trưởng.",
    "members": "Số nguyên từ 0 đến 10.000.000, không dùng dấu chấm ngăn cách.",
    "workers": "Số nguyên từ 0 đến 10.000.000, không dùng dấu chấm ngăn cách.",
    "chair": "Họ tên chủ tịch công đoàn (Liên đoàn gọi số này để xác nhận khóa).",
    "phone": "Số điện thoại liên hệ của đơn vị.",
    "email": "Địa chỉ thư điện tử, dạng ten@donvi.vn.",
}


def write_roster_template(path: Path, example: bool = True) -> None:
    """Write the roster template workbook: the units' sheet first (with two example
    rows if asked), drop-down lists where a column takes fixed words, whole
    numbers checked as they are typed, and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = ROSTER_SHEET
    sheet.append([c.header for c in COLUMNS])
    letters: dict[str, str] = {}
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        letters[column.key] = cell.column_letter
        sheet.column_dimensions[cell.column_letter].width = column.width
    last = MAX_ROWS + 1
    for key, words, prompt in (
        ("kind", list(KIND_SHOWN.values()), "CĐCS hoặc Cấp trên"),
        ("sector", list(SECTOR_LABELS.values()), "HCSN, DNNN, NGOÀI NN hoặc FDI"),
        ("leader", ["x", "không"], "x: cụm trưởng; không: bỏ cụm trưởng"),
    ):
        rule = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True)
        rule.error = "Chọn một giá trị trong danh sách: " + prompt
        rule.errorTitle = "Giá trị không hợp lệ"
        rule.prompt = prompt
        rule.showErrorMessage = True
        rule.add(f"{letters[key]}2:{letters[key]}{last}")
        sheet.add_data_validation(rule)
    counts = DataValidation(
        type="whole", operator="between", formula1="0", formula2="10000000", allow_blank=True
    )
    counts.error = "Nhập số nguyên từ 0 đến 10.000.000."
    counts.errorTitle = "Số không hợp lệ"
    counts.showErrorMessage = True
    counts.add(f"{letters['members']}2:{letters['workers']}{last}")
    sheet.add_data_validation(counts)
    if example:
        sheet.append(
            ["LDH-01", "LĐLĐ huyện Yên Sơn", "Cấp trên", "", "", "Cụm 1", "x", 0, 0, "", "", ""]
        )
        sheet.append(
            [
                "CS-0001",
                "Công đoàn Công ty Cổ phần Xi măng Tân Quang",
                "CĐCS",
                "NGOÀI NN",
                "LDH-01",
                "Cụm 2",
                "",
                350,
                420,
                "Nguyễn Văn A",
                "0207 3822 000",
                "",
            ]
        )
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Cách ghi"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        guide.append([column.header, _INSTRUCTIONS[column.key]])
    guide.append([])
    guide.append(
        [
            "Lưu ý",
            "Mỗi đơn vị một dòng, trên trang “Danh sách đơn vị”. Nhập lại cùng tệp là an "
            "toàn: đơn vị được nhận ra theo mã, dòng không đổi được báo “không thay đổi”. "
            "Chữ gõ bằng phông TCVN3 hoặc VNI được tự chuyển sang Unicode và báo từng ô.",
        ]
    )
    guide.column_dimensions["A"].width = 40
    guide.column_dimensions["B"].width = 90
    for row in guide.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    workbook.active = 0
    save_workbook(workbook, path)

"""The verification box printed under a unit's form: key fingerprint and package hash,
as text and as a QR code, so paper and electronic package can be matched."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from app.printing.fonts import REGULAR
from app.printing.qr import QrCode
from app.printing.sources import Verification
from app.printing.typesetting import cell_markup, cell_para, frame_width, styles
from app.printing.values import DASH


def _grouped_hex(value: str) -> str:
    return " ".join(value[i : i + 8] for i in range(0, len(value), 8))


def verification_box(check: Verification, *, kind: str = "đăng ký") -> list[Flowable]:
    """Key fingerprint and package hash as text and QR, to match paper and package."""
    s = styles()
    lines = [
        cell_markup("<b>XÁC THỰC GÓI DỮ LIỆU ĐIỆN TỬ</b>", s.note),
        cell_para(f"Mã đơn vị: {check.unit_code or DASH}", s.note),
        cell_para(
            f"Dấu vân tay khóa của đơn vị: {check.fingerprint or 'Chưa tạo khóa'}",
            s.note,
        ),
    ]
    if check.package_hash:
        lines += [
            cell_para(f"Gói {kind} đã xuất: lần thứ {check.revision}", s.note),
            cell_para(f"Mã gói (SHA-256): {_grouped_hex(check.package_hash)}", s.note),
        ]
    else:
        lines.append(cell_para(f"Gói {kind}: Chưa xuất gói", s.note))
    lines.append(
        cell_para(
            "Cán bộ tiếp nhận đối chiếu dấu vân tay và mã gói trên bản giấy có dấu "
            "với gói dữ liệu nhận được.",
            s.note,
        )
    )
    qr_size = 30 * mm
    width = frame_width()
    table = Table(
        [[lines, QrCode(check.payload(), qr_size)]],
        colWidths=[width - qr_size - 6 * mm, qr_size + 6 * mm],
        hAlign="LEFT",
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        ),
    )
    return [Spacer(1, 6 * mm), table]

"""The blocks of an administrative document (Nghị định 30/2020, Phụ lục I).

- Header in two columns: on the left the parent organisation (13 pt,
  capitals) over the issuing unit (13 pt bold capitals), a short rule, then
  "Số: …"; on the right the quốc hiệu (13 pt bold capitals) over the tiêu
  ngữ (14 pt bold) with a rule as long as the tiêu ngữ, then the place and
  date in 14 pt italics.
  A letter (công văn) has no title: its trích yếu "V/v …" sits under "Số: …".
- Title 14 pt bold capitals centred, trích yếu 14 pt bold centred, a rule.
- Signature block on the right (authority, title, space for signature and
  stamp, name), "Nơi nhận:" on the left (12 pt bold italic, list 11 pt).

Blocks return reportlab flowables; the page and its type are
:mod:`app.printing.typesetting`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.core.text import nfc
from app.printing.fonts import BOLD, REGULAR
from app.printing.typesetting import (
    BODY_SIZE,
    cell_para,
    format_vn_date,
    frame_width,
    para,
    styles,
    unbroken_name,
    vn_upper,
)

#: Width of the header's left column, and the gap after it; the right one
#: takes the rest, enough for the quốc hiệu in 13 pt bold (96 mm) on one line.
HEADER_LEFT_WIDTH = 62 * mm
HEADER_GAP = 5 * mm
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RULE_WIDTH = 0.6
#: Width of the signature column (the right of the signature block).
SIGNATURE_WIDTH = 85 * mm


# --- small flowables -----------------------------------------------------------------


def _unruled(*commands: tuple[Any, ...]) -> TableStyle:
    """The style of a table that only places blocks side by side: no rules, cells at
    the top in the body font, no padding at the sides; then ``commands``."""
    return TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONTNAME", (0, 0), (-1, -1), REGULAR),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            *commands,
        ]
    )


class Rule(Flowable):  # type: ignore[misc]
    """A centred horizontal rule of a given length (header and title rules)."""

    def __init__(self, length: float, *, space_before: float = 1, space_after: float = 2) -> None:
        super().__init__()
        self.length = length
        self.space_before = space_before
        self.space_after = space_after
        self._avail = length

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._avail = avail_width
        return avail_width, self.space_before + self.space_after

    def draw(self) -> None:
        x = (self._avail - self.length) / 2
        y = self.space_after
        self.canv.setLineWidth(RULE_WIDTH)
        self.canv.line(x, y, x + self.length, y)


# --- blocks ----------------------------------------------------------------------------


def header_block(
    *,
    parent: str,
    issuer: str,
    number: str,
    place: str,
    date: dt.date | None,
    year: int | None = None,
    wide: bool = False,
    subject: str = "",
) -> Table:
    """The two-column header: issuing body and number | quốc hiệu, tiêu ngữ, date.

    ``subject``: a letter's trích yếu ("V/v …"), under its number (13 pt, centred).
    """
    s = styles()
    total = frame_width(wide=wide)
    left_width = HEADER_LEFT_WIDTH + (30 * mm if wide else 0)
    right_width = total - left_width - HEADER_GAP
    issuer_text = unbroken_name(vn_upper(issuer))
    issuer_para = cell_para(issuer_text, s.issuer)
    size = 13
    if issuer_para.wrap(left_width, 10**6)[1] > 2 * s.issuer.leading + 0.1:
        # A long name: 12 pt (the decree allows 12–13) rather than three lines.
        size = 12
        issuer_para = cell_para(issuer_text, s.issuer_small)
    issuer_line = min(stringWidth(issuer_text, BOLD, size), left_width - 4)
    left: list[Flowable] = []
    if parent:
        left.append(cell_para(unbroken_name(vn_upper(parent)), s.parent))
    left += [
        issuer_para,
        Rule(issuer_line * 0.4, space_before=4, space_after=5),
        cell_para(f"Số: {number}" if number else "Số: …", s.number),
    ]
    if subject:
        left.append(cell_para(subject, s.number))
    motto_width = stringWidth(MOTTO, BOLD, 14)
    right: list[Flowable] = [
        cell_para(NATIONAL_NAME, s.national),
        cell_para(MOTTO, s.motto),
        Rule(motto_width, space_before=4, space_after=8),
        cell_para(format_vn_date(place, date, year=year), s.dateline),
    ]
    table = Table(
        [[left, "", right]],
        colWidths=[left_width, HEADER_GAP, right_width],
        hAlign="LEFT",
        style=_unruled(
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ),
    )
    return table


def title_block(title: str, subject: str = "") -> list[Flowable]:
    """Document kind (capitals) and trích yếu, centred, with a short rule."""
    s = styles()
    story: list[Flowable] = [Spacer(1, 14), para(vn_upper(title), s.title)]
    if subject:
        story.append(para(subject, s.subject))
    story.append(Rule(40 * mm, space_before=5, space_after=10))
    return story


def addressee_block(recipients: Sequence[str], *, wide: bool = False) -> Flowable:
    """``Kính gửi: …`` — one line, or a dashed list beside the words."""
    s = styles()
    items = [nfc(r) for r in recipients if r.strip()]
    label = "Kính gửi:"
    label_width = stringWidth(label, REGULAR, BODY_SIZE) + 6
    if len(items) == 1:
        lines = [cell_para(items[0], s.addressee)]
        widest = stringWidth(items[0], REGULAR, BODY_SIZE)
    else:
        lines = [cell_para(f"- {item}", s.addressee) for item in items]
        widest = max((stringWidth(f"- {i}", REGULAR, BODY_SIZE) for i in items), default=0)
    available = frame_width(wide=wide) - 20 * mm
    list_width = min(widest + 6, available - label_width)
    table = Table(
        [[cell_para(label, s.addressee), lines]],
        colWidths=[label_width, list_width],
        hAlign="CENTER",
        style=_unruled(("BOTTOMPADDING", (0, 0), (-1, -1), 6)),
    )
    return table


def signature_block(
    *,
    authority: str,
    title: str,
    signer_name: str,
    recipients: Sequence[tuple[str, str]] = (),
    wide: bool = False,
    before: Sequence[Flowable] = (),
    after: Sequence[Flowable] = (),
) -> Flowable:
    """Nơi nhận on the left, the signature on the right, kept on one page.

    ``authority`` is the "thay mặt" line ("TM. BAN CHẤP HÀNH"); ``title`` the
    signer's office ("CHỦ TỊCH"); ``recipients`` pairs of (text, note).
    ``before`` (the closing paragraph) and ``after`` (a verification box)
    stay on the same page, so a signature never starts a page on its own.
    """
    s = styles()
    total = frame_width(wide=wide)
    right_width = SIGNATURE_WIDTH
    left_width = total - right_width
    right: list[Flowable] = []
    if authority:
        right.append(cell_para(vn_upper(authority), s.sign_authority))
    right.append(cell_para(vn_upper(title or "CHỦ TỊCH"), s.sign_authority))
    right.append(Spacer(1, 28 * mm))
    right.append(cell_para(signer_name, s.sign_name) if signer_name else Spacer(1, 14))
    left = _recipients(recipients, left_width)
    table = Table(
        [[left, right]],
        colWidths=[left_width, right_width],
        hAlign="LEFT",
        style=_unruled(
            ("TOPPADDING", (0, 0), (0, 0), 4),
            ("TOPPADDING", (1, 0), (1, 0), 0),
        ),
    )
    return KeepTogether([*before, Spacer(1, 6), table, *after])


def _recipients(recipients: Sequence[tuple[str, str]], width: float) -> list[Flowable]:
    """ "Nơi nhận:" (12 pt bold italic) over its dashed list (11 pt), notes beside."""
    s = styles()
    if not recipients:
        return []
    left: list[Flowable] = [cell_para("Nơi nhận:", s.recipients_label)]
    if any(note for _t, note in recipients):
        rows = [
            [cell_para(f"- {t}", s.recipients), cell_para(n, s.recipients)] for t, n in recipients
        ]
        left.append(
            Table(
                rows,
                colWidths=[width * 0.68, width * 0.3],
                hAlign="LEFT",
                style=_unruled(
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ),
            )
        )
    else:
        left += [cell_para(f"- {t}", s.recipients) for t, _n in recipients]
    return left


def recipients_block(recipients: Sequence[tuple[str, str]], *, wide: bool = False) -> Flowable:
    """Nơi nhận on its own, at the left, as wide as :func:`signature_block` gives it:
    for a document whose signatures are not one block (a covenant's grid)."""
    width = frame_width(wide=wide) - SIGNATURE_WIDTH
    return Table(
        [[_recipients(recipients, width)]],
        colWidths=[width],
        hAlign="LEFT",
        style=_unruled(("TOPPADDING", (0, 0), (-1, -1), 0)),
    )


def section_heading(value: str) -> Paragraph:
    return para(value, styles().heading)


def body(value: str) -> Paragraph:
    return para(value, styles().body)


def body_plain(value: str) -> Paragraph:
    return para(value, styles().body_plain)


def keep_with_next(*flowables: Flowable, room: float = 40 * mm) -> list[Flowable]:
    """Start a new page rather than leave a heading alone at a page's foot."""
    return [CondPageBreak(room), *flowables]

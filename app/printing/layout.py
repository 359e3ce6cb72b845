"""The page and blocks of an administrative document (Nghị định 30/2020, Phụ lục I).

- A4 portrait (landscape for wide tables); margins top 20 mm, bottom 20 mm,
  left 30 mm, right 15 mm.
- Body text 14 pt, justified, first line indented 1 cm, 6 pt between
  paragraphs. Tables use 12 pt (11 pt where many columns must fit).
- Header in two columns: on the left the parent organisation (13 pt,
  capitals) over the issuing unit (13 pt bold capitals), a short rule, then
  "Số: …"; on the right the quốc hiệu (13 pt bold capitals) over the tiêu
  ngữ (14 pt bold) with a rule as long as the tiêu ngữ, then the place and
  date in 14 pt italics.
- Title 14 pt bold capitals centred, trích yếu 14 pt bold centred, a rule.
- Signature block on the right (authority, title, space for signature and
  stamp, name), "Nơi nhận:" on the left (12 pt bold italic, list 11 pt).
- Page numbers from the second page of each document, centred in the top
  margin, 14 pt.

Every text goes through :func:`text` (NFC, XML-escaped) before it becomes a
paragraph. Blocks return reportlab flowables; :func:`build_pdf` lays a story
out and writes the file atomically.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.core.files import check_output
from app.printing.fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, nfc, register_fonts

PAGE_SIZE: tuple[float, float] = A4
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm
BODY_SIZE = 14
TABLE_SIZE = 12
SMALL_TABLE_SIZE = 11
#: Width of the header's left column, and the gap after it; the right one
#: takes the rest, enough for the quốc hiệu in 13 pt bold (96 mm) on one line.
HEADER_LEFT_WIDTH = 62 * mm
HEADER_GAP = 5 * mm
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RULE_WIDTH = 0.6


def frame_width(*, wide: bool = False) -> float:
    page_width = landscape(PAGE_SIZE)[0] if wide else PAGE_SIZE[0]
    return float(page_width - MARGIN_LEFT - MARGIN_RIGHT)


# --- text ---------------------------------------------------------------------------


def text(value: object) -> str:
    """Paragraph markup for a plain value: NFC, with ``& < >`` escaped."""
    return escape(nfc(str(value)))


def vn_upper(value: str) -> str:
    """Capitals as Vietnamese documents write them ("đ" → "Đ")."""
    return nfc(value).upper()


def format_vn_date(place: str, date: dt.date | None, *, year: int | None = None) -> str:
    """``"Tuyên Quang, ngày 07 tháng 02 năm 2017"`` (Nghị định 30/2020).

    Days below 10 and the months January and February take a leading zero
    ("ngày 07", "tháng 01", "tháng 02"); other months do not ("tháng 3",
    "tháng 12"). Without a date the day and month are left blank to be
    written by hand ("ngày … tháng … năm 2017"), with ``year`` if known.
    """
    place = nfc(place.strip())
    if date is None:
        words = f"ngày … tháng … năm {year if year is not None else '…'}"
    else:
        day = f"{date.day:02d}"
        month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
        words = f"ngày {day} tháng {month} năm {date.year}"
    return f"{place}, {words}" if place else words.capitalize()


def short_date(date: dt.date) -> str:
    """``07/02/2017`` as used inside sentences ("ngày 07/02/2017")."""
    return f"{date.day:02d}/{date.month:02d}/{date.year}"


# --- styles --------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    body_plain: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    parent: ParagraphStyle
    issuer: ParagraphStyle
    issuer_small: ParagraphStyle
    number: ParagraphStyle
    national: ParagraphStyle
    motto: ParagraphStyle
    dateline: ParagraphStyle
    title: ParagraphStyle
    subject: ParagraphStyle
    addressee: ParagraphStyle
    sign_authority: ParagraphStyle
    sign_name: ParagraphStyle
    recipients_label: ParagraphStyle
    recipients: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    small_cell: ParagraphStyle
    small_cell_center: ParagraphStyle
    small_cell_right: ParagraphStyle
    small_cell_head: ParagraphStyle
    note: ParagraphStyle
    page_number_size: int


@cache
def styles() -> Styles:
    """The paragraph styles (fonts registered on first use)."""
    register_fonts()

    def style(name: str, **kw: Any) -> ParagraphStyle:
        kw.setdefault("fontName", REGULAR)
        kw.setdefault("fontSize", BODY_SIZE)
        kw.setdefault("leading", kw["fontSize"] * 1.2)
        return ParagraphStyle(name, **kw)

    def cell(name: str, size: int, **kw: Any) -> ParagraphStyle:
        # A word is never broken inside a table cell: "Không" must not print as
        # "Khôn g", nor 100.000,0% as "100.0 00,0%".
        return style(name, fontSize=size, leading=size * 1.18, splitLongWords=0, **kw)

    return Styles(
        body=style(
            "body", alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceBefore=0, spaceAfter=6
        ),
        body_plain=style("body_plain", alignment=TA_JUSTIFY, spaceAfter=6),
        heading=style("heading", fontName=BOLD, alignment=TA_JUSTIFY, spaceBefore=6, spaceAfter=6),
        subheading=style(
            "subheading",
            fontName=BOLD,
            alignment=TA_JUSTIFY,
            firstLineIndent=10 * mm,
            spaceAfter=6,
        ),
        parent=style("parent", fontSize=13, alignment=TA_CENTER),
        issuer=style("issuer", fontName=BOLD, fontSize=13, alignment=TA_CENTER),
        issuer_small=style("issuer_small", fontName=BOLD, fontSize=12, alignment=TA_CENTER),
        number=style("number", fontSize=13, alignment=TA_CENTER),
        national=style("national", fontName=BOLD, fontSize=13, alignment=TA_CENTER),
        motto=style("motto", fontName=BOLD, fontSize=14, alignment=TA_CENTER),
        dateline=style("dateline", fontName=ITALIC, fontSize=14, alignment=TA_CENTER),
        title=style("title", fontName=BOLD, fontSize=14, alignment=TA_CENTER),
        subject=style("subject", fontName=BOLD, fontSize=14, alignment=TA_CENTER),
        addressee=style("addressee", alignment=TA_LEFT),
        sign_authority=style("sign_authority", fontName=BOLD, fontSize=13, alignment=TA_CENTER),
        sign_name=style("sign_name", fontName=BOLD, fontSize=14, alignment=TA_CENTER),
        recipients_label=style("recipients_label", fontName=BOLD_ITALIC, fontSize=12),
        recipients=style("recipients", fontSize=11, leading=13),
        cell=cell("cell", TABLE_SIZE),
        cell_center=cell("cell_center", TABLE_SIZE, alignment=TA_CENTER),
        cell_right=cell("cell_right", TABLE_SIZE, alignment=TA_RIGHT),
        cell_head=cell("cell_head", TABLE_SIZE, fontName=BOLD, alignment=TA_CENTER),
        small_cell=cell("small_cell", SMALL_TABLE_SIZE),
        small_cell_center=cell("small_cell_center", SMALL_TABLE_SIZE, alignment=TA_CENTER),
        small_cell_right=cell("small_cell_right", SMALL_TABLE_SIZE, alignment=TA_RIGHT),
        small_cell_head=cell(
            "small_cell_head", SMALL_TABLE_SIZE, fontName=BOLD, alignment=TA_CENTER
        ),
        note=style("note", fontSize=11, leading=13, alignment=TA_JUSTIFY),
        page_number_size=14,
    )


def para(value: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped, NFC)."""
    return Paragraph(text(value), style)


def markup(value: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of markup the caller built with :func:`text` pieces."""
    return Paragraph(value, style)


# --- small flowables -----------------------------------------------------------------


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


class FormStart(Flowable):  # type: ignore[misc]
    """Marks where a document starts inside a PDF holding several.

    Drawn first on the document's first page: page numbering restarts there,
    and ``on_start(index)`` runs (progress and cancellation of a batch).
    """

    def __init__(
        self, numbering: PageNumbering, index: int, on_start: Callable[[int], None] | None
    ) -> None:
        super().__init__()
        self.numbering = numbering
        self.index = index
        self.on_start = on_start

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.numbering.first_page = self.canv.getPageNumber()
        if self.on_start is not None:
            self.on_start(self.index)


class PageNumbering:
    """Draws the page number, from each document's second page on.

    Called when a page ends, so a :class:`FormStart` on that page has
    already been drawn.
    """

    def __init__(self) -> None:
        self.first_page = 1

    def __call__(self, canvas: Any, doc: Any) -> None:
        number = canvas.getPageNumber() - self.first_page + 1
        if number < 2:
            return
        size = styles().page_number_size
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.setFont(REGULAR, size)
        x = MARGIN_LEFT + (width - MARGIN_LEFT - MARGIN_RIGHT) / 2
        canvas.drawCentredString(x, height - MARGIN_TOP / 2 - size / 3, str(number))
        canvas.restoreState()


class QrCode(Flowable):  # type: ignore[misc]
    """A QR code (error correction M, 4-module quiet zone) drawn as one filled path.

    reportlab's own widget tries all eight masks (about 30 ms each time in
    pure Python) and draws every run as a shape object; a batch of two
    thousand forms cannot afford that. Any mask is valid for a reader: this
    one always uses mask 0 and draws each row's dark runs as rectangles of
    a single path.
    """

    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        from reportlab.graphics.barcode import qrencoder

        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(payload)
        code.version = code.calculate_version()
        code.makeImpl(False, 0)
        self.modules: list[list[bool]] = [[bool(m) for m in row] for row in code.modules]
        self.payload = payload
        self.size = size
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        count = len(self.modules)
        module = self.size / (count + 8)
        path = self.canv.beginPath()
        for r, row in enumerate(self.modules):
            y = self.size - (r + 5) * module
            c = 0
            while c < count:
                if row[c]:
                    start = c
                    while c < count and row[c]:
                        c += 1
                    # A hair taller than a module so rows do not show seams.
                    path.rect((start + 4) * module, y, (c - start) * module, module * 1.02)
                else:
                    c += 1
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


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
) -> Table:
    """The two-column header: issuing body and number | quốc hiệu, tiêu ngữ, date."""
    s = styles()
    total = frame_width(wide=wide)
    left_width = HEADER_LEFT_WIDTH + (30 * mm if wide else 0)
    right_width = total - left_width - HEADER_GAP
    issuer_text = vn_upper(issuer)
    issuer_para = para(issuer_text, s.issuer)
    size = 13
    if issuer_para.wrap(left_width, 10**6)[1] > 2 * s.issuer.leading + 0.1:
        # A long name: 12 pt (the decree allows 12–13) rather than three lines.
        size = 12
        issuer_para = para(issuer_text, s.issuer_small)
    issuer_line = min(stringWidth(issuer_text, BOLD, size), left_width - 4)
    left: list[Flowable] = []
    if parent:
        left.append(para(vn_upper(parent), s.parent))
    left += [
        issuer_para,
        Rule(issuer_line * 0.4, space_before=4, space_after=5),
        para(f"Số: {number}" if number else "Số: …", s.number),
    ]
    motto_width = stringWidth(MOTTO, BOLD, 14)
    right: list[Flowable] = [
        para(NATIONAL_NAME, s.national),
        para(MOTTO, s.motto),
        Rule(motto_width, space_before=4, space_after=8),
        para(format_vn_date(place, date, year=year), s.dateline),
    ]
    table = Table(
        [[left, "", right]],
        colWidths=[left_width, HEADER_GAP, right_width],
        hAlign="LEFT",
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
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
        lines = [para(items[0], s.addressee)]
        widest = stringWidth(items[0], REGULAR, BODY_SIZE)
    else:
        lines = [para(f"- {item}", s.addressee) for item in items]
        widest = max((stringWidth(f"- {i}", REGULAR, BODY_SIZE) for i in items), default=0)
    available = frame_width(wide=wide) - 20 * mm
    list_width = min(widest + 6, available - label_width)
    table = Table(
        [[para(label, s.addressee), lines]],
        colWidths=[label_width, list_width],
        hAlign="CENTER",
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        ),
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
    right_width = 85 * mm
    left_width = total - right_width
    right: list[Flowable] = []
    if authority:
        right.append(para(vn_upper(authority), s.sign_authority))
    right.append(para(vn_upper(title or "CHỦ TỊCH"), s.sign_authority))
    right.append(Spacer(1, 28 * mm))
    right.append(para(signer_name, s.sign_name) if signer_name else Spacer(1, 14))
    left: list[Flowable] = []
    if recipients:
        left.append(para("Nơi nhận:", s.recipients_label))
        if any(note for _t, note in recipients):
            rows = [[para(f"- {t}", s.recipients), para(n, s.recipients)] for t, n in recipients]
            left.append(
                Table(
                    rows,
                    colWidths=[left_width * 0.68, left_width * 0.3],
                    hAlign="LEFT",
                    style=TableStyle(
                        [
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                            ("LEFTPADDING", (0, 0), (-1, -1), 0),
                            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                            ("TOPPADDING", (0, 0), (-1, -1), 0),
                            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                        ]
                    ),
                )
            )
        else:
            left += [para(f"- {t}", s.recipients) for t, _n in recipients]
    table = Table(
        [[left, right]],
        colWidths=[left_width, right_width],
        hAlign="LEFT",
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (0, 0), 4),
                ("TOPPADDING", (1, 0), (1, 0), 0),
            ]
        ),
    )
    return KeepTogether([*before, Spacer(1, 6), table, *after])


def section_heading(value: str) -> Paragraph:
    return para(value, styles().heading)


def body(value: str) -> Paragraph:
    return para(value, styles().body)


def body_plain(value: str) -> Paragraph:
    return para(value, styles().body_plain)


@dataclass(frozen=True)
class Column:
    """A table column: heading, share of the width, alignment of its cells."""

    heading: str
    weight: float
    align: str = "left"  # left | center | right


def data_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    group_rows: Sequence[int] = (),
    spans: Sequence[tuple[int, int, int]] = (),
    wide: bool = False,
    small: bool = False,
    width: float | None = None,
) -> Table:
    """A ruled table whose header row repeats on every page it spans.

    Cells are paragraphs, so long Vietnamese text wraps; a line break in a
    value starts a new line, and text after a ``"\x1f"`` is set smaller
    (the arithmetic behind a figure). ``group_rows`` are indexes (into
    ``rows``) of group headings: the first cell bold, the second spanning to
    the last column, in italics, never left alone at a page's foot.
    ``spans`` are (column, first row, last row) cells merged down.
    """
    s = styles()
    if small:
        head, plain = s.small_cell_head, s.small_cell
        aligned = {"left": s.small_cell, "center": s.small_cell_center, "right": s.small_cell_right}
    else:
        head, plain = s.cell_head, s.cell
        aligned = {"left": s.cell, "center": s.cell_center, "right": s.cell_right}
    total = width if width is not None else frame_width(wide=wide)
    weight = sum(c.weight for c in columns)
    widths = [total * c.weight / weight for c in columns]
    groups = set(group_rows)
    data: list[list[Any]] = [[para(c.heading, head) for c in columns]]
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for index, row in enumerate(rows):
        if index in groups:
            code = row[0] if row else ""
            label = row[1] if len(row) > 1 else ""
            cells: list[Any] = [markup(f"<b>{text(code)}</b>", aligned["center"])]
            cells.append(markup(f"<i>{text(label)}</i>", plain))
            cells += [""] * (len(columns) - 2)
            data.append(cells)
            commands.append(("SPAN", (1, index + 1), (-1, index + 1)))
            if index + 1 < len(rows) and _height(rows[index + 1], widths, plain) <= TALL_ROW:
                commands.append(("NOSPLIT", (0, index + 1), (-1, index + 2)))
        else:
            data.append(
                [
                    _cell(value, aligned[column.align], width - 6)
                    for value, column, width in zip(row, columns, widths, strict=True)
                ]
            )
    for column, first, last in spans:
        if last > first:
            commands.append(("SPAN", (column, first + 1), (column, last + 1)))
            if sum(_height(rows[i], widths, plain) for i in range(first, last + 1)) <= TALL_ROW:
                commands.append(("NOSPLIT", (0, first + 1), (-1, last + 1)))
    # A row taller than a page (a 4,000-character note) continues on the next page;
    # rows kept together (NOSPLIT) are only those that surely fit on one. Only a
    # table holding such a row may split inside rows: elsewhere a row that does not
    # fit at a page's foot moves whole to the next page (split, its cells read out
    # of order and a figure sat a page away from its target).
    giant = any(_height(row, widths, plain) > PAGE_ROW for row in rows)
    return Table(
        data,
        colWidths=widths,
        repeatRows=1,
        hAlign="LEFT",
        style=TableStyle(commands),
        splitInRow=1 if giant else 0,
    )


#: The smallest type a cell shrinks to so that a figure stays whole.
MIN_FITTED_SIZE = 5.0
#: Rows kept together (with their group heading, or merged down) only when they are
#: surely shorter than this, in points (a third of a page): a 600-character note of
#: wide letters or of 300 line breaks, kept with its heading, could not be printed;
#: a target's 250-character wording must still not be split from its heading.
TALL_ROW = 250.0
#: A row at least this tall (points) may not fit on a page at all: its table may
#: split inside rows.
PAGE_ROW = 400.0


def _height(row: Sequence[str], widths: Sequence[float], style: ParagraphStyle) -> float:
    """How tall a row's tallest cell would set, measured with the cell's font."""
    tallest = 0.0
    for value, width in zip(row, widths, strict=False):
        if not isinstance(value, str):
            continue
        room = max(width - 6, 10.0)
        lines = sum(
            max(1, math.ceil(stringWidth(line, style.fontName, style.fontSize) / room))
            for line in value.replace("\x1f", "\n").split("\n")
        )
        tallest = max(tallest, lines * style.leading)
    return tallest


def _fitted(value: str, style: ParagraphStyle, room: float) -> ParagraphStyle:
    """``style``, smaller if a word of ``value`` (never broken) is wider than ``room``.

    Numbers and words are not split inside a cell, so an unusually long figure
    ("12.493,8%") shrinks its own cell's type instead of spilling into the next;
    only a word far too long for any cell is broken.
    """
    # Only ordinary spaces break a line: "750.000.001\u00a0đ" is one word.
    words = [w for w in re.split(r"[ \t\n\x1f]+", value) if w]
    if not words:
        return style
    widest = max(stringWidth(w, style.fontName, style.fontSize) for w in words)
    if widest <= room:
        return style
    size = style.fontSize * room / widest
    if size < MIN_FITTED_SIZE:
        # Not a figure but a run of letters no cell can hold (validation allows a
        # 4,000-character word): break it across lines at the usual size.
        return ParagraphStyle(f"{style.name}-split", parent=style, splitLongWords=1)
    return ParagraphStyle(
        f"{style.name}-{size:.2f}", parent=style, fontSize=size, leading=size * 1.18
    )


def _cell(value: str, style: ParagraphStyle, room: float) -> Paragraph:
    style = _fitted(value, style, room)
    if "\n" not in value and "\x1f" not in value:
        return para(value, style)
    main, _sep, small = value.partition("\x1f")
    content = "<br/>".join(text(line) for line in main.split("\n"))
    if small:
        size = style.fontSize - 2
        lines = "<br/>".join(text(line) for line in small.split("\n"))
        content += f'<br/><font size="{size}">{lines}</font>'
    return Paragraph(content, style)


def keep_with_next(*flowables: Flowable, room: float = 40 * mm) -> list[Flowable]:
    """Start a new page rather than leave a heading alone at a page's foot."""
    return [CondPageBreak(room), *flowables]


# --- documents -------------------------------------------------------------------------


def build_pdf(
    path: Path,
    story: list[Flowable],
    *,
    title: str,
    author: str = "",
    subject: str = "",
    wide: bool = False,
    numbering: PageNumbering | None = None,
) -> Path:
    """Lay ``story`` out on A4 (landscape when ``wide``) and write ``path``.

    The file is written beside ``path`` under a temporary name and renamed
    at the end, so a failed or cancelled print never leaves half a file.
    """
    register_fonts()
    # Binary (Flate only) streams: ASCII85 on top makes files a quarter larger
    # and costs about 5% of the time of a batch, for 7-bit safety no one needs.
    rl_config.useA85 = 0
    page = landscape(PAGE_SIZE) if wide else PAGE_SIZE
    numbering = numbering or PageNumbering()
    path = Path(path)
    if str(path).strip():
        path.parent.mkdir(parents=True, exist_ok=True)
    check_output(path)
    # Not mkstemp: its 0600 mode would stay on the finished file.
    temporary = str(path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.part"))
    try:
        doc = BaseDocTemplate(
            temporary,
            pagesize=page,
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=nfc(title),
            author=nfc(author),
            subject=nfc(subject),
            creator="Thi Đua",
            invariant=True,
            # Otherwise the canvas starts in Helvetica, which would sit
            # unembedded in every page's resources.
            initialFontName=REGULAR,
            initialFontSize=BODY_SIZE,
        )
        frame = Frame(
            MARGIN_LEFT,
            MARGIN_BOTTOM,
            page[0] - MARGIN_LEFT - MARGIN_RIGHT,
            page[1] - MARGIN_TOP - MARGIN_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=numbering)])
        doc.build(story)
        check_output(path)  # nothing was put in its place meanwhile
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path

"""The page and its type, after Nghị định 30/2020, Phụ lục I.

- A4 portrait (landscape for wide tables); margins top 20 mm, bottom 20 mm,
  left 30 mm, right 15 mm.
- Body text 14 pt, justified, first line indented 1 cm, 6 pt between
  paragraphs. Tables use 12 pt (11 pt where many columns must fit).

Every text goes through :func:`text` (NFC, XML-escaped) before it becomes a
paragraph; dates and capitals are written as administrative documents write
them (:func:`format_vn_date`, :func:`vn_upper`, :func:`lower_first`; a day inside a
sentence is :func:`app.core.days.short_date`).
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from app.core.text import nfc
from app.printing.fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, register_fonts

PAGE_SIZE: tuple[float, float] = A4
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm
BODY_SIZE = 14
TABLE_SIZE = 12
SMALL_TABLE_SIZE = 11


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


#: A space no line breaks at (reportlab keeps the words either side together).
NBSP = "\u00a0"


def unbroken_name(value: str) -> str:
    """A name whose number or short last word never starts a line on its own:
    "CÔNG ĐOÀN CẤP TRÊN SỐ 1" wraps before "SỐ 1", never as "… SỐ" over "1"."""
    words = nfc(value).split()
    if len(words) < 2:
        return " ".join(words)
    joined = words[0]
    for index, word in enumerate(words[1:], start=1):
        last_and_short = index == len(words) - 1 and (len(word) <= 3 or word.isdigit())
        after_number_word = words[index - 1].upper() in {"SỐ", "SỐ:"}
        joined += (NBSP if last_and_short or after_number_word else " ") + word
    return joined


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


class SetParagraph(Paragraph):  # type: ignore[misc]
    """A paragraph that keeps how it broke into lines at each width it was given,
    and what it drew.

    A table measures its cells, then measures each again as it draws it (and again
    on every page its repeated header row is drawn); a paragraph's lines depend
    only on its text, its style and the width, so the second time costs nothing.
    Drawn again with the same lines on the same canvas (a batch's forms repeat their
    headings, indicators and targets), it repeats the operators it wrote the first
    time: they are relative to where it stands, set their own font and colour
    whatever the canvas's state, and name glyphs already in the document's fonts.
    """

    def wrapOn(self, canv: Any, avail_width: float, avail_height: float) -> tuple[float, float]:
        # Already set at this width: no need to lend it the canvas (reportlab's wrapOn).
        if avail_width in self.__dict__.get("_set_at", ()):
            return self.wrap(avail_width, avail_height)
        return super().wrapOn(canv, avail_width, avail_height)  # type: ignore[no-any-return]

    # A table asks each cell for these as it measures it and as it draws it: the
    # answers of reportlab's (its own attribute if set, else its style's) without
    # looking for attributes a paragraph does not have.
    def getSpaceBefore(self) -> float:
        spacing: float = self.__dict__.get("spaceBefore", self.style.spaceBefore)
        return spacing

    def getSpaceAfter(self) -> float:
        spacing: float = self.__dict__.get("spaceAfter", self.style.spaceAfter)
        return spacing

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        """Where it is drawn again (a table cell, once per form), what reportlab's
        ``drawOn`` writes, written straight: the state saved (``q``), the origin moved
        to ``x, y`` (``cm``), the operators it drew the first time, the state restored
        (``Q``); the canvas's own record of its state is left as it was, as
        ``restoreState`` would leave it."""
        state = self.__dict__
        last = state.get("_drawn")
        if (
            last is None
            or last[0]() is not canvas
            or last[1] is not state["blPara"]
            or state.get("_showBoundary")
        ):
            super().drawOn(canvas, x, y, _sW)
            return
        x = self._hAlignAdjust(x, _sW)
        code: list[str] = canvas._code
        code.append("q")
        code.append(f"{fp_str(1, 0, 0, 1, x, y)} cm")
        code.extend(last[2])
        code.append("Q")

    def draw(self) -> None:
        canvas = self.canv
        state = self.__dict__
        lines = state["blPara"]
        last = state.get("_drawn")
        if last is not None and last[0]() is canvas and last[1] is lines:
            canvas._code.extend(last[2])
            return
        code: list[str] = canvas._code
        start = len(code)
        super().draw()
        state["_drawn"] = (weakref.ref(canvas), lines, code[start:])

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if avail_width < 1e-6:  # reportlab's answer for no room at all
            return super().wrap(avail_width, avail_height)  # type: ignore[no-any-return]
        state = self.__dict__
        widths: dict[float, tuple[tuple[float, float], Any, Any]]
        widths = state.setdefault("_set_at", {})
        known = widths.get(avail_width)
        if known is None:
            size: tuple[float, float] = super().wrap(avail_width, avail_height)
            widths[avail_width] = (size, state["blPara"], state["_wrapWidths"])
            return size
        size, state["blPara"], state["_wrapWidths"] = known
        state["width"], state["height"] = size
        return size


def para(value: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped, NFC)."""
    return SetParagraph(text(value), style)


def markup(value: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of markup the caller built with :func:`text` pieces."""
    return SetParagraph(value, style)


#: Paragraphs kept for :func:`cell_markup`, per thread (a laid-out paragraph holds
#: the lines of its last measure, so two threads must not share one).
_KEPT_CELLS = 4096
_threads = threading.local()


def cell_markup(value: str, style: ParagraphStyle) -> Paragraph:
    """The paragraph of markup ``value`` in ``style`` for a table cell, the same one
    each time this thread asks: the headings, indicators and targets a batch of
    forms repeats on every form are parsed and broken into lines once.

    For table cells only: a cell is measured and drawn where it stands, while the
    page layout marks the paragraphs of the story itself as it places them.
    """
    kept = getattr(_threads, "cells", None)
    if kept is None:
        kept = _threads.cells = lru_cache(maxsize=_KEPT_CELLS)(SetParagraph)
    paragraph: Paragraph = kept(value, style)
    return paragraph


def cell_para(value: object, style: ParagraphStyle) -> Paragraph:
    """:func:`cell_markup` of plain text (escaped, NFC)."""
    return cell_markup(text(value), style)

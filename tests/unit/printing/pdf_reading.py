"""Printed forms read back from the PDF: characters with their boxes and fonts (PDFium,
pypdfium2), embedded fonts (pypdf), and the checks every form's pages pass (margins,
page numbers, Liberation Serif embedded)."""

from __future__ import annotations

import ctypes
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from app.printing.typesetting import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
)

PLAN = "tuyen-quang-2017"
A4 = (595.28, 841.89)
MM = 72 / 25.4
TOLERANCE = 1.0  # points: glyph boxes of justified text may overhang by a hair
LEFT = MARGIN_LEFT
TOP_MARGIN = MARGIN_TOP


# --- reading PDFs back ---------------------------------------------------------------------------


@dataclass
class Char:
    char: str
    left: float
    bottom: float
    right: float
    top: float
    font: str
    size: float


@dataclass
class Page:
    width: float
    height: float
    text: str
    chars: list[Char]

    @property
    def flat(self) -> str:
        """The text with every run of whitespace (line breaks too) as one space."""
        return " ".join(self.text.split())

    def box(self, needle: str, occurrence: int = 0) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of ``needle`` on one line of the page."""
        start = -1
        for _ in range(occurrence + 1):
            start = self.text.find(needle, start + 1)
            assert start >= 0, f"{needle!r} not on the page"
        chars = [c for c in self.chars[start : start + len(needle)] if not c.char.isspace()]
        return (
            min(c.left for c in chars),
            min(c.bottom for c in chars),
            max(c.right for c in chars),
            max(c.top for c in chars),
        )

    def chars_of(self, needle: str) -> list[Char]:
        start = self.text.find(needle)
        assert start >= 0, f"{needle!r} not on the page"
        return [c for c in self.chars[start : start + len(needle)] if not c.char.isspace()]


def _font(textpage: pdfium.PdfTextPage, index: int) -> str:
    length = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, None, 0, None)
    buffer = ctypes.create_string_buffer(length)
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buffer, length, None)
    return buffer.value.decode("utf-8", "replace")


def read_pdf(path: Path) -> list[Page]:
    document = pdfium.PdfDocument(path)
    pages = []
    for page in document:
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        chars = []
        for index, char in enumerate(text):
            left, bottom, right, top = textpage.get_charbox(index)
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
            chars.append(Char(char, left, bottom, right, top, _font(textpage, index), size))
        width, height = page.get_size()
        pages.append(Page(width, height, text, chars))
        textpage.close()
        page.close()
    document.close()
    return pages


def page_pixels(path: Path) -> list[bytes]:
    """Each page rendered (grey, 50 dpi), as bytes: two PDFs that print the same."""
    document = pdfium.PdfDocument(path)
    try:
        return [
            document[index].render(scale=50 / 72, grayscale=True).to_pil().tobytes()
            for index in range(len(document))
        ]
    finally:
        document.close()


def layout_pages(path: Path) -> list[str]:
    """Each page's text as ``pdftotext -layout`` reads it, whitespace runs as one space."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


def layout_text(path: Path) -> str:
    """The whole document's :func:`layout_pages`, as one line."""
    return " ".join(layout_pages(path))


def all_text(pages: list[Page]) -> str:
    """Every page's text; a no-break space (between an amount and "đ") reads as a space."""
    return " ".join(p.flat for p in pages).replace("\u00a0", " ")


def page_number_chars(page: Page) -> list[Char]:
    """Printed characters in the top margin (only a page number may sit there)."""
    return [
        c
        for c in page.chars
        if not c.char.isspace() and c.top > page.height - TOP_MARGIN + TOLERANCE
    ]


def assert_within_margins(pages: list[Page]) -> None:
    for number, page in enumerate(pages, start=1):
        for c in page.chars:
            if c.char.isspace() or c.right <= c.left:
                continue
            where = f"page {number}: {c.char!r} at {c.left:.1f},{c.bottom:.1f}"
            assert c.left >= MARGIN_LEFT - TOLERANCE, where
            assert c.right <= page.width - MARGIN_RIGHT + TOLERANCE, where
            assert c.bottom >= MARGIN_BOTTOM - TOLERANCE, where
            if c.top > page.height - MARGIN_TOP + TOLERANCE:
                assert c.char.isdigit(), f"only a page number may sit in the top margin: {where}"


def assert_page_numbers(pages: list[Page], first: int = 0) -> None:
    """No number on the document's first page; 2, 3, … centred in the top margin after."""
    for index, page in enumerate(pages[first:], start=1):
        digits = page_number_chars(page)
        if index == 1:
            assert digits == [], "no page number on the first page"
            continue
        assert "".join(c.char for c in digits) == str(index)
        centre = (min(c.left for c in digits) + max(c.right for c in digits)) / 2
        frame_centre = MARGIN_LEFT + (page.width - MARGIN_LEFT - MARGIN_RIGHT) / 2
        assert abs(centre - frame_centre) < 2
        assert all(abs(c.size - 14) < 0.1 for c in digits)


def fonts_of(path: Path) -> set[tuple[str, bool]]:
    """(base font, embedded) of every font resource of every page."""
    found = set()
    for page in PdfReader(path).pages:
        resources = page["/Resources"]
        assert isinstance(resources, DictionaryObject)
        fonts = resources.get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found.add((str(font["/BaseFont"]), embedded))
    return found


def assert_liberation_serif_embedded(path: Path) -> None:
    fonts = fonts_of(path)
    assert fonts, "the PDF has fonts"
    for name, embedded in fonts:
        assert re.fullmatch(
            r"/[A-Z]{6}\+(LiberationSerif(-Bold|-Italic|-BoldItalic)?"
            r"|TimesNewRomanPS(-Bold|-Italic|-BoldItalic)?MT)",
            name,
        ), name
        assert embedded, f"{name} is embedded"

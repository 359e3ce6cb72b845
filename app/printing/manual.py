"""The printed manual: the user guide (docs/guide, :mod:`app.guide`) as an A4 PDF.

A title page, a table of contents (chapters and sections with their page numbers), then
each chapter from a new page: headings, paragraphs, numbered and bulleted steps, tables
and the screenshots, scaled to the page's width. The guide's HTML is read element by
element and laid out in the forms' font (:mod:`app.printing.fonts`, embedded), with page
numbers and PDF bookmarks. Like every printed document it is Vietnamese: the guide's own
words, and the few words of its title page written here.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from app.core.text import nfc
from app.guide import Guide, installed_guide
from app.printing.fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, register_fonts
from app.printing.layout import build_pdf
from app.printing.typesetting import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_SIZE,
)

#: The manual's file name where ``make guide`` and the bundle write it.
MANUAL_NAME = "huong-dan-su-dung.pdf"
TITLE = "HƯỚNG DẪN SỬ DỤNG THI ĐUA"
DOCUMENT_TITLE = "Hướng dẫn sử dụng Thi Đua"
SUBTITLE = "Phần mềm đăng ký và báo cáo phong trào thi đua của tổ chức công đoàn"
CONTENTS = "MỤC LỤC"

BODY = 12
#: A screenshot takes at most this share of the frame's height.
PICTURE_HEIGHT = 0.55
#: Heading levels the table of contents lists (1 = chapter, 2 = section, 3 = sub-section).
LISTED_LEVELS = (1, 2, 3)


@dataclass(frozen=True)
class ManualStyles:
    """The manual's paragraph styles (in the registered printing font)."""

    body: ParagraphStyle
    item: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    caption: ParagraphStyle
    headings: dict[int, ParagraphStyle]
    title: ParagraphStyle
    subtitle: ParagraphStyle
    contents: ParagraphStyle
    toc_levels: list[ParagraphStyle]


def manual_styles() -> ManualStyles:
    register_fonts()

    def style(name: str, size: float = BODY, **kw: Any) -> ParagraphStyle:
        kw.setdefault("fontName", REGULAR)
        kw.setdefault("leading", size * 1.3)
        kw.setdefault("bulletFontName", REGULAR)
        kw.setdefault("bulletFontSize", size)
        return ParagraphStyle(name, fontSize=size, **kw)

    return ManualStyles(
        body=style("manual-body", spaceAfter=5),
        item=style("manual-item", leftIndent=8 * mm, bulletIndent=2 * mm, spaceAfter=3),
        cell=style("manual-cell", 10, leading=12.5),
        cell_head=style("manual-cell-head", 10, leading=12.5, fontName=BOLD),
        caption=style("manual-caption", 10, fontName=ITALIC, alignment=TA_CENTER, spaceAfter=8),
        headings={
            1: style("manual-h1", 18, fontName=BOLD, spaceAfter=10),
            2: style("manual-h2", 14, fontName=BOLD, spaceBefore=10, spaceAfter=6),
            3: style("manual-h3", 12.5, fontName=BOLD_ITALIC, spaceBefore=8, spaceAfter=4),
        },
        title=style("manual-title", 22, fontName=BOLD, alignment=TA_CENTER, spaceAfter=12),
        subtitle=style("manual-subtitle", 14, fontName=ITALIC, alignment=TA_CENTER),
        contents=style("manual-contents", 16, fontName=BOLD, alignment=TA_CENTER, spaceAfter=12),
        toc_levels=[
            style("manual-toc1", 12, fontName=BOLD, leftIndent=0, firstLineIndent=0),
            style("manual-toc2", 11, leftIndent=8 * mm, firstLineIndent=0),
            style("manual-toc3", 10.5, fontName=ITALIC, leftIndent=16 * mm, firstLineIndent=0),
        ],
    )


class Heading(Paragraph):  # type: ignore[misc]
    """A chapter's or section's title: listed in the contents and bookmarked."""

    def __init__(self, words: str, style: ParagraphStyle, level: int, anchor: str) -> None:
        super().__init__(words, style)
        self.level = level
        self.anchor = anchor
        self.words = re.sub(r"<[^>]+>", "", words)


class ManualTemplate(BaseDocTemplate):  # type: ignore[misc]
    """A4 pages with numbers; each :class:`Heading` reports itself to the contents."""

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading) and flowable.level in LISTED_LEVELS:
            key = f"h-{flowable.anchor}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(
                html.unescape(flowable.words), key, level=flowable.level - 1, closed=True
            )
            self.notify("TOCEntry", (flowable.level - 1, flowable.words, self.page, key))


# --- the guide's HTML into flowables ---------------------------------------------------

_INLINE = {"strong": "b", "b": "b", "em": "i", "i": "i", "code": "i"}
_VOID = frozenset({"area", "br", "col", "hr", "img", "input", "meta", "source", "wbr"})


class _TreeBuilder(HTMLParser):
    """The chapter's HTML as a tree; forgiving (raw HTML in the Markdown, a tag left open)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("root")
        self.open: list[ET.Element] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = ET.SubElement(self.open[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in _VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ET.SubElement(self.open[-1], tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.open[-1]
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def _tree(chapter_html: str) -> ET.Element:
    builder = _TreeBuilder()
    builder.feed(chapter_html)
    builder.close()
    return builder.root


def _inline(element: ET.Element) -> str:
    """An element's text as reportlab paragraph markup (bold, italic; links as text)."""
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        if child.tag == "img":
            pass
        elif child.tag == "br":
            parts.append("<br/>")
        else:
            inner = _inline(child)
            tag = _INLINE.get(child.tag)
            parts.append(f"<{tag}>{inner}</{tag}>" if tag else inner)
        parts.append(html.escape(child.tail or "", quote=False))
    return nfc(" ".join("".join(parts).split()))


class _Builder:
    """Turns the guide's elements into the manual's story."""

    def __init__(self, guide: Guide, styles: ManualStyles, width: float, height: float) -> None:
        self.guide = guide
        self.styles = styles
        self.width = width
        self.height = height
        self.story: list[Flowable] = []

    def chapter(self, chapter_html: str) -> None:
        self.story.append(PageBreak())
        for element in _tree(chapter_html):
            self.block(element)

    def block(self, element: ET.Element) -> None:
        tag = element.tag
        if tag in ("h1", "h2", "h3", "h4"):
            level = min(int(tag[1]), 3)
            if level > 1:
                self.story.append(CondPageBreak(40 * mm))
            words = _inline(element)
            anchor = element.get("id") or f"h{len(self.story)}"
            self.story.append(Heading(words, self.styles.headings[level], level, anchor))
        elif tag == "p":
            self.paragraph(element)
        elif tag in ("ol", "ul"):
            self.items(element, numbered=tag == "ol", depth=0)
        elif tag == "table":
            self.table(element)
        elif tag == "hr":
            self.story.append(Spacer(1, 4 * mm))
        elif tag == "div":
            for child in element:
                self.block(child)
        else:
            self.story.append(Paragraph(_inline(element), self.styles.body))

    def paragraph(self, element: ET.Element) -> None:
        for image in element.iter("img"):
            self.picture(image)
        words = _inline(element)
        if words:
            self.story.append(Paragraph(words, self.styles.body))

    def picture(self, image: ET.Element) -> None:
        path = (self.guide.folder / (image.get("src") or "")).resolve()
        if not path.is_file():
            return
        picture = Image(str(path))
        scale = min(
            1.0,
            self.width / picture.imageWidth,
            self.height * PICTURE_HEIGHT / picture.imageHeight,
        )
        picture.drawWidth = picture.imageWidth * scale
        picture.drawHeight = picture.imageHeight * scale
        picture.hAlign = "CENTER"
        caption = nfc(html.escape(image.get("alt") or "", quote=False))
        flowables: list[Flowable] = [Spacer(1, 2 * mm), picture]
        if caption:
            flowables.append(Paragraph(caption, self.styles.caption))
        self.story.append(KeepTogether(flowables))

    def items(self, element: ET.Element, *, numbered: bool, depth: int) -> None:
        start = int(element.get("start") or 1)
        indent = 8 * mm * (depth + 1)
        style = ParagraphStyle(
            f"manual-item-{depth}",
            parent=self.styles.item,
            leftIndent=indent,
            bulletIndent=indent - 6 * mm,
        )
        for number, item in enumerate(element.findall("li"), start=start):
            bullet = f"{number}." if numbered else "•"
            nested = [child for child in item if child.tag in ("ol", "ul")]
            paragraphs = [child for child in item if child.tag == "p"]
            if paragraphs:
                words = " ".join(_inline(p) for p in paragraphs)
            else:
                shallow = ET.Element("li")
                shallow.text = item.text
                shallow.extend(child for child in item if child.tag not in ("ol", "ul"))
                words = _inline(shallow)
            self.story.append(Paragraph(words, style, bulletText=bullet))
            for child in item:
                if child.tag not in ("ol", "ul"):
                    for image in [child] if child.tag == "img" else child.iter("img"):
                        self.picture(image)
            for sub in nested:
                self.items(sub, numbered=sub.tag == "ol", depth=depth + 1)

    def table(self, element: ET.Element) -> None:
        rows: list[list[Paragraph]] = []
        for row in element.iter("tr"):
            cells = [cell for cell in row if cell.tag in ("th", "td")]
            rows.append(
                [
                    Paragraph(
                        _inline(cell),
                        self.styles.cell_head if cell.tag == "th" else self.styles.cell,
                    )
                    for cell in cells
                ]
            )
        if not rows:
            return
        columns = max(len(row) for row in rows)
        widths = [self.width / columns] * columns
        table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.story.extend([table, Spacer(1, 4 * mm)])


def manual_story(guide: Guide, width: float, height: float) -> list[Flowable]:
    """The title page, the contents and every chapter."""
    styles = manual_styles()
    contents = TableOfContents(
        levelStyles=styles.toc_levels,
        dotsMinLevel=0,
        # Without a font of its own the contents' table would pull in Helvetica, unembedded.
        tableStyle=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    story: list[Flowable] = [
        Spacer(1, height * 0.3),
        Paragraph(TITLE, styles.title),
        Paragraph(SUBTITLE, styles.subtitle),
        PageBreak(),
        Paragraph(CONTENTS, styles.contents),
        contents,
    ]
    builder = _Builder(guide, styles, width, height)
    for chapter in guide.chapters:
        builder.chapter(chapter.html)
    return story + builder.story


def write_manual(path: Path, guide: Guide | None = None) -> Path:
    """Write the guide (the installed one by default) to ``path`` as an A4 PDF.

    Written whole, into a folder that exists (:func:`app.printing.layout.build_pdf`).
    """
    width = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT
    height = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM
    return build_pdf(
        path,
        manual_story(guide or installed_guide(), width, height),
        title=DOCUMENT_TITLE,
        author="Thi Đua",
        subject=SUBTITLE,
        document=ManualTemplate,
        passes=True,
    )

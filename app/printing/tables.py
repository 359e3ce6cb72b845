"""Ruled tables whose header row repeats on every page they span.

Cells are paragraphs, so long Vietnamese text wraps; a figure or a word is
never broken inside a cell: a figure column takes the room its widest figure
needs from the text columns, and only a figure longer still shrinks its own
cell's type. Rows that surely fit on a page are kept together with their
group heading; only a table holding a row taller than a page splits inside
rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

from app.printing.fonts import REGULAR
from app.printing.typesetting import cell_markup, cell_para, frame_width, styles, text


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
    value starts a new line, and text after a ``"\x1f"`` is set in italics
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
    widths = _room_for_figures(
        widths, columns, [r for i, r in enumerate(rows) if i not in groups], plain
    )
    data: list[list[Any]] = [[cell_para(c.heading, head) for c in columns]]
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
            cells: list[Any] = [cell_markup(f"<b>{text(code)}</b>", aligned["center"])]
            cells.append(cell_markup(f"<i>{text(label)}</i>", plain))
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
        lines = _lines(value, style.fontName, style.fontSize, max(width - 6, 10.0))
        tallest = max(tallest, lines * style.leading)
    return tallest


#: Cell texts measured, kept: a batch's forms repeat most of theirs.
_KEPT = 4096


@lru_cache(maxsize=_KEPT)
def _lines(value: str, font: str, size: float, room: float) -> int:
    """How many lines ``value`` takes in ``room`` points, at least (its words unbroken)."""
    return sum(
        max(1, math.ceil(stringWidth(line, font, size) / room))
        for line in value.replace("\x1f", "\n").split("\n")
    )


@lru_cache(maxsize=_KEPT)
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
    return _smaller(style, style.fontSize * room / widest)


@lru_cache(maxsize=256)
def _smaller(style: ParagraphStyle, size: float) -> ParagraphStyle:
    """``style`` at ``size`` points, the same style each time (its cells are then the
    same paragraphs, :func:`app.printing.typesetting.cell_markup`)."""
    if size < MIN_FITTED_SIZE:
        # Not a figure but a run of letters no cell can hold (validation allows a
        # 4,000-character word): break it across lines at the usual size.
        return ParagraphStyle(f"{style.name}-split", parent=style, splitLongWords=1)
    return ParagraphStyle(
        f"{style.name}-{size:.2f}", parent=style, fontSize=size, leading=size * 1.18
    )


#: Cell padding left and right (see the table style), and a hair for rounding.
_PADDING = 3 + 3 + 1


def _room_for_figures(
    widths: list[float],
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    style: ParagraphStyle,
) -> list[float]:
    """Widths with each figure column (right-aligned) as wide as its widest figure,
    the room taken from the text columns (left-aligned, which wrap), none of them
    below half its width: a figure prints at the table's size, not shrunk."""
    needed = list(widths)
    for index, column in enumerate(columns):
        if column.align != "right":
            continue
        words = [
            w
            for row in rows
            if index < len(row) and isinstance(row[index], str)
            for w in re.split(r"[ \t\n\x1f]+", row[index])
            if w
        ]
        widest = max((stringWidth(w, style.fontName, style.fontSize) for w in words), default=0)
        needed[index] = max(widths[index], widest + _PADDING)
    deficit = sum(needed) - sum(widths)
    if deficit <= 0:
        return widths
    text_columns = [i for i, c in enumerate(columns) if c.align == "left"]
    spare = sum(widths[i] / 2 for i in text_columns)
    if not text_columns or spare <= 0:
        return widths
    taken = min(deficit, spare)
    for i in text_columns:
        needed[i] = widths[i] - taken * (widths[i] / 2) / spare
    if taken < deficit:  # not all figures fit: share what there is
        figure_columns = [i for i, c in enumerate(columns) if needed[i] > widths[i]]
        extra = sum(needed[i] - widths[i] for i in figure_columns)
        for i in figure_columns:
            needed[i] = widths[i] + (needed[i] - widths[i]) * taken / extra
    return needed


def _cell(value: str, style: ParagraphStyle, room: float) -> Paragraph:
    style = _fitted(value, style, room)
    if "\n" not in value and "\x1f" not in value:
        return cell_para(value, style)
    main, _sep, small = value.partition("\x1f")
    content = "<br/>".join(text(line) for line in main.split("\n"))
    if small:
        # The arithmetic under a figure is a figure too: the cell's size (a form's
        # figures are never below its table size), in italics to set it apart.
        lines = "<br/>".join(text(line) for line in small.split("\n"))
        content += f"<br/><i>{lines}</i>"
    return cell_markup(content, style)

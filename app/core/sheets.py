"""One guarded way to read a workbook someone sent: limits first, then cells.

A 5 KB workbook can declare a million rows, a 1.5 MB shared-strings part can
unpack to gigabytes, and a damaged cell can make openpyxl raise anything from
``KeyError`` to ``IndexError``. :func:`read_rows` reads the file as a regular
file of bounded size, checks the zip's parts (count and unpacked sizes)
before any XML is parsed, reads only the columns asked for and stops at a
row limit, and turns every failure into an :class:`~app.core.errors.InputError`
in the user's language. Cell values come back as they are (text, numbers,
dates); a NaN or an infinite number is refused with its row and column.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.errors import N_, InputError, UserError
from app.core.files import display_name, read_limited
from app.core.text import FORMULA_START

#: A filled template or a province's roster is well under these.
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
MAX_PARTS = 300
MAX_UNPACKED_BYTES = 120 * 1024 * 1024
MAX_PART_BYTES = 60 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024

NOT_A_WORKBOOK = N_("The file is not an Excel workbook (.xlsx) that can be read.")


@dataclass
class SheetFonts:
    """Filled by :func:`read_rows` when asked: the sheet's name and each cell's font name."""

    sheet: str = ""
    #: One list per row read, one font name (or None) per cell.
    rows: list[list[str | None]] = field(default_factory=list)


@dataclass(frozen=True)
class CellProblem:
    """A cell that cannot be a value: 1-based row and column, English msgid."""

    row: int
    column: int
    message: str


def _check_parts(data: bytes, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputError(NOT_A_WORKBOOK, detail=name) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise InputError(
                N_("The workbook has too many parts ({count}) to be read."),
                params={"count": len(infos)},
                detail=name,
            )
        total = 0
        for info in infos:
            total += info.file_size
            limit = (
                MAX_SHARED_STRINGS_BYTES
                if info.filename.lower().endswith("sharedstrings.xml")
                else MAX_PART_BYTES
            )
            if info.file_size > limit or total > MAX_UNPACKED_BYTES:
                raise InputError(
                    N_("The workbook is too large once unpacked to be read."), detail=name
                )


#: A row holding more cells than this is not a table anyone typed (a 58 KB file of
#: one row of 14 million empty cells made openpyxl use 4.6 GB to read that row).
MAX_CELLS_PER_ROW = 2000
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s/>]")


def _check_cells(data: bytes, name: str, max_cells: int) -> None:
    """Count the cells of every worksheet before openpyxl builds them."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.lower().startswith("xl/worksheets/"):
                continue
            try:
                xml = archive.read(info)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                raise InputError(NOT_A_WORKBOOK, detail=name) from exc
            in_row = total = 0
            for match in _ROW_OR_CELL.finditer(xml):
                if match.group(1) == b"row":
                    in_row = 0
                    continue
                in_row += 1
                total += 1
                if in_row > MAX_CELLS_PER_ROW or total > max_cells:
                    raise InputError(
                        N_("The workbook holds far more cells than a sheet of this kind."),
                        detail=name,
                    )


def read_rows(
    path: Path,
    *,
    columns: int,
    max_rows: int,
    first_row: int = 1,
    sheet: Callable[[Any], Any] | None = None,
    meta: Callable[[Any], None] | None = None,
    fonts: SheetFonts | None = None,
) -> tuple[list[list[Any]], list[CellProblem]]:
    """The rows (``first_row`` on) of a workbook's sheet, ``columns`` cells each.

    ``sheet`` picks the worksheet from the open workbook (default the first);
    ``meta`` may look at the workbook before its rows are read (a template's
    hidden sheet) and raise to refuse it. More than ``max_rows`` rows is
    refused. Cells holding NaN or infinity are reported as problems (and read
    as None). Trailing blank rows are left out. ``fonts``, when given, receives
    the sheet's name and the font name of every cell read (a legacy font such as
    ``.VnTime`` tells the encoding of its text). Raises :class:`InputError`
    for anything that is not a readable workbook within the limits.
    """
    name = display_name(path.name)
    data = read_limited(path, MAX_WORKBOOK_BYTES)
    _check_parts(data, name)
    _check_cells(data, name, max_cells=max_rows * max(columns, 1) * 3 + 100_000)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UserError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(NOT_A_WORKBOOK, detail=name) from exc
    rows: list[list[Any]] = []
    problems: list[CellProblem] = []
    filled = 0
    try:
        if meta is not None:
            meta(workbook)
        worksheet = sheet(workbook) if sheet is not None else workbook.worksheets[0]
        # The declared <dimension> may claim a million rows in a 5 KB file, or be
        # missing: read only the rows the sheet really holds.
        worksheet.reset_dimensions()
        if fonts is not None:
            fonts.sheet = str(worksheet.title)
        for number, read in enumerate(
            worksheet.iter_rows(min_row=first_row, max_col=columns, values_only=fonts is None),
            start=first_row,
        ):
            values = read if fonts is None else tuple(cell.value for cell in read)
            if fonts is not None:
                fonts.rows.append([_font_name(cell) for cell in read[:columns]])
            cells = list(values[:columns]) + [None] * (columns - len(values))
            blank = all(v is None or (isinstance(v, str) and not v.strip()) for v in cells)
            filled += not blank
            # Blank rows (formatting carried down a sheet) cost little but are bounded too.
            if filled > max_rows or len(rows) >= max_rows * 10 + 1000:
                raise InputError(
                    N_("The sheet has more than {limit} rows."),
                    params={"limit": max_rows},
                    detail=name,
                )
            for column, value in enumerate(cells, start=1):
                if isinstance(value, float) and not math.isfinite(value):
                    problems.append(
                        CellProblem(number, column, N_("the cell holds no valid number"))
                    )
                    cells[column - 1] = None
            rows.append(cells)
    except UserError:
        raise
    except Exception as exc:  # a damaged sheet fails lazily, while its rows are read
        raise InputError(NOT_A_WORKBOOK, detail=name) from exc
    finally:
        workbook.close()
    while rows and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[-1]):
        rows.pop()
    return rows, problems


def _font_name(cell: Any) -> str | None:
    font = getattr(cell, "font", None)
    name = getattr(font, "name", None)
    return name if isinstance(name, str) else None


def put(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write ``value`` into a cell as data, never as a formula.

    openpyxl makes any text starting with ``=`` a formula; text is stored as a
    string cell instead (with Excel's quote prefix, so editing it keeps it
    text), and characters an .xlsx file cannot hold are dropped. Formulas the
    application means are written by their own code, not through here.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    return cell


__all__ = [
    "MAX_WORKBOOK_BYTES",
    "NOT_A_WORKBOOK",
    "CellProblem",
    "SheetFonts",
    "put",
    "read_rows",
]

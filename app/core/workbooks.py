"""Excel workbooks the application writes: saved whole, printed alike.

- :func:`save_workbook` is the one way a workbook reaches the disk: it is
  written to a temporary file beside the target and renamed over it
  (:func:`app.core.files.write_atomically`, with the output-path checks of
  :func:`app.core.files.check_output`). A target that cannot be replaced —
  open in Excel (Windows locks it), in a folder that cannot be written to, on
  a full disk — is an :class:`~app.core.errors.InputError` saying so, and the
  file that was there stays as it was.
- :func:`print_setup` gives a sheet its printed page: A4 landscape, one page
  wide, the margins of Nghị định 30/2020, headings on every page.
- :class:`WorkbookExport` says what an export wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import N_, InputError
from app.core.files import display_name, write_atomically

#: Counts and VND.
COUNT_FORMAT = "#,##0"

# Nghị định 30/2020 margins, in inches as Excel stores them.
_MM = 1 / 25.4
MARGINS = {"left": 30 * _MM, "right": 15 * _MM, "top": 20 * _MM, "bottom": 20 * _MM}


@dataclass(frozen=True)
class WorkbookExport:
    """What was written: the file, its sheets and its data rows."""

    path: Path
    sheets: tuple[str, ...]
    rows: int


def save_workbook(workbook: Any, path: Path | str) -> Path:
    """Save an openpyxl ``workbook`` at ``path``: all of it or nothing.

    Raises :class:`InputError` for a path :func:`app.core.files.check_output`
    refuses, and for a workbook that cannot be written there; the file that
    was at ``path`` is then left as it was.
    """
    try:
        return write_atomically(path, workbook.save)
    except OSError as exc:
        raise InputError(
            N_("The workbook cannot be written to {path}; if it is open, close it and try again."),
            params={"path": display_name(path)},
            detail=exc.strerror or str(exc),
        ) from exc


def print_setup(sheet: Any, title_rows: str) -> None:
    """A4 landscape, one page wide, headings repeated on every page, page numbers."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.page_margins.left = MARGINS["left"]
    sheet.page_margins.right = MARGINS["right"]
    sheet.page_margins.top = MARGINS["top"]
    sheet.page_margins.bottom = MARGINS["bottom"]
    sheet.page_margins.header = 0.3
    sheet.page_margins.footer = 0.3
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.print_options.horizontalCentered = True


__all__ = ["COUNT_FORMAT", "MARGINS", "WorkbookExport", "print_setup", "save_workbook"]

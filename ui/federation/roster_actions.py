"""The file dialogs of the roster page's workbooks (import, export, empty template).

They know nothing of the page: each takes its parent and what to do with the path chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.core.errors import N_
from app.core.i18n import gettext as _

from ui.widgets.dialogs import file_dialog

#: Workbooks only.
XLSX = N_("Excel workbooks (*.xlsx)")


def ask_import(parent: QWidget, chosen: Callable[[Path], None]) -> None:
    file_dialog(
        parent,
        name="roster-workbook",
        title=_("Roster workbook to import"),
        mode=QFileDialog.FileMode.ExistingFile,
        name_filter=_(XLSX),
        on_chosen=lambda paths: chosen(paths[0]),
    )


def ask_export(parent: QWidget, year: int, chosen: Callable[[Path], None]) -> None:
    file_dialog(
        parent,
        name="roster-export",
        title=_("Save the roster as Excel"),
        mode=QFileDialog.FileMode.AnyFile,
        save=True,
        name_filter=_(XLSX),
        suggested=f"danh-sach-don-vi-{year}.xlsx",
        on_chosen=lambda paths: chosen(paths[0]),
    )


def ask_template(parent: QWidget, chosen: Callable[[Path], None]) -> None:
    file_dialog(
        parent,
        name="roster-template",
        title=_("Save an empty roster template"),
        mode=QFileDialog.FileMode.AnyFile,
        save=True,
        name_filter=_(XLSX),
        suggested="mau-danh-sach-don-vi.xlsx",
        on_chosen=lambda paths: chosen(paths[0]),
    )

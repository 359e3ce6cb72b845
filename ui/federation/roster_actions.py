"""What the roster page opens for the selected unit (its report history, entry on its
behalf) and the file dialogs of its workbooks (import, export, empty template)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from app.core.errors import N_
from app.core.i18n import gettext as _

from ui.federation.entry_dialog import EntryDialog
from ui.federation.history_dialog import UnitHistoryDialog, show_unit_history
from ui.widgets.dialogs import file_dialog

if TYPE_CHECKING:
    from ui.federation.roster_page import RosterPage

#: Workbooks only.
XLSX = N_("Excel workbooks (*.xlsx)")


def open_entry(page: RosterPage) -> EntryDialog | None:
    """Enter the selected unit's reports on its behalf (the newest plan)."""
    unit = page.selected_unit()
    if unit is None or not unit.code:
        return None
    dialog = EntryDialog(page.context, page.runner, unit.code, parent=page)
    dialog.saved.connect(lambda _text: page.data_changed.emit())
    dialog.open()
    page.entry_shown.emit(dialog)
    return dialog


def open_history(page: RosterPage) -> UnitHistoryDialog | None:
    """The selected unit's report history."""
    unit = page.selected_unit()
    if unit is None or not unit.code:
        return None
    dialog = show_unit_history(page, page.context, page.runner, unit.code)
    page.history_shown.emit(dialog)
    return dialog


def ask_import(page: RosterPage) -> None:
    file_dialog(
        page,
        name="roster-workbook",
        title=_("Roster workbook to import"),
        mode=QFileDialog.FileMode.ExistingFile,
        name_filter=_(XLSX),
        on_chosen=lambda paths: page.import_workbook(paths[0]),
    )


def ask_export(page: RosterPage) -> None:
    file_dialog(
        page,
        name="roster-export",
        title=_("Save the roster as Excel"),
        mode=QFileDialog.FileMode.AnyFile,
        save=True,
        name_filter=_(XLSX),
        suggested=f"danh-sach-don-vi-{page.year}.xlsx",
        on_chosen=lambda paths: page.export_workbook(paths[0]),
    )


def ask_template(page: RosterPage) -> None:
    file_dialog(
        page,
        name="roster-template",
        title=_("Save an empty roster template"),
        mode=QFileDialog.FileMode.AnyFile,
        save=True,
        name_filter=_(XLSX),
        suggested="mau-danh-sach-don-vi.xlsx",
        on_chosen=lambda paths: page.write_template(paths[0]),
    )

"""Before an Excel import changes anything: what it would change, old → new.

The workbook carries values and notes; the dialog lists every indicator whose
saved value would change, beside the value in the file, says that nothing
else is touched (movements, titles, works, signer), lists the cells typed in
an old Vietnamese font (converted, or left as they were and why), and imports
only when the chair confirms. The import is then one step of the tab's undo.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core import domain, figures
from app.core.i18n import gettext as _
from app.core.legacy_repair import LegacyReport
from app.unit import ValueChange

from ui.widgets.help import anchor_at
from ui.widgets.legacy_cells import LegacyCellsBox
from ui.widgets.screen_fit import fit_to_screen


class Preview(Protocol):
    """A workbook read and what it would change (the unit's import, or the federation's
    entry of a unit's workbook on its behalf)."""

    @property
    def path(self) -> Path: ...

    @property
    def stream(self) -> str: ...

    @property
    def changes(self) -> Sequence[ValueChange]: ...

    @property
    def legacy(self) -> LegacyReport: ...


class PreviewColumn(IntEnum):
    CODE = 0
    TITLE = 1
    OLD = 2
    NEW = 3

    def header(self) -> str:
        return {
            PreviewColumn.CODE: _("Code"),
            PreviewColumn.TITLE: _("Indicator"),
            PreviewColumn.OLD: _("Saved now"),
            PreviewColumn.NEW: _("In the workbook"),
        }[self]


def _shown(plan: domain.Plan, code: str, value: domain.UnitValue | None) -> str:
    if value is None:
        return "—"
    text = figures.value_text(plan, plan.indicator(code), value) or "—"
    return f"{text} ({value.note})" if value.note else text


class ImportPreviewDialog(QDialog):
    """What importing a workbook would change; OK imports, Cancel changes nothing."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "unit-registration"

    def current_help_anchor(self) -> str:
        """At the federation, opened from an entry on a unit's behalf: that section."""
        parent = self.parentWidget()
        return "fed-entry" if parent is not None and anchor_at(parent) == "fed-entry" else ""

    def __init__(
        self,
        plan: domain.Plan,
        preview: Preview,
        stream_label: Callable[[str], str],
        parent: QWidget | None = None,
        *,
        intro_text: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("import-preview")
        self.preview = preview
        self.setWindowTitle(_("Import from Excel: what changes"))
        intro = QLabel(
            (
                intro_text
                or _(
                    "The workbook {name} ({what}) changes {count} values. Only values and "
                    "notes come from a workbook: the movements, titles, works and the signer "
                    "stay as they are, and a cell left empty keeps what is saved. You can "
                    "undo the import afterwards (Ctrl+Z)."
                )
            ).format(
                name=preview.path.name,
                what=stream_label(preview.stream),
                count=len(preview.changes),
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(preview.changes), len(PreviewColumn))
        self.table.setObjectName("import-preview-table")
        self.table.setHorizontalHeaderLabels([c.header() for c in PreviewColumn])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(PreviewColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(PreviewColumn.CODE, 60)
        self.table.setColumnWidth(PreviewColumn.OLD, 170)
        self.table.setColumnWidth(PreviewColumn.NEW, 170)
        for row, change in enumerate(preview.changes):
            cells: dict[PreviewColumn, Any] = {
                PreviewColumn.CODE: change.code,
                PreviewColumn.TITLE: change.title,
                PreviewColumn.OLD: _shown(plan, change.code, change.old),
                PreviewColumn.NEW: _shown(plan, change.code, change.new),
            }
            for column, text in cells.items():
                item = QTableWidgetItem(str(text))
                if column in (PreviewColumn.OLD, PreviewColumn.NEW):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        self.legacy = LegacyCellsBox(preview.legacy)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Import {count} values").format(count=len(preview.changes)))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        if preview.legacy.converted or preview.legacy.left:
            layout.addWidget(self.legacy)
        else:
            self.legacy.hide()
        layout.addWidget(self.buttons)
        fit_to_screen(self, 820, 460)


__all__ = ["ImportPreviewDialog", "Preview", "PreviewColumn"]

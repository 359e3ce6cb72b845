"""The cells of an imported workbook typed in an old Vietnamese font, listed.

One box for every import preview: how many cells were converted from TCVN3
or VNI and how many were left as they were, then one line per cell (sheet and
cell, as typed, as read or why it was left).
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtWidgets import (
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.core.legacy_repair import LegacyReport


class LegacyColumn(IntEnum):
    CELL = 0
    TYPED = 1
    READ = 2

    def header(self) -> str:
        return {
            LegacyColumn.CELL: _("Cell"),
            LegacyColumn.TYPED: _("As typed"),
            LegacyColumn.READ: _("Read as"),
        }[self]


def legacy_summary(report: LegacyReport) -> str:
    """ "3 cells converted from an old font (TCVN3: 2, VNI: 1); 1 left as it was."."""
    counts = ", ".join(f"{name}: {count}" for name, count in sorted(report.counts.items()))
    return _(
        "{converted} cells converted from an old Vietnamese font ({counts}); "
        "{left} cells that may be in an old font left as they were."
    ).format(converted=len(report.converted), counts=counts or "—", left=len(report.left))


class LegacyCellsBox(QGroupBox):
    """Every cell converted from a legacy font, then every cell left as it was."""

    def __init__(self, report: LegacyReport, parent: QWidget | None = None) -> None:
        super().__init__(_("Cells typed in an old Vietnamese font"), parent)
        self.setObjectName("legacy-cells")
        self.summary = QLabel(legacy_summary(report))
        self.summary.setObjectName("legacy-summary")
        self.summary.setWordWrap(True)
        cells = [*report.converted, *report.left]
        self.table = QTableWidget(len(cells), len(LegacyColumn))
        self.table.setObjectName("legacy-cells-table")
        self.table.setHorizontalHeaderLabels([c.header() for c in LegacyColumn])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(
            LegacyColumn.READ, QHeaderView.ResizeMode.Stretch
        )
        self.table.setColumnWidth(LegacyColumn.CELL, 110)
        self.table.setColumnWidth(LegacyColumn.TYPED, 200)
        for row, cell in enumerate(cells):
            read = (
                _("{text} (from {encoding})").format(text=cell.after, encoding=cell.encoding.value)
                if cell.encoding is not None
                else cell.translated_reason()
            )
            texts = {
                LegacyColumn.CELL: f"{cell.sheet}!{cell.cell}" if cell.sheet else cell.cell,
                LegacyColumn.TYPED: cell.before,
                LegacyColumn.READ: read,
            }
            for column, text in texts.items():
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        self.table.setMaximumHeight(160)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)


__all__ = ["LegacyCellsBox", "LegacyColumn", "legacy_summary"]

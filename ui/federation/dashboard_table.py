"""The dashboard's targets table: the view, and its columns sized after each refresh.

Figures are shown whole; the indicator's title takes the width left over, but never
less than :data:`INDICATOR_CHARS` characters (:class:`ui.widgets.leftover_column.
LeftoverColumn`): on a narrow window (below ~1100 pixels, or at 125%) a stretched
column was squeezed to "…"; now the table scrolls sideways.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHeaderView, QWidget

from ui.federation.common import fit_width
from ui.federation.dashboard_models import FIRST_STREAM_COLUMN, DashboardColumn, DashboardModel
from ui.widgets.leftover_column import LeftoverColumn
from ui.widgets.placeholder_table import PlaceholderTable

#: The indicator's title keeps room for about this many characters.
INDICATOR_CHARS = 30


class TargetsTable(PlaceholderTable):
    """The targets with their figures per stream (:class:`DashboardModel`); until they
    come, what it waits for (:meth:`set_placeholder`)."""

    def __init__(self, model: DashboardModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard-table")
        self.setModel(model)
        self._model = model
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._size_rows()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.indicator = LeftoverColumn(self, DashboardColumn.INDICATOR, INDICATOR_CHARS)

    def _size_rows(self) -> None:
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # Ctrl++: the rows grow with the text
            self._size_rows()

    def size_columns(self) -> None:
        """Codes and counts narrow, each figure as wide as its title and widest value
        ("950.000.000 đ" is never cut), the indicator the rest (see the module docstring)."""
        model = self._model
        self.setColumnWidth(DashboardColumn.CODE, fit_width(self, ["9a.2"]))
        self.setColumnWidth(DashboardColumn.TARGET, fit_width(self, ["x" * 28]))
        units = str(model.headerData(DashboardColumn.UNITS, Qt.Orientation.Horizontal))
        self.setColumnWidth(DashboardColumn.UNITS, fit_width(self, [units, "0.000"]))
        for column in range(FIRST_STREAM_COLUMN, model.columnCount()):
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            figures = [
                str(model.index(row, column).data() or "") for row in range(model.rowCount())
            ]
            width = fit_width(self, [*title.split("\n"), *figures]) + 12
            self.setColumnWidth(column, max(75, width))
        self.indicator.fit()


__all__ = ["INDICATOR_CHARS", "TargetsTable"]

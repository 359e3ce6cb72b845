"""A table column that takes the width the others leave, but never less than a number of
characters: a stretched column was squeezed to "…" on a narrow window (1366×768 at 125%);
with this one the table scrolls sideways instead."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView


class LeftoverColumn(QObject):
    """Column ``column`` of ``view`` kept as wide as the room left, at least ``chars``
    average characters; :meth:`fit` again after the other columns are sized. The
    header's sections are to be ``Interactive`` (the default); it stretches none."""

    def __init__(self, view: QTableView, column: int, chars: int) -> None:
        super().__init__(view)
        self._view = view
        self.column = column
        self.chars = chars
        view.horizontalHeader().setStretchLastSection(False)
        view.viewport().installEventFilter(self)

    def minimum(self) -> int:
        """The narrowest the column is made, in pixels of the view's font."""
        return self._view.fontMetrics().averageCharWidth() * self.chars

    def fit(self) -> None:
        view = self._view
        model = view.model()
        count = model.columnCount() if model is not None else 0
        others = sum(
            view.columnWidth(column)
            for column in range(count)
            if column != self.column and not view.isColumnHidden(column)
        )
        view.setColumnWidth(self.column, max(self.minimum(), view.viewport().width() - others))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


__all__ = ["LeftoverColumn"]

"""A table that says why it is empty.

An empty grid reads as "no data": while its rows are being computed (or could not
be), the table says so at its top instead (:meth:`PlaceholderTable.set_placeholder`),
as line edits show their placeholder text. The text is painted only while the model
has no rows, so figures arriving replace it without another call.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QTableView, QWidget


class PlaceholderTable(QTableView):
    """A :class:`QTableView` showing :meth:`placeholder` while its model is empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = ""

    def placeholder(self) -> str:
        """The text shown while the table has no rows ("" for none)."""
        return self._placeholder

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.viewport().update()

    def showing_placeholder(self) -> bool:
        """True when the placeholder is what the table shows (set, and no rows)."""
        model = self.model()
        return bool(self._placeholder) and (model is None or model.rowCount() == 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.showing_placeholder():
            return
        painter = QPainter(self.viewport())
        line = self.fontMetrics().height()
        area = self.viewport().rect().adjusted(line, 2 * line, -line, -line)
        painter.setPen(self.palette().color(self.palette().ColorRole.Text))
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(area, int(flags), self._placeholder)
        painter.end()


__all__ = ["PlaceholderTable"]

"""A list of units for a combo box, narrowed by what is typed in a search box.

A province lists 2,000 units and a country 126,000: scrolling a combo box through them
is no way to find one. The words typed match as every search box matches
(:func:`app.core.text.found`: any order, diacritics optional), on the code and the
name; the combo box keeps the chosen unit while it is still listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from app.core.text import fold, found, search_words

#: (label shown, code, label folded).
UnitRow = tuple[str, str, str]


def unit_rows(units: Iterable[tuple[str, str]]) -> list[UnitRow]:
    """Each (label, code) with its label folded: done once, on the worker for a country."""
    return [(label, code, fold(label)) for label, code in units]


class UnitListModel(QAbstractListModel):
    """Units as "code — name" (the code as ``Qt.UserRole``), the search's matches only."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[UnitRow] = []
        self._shown: list[UnitRow] = []
        self._words: tuple[str, ...] = ()

    def set_units(self, rows: Sequence[UnitRow]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._shown = self._matching()
        self.endResetModel()

    def narrow(self, text: str) -> None:
        """List only the units the words of ``text`` find (all for none)."""
        words = search_words(text)
        if words == self._words:
            return
        self.beginResetModel()
        self._words = words
        self._shown = self._matching()
        self.endResetModel()

    def _matching(self) -> list[UnitRow]:
        words = self._words
        if not words:
            return self._all
        return [row for row in self._all if found(words, row[2])]

    def row_of(self, code: str) -> int:
        """The row listing ``code``, -1 when it is not listed."""
        for row, (_label, listed, _folded) in enumerate(self._shown):
            if listed == code:
                return row
        return -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        label, code, _folded = self._shown[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return label
        if role == Qt.ItemDataRole.UserRole:
            return code
        return None


def searchable(combo: QComboBox, search: QLineEdit) -> UnitListModel:
    """Give ``combo`` a :class:`UnitListModel` that ``search`` narrows; the unit chosen
    stays chosen while it is listed, else the first listed is (none: nothing chosen)."""
    model = UnitListModel(combo)
    combo.setModel(model)

    def narrow(text: str) -> None:
        chosen = combo.currentData()
        model.narrow(text)
        row = model.row_of(chosen) if isinstance(chosen, str) else -1
        combo.setCurrentIndex(row if row >= 0 else (0 if model.rowCount() else -1))

    search.textChanged.connect(narrow)
    return model

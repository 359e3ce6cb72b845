"""A combo box over typed Python values.

``QComboBox.currentData()`` hands back what Qt kept of the item's data: a
``StrEnum`` member comes back as a plain ``str``, so ``.value`` on it raised
in the first-run dialog ("'str' object has no attribute 'value'") on every
sector a new chair picked. :class:`ChoiceBox` keeps the values on the Python
side, by index, so :meth:`ChoiceBox.current` returns exactly what was put in:
an enum member, ``None``, a string.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from PySide6.QtWidgets import QComboBox, QWidget

T = TypeVar("T")


class ChoiceBox(QComboBox, Generic[T]):
    """A combo box whose entries are (label, value) pairs of one Python type."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: list[T] = []

    def set_choices(self, choices: Iterable[tuple[str, T]], current: T | None = None) -> None:
        """Replace the entries, keeping ``current`` (else the first) selected, silently."""
        self.blockSignals(True)
        self.clear()
        self._values = []
        for label, value in choices:
            self._values.append(value)
            self.addItem(label)
        self.setCurrentIndex(self.index_of(current) if current in self._values else 0)
        self.blockSignals(False)

    def values(self) -> list[T]:
        return list(self._values)

    def index_of(self, value: T | None) -> int:
        """The index of ``value`` (-1 when it is not a choice)."""
        for index, candidate in enumerate(self._values):
            if candidate == value:
                return index
        return -1

    def current(self) -> T:
        """The chosen value, exactly as it was given (an enum member stays one)."""
        index = self.currentIndex()
        if not 0 <= index < len(self._values):
            raise LookupError("the combo box has no choice")
        return self._values[index]

    def select(self, value: T | None) -> bool:
        """Choose ``value``; False (and nothing changed) when it is not a choice."""
        index = self.index_of(value)
        if index < 0:
            return False
        self.setCurrentIndex(index)
        return True

    def relabel(self, label: Callable[[T], str]) -> None:
        """Set each entry's text from its value (after a change of language)."""
        for index, value in enumerate(self._values):
            self.setItemText(index, label(value))


__all__ = ["ChoiceBox"]

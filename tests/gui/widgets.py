"""Reaching into windows and dialogs with their types: a dialog's standard button, a table's
cell, the context a main window opened. Each is asserted present, so a missing one
fails the test where it is looked up rather than as an attribute error further on."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QTableWidget, QTableWidgetItem, QWidget

from app.core.context import AppContext

from ui.shell.main_window import MainWindow


def standard_button(owner: QWidget, which: QDialogButtonBox.StandardButton) -> QPushButton:
    """The ``which`` button of the button box inside ``owner`` (a dialog)."""
    box = owner.findChild(QDialogButtonBox)
    assert isinstance(box, QDialogButtonBox)
    return box.button(which)


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item of ``table`` at ``row``, ``column`` (which must hold one)."""
    item = table.item(row, column)
    assert item is not None
    return item


def context_of(window: MainWindow) -> AppContext:
    """The database context ``window`` opened (it has started)."""
    ctx = window._ctx
    assert ctx is not None
    return ctx

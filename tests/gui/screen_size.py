"""What "fits the screen" means for every window and dialog: a 1366×768 screen less a
taskbar, at 100% and at 125% text (the ``scale`` fixture of tests/gui/conftest.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.widgets.screen_fit import available_size

#: The most common office laptop screen, less a 40-pixel taskbar.
SCREEN = (1366, 728)


def check(widget: QWidget, name: str) -> None:
    """``widget`` can be made to fit the screen, and is not opened larger than the room."""
    hint = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    assert hint.width() <= SCREEN[0] and hint.height() <= SCREEN[1], (name, hint.toTuple())
    room = available_size(widget)
    assert widget.width() <= max(room[0], hint.width()), (name, widget.size().toTuple())
    assert widget.height() <= max(room[1], hint.height()), (name, widget.size().toTuple())

"""What "fits the screen" means for every window and dialog: a 1366×768 screen less a
taskbar, at 100% and at 125% text (the ``scale`` fixture of tests/gui/conftest.py), and
at Windows display scaling 125% (``QT_SCALE_FACTOR=1.25``, tests/gui/test_windows_scaling.py
runs the fit tests so): the screen's physical pixels are then fewer logical ones."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QWidget

from ui.widgets.screen_fit import available_size

#: The most common office laptop screen, less a 40-pixel taskbar.
SCREEN = (1366, 728)


def screen_for(widget: QWidget) -> tuple[int, int]:
    """:data:`SCREEN` in the widget's logical pixels (fewer under display scaling)."""
    ratio = widget.devicePixelRatioF()
    factor = os.environ.get("QT_SCALE_FACTOR")
    assert factor is None or ratio == float(factor), "the display scaling asked is in force"
    return int(SCREEN[0] / ratio), int(SCREEN[1] / ratio)


def check(widget: QWidget, name: str) -> None:
    """``widget`` can be made to fit the screen, and is not opened larger than the room."""
    hint = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    width, height = screen_for(widget)
    fits = hint.width() <= width and hint.height() <= height
    assert fits, (name, hint.toTuple(), (width, height))
    room = available_size(widget)
    assert widget.width() <= max(room[0], hint.width()), (name, widget.size().toTuple())
    assert widget.height() <= max(room[1], hint.height()), (name, widget.size().toTuple())

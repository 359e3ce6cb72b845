"""Windows that fit the screen they open on (old office PCs: 1366×768).

``resize(900, 1000)`` put a preview's buttons below the bottom of a 768-pixel
screen. :func:`fit_to_screen` asks for a size but never more than the
available screen area (the taskbar and a title bar aside).
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: Room left for the window's title bar and frame, which ``availableGeometry`` includes.
FRAME = 40


def available_size(widget: QWidget) -> tuple[int, int]:
    """The width and height a top-level window may take on the widget's screen."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return 1366, 728
    area = screen.availableGeometry()
    return area.width(), area.height() - FRAME


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` × ``height``, shrunk to the available screen."""
    room_width, room_height = available_size(widget)
    widget.resize(
        max(widget.minimumSizeHint().width(), min(width, room_width)),
        max(widget.minimumSizeHint().height(), min(height, room_height)),
    )


__all__ = ["available_size", "fit_to_screen"]

"""The interface's fonts: the bundled ones registered, and the user's text size."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from app.core.paths import resource_dir

_base_point_size: float | None = None


def load_bundled_fonts() -> None:
    """Register the bundled fonts so a PC without them still shows Vietnamese."""
    fonts = resource_dir() / "fonts"
    if fonts.is_dir():
        for path in sorted(fonts.glob("*.ttf")):
            QFontDatabase.addApplicationFont(str(path))


def apply_font_scale(scale: float) -> None:
    """Enlarge or shrink the whole interface's text from the system size."""
    from PySide6.QtGui import QFont  # its enums cost ~5 ms: not before the first paint

    global _base_point_size
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    font = QFont(app.font())
    if _base_point_size is None:
        _base_point_size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    font.setPointSizeF(_base_point_size * scale)
    app.setFont(font)

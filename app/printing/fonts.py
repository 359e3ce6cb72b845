"""The printing font: Liberation Serif, registered once per process.

reportlab keeps registered fonts in a process-wide table, so registration is
idempotent and cheap after the first call (about 40 ms for the four faces).
Every text that reaches a PDF goes through :func:`app.core.text.nfc` first:
reportlab places the combining accents of decomposed (NFD) Vietnamese wrongly.
"""

from __future__ import annotations

import threading
from pathlib import Path

from app.core.paths import resource_dir

REGULAR = "LiberationSerif"
BOLD = "LiberationSerif-Bold"
ITALIC = "LiberationSerif-Italic"
BOLD_ITALIC = "LiberationSerif-BoldItalic"

_FILES = {
    REGULAR: "LiberationSerif-Regular.ttf",
    BOLD: "LiberationSerif-Bold.ttf",
    ITALIC: "LiberationSerif-Italic.ttf",
    BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}
_lock = threading.Lock()
_registered = False


def font_dir() -> Path:
    return resource_dir() / "fonts"


def register_fonts() -> str:
    """Register the four faces as one family (for ``<b>``/``<i>``); returns its name.

    TrueType fonts are always embedded (as subsets) by reportlab.
    """
    global _registered
    if _registered:
        return REGULAR
    with _lock:
        if not _registered:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            for name, file_name in _FILES.items():
                pdfmetrics.registerFont(TTFont(name, str(font_dir() / file_name)))
            pdfmetrics.registerFontFamily(
                REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
            )
            _registered = True
    return REGULAR

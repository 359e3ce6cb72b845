"""The printing font: Times New Roman where the system has it, Liberation Serif otherwise.

Nghị định 30/2020 names Times New Roman (Unicode, TCVN 6909:2001). Its licence forbids
bundling it, so it is looked for on the system: ``THIDUA_FONT_DIR`` (a folder holding
``times.ttf``, ``timesbd.ttf``, ``timesi.ttf``, ``timesbi.ttf``), then Windows' font
folder (always there), then the usual Linux and macOS folders. A face must cover
Vietnamese to be taken. Without all four faces the bundled Liberation Serif is used: it
has Times New Roman's metrics, so the pages break the same way. :func:`font_choice`
says which family prints (the print dialog and ``thidua-cli print --json`` show it).

The four faces are registered under fixed names (:data:`REGULAR` …) once per process and
again only if the choice changes; reportlab embeds each face (as a subset) under the
font's own PostScript name. Every text that reaches a PDF goes through
:func:`app.core.text.nfc` first: reportlab places the combining accents of decomposed
(NFD) Vietnamese wrongly.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from app.core.paths import resource_dir

REGULAR = "ThiDuaSerif"
BOLD = "ThiDuaSerif-Bold"
ITALIC = "ThiDuaSerif-Italic"
BOLD_ITALIC = "ThiDuaSerif-BoldItalic"

TIMES = "Times New Roman"
LIBERATION = "Liberation Serif"
#: The environment variable naming a folder that holds Times New Roman's four faces.
FONT_DIR_VARIABLE = "THIDUA_FONT_DIR"

_LIBERATION_FILES = {
    REGULAR: "LiberationSerif-Regular.ttf",
    BOLD: "LiberationSerif-Bold.ttf",
    ITALIC: "LiberationSerif-Italic.ttf",
    BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}
#: File names each face goes by (Windows and msttcorefonts; Debian's capitalised; macOS).
_TIMES_NAMES = {
    REGULAR: ("times.ttf", "Times_New_Roman.ttf", "Times New Roman.ttf"),
    BOLD: ("timesbd.ttf", "Times_New_Roman_Bold.ttf", "Times New Roman Bold.ttf"),
    ITALIC: ("timesi.ttf", "Times_New_Roman_Italic.ttf", "Times New Roman Italic.ttf"),
    BOLD_ITALIC: (
        "timesbi.ttf",
        "Times_New_Roman_Bold_Italic.ttf",
        "Times New Roman Bold Italic.ttf",
    ),
}
_SYSTEM_DIRS = (
    "/usr/share/fonts/truetype/msttcorefonts",
    "/usr/share/fonts/msttcore",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype/times",
    "/Library/Fonts",
    "/System/Library/Fonts/Supplemental",
)
#: Letters a face must have to print Vietnamese.
_VIETNAMESE_PROBE = "ĐđƯưƠơẠạẶặỮữỹ"

_lock = threading.Lock()
_registered: FontChoice | None = None


@dataclass(frozen=True)
class FontChoice:
    """The family the forms print in and the file of each face."""

    family: str
    files: dict[str, Path]

    @property
    def is_times(self) -> bool:
        return self.family == TIMES


def font_dir() -> Path:
    """The bundled fonts (Liberation Serif)."""
    return resource_dir() / "fonts"


def _candidate_dirs() -> list[Path]:
    dirs: list[Path] = []
    override = os.environ.get(FONT_DIR_VARIABLE, "").strip()
    if override:
        dirs.append(Path(override))
    windows = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    if windows:
        dirs.append(Path(windows) / "Fonts")
    dirs += [Path(d) for d in _SYSTEM_DIRS]
    home = Path.home()
    dirs += [home / ".fonts", home / ".local/share/fonts", home / "Library/Fonts"]
    return dirs


def _covers_vietnamese(path: Path) -> bool:
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        face = TTFont("probe", str(path)).face
    except Exception:  # any unreadable file is simply not a candidate
        return False
    return all(ord(c) in face.charToGlyph for c in _VIETNAMESE_PROBE)


def _times_in(folder: Path) -> dict[str, Path] | None:
    if not folder.is_dir():
        return None
    found: dict[str, Path] = {}
    for face, names in _TIMES_NAMES.items():
        path = next((folder / n for n in names if (folder / n).is_file()), None)
        if path is None or not _covers_vietnamese(path):
            return None
        found[face] = path
    return found


def font_choice() -> FontChoice:
    """Times New Roman if all four faces are found (covering Vietnamese), else Liberation."""
    for folder in _candidate_dirs():
        files = _times_in(folder)
        if files is not None:
            return FontChoice(TIMES, files)
    return FontChoice(LIBERATION, {k: font_dir() / v for k, v in _LIBERATION_FILES.items()})


def register_fonts() -> FontChoice:
    """Register the chosen four faces as one family (for ``<b>``/``<i>``); returns the choice.

    The choice is made once per process; :func:`reset_fonts` makes it again.
    TrueType fonts are always embedded (as subsets) by reportlab.
    """
    global _registered
    choice = _registered
    if choice is not None:
        return choice
    with _lock:
        if _registered is None:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            chosen = font_choice()
            for name, path in chosen.files.items():
                pdfmetrics.registerFont(TTFont(name, str(path)))
            pdfmetrics.registerFontFamily(
                REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
            )
            _registered = chosen
        return _registered


def printing_font() -> str:
    """The family the forms print in ("Times New Roman" or "Liberation Serif")."""
    return register_fonts().family


def reset_fonts() -> None:
    """Forget the choice: the next :func:`register_fonts` looks for the fonts again."""
    global _registered
    with _lock:
        _registered = None

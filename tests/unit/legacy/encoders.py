"""Unicode Vietnamese written in TCVN3 and VNI, from the published code charts.

Written for the tests only, from the charts rather than from
:mod:`app.core.legacy_tables`, so that the converter is not graded by its
own tables:

- **TCVN3** (ABC): the chart of TCVN 5712:1993, table VN3 (the ``.VnTime``
  fonts), as printed in the standard and reproduced in the Wikipedia article
  "VSCII" (the same standard's name there): each lower-case letter with its
  byte, the seven toneless capitals Ă Â Ê Ô Ơ Ư Đ at A1–A7 and the combining
  tone marks at B0–B4. A toned capital has no byte; in ``.VnTime`` it is
  written as its toneless capital followed by the combining tone, and lines
  in capitals are typed for the ``.VnTimeH`` fonts, which draw the
  lower-case bytes as capitals.
- **VNI** (VNI-Windows): the keyboard-font scheme of VNI Software, as in the
  "VNI" Wikipedia article's table: a toneless base letter followed by an
  accent byte (``á``=sắc … with circumflex and breve folded in), with the
  letters đ ơ ư and the toned i's and ỵ given bytes of their own; capitals
  use the upper-case base and the upper-case accent byte.
"""

from __future__ import annotations

import unicodedata

#: TCVN3 bytes of the lower-case letters, row by row of the VN3 chart
#: (toneless, huyền, hỏi, ngã, sắc, nặng); None where the toneless letter is ASCII.
_TCVN3_ROWS: dict[str, tuple[int | None, int, int, int, int, int]] = {
    "a": (None, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (None, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (None, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (None, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (None, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (None, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_CAPITALS = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}
_TCVN3_D = 0xAE
#: Combining tone bytes B0–B4: huyền, hỏi, ngã, sắc, nặng.
_TONE_MARKS = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_TCVN3_COMBINING = dict(zip(_TONE_MARKS, (0xB0, 0xB1, 0xB2, 0xB3, 0xB4), strict=True))

#: VNI accent bytes after a vowel: huyền, hỏi, ngã, sắc, nặng.
_VNI_TONES = dict(zip(_TONE_MARKS, "øûõùï", strict=True))
#: With a circumflex (â ê ô): none, huyền, hỏi, ngã, sắc, nặng.
_VNI_CIRCUMFLEX = dict(zip((None, *_TONE_MARKS), "âàåãáä", strict=True))
#: With a breve (ă): none, huyền, hỏi, ngã, sắc, nặng.
_VNI_BREVE = dict(zip((None, *_TONE_MARKS), "êèúüéë", strict=True))
_VNI_I = dict(zip(_TONE_MARKS, "ìæóíò", strict=True))
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"


def _parts(letter: str) -> tuple[str, str | None, str | None]:
    """(base ASCII letter, modifier mark, tone mark) of one precomposed letter."""
    decomposed = unicodedata.normalize("NFD", letter)
    base = decomposed[0]
    marks = decomposed[1:]
    tone = next((m for m in marks if m in _TONE_MARKS), None)
    modifier = next((m for m in marks if m not in _TONE_MARKS), None)
    return base, modifier, tone


def _plain(base: str, modifier: str | None) -> str:
    return unicodedata.normalize("NFC", base + (modifier or ""))


def _tcvn3_letter(char: str, capitals: bool) -> str:
    if char.isascii():
        return char
    if char in ("đ", "Đ"):
        return chr(_TCVN3_D) if char == "đ" or capitals else chr(_TCVN3_CAPITALS["Đ"])
    base, modifier, tone = _parts(char)
    lower = _plain(base.lower(), modifier)
    if char.islower() or capitals:
        row = _TCVN3_ROWS[lower]
        index = 0 if tone is None else 1 + _TONE_MARKS.index(tone)
        code = row[index]
        return lower if code is None else chr(code)
    plain = _plain(base, modifier)
    head = chr(_TCVN3_CAPITALS[plain]) if plain in _TCVN3_CAPITALS else plain
    return head + (chr(_TCVN3_COMBINING[tone]) if tone else "")


def to_tcvn3(text: str) -> str:
    """``text`` as typed in TCVN3; a line with no lower-case letter as for ``.VnTimeH``."""
    capitals = not any(char.islower() for char in text)
    return "".join(_tcvn3_letter(char, capitals) for char in unicodedata.normalize("NFC", text))


def _vni_letter(char: str) -> str:
    if char.isascii():
        return char
    if char in ("đ", "Đ"):
        return "ñ" if char == "đ" else "Ñ"
    base, modifier, tone = _parts(char)
    upper = base.isupper()
    low = base.lower()
    if modifier == _HORN:
        spelled = ("ô" if low == "o" else "ö") + (_VNI_TONES[tone] if tone else "")
    elif low == "i":
        spelled = _VNI_I[tone] if tone else "i"
    elif low == "y" and tone == "\u0323":
        spelled = "î"
    elif modifier == _CIRCUMFLEX:
        spelled = low + _VNI_CIRCUMFLEX[tone]
    elif modifier == _BREVE:
        spelled = low + _VNI_BREVE[tone]
    else:
        spelled = low + (_VNI_TONES[tone] if tone else "")
    return spelled.upper() if upper else spelled


def to_vni(text: str) -> str:
    """``text`` as typed in VNI."""
    return "".join(_vni_letter(char) for char in unicodedata.normalize("NFC", text))

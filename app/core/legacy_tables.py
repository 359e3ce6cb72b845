"""The legacy Vietnamese font encodings as data: TCVN3 and VNI code tables.

Each table maps a legacy code (a latin-1 or cp1252 character, or for VNI a
base letter and an accent character) to one of the 134 precomposed
Vietnamese letters (:mod:`app.core.syllables`), and back. The character
classes below say which characters a legacy text may hold at all.
Conversion, detection and repair are :mod:`app.core.legacy_text`'s.
"""

from __future__ import annotations

from enum import StrEnum

from app.core.syllables import (
    ACUTE,
    BREVE,
    CIRCUMFLEX,
    DOT,
    GRAVE,
    HOOK,
    HORN,
    LOWER_VOWELS,
    TILDE,
    TONES,
)
from app.core.text import nfc

__all__ = [
    "ASCII_LETTERS",
    "CP1252_PUNCTUATION",
    "LATIN1_LETTERS",
    "LEGACY_CHARS",
    "PASSTHROUGH",
    "TCVN3_CAPITAL_CODES",
    "TCVN3_COMBINING",
    "TCVN3_DECODE",
    "TCVN3_ENCODE",
    "TCVN3_TONE_CODE",
    "VNI_ACCENTS",
    "VNI_DECODE",
    "VNI_ENCODE",
    "Encoding",
]


class Encoding(StrEnum):
    """A legacy Vietnamese 8-bit font encoding."""

    TCVN3 = "TCVN3"
    VNI = "VNI"


# --- TCVN3 table (TCVN 5712:1993 VN3) ----------------------------------------

#: Code of each toned lower-case vowel, tones in TONES order.
_TCVN3_TONED: dict[str, tuple[int, int, int, int, int]] = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
#: Letters without a tone that have their own code, capitals included.
_TCVN3_PLAIN: dict[str, int] = {
    "Ă": 0xA1,
    "Â": 0xA2,
    "Ê": 0xA3,
    "Ô": 0xA4,
    "Ơ": 0xA5,
    "Ư": 0xA6,
    "Đ": 0xA7,
    "ă": 0xA8,
    "â": 0xA9,
    "ê": 0xAA,
    "ô": 0xAB,
    "ơ": 0xAC,
    "ư": 0xAD,
    "đ": 0xAE,
}
#: Combining tone marks 0xB0–0xB4, in TONES order.
TCVN3_COMBINING: dict[str, str] = {chr(0xB0 + i): tone for i, tone in enumerate(TONES)}
TCVN3_TONE_CODE: dict[str, str] = {tone: code for code, tone in TCVN3_COMBINING.items()}


def _tcvn3_tables() -> tuple[dict[str, str], dict[str, str]]:
    decode: dict[str, str] = {chr(code): letter for letter, code in _TCVN3_PLAIN.items()}
    for vowel, codes in _TCVN3_TONED.items():
        for tone, code in zip(TONES, codes, strict=True):
            decode[chr(code)] = nfc(vowel + tone)
    encode = {letter: code for code, letter in decode.items()}
    return decode, encode


TCVN3_DECODE, TCVN3_ENCODE = _tcvn3_tables()
#: Codes of TCVN3 capitals (they carry case even in the ``…H`` fonts).
TCVN3_CAPITAL_CODES = frozenset(chr(code) for code in range(0xA1, 0xA8))

# --- VNI table (VNI-Windows) -----------------------------------------------

#: Accent characters after a vowel (lower-case forms; capitals are ``.upper()``).
_VNI_TONE = {GRAVE: "ø", ACUTE: "ù", HOOK: "û", TILDE: "õ", DOT: "ï"}
_VNI_CIRCUMFLEX = {None: "â", GRAVE: "à", ACUTE: "á", HOOK: "å", TILDE: "ã", DOT: "ä"}
_VNI_BREVE = {None: "ê", GRAVE: "è", ACUTE: "é", HOOK: "ú", TILDE: "ü", DOT: "ë"}
#: Letters with a code of their own.
_VNI_I = {GRAVE: "ì", ACUTE: "í", HOOK: "æ", TILDE: "ó", DOT: "ò"}
_VNI_O_HORN, _VNI_U_HORN, _VNI_D_BAR, _VNI_Y_DOT = "ô", "ö", "ñ", "î"


def _vni_lower(base: str, modifier: str, tone: str | None) -> str:
    """The VNI spelling of one lower-case letter."""
    if base == "i":
        assert tone is not None
        return _VNI_I[tone]
    if base == "y" and tone == DOT:
        return _VNI_Y_DOT
    if modifier == HORN:
        head = _VNI_O_HORN if base == "o" else _VNI_U_HORN
        return head + (_VNI_TONE[tone] if tone else "")
    if modifier == CIRCUMFLEX:
        return base + _VNI_CIRCUMFLEX[tone]
    if modifier == BREVE:
        return base + _VNI_BREVE[tone]
    assert tone is not None
    return base + _VNI_TONE[tone]


def _vni_tables() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    encode: dict[str, str] = {"đ": _VNI_D_BAR, "Đ": _VNI_D_BAR.upper()}
    for letter, base, modifier, tone in LOWER_VOWELS:
        spelling = _vni_lower(base, modifier, tone)
        encode[letter] = spelling
        encode[letter.upper()] = spelling.upper()
    decode: dict[str, str] = {}
    accents: set[str] = set()
    for letter, spelling in encode.items():
        decode[spelling] = letter
        if len(spelling) == 2:
            head, accent = spelling[0], spelling[1]
            accents.update((accent.lower(), accent.upper()))
            # Lenient: an accent typed in the other case still belongs to
            # the letter before it; the letter keeps its own case.
            decode.setdefault(head + accent.swapcase(), letter)
    return decode, encode, frozenset(accents)


VNI_DECODE, VNI_ENCODE, VNI_ACCENTS = _vni_tables()

# --- Character classes -------------------------------------------------------

#: Characters cp1252 puts at 0x80–0x9F that are not letters (quotes, dashes…).
CP1252_PUNCTUATION = frozenset(
    char
    for char in bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")
    if not char.isalpha()
)
LATIN1_LETTERS = frozenset(chr(code) for code in range(0xA0, 0x100) if chr(code).isalpha())
ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
PASSTHROUGH = CP1252_PUNCTUATION | {"\u00a0"}

#: Characters that mean something else in the encoding (ý in TCVN3, ì í in
#: VNI are their own code and prove nothing).
LEGACY_CHARS: dict[Encoding, frozenset[str]] = {
    Encoding.TCVN3: frozenset(code for code, letter in TCVN3_DECODE.items() if code != letter),
    Encoding.VNI: frozenset("".join(code for code, letter in VNI_DECODE.items() if code != letter))
    - ASCII_LETTERS,
}

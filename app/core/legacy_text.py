"""Vietnamese text typed in legacy 8-bit font encodings, detected and repaired.

Before Unicode, Vietnamese offices typed with fonts that reused the code
points of Windows-1252 for Vietnamese letters. An old Excel file stores such
text as ordinary characters (openpyxl hands back the cp1252/latin-1 code
points), so a cell that looked like "một số chỉ tiêu" on screen arrives as
``"mét sè chØ tiªu"``. Two encodings cover nearly every file still around:

- **TCVN3** (ABC, TCVN 5712:1993 VN3; fonts ``.VnTime``, ``.VnArial`` …): one
  code per lower-case letter, upper-case only for Ă Â Ê Ô Ơ Ư Đ, and five
  combining tone marks (0xB0–0xB4). Upper-case letters with a tone have no
  code: they were typed with the capitals-only ``…H`` fonts (``.VnTimeH``),
  which draw the *lower-case* codes as capitals, so
  ``"CéNG HOµ"`` reads "CỘNG HOÀ" there and "CộNG HOà" in ``.VnTime``.
- **VNI** (VNI-Windows; fonts ``VNI-Times`` …): a base letter followed by an
  accent character (``"Vieät"`` is "Việt"), except for đ, ơ, ư, the toned
  i's and ỵ, which have their own code.

Conversion is table-driven (:mod:`app.core.legacy_tables`) over all 134
precomposed Vietnamese letters (:mod:`app.core.syllables`) and always
returns NFC. :func:`from_unicode` is the exact inverse (TCVN3 writes a toned
capital as its base letter plus a combining tone code unless asked for the
``…H`` font convention), which the tests use to build fixtures.

Detection (:func:`detect_legacy`) must never touch ordinary text, so it only
says yes when all of these hold:

- every character is latin-1 or cp1252 punctuation (any other character,
  such as "đ" or "ộ", means the text is Unicode already);
- no character is left over that the encoding does not use (a VNI accent
  after a consonant, a latin-1 letter outside the table);
- read in the legacy encoding, (nearly) every word that contains a legacy
  character is a well-formed Vietnamese syllable (onset, rhyme, one tone on
  the right vowel, a stop final only with sắc or nặng);
- some of those words are *not* valid Vietnamese as they stand, and the
  evidence is not thin: two such words of two letters or more, or one of
  three letters or more. A short string that reads as valid Vietnamese both
  ways ("Tô" is "Tụ" in TCVN3) is left alone.

Deciding which cells of a workbook to convert, with their fonts
(:func:`legacy_font`) and the workbook's majority encoding as context, and
repairing text that mixes Unicode with legacy spans, is
:mod:`app.core.legacy_repair`'s.

Limits: text that reads as valid Vietnamese in both Unicode and a legacy
encoding is not converted without a font; ``…H`` capitals are guessed only
when the text has no lower-case ASCII letter and a word with a lower-case
code has two capitals or more (``"Hµ"`` alone stays "Hà"); other legacy encodings
(VISCII, VPS, VIQR) are not recognised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from app.core.legacy_tables import (
    ASCII_LETTERS,
    CP1252_PUNCTUATION,
    LATIN1_LETTERS,
    LEGACY_CHARS,
    PASSTHROUGH,
    TCVN3_CAPITAL_CODES,
    TCVN3_COMBINING,
    TCVN3_DECODE,
    TCVN3_ENCODE,
    TCVN3_TONE_CODE,
    VNI_ACCENTS,
    VNI_DECODE,
    VNI_ENCODE,
    Encoding,
)
from app.core.syllables import (
    TONE_SET,
    TONELESS_VOWELS,
    VIETNAMESE_LETTERS,
    has_vowel,
    is_plausible,
    is_syllable,
)
from app.core.text import nfc

__all__ = [
    "VIETNAMESE_LETTERS",
    "Encoding",
    "LegacyFont",
    "Reading",
    "convert_with_font",
    "detect_legacy",
    "from_unicode",
    "in_legacy_range",
    "legacy_font",
    "legacy_readings",
    "read_as",
    "to_unicode",
]

# --- Words -------------------------------------------------------------------------


def _char_class(chars: Iterable[str]) -> str:
    return "[" + "".join(re.escape(char) for char in sorted(chars)) + "]"


def _word_pattern(encoding: Encoding) -> re.Pattern[str]:
    """A word: a run of letters of either reading (leftovers included).

    In TCVN3 a combining tone code belongs to the word when it follows a
    vowel without a tone (``"C¤´NG"``); elsewhere (``"30°C"``, ``"m²"``) it
    is a symbol.
    """
    letters = _char_class(ASCII_LETTERS | LATIN1_LETTERS | LEGACY_CHARS[encoding])
    if encoding is Encoding.VNI:
        return re.compile(letters + "+")
    vowels = _char_class(
        {*"aeiouyAEIOUY"}
        | {char for char, letter in TCVN3_DECODE.items() if letter in TONELESS_VOWELS}
    )
    tones = _char_class(TCVN3_COMBINING)
    return re.compile(f"(?:{letters}|(?<={vowels}){tones})+")


_WORDS = {encoding: _word_pattern(encoding) for encoding in Encoding}

# --- Conversion ---------------------------------------------------------------


def _looks_capitals(text: str) -> bool:
    """Guess whether TCVN3 text was set in a capitals-only ``…H`` font.

    True when the text has no lower-case ASCII letter and some word holds a
    lower-case TCVN3 code among two capitals or more (ASCII or TCVN3 Ă Â Ê Ô
    Ơ Ư Đ): its lower-case codes then stand for capitals, as in ``"CéNG HOµ
    X· HéI"``; ``"Sè: 15/KH"`` ("Số") is not.
    """
    if any("a" <= char <= "z" for char in text):
        return False
    for word in text.split():
        capitals = sum("A" <= char <= "Z" or char in TCVN3_CAPITAL_CODES for char in word)
        lower_code = any(char in TCVN3_DECODE and char not in TCVN3_CAPITAL_CODES for char in word)
        if capitals >= 2 and lower_code:
            return True
    return False


def _decode_tcvn3(text: str, capitals: bool) -> tuple[str, int, int]:
    """(converted text, legacy characters converted, letters left over)."""
    out: list[str] = []
    converted = leftovers = 0
    for char in text:
        letter = TCVN3_DECODE.get(char)
        if letter is not None:
            out.append(letter.upper() if capitals else letter)
            converted += 1
        elif char in TCVN3_COMBINING and out and out[-1] in TONELESS_VOWELS:
            out[-1] = nfc(out[-1] + TCVN3_COMBINING[char])
        else:
            if capitals and char in ASCII_LETTERS:
                char = char.upper()
            elif char in LATIN1_LETTERS:
                leftovers += 1
            out.append(char)
    return "".join(out), converted, leftovers


def _decode_vni(text: str) -> tuple[str, int, int]:
    """(converted text, legacy sequences converted, characters left over)."""
    out: list[str] = []
    converted = leftovers = index = 0
    while index < len(text):
        pair = VNI_DECODE.get(text[index : index + 2])
        if pair is not None:
            out.append(pair)
            converted += 1
            index += 2
            continue
        char = text[index]
        single = VNI_DECODE.get(char)
        if single is not None and char not in VNI_ACCENTS:
            out.append(single)
            converted += char != single
        else:
            leftovers += char in VNI_ACCENTS or char in LATIN1_LETTERS
            out.append(char)
        index += 1
    return "".join(out), converted, leftovers


def _decode(text: str, encoding: Encoding, capitals: bool) -> tuple[str, int, int]:
    if encoding is Encoding.TCVN3:
        return _decode_tcvn3(text, capitals)
    return _decode_vni(text)


def to_unicode(text: str, encoding: Encoding, *, capitals: bool | None = False) -> str:
    """Convert ``text`` typed in ``encoding`` to Unicode (NFC).

    Every legacy code is converted; characters the encoding does not use are
    kept as they are. ``capitals`` matters for TCVN3 only: ``False`` reads
    the codes as the ``.VnTime`` fonts draw them, ``True`` as the
    capitals-only ``…H`` fonts do (every letter upper case), ``None`` guesses
    from the text (see the module notes). The caller must know the text is in
    ``encoding``: converting Unicode text garbles it (use :func:`repair`).
    """
    if encoding is Encoding.VNI and capitals:
        raise ValueError("capitals applies to TCVN3 only")
    use_capitals = _looks_capitals(text) if capitals is None else capitals
    return nfc(_decode(text, encoding, use_capitals)[0])


def from_unicode(text: str, encoding: Encoding, *, capitals: bool = False) -> str:
    """Write Unicode ``text`` (NFC or NFD) in ``encoding``, as a legacy font shows it.

    ASCII, cp1252 punctuation and the no-break space pass through; any other
    character that is not one of the 134 Vietnamese letters raises
    :class:`ValueError` (its code would mean a letter in the legacy font).
    For TCVN3, a toned capital has no code: by default it is written as its
    base letter and a combining tone code, which converts back exactly; with
    ``capitals=True`` it is written with the lower-case code, as text typed
    for the ``.VnTimeH`` fonts is (``"CỘNG"`` → ``"CéNG"``).
    """
    if encoding is Encoding.VNI and capitals:
        raise ValueError("capitals applies to TCVN3 only")
    out: list[str] = []
    for char in nfc(text):
        if char.isascii() or char in PASSTHROUGH:
            out.append(char)
        elif encoding is Encoding.VNI and char in VNI_ENCODE:
            out.append(VNI_ENCODE[char])
        elif encoding is Encoding.TCVN3 and char in TCVN3_ENCODE:
            out.append(TCVN3_ENCODE[char])
        elif encoding is Encoding.TCVN3 and char.lower() in TCVN3_ENCODE:
            if capitals:
                out.append(TCVN3_ENCODE[char.lower()])
            else:
                parts = unicodedata.normalize("NFD", char)
                tone = next(mark for mark in parts if mark in TONE_SET)
                base = nfc(parts.replace(tone, ""))
                out.append(TCVN3_ENCODE.get(base, base) + TCVN3_TONE_CODE[tone])
        else:
            raise ValueError(f"{char!r} (U+{ord(char):04X}) cannot be written in {encoding}")
    return "".join(out)


# --- Detection ----------------------------------------------------------------

_NONE, _WEAK, _STRONG = 0, 1, 2


@dataclass(frozen=True)
class Reading:
    """How a text reads in one legacy encoding."""

    encoding: Encoding
    #: 0: it cannot be that encoding; 1: it fits, on thin evidence; 2: it clearly is.
    strength: int
    #: Sort key between two encodings that both fit.
    weight: tuple[int, int, int, int]

    @property
    def strong(self) -> bool:
        """Whether the evidence suffices on its own."""
        return self.strength == _STRONG


def in_legacy_range(text: str) -> bool:
    """Whether every character of ``text`` could come from a legacy font (latin-1, cp1252)."""
    return all(char <= "\u00ff" or char in CP1252_PUNCTUATION for char in text)


def _is_abbreviation(word: str) -> bool:
    """Capitals that are no syllable, such as CĐCS, ĐUKDN, LĐLĐ."""
    return len(word) >= 2 and word.isupper()


def _is_rare(word: str) -> bool:
    """A syllable with a rhyme offices hardly write (oong, ooc): a tie-breaker only."""
    bare = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if c.isascii())
    return "oo" in bare


def read_as(text: str, encoding: Encoding) -> Reading:
    """Score ``text`` as ``encoding``; strength 0 when it cannot be that encoding.

    A word whose legacy code is a symbol in Unicode (``"§·"``, ``"C¬"``) and
    reads as a syllable is clear evidence even when short, and so is an
    abbreviation spelling Đ that way (``"L§L§"``); other abbreviations in
    capitals count neither for nor against.
    """
    none = Reading(encoding, _NONE, (0, 0, 0, 0))
    legacy = LEGACY_CHARS[encoding]
    capitals = encoding is Encoding.TCVN3 and _looks_capitals(text)
    words = good = bad = odd = rescued = evidence = rare = 0
    longest = 0
    marked = False
    for match in _WORDS[encoding].finditer(text):
        original = match.group()
        if not any(char in legacy for char in original):
            continue
        converted, _, leftovers = _decode(original, encoding, capitals)
        converted = nfc(converted)
        if leftovers:
            return none
        original_ok = is_syllable(original)
        if not is_plausible(converted):
            words += 1
            bad += 1
        elif is_syllable(converted):
            words += 1
            good += 1
            rare += _is_rare(converted)
            if not original_ok:
                rescued += 1
                if len(converted) >= 2:
                    evidence += 1
                    longest = max(longest, len(converted))
                    marked = marked or not all(char.isalpha() for char in original)
        elif not has_vowel(converted) or _is_abbreviation(converted):
            # An abbreviation such as CĐCS or ĐUKDN: neither for nor against, unless
            # it spells Đ with a code no Unicode text has there ("L§L§", "LÑLÑ").
            rescued += not original_ok
            marked = marked or (not original_ok and len(converted) >= 3 and "Đ" in converted)
        else:
            words += 1
            odd += 1
    if rescued == 0 or bad > words // 10 or bad + odd > words // 4:
        return none
    strength = _STRONG if evidence >= 2 or longest >= 3 or marked else _WEAK
    return Reading(encoding, strength, (evidence, rescued, good, -rare))


def legacy_readings(text: str) -> tuple[Reading, ...]:
    """The legacy readings that fit ``text``, best first (none for Unicode or ASCII)."""
    if text.isascii() or not in_legacy_range(text):
        return ()
    return tuple(
        sorted(
            (reading for reading in (read_as(text, enc) for enc in Encoding) if reading.strength),
            key=lambda reading: (reading.strength, reading.weight),
            reverse=True,
        )
    )


def _best_reading(text: str) -> Reading | None:
    """The legacy reading of ``text`` that fits best, or None (none fits, or a tie)."""
    readings = legacy_readings(text)
    if not readings:
        return None
    first = readings[0]
    if len(readings) > 1 and (first.strength, first.weight) == (
        readings[1].strength,
        readings[1].weight,
    ):
        return None  # fits both equally well: do not guess
    return first


def detect_legacy(text: str) -> Encoding | None:
    """The legacy encoding ``text`` is clearly typed in, or None.

    Never flags ASCII, text with any character beyond latin-1 (so no
    ordinary Unicode Vietnamese, NFC or NFD), nor text that already reads as
    valid Vietnamese; see the module notes for the rules.
    """
    reading = _best_reading(text)
    return reading.encoding if reading and reading.strength == _STRONG else None


# --- Fonts ---------------------------------------------------------------------


@dataclass(frozen=True)
class LegacyFont:
    """What a legacy font name says about the text set in it."""

    encoding: Encoding
    #: A capitals-only TCVN3 font (``.VnTimeH``): every letter is upper case.
    capitals: bool = False


def legacy_font(name: str | None) -> LegacyFont | None:
    """The legacy encoding of a font, from its name (``cell.font.name``), or None.

    TCVN3 fonts are named ``.Vn…`` (``.VnTime``; the capitals-only ones end
    in ``H``: ``.VnTimeH``, ``.VnArialH``); VNI fonts ``VNI-…``.
    """
    if not name:
        return None
    name = name.strip()
    if name[:3].lower() == ".vn":
        return LegacyFont(Encoding.TCVN3, capitals=name.endswith("H"))
    if name[:4].lower() in ("vni-", "vni "):
        return LegacyFont(Encoding.VNI)
    return None


def convert_with_font(text: str, font: LegacyFont) -> str | None:
    """``text`` converted as its font says, or None when it is not legacy text."""
    if text.isascii() or not in_legacy_range(text):
        return None
    converted, count, leftovers = _decode(text, font.encoding, font.capitals)
    if count == 0 or leftovers:
        return None
    return nfc(converted)

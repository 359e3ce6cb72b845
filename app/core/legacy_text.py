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

:func:`repair_cells` repairs a batch (a column, a sheet) and uses the batch as
context: a cell with thin evidence ("Lª", "Lê") is converted when other cells
of the batch are clearly in the same encoding. When the font of a cell is
known (openpyxl's ``cell.font.name``), :func:`legacy_font` turns it into a
certain answer, which also settles the ``.VnTimeH`` capitals.

Limits: text that reads as valid Vietnamese in both Unicode and a legacy
encoding is not converted without a font or batch context; ``…H`` capitals
are guessed only when the text has no lower-case ASCII letter and at least
two capitals (``"Hµ"`` alone stays "Hà"); a cell mixing encodings or fonts is
left alone; other legacy encodings (VISCII, VPS, VIQR) are not recognised.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
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
    "RepairReport",
    "detect_legacy",
    "from_unicode",
    "legacy_font",
    "repair",
    "repair_cells",
    "repair_table",
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

    True when the text has no lower-case ASCII letter and at least two
    capitals (ASCII or TCVN3 Ă Â Ê Ô Ơ Ư Đ): its lower-case TCVN3 codes then
    stand for capitals, as in ``"CéNG HOµ X· HéI"``.
    """
    capitals = 0
    for char in text:
        if "a" <= char <= "z":
            return False
        if "A" <= char <= "Z" or char in TCVN3_CAPITAL_CODES:
            capitals += 1
    return capitals >= 2


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
class _Reading:
    """How the text reads in one encoding."""

    encoding: Encoding
    strength: int
    #: Sort key between two encodings that both fit.
    weight: tuple[int, int, int]


def _in_legacy_range(text: str) -> bool:
    return all(char <= "\u00ff" or char in CP1252_PUNCTUATION for char in text)


def _read(text: str, encoding: Encoding) -> _Reading:
    """Score ``text`` as ``encoding``; strength 0 when it cannot be that encoding."""
    none = _Reading(encoding, _NONE, (0, 0, 0))
    legacy = LEGACY_CHARS[encoding]
    capitals = encoding is Encoding.TCVN3 and _looks_capitals(text)
    words = good = bad = odd = rescued = evidence = 0
    longest = 0
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
            if not original_ok:
                rescued += 1
                if len(converted) >= 2:
                    evidence += 1
                    longest = max(longest, len(converted))
        elif not has_vowel(converted):
            # An abbreviation such as CĐCS or LĐLĐ: neither for nor against.
            rescued += not original_ok
        else:
            words += 1
            odd += 1
    if rescued == 0 or bad > words // 10 or bad + odd > words // 4:
        return none
    strength = _STRONG if evidence >= 2 or longest >= 3 else _WEAK
    return _Reading(encoding, strength, (evidence, rescued, good))


def _best_reading(text: str) -> _Reading | None:
    """The legacy reading of ``text`` that fits best, or None."""
    if text.isascii() or not _in_legacy_range(text):
        return None
    readings = sorted(
        (reading for reading in (_read(text, enc) for enc in Encoding) if reading.strength),
        key=lambda reading: (reading.strength, reading.weight),
        reverse=True,
    )
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


def _convert_with_font(text: str, font: LegacyFont) -> str | None:
    """``text`` converted as its font says, or None when it is not legacy text."""
    if text.isascii() or not _in_legacy_range(text):
        return None
    converted, count, leftovers = _decode(text, font.encoding, font.capitals)
    if count == 0 or leftovers:
        return None
    return nfc(converted)


# --- Repair ---------------------------------------------------------------------


def repair(text: str, *, font_name: str | None = None) -> tuple[str, Encoding | None]:
    """Convert ``text`` to Unicode if it is legacy text: (text, encoding converted from).

    With the cell's ``font_name`` a legacy font decides (text that is not
    legacy, such as Unicode typed later into an old sheet, is still left
    alone); otherwise :func:`detect_legacy` does. When nothing is converted
    the very same ``text`` object comes back with None.
    """
    font = legacy_font(font_name)
    if font is not None:
        converted = _convert_with_font(text, font)
        return (text, None) if converted is None else (converted, font.encoding)
    encoding = detect_legacy(text)
    if encoding is None:
        return text, None
    return to_unicode(text, encoding, capitals=None), encoding


@dataclass(frozen=True)
class RepairReport:
    """The outcome of :func:`repair_cells`, cell by cell in input order."""

    #: Every value, converted or (the same object) unchanged.
    values: tuple[str, ...]
    #: The encoding each value was converted from, None where unchanged.
    encodings: tuple[Encoding | None, ...]

    @property
    def counts(self) -> Mapping[Encoding, int]:
        """Converted cells per encoding (encodings with none are absent)."""
        return dict(Counter(enc for enc in self.encodings if enc is not None))

    @property
    def converted(self) -> int:
        """How many cells were converted."""
        return sum(enc is not None for enc in self.encodings)

    @property
    def changed(self) -> tuple[int, ...]:
        """Indexes of the converted cells."""
        return tuple(index for index, enc in enumerate(self.encodings) if enc is not None)


def repair_cells(
    values: Iterable[str], *, font_names: Iterable[str | None] | None = None
) -> RepairReport:
    """Repair a batch of cells (a column, a sheet), using the batch as context.

    Each cell is repaired as :func:`repair` does. In addition, a cell whose
    evidence alone is too thin (a short name such as ``"Lª"``) is converted
    when the batch holds more cells clearly in that encoding than in the
    other. ``font_names``, when given, has one font name (or None) per value.
    """
    cells = list(values)
    fonts = [None] * len(cells) if font_names is None else list(font_names)
    if len(fonts) != len(cells):
        raise ValueError("font_names must have one entry per value")
    results: list[tuple[str, Encoding | None]] = []
    weak: dict[int, Encoding] = {}
    strong: Counter[Encoding] = Counter()
    # A workbook repeats its shared strings: each distinct text is read once (a 200 KB
    # roster of one long string repeated took minutes).
    readings: dict[str, _Reading | None] = {}
    converted: dict[tuple[str, Encoding], str] = {}
    for index, (text, font_name) in enumerate(zip(cells, fonts, strict=True)):
        font = legacy_font(font_name)
        if font is not None:
            results.append(repair(text, font_name=font_name))
            continue
        if text not in readings:
            readings[text] = _best_reading(text)
        reading = readings[text]
        if reading is None:
            results.append((text, None))
        elif reading.strength == _STRONG:
            strong[reading.encoding] += 1
            key = (text, reading.encoding)
            if key not in converted:
                converted[key] = to_unicode(text, reading.encoding, capitals=None)
            results.append((converted[key], reading.encoding))
        else:
            weak[index] = reading.encoding
            results.append((text, None))
    ranked = strong.most_common()
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        dominant = ranked[0][0]
        for index, encoding in weak.items():
            if encoding is dominant:
                results[index] = (to_unicode(cells[index], dominant, capitals=None), dominant)
    return RepairReport(
        values=tuple(value for value, _ in results),
        encodings=tuple(encoding for _, encoding in results),
    )


def repair_table(
    rows: Sequence[Sequence[object]],
) -> tuple[list[list[object]], Mapping[Encoding, int]]:
    """Repair every text cell of a sheet's rows in one batch.

    Returns the rows with converted text (other cells untouched) and the
    count of converted cells per encoding, for the import to report
    ("12 ô đã được chuyển từ TCVN3 sang Unicode").
    """
    positions = [
        (r, c)
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if isinstance(value, str) and value
    ]
    report = repair_cells(str(rows[r][c]) for r, c in positions)
    repaired = [list(row) for row in rows]
    for index in report.changed:
        r, c = positions[index]
        repaired[r][c] = report.values[index]
    return repaired, report.counts

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

Conversion is table-driven over all 134 precomposed Vietnamese letters and
always returns NFC. :func:`from_unicode` is the exact inverse (TCVN3 writes a
toned capital as its base letter plus a combining tone code unless asked for
the ``…H`` font convention), which the tests use to build fixtures.

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
from enum import StrEnum

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
    "to_unicode",
]


class Encoding(StrEnum):
    """A legacy Vietnamese 8-bit font encoding."""

    TCVN3 = "TCVN3"
    VNI = "VNI"


# --- Letters ---------------------------------------------------------------

_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
#: The five tone marks in the order of the TCVN3 chart (huyền, hỏi, ngã, sắc, nặng).
_TONES = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)
_TONE_SET = frozenset(_TONES)
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"

#: (base letter, modifier mark) of every lower-case vowel: a ă â e ê i o ô ơ u ư y.
_VOWEL_SHAPES: tuple[tuple[str, str], ...] = (
    ("a", ""),
    ("a", _BREVE),
    ("a", _CIRCUMFLEX),
    ("e", ""),
    ("e", _CIRCUMFLEX),
    ("i", ""),
    ("o", ""),
    ("o", _CIRCUMFLEX),
    ("o", _HORN),
    ("u", ""),
    ("u", _HORN),
    ("y", ""),
)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _lower_letters() -> list[tuple[str, str, str, str | None]]:
    """(letter, base, modifier, tone) of the 67 lower-case precomposed letters."""
    letters: list[tuple[str, str, str, str | None]] = []
    for base, modifier in _VOWEL_SHAPES:
        for tone in (None, *_TONES):
            if modifier or tone:
                letters.append((_nfc(base + modifier + (tone or "")), base, modifier, tone))
    return letters


_LOWER = _lower_letters()
_LOWER_LETTERS = (*(entry[0] for entry in _LOWER), "đ")
#: The 134 precomposed Vietnamese letters (NFC), lower case then upper case.
VIETNAMESE_LETTERS: tuple[str, ...] = (
    *_LOWER_LETTERS,
    *(letter.upper() for letter in _LOWER_LETTERS),
)

# --- TCVN3 table (TCVN 5712:1993 VN3) ----------------------------------------

#: Code of each toned lower-case vowel, tones in _TONES order.
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
#: Combining tone marks 0xB0–0xB4, in _TONES order.
_TCVN3_COMBINING: dict[str, str] = {chr(0xB0 + i): tone for i, tone in enumerate(_TONES)}
_TCVN3_TONE_CODE: dict[str, str] = {tone: code for code, tone in _TCVN3_COMBINING.items()}


def _tcvn3_tables() -> tuple[dict[str, str], dict[str, str]]:
    decode: dict[str, str] = {chr(code): letter for letter, code in _TCVN3_PLAIN.items()}
    for vowel, codes in _TCVN3_TONED.items():
        for tone, code in zip(_TONES, codes, strict=True):
            decode[chr(code)] = _nfc(vowel + tone)
    encode = {letter: code for code, letter in decode.items()}
    return decode, encode


_TCVN3_DECODE, _TCVN3_ENCODE = _tcvn3_tables()
#: Codes of TCVN3 capitals (they carry case even in the ``…H`` fonts).
_TCVN3_CAPITAL_CODES = frozenset(chr(code) for code in range(0xA1, 0xA8))

# --- VNI table (VNI-Windows) -----------------------------------------------

#: Accent characters after a vowel (lower-case forms; capitals are ``.upper()``).
_VNI_TONE = {_GRAVE: "ø", _ACUTE: "ù", _HOOK: "û", _TILDE: "õ", _DOT: "ï"}
_VNI_CIRCUMFLEX = {None: "â", _GRAVE: "à", _ACUTE: "á", _HOOK: "å", _TILDE: "ã", _DOT: "ä"}
_VNI_BREVE = {None: "ê", _GRAVE: "è", _ACUTE: "é", _HOOK: "ú", _TILDE: "ü", _DOT: "ë"}
#: Letters with a code of their own.
_VNI_I = {_GRAVE: "ì", _ACUTE: "í", _HOOK: "æ", _TILDE: "ó", _DOT: "ò"}
_VNI_O_HORN, _VNI_U_HORN, _VNI_D_BAR, _VNI_Y_DOT = "ô", "ö", "ñ", "î"


def _vni_lower(base: str, modifier: str, tone: str | None) -> str:
    """The VNI spelling of one lower-case letter."""
    if base == "i":
        assert tone is not None
        return _VNI_I[tone]
    if base == "y" and tone == _DOT:
        return _VNI_Y_DOT
    if modifier == _HORN:
        head = _VNI_O_HORN if base == "o" else _VNI_U_HORN
        return head + (_VNI_TONE[tone] if tone else "")
    if modifier == _CIRCUMFLEX:
        return base + _VNI_CIRCUMFLEX[tone]
    if modifier == _BREVE:
        return base + _VNI_BREVE[tone]
    assert tone is not None
    return base + _VNI_TONE[tone]


def _vni_tables() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    encode: dict[str, str] = {"đ": _VNI_D_BAR, "Đ": _VNI_D_BAR.upper()}
    for letter, base, modifier, tone in _LOWER:
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


_VNI_DECODE, _VNI_ENCODE, _VNI_ACCENTS = _vni_tables()

# --- Character classes -------------------------------------------------------

#: Vowels that can still take a tone (a ă â e ê i o ô ơ u ư y, both cases).
_TONELESS_VOWELS = frozenset(_nfc(base + modifier) for base, modifier in _VOWEL_SHAPES) | frozenset(
    _nfc(base + modifier).upper() for base, modifier in _VOWEL_SHAPES
)

#: Characters cp1252 puts at 0x80–0x9F that are not letters (quotes, dashes…).
_CP1252_PUNCTUATION = frozenset(
    char
    for char in bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")
    if not char.isalpha()
)
_LATIN1_LETTERS = frozenset(chr(code) for code in range(0xA0, 0x100) if chr(code).isalpha())
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_PASSTHROUGH = _CP1252_PUNCTUATION | {"\u00a0"}

#: Characters that mean something else in the encoding (ý in TCVN3, ì í in
#: VNI are their own code and prove nothing).
_LEGACY_CHARS: dict[Encoding, frozenset[str]] = {
    Encoding.TCVN3: frozenset(code for code, letter in _TCVN3_DECODE.items() if code != letter),
    Encoding.VNI: frozenset("".join(code for code, letter in _VNI_DECODE.items() if code != letter))
    - _ASCII_LETTERS,
}


def _char_class(chars: Iterable[str]) -> str:
    return "[" + "".join(re.escape(char) for char in sorted(chars)) + "]"


def _word_pattern(encoding: Encoding) -> re.Pattern[str]:
    """A word: a run of letters of either reading (leftovers included).

    In TCVN3 a combining tone code belongs to the word when it follows a
    vowel without a tone (``"C¤´NG"``); elsewhere (``"30°C"``, ``"m²"``) it
    is a symbol.
    """
    letters = _char_class(_ASCII_LETTERS | _LATIN1_LETTERS | _LEGACY_CHARS[encoding])
    if encoding is Encoding.VNI:
        return re.compile(letters + "+")
    vowels = _char_class(
        {*"aeiouyAEIOUY"}
        | {char for char, letter in _TCVN3_DECODE.items() if letter in _TONELESS_VOWELS}
    )
    tones = _char_class(_TCVN3_COMBINING)
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
        if "A" <= char <= "Z" or char in _TCVN3_CAPITAL_CODES:
            capitals += 1
    return capitals >= 2


def _decode_tcvn3(text: str, capitals: bool) -> tuple[str, int, int]:
    """(converted text, legacy characters converted, letters left over)."""
    out: list[str] = []
    converted = leftovers = 0
    for char in text:
        letter = _TCVN3_DECODE.get(char)
        if letter is not None:
            out.append(letter.upper() if capitals else letter)
            converted += 1
        elif char in _TCVN3_COMBINING and out and out[-1] in _TONELESS_VOWELS:
            out[-1] = _nfc(out[-1] + _TCVN3_COMBINING[char])
        else:
            if capitals and char in _ASCII_LETTERS:
                char = char.upper()
            elif char in _LATIN1_LETTERS:
                leftovers += 1
            out.append(char)
    return "".join(out), converted, leftovers


def _decode_vni(text: str) -> tuple[str, int, int]:
    """(converted text, legacy sequences converted, characters left over)."""
    out: list[str] = []
    converted = leftovers = index = 0
    while index < len(text):
        pair = _VNI_DECODE.get(text[index : index + 2])
        if pair is not None:
            out.append(pair)
            converted += 1
            index += 2
            continue
        char = text[index]
        single = _VNI_DECODE.get(char)
        if single is not None and char not in _VNI_ACCENTS:
            out.append(single)
            converted += char != single
        else:
            leftovers += char in _VNI_ACCENTS or char in _LATIN1_LETTERS
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
    return _nfc(_decode(text, encoding, use_capitals)[0])


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
    for char in _nfc(text):
        if char.isascii() or char in _PASSTHROUGH:
            out.append(char)
        elif encoding is Encoding.VNI and char in _VNI_ENCODE:
            out.append(_VNI_ENCODE[char])
        elif encoding is Encoding.TCVN3 and char in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[char])
        elif encoding is Encoding.TCVN3 and char.lower() in _TCVN3_ENCODE:
            if capitals:
                out.append(_TCVN3_ENCODE[char.lower()])
            else:
                parts = unicodedata.normalize("NFD", char)
                tone = next(mark for mark in parts if mark in _TONE_SET)
                base = _nfc(parts.replace(tone, ""))
                out.append(_TCVN3_ENCODE.get(base, base) + _TCVN3_TONE_CODE[tone])
        else:
            raise ValueError(f"{char!r} (U+{ord(char):04X}) cannot be written in {encoding}")
    return "".join(out)


# --- Vietnamese syllables --------------------------------------------------------

_VOWELS = frozenset("aăâeêioôơuưy")
_ALPHABET = _VOWELS | frozenset("bcdđghklmnpqrstvx")
#: Letters of loan words and names, accepted in a plausible word.
_ALPHABET_WIDE = _ALPHABET | frozenset("fjwz")
#: Onsets, longest first; the last group is found in minority place names
#: (Krông Búk, M'Đrắk, Đăk Glei).
_ONSETS = (
    *("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr"),
    *("b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x"),
    *("kr", "gr", "dr", "đr", "bl", "pl", "kl"),
    "",
)
_STOPS = ("ch", "c", "p", "t", "k")
_OPEN_RHYMES = (
    *("a", "ai", "ao", "au", "ay", "âu", "ây", "e", "eo", "ê", "êu", "i", "ia", "iu"),
    *("iêu", "yêu", "o", "oi", "ô", "ôi", "ơ", "ơi", "u", "ua", "ui", "uôi", "ư", "ưa"),
    *("ưi", "ưu", "ươi", "ươu", "y", "oa", "oai", "oao", "oay", "oe", "oeo", "uê", "uy"),
    *("uya", "uyu", "uơ"),
)
#: Vowel nucleus → the consonant finals it takes.
_CLOSED_RHYMES: dict[str, tuple[str, ...]] = {
    "a": ("c", "ch", "m", "n", "ng", "nh", "p", "t", "k"),
    "ă": ("c", "m", "n", "ng", "p", "t", "k"),
    "â": ("c", "m", "n", "ng", "p", "t", "k"),
    "e": ("c", "m", "n", "ng", "p", "t"),
    "ê": ("ch", "m", "n", "nh", "p", "t"),
    "i": ("ch", "m", "n", "nh", "p", "t"),
    "iê": ("c", "m", "n", "ng", "p", "t"),
    "yê": ("m", "n", "t"),
    "o": ("c", "m", "n", "ng", "p", "t"),
    "oo": ("c", "ng"),
    "ô": ("c", "m", "n", "ng", "p", "t"),
    "ơ": ("m", "n", "p", "t"),
    "u": ("c", "m", "n", "ng", "p", "t", "k"),
    "uô": ("c", "m", "n", "ng", "t"),
    "ư": ("c", "m", "n", "ng", "t"),
    "ươ": ("c", "m", "n", "ng", "p", "t"),
    "oa": ("c", "ch", "m", "n", "ng", "nh", "p", "t"),
    "oă": ("c", "m", "n", "ng", "t"),
    "oe": ("m", "n", "t"),
    "uâ": ("n", "ng", "t"),
    "uê": ("ch", "n", "nh"),
    "uy": ("ch", "n", "nh", "p", "t"),
    "uyê": ("n", "t"),
    "y": ("ch", "n", "nh", "t"),
}


def _tone_positions(nucleus: str, closed: bool) -> frozenset[int]:
    """Where the tone mark may sit in ``nucleus`` (old and new styles both)."""
    marked = [index for index, letter in enumerate(nucleus) if letter in "ăâêôơư"]
    if marked:
        return frozenset({marked[-1]})
    if closed:
        return frozenset({len(nucleus) - 1})
    if len(nucleus) == 3:
        return frozenset({1})
    if nucleus in ("oa", "oe", "uy"):  # hòa / hoà, thúy / thuý
        return frozenset({0, 1})
    return frozenset({0})


def _rhyme_table() -> dict[str, tuple[frozenset[int], bool]]:
    """Rhyme → (allowed tone positions, ends in a stop)."""
    table = {rhyme: (_tone_positions(rhyme, False), False) for rhyme in _OPEN_RHYMES}
    for nucleus, finals in _CLOSED_RHYMES.items():
        for final in finals:
            table[nucleus + final] = (_tone_positions(nucleus, True), final in _STOPS)
    return table


_RHYMES = _rhyme_table()


def _case_ok(word: str) -> bool:
    lower = word.lower()
    return word in (lower, word.upper()) or (word[0] == word[0].upper() and word[1:] == lower[1:])


def _split_tone(word: str) -> tuple[str, str | None, int] | None:
    """(toneless lower-case letters, tone mark, its index), or None if not Vietnamese-shaped."""
    letters: list[str] = []
    tone: str | None = None
    position = -1
    for index, char in enumerate(word.lower()):
        parts = unicodedata.normalize("NFD", char)
        marks = [mark for mark in parts if mark in _TONE_SET]
        if marks:
            if tone is not None or len(marks) > 1:
                return None
            tone, position = marks[0], index
        base = _nfc("".join(mark for mark in parts if mark not in _TONE_SET))
        if base not in _ALPHABET_WIDE:
            return None
        letters.append(base)
    return "".join(letters), tone, position


def _is_plausible(word: str) -> bool:
    """Letters of the Vietnamese alphabet (and f j w z), one tone at most, sane case."""
    return _case_ok(word) and _split_tone(word) is not None


def _is_syllable(word: str) -> bool:
    """Whether ``word`` is a well-formed Vietnamese syllable (any case, NFC)."""
    if not _case_ok(word):
        return False
    split = _split_tone(word)
    if split is None:
        return False
    letters, tone, position = split
    for onset in _ONSETS:
        if not letters.startswith(onset):
            continue
        rule = _RHYMES.get(letters[len(onset) :])
        if rule is None:
            continue
        positions, stop = rule
        if tone is None:
            if not stop:
                return True
        elif (not stop or tone in (_ACUTE, _DOT)) and position - len(onset) in positions:
            return True
    return False


def _has_vowel(word: str) -> bool:
    split = _split_tone(word)
    return split is not None and any(letter in _VOWELS for letter in split[0])


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
    return all(char <= "\u00ff" or char in _CP1252_PUNCTUATION for char in text)


def _read(text: str, encoding: Encoding) -> _Reading:
    """Score ``text`` as ``encoding``; strength 0 when it cannot be that encoding."""
    none = _Reading(encoding, _NONE, (0, 0, 0))
    legacy = _LEGACY_CHARS[encoding]
    capitals = encoding is Encoding.TCVN3 and _looks_capitals(text)
    words = good = bad = odd = rescued = evidence = 0
    longest = 0
    for match in _WORDS[encoding].finditer(text):
        original = match.group()
        if not any(char in legacy for char in original):
            continue
        converted, _, leftovers = _decode(original, encoding, capitals)
        converted = _nfc(converted)
        if leftovers:
            return none
        original_ok = _is_syllable(original)
        if not _is_plausible(converted):
            words += 1
            bad += 1
        elif _is_syllable(converted):
            words += 1
            good += 1
            if not original_ok:
                rescued += 1
                if len(converted) >= 2:
                    evidence += 1
                    longest = max(longest, len(converted))
        elif not _has_vowel(converted):
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
    return _nfc(converted)


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

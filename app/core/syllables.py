"""Vietnamese letters and syllables: tone marks, the 134 precomposed letters, and
whether a word is a well-formed Vietnamese syllable.

Language facts, independent of any encoding: the legacy code tables
(:mod:`app.core.legacy_tables`) are built on the letters, and the detection
of legacy text (:mod:`app.core.legacy_text`) asks whether a word, read in a
legacy encoding, becomes a syllable (onset, rhyme, one tone on the right
vowel, a stop final only with sắc or nặng).
"""

from __future__ import annotations

import unicodedata

from app.core.text import nfc

__all__ = [
    "ACUTE",
    "BREVE",
    "CIRCUMFLEX",
    "DOT",
    "GRAVE",
    "HOOK",
    "HORN",
    "LOWER_VOWELS",
    "TILDE",
    "TONELESS_VOWELS",
    "TONES",
    "TONE_SET",
    "VIETNAMESE_LETTERS",
    "VOWEL_SHAPES",
    "has_vowel",
    "is_plausible",
    "is_syllable",
]

# --- Letters ---------------------------------------------------------------

GRAVE, HOOK, TILDE, ACUTE, DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
#: The five tone marks in the order of the TCVN3 chart (huyền, hỏi, ngã, sắc, nặng).
TONES = (GRAVE, HOOK, TILDE, ACUTE, DOT)
TONE_SET = frozenset(TONES)
CIRCUMFLEX, BREVE, HORN = "\u0302", "\u0306", "\u031b"

#: (base letter, modifier mark) of every lower-case vowel: a ă â e ê i o ô ơ u ư y.
VOWEL_SHAPES: tuple[tuple[str, str], ...] = (
    ("a", ""),
    ("a", BREVE),
    ("a", CIRCUMFLEX),
    ("e", ""),
    ("e", CIRCUMFLEX),
    ("i", ""),
    ("o", ""),
    ("o", CIRCUMFLEX),
    ("o", HORN),
    ("u", ""),
    ("u", HORN),
    ("y", ""),
)


def _lower_letters() -> list[tuple[str, str, str, str | None]]:
    """(letter, base, modifier, tone) of the 67 lower-case precomposed letters."""
    letters: list[tuple[str, str, str, str | None]] = []
    for base, modifier in VOWEL_SHAPES:
        for tone in (None, *TONES):
            if modifier or tone:
                letters.append((nfc(base + modifier + (tone or "")), base, modifier, tone))
    return letters


#: (letter, base, modifier, tone) of the 67 lower-case precomposed vowels.
LOWER_VOWELS = _lower_letters()
_LOWER_LETTERS = (*(entry[0] for entry in LOWER_VOWELS), "đ")
#: The 134 precomposed Vietnamese letters (NFC), lower case then upper case.
VIETNAMESE_LETTERS: tuple[str, ...] = (
    *_LOWER_LETTERS,
    *(letter.upper() for letter in _LOWER_LETTERS),
)

#: Vowels that can still take a tone (a ă â e ê i o ô ơ u ư y, both cases).
TONELESS_VOWELS = frozenset(nfc(base + modifier) for base, modifier in VOWEL_SHAPES) | frozenset(
    nfc(base + modifier).upper() for base, modifier in VOWEL_SHAPES
)

# --- Syllables --------------------------------------------------------

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
        marks = [mark for mark in parts if mark in TONE_SET]
        if marks:
            if tone is not None or len(marks) > 1:
                return None
            tone, position = marks[0], index
        base = nfc("".join(mark for mark in parts if mark not in TONE_SET))
        if base not in _ALPHABET_WIDE:
            return None
        letters.append(base)
    return "".join(letters), tone, position


def is_plausible(word: str) -> bool:
    """Letters of the Vietnamese alphabet (and f j w z), one tone at most, sane case."""
    return _case_ok(word) and _split_tone(word) is not None


def is_syllable(word: str) -> bool:
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
        elif (not stop or tone in (ACUTE, DOT)) and position - len(onset) in positions:
            return True
    return False


def has_vowel(word: str) -> bool:
    split = _split_tone(word)
    return split is not None and any(letter in _VOWELS for letter in split[0])

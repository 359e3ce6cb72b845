"""Legacy text (TCVN3, VNI) repaired cell by cell, with context, and an honest report.

:mod:`app.core.legacy_text` converts and detects; this module decides, for
the cells of a workbook, which to convert and says why it left the others:

- the cell's **font** (openpyxl's ``cell.font.name``) settles its encoding
  (``.VnTime`` ⇒ TCVN3, ``VNI-Times`` ⇒ VNI), so ``"Côm 1"`` set in
  ``.VnTime`` is "Cụm 1" although it reads as Vietnamese as it stands;
- else the workbook's **majority** encoding (the encoding most of its clearly
  legacy cells are in) settles a cell whose own evidence is thin or fits
  both encodings;
- else the string's **own evidence** must be clear (see
  :func:`app.core.legacy_text.detect_legacy`).

A cell mixing Unicode with legacy text, as a clerk pastes it
(``"PhÊn ®Êu vững mạnh"``), is repaired **span by span**: each run of
words in the legacy range is judged and converted on its own, the Unicode
words are kept. Text that is valid Vietnamese Unicode is never converted
without a legacy font. Every cell converted and every cell that looks
legacy but was left is reported (:class:`LegacyReport`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.core.common_syllables import all_common
from app.core.errors import N_
from app.core.legacy_tables import LEGACY_CHARS, Encoding
from app.core.legacy_text import (
    Reading,
    convert_with_font,
    in_legacy_range,
    legacy_font,
    legacy_readings,
    to_unicode,
)
from app.core.syllables import is_syllable

__all__ = [
    "BOTH_ENCODINGS",
    "FONT_MISMATCH",
    "THIN_EVIDENCE",
    "CellRepair",
    "LegacyReport",
    "cell_name",
    "majority_encoding",
    "repair",
    "repair_table",
]

#: Why a cell that looks legacy was left as it was (English msgids).
#: Each takes {text}, the cell as it stands.
THIN_EVIDENCE = N_(
    "“{text}” may be typed in an old Vietnamese font, but was left as it was: too little "
    "to go by (no legacy font, no clear encoding in the workbook)"
)
BOTH_ENCODINGS = N_(
    "“{text}” may be typed in an old Vietnamese font, but was left as it was: it reads "
    "as TCVN3 and as VNI equally well"
)
FONT_MISMATCH = N_(
    "“{text}” is set in an old Vietnamese font, but was left as it was: the text does not "
    "fit that font's encoding"
)

_SPACES = re.compile(r"(\s+)")
_WORD = re.compile(r"\w+")


def _reading_of(text: str, encoding: Encoding, caps: bool) -> str:
    """``text`` read in ``encoding``; among capitals (``caps``) TCVN3 codes are capitals."""
    return to_unicode(
        text, encoding, capitals=True if caps and encoding is Encoding.TCVN3 else None
    )


def _reads_commonly(text: str, encoding: Encoding) -> bool:
    """Whether every word of ``text`` holding a code of ``encoding`` reads as a common
    syllable in it ("Löu" is "Lưu" in VNI, "Lửu" in TCVN3)."""
    words = [word for word in text.split() if any(c in LEGACY_CHARS[encoding] for c in word)]
    return bool(words) and all(
        all_common(to_unicode(word, encoding, capitals=None)) for word in words
    )


def _break_tie(text: str, readings: Sequence[Reading], caps: bool) -> Reading | None:
    """The one reading of a tie that comes out in capitals among capitals, or else the one
    made of common syllables; None when that does not single one out."""
    if caps:
        upper = [r for r in readings if _reading_of(text, r.encoding, caps).isupper()]
        if len(upper) == 1:
            return upper[0]
    common = [r for r in readings if _reads_commonly(text, r.encoding)]
    return common[0] if len(common) == 1 else None


def _decide(
    text: str, hint: Encoding | None, *, caps: bool = False, lenient: bool = False
) -> tuple[Encoding | None, str]:
    """(encoding to convert ``text`` from, or None and why; "" when it is not legacy).

    ``caps``: the text stands among words in capitals; ``lenient``: thin evidence
    suffices (a span of words that are no Unicode syllables, inside Unicode text).
    """
    readings = legacy_readings(text)
    if not readings:
        return None, ""
    best = readings[0]
    tied = [r for r in readings if (r.strength, r.weight) == (best.strength, best.weight)]
    tie = len(tied) > 1
    if tie and (chosen := _break_tie(text, tied, caps)) is not None:
        best, tie = chosen, False
    clear = (best.strong or lenient) and not tie
    if any(r.encoding is hint for r in readings) and not (clear and best.encoding is not hint):
        return hint, ""
    if clear:
        return best.encoding, ""
    return None, BOTH_ENCODINGS if tie else THIN_EVIDENCE


def _reads_as_unicode(token: str) -> bool:
    """A token a Unicode text may hold as it stands: ASCII, or letters forming syllables."""
    if token.isascii():
        return True
    if not all(char.isascii() or char.isalpha() for char in token):
        return False
    return all(word.isascii() or is_syllable(word) for word in _WORD.findall(token))


def _converts(token: str, encoding: Encoding) -> bool:
    """Whether ``token`` holds a code of ``encoding`` and reads as syllables in it."""
    if not any(char in LEGACY_CHARS[encoding] for char in token):
        return False
    converted = to_unicode(token, encoding, capitals=None)
    return all(is_syllable(word) for word in _WORD.findall(converted) if not word.isdigit())


def _anchor(token: str) -> bool:
    """A token that is Unicode text: beyond the legacy range, or valid as it stands and
    in no legacy encoding, or common as it stands and not in any legacy encoding."""
    if not in_legacy_range(token):
        return True
    if token.isascii() or not _reads_as_unicode(token):
        return False
    # Valid both ways ("tháng" is "thỏng" in TCVN3): the common reading wins.
    readings = [to_unicode(token, e, capitals=None) for e in Encoding if _converts(token, e)]
    readings = [reading for reading in readings if reading != token]
    return not readings or (all_common(token) and not any(map(all_common, readings)))


def _legacy_parts(parts: list[str]) -> list[bool]:
    """Which parts of a text split at spaces may be legacy (not :func:`_anchor`).

    A word that reads as Unicode but converts ("gì" is "gỡ" in TCVN3) between two
    legacy words goes with them.
    """
    legacy = [not _anchor(part) for part in parts]
    words = [i for i, part in enumerate(parts) if not part.isascii()]
    for before, here, after in zip(words, words[1:], words[2:], strict=False):
        if legacy[before] and legacy[after] and not legacy[here] and in_legacy_range(parts[here]):
            legacy[here] = any(_converts(parts[here], encoding) for encoding in Encoding)
    return legacy


def _extend(run: list[str], start: int, end: int, encoding: Encoding) -> tuple[int, int]:
    """Widen ``run[start:end]`` over neighbours that convert in ``encoding`` (past ASCII)."""
    step = start - 1
    while step >= 0 and (run[step].isascii() or _converts(run[step], encoding)):
        if not run[step].isascii():
            start = step
        step -= 1
    step = end
    while step < len(run) and (run[step].isascii() or _converts(run[step], encoding)):
        if not run[step].isascii():
            end = step + 1
        step += 1
    return start, end


def _split_run(tokens: list[str], after_unicode: bool, before_unicode: bool) -> tuple[int, int]:
    """The slice of a run of legacy-range tokens to judge as legacy text.

    Next to a Unicode word, tokens that read as Unicode as they stand (numbers,
    "tháng", "và") belong to the Unicode side and are left out.
    """
    start, end = 0, len(tokens)
    while after_unicode and start < end and _reads_as_unicode(tokens[start]):
        start += 1
    while before_unicode and end > start and _reads_as_unicode(tokens[end - 1]):
        end -= 1
    return start, end


def _among_capitals(parts: list[str], legacy: list[bool], start: int, stop: int) -> bool:
    """Whether the nearest Unicode words around ``parts[start:stop]`` are in capitals
    (and the run has no lower-case ASCII letter): "IV- Tæ CHỨC" is "IV- TỔ CHỨC"."""
    if any("a" <= char <= "z" for char in "".join(parts[start:stop])):
        return False
    near = [
        next((p for p in reversed(parts[:start]) if any(c.isalpha() for c in p)), None),
        next((p for p in parts[stop:] if any(c.isalpha() for c in p)), None),
    ]
    words = [word for word in near if word is not None]
    return bool(words) and all(word.isupper() and len(word) >= 2 for word in words)


def _repair_spans(text: str, hint: Encoding | None) -> tuple[str, Encoding | None, str]:
    """Repair each run of legacy-range words of a text that also holds Unicode words."""
    parts = _SPACES.split(text)
    legacy = _legacy_parts(parts)
    # Inside text beyond the legacy range, words that are no syllables as they stand
    # ("Tæ", "TOÅ") are legacy on thin evidence.
    unicode_text = not in_legacy_range(text)
    out: list[str] = []
    found: list[Encoding] = []
    reasons: list[str] = []
    index = 0
    while index < len(parts):
        if not legacy[index]:
            out.append(parts[index])
            index += 1
            continue
        stop = index
        while stop < len(parts) and legacy[stop]:
            stop += 1
        run = parts[index:stop]
        start, end = _split_run(run, index > 0, stop < len(parts))
        core = "".join(run[start:end]).strip()
        caps = _among_capitals(parts, legacy, index, stop)
        lenient = unicode_text and not any(
            _reads_as_unicode(token) for token in core.split() if not token.isascii()
        )
        encoding, why = _decide(core, hint, caps=caps, lenient=lenient) if core else (None, "")
        if encoding is None:
            reasons.append(why)
            out.extend(run)
        else:
            found.append(encoding)
            # Words valid both ways next to the legacy words go with them.
            start, end = _extend(run, start, end, encoding)
            out.extend(run[:start])
            out.append(_reading_of("".join(run[start:end]), encoding, caps))
            out.extend(run[end:])
        index = stop
    if not found:
        return text, None, next((why for why in reasons if why), "")
    return "".join(out), found[0], ""


def repair(
    text: str, *, font_name: str | None = None, majority: Encoding | None = None
) -> tuple[str, Encoding | None, str]:
    """(text, encoding converted from or None, why a legacy-looking text was left).

    ``font_name`` is the cell's font, ``majority`` the workbook's majority
    encoding (:func:`majority_encoding`). When nothing is converted the very
    same ``text`` comes back; the reason is "" unless the text looks legacy.
    """
    if text.isascii():
        return text, None, ""
    font = legacy_font(font_name)
    if not in_legacy_range(text):
        return _repair_spans(text, font.encoding if font else majority)
    if font is not None:
        converted = convert_with_font(text, font)
        if converted is None:
            return text, None, FONT_MISMATCH if legacy_readings(text) else ""
        return converted, font.encoding, ""
    encoding, reason = _decide(text, majority)
    if encoding is None:
        # Unicode words that fit no legacy encoding ("Chuyên") may sit among legacy ones.
        spans = _repair_spans(text, majority)
        return spans if spans[1] is not None else (text, None, reason)
    return to_unicode(text, encoding, capitals=None), encoding, ""


def majority_encoding(
    values: Iterable[str], font_names: Iterable[str | None] | None = None
) -> Encoding | None:
    """The encoding most clearly legacy cells are in (by font or by evidence), or None on a tie."""
    counts: Counter[Encoding] = Counter()
    seen: dict[str, Encoding | None] = {}
    fonts = font_names if font_names is not None else iter(lambda: None, 0)
    for text, font_name in zip(values, fonts, strict=False):
        if text.isascii():
            continue
        font = legacy_font(font_name)
        if font is not None:
            counts[font.encoding] += 1
            continue
        if text not in seen:
            seen[text] = _decide(text, None)[0] if in_legacy_range(text) else None
        encoding = seen[text]
        if encoding is not None:
            counts[encoding] += 1
    ranked = counts.most_common()
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


def cell_name(row: int, column: int) -> str:
    """The A1 name of a cell (1-based row and column)."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


@dataclass(frozen=True)
class CellRepair:
    """A cell converted from a legacy encoding, or one that looks legacy and was left."""

    sheet: str
    #: The cell's row and column on its sheet, 1-based.
    row: int
    column: int
    before: str
    #: The converted text; equal to ``before`` when the cell was left.
    after: str
    #: The encoding converted from; None when the cell was left.
    encoding: Encoding | None
    #: Why the cell was left (an English msgid); "" when converted.
    reason: str = ""

    @property
    def cell(self) -> str:
        """The cell's A1 name ("B3")."""
        return cell_name(self.row, self.column)

    def translated_reason(self) -> str:
        """Why the cell was left, in the user's language ("" when converted)."""
        from app.core.i18n import gettext

        return gettext(self.reason).format(text=self.before) if self.reason else ""


@dataclass(frozen=True)
class LegacyReport:
    """Every cell of an import converted, and every cell that looks legacy but was left."""

    converted: tuple[CellRepair, ...] = ()
    left: tuple[CellRepair, ...] = ()
    #: The workbook's majority encoding, None when it has none.
    majority: Encoding | None = None

    @property
    def counts(self) -> dict[str, int]:
        """Converted cells per encoding name (encodings with none are absent)."""
        return dict(Counter(c.encoding.value for c in self.converted if c.encoding))


def repair_table(
    rows: Sequence[Sequence[object]],
    fonts: Sequence[Sequence[str | None]] | None = None,
    *,
    sheet: str = "",
    first_row: int = 1,
) -> tuple[list[list[object]], LegacyReport]:
    """Repair every text cell of a sheet's rows, the sheet as context.

    ``fonts`` holds each cell's font name (same shape as ``rows``, may be
    shorter); ``first_row`` is the sheet row number of ``rows[0]``, for the
    report's cell names. Returns the rows with converted text (other cells
    untouched) and the report.
    """
    positions = [
        (r, c)
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if isinstance(value, str) and value and not value.isascii()
    ]

    def font_of(r: int, c: int) -> str | None:
        if fonts is None or r >= len(fonts) or c >= len(fonts[r]):
            return None
        return fonts[r][c]

    texts = [str(rows[r][c]) for r, c in positions]
    names = [font_of(r, c) for r, c in positions]
    majority = majority_encoding(texts, names)
    repaired = [list(row) for row in rows]
    converted: list[CellRepair] = []
    left: list[CellRepair] = []
    done: dict[tuple[str, str | None], tuple[str, Encoding | None, str]] = {}
    for (r, c), text, font_name in zip(positions, texts, names, strict=True):
        key = (text, font_name)
        if key not in done:
            done[key] = repair(text, font_name=font_name, majority=majority)
        after, encoding, reason = done[key]
        if encoding is not None:
            repaired[r][c] = after
            converted.append(CellRepair(sheet, first_row + r, c + 1, text, after, encoding))
        elif reason:
            left.append(CellRepair(sheet, first_row + r, c + 1, text, text, None, reason))
    return repaired, LegacyReport(tuple(converted), tuple(left), majority)

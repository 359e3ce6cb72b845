"""What text the application accepts, the same for every database and every door.

SQLite stores a NUL character that PostgreSQL refuses (a ``DataError`` that rolled
back a whole import batch), and a right-to-left override can make a unit's name
read differently from what it is. Every text that comes in — package fields,
plan documents, workbook cells, what is typed — is checked here: no control
characters except tab and line breaks, no bidirectional overrides or isolates,
no byte order mark, no lone surrogate.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from db.natural import natural_key, natural_text


def nfc(text: str) -> str:
    """Unicode NFC: decomposed Vietnamese breaks PDFs and comparisons."""
    return unicodedata.normalize("NFC", text)


class _FoldTable(dict[int, str | None]):
    """``str.translate``'s table for :func:`fold`, filled the first time a character is
    met: combining marks dropped, punctuation read as a space, anything else kept."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        if unicodedata.combining(char):
            folded: str | None = None
        elif unicodedata.category(char).startswith("P"):
            folded = " "
        else:
            folded = char
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable({ord("đ"): "d", ord("Đ"): "D"})


def fold(text: str) -> str:
    """The key every search box matches on: lower case, without diacritics, "đ" as "d",
    punctuation (quote marks, dots, dashes) read as spaces, so "nong thi hoa" finds
    "Nông Thị Hoa", "cong doan" finds "Công đoàn" and "quy mai" finds Quỹ "Mái ấm".

    One ``str.translate`` over the decomposed text (each character judged once per
    process, not once per occurrence): a roster of 126,000 units folds in a fraction
    of the time a character-by-character loop took."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join(decomposed.translate(_FOLD_TABLE).casefold().split())


def search_words(text: str) -> tuple[str, ...]:
    """The words of what was typed in a search box, folded (:func:`fold`)."""
    return tuple(fold(text).split())


def found(words: tuple[str, ...], folded: str) -> bool:
    """Whether a search for ``words`` (:func:`search_words`) finds ``folded`` (a text
    folded by :func:`fold`): every word is in it, in any order and anywhere, so "cong
    doan co so 12" finds "Công đoàn cơ sở số 12". The one rule of every search box."""
    return all(word in folded for word in words)


def fold_with_positions(text: str) -> tuple[str, list[int]]:
    """``text`` folded as :func:`fold` folds it, character by character, with the
    position in ``text`` each folded character comes from: a match of ``fold(words)``
    in the folded text maps back to the words as written ("khoa ky" → "khóa ký")."""
    folded: list[str] = []
    where: list[int] = []
    for position, character in enumerate(text):
        if character.isspace():  # a run of blanks as one space, as fold says
            if folded and folded[-1] != " ":
                folded.append(" ")
                where.append(position)
            continue
        for piece in fold(character):
            folded.append(piece)
            where.append(position)
    return "".join(folded), where


def written_span(text: str, where: list[int], index: int, length: int) -> tuple[int, int]:
    """Where in ``text`` the ``length`` folded characters from ``index`` come from
    (``where`` from :func:`fold_with_positions`): start and end, the end taking in the
    marks a decomposed letter carries after it."""
    start, end = where[index], where[index + length - 1] + 1
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return start, end


def lower_first(value: str) -> str:
    """A title or period name inside a sentence: its first letter in lower case
    ("về việc tổ chức phong trào…", "thi đua 6 tháng đầu năm", "Thực hiện năm 2017")."""
    return f"{value[:1].lower()}{value[1:]}"


#: Characters never accepted in stored text.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def forbidden_character(text: str) -> str | None:
    """The first character :data:`FORBIDDEN` finds, as ``U+0000``; None when clean."""
    found = FORBIDDEN.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def first_unclean(document: Any, path: str = "") -> tuple[str, str] | None:
    """(where, which character) of the first forbidden character in a JSON value.

    Walks names and strings iteratively in memory linear in the document: the path
    to an item is kept as a link to its parent and spelled out only for the item
    found (building every path eagerly made a 400 KB payload — a long member name
    over a long list — take gigabytes).
    """
    # Each stack entry: (item, index of its parent in ``links``, its own label).
    links: list[tuple[int, str]] = []  # (parent link, label) of containers entered

    def spelled(parent: int, label: str) -> str:
        parts = [label]
        while parent >= 0:
            parent, name = links[parent]
            parts.append(name)
        return "".join(reversed(parts)).lstrip(".") or "value"

    stack: list[tuple[Any, int, str]] = [(document, -1, path)]
    while stack:
        item, parent, label = stack.pop()
        if isinstance(item, str):
            bad = forbidden_character(item)
            if bad is not None:
                return spelled(parent, label), bad
        elif isinstance(item, dict):
            links.append((parent, label))
            here = len(links) - 1
            for name, member in item.items():
                bad = forbidden_character(name)
                if bad is not None:
                    return spelled(here, f".{name[:20]!r}"), bad
                stack.append((member, here, f".{name[:40]}"))
        elif isinstance(item, list):
            links.append((parent, label))
            here = len(links) - 1
            stack.extend((member, here, f"[{n}]") for n, member in enumerate(item))
    return None


#: JSON escapes that can decode to a character :data:`FORBIDDEN` refuses
#: (``\\b``, ``\\f``, ``\\uXXXX``); or an escaped backslash before u, b or f.
_UNCLEAN_ESCAPE = re.compile(r"\\[ubf]")


#: The bytes a :data:`FORBIDDEN` character is, or starts with, in UTF-8: the control
#: bytes, and the lead bytes of U+0080-U+009F (C2), U+202A-U+202E and U+2066-U+2069
#: (E2), U+FEFF (EF) and of the surrogates (ED, never in strict UTF-8).
_SUSPECT_BYTES = {*range(0x20), 0x7F, 0xC2, 0xE2, 0xED, 0xEF} - {0x09, 0x0A, 0x0D}
#: Every other byte (deleted by ``bytes.translate`` to leave the suspects).
_INNOCENT_BYTES = bytes(byte for byte in range(256) if byte not in _SUSPECT_BYTES)


def first_unclean_json(json_text: str | bytes, document: Any) -> tuple[str, str] | None:
    """:func:`first_unclean` of ``document``, the value parsed from ``json_text``.

    Answered by two scans of the text at C speed when it is clean: a decoded
    string can only hold a forbidden character that is in the text as it is
    or comes from an escape (strict JSON refuses raw control characters in
    strings, and whitespace between tokens is never forbidden). Otherwise the
    document is walked to say where. Strict UTF-8 bytes (a package's payload)
    are first read as they are: with none of the bytes a forbidden character
    starts with, and no escape, they are clean without being decoded again.
    """
    if isinstance(json_text, bytes):
        if not json_text.translate(None, _INNOCENT_BYTES) and b"\\" not in json_text:
            return None
        text = json_text.decode("utf-8")
    else:
        text = json_text
    if FORBIDDEN.search(text) is None and _UNCLEAN_ESCAPE.search(text) is None:
        return None
    return first_unclean(document)


#: What makes a spreadsheet program read a cell as a formula (or a command in
#: older ones): the CSV convention is to quote such text with a leading "'".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def inert_csv(value: object) -> object:
    """``value`` for a CSV cell: text a spreadsheet would run as a formula gets a
    leading apostrophe, so it is shown, not evaluated; numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


__all__ = [
    "FORBIDDEN",
    "FORMULA_START",
    "first_unclean",
    "first_unclean_json",
    "fold",
    "forbidden_character",
    "found",
    "inert_csv",
    "natural_key",
    "natural_text",
    "search_words",
]

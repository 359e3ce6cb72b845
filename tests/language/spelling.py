"""Spell-checking Vietnamese text with Debian's ``hunspell-vi`` dictionary.

What is checked is what a reader reads: placeholders (``{count}``, ``%(prog)s``),
markup, command-line options (``--as-of``), words in quotes (a value typed as it
is: “registration”), tokens holding a digit (codes, hashes, dates) and Roman
numerals are left out first. A word the dictionary does not know is accepted
when it is in the reviewed list beside this file (abbreviations, product names,
each with why), or when it is the same word with the tone mark placed the
modern way (``hóa``, ``thủy``, ``khóa``: the placement of Nghị định 30/2020's
own templates, "CỘNG HÒA"), which the dictionary spells the older way (``hoá``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

WORDS_FILE = Path(__file__).with_name("words.txt")
CATALOGUE = Path(__file__).resolve().parents[2] / "resources/locale/vi/LC_MESSAGES/thidua.po"
DICTIONARY = "vi_VN"

_SKIP = re.compile(
    r"\{[^}]*\}"  # str.format placeholders
    r"|%\([^)]*\)[a-z]|%[a-z]"  # printf placeholders
    r"|<[^>]+>"  # markup
    r"|\$\w+"  # environment variables
    r"|[a-z+]+://\S*|\S+@\S+"  # addresses
    # command-line options, with a plain value typed after them ("--source excel")
    r"|(?<!\w)--?[A-Za-z][\w-]*(?:[ =][a-z0-9][a-z0-9_-]*(?![\w-]))?=?"
    r"|“[^”]*”|\"[^\"]*\"|'[^']*'"  # quoted values, typed as they are
    r"|\S*\d\S*"  # codes, hashes, dates, figures
    r"|\S*[_=]\S*"  # identifiers
    r"|\bCtrl\+\S+"  # shortcuts
    r"|\b[IVXLC]+\b"  # Roman numerals
    r"|\bthidua(?:-cli)?(?:\s+[a-z][a-z-]*)*"  # commands
    r"|\S*\.(?:thidua|xlsx|pdf|csv|json|txt|db)\b"  # file names and suffixes
)

#: Tones moved from the first to the second vowel of "oa", "oe", "uy" (modern → older).
_TONES = "\u0301\u0300\u0309\u0303\u0323"


def require_hunspell() -> None:
    """hunspell with the Vietnamese dictionary is a real part of these tests (CI installs
    ``hunspell-vi``); missing, it fails under ``THIDUA_REQUIRE_TOOLS=1`` and skips otherwise."""
    dictionary = Path(f"/usr/share/hunspell/{DICTIONARY}.dic")
    if shutil.which("hunspell") is None or not dictionary.exists():
        reason = "needs hunspell and hunspell-vi"
        if os.environ.get("THIDUA_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{reason} (THIDUA_REQUIRE_TOOLS=1)", pytrace=False)
        pytest.skip(reason)


def readable(text: str) -> str:
    """``text`` without what is not prose (see the module docstring); ``&`` accelerators out."""
    text = unicodedata.normalize("NFC", text).replace("&&", "&").replace("&", "")
    return _SKIP.sub(" ", text)


def older_tone_placement(word: str) -> str:
    """``hóa`` → ``hoá``, ``thủy`` → ``thuỷ``: the tone of "oa", "oe", "uy" on the second vowel."""
    decomposed = unicodedata.normalize("NFD", word)
    letters = list(decomposed)
    for index, char in enumerate(letters):
        if char not in _TONES or index == 0:
            continue
        vowel = letters[index - 1].lower()
        following = letters[index + 1].lower() if index + 1 < len(letters) else ""
        pair = vowel + following
        if pair in ("oa", "oe", "uy") and index + 2 >= len(letters):
            letters[index], letters[index + 1] = letters[index + 1], char
            break
    return unicodedata.normalize("NFC", "".join(letters))


def reviewed_words() -> set[str]:
    """The reviewed list: one word per line, ``#`` starts a comment (why it is there)."""
    words = set()
    for line in WORDS_FILE.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(word)
    return words


def _hunspell_unknown(words: Iterable[str]) -> set[str]:
    text = "\n".join(words)
    if not text:
        return set()
    result = subprocess.run(
        ["hunspell", "-d", DICTIONARY, "-l", "-i", "utf-8"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(result.stdout.split())


def unknown_words(texts: Iterable[str]) -> dict[str, str]:
    """Each word hunspell, the reviewed list and the tone rule all reject → a text it is in."""
    where: dict[str, str] = {}
    for text in texts:
        for word in re.findall(r"[^\W\d_]+", readable(text)):
            where.setdefault(word, text)
    unknown = _hunspell_unknown(where) - reviewed_words()
    retried = {word: older_tone_placement(word) for word in unknown}
    still = _hunspell_unknown(set(retried.values()))
    return {word: where[word][:120] for word in sorted(unknown) if retried[word] in still}


def catalogue_texts() -> list[str]:
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    texts: list[str] = []
    for message in catalog:
        if message.id and message.string:
            string = message.string
            texts.extend(string if isinstance(string, tuple) else [str(string)])
    return texts

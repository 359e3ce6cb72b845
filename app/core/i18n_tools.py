"""Catalogue maintenance: extract English msgids and update the .po files.

``python -m app.core.i18n_tools update`` rewrites ``resources/locale/*/thidua.po``
keeping existing translations; ``check`` lists msgids missing a translation
(the test suite runs the same check).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract as extract_messages
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from app.core.i18n import DOMAIN, LANGUAGES, locale_dir

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("app", "db", "ui")
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    """Every translatable string of the sources, English."""
    catalog = Catalog(project="thidua", charset="utf-8")
    for folder in SOURCE_DIRS:
        for filename, lineno, message, comments, _context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
        ):
            catalog.add(
                message,
                locations=[(f"{folder}/{filename}", lineno)],
                auto_comments=comments,
            )
    _add_argparse_messages(catalog)
    return catalog


def _add_argparse_messages(catalog: Catalog) -> None:
    """The standard library's argparse messages ("usage: ", "invalid choice…"), which
    :func:`app.core.i18n.translate_argparse` routes through this catalogue."""
    source = Path(argparse.__file__)
    with source.open("rb") as handle:
        for lineno, message, _comments, _context in extract_messages(
            "python", handle, keywords={"_": None, "ngettext": (1, 2)}
        ):
            catalog.add(message, locations=[("stdlib/argparse.py", lineno)])


def po_path(language: str) -> Path:
    return locale_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="thidua", charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def missing(language: str) -> list[str]:
    """msgids of the sources with no translation in ``language``."""
    template = extract()
    catalog = read_catalog(language)
    result = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        if translated is None or not translated.string or translated.fuzzy:
            result.append(str(message.id))
    return result


def update(languages: Iterable[str]) -> None:
    template = extract()
    for language in languages:
        catalog = read_catalog(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=False, omit_header=False)


def main(argv: list[str]) -> int:
    languages = [code for code in LANGUAGES if code != "en"]
    if argv[:1] == ["update"]:
        update(languages)
        return 0
    if argv[:1] == ["check"]:
        gaps = {language: missing(language) for language in languages}
        for language, ids in gaps.items():
            for msgid in ids:
                print(f"{language}: {msgid}")
        return 1 if any(gaps.values()) else 0
    print("usage: python -m app.core.i18n_tools update|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

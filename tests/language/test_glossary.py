"""One term per concept: the terms docs/glossary.md says to avoid appear nowhere in the
catalogue's Vietnamese (and the glossary itself is well formed)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.language.glossary import avoided_terms, offending
from tests.language.spelling import catalogue_texts


def test_the_glossary_names_terms_to_avoid() -> None:
    avoided = avoided_terms()
    assert avoided["gói tổng hợp"] == "gói chuyển tiếp"
    assert avoided["thế hệ"].startswith("khóa thứ")
    assert offending(["Gói tổng hợp quá lớn"]) and not offending(["Gói chuyển tiếp quá lớn"])


def test_catalogue_uses_one_term_per_concept() -> None:
    assert offending(catalogue_texts()) == []


def test_upper_level_unions_are_named_in_full() -> None:
    """An upper-level union is "công đoàn cấp trên trực tiếp cơ sở", as the plan says."""
    short = re.compile(r"công đoàn cấp trên(?! trực tiếp cơ sở)", re.IGNORECASE)
    assert [text for text in catalogue_texts() if short.search(text)] == []


#: Where the printed forms and the exported workbooks keep their fixed Vietnamese wording
#: (paper is always Vietnamese, written literally, not through the catalogue).
PAPER_SOURCES = ("app/printing", "app/scoring/documents.py", "app/rollup", "app/roster")


def paper_texts() -> list[str]:
    root = Path(__file__).resolve().parents[2]
    texts = []
    for where in PAPER_SOURCES:
        path = root / where
        for source in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            tree = ast.parse(source.read_text(encoding="utf-8"))
            texts += [
                node.value
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
            ]
    return texts


def test_paper_wording_uses_one_term_per_concept() -> None:
    """Our own words on the forms and workbooks (the plan's text is quoted as the
    federation wrote it, and is not ours to change)."""
    texts = paper_texts()
    assert any("Nơi nhận" in text for text in texts)  # the forms' wording is read
    # A word accepted when a workbook is read (the roster's kind "công đoàn cấp trên cơ
    # sở") is an input to understand, not wording: only longer texts are wording.
    avoided = set(avoided_terms())
    assert offending([text for text in texts if text.lower() not in avoided]) == []

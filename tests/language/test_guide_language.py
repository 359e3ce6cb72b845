"""The user guide's Vietnamese (docs/guide): spelt right (hunspell-vi and the reviewed word
list) and saying each concept with the glossary's one term."""

from __future__ import annotations

import html
import re

import pytest

from app.guide import installed_guide
from tests.language.glossary import offending
from tests.language.spelling import require_hunspell, unknown_words


def guide_texts() -> list[str]:
    """The guide as a reader reads it, one line of prose per item (commands left out)."""
    texts: list[str] = []
    for chapter in installed_guide().chapters:
        prose = re.sub(r"<code>.*?</code>", " ", chapter.html, flags=re.DOTALL)
        prose = re.sub(r"<[^>]+>", " ", prose)
        texts.extend(line.strip() for line in html.unescape(prose).splitlines() if line.strip())
    return texts


def test_the_guide_text_is_read() -> None:
    texts = guide_texts()
    assert any("dấu vân tay khóa" in text for text in texts)
    assert not any("thidua-cli" in text for text in texts)  # commands are not prose


def test_the_guide_is_spelt_right() -> None:
    require_hunspell()
    assert unknown_words(guide_texts()) == {}


def test_the_guide_uses_one_term_per_concept() -> None:
    assert offending(guide_texts()) == []
    short = re.compile(r"công đoàn cấp trên(?! trực tiếp cơ sở)", re.IGNORECASE)
    joined = " ".join(" ".join(guide_texts()).split())
    assert short.findall(joined) == []


@pytest.mark.parametrize("wrong", ["biên nhận", "luồng", "lần sửa"])
def test_the_term_check_can_fail(wrong: str) -> None:
    assert offending([f"Đây là {wrong} của đơn vị"])

"""Folding for search, and a match in folded text mapped back to the text as written."""

from __future__ import annotations

import pytest

from app.core.text import fold, fold_with_positions, written_span


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        ("Giữ khóa ký an toàn.", "khoa ky", "khóa ký"),
        ("Công  đoàn\n cơ sở", "CONG DOAN co", "Công  đoàn\n cơ"),
        ("ĐẠI HỘI Đoàn", "dai hoi", "ĐẠI HỘI"),
        ("Tiếng Việt: Nhập hộ", "nhap ho", "Nhập hộ"),
    ],
)
def test_a_folded_match_maps_back_to_the_words_as_written(
    text: str, words: str, expected: str
) -> None:
    folded, where = fold_with_positions(text)
    key = fold(words)
    found = folded.find(key)
    assert found >= 0
    start, end = written_span(text, where, found, len(key))
    assert text[start:end] == expected


def test_folded_text_agrees_with_fold() -> None:
    text = "  Dấu vân tay   khóa và THẺ KHÓA\tđơn vị "
    folded, where = fold_with_positions(text)
    assert folded.strip() == fold(text)
    assert len(where) == len(folded)
    assert where == sorted(where)


def test_decomposed_text_folds_too() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "khóa ký")
    folded, where = fold_with_positions(text)
    assert folded == "khoa ky"
    assert written_span(text, where, 0, len(folded)) == (0, len(text))


def test_fold_judges_every_character_as_its_definition_says() -> None:
    """Per character, as :func:`fold`'s docstring defines it (its translation table is
    filled lazily, so each character is checked alone and in one long text)."""
    import unicodedata

    def by_definition(text: str) -> str:
        decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        kept = (
            " " if unicodedata.category(c).startswith("P") else c
            for c in decomposed
            if not unicodedata.combining(c)
        )
        return " ".join("".join(kept).casefold().split())

    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    assert [fold(c) for c in characters] == [by_definition(c) for c in characters]
    text = "".join(characters)
    assert fold(text) == by_definition(text)

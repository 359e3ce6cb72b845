"""Searching without diacritics: one folding function (app.core.text.fold) behind every
search box, and the audit log's search (run on what the log shows, on both databases)."""

from __future__ import annotations

import pytest

from app.audit import read_audit
from app.core import audit
from app.core.context import AppContext
from app.core.text import fold, found, search_words

pytestmark = pytest.mark.both_backends


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("nong thi hoa", "Nông Thị Hoa"),
        ("d", "đ"),
        ("DOAN", "Công đoàn"),
        ("cong  doan", "CÔNG ĐOÀN"),
        ("hoa", "Hòa"),
        ("hoa", "Hoà"),  # the older tone placement, decomposed or not
        ("thuy", "Thủy"),
        ("quy mai", 'Vận động ủng hộ Quỹ "Mái ấm Công đoàn"'),  # quote marks ignored
        ("quy mai", "Quỹ “Mái ấm…”"),
        ("9a.1", "chỉ tiêu 9a.1:"),
        ("cs-0042", "CS-0042"),
    ],
)
def test_fold_matches_without_diacritics(typed: str, text: str) -> None:
    assert fold(typed) in fold(text)


@pytest.mark.parametrize(("typed", "text"), [("hoa", "Hồng Hà"), ("thi", "Thu"), ("dd", "Đức")])
def test_fold_finds_only_the_letters_typed(typed: str, text: str) -> None:
    assert fold(typed) not in fold(text)


def test_audit_search_without_diacritics(ctx: AppContext) -> None:
    with ctx.unit_of_work() as session:
        audit.record(
            session,
            action="roster.update",
            subject="CS-0042",
            detail={"chair": "Nông Thị Hoa"},
            actor="Đặng Văn Đức",
        )
        audit.record(session, action="roster.update", subject="CS-0043", detail={"chair": "An"})
    for typed in ("nong thi hoa", "NÔNG THỊ", "dang van duc", "cs-0042"):
        found = read_audit(ctx, text=typed)
        assert [row.subject for row in found] == ["CS-0042"], typed
    assert read_audit(ctx, text="khong co ai") == []
    assert {row.subject for row in read_audit(ctx, text="")} >= {"CS-0042", "CS-0043"}


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("cong doan co so 12", "Công đoàn cơ sở số 12"),  # a word between the typed ones
        ("12 cong doan", "Công đoàn cơ sở số 12"),  # in another order
        ("hoa nong", "Nông Thị Hoa"),
        ("  ", "anything"),  # nothing typed: everything found
    ],
)
def test_a_search_finds_every_word_anywhere(typed: str, text: str) -> None:
    assert found(search_words(typed), fold(text))


@pytest.mark.parametrize(
    ("typed", "text"),
    [("cong doan 13", "Công đoàn cơ sở số 12"), ("hoa hong", "Nông Thị Hoa")],
)
def test_a_search_needs_every_word(typed: str, text: str) -> None:
    assert not found(search_words(typed), fold(text))

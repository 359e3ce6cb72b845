"""A corpus of office lines typed in TCVN3 and VNI, restored; Unicode lines never touched.

The corpus (``seed_lines.txt``) is the seed plan of the Tuyên Quang
federation (2017), cut into its lines and clauses, plus the short,
abbreviation-heavy strings an office writes (signatures, unit and person
names, cluster names). Each line is written in TCVN3 and VNI by the
independent encoders of :mod:`tests.unit.legacy.encoders`; mixed lines
keep their second half in Unicode, as a clerk pastes an old phrase before
new text. The figures are printed (``pytest -s``). Legacy lines and mixed
lines must stay at ≥ 98 % restored, with no Unicode line changed. Where the
legacy half meets the Unicode half, a word that reads as Vietnamese both
ways ("tháng" is "thỏng" in TCVN3) goes to the reading made of common
syllables (:mod:`app.core.common_syllables`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.legacy_repair import repair, repair_table
from tests.unit.legacy.encoders import to_tcvn3, to_vni

LINES = [
    line
    for line in (Path(__file__).with_name("seed_lines.txt")).read_text("utf-8").splitlines()
    if line
]
ENCODERS: dict[str, Callable[[str], str]] = {"TCVN3": to_tcvn3, "VNI": to_vni}
SHORT = ["CĐCS Cơ quan ĐUKDN tỉnh", "Đã ký", "TM. BAN CHẤP HÀNH", "Nông Thị Hoa"]


def _mixed(line: str, encode: Callable[[str], str]) -> str | None:
    """The first half of ``line``'s words in the legacy encoding, the rest in Unicode."""
    words = line.split(" ")
    if len(words) < 4:
        return None
    half = len(words) // 2
    return " ".join([encode(" ".join(words[:half])), *words[half:]])


def _share(done: int, total: int) -> float:
    return done / total if total else 1.0


def test_the_corpus_is_large_enough() -> None:
    assert len(LINES) >= 100
    assert all(line in LINES for line in SHORT)


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_legacy_lines_are_restored(name: str) -> None:
    encode = ENCODERS[name]
    pairs = [(line, encode(line)) for line in LINES if encode(line) != line]
    alone = [repair(legacy)[0] == line for line, legacy in pairs]
    rows, report = repair_table([[legacy] for _, legacy in pairs])
    in_sheet = [row[0] == line for row, (line, _) in zip(rows, pairs, strict=True)]
    misses = [legacy for (_, legacy), ok in zip(pairs, alone, strict=True) if not ok]
    print(
        f"\n{name}: {sum(alone)}/{len(pairs)} lines restored alone "
        f"({_share(sum(alone), len(pairs)):.1%}), {sum(in_sheet)}/{len(pairs)} in one sheet "
        f"({_share(sum(in_sheet), len(pairs)):.1%}); left alone: {misses}"
    )
    assert len(pairs) >= 100
    assert _share(sum(alone), len(pairs)) >= 0.98
    assert _share(sum(in_sheet), len(pairs)) >= 0.98
    assert report.majority is not None and report.majority.value == name


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_the_short_office_strings_are_restored(name: str) -> None:
    for line in SHORT:
        assert repair(ENCODERS[name](line))[0] == line


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_mixed_lines_are_repaired_span_by_span(name: str) -> None:
    pairs = [(line, mixed) for line in LINES if (mixed := _mixed(line, ENCODERS[name]))]
    pairs = [(line, mixed) for line, mixed in pairs if mixed != line]
    restored = [repair(mixed)[0] == line for line, mixed in pairs]
    misses = [mixed for (_, mixed), ok in zip(pairs, restored, strict=True) if not ok]
    print(
        f"\n{name} mixed: {sum(restored)}/{len(pairs)} restored "
        f"({_share(sum(restored), len(pairs)):.1%}); left: {misses}"
    )
    assert len(pairs) >= 80
    assert _share(sum(restored), len(pairs)) >= 0.98


def test_the_issue_mixed_line() -> None:
    assert repair("PhÊn ®Êu vững mạnh")[0] == "Phấn đấu vững mạnh"


@pytest.mark.parametrize(
    ("mixed", "line"),
    [
        # A word valid both ways goes to its common reading, on either side.
        ("Tuyªn Quang, ngµy 07 tháng 02 năm 2017", "Tuyên Quang, ngày 07 tháng 02 năm 2017"),
        ("th¸o gì khã kh¨n, huy động", "tháo gỡ khó khăn, huy động"),
        ("- Löu VT, CS-PL", "- Lưu VT, CS-PL"),
        # Unicode words that also fit a legacy encoding are kept ("Chuyên" is not "Chuyờn").
        ("C«ng ®oµn Tr\xadêng THPT Chuyên Tuyên Quang", "Công đoàn Trường THPT Chuyên Tuyên Quang"),
        # Among capitals, a TCVN3 code typed with a capitals font is a capital.
        ("IV- Tæ CHỨC THỰC HIỆN", "IV- TỔ CHỨC THỰC HIỆN"),
        ("IV- TOÅ CHỨC THỰC HIỆN", "IV- TỔ CHỨC THỰC HIỆN"),
    ],
)
def test_mixed_lines_at_the_seams(mixed: str, line: str) -> None:
    assert repair(mixed)[0] == line


def test_unicode_lines_are_never_changed() -> None:
    changed = [line for line in LINES if repair(line)[0] != line]
    rows, report = repair_table([[line] for line in LINES])
    print(f"\nUnicode: {len(changed)}/{len(LINES)} lines changed (false positives)")
    assert changed == []
    assert [row[0] for row in rows] == LINES
    assert report.converted == ()
    # Nor in a sheet whose majority is legacy (a clerk's new lines in an old file).
    for encode in ENCODERS.values():
        sheet = [[encode(line)] for line in LINES[:60]] + [[line] for line in LINES]
        rows, _ = repair_table(sheet)
        assert [row[0] for row in rows[60:]] == LINES

"""Vietnamese without spelling mistakes or stray English: the catalogue's Vietnamese
and the printed forms' text (read back with pdftotext), spell-checked with hunspell-vi."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.language.spelling import (
    catalogue_texts,
    older_tone_placement,
    readable,
    require_hunspell,
    unknown_words,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _hunspell() -> None:
    require_hunspell()


def test_the_checker_finds_mistakes_and_english() -> None:
    """It can fail: a misspelt word and an English word are found, the tone rule and the
    skipped codes are not."""
    found = unknown_words(
        ["Đơn vị đã gửi báo cáo", "Chưa có đơnn vị nào gưi", "Gói mới: sent", "khóa hòa thủy"]
    )
    assert set(found) == {"đơnn", "gưi", "sent"}
    assert older_tone_placement("hóa") == "hoá"
    assert older_tone_placement("Thủy") == "Thuỷ"
    assert older_tone_placement("hoàn") == "hoàn"
    assert readable("Dùng --as-of {day} với “registration” tại CS-00001").split() == [
        "Dùng",
        "với",
        "tại",
    ]


def test_catalogue_vietnamese_is_spelt_right() -> None:
    assert unknown_words(catalogue_texts()) == {}


def cli(home: Path, *args: str) -> None:
    env = dict(os.environ, THIDUA_HOME=str(home), THIDUA_LANG="vi")
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_printed_forms_are_spelt_right(tmp_path: Path) -> None:
    home, demo, pdf = tmp_path / "home", tmp_path / "demo", tmp_path / "pdf"
    cli(home, "--db", str(tmp_path / "unused.db"), "demo", "--out", str(demo), "--units", "4")
    db = ("--db", str(demo / "federation.db"))
    # Only the registrations arrive: the h1 reports are still owed, for the reminder.
    cli(home, *db, "import", *map(str, sorted(demo.glob("packages/*_registration_*"))))
    pdf.mkdir()
    cli(home, *db, "print", "plan", "--out", str(pdf / "plan.pdf"))
    cli(home, *db, "print", "registration", "--unit", "CS-00001", "--out", str(pdf / "reg.pdf"))
    for period in ("h1", "year"):
        out = str(pdf / f"results-{period}.pdf")
        cli(home, *db, "print", "results", "--unit", "CS-00001", "--period", period, "--out", out)
    cli(home, *db, "print", "summary", "--out", str(pdf / "summary.pdf"))
    cli(home, *db, "print", "covenant", "--cluster", "Cụm 1", "--out", str(pdf / "covenant.pdf"))
    cli(home, *db, "rank", "--pdf", str(pdf / "rank.pdf"))
    cli(home, *db, "proposals", "print", "--out", str(pdf / "proposals.pdf"))
    cli(
        home,
        *db,
        "remind",
        "--stream",
        "h1",
        "--include-not-due",
        "--single-file",
        "--out",
        str(pdf / "remind.pdf"),
    )
    printed = sorted(pdf.glob("*.pdf"))
    assert len(printed) == 9
    texts = [
        subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        for path in printed
    ]
    unknown = unknown_words(line for text in texts for line in text.splitlines())
    assert unknown == {}, "\n".join(f"{word}: {line}" for word, line in unknown.items())

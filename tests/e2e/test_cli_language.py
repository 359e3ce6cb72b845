"""The command line speaks the user's language all the way: argparse's own words
("usage:", "invalid choice", "required") included, for `thidua-cli` and `thidua`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Words argparse prints in English when its messages are not routed through the catalogue.
ENGLISH = ("usage:", "options:", "invalid choice", "required", "unrecognized", "error:")


def run(home: Path, module: str, *args: str, lang: str = "vi") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, THIDUA_HOME=str(home), THIDUA_LANG=lang, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("frob",), "lựa chọn không hợp lệ: 'frob'"),
        (("history",), "còn thiếu các tham số bắt buộc: UNIT_CODE"),
        (("history", "CS-1", "--compare", "abc"), "cần 2 giá trị"),
        (("print", "registration", "--out", "x.pdf", "--bogus"), "không hiểu các tham số: --bogus"),
    ],
)
def test_usage_errors_in_vietnamese(tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    result = run(tmp_path, "app.cli", *args)
    assert result.returncode == 2
    assert expected in result.stderr, result.stderr
    assert "cách dùng: thidua-cli" in result.stderr
    assert "lỗi:" in result.stderr
    assert not [word for word in ENGLISH if word in result.stderr], result.stderr


def test_help_in_vietnamese_and_english(tmp_path: Path) -> None:
    vietnamese = run(tmp_path, "app.cli", "--help")
    assert vietnamese.returncode == 0
    assert vietnamese.stdout.startswith("cách dùng: thidua-cli")
    assert "tùy chọn:" in vietnamese.stdout
    assert "hiện hướng dẫn này rồi thoát" in vietnamese.stdout
    english = run(tmp_path, "app.cli", "--lang", "en", "frob")
    assert english.returncode == 2
    assert "usage: thidua-cli" in english.stderr
    assert "invalid choice: 'frob'" in english.stderr


def test_application_help_in_vietnamese(tmp_path: Path) -> None:
    result = run(tmp_path, "ui.main", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("cách dùng: thidua")
    assert "hiện phiên bản rồi thoát" in result.stdout
    assert "tệp cơ sở dữ liệu" in result.stdout
    assert not [word for word in ENGLISH if word in result.stdout], result.stdout


@pytest.mark.slow
def test_import_and_keys_in_words_not_codes(tmp_path: Path) -> None:
    """The text output names kinds, periods, outcomes and key statuses as people say
    them; the codes (report, h1, new, accepted) stay in --json only."""
    demo = run(tmp_path, "app.cli", "demo", "--out", str(tmp_path / "demo"), "--units", "3")
    assert demo.returncode == 0, demo.stderr
    db = str(tmp_path / "demo" / "federation.db")
    imported = run(tmp_path, "app.cli", "--db", db, "import", str(tmp_path / "demo" / "packages"))
    assert imported.returncode == 0, imported.stderr
    rows = [line.split("\t") for line in imported.stdout.splitlines() if "\t" in line]
    assert rows
    assert {(row[2], row[5]) for row in rows} == {("Báo cáo", "Mới")}
    assert {row[3] for row in rows} == {"Đăng ký thi đua", "6 tháng đầu năm 2017", "Năm 2017"}
    keys = run(tmp_path, "app.cli", "--db", db, "enrol", "list")
    assert "Đã chấp nhận" in keys.stdout
    assert "accepted" not in keys.stdout

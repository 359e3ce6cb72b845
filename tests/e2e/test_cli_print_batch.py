"""Batch printing as a person scripts it: `thidua-cli print batch` on a demo province whose
units registered but only some reported for the first half-year — a cluster's key cards
one file each, an upper-level union's results in one PDF (read back with pdftotext), the
units without a report listed as skipped, and a name clash refused until --replace."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_cli_deadlines import as_json, cli

#: Subprocesses and a whole province: left out of `make test-fast`.
pytestmark = pytest.mark.slow


def _text(path: Path) -> str:
    raw = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(raw.split())


def test_print_batch(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "demo"
    demo = as_json(home, tmp_path / "unused.db", "demo", "--out", str(out), "--units", "6")
    db = Path(demo["database"])
    packages = sorted(Path(demo["packages"]).iterdir())
    # Every registration, but the first half-year report of CS-00002 stays on the stick.
    cli(
        home,
        db,
        "import",
        *[str(p) for p in packages if "CS-00002" not in p.name or "h1" not in p.name],
    )

    cards = tmp_path / "cards"
    found = as_json(
        home, db, "print", "batch", "--document", "key_card", "--cluster", "Cụm 1",
        "--out", str(cards),
    )  # fmt: skip
    assert found["skipped"] == [] and found["printed"] == len(found["files"]) > 0
    names = sorted(p.name for p in cards.iterdir())
    assert names == sorted(Path(f).name for f in found["files"])
    assert all(n.endswith("_the-khoa-2017.pdf") for n in names)
    assert "THẺ KHÓA XÁC THỰC" in _text(cards / names[0])

    results = tmp_path / "ct-001.pdf"
    printed = as_json(
        home, db, "print", "batch", "--document", "results_h1", "--union", "CT-001",
        "--single-file", "--out", str(results),
    )  # fmt: skip
    text = _text(results)
    assert printed["files"] == [str(results)]
    assert text.count("Kết quả thực hiện đăng ký thi đua 6 tháng đầu năm") == printed["printed"]
    skipped = {s["code"]: s["reason"] for s in printed["skipped"]}
    assert set(skipped) <= {"CS-00002"}
    if skipped:
        assert skipped["CS-00002"] == "chưa gửi báo cáo kỳ này"

    every = as_json(
        home, db, "print", "batch", "--document", "results_h1", "--out", str(tmp_path / "all"),
    )  # fmt: skip
    assert [(s["code"], s["reason"]) for s in every["skipped"]] == [
        ("CS-00002", "chưa gửi báo cáo kỳ này")
    ]
    assert every["printed"] == 5 and not any("CS-00002" in f for f in every["files"])

    again = cli(
        home, db, "print", "batch", "--document", "results_h1", "--union", "CT-001",
        "--single-file", "--out", str(results), status=1,
    )  # fmt: skip
    assert f"Tệp {results} đã có." in again.stderr
    cli(
        home, db, "print", "batch", "--document", "results_h1", "--union", "CT-001",
        "--single-file", "--out", str(results), "--replace",
    )  # fmt: skip
    words = cli(
        home, db, "print", "batch", "--units", "CS-00001,CS-00002", "--document", "results_h1",
        "--out", str(tmp_path / "two"),
    ).stdout  # fmt: skip
    assert "Đã in 1 văn bản" in words and "Bỏ qua CS-00002" in words
    assert "chưa gửi báo cáo kỳ này" in words

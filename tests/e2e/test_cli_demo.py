"""`thidua-cli demo --out DIR` into a folder that already holds a demo: refused in
Vietnamese before anything is written (no traceback, the first demo untouched)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_cli_deadlines import cli

#: Subprocesses: left out of `make test-fast`.
pytestmark = pytest.mark.slow


def tree_digest(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_second_demo_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "demo"
    cli(home, tmp_path / "unused.db", "demo", "--out", str(out), "--units", "3")
    before = tree_digest(out)
    again = cli(home, tmp_path / "unused.db", "demo", "--out", str(out), "--units", "3", status=1)
    assert "Traceback" not in again.stderr
    assert f"Thư mục đã có dữ liệu mẫu: {out}; chọn thư mục khác hoặc xóa nó." in again.stderr
    assert tree_digest(out) == before

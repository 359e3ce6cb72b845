"""`thidua-cli quick-start` as a chair scripts it: the steps tick as the database shows
them done, in text and in JSON, each naming the guide's section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.guide import installed_guide
from tests.e2e.test_cli_deadlines import cli

#: Subprocesses: left out of `make test-fast`.
pytestmark = pytest.mark.slow


def test_a_chair_s_quick_start_on_the_command_line(tmp_path: Path) -> None:
    home, db = tmp_path / "home", tmp_path / "unit.db"
    before = cli(home, db, "quick-start", status=1)
    assert "thidua-cli init" in before.stderr  # nothing set up yet: said, not a traceback
    cli(home, db, "init", "--role", "unit", "--name", "CĐCS Trường Kim Phú", "--code", "CS-0001")
    text = cli(home, db, "quick-start").stdout
    assert text.splitlines()[0] == "Bắt đầu nhanh: đã xong 0/7 bước."
    assert "[ ] 3. Nhập bản đăng ký thi đua (hướng dẫn: #unit-registration)" in text

    cli(home, db, "print", "registration", "--out", str(tmp_path / "dang-ky.pdf"))
    state = json.loads(cli(home, db, "quick-start", "--json").stdout)
    assert state["role"] == "unit" and (state["done"], state["total"]) == (1, 7)
    done = [s["key"] for s in state["steps"] if s["done"]]
    assert done == ["registration-form"]
    assert {s["guide"] for s in state["steps"]} <= installed_guide().anchors

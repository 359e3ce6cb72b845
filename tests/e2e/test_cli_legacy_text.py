"""An old office roster (TCVN3 and VNI fonts) imported with `thidua-cli`: stored in
Unicode, and the output says what was converted and what was left."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli_packages import FEDERATION_KEY, Cli
from tests.unit.test_legacy_imports import _office_roster


def test_roster_import_reports_converted_and_left_cells(tmp_path: Path) -> None:
    fed = Cli(tmp_path / "home", tmp_path / "fed.db", key=FEDERATION_KEY)
    fed.run("init", "--role", "federation", "--name", "LĐLĐ tỉnh Tuyên Quang")
    path = tmp_path / "danh-sach.xlsx"
    _office_roster(path)
    out = fed.run("roster", "import", str(path)).stdout
    assert "3 ô đã được chuyển từ TCVN3 sang Unicode." in out, out
    assert "1 ô đã được chuyển từ VNI sang Unicode." in out, out
    assert "1 ô có thể gõ bằng phông cũ được giữ nguyên." in out, out
    assert "“Noâng Thò Hoa” đã chuyển thành “Nông Thị Hoa”" in out
    assert "“Lª” dùng phông tiếng Việt cũ nhưng được giữ nguyên" in out
    roster = json.loads(fed.run("roster", "list", "--json").stdout)
    units = {u["code"]: u for u in roster}
    assert {units[c]["cluster"] for c in ("CS-0101", "CS-0102", "CS-0103", "CS-0104")} == {"Cụm 1"}
    assert units["CS-0103"]["chair"] == "Nông Thị Hoa"

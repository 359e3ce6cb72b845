"""`thidua-cli roster import` refuses a cluster mixing upper-level unions and CĐCS."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli_packages import FEDERATION_KEY, Cli
from tests.unit.roster.workbooks import GOOD, NEXT_ROW, write_workbook


def test_a_cluster_mixing_levels_is_refused_in_vietnamese(tmp_path: Path) -> None:
    fed = Cli(tmp_path / "home", tmp_path / "fed.db", key=FEDERATION_KEY)
    fed.run("init", "--role", "federation", "--name", "LĐLĐ tỉnh Tuyên Quang")
    rows: list[list[object]] = [
        *(list(row) for row in GOOD),
        ["CS-0100", "CĐCS Trường Mầm non Hoa Sen", "CĐCS", "HCSN", "LDH-01", "Cụm 1"],
    ]
    refused = fed.run("roster", "import", str(write_workbook(tmp_path / "x.xlsx", rows)), ok=False)
    assert refused.returncode != 0
    said = " ".join((refused.stdout + refused.stderr).split())
    assert f"{NEXT_ROW}" in said
    assert (
        "“Cụm 1” gồm các công đoàn cấp trên trực tiếp cơ sở: "
        "không thể xếp công đoàn cơ sở vào cụm này"
    ) in said, said
    assert json.loads(fed.run("roster", "list", "--json").stdout) == []
    # The same units, the CĐCS in a cluster of its level: imported.
    rows[-1][5] = "Cụm 2"
    fed.run("roster", "import", str(write_workbook(tmp_path / "y.xlsx", rows)))
    units = {u["code"]: u for u in json.loads(fed.run("roster", "list", "--json").stdout)}
    assert units["CS-0100"]["cluster"] == "Cụm 2"

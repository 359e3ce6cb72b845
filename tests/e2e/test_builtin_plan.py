"""The seed's 2017 plan, as `thidua-cli plan show --json` prints it.

Every target of section II of the Tuyên Quang plan must come out with its
exact value, comparison, unit and sector split.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

#: Subprocesses and whole provinces: left out of `make test-fast`.
pytestmark = pytest.mark.slow

ENTERPRISE = ["state_enterprise", "non_state_enterprise", "fdi"]
NON_STATE = ["non_state_enterprise", "fdi"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env={"THIDUA_LANG": "vi", "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[2],
    )


@pytest.fixture(scope="module")
def plan_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = str(tmp_path_factory.mktemp("cli") / "x.db")
    init = run_cli("--db", db, "init", "--role", "federation", "--name", "LĐLĐ tỉnh Tuyên Quang")
    assert init.returncode == 0, init.stderr
    assert "LĐLĐ tỉnh Tuyên Quang" in init.stdout
    shown = run_cli("--db", db, "plan", "show", "tuyen-quang-2017", "--json")
    assert shown.returncode == 0, shown.stderr
    data: dict[str, Any] = json.loads(shown.stdout)
    return data


def targets(plan: dict[str, Any], code: str) -> list[tuple[str, object, list[str]]]:
    indicator = next(i for i in plan["indicators"] if i["code"] == code)
    return [(t["comparison"], t["value"], t["sectors"]) for t in indicator["targets"]]


def indicator(plan: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in plan["indicators"] if i["code"] == code)
    return found


def test_plan_header(plan_json: dict[str, Any]) -> None:
    assert plan_json["id"] == "tuyen-quang-2017"
    assert plan_json["year"] == 2017
    assert plan_json["issued_on"] == "2017-02-07"
    assert plan_json["place"] == "Tuyên Quang"
    assert plan_json["number"].endswith("/KH-LĐLĐ")
    assert plan_json["theme"] == "Năm vì lợi ích đoàn viên"
    assert plan_json["signer"] == {"name": "Nguyễn Thị Thu Thủy", "title": "CHỦ TỊCH"}
    assert [p["code"] for p in plan_json["periods"]] == ["h1", "year"]
    assert [g["label"] for g in plan_json["grade_scale"]] == [
        "Vững mạnh",
        "Khá",
        "Trung bình",
        "Yếu",
    ]
    names = [m["name"] for m in plan_json["movements"]]
    assert "Lao động giỏi, lao động sáng tạo" in names
    assert "Xanh - Sạch - Đẹp, Bảo đảm an toàn vệ sinh lao động" in names
    assert "Ba xây - Ba không" in names


def test_item_codes_one_to_nine_with_9a_to_9d_stroke(plan_json: dict[str, Any]) -> None:
    codes = [g["code"] for g in plan_json["groups"]]
    assert codes == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "9a", "9b", "9c", "9d", "9đ"]
    assert {
        g["parent"] for g in plan_json["groups"] if g["code"].startswith("9") and g["code"] != "9"
    } == {"9"}


def test_targets_1_to_4(plan_json: dict[str, Any]) -> None:
    assert targets(plan_json, "1") == [
        ("reach", 100, ["administrative"]),
        ("reach", 80, ENTERPRISE),
    ]
    assert indicator(plan_json, "1")["kind"] == "ratio"
    assert targets(plan_json, "2.1") == [("reach", 2000, [])]
    assert indicator(plan_json, "2.1")["unit_of_measure"] == "đoàn viên"
    assert targets(plan_json, "2.2") == [("reach", 15, [])]
    assert targets(plan_json, "2.3") == [("more_than", 85, [])]
    assert indicator(plan_json, "2.3")["sectors"] == ENTERPRISE
    assert targets(plan_json, "3.1") == [("reach", 100, [])]
    assert targets(plan_json, "3.2") == [("reach", 100, [])]
    four = indicator(plan_json, "4")
    assert four["kind"] == "grade" and four["rollup"] == "share_of_units"
    assert [
        (t["comparison"], t["value"], t["grade_level"], t["grade_direction"])
        for t in four["targets"]
    ] == [("more_than", 80, "vung_manh", "at_or_above"), ("none", 0, "yeu", "at_or_below")]


def test_targets_5_to_8(plan_json: dict[str, Any]) -> None:
    five = indicator(plan_json, "5")
    assert five["rollup"] == "average_per_unit" and five["unit_kinds"] == ["grassroots"]
    assert targets(plan_json, "5") == [("at_least", 1, [])]
    assert targets(plan_json, "6.1") == [("reach", 90, [])]
    assert targets(plan_json, "6.2") == [("at_least", 85, [])]
    seven = indicator(plan_json, "7.1")
    assert seven["kind"] == "money" and seven["unit_of_measure"] == "đồng"
    assert targets(plan_json, "7.1") == [("at_least", 700_000_000, [])]
    assert targets(plan_json, "7.2") == [("at_least", 30, [])]
    assert indicator(plan_json, "7.2")["unit_of_measure"] == "nhà"
    assert indicator(plan_json, "8")["rollup"] == "average_per_unit"
    assert targets(plan_json, "8") == [("reach", 1, [])]


def test_targets_9a_to_9d_stroke(plan_json: dict[str, Any]) -> None:
    assert targets(plan_json, "9a.1") == [("reach", 100, ["administrative"])]
    assert targets(plan_json, "9a.2") == [
        ("reach", 100, ["state_enterprise"]),
        ("reach", 70, NON_STATE),
    ]
    assert targets(plan_json, "9a.3") == [
        ("at_least", 60, ["state_enterprise"]),
        ("at_least", 45, NON_STATE),
    ]
    assert targets(plan_json, "9b") == [("at_least", 70, [])]
    assert indicator(plan_json, "9b")["sectors"] == ENTERPRISE
    assert targets(plan_json, "9c") == [
        ("reach", 100, ["state_enterprise"]),
        ("at_least", 55, NON_STATE),
    ]
    assert indicator(plan_json, "9c")["unit_goal"] == {
        "comparison": "at_least",
        "value": 80,
        "wording": "80% trở lên công nhân, lao động",
    }
    assert targets(plan_json, "9d") == [("at_least", 85, [])]
    assert targets(plan_json, "9đ.1") == [("at_least", 70, [])]
    stroke2 = indicator(plan_json, "9đ.2")
    assert stroke2["targets"][0]["scope"] == "each_unit"
    assert targets(plan_json, "9đ.2") == [("at_least", 40, [])]
    assert stroke2["unit_kinds"] == ["upper"]


def test_every_text_is_nfc(plan_json: dict[str, Any]) -> None:
    import unicodedata

    text = json.dumps(plan_json, ensure_ascii=False)
    assert unicodedata.is_normalized("NFC", text)


def test_unknown_plan_id_is_a_clear_error(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    assert run_cli("--db", db, "init", "--role", "federation", "--name", "LĐLĐ").returncode == 0
    before = (tmp_path / "x.db").read_bytes()
    result = run_cli("--db", db, "plan", "show", "ha-noi-2030", "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Không có kế hoạch nào có mã ha-noi-2030." in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "x.db").read_bytes() == before

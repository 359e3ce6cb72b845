"""Entry on a unit's behalf as a person scripts it: `thidua-cli enter` from the paper
form (`--set`, `--values`) and from the unit's filled Excel template (`--from-xlsx`),
seen in `history`, then refused once the unit's own signed r1 has taken over."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.core import domain
from app.demo.province import make_demo, write_report
from app.unit.template import write_statement_template
from db.enums import IndicatorKind
from tests.e2e.test_cli_deadlines import as_json, cli
from tests.helpers import plain_count

#: Subprocesses and a whole province: left out of `make test-fast`.
pytestmark = pytest.mark.slow

UNIT = "CS-00001"


def test_enter_from_paper_and_excel_then_the_unit_takes_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("THIDUA_HOME", str(home))
    monkeypatch.setenv("THIDUA_STAFF_NAME", "Lê Văn Cường")
    demo = make_demo(out_dir=tmp_path / "demo", units=4, seed=17, streams=())
    db = demo.database
    unit = demo.unit(UNIT)
    a, b = [
        i.code
        for i in demo.plan.indicators
        if i.kind is IndicatorKind.COUNT and i.applies_to(unit.kind, unit.sector)
    ][:2]

    paper = as_json(home, db, "enter", UNIT, "--stream", "h1", "--set", f"{a}=1.250",
                    "--set", f"{b}=20")  # fmt: skip
    assert (paper["source"], paper["revision"], paper["values"]) == ("paper", 1, 2)
    assert paper["entered_by"] == "Lê Văn Cường"
    text = cli(home, db, "enter", UNIT, "--stream", "h1", "--set", f"{a}=1260").stdout
    assert f"Đã nhập hộ {UNIT}" in text and "lần nhập 2 từ bản giấy" in text

    workbook = tmp_path / "CS-00001.xlsx"
    write_statement_template(
        workbook, plan=demo.plan, stream="h1", unit_code=UNIT, unit_name=unit.name,
        values={a: domain.UnitValue(amount=1300), b: domain.UnitValue(amount=20)},
    )  # fmt: skip
    excel = as_json(home, db, "enter", UNIT, "--from-xlsx", str(workbook))
    assert (excel["source"], excel["revision"], excel["stream"]) == ("excel", 3, "h1")
    assert excel["file_name"] == "CS-00001.xlsx"
    assert [(c["code"], c["old"], c["new"]) for c in excel["changes"]] == [(a, "1.260", "1.300")]

    statement = tmp_path / "statement.json"
    statement.write_text(
        json.dumps(
            {
                "statement": {
                    "values": {a: {"amount": 77}}, "signer_name": "Phạm Thị Dung",
                    "signer_title": "Chủ tịch", "signed_on": "2017-01-20", "place": "",
                    "notes": "", "movements": [], "titles": [], "works": [],
                }
            }
        ),
        encoding="utf-8",
    )  # fmt: skip
    other = as_json(home, db, "enter", "CS-00002", "--stream", "registration",
                    "--values", str(statement))  # fmt: skip
    assert (other["unit_code"], other["stream"], other["source"]) == (
        "CS-00002",
        "registration",
        "paper",
    )

    history = as_json(home, db, "history", UNIT, "--stream", "h1")
    (h1,) = history["streams"]
    assert [(v["source"], v["status"]) for v in h1["versions"]] == [
        ("paper", "superseded"),
        ("paper", "superseded"),
        ("excel", "applied"),
    ]
    assert h1["versions"][2]["source_label"] == "Cán bộ nhập hộ từ tệp Excel"

    signed = write_report(
        unit, demo.plan, demo.federation_id, "h1",
        {a: domain.UnitValue(amount=1300), b: domain.UnitValue(amount=21)},
        tmp_path, revision=1,
    )  # fmt: skip
    imported = as_json(home, db, "import", str(signed))
    (item,) = imported["items"]
    assert item["outcome"] == "updated"
    assert "Thay cho bản cán bộ nhập hộ từ tệp Excel" in item["reason"] and b in item["reason"]
    refused = cli(home, db, "enter", UNIT, "--stream", "h1", "--set", f"{a}=1", status=1)
    assert f"Đơn vị {UNIT} đã tự gửi báo cáo có chữ ký" in refused.stderr

    # Bad input: a clear message, nothing changed.
    before = db.stat().st_size, os.path.getmtime(db)
    for args, words in (
        (("--stream", "h1", "--set", "NOPE=1"), "không có trong kế hoạch"),
        (("--stream", "h1", "--set", f"{a}"), "MÃ=GIÁ_TRỊ"),
        (("--set", f"{a}=1"), "--stream"),
        (("--stream", "h1", "--set", f"{a}=1", "--values", str(statement)), "đúng một"),
        (("--stream", "h1", "--set", f"{a}=-5"), ""),
        (("--from-xlsx", str(workbook), "--source", "paper"), "--source excel"),
    ):
        bad = cli(home, db, "enter", "CS-00003", *args, status=1)
        assert words in bad.stderr
    assert as_json(home, db, "history", "CS-00003")["streams"] == []
    assert before[0] == db.stat().st_size


def test_enter_with_the_day_received(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--received DD/MM/YYYY`: the entry arrived that day; a day after today is refused
    in Vietnamese, nothing entered."""
    home = tmp_path / "home"
    monkeypatch.setenv("THIDUA_HOME", str(home))
    demo = make_demo(out_dir=tmp_path / "demo", units=4, seed=17, streams=())
    db = demo.database
    code = plain_count(demo, UNIT)
    refused = cli(home, db, "enter", UNIT, "--stream", "h1", "--set", f"{code}=5",
                  "--received", "01/01/2999", status=1)  # fmt: skip
    assert "Ngày nhận 01/01/2999 sau hôm nay" in refused.stderr
    entered = as_json(home, db, "enter", UNIT, "--stream", "h1", "--set", f"{code}=5",
                      "--received", "10/07/2017")  # fmt: skip
    assert entered["received_at"] == "2017-07-09T17:00:00+00:00"
    cli(home, db, "deadlines", "set", "h1", "15/07/2017")
    late = as_json(home, db, "late", "--stream", "h1", "--as-of", "20/07/2017")
    (h1,) = late["streams"]
    assert (h1["received"], h1["on_time"]) == (1, 1)

"""Suspicious values as a person scripts them: `thidua-cli plan checks` tunes the
thresholds, an import flags a value far above the registration (and merges it),
`thidua-cli flags` lists it and `flags verify` / `flags unverify` mark it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.core import domain
from app.demo.province import make_demo, write_report
from tests.e2e.test_cli_deadlines import as_json, cli
from tests.helpers import plain_count

#: Subprocesses and a whole province: left out of `make test-fast`.
pytestmark = pytest.mark.slow

UNIT = "CS-00001"


def test_flags_listed_verified_and_thresholds_tuned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("THIDUA_HOME", str(home))
    demo = make_demo(out_dir=tmp_path / "demo", units=3, seed=17, streams=())
    db = demo.database
    plan = demo.plan.id
    unit = demo.unit(UNIT)
    code = plain_count(demo, UNIT)
    with sqlite3.connect(db) as connection:  # no members-over-workers flag for this test
        connection.execute("UPDATE roster_entry SET member_count = 1, worker_count = 2")

    shown = as_json(home, db, "plan", "checks", "--plan", plan)
    assert shown["checks"]["registration"] == {"factor": 3, "minimum": 10}
    assert as_json(home, db, "plan", "show", plan)["checks"] == shown["checks"]
    tuned = tmp_path / "checks.json"
    tuned.write_text(json.dumps({"registration": {"factor": 2.5, "minimum": 10}}))
    saved = as_json(home, db, "plan", "checks", "--plan", plan, "--set", str(tuned))
    assert saved["checks"]["registration"] == {"factor": "2.5", "minimum": 10}
    tuned.write_text(json.dumps({"registration": {"factor": 1}}))
    refused = cli(home, db, "plan", "checks", "--plan", plan, "--set", str(tuned), status=1)
    assert "Ngưỡng kiểm tra giá trị bất thường không hợp lệ" in refused.stderr
    assert as_json(home, db, "plan", "checks", "--plan", plan)["checks"] == saved["checks"]

    files = tmp_path / "files"
    files.mkdir()
    for stream, amount in (("registration", 100), ("h1", 251)):
        write_report(
            unit, demo.plan, demo.federation_id, stream,
            {code: domain.UnitValue(amount=amount)}, files, revision=1,
        )  # fmt: skip
    cli(home, db, "import", str(files))

    (flag,) = as_json(home, db, "flags", "--plan", plan)
    assert flag["unit"]["code"] == UNIT and flag["stream"] == "h1"
    assert flag["indicator"]["code"] == code
    assert flag["check"] == "above_registration"
    assert flag["check_label"] == "Cao bất thường so với đăng ký"
    assert flag["values"] == {"value": 251, "reference": 100, "factor": "2.5"}
    assert flag["values_text"] == "251: hơn 2,5 lần số đăng ký (100)"
    assert not flag["verified"]
    with sqlite3.connect(db) as connection:
        (merged,) = connection.execute(
            "SELECT v.amount FROM statement_value v JOIN statement s ON s.id = v.statement_id "
            "WHERE s.stream = 'h1'"
        ).fetchone()
    assert merged == 251  # flagged, and merged all the same

    text = cli(home, db, "flags").stdout
    assert UNIT in text and "chưa xác minh" in text

    done = cli(home, db, "flags", "verify", str(flag["id"]), "--note", "Đã gọi điện xác nhận")
    assert str(flag["id"]) in done.stdout
    assert as_json(home, db, "flags") == []
    (verified,) = as_json(home, db, "flags", "--all")
    assert verified["verified"] and verified["note"] == "Đã gọi điện xác nhận"
    again = cli(home, db, "flags", "verify", str(flag["id"]), status=1)
    assert "đã được xác minh rồi" in again.stderr
    missing = cli(home, db, "flags", "verify", "999", status=1)
    assert "Không có giá trị bất thường số 999" in missing.stderr

    cli(home, db, "flags", "unverify", str(flag["id"]))
    assert [f["id"] for f in as_json(home, db, "flags")] == [flag["id"]]
    with sqlite3.connect(db) as connection:
        actions = [a for (a,) in connection.execute("SELECT action FROM audit_log ORDER BY id")]
    assert [a for a in actions if a.startswith("value_")] == [
        "value_checks.save",
        "value_flag.verify",
        "value_flag.unverify",
    ]

"""A unit's history as a person scripts it: `thidua-cli history` (and `--compare`) on a
demo province that received CS-00001's h1 report twice, r2 changing two values."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core import domain
from app.demo.province import make_demo, write_report
from db.enums import IndicatorKind
from tests.e2e.test_cli_deadlines import as_json, cli

#: Subprocesses and a whole province: left out of `make test-fast`.
pytestmark = pytest.mark.slow

UNIT = "CS-00001"


def test_history_and_compare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("THIDUA_HOME", str(home))
    demo = make_demo(out_dir=tmp_path / "demo", units=4, seed=17, streams=())
    db = demo.database
    unit = demo.unit(UNIT)
    a, b = [
        i.code
        for i in demo.plan.indicators
        if i.kind is IndicatorKind.COUNT and i.applies_to(unit.kind, unit.sector)
    ][:2]
    files = tmp_path / "files"
    files.mkdir()
    first = write_report(
        unit, demo.plan, demo.federation_id, "h1",
        {a: domain.UnitValue(amount=1250), b: domain.UnitValue(amount=20)},
        files, revision=1,
    )  # fmt: skip
    cli(home, db, "import", str(first))
    with sqlite3.connect(db) as connection:
        (r1,) = connection.execute("SELECT hash FROM package WHERE kind = 'report'").fetchone()
    write_report(
        unit, demo.plan, demo.federation_id, "h1",
        {a: domain.UnitValue(amount=1300), b: domain.UnitValue(amount=25)},
        files, revision=2, supersedes=r1,
    )  # fmt: skip
    cli(home, db, "import", str(files))
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE package SET received_at = '2017-07-12T03:30:00+00:00' WHERE hash <> ? "
            "AND kind = 'report'",
            (r1,),
        )
        (r2,) = connection.execute(
            "SELECT hash FROM package WHERE kind = 'report' AND hash <> ?", (r1,)
        ).fetchone()

    history = as_json(home, db, "history", UNIT, "--stream", "h1")
    assert history["unit"]["code"] == UNIT
    (h1,) = history["streams"]
    assert h1["stream"] == "h1" and h1["plan"] == demo.plan.id
    versions = h1["versions"]
    assert [(v["revision"], v["status"]) for v in versions] == [
        (1, "superseded"),
        (2, "applied"),
    ]
    assert [v["status_label"] for v in versions] == [
        "Đã được thay bằng lần gửi mới hơn",
        "Đã ghi nhận",
    ]
    assert versions[1]["received_at"] == "2017-07-12T03:30:00+00:00"
    assert versions[1]["supersedes"] == r1
    assert all(v["source_label"] == "Gói có chữ ký" for v in versions)
    text = cli(home, db, "history", UNIT).stdout
    assert r1[:12] in text and r2[:12] in text and "Chưa nhận được." in text

    compared = as_json(home, db, "history", UNIT, "--compare", r1[:8], r2)
    assert [(v["code"], v["old"], v["new"]) for v in compared["values"]] == [
        (a, "1.250", "1.300"),
        (b, "20", "25"),
    ]
    assert compared["details"] == []
    assert (compared["first"]["revision"], compared["second"]["revision"]) == (1, 2)
    plain = cli(home, db, "history", UNIT, "--compare", r1, r2).stdout
    assert "1.250 → 1.300" in plain

    unknown = cli(home, db, "history", "CS-99999", status=1)
    assert "Không có đơn vị mã CS-99999" in unknown.stderr
    short = cli(home, db, "history", UNIT, "--compare", "abc", r2, status=1)
    assert "ít nhất 8 ký tự" in short.stderr
    missing = cli(home, db, "history", UNIT, "--compare", "0123456789abcdef", r2, status=1)
    assert "Không có gói 0123456789abcdef" in missing.stderr

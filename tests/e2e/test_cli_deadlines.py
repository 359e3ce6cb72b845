"""Deadlines and on-time rates as a person scripts them: `thidua-cli` only, on a demo
province whose report packages reached the federation at set times."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

#: Subprocesses and whole provinces: left out of `make test-fast`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

#: When each unit's h1 report reached the federation (UTC), as staff's clock stamped it.
RECEIVED = {
    "CS-00001": "2017-07-15T16:30:00+00:00",  # 23:30 on the last day in Vietnam
    "CS-00002": "2017-07-15T17:10:00+00:00",  # 00:10 the day after
    "CS-00003": "2017-07-19T03:00:00+00:00",  # within its extension
    "CS-00004": "2017-07-30T03:00:00+00:00",  # after the day asked about
    "CS-00005": "2017-07-30T03:00:00+00:00",
    "CT-001": "2017-07-30T03:00:00+00:00",
}


def cli(home: Path, db: Path, *args: str, status: int = 0) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, THIDUA_HOME=str(home), THIDUA_LANG="vi")
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


def as_json(home: Path, db: Path, *args: str) -> Any:
    return json.loads(cli(home, db, *args, "--json").stdout)


def test_deadlines_extension_and_late_units(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "demo"
    demo = as_json(home, tmp_path / "unused.db", "demo", "--out", str(out), "--units", "6")
    db = Path(demo["database"])
    cli(home, db, "import", demo["packages"])
    with sqlite3.connect(db) as connection:
        units = dict(connection.execute("SELECT code, id FROM unit WHERE code IS NOT NULL"))
        for code, received_at in RECEIVED.items():
            connection.execute(
                "UPDATE package SET received_at = ? WHERE unit_id = ? AND stream = 'h1'",
                (received_at, units[code]),
            )

    bad = cli(home, db, "deadlines", "set", "h1", "31/02/2017", status=2)
    assert "Lịch không có ngày 31/02/2017" in bad.stderr
    bad = cli(home, db, "deadlines", "set", "h1", "15.07.2017", status=2)
    assert "không phải là ngày" in bad.stderr
    cli(home, db, "deadlines", "set", "h1", "15/07/2017")
    refused = cli(
        home, db, "deadlines", "extend", "XX-1", "h1", "20/07/2017", "--reason", "Bão", status=1
    )
    assert "Không có đơn vị mã XX-1" in refused.stderr
    cli(home, db, "deadlines", "extend", "CS-00003", "h1", "2017-07-20", "--reason", "Lũ lụt")

    listed = as_json(home, db, "deadlines", "list")
    by_stream = {d["stream"]: d for d in listed["deadlines"]}
    assert by_stream["h1"]["due_on"] == "2017-07-15"
    assert by_stream["registration"]["due_on"] is None
    assert [(e["unit_code"], e["due_on"], e["reason"]) for e in by_stream["h1"]["extensions"]] == [
        ("CS-00003", "2017-07-20", "Lũ lụt")
    ]

    late = as_json(home, db, "late", "--stream", "h1", "--as-of", "20/07/2017")
    (h1,) = late["streams"]
    # Counted here from RECEIVED: by the end of 20/07 (UTC+7) three arrived, CS-00002 a day late.
    as_of, due = dt.date(2017, 7, 20), dt.date(2017, 7, 15)
    arrived = {
        code: (dt.datetime.fromisoformat(at) + dt.timedelta(hours=7)).date()
        for code, at in RECEIVED.items()
    }
    received = {c for c, d in arrived.items() if d <= as_of}
    last_day = {c: dt.date(2017, 7, 20) if c == "CS-00003" else due for c in arrived}
    on_time = {c for c in received if arrived[c] <= last_day[c]}
    assert (h1["expected"], h1["received"], h1["on_time"]) == (6, len(received), len(on_time))
    assert h1["reporting_rate"] == "1/2" and h1["reporting_rate_text"] == "50,0%"
    assert h1["on_time_rate"] == "1/3" and h1["on_time_rate_text"] == "33,3%"
    assert {u["code"]: (u["status"], u["days_late"]) for u in h1["units"]} == {
        "CS-00002": ("late", 1),
        "CS-00004": ("missing", 5),
        "CS-00005": ("missing", 5),
        "CT-001": ("missing", 5),
    }
    text = cli(home, db, "late", "--stream", "h1", "--as-of", "2017-07-20").stdout
    assert "3/6 đơn vị đã nộp (50,0%), 2 đúng hạn (33,3%), 1 trễ hạn, 3 chưa nộp" in text
    assert cli(home, db, "late", "--as-of", "2017-13-01", status=2).returncode == 2

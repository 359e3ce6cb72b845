"""Reminders as a person scripts them: `thidua-cli remind` on a demo province whose h1
reports reached the federation at set times, the letters and the list read back."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e.test_cli_deadlines import RECEIVED, as_json, cli

#: Subprocesses and whole provinces: left out of `make test-fast`.
pytestmark = pytest.mark.slow


def test_remind(tmp_path: Path) -> None:
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
        parents = dict(
            connection.execute(
                "SELECT u.code, p.code FROM roster_entry r JOIN unit u ON u.id = r.unit_id "
                "LEFT JOIN unit p ON p.id = r.parent_id WHERE u.code IS NOT NULL"
            )
        )
    cli(home, db, "deadlines", "set", "h1", "15/07/2017")

    letters = tmp_path / "nhac.pdf"
    found = as_json(
        home, db, "remind", "--stream", "h1", "--as-of", "20/07/2017", "--single-file",
        "--out", str(letters), "--xlsx", str(tmp_path / "nhac.xlsx"),
    )  # fmt: skip
    assert found["files"] == [str(letters)] and found["due_on"] == "2017-07-15"
    # Again into the same files: refused before anything is written, unless --replace.
    again = ["remind", "--stream", "h1", "--as-of", "20/07/2017", "--single-file",
             "--out", str(letters), "--xlsx", str(tmp_path / "nhac.xlsx")]  # fmt: skip
    before = letters.read_bytes()
    refused = cli(home, db, *again, status=1)
    assert "đã có 2 tệp trùng tên" in refused.stderr and letters.read_bytes() == before
    assert as_json(home, db, *again, "--replace")["files"] == [str(letters)]
    # Not received by the end of 20/07 (UTC+7): arrived on 30/07.
    behind = {"CS-00004", "CS-00005", "CT-001"}
    listed = {u["code"]: u["days_late"] for x in found["letters"] for u in x["units"]}
    assert listed == dict.fromkeys(behind, 5)
    for letter in found["letters"]:
        for unit in letter["units"]:
            if letter["for_area"]:
                assert letter["recipient_code"] in (unit["code"], parents[unit["code"]])
            else:
                assert letter["recipient_code"] == unit["code"]
    raw = subprocess.run(
        ["pdftotext", str(letters), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(raw.split())
    assert text.count("Kính gửi:") == len(found["letters"])
    assert "V/v đôn đốc gửi báo cáo" in text and "./." in text
    sheet = load_workbook(tmp_path / "nhac.xlsx").active
    assert sheet is not None
    assert {row[1] for row in sheet.iter_rows(min_row=4, values_only=True)} == behind

    folder = tmp_path / "moi-don-vi"
    each = as_json(
        home, db, "remind", "--stream", "h1", "--as-of", "2017-07-20", "--per-unit",
        "--out", str(folder),
    )  # fmt: skip
    assert sorted(Path(f).name for f in each["files"]) == sorted(
        f"{code}_don-doc-h1.pdf" for code in behind
    )
    assert all(not x["for_area"] for x in each["letters"])

    nothing = cli(
        home, db, "remind", "--stream", "registration", "--out", str(tmp_path / "x.pdf"), status=1
    )
    assert "không có đơn vị nào cần đôn đốc" in nothing.stderr
    assert not (tmp_path / "x.pdf").exists()
    text_out = cli(
        home, db, "remind", "--stream", "h1", "--as-of", "20/07/2017", "--single-file",
        "--out", str(tmp_path / "again.pdf"),
    ).stdout  # fmt: skip
    assert "đơn vị" in text_out
    assert json.loads(json.dumps(found))  # plain JSON

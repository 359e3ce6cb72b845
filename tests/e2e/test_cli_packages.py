"""The package path as a person scripts it: two databases, two homes, `thidua-cli` only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

#: The federation's database on both backends (the unit's is always its own SQLite file).
pytestmark = [pytest.mark.both_backends, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


#: The passphrase protecting a test federation's signing key (kept in its database).
FEDERATION_KEY = "khóa-thử-Tuyên-Quang"


class Cli:
    """``thidua-cli`` run as one PC does; a federation's (``key``) unlocks its key for
    every command with ``--key-passphrase-env``, as staff scripts do."""

    def __init__(self, home: Path, db: Path | str, *, key: str | None = None) -> None:
        self.home = home
        self.db = db
        self.key = key

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, THIDUA_HOME=str(self.home), THIDUA_LANG="vi")
        unlock: tuple[str, ...] = ()
        if self.key is not None:
            env["THIDUA_TEST_KEY"] = self.key
            unlock = ("--key-passphrase-env", "THIDUA_TEST_KEY")
        result = subprocess.run(
            [sys.executable, "-m", "app.cli", "--db", str(self.db), *unlock, *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
        if ok:
            assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json").stdout)


def test_federation_and_unit_exchange_packages_by_files(tmp_path: Path, database_url: str) -> None:
    fed = Cli(tmp_path / "fed-home", database_url, key=FEDERATION_KEY)
    member = Cli(tmp_path / "unit-home", tmp_path / "unit.db")
    fed.run("init", "--role", "federation", "--name", "LĐLĐ tỉnh Tuyên Quang")
    fed.run("roster", "template", "--out", str(tmp_path / "roster.xlsx"))
    fed.run("roster", "import", str(tmp_path / "roster.xlsx"))
    exported = fed.json("plan", "export", "--out", str(tmp_path / "plans"))
    assert {e["unit_code"] for e in exported} == {"LDH-01", "CS-0001"}
    fingerprint = fed.json("keys", "show")["fingerprint"]

    member.run("init", "--role", "unit", "--name", "Công đoàn Xi măng", "--code", "CS-0001")
    refused = member.run(
        "plan", "import", str(tmp_path / "plans" / "CS-0001_plan_2017.thidua"), ok=False
    )
    assert refused.returncode == 1
    assert "Hãy xác nhận dấu vân tay" in refused.stderr
    info = member.json(
        "plan",
        "import",
        str(tmp_path / "plans" / "CS-0001_plan_2017.thidua"),
        "--accept-fingerprint",
        fingerprint,
    )
    assert info["federation_fingerprint"] == fingerprint
    enrolment = member.json("export", "--kind", "enrolment", "--out", str(tmp_path / "e.thidua"))
    statement = {
        "plan": "tuyen-quang-2017",
        "stream": "registration",
        "statement": {
            "values": {
                "2.1": {"amount": 40},
                "7.1": {"amount": 25_000_000},
                "9a.2": {"flag": True},
                "4": {"grade": "vung_manh"},
            },
            "signer_name": "Nguyễn Thị Hoa",
            "signer_title": "Chủ tịch",
            "signed_on": "2017-03-02",
            "place": "Tuyên Quang",
            "notes": "",
            "movements": ["LDG-DN", "XSD"],
            "titles": [
                {
                    "collective": False,
                    "person": "Trần Văn Bình",
                    "position": "Tổ trưởng",
                    "title": "Lao động giỏi",
                }
            ],
            "works": [{"name": "Sửa chữa nhà văn hóa", "occasion": "Đại hội CĐCS"}],
        },
    }
    (tmp_path / "reg.json").write_text(json.dumps(statement, ensure_ascii=False), encoding="utf-8")
    member.run("fill", str(tmp_path / "reg.json"))
    report = member.json("export", "--kind", "registration", "--out", str(tmp_path / "r1.thidua"))
    assert report["revision"] == 1 and report["fingerprint"] == enrolment["fingerprint"]

    verified = fed.json("verify", str(tmp_path / "e.thidua"))
    assert verified[0]["outcome"] == "pending_key"
    dry = fed.json("import", str(tmp_path / "e.thidua"), str(tmp_path / "r1.thidua"), "--dry-run")
    assert dry["dry_run"] and dry["counts"]["pending_key"] == 2
    assert fed.json("enrol", "list") == [], "a dry run records no key"
    applied = fed.json("import", str(tmp_path / "e.thidua"), str(tmp_path / "r1.thidua"))
    assert applied["counts"]["pending_key"] == 2
    [pending] = fed.json("enrol", "list", "--status", "pending")
    assert pending["fingerprint"] == enrolment["fingerprint"]
    accepted = fed.json(
        "enrol",
        "accept",
        pending["keyid"],
        "--fingerprint",
        enrolment["fingerprint"],
        "--evidence",
        "Phiếu đăng ký số 7",
    )
    assert accepted["status"] == "accepted"
    assert accepted["released"]["counts"]["new"] == 1
    rollup = {(r["indicator"], r["target"]): r for r in fed.json("rollup", "tuyen-quang-2017")}
    assert rollup[("2.1", "2.000 đoàn viên")]["streams"]["registration"]["value"] == "40"

    fed.run("receipts", "--out", str(tmp_path / "receipts"))
    [receipt] = (tmp_path / "receipts").iterdir()
    member.run("receipt", "import", str(receipt))
    [status] = member.json("status")
    assert (status["stream"], status["revision"], status["status"]) == (
        "registration",
        1,
        "received",
    )

    again = fed.json("import", str(tmp_path / "r1.thidua"))
    assert again["counts"]["duplicate"] == 1
    fed.run("rebuild")
    check = fed.json("db", "check")
    assert check["ok"] and check["integrity"] == ["ok"]

"""``thidua-cli person export|erase``: one person's data on request, audited, the archived
signed packages left whole."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from app.core.context import open_context
from app.setup.personal_data import name_digest
from db import models
from tests.e2e.test_cli_packages import Cli

CHAIR = "Nguyễn Thị Hoa"
PROPOSED = "Đặng Văn Bình"


def test_a_persons_data_is_exported_then_erased_on_request(tmp_path: Path) -> None:
    member = Cli(tmp_path / "home", tmp_path / "unit.db")
    member.run("init", "--role", "unit", "--name", "Công đoàn Xi măng", "--code", "CS-0001")
    statement = {
        "plan": "tuyen-quang-2017",
        "stream": "registration",
        "statement": {
            "values": {"2.1": {"amount": 40}},
            "signer_name": CHAIR,
            "signer_title": "Chủ tịch",
            "signed_on": "2017-03-02",
            "place": "Tuyên Quang",
            "notes": "",
            "movements": [],
            "titles": [
                {
                    "collective": False,
                    "person": PROPOSED,
                    "position": "Tổ trưởng",
                    "title": "Lao động giỏi",
                }
            ],
            "works": [],
        },
    }
    (tmp_path / "reg.json").write_text(json.dumps(statement, ensure_ascii=False), encoding="utf-8")
    member.run("fill", str(tmp_path / "reg.json"))

    member.run("person", "export", "đặng văn bình", "--out", str(tmp_path / "binh.json"))
    exported = json.loads((tmp_path / "binh.json").read_text(encoding="utf-8"))
    assert [r["table"] for r in exported["records"]] == ["statement_title"]
    assert exported["records"][0]["fields"]["title"] == "Lao động giỏi"

    refused = member.run("person", "erase", PROPOSED, ok=False)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    member.run("person", "erase", PROPOSED, "--yes")
    member.run("person", "erase", CHAIR, "--yes")
    nobody = member.run("person", "erase", CHAIR, "--yes", ok=False)
    assert nobody.returncode == 1

    ctx = open_context(tmp_path / "unit.db")
    try:
        with ctx.reading() as session:
            assert list(session.scalars(select(models.StatementTitle.person_name))) == [""]
            assert list(session.scalars(select(models.Statement.signer_name))) == [""]
            erased = list(
                session.execute(
                    select(models.AuditEntry.subject, models.AuditEntry.detail_json).where(
                        models.AuditEntry.action == "person.erase"
                    )
                )
            )
            logged = " ".join(
                str(row) for row in session.execute(select(models.AuditEntry.__table__))
            )
    finally:
        ctx.close()
    assert [subject for subject, _detail in erased] == [name_digest(PROPOSED), name_digest(CHAIR)]
    assert PROPOSED not in logged and CHAIR not in logged, "the log keeps a hash, not the name"

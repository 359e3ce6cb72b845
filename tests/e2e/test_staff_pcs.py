"""Two staff PCs on one shared PostgreSQL database (issue #18): PC 1 sets the federation
up and, unlocking with the passphrase it chooses, creates the key in the database;
PC 2, another user folder with no key file, opens the same database, is refused while
locked and with a wrong passphrase, unlocks with the right one, writes plan packages
and receipts that a unit imports and verifies; every audit entry carries the staff
name of the PC that acted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app import unit
from app.core.context import open_context
from app.exchange import federation, unlock_key
from app.exchange.merge import import_packages
from app.roster.template import write_roster_template
from db import models
from tests.helpers import PLAN, enrol_unit, unit_database
from tests.postgres import PostgresServer
from tests.unit.test_packages_flow import enter_registration

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "Công đoàn Tuyên Quang 2017"
FIRST, SECOND = "Trần Văn An", "Lê Thị Bình"


def cli(home: Path, *args: str, status: int = 0, **env: str) -> subprocess.CompletedProcess[str]:
    variables = dict(os.environ, THIDUA_HOME=str(home), THIDUA_LANG="vi", **env)
    variables.pop("THIDUA_STAFF_NAME", None)
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env=variables,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_a_second_staff_pc_unlocks_the_key_and_signs(
    postgres_server: PostgresServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = postgres_server.create()
    pc1, pc2 = tmp_path / "pc1", tmp_path / "pc2"
    db = ["--db", url]
    cli(pc1, *db, "--staff", FIRST, "init", "--role", "federation", "--name", "LĐLĐ tỉnh TQ")
    write_roster_template(tmp_path / "roster.xlsx")
    cli(pc1, *db, "--staff", FIRST, "roster", "import", str(tmp_path / "roster.xlsx"))
    unlock = ["--key-passphrase-env", "KEY"]
    export = ["plan", "export", "--plan", PLAN, "--units", "CS-0001"]
    cli(pc1, *db, "--staff", FIRST, *unlock, *export, "--out", str(tmp_path / "p1"), KEY=PASSPHRASE)

    # PC 2: no key file; locked, then a wrong passphrase, then the right one.
    locked = cli(pc2, *db, "--staff", SECOND, *export, "--out", str(tmp_path / "x"), status=1)
    assert "Khóa ký của Liên đoàn đang khóa" in locked.stderr
    wrong = cli(
        pc2, *db, *unlock, *export, "--out", str(tmp_path / "x"), status=1, KEY="sai mật khẩu"
    )
    assert "Mật khẩu không đúng" in wrong.stderr
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())
    plans = tmp_path / "p2"
    cli(pc2, *db, "--staff", SECOND, *unlock, *export, "--out", str(plans), KEY=PASSPHRASE)
    assert not (pc2 / "keys").exists()

    # The rest of PC 2's session, in this process: a unit imports the plan package
    # (verifying the federation's signature), enrols, reports; PC 2 writes the receipt.
    monkeypatch.setenv("THIDUA_HOME", str(pc2))
    monkeypatch.setenv("THIDUA_STAFF_NAME", SECOND)
    fed = open_context(url)
    unlock_key(fed, passphrase=PASSPHRASE)
    chair = unit_database(tmp_path / "unit.db", name="CĐ Xi măng Tân Quang", code="CS-0001")
    enrol_unit(fed, chair, plans, tmp_path)
    enter_registration(chair, 25)
    report = unit.export_report(chair, plan_id=PLAN, stream="registration", out_dir=tmp_path)
    import_packages(fed, paths=[report.path], dry_run=False)
    [receipt] = federation.write_receipts(fed, out_dir=tmp_path / "receipts")
    status = unit.import_receipt(chair, path=receipt)
    assert (status.status, status.revision) == ("received", 1)

    with fed.reading() as session:
        entries = set(session.execute(select(models.AuditEntry.action, models.AuditEntry.actor)))
        decided = session.scalars(
            select(models.SigningKey.decided_by).where(models.SigningKey.role == "unit")
        ).all()
    assert {("init", FIRST), ("key.create", FIRST), ("plan.export", FIRST)} <= entries
    assert {("plan.export", SECOND), ("key.accepted", SECOND), ("receipt.export", SECOND)} <= (
        entries
    )
    assert decided == [SECOND]
    fed.close()
    postgres_server.drop(url)

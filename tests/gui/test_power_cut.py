"""Killing the app right after typing loses nothing that was typed and committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from app.core.context import open_context
from app.core.installation import get_installation
from app.statements.records import statement_values
from db.enums import Sector
from tests.helpers import unit_database

ROOT = Path(__file__).resolve().parents[2]


def test_sigkill_after_typing_loses_no_committed_edit(tmp_path: Path) -> None:
    db = tmp_path / "unit.db"
    unit_database(
        db,
        name="Công đoàn Công ty Xi măng Tân Quang",
        code="CS-7",
        sector=Sector.NON_STATE_ENTERPRISE,
    ).close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", THIDUA_HOME=str(tmp_path / "home"))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.gui.typing_app", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # the app prints TYPED or exits
        assert line.strip() == "TYPED", process.stderr.read() if process.stderr else line
        os.kill(process.pid, signal.SIGKILL)  # the power cut
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL

    ctx = open_context(db)
    try:
        with ctx.reading() as session:
            assert session.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            installation = get_installation(session)
            assert installation is not None
            plan = "tuyen-quang-2017"
            registration = statement_values(
                session, plan_id=plan, unit_id=installation.own_unit_id, stream="registration"
            )
            h1 = statement_values(
                session, plan_id=plan, unit_id=installation.own_unit_id, stream="h1"
            )
    finally:
        ctx.close()
    assert registration["2.1"].amount == 42
    assert registration["7.1"].amount == 3_500_000
    assert (registration["2.3"].numerator, registration["2.3"].denominator) == (90, 120)
    assert h1["2.1"].amount == 17

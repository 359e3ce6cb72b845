"""Moving a federation's whole database onto its shared PostgreSQL server and back
(issue #18), as staff script it with `thidua-cli db copy`: everything travels
(archive, merged tables, a conflict, a pending key, scoring rules, audit, roll-up
cells), every table's digest is equal on both sides, what the federation reads is
the same before and after, the server keeps working, and a move killed half-way
leaves the source usable and the target refused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, make_url, select

from app.core.context import open_context
from app.exchange.format import seal
from app.exchange.keystore import generate_keypair
from app.exchange.merge import import_packages
from app.exchange.outcomes import Outcome
from db import models
from db.enums import REGISTRATION_STREAM
from db.schema import MOVE_MARKER
from tests.helpers import bump, golden_province
from tests.postgres import PostgresServer, _libpq
from tests.unit.package_forge import Env, enrolment, hash_of, report

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
#: A counted indicator of the built-in plan (new members), changed by the test's revisions.
COUNTED = "2.1"


def cli(home: Path, *args: str, status: int = 0) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, THIDUA_HOME=str(home), THIDUA_LANG="vi")
    env.pop("THIDUA_STAFF_NAME", None)
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


def as_json(home: Path, *args: str) -> Any:
    return json.loads(cli(home, *args, "--json").stdout)


def readings(home: Path, db: str, plan_id: str) -> dict[str, Any]:
    """What the federation reads of its season: roll-up, rates, scores, conflicts, keys."""
    return {
        "rollup": as_json(home, "--db", db, "rollup", plan_id),
        "late": as_json(home, "--db", db, "late", "--as-of", "2017-12-31"),
        "score": as_json(home, "--db", db, "score"),
        "conflicts": as_json(home, "--db", db, "conflicts"),
        "keys": as_json(home, "--db", db, "enrol", "list"),
    }


@pytest.fixture
def federation(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> tuple[Path, Env]:
    """A demo federation with its reports merged, one conflict, one pending key and
    scoring rules of its own."""
    province = golden_province(tmp_path_factory, "move", units=6)
    database = tmp_path / "federation.db"
    database.write_bytes(province.database.read_bytes())
    ctx = open_context(database)
    env = Env(ctx=ctx, backend="sqlite", dir=tmp_path, demo=province.demo)
    try:
        merged = import_packages(ctx, paths=list(province.demo.files), dry_run=False)
        assert merged.counts["new"] == len(province.demo.files)
        unit = env.unit("CS-00001")
        values = bump(unit.values[REGISTRATION_STREAM], COUNTED, 7)
        # A revision naming a version the federation never had: held as a conflict.
        other = env.write(
            "conflict.thidua", report(env, unit, values=values, revision=2, supersedes="ab" * 32)
        )
        new_key = generate_keypair()
        head, body = enrolment(env, env.unit("CS-00002"), new_key.public_raw)
        sealed, _hash = seal(head, body, [new_key.private_key])
        pending = env.write("new-key.thidua", sealed)
        items = import_packages(ctx, paths=[other, pending], dry_run=False).items
        assert [i.outcome for i in items] == [Outcome.CONFLICT, Outcome.PENDING_KEY], [
            i.reason_text() for i in items
        ]
    finally:
        ctx.close()
    home = tmp_path / "home"
    cli(home, "--db", str(database), "rules", "reset")
    return database, env


def whole(digests: dict[str, Any]) -> dict[str, Any]:
    """The tables a move must copy as they are: its own entry in the target's audit
    log is written after the copy is proven."""
    return {name: digest for name, digest in digests.items() if name != "audit_log"}


def test_move_to_server_and_back(
    federation: tuple[Path, Env], postgres_server: PostgresServer, tmp_path: Path
) -> None:
    database, env = federation
    home = tmp_path / "home"
    plan_id = env.plan.id
    server = postgres_server.empty()
    before = readings(home, str(database), plan_id)
    source_digests = as_json(home, "db", "digest", str(database))
    assert source_digests["package"]["rows"] > 18 and source_digests["conflict"]["rows"] == 1

    moved = as_json(home, "db", "copy", str(database), server)
    ctx = open_context(server)
    with ctx.reading() as session:
        max_before = session.scalar(select(func.max(models.AuditEntry.id))) or 0
    ctx.close()
    assert moved["tables"] == source_digests
    assert "ci-secret" not in json.dumps(moved)  # the password is never shown
    assert whole(as_json(home, "db", "digest", server)) == whole(source_digests)
    assert readings(home, server, plan_id) == before
    assert as_json(home, "db", "digest", str(database)) == source_digests  # only read

    # A second copy into a database that now holds data is refused, nothing touched.
    refused = cli(home, "db", "copy", str(database), server, status=1)
    assert "đã có dữ liệu" in refused.stderr
    assert whole(as_json(home, "db", "digest", server)) == whole(source_digests)

    # The server keeps working: a unit's revision merges there.
    unit = env.unit("CS-00003")
    values = bump(unit.values[REGISTRATION_STREAM], COUNTED, 4242)
    r1 = hash_of(env.file("CS-00003").read_bytes())
    revision = env.write("r2.thidua", report(env, unit, values=values, revision=2, supersedes=r1))
    imported = as_json(home, "--db", server, "--staff", "Phạm Thu Hà", "import", str(revision))
    assert imported["counts"]["updated"] == 1
    # Who did it: the staff name given, else on the server the database login.
    cli(home, "--db", server, "receipts", "--out", str(tmp_path / "receipts"))
    ctx = open_context(server)
    with ctx.reading() as session:
        actors = dict(
            session.execute(
                select(models.AuditEntry.action, models.AuditEntry.actor).where(
                    models.AuditEntry.action.in_(["import", "receipt.export"]),
                    models.AuditEntry.id > max_before,
                )
            ).all()
        )
    ctx.close()
    assert actors == {"import": "Phạm Thu Hà", "receipt.export": make_url(server).username}
    after = as_json(home, "db", "digest", server)
    assert after != source_digests

    # And back to a file: the same digests.
    back = tmp_path / "back.db"
    moved_back = as_json(home, "db", "copy", server, str(back))
    assert moved_back["tables"] == after
    assert whole(as_json(home, "db", "digest", str(back))) == whole(after)
    assert readings(home, str(back), plan_id) == readings(home, server, plan_id)


def test_a_killed_move_leaves_the_target_refused(
    federation: tuple[Path, Env], postgres_server: PostgresServer, tmp_path: Path
) -> None:
    database, _env = federation
    home = tmp_path / "home"
    target = postgres_server.empty()
    source_digests = as_json(home, "db", "digest", str(database))
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "db", "copy", str(database), target],
        env=dict(os.environ, THIDUA_HOME=str(home)),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        marked = False
        deadline = time.monotonic() + 60
        while not marked and time.monotonic() < deadline and process.poll() is None:
            try:
                with psycopg.connect(_libpq(target), connect_timeout=5) as conn:
                    row = conn.execute(
                        "SELECT 1 FROM setting WHERE key = %s", (MOVE_MARKER,)
                    ).fetchone()
                    marked = row is not None
            except psycopg.errors.UndefinedTable:
                pass  # the tables are being created
            if not marked:
                time.sleep(0.005)
        assert marked, "the move never marked its target"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL

    # The source is untouched and usable; the target is refused with a clear message.
    assert as_json(home, "db", "digest", str(database)) == source_digests
    cli(home, "--db", str(database), "db", "check")
    refused = cli(home, "--db", target, "db", "check", status=1)
    assert "bị gián đoạn" in refused.stderr
    assert "Traceback" not in refused.stderr
    # A new move may start over it, and finishes whole.
    assert as_json(home, "db", "copy", str(database), target)["tables"] == source_digests
    assert whole(as_json(home, "db", "digest", target)) == whole(source_digests)

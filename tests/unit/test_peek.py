"""The first look (issue #20): the plan named before SQLAlchemy loads is the one the core
shows next, read with ``sqlite3`` alone, changing nothing; anything off gives no look."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.context import AppContext, open_context
from app.core.first_look import first_look, plan_label
from app.core.installation import current_installation, set_setting
from app.plans import available_plans, clone_plan
from app.setup import initialize
from app.unit import load_workspace
from db.enums import Role, Sector, UnitKind
from db.schema import KNOWN_REVISIONS, MOVE_MARKER

ROOT = Path(__file__).resolve().parents[2]


def _database(path: Path, role: Role) -> AppContext:
    ctx = open_context(path)
    with ctx.unit_of_work() as session:
        if role is Role.FEDERATION:
            initialize(session, role=role, name="LĐLĐ tỉnh Tuyên Quang")
        else:
            initialize(
                session,
                role=role,
                name="CĐCS Trường Tiểu học Kim Phú",
                code="TQ-0001",
                kind=UnitKind.GRASSROOTS,
                sector=Sector.ADMINISTRATIVE,
            )
    return ctx


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_a_federation_s_first_look_is_what_its_workspace_shows(tmp_path: Path) -> None:
    database = tmp_path / "federation.db"
    ctx = _database(database, Role.FEDERATION)
    try:
        clone_plan(ctx, plan_id=available_plans(ctx)[0].id, year=2018)
        summaries = available_plans(ctx)
        installation = current_installation(ctx)
    finally:
        ctx.close()
    assert installation is not None
    look = first_look(str(database))
    assert look is not None
    assert look.role is Role.FEDERATION
    assert look.own_unit_name == installation.own_unit_name == "LĐLĐ tỉnh Tuyên Quang"
    assert [plan.id for plan in look.plans] == [summary.id for summary in summaries]
    assert [plan_label(plan) for plan in look.plans] == [
        f"{summary.year} — {summary.title}" for summary in summaries
    ]
    assert look.plan.id == summaries[0].id  # the workspace's first choice: the newest
    assert look.plan.year == 2018


@pytest.mark.parametrize("chosen", [False, True], ids=["newest", "chair's choice"])
def test_a_unit_s_first_look_is_the_plan_its_workspace_works_on(
    tmp_path: Path, chosen: bool
) -> None:
    database = tmp_path / "unit.db"
    ctx = _database(database, Role.UNIT)
    try:
        older = clone_plan(ctx, plan_id=available_plans(ctx)[0].id, year=2016)
        if chosen:
            with ctx.unit_of_work() as session:
                set_setting(session, "current_plan", older)
        workspace = load_workspace(ctx)
    finally:
        ctx.close()
    look = first_look(str(database))
    assert look is not None
    assert look.role is Role.UNIT
    assert look.own_unit_name == workspace.unit.name == "CĐCS Trường Tiểu học Kim Phú"
    assert look.plan.id == workspace.plan.id
    assert (look.plan.id == older) is chosen
    assert look.plan.title == workspace.plan.title


def test_a_chosen_plan_no_longer_there_gives_the_newest(tmp_path: Path) -> None:
    database = tmp_path / "unit.db"
    ctx = _database(database, Role.UNIT)
    try:
        with ctx.unit_of_work() as session:
            set_setting(session, "current_plan", "gone-2015")
        workspace = load_workspace(ctx)
    finally:
        ctx.close()
    look = first_look(str(database))
    assert look is not None
    assert look.plan.id == workspace.plan.id != "gone-2015"


def test_the_look_changes_nothing(tmp_path: Path) -> None:
    """The data file stays byte for byte; SQLite may leave its WAL side files (a
    read-only reader of a WAL database needs them; the open that follows makes them
    anyway), the log empty. A missing file is not created."""
    folder = tmp_path / "data"
    folder.mkdir()
    ctx = _database(folder / "federation.db", Role.FEDERATION)
    ctx.close()
    before = _snapshot(folder)
    assert first_look(str(folder / "federation.db")) is not None
    after = _snapshot(folder)
    assert after["federation.db"] == before["federation.db"]
    assert set(after) - set(before) <= {"federation.db-wal", "federation.db-shm"}
    assert after.get("federation.db-wal", b"") == before.get("federation.db-wal", b"")
    assert first_look(str(folder / "missing.db")) is None
    assert not list(folder.glob("missing.db*")), "a missing file is not created"


def _changed(database: Path, *statements: str) -> None:
    connection = sqlite3.connect(database)
    with connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


BROKEN = {
    "older schema": (f"UPDATE alembic_version SET version_num = '{KNOWN_REVISIONS[-2]}'",),
    "newer schema": ("UPDATE alembic_version SET version_num = '9999_from_the_future'",),
    "no schema version": ("DELETE FROM alembic_version",),
    "another application": ("PRAGMA application_id = 1",),
    "unfinished move": (
        f"INSERT INTO setting (key, value) VALUES ('{MOVE_MARKER}', '2026-01-01')",
    ),
    "no installation": ("DELETE FROM setting WHERE key = 'role'",),
    "unknown role": ("UPDATE setting SET value = 'auditor' WHERE key = 'role'",),
    "no plan": ("PRAGMA foreign_keys = OFF", "DELETE FROM plan"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_anything_off_gives_no_look(tmp_path: Path, case: str) -> None:
    database = tmp_path / "federation.db"
    _database(database, Role.FEDERATION).close()
    assert first_look(str(database)) is not None, "the case below is what takes it away"
    _changed(database, *BROKEN[case])
    assert first_look(str(database)) is None


def test_no_look_at_a_server_a_folder_a_foreign_or_damaged_file(tmp_path: Path) -> None:
    assert first_look("postgresql://thidua@127.0.0.1:5432/thidua") is None
    assert first_look("") is None
    assert first_look(str(tmp_path)) is None
    text = tmp_path / "notes.db"
    text.write_text("not a database", encoding="utf-8")
    assert first_look(str(text)) is None
    database = tmp_path / "federation.db"
    _database(database, Role.FEDERATION).close()
    damaged = tmp_path / "damaged.db"
    content = bytearray(database.read_bytes())
    content[100:4096] = b"\xff" * (4096 - 100)  # the first page's b-tree
    damaged.write_bytes(bytes(content))
    assert first_look(str(damaged)) is None


def test_no_look_while_another_program_holds_the_file_locked(tmp_path: Path) -> None:
    database = tmp_path / "federation.db"
    _database(database, Role.FEDERATION).close()
    holder = sqlite3.connect(database, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE setting SET value = value WHERE key = 'role'")
        assert first_look(str(database)) is None
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert first_look(str(database)) is not None


def test_the_look_imports_no_sqlalchemy(tmp_path: Path) -> None:
    """In a fresh interpreter (this one has long imported it): the look, taken, leaves
    SQLAlchemy unimported."""
    database = tmp_path / "federation.db"
    _database(database, Role.FEDERATION).close()
    code = (
        "import sys\n"
        "from app.core.first_look import first_look\n"
        "look = first_look(sys.argv[1])\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules)\n"
        "print(look is not None, heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(database)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, THIDUA_HOME=str(tmp_path / "home")),
        timeout=60,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "True []"

"""SQLite binds at most 32,766 parameters per statement where it is built by default (the
Python of Windows users); this Linux build takes 250,000. Every connection the app opens
is held to the lower limit, so a statement binding a country's ids in one ``IN`` fails here
as it would there — and the keys page's read of a country's keys binds them in chunks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import insert

from app.core.context import open_context
from app.demo.province import make_demo
from app.exchange import import_packages, key_overview
from app.exchange.key_status import KeyStatus
from app.plans import get_plan
from app.printing.sources import (
    accepted_unit_keys,
    load_statements,
    load_units,
    load_verifications,
)
from db import models
from db.engine import SQLITE_MAX_PARAMETERS
from db.enums import REGISTRATION_STREAM
from tests.helpers import federation_with_roster_only

KEYS = SQLITE_MAX_PARAMETERS + 1_234


def test_every_connection_takes_the_lower_limit(tmp_path: Path) -> None:
    ctx = federation_with_roster_only(tmp_path / "federation.db", tmp_path)
    try:
        with ctx.reading() as session:
            raw = session.connection().connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            assert raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) == SQLITE_MAX_PARAMETERS
    finally:
        ctx.close()


def test_a_country_of_keys_is_read_in_chunks(tmp_path: Path) -> None:
    """More unit keys than one statement may bind (a third naming a package, every one a
    unit): each listed, the waiting ones alone when asked for, none of them in the roster."""
    ctx = federation_with_roster_only(tmp_path / "federation.db", tmp_path)
    ctx.close()
    ctx = open_context(tmp_path / "federation.db")
    try:
        statuses = [KeyStatus.ACCEPTED.value] * 9 + [KeyStatus.PENDING.value]
        with ctx.unit_of_work() as session:
            session.execute(
                insert(models.SigningKey),
                [
                    {
                        "keyid": f"{n:064x}",
                        "public_key": n.to_bytes(32, "big"),
                        "unit_id": f"unit-{n:06}",
                        "unit_code": f"CS-{n:06}",
                        "unit_name": f"Công đoàn cơ sở {n}",
                        "status": statuses[n % len(statuses)],
                        "role": "unit",
                        "received_at": f"2017-07-{1 + n % 28:02}T08:00:00+00:00",
                        "package_hash": f"{n:064x}" if n % 3 == 0 else None,
                    }
                    for n in range(KEYS)
                ],
            )
        every = key_overview(ctx)
        assert len(every) == KEYS
        pending = key_overview(ctx, status=KeyStatus.PENDING.value)
        assert len(pending) == sum(1 for n in range(KEYS) if n % 10 == 9)
        assert {r.key.keyid for r in pending} == {
            r.key.keyid for r in every if r.key.status == KeyStatus.PENDING.value
        }
        assert not any(r.in_roster for r in every)  # none of these units is in the roster
    finally:
        ctx.close()


def test_printing_reads_a_country_of_units_in_chunks(tmp_path: Path) -> None:
    """A batch naming more units than one statement binds (a country's registration
    forms): each unit's roster facts, statement, signing key and package read alike."""
    demo = make_demo(out_dir=tmp_path / "demo", units=6, seed=11)
    ctx = open_context(demo.database)
    try:
        import_packages(ctx, paths=demo.files, dry_run=False)
        with ctx.reading() as session:
            plan = get_plan(session, demo.plan.id)
            real = list(load_units(session, plan))
            ids = real + [f"absent-{n:06}" for n in range(SQLITE_MAX_PARAMETERS + 100)]
            units = load_units(session, plan, ids)
            assert set(units) == set(real)
            few = load_statements(session, plan, REGISTRATION_STREAM, real)
            assert few and load_statements(session, plan, REGISTRATION_STREAM, ids) == few
            assert accepted_unit_keys(session, ids) == accepted_unit_keys(session, real)
            assert load_verifications(session, plan, units) == load_verifications(
                session, plan, {u: units[u] for u in real}
            )
    finally:
        ctx.close()

"""SQLite binds at most 32,766 parameters per statement where it is built by default (the
Python of Windows users); this Linux build takes 250,000. Every connection the app opens
is held to the lower limit, so a statement binding a country's ids in one ``IN`` fails here
as it would there — and the keys page's read of a country's keys binds them in chunks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import insert

from app.core.context import open_context
from app.exchange import key_overview
from app.exchange.key_status import KeyStatus
from db import models
from db.engine import SQLITE_MAX_PARAMETERS
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
    """More unit keys than one statement may bind: every one listed, with the package it
    came in (a third of them) and its unit's name from the roster where it has one."""
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

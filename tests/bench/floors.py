"""The import benchmarks' floor: what any import of these packages must at least do.

Ed25519 verification and strict JSON parsing of every file, then one
``sqlite3`` ``executemany`` of its value rows into a bare table: no
decisions, no archive, no ORM. Used by ``test_bench_import`` and
``test_bench_national`` so both compare against the same thing.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.core.strictjson import loads_strict
from app.exchange.format import MAX_PACKAGE_BYTES
from app.exchange.signing import open_envelope, verify_envelope


def import_floor(
    files: Iterable[Path], keys: dict[str, bytes], table_file: Path
) -> tuple[float, float, int]:
    """Verify + strict parse of every file, then one executemany of its values.

    Returns wall seconds, CPU seconds (this process) and the number of rows.
    """
    started, cpu_started = time.perf_counter(), time.process_time()
    rows: list[tuple[Any, ...]] = []
    for path in files:
        data = path.read_bytes()
        envelope = open_envelope(data, max_size=MAX_PACKAGE_BYTES)
        payload = verify_envelope(envelope, keys[envelope.signatures[0].keyid])
        document = loads_strict(
            payload,
            max_bytes=MAX_PACKAGE_BYTES,
            max_depth=16,
            max_string=200_000,
            max_items=50_000,
            allow_floats=False,
        )
        package_id = document["header"]["package_id"]
        for code, value in document["body"]["statement"]["values"].items():
            rows.append(
                (
                    package_id,
                    code,
                    value.get("amount"),
                    value.get("numerator"),
                    value.get("denominator"),
                    value.get("flag"),
                    value.get("grade"),
                    value.get("text"),
                    value.get("note", ""),
                )
            )
    conn = sqlite3.connect(table_file)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(
            "CREATE TABLE statement_value (statement_id VARCHAR(36) NOT NULL,"
            " indicator_id VARCHAR(36) NOT NULL, amount BIGINT, numerator BIGINT,"
            " denominator BIGINT, flag BOOLEAN, grade VARCHAR(32), text TEXT, note TEXT NOT NULL,"
            " PRIMARY KEY (statement_id, indicator_id))"
        )
        conn.commit()
        with conn:
            conn.executemany("INSERT INTO statement_value VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    finally:
        conn.close()
    return time.perf_counter() - started, time.process_time() - cpu_started, len(rows)

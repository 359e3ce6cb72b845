"""The import benchmarks' true floor: what any import of these packages must at least do.

Built from the best public primitives only — ``cryptography``'s
``Ed25519PublicKey.verify``, the standard library's ``json.loads``,
``base64.b64decode`` and ``sqlite3`` — and NOTHING from ``app/`` or ``db/``:
a floor made of the code under test would move with it and measure nothing.

For every file: read it, parse the DSSE envelope with ``json.loads``, decode
the payload and signature from base64, verify the signature over the DSSE
pre-authentication encoding with the signer's public key (one key object per
signer, made once), parse the payload with ``json.loads``; then ONE
``executemany`` of every value row into a bare SQLite table in WAL mode. No
decisions, no archive, no limits, no ORM. Used by ``test_bench_import`` and
``test_bench_national`` so both compare against the same thing.

Also runnable as a whole process (interpreter start and imports included),
the counterpart of ``thidua-cli import`` run as a command::

    python tests/bench/floors.py PACKAGES_DIR KEYS_JSON TABLE_FILE

where KEYS_JSON maps each key id to its raw public key in hex; it prints
``{"rows": n}``. :func:`whole_process` runs a command and measures it.
"""

from __future__ import annotations

import base64
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

#: Columns of the value table, as the import writes them.
TABLE_SQL = (
    "CREATE TABLE statement_value (statement_id VARCHAR(36) NOT NULL,"
    " indicator_id VARCHAR(36) NOT NULL, amount BIGINT, numerator BIGINT,"
    " denominator BIGINT, flag BOOLEAN, grade VARCHAR(32), text TEXT, note TEXT NOT NULL,"
    " PRIMARY KEY (statement_id, indicator_id))"
)

#: Starts a command and reports its wall time and CPU (user + system, from
#: ``getrusage(RUSAGE_CHILDREN)``) as JSON, with the command's own stdout.
LAUNCHER_SCRIPT = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "returncode": done.returncode, "stdout": done.stdout.decode(),
                  "stderr": done.stderr.decode()[-2000:]}))
"""


def import_floor(
    files: Iterable[Path], keys: dict[str, bytes], table_file: Path
) -> tuple[float, float, int]:
    """Verify + parse every file, then one executemany of its values.

    Returns wall seconds, CPU seconds (this process) and the number of rows.
    """
    started, cpu_started = time.perf_counter(), time.process_time()
    rows = _rows(files, keys)
    _write(rows, table_file)
    return time.perf_counter() - started, time.process_time() - cpu_started, len(rows)


def _rows(files: Iterable[Path], keys: dict[str, bytes]) -> list[tuple[Any, ...]]:
    loaded: dict[str, Ed25519PublicKey] = {}
    rows: list[tuple[Any, ...]] = []
    append = rows.append
    for path in files:
        envelope = json.loads(path.read_bytes())
        payload = base64.b64decode(envelope["payload"], validate=True)
        signature = envelope["signatures"][0]
        keyid = signature["keyid"]
        key = loaded.get(keyid)
        if key is None:
            key = loaded[keyid] = Ed25519PublicKey.from_public_bytes(keys[keyid])
        kind = envelope["payloadType"].encode()
        key.verify(
            base64.b64decode(signature["sig"], validate=True),
            b"DSSEv1 %d %b %d %b" % (len(kind), kind, len(payload), payload),
        )
        document = json.loads(payload)
        package_id = document["header"]["package_id"]
        for code, value in document["body"]["statement"]["values"].items():
            get = value.get
            append(
                (
                    package_id,
                    code,
                    get("amount"),
                    get("numerator"),
                    get("denominator"),
                    get("flag"),
                    get("grade"),
                    get("text"),
                    get("note", ""),
                )
            )
    return rows


def _write(rows: list[tuple[Any, ...]], table_file: Path) -> None:
    conn = sqlite3.connect(table_file)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(TABLE_SQL)
        conn.commit()
        with conn:
            conn.executemany("INSERT INTO statement_value VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    finally:
        conn.close()


def whole_process(command: Sequence[str], *, cwd: Path, env: dict[str, str]) -> dict[str, Any]:
    """Run ``command`` from a small launcher; its wall time and CPU, whole process.

    The launcher (not pytest) is the command's parent so that
    ``RUSAGE_CHILDREN`` counts the command alone.
    """
    completed = subprocess.run(
        [sys.executable, "-c", LAUNCHER_SCRIPT, *command],
        cwd=cwd,
        env=env,
        capture_output=True,
        check=True,
        timeout=3600,
    )
    report: dict[str, Any] = json.loads(completed.stdout)
    if report["returncode"] != 0:
        raise RuntimeError(f"{command[:3]} failed: {report['stderr']}")
    return report


def floor_process(
    files_dir: Path, keys: dict[str, bytes], table_file: Path, *, scratch: Path
) -> dict[str, Any]:
    """The floor as a whole process (``python floors.py …``): wall and CPU."""
    keys_file = scratch / "floor-keys.json"
    keys_file.write_text(json.dumps({k: v.hex() for k, v in keys.items()}))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return whole_process(
        [sys.executable, "-I", __file__, str(files_dir), str(keys_file), str(table_file)],
        cwd=scratch,
        env=env,
    )


def _main(argv: list[str]) -> None:
    files_dir, keys_file, table_file = (Path(a) for a in argv)
    keys = {k: bytes.fromhex(v) for k, v in json.loads(keys_file.read_text()).items()}
    rows = _rows(sorted(files_dir.iterdir()), keys)
    _write(rows, table_file)
    print(json.dumps({"rows": len(rows), "maxrss_kib": resource.getrusage(0).ru_maxrss}))


if __name__ == "__main__":
    _main(sys.argv[1:])

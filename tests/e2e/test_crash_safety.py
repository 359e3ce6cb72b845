"""Crash safety of import and merge (docs/reference.md, "Import and merge"): SIGKILL at
random points.

A demo province of 170 units (510 report packages, plus revision-2 packages
that supersede some and same-revision copies that must be quarantined) is
imported once without interruption: that is the reference. Then, many times,
a fresh copy of the demo database is imported by a child process that is
killed with SIGKILL at a random moment. After each kill the database must be
intact and every package either fully merged or not at all; importing the
same folder again must reach exactly the reference state.

Two kinds of child are killed: the real CLI (``python -m app.cli import``,
default batch size) and a small script calling ``import_packages`` with small
batch sizes, so that kills land between and inside many more transactions.
Kill times are stratified over the measured duration of an uninterrupted
run (seeded RNG), from before the first write to after the last commit.

The checks read the database with the ``sqlite3`` module and the package
files with the standard ``json`` module, independently of the code under test.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from app.core.context import open_context
from app.demo.province import Demo, make_demo, write_report
from app.exchange.merge import import_packages
from app.exchange.outcomes import Outcome

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SEED = 20170705
UNITS = 170
CLI_KILLS = 10
SCRIPT_KILLS = 14
SMALL_BATCHES = (1, 3, 8, 25)

#: ``import_packages`` in a fresh interpreter, announcing when it starts work.
CHILD_SCRIPT = """
import sys
from pathlib import Path
from app.core.context import open_context
from app.exchange.merge import import_packages
ctx = open_context(sys.argv[1])
print("ready", flush=True)
import_packages(ctx, paths=[Path(sys.argv[2])], dry_run=False, batch_size=int(sys.argv[3]))
ctx.close()
"""


# --- the demo folder --------------------------------------------------------------


def _payload(data: bytes) -> bytes:
    return base64.b64decode(json.loads(data)["payload"])


def _add_revisions_and_copies(demo: Demo) -> None:
    """Revision 2 for every 6th unit's h1 report; a rival copy of every 25th's year."""
    for index, unit in enumerate(demo.units):
        if index % 6 == 0:
            first = demo.packages_dir / f"{unit.code}_h1_r1.thidua"
            values = {
                code: (
                    dataclasses.replace(value, amount=value.amount + 1)
                    if value.amount is not None
                    else value
                )
                for code, value in unit.values["h1"].items()
            }
            write_report(
                unit,
                demo.plan,
                demo.federation_id,
                "h1",
                values,
                demo.packages_dir,
                revision=2,
                supersedes=hashlib.sha256(_payload(first.read_bytes())).hexdigest(),
            )
        if index % 25 == 3:
            # Same revision, other content (a new package id): quarantined.
            write_report(
                unit,
                demo.plan,
                demo.federation_id,
                "year",
                unit.values["year"],
                demo.packages_dir,
                revision=1,
                file_name=f"{unit.code}_year_r1_copy.thidua",
            )


# --- reading a database independently ---------------------------------------------

_DIGEST_QUERIES = {
    "statement": "SELECT id, plan_id, unit_id, stream, signer_name, signer_title, signed_on,"
    " place, notes, revision FROM statement",
    "statement_value": "SELECT statement_id, indicator_id, amount, numerator, denominator,"
    " flag, grade, text, note FROM statement_value",
    "statement_movement": "SELECT statement_id, movement_id FROM statement_movement",
    "statement_title": "SELECT id, statement_id, collective, person_name, position, title,"
    " sort_order FROM statement_title",
    "statement_work": "SELECT id, statement_id, name, occasion, sort_order FROM statement_work",
    "stream_head": "SELECT unit_id, plan_id, stream, package_hash, epoch, revision"
    " FROM stream_head",
    "package": "SELECT hash, status, kind, unit_id, plan_id, stream, epoch, revision,"
    " supersedes, keyid, file_name, created_at, raw FROM package",
    "conflict": "SELECT package_hash, head_hash, unit_id, plan_id, stream, reason, status"
    " FROM conflict",
}


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=10)


def _merged_state(path: Path) -> dict[str, str]:
    """One digest per merged table (timestamps and import bookkeeping left out)."""
    conn = _connect(path)
    try:
        digests = {}
        for table, query in _DIGEST_QUERIES.items():
            rows = sorted(repr(row) for row in conn.execute(query))
            digests[table] = (
                f"{len(rows)} rows, " + hashlib.sha256("\n".join(rows).encode()).hexdigest()
            )
        return digests
    finally:
        conn.close()


@dataclasses.dataclass
class _FilePackage:
    raw: bytes
    header: dict[str, Any]
    statement: dict[str, Any]


def _read_folder(folder: Path) -> dict[str, _FilePackage]:
    packages = {}
    for path in sorted(folder.glob("*.thidua")):
        raw = path.read_bytes()
        payload = _payload(raw)
        document = json.loads(payload)
        packages[hashlib.sha256(payload).hexdigest()] = _FilePackage(
            raw, document["header"], document["body"]["statement"]
        )
    return packages


def _expected_statement(
    package: _FilePackage,
    indicators: dict[tuple[str, str], str],
    movements: dict[tuple[str, str], str],
) -> dict[str, Any]:
    """The merged rows a package's statement must produce, from its JSON alone."""
    plan = package.header["stream"]["plan"]
    data = package.statement
    values = set()
    for code, value in data["values"].items():
        row = (
            indicators[plan, code],
            value.get("amount"),
            value.get("numerator"),
            value.get("denominator"),
            None if value.get("flag") is None else int(value["flag"]),
            value.get("grade"),
            value.get("text") or None,
            value.get("note", ""),
        )
        if any(field is not None for field in row[1:7]) or row[7]:
            values.add(row)
    return {
        "head": (
            data["signer_name"],
            data["signer_title"],
            data["signed_on"],
            data["place"],
            data["notes"],
            package.header["revision"],
        ),
        "values": values,
        "movements": {movements[plan, code] for code in data["movements"]},
        "titles": [
            (int(t["collective"]), t["person"], t["position"], t["title"]) for t in data["titles"]
        ],
        "works": [(w["name"], w["occasion"]) for w in data["works"]],
    }


def _check_whole_packages(path: Path, files: dict[str, _FilePackage]) -> int:
    """Every package fully in or fully out; returns how many are applied."""
    conn = _connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        indicators = {
            (plan, code): iid
            for iid, plan, code in conn.execute("SELECT id, plan_id, code FROM indicator")
        }
        movements = {
            (plan, code): mid
            for mid, plan, code in conn.execute("SELECT id, plan_id, code FROM movement")
        }
        archived = {
            row[0]: row
            for row in conn.execute(
                "SELECT hash, status, kind, unit_id, plan_id, stream, epoch, revision, raw"
                " FROM package"
            )
        }
        heads = {
            (unit, plan, stream): (package_hash, epoch, revision)
            for unit, plan, stream, package_hash, epoch, revision in conn.execute(
                "SELECT unit_id, plan_id, stream, package_hash, epoch, revision FROM stream_head"
            )
        }
        statements = {
            (unit, plan, stream): (sid, head)
            for sid, unit, plan, stream, *head in conn.execute(
                "SELECT id, unit_id, plan_id, stream, signer_name, signer_title, signed_on,"
                " place, notes, revision FROM statement"
            )
        }
        values = defaultdict(set)
        for sid, *row in conn.execute(
            "SELECT statement_id, indicator_id, amount, numerator, denominator, flag, grade,"
            " text, note FROM statement_value"
        ):
            values[sid].add(tuple(row))
        statement_movements = defaultdict(set)
        for sid, mid in conn.execute("SELECT statement_id, movement_id FROM statement_movement"):
            statement_movements[sid].add(mid)
        titles = defaultdict(list)
        for sid, *row in conn.execute(
            "SELECT statement_id, collective, person_name, position, title FROM statement_title"
            " ORDER BY statement_id, sort_order"
        ):
            titles[sid].append(tuple(row))
        works = defaultdict(list)
        for sid, *row in conn.execute(
            "SELECT statement_id, name, occasion FROM statement_work"
            " ORDER BY statement_id, sort_order"
        ):
            works[sid].append(tuple(row))
        conflicts = {
            package_hash: head_hash
            for package_hash, head_hash in conn.execute(
                "SELECT package_hash, head_hash FROM conflict"
            )
        }
    finally:
        conn.close()

    applied_streams: dict[tuple[str, str, str], str] = {}
    for package_hash, (
        _h,
        status,
        kind,
        unit,
        plan,
        stream,
        epoch,
        revision,
        raw,
    ) in archived.items():
        package = files.get(package_hash)
        assert package is not None, f"archived package {package_hash} is not in the folder"
        header = package.header
        assert raw == package.raw, "the archive must keep the file verbatim"
        assert (kind, unit, plan, stream, epoch, revision) == (
            header["kind"],
            header["unit"]["id"],
            header["stream"]["plan"],
            header["stream"]["name"],
            header["epoch"],
            header["revision"],
        )
        key = (unit, plan, stream)
        if status == "applied":
            assert key not in applied_streams, f"two applied packages in stream {key}"
            applied_streams[key] = package_hash
            assert heads.get(key) == (package_hash, epoch, revision), f"stream head of {key}"
            assert key in statements, f"applied package {package_hash} has no statement"
            sid, head = statements[key]
            expected = _expected_statement(package, indicators, movements)
            assert tuple(head) == expected["head"], f"statement of {package_hash}"
            assert values[sid] == expected["values"], f"values of {package_hash}"
            assert statement_movements[sid] == expected["movements"], f"movements {package_hash}"
            assert titles[sid] == expected["titles"], f"titles of {package_hash}"
            assert works[sid] == expected["works"], f"works of {package_hash}"
        elif status == "superseded":
            assert key in heads and heads[key][2] > revision, f"superseded {package_hash}"
            assert heads[key][0] in archived
        elif status == "quarantined":
            assert package_hash in conflicts, f"quarantined {package_hash} has no conflict row"
        else:
            pytest.fail(f"unexpected archive status {status!r} after importing reports")
    assert set(heads) == set(applied_streams), "a stream head without its applied package"
    assert set(statements) == set(applied_streams), "a statement without an applied package"
    for package_hash, head_hash in conflicts.items():
        assert archived.get(package_hash, (None, None))[1] == "quarantined"
        assert head_hash is None or head_hash in archived
    orphans = (set(values) | set(statement_movements) | set(titles) | set(works)) - {
        sid for sid, _head in statements.values()
    }
    assert not orphans, "rows of a statement that does not exist"
    return len(applied_streams)


# --- children ---------------------------------------------------------------------


def _child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["THIDUA_HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT)
    env.pop("THIDUA_LANG", None)
    return env


def _start_cli(db: Path, folder: Path, env: dict[str, str], out: Path) -> subprocess.Popen[bytes]:
    with out.open("wb") as stdout:
        return subprocess.Popen(
            [sys.executable, "-m", "app.cli", "--db", str(db), "import", str(folder), "--json"],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=subprocess.DEVNULL,
        )


def _start_script(
    db: Path, folder: Path, env: dict[str, str], batch: int
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD_SCRIPT, str(db), str(folder), str(batch)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"ready\n"
    return process


def _fresh_copy(source: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def _kill_after(process: subprocess.Popen[bytes], delay: float) -> bool:
    """SIGKILL after ``delay`` seconds; True when the child had already finished."""
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        if process.stdout is not None:
            process.stdout.close()
        return False
    if process.stdout is not None:
        process.stdout.close()
    return True


# --- the test ---------------------------------------------------------------------


def test_sigkill_during_import_leaves_every_package_whole(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    home = Path(os.environ["THIDUA_HOME"])  # the federation's key file lives here
    env = _child_env(home)
    demo = make_demo(out_dir=tmp_path / "demo", units=UNITS)
    _add_revisions_and_copies(demo)
    assert not Path(f"{demo.database}-wal").exists()
    folder = demo.packages_dir
    files = _read_folder(folder)
    assert len(files) >= 500

    # Reference: the real CLI, uninterrupted.
    reference_db = _fresh_copy(demo.database, tmp_path / "reference.db")
    started = time.monotonic()
    process = _start_cli(reference_db, folder, env, tmp_path / "reference.json")
    assert process.wait(timeout=120) == 0
    cli_duration = time.monotonic() - started
    counts = json.loads((tmp_path / "reference.json").read_text("utf-8"))["counts"]
    # (A revision and the one it replaces in one run: the stream is new, the first older.)
    assert counts["rejected"] == 0 and counts["conflict"] > 0 and counts["older"] > 0
    assert sum(counts.values()) == len(files)
    reference = _merged_state(reference_db)
    applied_total = _check_whole_packages(reference_db, files)

    # The scripted child, uninterrupted, once per batch size: the same state
    # whatever the batching, and the length of its working phase (after the
    # interpreter has started) to spread the kills over.
    script_durations = {}
    for batch in SMALL_BATCHES:
        script_db = _fresh_copy(demo.database, tmp_path / "script.db")
        process = _start_script(script_db, folder, env, batch)
        started = time.monotonic()
        assert process.wait(timeout=120) == 0
        script_durations[batch] = time.monotonic() - started
        assert process.stdout is not None
        process.stdout.close()
        assert _merged_state(script_db) == reference, f"batch size {batch}"

    # Stratified kill points over [0, 1.1 x duration], shuffled, seeded.
    plan: list[tuple[str, int, float]] = []
    for index in range(CLI_KILLS):
        fraction = (index + rng.random()) / CLI_KILLS * 1.1
        plan.append(("cli", 200, fraction * cli_duration))
    for index in range(SCRIPT_KILLS):
        fraction = (index + rng.random()) / SCRIPT_KILLS * 1.1
        batch = SMALL_BATCHES[index % len(SMALL_BATCHES)]
        plan.append(("script", batch, fraction * script_durations[batch]))
    rng.shuffle(plan)

    partial = 0
    finished = 0
    for number, (how, batch, delay) in enumerate(plan):
        db = _fresh_copy(demo.database, tmp_path / "crash.db")
        if how == "cli":
            process = _start_cli(db, folder, env, tmp_path / "crash.json")
        else:
            process = _start_script(db, folder, env, batch)
        finished += _kill_after(process, delay)
        where = f"kill {number} ({how}, batch {batch}, after {delay:.3f} s)"

        applied = _check_whole_packages(db, files)
        if 0 < applied < applied_total:
            partial += 1

        ctx = open_context(db)
        try:
            summary = import_packages(ctx, paths=[folder], dry_run=False)
        finally:
            ctx.close()
        assert summary.counts[Outcome.REJECTED.value] == 0, where
        assert _merged_state(db) == reference, where
        _check_whole_packages(db, files)

    print(
        f"\n{len(plan)} kills: {partial} half-way, {finished} after the end; "
        f"CLI run {cli_duration:.2f} s, script runs "
        + ", ".join(f"batch {b}: {d:.2f} s" for b, d in script_durations.items())
    )
    # The kills must really have interrupted imports half-way, not only
    # before the first write or after the last commit.
    assert partial >= 3, f"only {partial} kills landed between the first and last commit"
    assert finished < len(plan)

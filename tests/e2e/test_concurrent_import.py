"""Two federation PCs importing overlapping USB folders into one database at once.

Two real ``thidua-cli import`` processes run at the same time, in small
batches so their transactions interleave, on a demo province's folders that
share a third of their files. They must end with no duplicate row and
exactly the merged data one import of every file gives: each package new
once, a duplicate for the other process. On PostgreSQL (the shared
federation database) and on one SQLite file (two windows on one PC).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.core.context import open_context
from app.demo.province import make_demo
from app.exchange.merge import import_packages
from app.exchange.outcomes import Outcome
from tests.digest import table_digests, table_rows

pytestmark = [pytest.mark.both_backends, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
#: Written at import time, not part of what was merged; the roll-up cache's row ids
#: depend on the order its refreshes ran (its sums must be the same).
CLOCK_COLUMNS = {
    "package": ["received_at"],
    "statement": ["updated_at"],
    "rollup_cell": ["id"],
    "value_flag": ["id", "raised_at"],
}
#: The record of each run itself: two runs are not one run.
BOOKKEEPING = {"import_run", "import_item", "audit_log"}


def start_import(database: str, home: Path, folder: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, THIDUA_HOME=str(home), THIDUA_LANG="en")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "--db",
            database,
            "import",
            str(folder),
            "--batch-size",
            "7",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def finish(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert "Traceback" not in err, err
    return dict(json.loads(out))


def merged_state(database: str) -> dict[str, str]:
    ctx = open_context(database)
    try:
        digests = table_digests(ctx.engine, leave_out=CLOCK_COLUMNS)
    finally:
        ctx.close()
    return {name: value for name, value in digests.items() if name not in BOOKKEEPING}


def test_two_processes_import_overlapping_folders_as_one_import(
    tmp_path: Path, backend: str, on_backend: Callable[[Path], str]
) -> None:
    home = tmp_path / "home"
    demo = make_demo(out_dir=tmp_path / "demo", units=30, seed=11)
    files = sorted(demo.files)
    third = len(files) // 3
    first, second = tmp_path / "usb-1", tmp_path / "usb-2"
    for folder, chosen in ((first, files[: 2 * third]), (second, files[third:])):
        folder.mkdir()
        for path in chosen:
            shutil.copy2(path, folder / path.name)
    shared = files[third : 2 * third]
    if backend == "sqlite":
        together, alone = tmp_path / "together.db", tmp_path / "alone.db"
        shutil.copyfile(demo.database, together)
        shutil.copyfile(demo.database, alone)
        target, reference = str(together), str(alone)
    else:
        target, reference = on_backend(demo.database), on_backend(demo.database)

    processes = [start_import(target, home, folder) for folder in (first, second)]
    try:
        summaries = [finish(process) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    ctx = open_context(reference)
    try:
        one = import_packages(ctx, paths=[first, second], dry_run=False)
    finally:
        ctx.close()
    assert {item.outcome for item in one.items} == {Outcome.NEW, Outcome.DUPLICATE}

    outcomes: dict[str, list[str]] = {}
    for summary in summaries:
        for item in summary["items"]:
            outcomes.setdefault(item["package_hash"], []).append(item["outcome"])
    assert len(outcomes) == len(files)
    for package_hash, seen in outcomes.items():
        assert sorted(seen) in (["new"], ["duplicate", "new"]), (package_hash, seen)
    assert sum(len(seen) == 2 for seen in outcomes.values()) == len(shared)
    assert sum(s["counts"]["new"] for s in summaries) == len(files)
    assert sum(s["counts"]["duplicate"] for s in summaries) == len(shared)

    assert merged_state(target) == merged_state(reference)
    ctx = open_context(target)
    try:
        hashes = table_rows(ctx.engine, "package", leave_out=["raw", "received_at"])
        statements = table_rows(ctx.engine, "statement", leave_out=["updated_at"])
    finally:
        ctx.close()
    assert len(hashes) == len(files) and len(statements) == len(files)

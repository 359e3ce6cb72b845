"""Benchmark of the import of age-encrypted packages beside the plain import and the floor
(``make bench``; issue #21's goal: encrypted ≤ 1.2× plain).

The province of :mod:`tests.bench.test_bench_import` at 2,000 packages; each file is
also written encrypted to the federation's age recipient (what units send once their
plan package names it). The floor, the plain import and the encrypted import are each
run ``BENCH_REPEAT`` times on fresh copies of the database, each import in a fresh child
interpreter; the best time of each is kept. Prints figures; asserts only counts.

Run: ``make bench``, or
``QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/bench/test_bench_sealed_import.py
-s -p no:cacheprovider --override-ini addopts=``.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from app.core.context import open_context
from app.exchange.age_keys import ensure_identity
from app.exchange.keys import ensure_own_key
from app.exchange.sealing import encrypt_to
from tests.bench.test_bench_import import (
    INDICATORS,
    REPEAT,
    SMALL,
    _applied_values,
    _floor,
    _import_in_child,
    _province,
)


def test_encrypted_import_beside_plain_import_and_floor(tmp_path: Path) -> None:
    province = _province(tmp_path / "province", SMALL)
    ctx = open_context(province.database)
    try:
        with ctx.unit_of_work() as session:
            recipient = ensure_identity(session, ensure_own_key(session))
    finally:
        ctx.close()
    sealed_dir = tmp_path / "sealed"
    sealed_dir.mkdir()
    for path in province.files:
        (sealed_dir / path.name).write_bytes(encrypt_to(path.read_bytes(), [recipient]))
    sealed = replace(province, packages_dir=sealed_dir)
    best: dict[str, float] = {}
    for run in range(REPEAT):
        floor, _cpu, rows = _floor(province, tmp_path / f"floor{run}.db")
        assert rows == SMALL * INDICATORS
        best["floor"] = min(best.get("floor", floor), floor)
        for name, source in (("plain", province), ("encrypted", sealed)):
            database = tmp_path / f"{name}{run}.db"
            shutil.copyfile(province.database, database)
            report = _import_in_child(source, database)
            assert report["counts"]["new"] == SMALL, report["counts"]
            assert _applied_values(database) == (SMALL, SMALL * INDICATORS)
            best[name] = min(best.get(name, report["seconds"]), report["seconds"])
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
    print(
        f"\n[{SMALL} packages, best of {REPEAT}] floor {best['floor']:.2f} s; "
        f"plain import {best['plain']:.2f} s ({best['plain'] / best['floor']:.2f}x floor); "
        f"encrypted import {best['encrypted']:.2f} s ({best['encrypted'] / best['floor']:.2f}x "
        f"floor); goal: encrypted/plain <= 1.2x (got {best['encrypted'] / best['plain']:.2f}x)"
    )

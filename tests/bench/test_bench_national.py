"""Benchmark at the size of the country (``make bench-national``).

The federation: ``make_national_demo`` — the Tổng Liên đoàn with the 63
provincial federations, their ~1,300 upper-level unions and 125,000 CĐCS
(``BENCH_NATIONAL_UNITS`` sets the number of CĐCS), every unit with an
accepted key, and signed packages (registration, 6-month and annual report)
from a sample of ~6,700 units drawn across the country (20,000 packages,
``BENCH_NATIONAL_PACKAGES``). Prints figures; asserts only counts.

(a) ``test_import_sample_and_project``: the FLOOR of the same run (every file
    read, Ed25519-verified and strictly parsed, then ONE ``sqlite3``
    ``executemany`` of all their value rows, as in ``test_bench_import.py``),
    then ``import_packages`` of the sample into the national roster in
    batches of 2,000 (one import run per USB folder, as staff would), in a
    fresh interpreter (an import does not refresh the roll-up cells; the
    refresh the next dashboard makes is timed apart). Prints wall and CPU
    time, per-package cost and ratios to the floor; whether the per-package
    cost grows as the database fills (first batch against last; one run of
    all 20,000 against ten of 2,000); a USB stick of 30 packages in one run (what
    a run costs when its files are few); and the national figure projected linearly
    (every unit × 3 streams). Then the dashboard on that database: the early
    weeks of a year, when most units have not sent and the list of who has
    not is ~360,000 rows long.

(b) ``test_rollup_at_national_size_sqlite`` / ``..._postgresql``: a
    complete year. A BENCH FIXTURE (not the import path) writes, with bulk
    Core inserts, a statement with a value for every applicable indicator
    for every unit and stream except the units of one 2,000-package batch;
    the roll-up cells are then built (``refresh_cache``: the triggers marked
    every unit written), that batch imported (per-package cost into a full
    national database, to compare with (a)) and the cells refreshed again
    (what the next dashboard does before reading), so
    every unit has every stream (~380,000 statements, ~5 million values).
    Then, each the best of ``BENCH_REPEAT`` (default 3) after one warm-up, and
    each beside its own FLOOR measured in the same run from public primitives
    only (one bare query through the DB-API driver, ``sqlite3`` or psycopg,
    reading what the figure must at least read): the refresh after the
    2,000 scattered packages (floor: their values, summed per indicator);
    ``app.rollup.query.rollup`` (from the cells) for the whole country, the
    largest province's subtree and one cluster, and once from the values
    (``live=True``) (floor: one bare ``GROUP BY indicator_id`` over
    ``statement_value``); ``app.rollup.dashboard.dashboard`` for the whole
    country and that province (floor: the scope's roster rows and their
    statements); the scope chooser (``scope_choices``; floor: the roster's
    (unit, parent, cluster) rows); the clusters' standing
    (``cluster_standing``; floor: the cluster cells in one GROUP BY);
    scoring the whole country with the public ``app.scoring.scoreboard``, every
    cluster's and upper-level union's ranking read
    (floor: the year's values read); and recomputing every cell once (what
    the next refresh costs after a roster edit). For the refresh and the
    recomputation, the part of it that holds the write lock (from its first
    write to its commit; a rebuild computes into temporary tables first). Goals: the national
    roll-up ≤ 2 s, any dashboard ≤ 0.5 s, the chooser ≤ 0.3 s, the refresh
    ≤ 2 s, scoring ≤ 10 s. The figures are added to
    ``build/bench/national.json`` (``BENCH_NATIONAL_JSON``), from which
    ``make bench-national-readme`` rewrites the README's national table.

PostgreSQL: set ``THIDUA_BENCH_POSTGRES_URL`` (or ``THIDUA_TEST_POSTGRES_URL``)
to a URL of a role that may create databases, e.g.
``postgresql+psycopg://me:secret@127.0.0.1/postgres``; the benchmark creates
a scratch database and drops it afterwards, and is skipped with a message
otherwise. ``ANALYZE`` runs after the bulk fill (autovacuum would do it
within a minute of such a load; the timing should not depend on whether it
has). ``BENCH_PROFILE=1`` prints the cProfile of one national roll-up and
dashboard.

Run: ``make bench-national`` (~10 minutes with PostgreSQL), or
``QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/bench/test_bench_national.py
-s -p no:cacheprovider --override-ini addopts=``.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import random
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, create_engine, text
from sqlalchemy.engine import make_url

from app.core import domain
from app.core.context import AppContext, open_context
from app.demo.national import NationalDemo, make_national_demo
from app.demo.province import DemoUnit
from app.exchange.statement_rows import statement_id
from app.rollup.cache import WHOLE_PLAN, refresh_cache
from app.rollup.dashboard import (
    LISTED,
    ScopeKind,
    cluster_standing,
    dashboard,
    scope_choices,
)
from app.rollup.query import Scope, rollup
from app.scoring import scoreboard
from db import models
from db.enums import REGISTRATION_STREAM, IndicatorKind
from tests.bench.floors import import_floor

ROOT = Path(__file__).resolve().parents[2]
GRASSROOTS = int(os.environ.get("BENCH_NATIONAL_UNITS", "125000"))
PACKAGES = int(os.environ.get("BENCH_NATIONAL_PACKAGES", "20000"))
BATCH = 2_000
#: The packages on the USB stick of one small run.
STICK = 30
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
STREAMS = (REGISTRATION_STREAM, "h1", "year")
GOAL_SECONDS = 2.0
JSON_OUT = Path(
    os.environ.get("BENCH_NATIONAL_JSON", str(ROOT / "build" / "bench" / "national.json"))
)

#: Imports each folder given, one ``import_packages`` run each, in a fresh
#: interpreter; prints per-folder timings (module imports and opening the
#: database excluded, as the floor excludes them).
CHILD_SCRIPT = """
import json, sys, time
from pathlib import Path
from app.core.context import open_context
from app.exchange.merge import import_packages
ctx = open_context(sys.argv[1])
report = []
for folder in sys.argv[2:]:
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = import_packages(ctx, paths=[Path(folder)], dry_run=False)
    report.append({
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu_started,
        "counts": summary.counts,
    })
ctx.close()
print(json.dumps(report))
"""


# --- the national federation ----------------------------------------------------------


@dataclass
class National:
    demo: NationalDemo
    generate_seconds: float
    batches: list[Path]  # folders of BATCH packages each, in sample order


def _split_into_batches(demo: NationalDemo) -> list[Path]:
    folders = []
    for number, start in enumerate(range(0, len(demo.files), BATCH), start=1):
        folder = demo.packages_dir / f"batch-{number:02d}"
        folder.mkdir()
        for path in demo.files[start : start + BATCH]:
            path.rename(folder / path.name)
        folders.append(folder)
    demo.files = sorted(p for f in folders for p in f.iterdir())
    return folders


def _build(out_dir: Path, packages: int, database: str | None = None) -> National:
    started = time.perf_counter()
    demo = make_national_demo(
        out_dir=out_dir, grassroots=GRASSROOTS, packages=packages, database=database
    )
    seconds = time.perf_counter() - started
    return National(demo, seconds, _split_into_batches(demo))


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> National:
    built = _build(tmp_path_factory.mktemp("national"), PACKAGES)
    demo = built.demo
    print(
        f"\nNational federation: {len(demo.provinces)} provinces, {len(demo.units):,} units "
        f"({GRASSROOTS:,} CĐCS), {len(demo.clusters)} clusters; {len(demo.files):,} packages "
        f"from {len(demo.sample):,} units; built in {built.generate_seconds:.1f} s"
    )
    return built


def _copy_sqlite(source: str, target: Path) -> str:
    shutil.copyfile(source, target)
    return str(target)


def _run_child(database: str, folders: list[Path]) -> list[dict[str, Any]]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    completed = subprocess.run(
        [sys.executable, "-c", CHILD_SCRIPT, database, *map(str, folders)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=7200,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report: list[dict[str, Any]] = json.loads(completed.stdout)
    return report


# --- (a) the floor and the import -----------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.1f} s"


def test_import_sample_and_project(national: National, tmp_path: Path) -> None:
    demo = national.demo
    count = len(demo.files)
    keys = {u.keypair.key_id: u.keypair.public_raw for u in demo.sample}
    floor, floor_cpu, _rows = import_floor(demo.files, keys, tmp_path / "floor.db")
    one_run = _copy_sqlite(demo.database, tmp_path / "one-run.db")
    [whole] = _run_child(one_run, [demo.packages_dir])
    assert whole["counts"].get("new") == count
    Path(one_run).unlink()
    # A USB stick of a few packages: what a run costs when its files are few.
    stick = tmp_path / "stick"
    stick.mkdir()
    for path in sorted(national.batches[0].iterdir())[:STICK]:
        shutil.copyfile(path, stick / path.name)
    stick_run = _copy_sqlite(demo.database, tmp_path / "stick.db")
    [small] = _run_child(stick_run, [stick])
    assert small["counts"].get("new") == STICK
    Path(stick_run).unlink()
    database = _copy_sqlite(demo.database, tmp_path / "import.db")
    report = _run_child(database, national.batches)
    assert sum(r["counts"].get("new", 0) for r in report) == count
    assert all(sum(r["counts"].values()) == r["counts"].get("new") for r in report)
    seconds = sum(r["seconds"] for r in report)
    cpu = sum(r["cpu"] for r in report)
    sizes = [len(list(folder.iterdir())) for folder in national.batches]
    per = [r["seconds"] / n * 1000 for r, n in zip(report, sizes, strict=True)]
    per_cpu = [r["cpu"] / n * 1000 for r, n in zip(report, sizes, strict=True)]
    # What a run costs whatever its size (loading the trust store, stream heads…):
    # ten runs of 2,000 against one of 20,000.
    fixed = max(0.0, (seconds - whole["seconds"]) / max(1, len(report) - 1))
    national_packages = len(demo.units) * len(STREAMS)
    projected = max(per[-1], seconds / count * 1000) / 1000 * national_packages
    print(
        f"\n(a) import of {count:,} packages into the national roster "
        f"({len(national.batches)} runs of ≤ {BATCH:,}):\n"
        f"  true floor (tests/bench/floors.py: cryptography verify + json.loads + one "
        f"sqlite3 executemany): {floor:.2f} s wall, "
        f"{floor_cpu:.2f} s CPU; {floor / count * 1000:.3f} ms/package\n"
        f"  import: {seconds:.2f} s wall ({seconds / floor:.2f}× floor), {cpu:.2f} s CPU "
        f"({cpu / floor_cpu:.2f}× floor); {seconds / count * 1000:.3f} ms/package, "
        f"{count / seconds:.0f} packages/s\n"
        f"  per package, batch by batch (ms wall): {', '.join(f'{p:.2f}' for p in per)}\n"
        f"  per package, batch by batch (ms CPU):  {', '.join(f'{p:.2f}' for p in per_cpu)}\n"
        f"  growth as the database fills: last batch / first = {per[-1] / per[0]:.2f}× wall, "
        f"{per_cpu[-1] / per_cpu[0]:.2f}× CPU\n"
        f"  the same {count:,} packages in ONE run: {whole['seconds']:.2f} s wall "
        f"({whole['seconds'] / floor:.2f}× floor), {whole['cpu']:.2f} s CPU "
        f"({whole['cpu'] / floor_cpu:.2f}× floor); {whole['seconds'] / count * 1000:.3f} "
        f"ms/package; so each run costs ~{fixed:.2f} s whatever its size\n"
        f"  a USB stick of {STICK} packages into the national database, one run: "
        f"{small['seconds']:.2f} s wall, {small['cpu']:.2f} s CPU\n"
        f"  projected national import ({len(demo.units):,} units × {len(STREAMS)} streams = "
        f"{national_packages:,} packages, at the larger of the mean and the last batch's "
        f"cost): {_duration(projected)}; in one run at its cost "
        f"{_duration(whole['seconds'] / count * national_packages)}; "
        f"floor {_duration(floor / count * national_packages)}"
    )

    # The dashboard early in the year: 20,000 packages in, most units still missing.
    ctx = open_context(database)
    try:
        # What the first dashboard after these imports refreshes before reading.
        started = time.perf_counter()
        refresh_cache(ctx)
        first_refresh = time.perf_counter() - started
        with ctx.reading() as session:
            board = dashboard(session, plan_id=demo.plan.id)
        expected = (len(demo.units) * len(STREAMS)) - count
        assert board.missing_total == expected  # every unit counted, the first listed
        assert len(board.missing) <= len(STREAMS) * LISTED
        board_s = _best(lambda: _dashboard(ctx, demo.plan.id, Scope()))
        rollup_s = _best(lambda: _rollup(ctx, demo.plan.id, Scope()))
        floor_q = _floor_query(ctx)
    finally:
        ctx.close()
    print(
        f"  the roll-up cells refreshed after these imports (the next dashboard does it): "
        f"{first_refresh:.2f} s\n"
        f"  dashboard early in the year ({count:,} streams in, {expected:,} missing), "
        f"best of {REPEAT}:\n"
        f"    floor: bare GROUP BY over statement_value {_ms(floor_q)}\n"
        f"    rollup, whole country                    {_ms(rollup_s)}  "
        f"×{rollup_s / floor_q:.1f} floor\n"
        f"    dashboard, whole country                 {_ms(board_s)}  "
        f"×{board_s / floor_q:.1f} floor"
    )
    _write_section(
        "import",
        {
            "packages": count,
            "runs": len(report),
            "floor": {"seconds": floor, "cpu": floor_cpu},
            "runs_total": {"seconds": seconds, "cpu": cpu},
            "one_run": {"seconds": whole["seconds"], "cpu": whole["cpu"]},
            "stick": {"packages": STICK, "seconds": small["seconds"], "cpu": small["cpu"]},
            "per_package_cpu_ms": per_cpu,
            "national_packages": national_packages,
            "projected_one_run_s": whole["seconds"] / count * national_packages,
            "projected_floor_s": floor / count * national_packages,
            "first_refresh": first_refresh,
            "early_dashboard": {"seconds": board_s, "floor": floor_q, "missing": expected},
            "load": os.getloadavg()[0],
        },
    )


# --- (b) a complete year --------------------------------------------------------------


def _values(
    rng: random.Random,
    indicators: list[domain.Indicator],
    unit: DemoUnit,
    sid: str,
    grades: list[str],
) -> Iterator[dict[str, Any]]:
    for indicator in indicators:
        row: dict[str, Any] = {
            "statement_id": sid,
            "indicator_id": indicator.id,
            "amount": None,
            "numerator": None,
            "denominator": None,
            "flag": None,
            "grade": None,
            "text": None,
            "note": "",
        }
        kind = indicator.kind
        if kind is IndicatorKind.COUNT:
            row["amount"] = rng.randint(0, 40)
        elif kind is IndicatorKind.MONEY:
            row["amount"] = rng.randint(0, 100) * 500_000
        elif kind is IndicatorKind.RATIO:
            denominator = rng.randint(5, max(6, unit.workers or 50))
            row["denominator"] = denominator
            row["numerator"] = int(denominator * rng.uniform(0.55, 1.0))
        elif kind is IndicatorKind.YES_NO:
            row["flag"] = rng.random() < 0.8
        else:
            row["grade"] = rng.choice(grades)
        yield row


def _fill(
    ctx: AppContext, demo: NationalDemo, skip: set[tuple[str, ...]]
) -> tuple[int, int, float]:
    """BENCH FIXTURE: every stream of every unit but ``skip`` (unit code, stream),
    by bulk Core inserts.

    Returns (statements, values, seconds).
    """
    started = time.perf_counter()
    rng = random.Random(7)
    plan = demo.plan
    grades = [g.code for g in plan.grade_levels]
    applicable: dict[tuple[Any, Any], list[domain.Indicator]] = {}
    statements = values = 0
    units = demo.units
    statement_table = models.Statement.__table__
    value_table = models.StatementValue.__table__
    assert isinstance(statement_table, Table) and isinstance(value_table, Table)
    for start in range(0, len(units), 2_000):
        statement_rows: list[dict[str, Any]] = []
        value_rows: list[dict[str, Any]] = []
        for unit in units[start : start + 2_000]:
            key = (unit.kind, unit.sector)
            if key not in applicable:
                applicable[key] = [
                    i
                    for i in plan.indicators
                    if i.applies_to(unit.kind, unit.sector) and i.kind is not IndicatorKind.TEXT
                ]
            for stream in STREAMS:
                if (unit.code, stream) in skip:
                    continue
                sid = statement_id(plan.id, unit.id, stream)
                statement_rows.append(
                    {
                        "id": sid,
                        "plan_id": plan.id,
                        "unit_id": unit.id,
                        "stream": stream,
                        "signer_name": "Nguyễn Văn An",
                        "signer_title": "Chủ tịch",
                        "signed_on": None,
                        "place": "",
                        "notes": "",
                        "revision": 1,
                        "updated_at": "2017-12-20T08:00:00+07:00",
                    }
                )
                value_rows.extend(_values(rng, applicable[key], unit, sid, grades))
        with ctx.engine.begin() as connection:
            connection.execute(statement_table.insert(), statement_rows)
            connection.execute(value_table.insert(), value_rows)
        statements += len(statement_rows)
        values += len(value_rows)
    return statements, values, time.perf_counter() - started


def _best(run: Callable[[], Any], repeat: int = REPEAT) -> float:
    run()  # warm the caches as every figure is warmed
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def _rollup(ctx: AppContext, plan_id: str, scope: Scope, *, live: bool = False) -> None:
    with ctx.reading() as session:
        rollup(session, plan_id=plan_id, scope=scope, live=live)


def _dashboard(ctx: AppContext, plan_id: str, scope: Scope) -> None:
    with ctx.reading() as session:
        dashboard(session, plan_id=plan_id, scope=scope)


def _choices(ctx: AppContext, demo: NationalDemo) -> None:
    with ctx.reading() as session:
        scope_choices(session, year=demo.plan.year)


def _standing(ctx: AppContext, plan_id: str) -> None:
    with ctx.reading() as session:
        cluster_standing(session, plan_id=plan_id, stream="year")


def _floor_query(ctx: AppContext) -> float:
    """The bare aggregate on the same database, through the same driver.

    On SQLite as a full scan (``NOT INDEXED``): left to itself SQLite walks the
    indicator index and fetches every row from it, twice as slow.
    """
    hint = " NOT INDEXED" if ctx.engine.dialect.name == "sqlite" else ""
    sql = text(
        "SELECT indicator_id, count(*), sum(amount), sum(numerator), sum(denominator), "
        f"sum(CASE WHEN flag THEN 1 ELSE 0 END) FROM statement_value{hint} GROUP BY indicator_id"
    )
    with ctx.engine.connect() as connection:
        return _best(lambda: connection.execute(sql).fetchall())


def _raw(ctx: AppContext, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """One query through the bare DB-API driver (sqlite3 or psycopg), nothing of ours."""
    connection = ctx.engine.raw_connection()
    try:
        cursor = connection.cursor()
        if ctx.engine.dialect.name == "postgresql":
            sql = sql.replace("?", "%s")
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = list(cursor.fetchall())
        cursor.close()
        return rows
    finally:
        connection.close()


#: The scope's units (a recursive walk of the tree when rooted) and every statement
#: row of theirs: the least a dashboard that counts who sent must read.
_SCOPE_UNITS = """WITH RECURSIVE tree(unit_id) AS (
    SELECT unit_id FROM roster_entry WHERE year = ? AND unit_id = ?
    UNION ALL SELECT e.unit_id FROM roster_entry e JOIN tree ON e.parent_id = tree.unit_id
    WHERE e.year = ?)"""


def _dashboard_floor(ctx: AppContext, plan_id: str, year: int, root: str | None) -> float:
    join = "LEFT JOIN statement s ON s.unit_id = e.unit_id AND s.plan_id = ?"
    if root is None:
        sql = f"SELECT e.unit_id, s.stream FROM roster_entry e {join} WHERE e.year = ?"
        params: tuple[Any, ...] = (plan_id, year)
    else:
        sql = (
            f"{_SCOPE_UNITS} SELECT e.unit_id, s.stream FROM tree "
            f"JOIN roster_entry e ON e.unit_id = tree.unit_id AND e.year = ? {join}"
        )
        params = (year, root, year, year, plan_id)
    return _best(lambda: _raw(ctx, sql, params))


def _chooser_floor(ctx: AppContext, year: int) -> float:
    sql = "SELECT unit_id, parent_id, cluster_id FROM roster_entry WHERE year = ?"
    return _best(lambda: _raw(ctx, sql, (year,)))


def _standing_floor(ctx: AppContext, plan_id: str, stream: str) -> float:
    """Every cluster's sums in one bare GROUP BY over the cluster cells."""
    sql = (
        "SELECT bucket_id, indicator_id, sector, kind, grade, goal_met, sum(units), "
        "sum(amount), sum(numerator), sum(denominator), sum(yes) FROM rollup_cell "
        "WHERE plan_id = ? AND family = 'cluster' AND stream = ? "
        "GROUP BY bucket_id, indicator_id, sector, kind, grade, goal_met"
    )
    return _best(lambda: _raw(ctx, sql, (plan_id, stream)), repeat=1)


def _scoring_floor(ctx: AppContext, plan_id: str, stream: str) -> float:
    """Every value scored: one bare read of the stream's values with their units."""
    sql = (
        "SELECT s.unit_id, v.indicator_id, v.amount, v.numerator, v.denominator, v.flag, "
        "v.grade FROM statement_value v JOIN statement s ON s.id = v.statement_id "
        "WHERE s.plan_id = ? AND s.stream = ?"
    )
    return _best(lambda: _raw(ctx, sql, (plan_id, stream)), repeat=1)


def _refresh_floor(ctx: AppContext, statement_ids: list[str]) -> float:
    """The values a refresh after these statements must at least read: theirs, summed
    per indicator, in bare queries of 500 statements each."""

    def run() -> None:
        for start in range(0, len(statement_ids), 500):
            chunk = statement_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            _raw(
                ctx,
                "SELECT indicator_id, count(*), sum(amount), sum(numerator), sum(denominator) "
                f"FROM statement_value WHERE statement_id IN ({marks}) GROUP BY indicator_id",
                tuple(chunk),
            )

    return _best(run, repeat=1)


def _write_json(label: str, rows: list[dict[str, Any]], facts: dict[str, Any]) -> None:
    """Add this backend's figures to ``build/bench/national.json`` (``make bench-readme``)."""
    _write_section(label, {"figures": rows, **facts})


def _write_section(label: str, figures: dict[str, Any]) -> None:
    """Put ``figures`` under ``label`` in ``build/bench/national.json``, keeping the rest."""
    JSON_OUT.parent.mkdir(parents=True, exist_ok=True)
    stored: dict[str, Any] = {}
    if JSON_OUT.exists():
        stored = json.loads(JSON_OUT.read_text(encoding="utf-8"))
    stored[label] = figures
    JSON_OUT.write_text(json.dumps(stored, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"figures written to {JSON_OUT}")


def _profile(label: str, run: Callable[[], Any]) -> None:
    if not os.environ.get("BENCH_PROFILE"):
        return
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(25)
    print(f"\n--- profile: {label} ---\n{stream.getvalue()}")


def _complete_year(national: National, database: str, label: str, analyze: bool) -> None:
    demo = national.demo
    batch = national.batches[0]
    batch_files = sorted(batch.iterdir())
    # (unit code, stream) of each package of the batch: CODE_stream_r1.thidua
    batch_streams = {tuple(f.name.rsplit("_", 2)[:2]) for f in batch_files}
    ctx = open_context(database)
    try:
        statements, values, fill_s = _fill(ctx, demo, batch_streams)
        if analyze:
            with ctx.engine.connect() as connection:
                connection.execute(text("ANALYZE"))
                connection.commit()
        started = time.perf_counter()
        built = refresh_cache(ctx)  # the triggers marked every unit the fill wrote
        cells_s = time.perf_counter() - started
    finally:
        ctx.close()
    [imported] = _run_child(database, [batch])
    assert imported["counts"].get("new") == len(batch_files)
    per_package = imported["seconds"] / len(batch_files) * 1000

    ctx = open_context(database)
    try:
        started = time.perf_counter()
        batch_refresh = refresh_cache(ctx)  # as the next dashboard would, before reading
        batch_refresh_s = time.perf_counter() - started
        with ctx.reading() as session:
            [(total,)] = session.execute(text("SELECT count(*) FROM statement")).all()
            [(value_count,)] = session.execute(text("SELECT count(*) FROM statement_value")).all()
        assert total == len(demo.units) * len(STREAMS)
        largest = max(demo.provinces, key=lambda p: p.grassroots)
        province_scope = Scope(root_unit_id=largest.unit_id)
        cluster_code = f"{largest.code[2:]}-C01"
        cluster_scope = Scope(cluster_id=demo.clusters[cluster_code])
        cluster_size = sum(1 for u in demo.units if u.cluster_code == cluster_code)
        plan_id = demo.plan.id
        with ctx.reading() as session:
            board = dashboard(session, plan_id=plan_id)
        assert board.units == len(demo.units) and not board.missing
        floor = _floor_query(ctx)
        year = demo.plan.year
        with ctx.reading() as session:
            choices = scope_choices(session, year=year)
            from_cells = rollup(session, plan_id=plan_id)
            started = time.perf_counter()
            from_values = rollup(session, plan_id=plan_id, live=True)
            live_s = time.perf_counter() - started
        assert from_cells == from_values
        assert len([c for c in choices if c.kind is ScopeKind.CLUSTER]) == len(demo.clusters)
        unit_ids = {u.code: u.id for u in demo.units}
        batch_statements = [statement_id(plan_id, unit_ids[c], st) for c, st in batch_streams]
        whole_floor = _dashboard_floor(ctx, plan_id, year, None)
        province_floor = _dashboard_floor(ctx, plan_id, year, largest.unit_id)
        started = time.perf_counter()
        scores = scoreboard(ctx, plan_id=plan_id)
        # Every ranking read, as the year's results publish them (Rankings makes each
        # group's when first read).
        placed = sum(map(len, scores.by_cluster.values())) + sum(
            map(len, scores.by_parent.values())
        )
        scoring_s = time.perf_counter() - started
        board_size = len(scores.scores)
        assert placed > 0
        bare = "bare GROUP BY over statement_value"
        rows = [
            _row(
                f"refresh after {len(batch_files):,} packages from all over the country",
                batch_refresh_s,
                "their values read",
                _refresh_floor(ctx, batch_statements),
                goal=2.0,
            ),
            _row(
                "  of which the write lock held (first write to commit)",
                batch_refresh.locked,
                "their values read",
                _refresh_floor(ctx, batch_statements),
            ),
            _row(
                "rollup, whole country",
                _best(lambda: _rollup(ctx, plan_id, Scope())),
                bare,
                floor,
                goal=GOAL_SECONDS,
            ),
            _row("  the same from the values (live=True)", live_s, bare, floor),
            _row(
                f"rollup, {largest.name} ({largest.grassroots:,} CĐCS)",
                _best(lambda: _rollup(ctx, plan_id, province_scope)),
                bare,
                floor,
            ),
            _row(
                f"rollup, one cluster ({cluster_size} units)",
                _best(lambda: _rollup(ctx, plan_id, cluster_scope)),
                bare,
                floor,
            ),
            _row(
                "dashboard, whole country",
                _best(lambda: _dashboard(ctx, plan_id, Scope())),
                "its units and statements read",
                whole_floor,
                goal=0.5,
            ),
            _row(
                f"dashboard, {largest.name}",
                _best(lambda: _dashboard(ctx, plan_id, province_scope)),
                "its units and statements read",
                province_floor,
                goal=0.5,
            ),
            _row(
                f"scope chooser ({len(choices):,} scopes)",
                _best(lambda: _choices(ctx, demo)),
                "the roster's tree read",
                _chooser_floor(ctx, year),
                goal=0.3,
            ),
            _row(
                f"clusters' standing ({len(demo.clusters)} clusters, one stream)",
                _best(lambda: _standing(ctx, plan_id), repeat=1),
                "the cluster cells read",
                _standing_floor(ctx, plan_id, "year"),
            ),
            _row(
                f"scoring, whole country ({board_size:,} units, every ranking read; once)",
                scoring_s,
                "the values of the year read",
                _scoring_floor(ctx, plan_id, "year"),
                goal=10.0,
            ),
        ]
        with ctx.unit_of_work() as session:
            session.add(models.RollupDirty(plan_id=plan_id, unit_id=WHOLE_PLAN))
        started = time.perf_counter()
        rebuilt = refresh_cache(ctx)
        rows.append(
            _row(
                "every cell recomputed (a roster edit's next refresh)",
                time.perf_counter() - started,
                bare,
                floor,
            )
        )
        rows.append(
            _row(
                "  of which the write lock held (first write to commit)",
                rebuilt.locked,
                bare,
                floor,
            )
        )
        assert rebuilt.whole_plans == 1
        _profile(f"{label} rollup", lambda: _rollup(ctx, plan_id, Scope()))
        _profile(f"{label} dashboard", lambda: _dashboard(ctx, plan_id, Scope()))
    finally:
        ctx.close()
    width = max(len(r["name"]) for r in rows) + 2
    print(
        f"\n(b) {label}: a complete year, {total:,} statements, {value_count:,} values "
        f"(bench fixture: {statements:,} statements, {values:,} values by bulk inserts in "
        f"{fill_s:.1f} s{', then ANALYZE' if analyze else ''}; roll-up cells built in "
        f"{cells_s:.1f} s ({built.cells:,} cells); then {len(batch_files):,} "
        f"packages imported at {per_package:.2f} ms/package, their cells refreshed),\n"
        f"  best of {REPEAT} after a warm-up (the live roll-up, the standing, scoring and the "
        f"recomputation: once); each beside its floor, a bare query through the driver "
        f"measured in this run:\n"
        + "\n".join(
            f"  {r['name']:<{width}}{_ms(r['seconds'])}  ×{r['seconds'] / r['floor']:.2f} "
            f"floor ({r['floor_name']}: {_ms(r['floor']).strip()})"
            + (
                f"; goal ≤ {r['goal']:g} s {'met' if r['seconds'] <= r['goal'] else 'NOT met'}"
                if r["goal"] is not None
                else ""
            )
            for r in rows
        )
    )
    _write_json(
        label,
        rows,
        {
            "units": len(demo.units),
            "statements": total,
            "values": value_count,
            "clusters": len(demo.clusters),
            "scopes": len(choices),
        },
    )


def _row(
    name: str, seconds: float, floor_name: str, floor: float, *, goal: float | None = None
) -> dict[str, Any]:
    return {
        "name": name,
        "seconds": seconds,
        "floor_name": floor_name,
        "floor": floor,
        "goal": goal,
    }


def test_rollup_at_national_size_sqlite(national: National, tmp_path: Path) -> None:
    database = _copy_sqlite(national.demo.database, tmp_path / "complete.db")
    _complete_year(national, database, "SQLite", analyze=False)


def _postgres_admin_url() -> str | None:
    return os.environ.get("THIDUA_BENCH_POSTGRES_URL") or os.environ.get("THIDUA_TEST_POSTGRES_URL")


def test_rollup_at_national_size_postgresql(tmp_path: Path) -> None:
    admin_url = _postgres_admin_url()
    if not admin_url:
        pytest.skip(
            "PostgreSQL half skipped: set THIDUA_BENCH_POSTGRES_URL (or "
            "THIDUA_TEST_POSTGRES_URL) to a URL of a role that may create databases"
        )
    name = f"thidua_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        built = _build(tmp_path / "national", BATCH, database=url)
        print(f"\nPostgreSQL national federation built in {built.generate_seconds:.1f} s")
        _complete_year(built, url, "PostgreSQL", analyze=True)
    finally:
        _drop_scratch(admin, name)
        admin.dispose()


def _drop_scratch(admin: Any, name: str) -> None:
    """Drop the scratch database. FORCE may not end every session on it: an autovacuum
    worker busy on the freshly written tables belongs to no role of ours
    (InsufficientPrivilege, seen twice after the figures were printed); a plain DROP
    cancels such workers itself, so try again for a minute before giving up."""
    from sqlalchemy.exc import DBAPIError

    for attempt in range(30):
        for statement in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                          f'DROP DATABASE IF EXISTS "{name}"'):  # fmt: skip
            try:
                with admin.connect() as connection:
                    connection.execute(text(statement))
                return
            except DBAPIError:
                pass
        if attempt == 29:
            with admin.connect() as connection:
                sessions = connection.execute(
                    text(
                        "SELECT pid, usename, backend_type FROM pg_stat_activity "
                        "WHERE datname = :name"
                    ),
                    {"name": name},
                ).all()
            raise RuntimeError(f"scratch database {name} still in use by {sessions}")
        time.sleep(2)

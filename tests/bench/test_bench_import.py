"""Benchmark of import and merge against its floor (``make bench``).

Collected only when pytest is given this folder (the normal suite ignores
``tests/bench`` through ``addopts``). Prints figures; asserts only counts,
never times (machines are noisy).

The province: a federation database made by ``make_demo`` (units with
accepted keys, no packages), plus a synthetic plan ``bench-60`` whose 60
indicators are the 2017 plan's 21 indicators cloned with new codes and no
unit-kind or sector restriction. Every unit sends its registration, 6-month
and annual report on that plan with a value for all 60 indicators (plus 3
movements and 1 work), so every package carries exactly 60 values.

Figures:

(a) the TRUE FLOOR (``tests/bench/floors.py``: public primitives only,
    nothing of the project), in this process: read every file, verify its
    Ed25519 signature with ``cryptography``, parse it with ``json.loads``,
    then ONE ``sqlite3`` ``executemany`` of the same value rows into a fresh
    SQLite file table in WAL mode; and the same as a whole process
    (``python floors.py``), beside ``thidua-cli import`` as a whole process,
    run as installed (its catalogue and bytecode compiled first: ``_as_installed``);
(b) ``import_packages`` in a fresh child interpreter (module imports and
    database opening excluded from the time, as the floor excludes them),
    its ratio to the floor, packages/s, and the child's peak RSS
    (``getrusage(RUSAGE_CHILDREN).ru_maxrss`` read by a small launcher
    process, see ``LAUNCHER_SCRIPT``; cross-checked with the child's VmHWM);
(c) per-package cost at 2,000 and at 20,000 packages (``BENCH_LARGE`` sets
    the larger size, e.g. ``BENCH_LARGE=10000`` on a slow machine);
(d) the same ratios in CPU time (the floor's in this process, the import's
    in its child), steadier than wall time when other work shares the
    machine; wall time also counts waiting for the disk (WAL checkpoints).

At 2,000 packages the floor and the import are each run ``BENCH_REPEAT``
times (default 3) and the best time is kept; 20,000 is run once. Every figure
is printed beside its floor measured in the same run, and written as JSON to
``build/bench/import.json`` (``BENCH_JSON``), from which ``make bench-readme``
regenerates the README's table (``tests/bench/readme.py``).

Run: ``make bench``, or
``QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/bench/test_bench_import.py
-s -p no:cacheprovider --override-ini addopts=``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core import domain
from app.core.context import open_context
from app.demo.province import DemoUnit, make_demo, write_report
from app.plans.builtin import load_builtin_document
from app.plans.document import install_plan_document
from app.plans.reading import get_plan
from db.enums import REGISTRATION_STREAM, IndicatorKind
from tests.bench.floors import floor_process, import_floor, whole_process
from tests.bench.test_bench_startup import compiled_catalogues

ROOT = Path(__file__).resolve().parents[2]
SMALL = 2_000
LARGE = int(os.environ.get("BENCH_LARGE", "20000"))
#: Runs at the small size; the best is kept (the machine may be busy).
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
#: Where the figures go for ``tests/bench/readme.py``.
JSON_OUT = Path(os.environ.get("BENCH_JSON", str(ROOT / "build" / "bench" / "import.json")))
INDICATORS = 60
STREAMS = (REGISTRATION_STREAM, "h1", "year")
BENCH_PLAN = "bench-60"

#: The import, in a fresh interpreter; prints its own timing and peak RSS.
CHILD_SCRIPT = """
import json, sys, time
from pathlib import Path
from app.core.context import open_context
from app.exchange.merge import import_packages
ctx = open_context(sys.argv[1])
started, cpu_started = time.perf_counter(), time.process_time()
summary = import_packages(ctx, paths=[Path(sys.argv[2])], dry_run=False)
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
ctx.close()
hwm = None
try:
    with open("/proc/self/status") as status:
        hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    pass
print(json.dumps({"seconds": seconds, "cpu": cpu, "counts": summary.counts, "vmhwm_kib": hwm}))
"""

#: Starts the import child and reports getrusage(RUSAGE_CHILDREN).ru_maxrss.
#: On Linux a child's ru_maxrss starts from its parent's high-water mark
#: (vfork + exec), so the child is started from this small interpreter, not
#: from pytest, whose own peak (the floor's 1.2 M rows at 20,000) would
#: otherwise be reported as the child's.
LAUNCHER_SCRIPT = """
import json, resource, subprocess, sys
done = subprocess.run(
    [sys.executable, "-c", sys.argv[1], *sys.argv[2:]], capture_output=True, check=True
)
report = json.loads(done.stdout)
report["children_maxrss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps(report))
"""


# --- the province -------------------------------------------------------------------


def _plan_document() -> dict[str, Any]:
    """The 2017 plan with its indicators cloned to 60, applying to every unit."""
    document = load_builtin_document("tuyen-quang-2017")
    source = document["indicators"]
    indicators = []
    for n in range(INDICATORS):
        item = dict(source[n % len(source)])
        item.pop("unit_kinds", None)
        item.pop("sectors", None)
        item["code"] = f"B{n + 1:02d}"
        item["title"] = f"{item['title']} ({n + 1})"
        indicators.append(item)
    document["id"] = BENCH_PLAN
    document["indicators"] = indicators
    return document


def _value(rng: random.Random, indicator: domain.Indicator, grades: list[str]) -> domain.UnitValue:
    kind = indicator.kind
    if kind is IndicatorKind.COUNT:
        return domain.UnitValue(amount=rng.randint(0, 40))
    if kind is IndicatorKind.MONEY:
        return domain.UnitValue(amount=rng.randint(0, 100) * 500_000)
    if kind is IndicatorKind.RATIO:
        denominator = rng.randint(5, 1500)
        return domain.UnitValue(
            numerator=int(denominator * rng.uniform(0.5, 1.0)), denominator=denominator
        )
    if kind is IndicatorKind.YES_NO:
        return domain.UnitValue(flag=rng.random() < 0.8)
    if kind is IndicatorKind.GRADE:
        return domain.UnitValue(grade=rng.choice(grades))
    return domain.UnitValue(text="Công trình chào mừng Đại hội Công đoàn")


@dataclass
class Province:
    database: Path
    packages_dir: Path
    files: list[Path]
    public_keys: dict[str, bytes]
    generate_seconds: float


def _province(out_dir: Path, count: int) -> Province:
    started = time.perf_counter()
    units = -(-count // len(STREAMS))
    demo = make_demo(out_dir=out_dir, units=units, streams=())
    ctx = open_context(demo.database)
    try:
        with ctx.unit_of_work() as session:
            install_plan_document(session, _plan_document())
        with ctx.reading() as session:
            plan = get_plan(session, BENCH_PLAN)
    finally:
        ctx.close()
    assert len(plan.indicators) == INDICATORS
    rng = random.Random(count)
    grades = [g.code for g in plan.grade_levels]
    files: list[Path] = []
    unit: DemoUnit
    for unit in demo.units:
        for stream in STREAMS:
            if len(files) == count:
                break
            values = {i.code: _value(rng, i, grades) for i in plan.indicators}
            files.append(
                write_report(
                    unit, plan, demo.federation_id, stream, values, demo.packages_dir, revision=1
                )
            )
    keys = {u.keypair.key_id: u.keypair.public_raw for u in demo.units}
    return Province(demo.database, demo.packages_dir, files, keys, time.perf_counter() - started)


# --- (a) the floor ------------------------------------------------------------------


def _floor(province: Province, table_file: Path) -> tuple[float, float, int]:
    return import_floor(province.files, province.public_keys, table_file)


# --- (b) the import -----------------------------------------------------------------


def _installed_environment() -> dict[str, str]:
    """``thidua-cli`` as an installation runs it: bytecode read, not compiled.

    pip and the bundle compile every module once; a shell that sets
    ``PYTHONDONTWRITEBYTECODE`` (this sandbox's does) would make each measured
    run compile ~140 modules again, ~0.3 s of CPU no user pays. The floor runs
    with ``-I``, so it always reads its libraries' bytecode.
    :func:`_as_installed` compiles ours before the runs.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _as_installed() -> None:
    """The catalogue compiled and every module's bytecode written, as an installation
    has them (``make bench`` compiles the catalogue too)."""
    compiled = compiled_catalogues()
    if compiled:
        print(f"\ncompiled {', '.join(compiled)} (as make bench does)")
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "app", "db"],
        cwd=ROOT,
        env=_installed_environment(),
        check=True,
        capture_output=True,
    )


def _import_in_child(province: Province, database: Path) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            LAUNCHER_SCRIPT,
            CHILD_SCRIPT,
            str(database),
            str(province.packages_dir),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=True,
        timeout=3600,
    )
    report: dict[str, Any] = json.loads(completed.stdout)
    return report


def _applied_values(database: Path) -> tuple[int, int]:
    conn = sqlite3.connect(database)
    try:
        packages = conn.execute("SELECT count(*) FROM package WHERE status = 'applied'")
        applied = packages.fetchone()[0]
        values = conn.execute("SELECT count(*) FROM statement_value").fetchone()[0]
    finally:
        conn.close()
    return applied, values


def _measure(folder: Path, count: int, repeat: int) -> dict[str, float]:
    """Best of ``repeat`` runs of the floor and of the import (fresh files each time)."""
    province = _province(folder / "province", count)
    assert len(province.files) == count
    print(f"\n[{count} packages] generated in {province.generate_seconds:.1f} s")
    floors, imports, rss, hwms, floor_cpus, import_cpus = [], [], [], [], [], []
    processes: list[dict[str, Any]] = []
    floor_processes: list[dict[str, Any]] = []
    for run in range(repeat):
        floor_processes.append(
            floor_process(
                province.packages_dir,
                province.public_keys,
                folder / f"floorp{run}.db",
                scratch=folder,
            )
        )
        assert json.loads(floor_processes[-1]["stdout"])["rows"] == count * INDICATORS
        command_db = folder / f"command{run}.db"
        shutil.copyfile(province.database, command_db)
        env = _installed_environment()
        processes.append(
            whole_process(
                [
                    sys.executable,
                    "-m",
                    "app.cli",
                    "--db",
                    str(command_db),
                    "import",
                    str(province.packages_dir),
                ],
                cwd=ROOT,
                env=env,
            )
        )
        assert _applied_values(command_db) == (count, count * INDICATORS)
        floor, floor_cpu, floor_rows = _floor(province, folder / f"floor{run}.db")
        assert floor_rows == count * INDICATORS
        floors.append(floor)
        floor_cpus.append(floor_cpu)
        database = folder / f"import{run}.db"
        shutil.copyfile(province.database, database)
        report = _import_in_child(province, database)
        assert report["counts"]["new"] == count, report["counts"]
        assert sum(report["counts"].values()) == count
        assert _applied_values(database) == (count, count * INDICATORS)
        imports.append(report["seconds"])
        import_cpus.append(report["cpu"])
        rss.append(report["children_maxrss_kib"] / 1024)
        hwms.append((report["vmhwm_kib"] or 0) / 1024)
        for suffix in ("", "-wal", "-shm"):
            for name in (
                database,
                command_db,
                folder / f"floor{run}.db",
                folder / f"floorp{run}.db",
            ):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
    seconds, floor, mib = min(imports), min(floors), max(rss)
    cpu, floor_cpu = min(import_cpus), min(floor_cpus)
    if repeat > 1:
        print(
            f"runs: import {', '.join(f'{t:.2f}' for t in imports)} s; "
            f"floor {', '.join(f'{t:.2f}' for t in floors)} s (best of {repeat} kept)"
        )
    print(
        f"import: {count} packages ({INDICATORS} values each) in {seconds:.2f} s; "
        f"floor {floor:.2f} s; ratio {seconds / floor:.2f}x; "
        f"{count / seconds:.0f} packages/s (floor {count / floor:.0f}/s); "
        f"peak RSS {mib:.0f} MiB (child's ru_maxrss; its VmHWM {max(hwms):.0f} MiB)"
    )
    print(
        f"per package: import {seconds / count * 1000:.3f} ms, floor {floor / count * 1000:.3f} ms"
    )
    # CPU time is steadier than wall time on a shared machine (and leaves out
    # waiting for the disk): the same ratio, for comparison.
    print(
        f"cpu: import {cpu:.2f} s, floor {floor_cpu:.2f} s; ratio {cpu / floor_cpu:.2f}x; "
        f"per package {cpu / count * 1000:.3f} ms, floor {floor_cpu / count * 1000:.3f} ms"
    )
    process = min(p["wall"] for p in processes)
    process_cpu = min(p["cpu"] for p in processes)
    floor_process_wall = min(p["wall"] for p in floor_processes)
    floor_process_cpu = min(p["cpu"] for p in floor_processes)
    print(
        f"whole process: thidua-cli import {process:.2f} s wall, {process_cpu:.2f} s CPU; "
        f"floor process {floor_process_wall:.2f} s wall, {floor_process_cpu:.2f} s CPU; "
        f"ratio {process / floor_process_wall:.2f}x wall, "
        f"{process_cpu / floor_process_cpu:.2f}x CPU"
    )
    return {
        "packages": count,
        "seconds": seconds,
        "floor": floor,
        "rss_mib": mib,
        "cpu": cpu,
        "floor_cpu": floor_cpu,
        "process": process,
        "process_cpu": process_cpu,
        "floor_process": floor_process_wall,
        "floor_process_cpu": floor_process_cpu,
    }


def test_import_against_floor_and_flatness(tmp_path: Path) -> None:
    _as_installed()
    small = _measure(tmp_path / "small", SMALL, REPEAT)
    large = _measure(tmp_path / "large", LARGE, 1)
    per_small = small["seconds"] / SMALL * 1000
    per_large = large["seconds"] / LARGE * 1000
    print(
        f"\nflatness: {per_small:.3f} ms/package at {SMALL}, {per_large:.3f} ms/package at "
        f"{LARGE}; ratio {per_large / per_small:.2f}x "
        f"(floor {small['floor'] / SMALL * 1000:.3f} vs {large['floor'] / LARGE * 1000:.3f} ms)"
    )
    print(
        f"flatness (cpu): {small['cpu'] / SMALL * 1000:.3f} ms/package at {SMALL}, "
        f"{large['cpu'] / LARGE * 1000:.3f} ms/package at {LARGE}; "
        f"ratio {large['cpu'] / LARGE / (small['cpu'] / SMALL):.2f}x"
    )
    print(
        f"goals: import/floor <= 2x (got {small['seconds'] / small['floor']:.2f}x at {SMALL}, "
        f"{large['seconds'] / large['floor']:.2f}x at {LARGE}); peak RSS <= 300 MiB "
        f"(got {max(small['rss_mib'], large['rss_mib']):.0f} MiB)"
    )
    JSON_OUT.parent.mkdir(parents=True, exist_ok=True)
    JSON_OUT.write_text(json.dumps({"sizes": [small, large]}, indent=1), encoding="utf-8")
    print(f"figures written to {JSON_OUT}")

"""Benchmark: scoring and ranking a province of 2,000 units (``make bench``).

Collected only when pytest is given this folder (the normal suite ignores
``tests/bench``). Prints figures; asserts only counts, never times.

The province: ``make_demo`` with ``BENCH_SCORING_UNITS`` units (default
2,000), each unit's registration, 6-month and annual report imported. Each
figure is the best of ``BENCH_REPEAT`` runs (default 5), wall and CPU:

- the FLOOR in this run, from public primitives only: one bare ``sqlite3``
  query reading the values scoring reads (both streams, every unit), the
  roster rows, and a plain-Python sort of the units by their summed amounts
  within each cluster (what any scoring must at least read and order);
- ``app.scoring.scoreboard`` (the public service: reads, scores, ranks every
  cluster and upper-level union), and its ratio to the floor.

Goal: the scoreboard of 2,000 units ≤ 0.3 s. Machines shared with other work
show it in the wall figure; the CPU figure is the steadier one.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest
tests/bench/test_bench_scoring.py -s -p no:cacheprovider --override-ini addopts=``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.context import open_context
from app.demo.province import make_demo
from app.exchange.merge import import_packages
from app.scoring import scoreboard

UNITS = int(os.environ.get("BENCH_SCORING_UNITS", "2000"))
ROOT = Path(__file__).resolve().parents[2]
JSON_OUT = Path(
    os.environ.get("BENCH_SCORING_JSON", str(ROOT / "build" / "bench" / "scoring.json"))
)
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))

VALUES = """
SELECT s.unit_id, s.stream, v.indicator_id, v.amount, v.numerator, v.denominator,
       v.flag, v.grade, v.text, v.note
FROM statement_value v JOIN statement s ON s.id = v.statement_id
WHERE s.plan_id = ? AND s.stream IN ('registration', 'year')
"""
ROSTER = """
SELECT u.id, u.code, u.name, u.kind, r.sector, r.parent_id, r.cluster_id
FROM unit u JOIN roster_entry r ON r.unit_id = u.id
WHERE r.year = ? AND u.kind <> 'federation'
"""


def best(run: Callable[[], Any]) -> tuple[float, float]:
    """(wall, CPU) seconds, each the best of REPEAT runs."""
    walls, cpus = [], []
    for _ in range(REPEAT):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def floor_run(database: Path, plan_id: str, year: int) -> Callable[[], int]:
    connection = sqlite3.connect(database)

    def run() -> int:
        values = connection.execute(VALUES, (plan_id,)).fetchall()
        roster = connection.execute(ROSTER, (year,)).fetchall()
        totals: dict[str, int] = defaultdict(int)
        for unit_id, _stream, _indicator, amount, *_rest in values:
            totals[unit_id] += amount or 0
        clusters: dict[str | None, list[tuple[int, str]]] = defaultdict(list)
        for unit_id, code, *_rest, cluster_id in roster:
            clusters[cluster_id].append((-totals[unit_id], code))
        for members in clusters.values():
            members.sort()
        return len(roster)

    return run


def test_scoring_2000_units(tmp_path: Path) -> None:
    demo = make_demo(out_dir=tmp_path / "demo", units=UNITS)
    ctx = open_context(demo.database)
    summary = import_packages(ctx, paths=[demo.packages_dir], dry_run=False)
    assert summary.counts["new"] == 3 * UNITS

    floor = floor_run(demo.database, demo.plan.id, demo.plan.year)
    assert floor() == UNITS  # also warms the page cache, as the service is warmed below

    def service() -> None:
        board = scoreboard(ctx, plan_id=demo.plan.id)
        assert len(board.scores) == UNITS
        # Every ranking read: each group's is made when first read.
        placed = sum(map(len, board.by_cluster.values()))
        assert placed + sum(map(len, board.by_parent.values())) > 0

    service()
    floor_wall, floor_cpu = best(floor)
    wall, cpu = best(service)
    ctx.close()
    print()
    print(f"scoring {UNITS} units (best of {REPEAT}, wall / CPU):")
    print(f"  FLOOR (bare sqlite3 read + sort): {floor_wall:.3f} s / {floor_cpu:.3f} s")
    print(
        f"  scoreboard (read, score, rank):   {wall:.3f} s / {cpu:.3f} s"
        f"   ×{wall / floor_wall:.1f} / ×{cpu / floor_cpu:.1f} the floor   (goal ≤ 0.3 s)"
    )
    figures = {
        "units": UNITS,
        "repeat": REPEAT,
        "floor": {"wall": floor_wall, "cpu": floor_cpu},
        "scoreboard": {"wall": wall, "cpu": cpu},
        "load": os.getloadavg()[0],
        "cores": os.cpu_count(),
    }
    JSON_OUT.parent.mkdir(parents=True, exist_ok=True)
    JSON_OUT.write_text(json.dumps(figures, indent=1), encoding="utf-8")

"""Benchmark: the federation dashboard over 2,000 units (``make bench``).

The province: ``make_demo`` with 2,000 units (upper-level unions and CĐCS in
clusters), each unit's registration, 6-month and annual report imported
(6,000 packages, ~80,000 values). Figures, each the best of ``BENCH_REPEAT``
runs (default 5), printed; only counts are asserted (machines are noisy):

- the FLOOR in this run: one bare ``sqlite3`` query summing every value by
  indicator on the same file (what any roll-up must at least read);
- the core ``rollup`` alone (the SQL roll-up of every target, from the
  cells), the same computed from the values (``live=True``, the way it
  worked before the cells), and recomputing every cell (what a roster edit
  costs the next refresh);
- ``app.rollup.dashboard.dashboard`` (roll-up + coverage + who has not sent), the
  whole province and one cluster;
- the GUI refresh: ``DashboardPage.refresh()`` until the table is on screen
  (worker + GUI thread), and the part spent on the GUI thread.

Goal: the GUI refresh of the whole province in ≤ 100 ms. Ratios to the
floor are printed so runs on different machines compare.

Run: ``make bench``, or ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m
pytest tests/bench/test_bench_dashboard.py -s -p no:cacheprovider --override-ini addopts=``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from app.core.context import open_context
from app.demo.province import make_demo
from app.exchange.merge import import_packages
from app.rollup.cache import WHOLE_PLAN, refresh, refresh_cache
from app.rollup.dashboard import ScopeKind, dashboard, scope_choices
from app.rollup.query import Scope, rollup
from db import models

UNITS = int(os.environ.get("BENCH_DASHBOARD_UNITS", "2000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def best(run: Callable[[], Any], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def floor(database: Path) -> float:
    connection = sqlite3.connect(database)
    try:

        def query() -> None:
            connection.execute(
                "SELECT indicator_id, count(*), sum(amount), sum(numerator), sum(denominator), "
                "sum(flag) FROM statement_value GROUP BY indicator_id"
            ).fetchall()

        query()  # warm the page cache as the others are warmed
        return best(query)
    finally:
        connection.close()


def test_dashboard_over_2000_units(qtbot: QtBot, tmp_path: Path) -> None:
    started = time.perf_counter()
    demo = make_demo(out_dir=tmp_path / "demo", units=UNITS)
    ctx = open_context(demo.database)
    summary = import_packages(ctx, paths=[demo.packages_dir], dry_run=False)
    assert summary.counts["new"] == len(demo.files) == 3 * UNITS
    setup = time.perf_counter() - started
    plan_id = demo.plan.id

    with ctx.reading() as session:
        choices = scope_choices(session, year=demo.plan.year)
    cluster = next(c for c in choices if c.kind is ScopeKind.CLUSTER)

    def core_rollup() -> None:
        with ctx.reading() as session:
            rollup(session, plan_id=plan_id)

    def live_rollup() -> None:
        with ctx.reading() as session:
            rollup(session, plan_id=plan_id, live=True)

    def rebuild_cells() -> None:
        with ctx.unit_of_work() as session:
            session.merge(models.RollupDirty(plan_id=plan_id, unit_id=WHOLE_PLAN))
            refresh(session)

    def core_dashboard(scope: Scope) -> Callable[[], None]:
        def run() -> None:
            with ctx.reading() as session:
                board = dashboard(session, plan_id=plan_id, scope=scope)
            assert board.units == (UNITS if scope == Scope() else cluster.units)

        return run

    refresh_cache(ctx)  # what the dashboard does after an import
    core_rollup()
    floor_s = floor(demo.database)
    rollup_s = best(core_rollup)
    live_s = best(live_rollup)
    rebuild_s = best(rebuild_cells)
    province_s = best(core_dashboard(Scope()))
    cluster_s = best(core_dashboard(cluster.scope))
    ctx.close()

    from ui.federation.dashboard_page import DashboardPage
    from ui.widgets.tasks import TaskRunner

    gui_ctx = open_context(demo.database)
    runner = TaskRunner()
    page = DashboardPage(gui_ctx, runner)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    with qtbot.waitSignal(page.refreshed, timeout=60000):
        page.set_plan(demo.plan)
    whole, gui = [], []
    for _ in range(REPEAT):
        with qtbot.waitSignal(page.refreshed, timeout=60000):
            page.refresh()
        whole.append(page.last_timing[0])
        gui.append(page.last_timing[1])
    board = page.board
    assert board is not None and board.units == UNITS
    runner.wait()
    gui_ctx.close()

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:7.1f} ms"

    print(
        f"\nDashboard over {UNITS} units, {len(demo.files)} packages "
        f"(setup {setup:.1f} s; best of {REPEAT}):\n"
        f"  floor: bare sqlite3 sum of every value by indicator {ms(floor_s)}\n"
        f"  core rollup (all targets, 3 streams)           {ms(rollup_s)}  "
        f"x{rollup_s / floor_s:.1f} floor\n"
        f"    the same from the values, not the cells      {ms(live_s)}  "
        f"x{live_s / floor_s:.1f} floor\n"
        f"    recomputing every cell (after a roster edit) {ms(rebuild_s)}  "
        f"x{rebuild_s / floor_s:.1f} floor\n"
        f"  core dashboard, whole province                 {ms(province_s)}  "
        f"x{province_s / floor_s:.1f} floor\n"
        f"  core dashboard, {cluster.name} ({cluster.units} units)"
        f"{' ' * max(0, 22 - len(cluster.name) - len(str(cluster.units)))}{ms(cluster_s)}  "
        f"x{cluster_s / floor_s:.1f} floor\n"
        f"  GUI refresh, whole province (request → shown)  {ms(min(whole))}  "
        f"x{min(whole) / floor_s:.1f} floor  (goal ≤ 100 ms)\n"
        f"    of which on the GUI thread                   {ms(min(gui))}"
    )

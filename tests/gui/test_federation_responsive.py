"""The window stays responsive while 2,000 packages are checked and imported.

A 10 ms QTimer records the longest gap between its ticks — how long the
event loop could not react (repaint, a click on Cancel) — from the drop to
the end of Apply. The goal is < 100 ms; the test prints the figure and
asserts only that the import finished, with a generous bound that catches a
blocking regression (a whole import on the GUI thread takes seconds).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, cast

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractItemView

from app.demo.province import make_demo
from tests.gui.test_federation import drop
from tests.gui.widgets import open_federation_window

PACKAGES = 2_000
#: Far above the goal (100 ms): fails only when work lands on the GUI thread.
SANITY_BOUND_MS = 1_500


class GapMeter:
    """Longest interval between ticks of a 10 ms timer, and where it happened."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0
        self.ticks = 0
        self.phase = ""
        self.worst_phase = ""

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._tick()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self.last
        if gap > self.longest:
            self.longest, self.worst_phase = gap, self.phase
        self.last = now
        self.ticks += 1


@pytest.mark.slow
def test_importing_2000_packages_keeps_the_window_responsive(qtbot: QtBot, tmp_path: Path) -> None:
    units = -(-PACKAGES // 3)
    demo = make_demo(out_dir=tmp_path / "demo", units=units)
    assert len(demo.files) >= PACKAGES
    _window, workspace = open_federation_window(
        qtbot, demo.database, size=(1280, 800), timeout=30000
    )
    qtbot.waitUntil(lambda: workspace.dashboard.board is not None, timeout=30000)

    meter = GapMeter()
    meter.start()
    started = time.perf_counter()
    meter.phase = "dry run"
    with qtbot.waitSignal(workspace.importer.checked, timeout=300000) as checked:
        drop(workspace, demo.packages_dir)
    checked_at = time.perf_counter()
    meter.phase = "apply"
    with qtbot.waitSignal(workspace.importer.applied, timeout=300000) as applied:
        workspace.importer.apply_button.click()
    applied_at = time.perf_counter()
    meter.phase = "dashboard refresh"
    qtbot.waitUntil(
        lambda: (
            workspace.dashboard.board is not None
            and workspace.dashboard.board.coverage[0].received == units
        ),
        timeout=60000,
    )
    meter.stop()
    finished = time.perf_counter()

    summary = applied.args[0]
    assert checked.args[0].counts["new"] == len(demo.files)
    assert summary.counts["new"] == len(demo.files) and not summary.cancelled
    assert workspace.importer.model.rowCount() == len(demo.files)
    longest_ms = meter.longest * 1000
    print(
        f"\n{len(demo.files)} packages from the GUI: dry run {checked_at - started:.1f} s, "
        f"apply {applied_at - checked_at:.1f} s, dashboard {finished - applied_at:.1f} s; "
        f"longest event-loop gap {longest_ms:.0f} ms (during {meter.worst_phase}; goal < 100 ms) "
        f"over {meter.ticks} ticks"
    )
    assert longest_ms < SANITY_BOUND_MS


def _scroll_through(view: QAbstractItemView, steps: int = 100) -> tuple[float, float]:
    """Scroll from top to bottom, rendering the view at each of ``steps`` positions:
    (longest, mean) milliseconds per step."""
    bar = view.verticalScrollBar()
    times = []
    for step in range(steps + 1):
        started = time.perf_counter()
        bar.setValue(bar.maximum() * step // steps)
        view.viewport().grab()  # renders every visible row, as a repaint does
        times.append((time.perf_counter() - started) * 1000)
    return max(times), sum(times) / len(times)


def test_tables_of_20000_rows_scroll_smoothly(qtbot: QtBot) -> None:
    """Model/view over values: a repaint costs the visible rows only, whatever the size."""
    from app.core import domain
    from app.exchange.outcomes import ItemResult, Outcome
    from db.enums import Sector, UnitKind

    from ui.federation.import_page import ImportPage
    from ui.federation.roster_page import RosterPage
    from ui.widgets.tasks import TaskRunner

    outcomes = list(Outcome)
    items = [
        ItemResult(
            file_name=f"CS-{n:05d}_year_r1.thidua",
            outcome=outcomes[n % len(outcomes)],
            reason="Already imported." if n % 7 == 0 else "",
            unit_id=f"u{n}",
            unit_code=f"CS-{n:05d}",
            kind="report",
            plan_id="tuyen-quang-2017",
            stream="year",
            revision=1 + n % 3,
            fingerprint="0482-1093-7551-2883-0117-4229",
        )
        for n in range(20_000)
    ]
    runner = TaskRunner()
    page = ImportPage(cast(Any, None), runner)  # no database: the table only
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    page.set_plans({}, {f"u{n}": f"Công đoàn cơ sở số {n}" for n in range(20_000)})
    model, proxy, view = page.model, page.proxy, page.view
    started = time.perf_counter()
    model.set_items(items)
    page.view.show()
    load_ms = (time.perf_counter() - started) * 1000
    table_worst, table_mean = _scroll_through(view)
    started = time.perf_counter()
    proxy.set_outcomes(frozenset({Outcome.CONFLICT}))
    filter_ms = (time.perf_counter() - started) * 1000
    assert proxy.rowCount() == sum(1 for i in items if i.outcome is Outcome.CONFLICT)

    federation = domain.RosterUnit(
        "f", None, "LĐLĐ", UnitKind.FEDERATION, None, None, None, 0, 0, "", ""
    )
    uppers = [
        domain.RosterUnit(
            f"p{n}",
            f"CT-{n:03d}",
            f"Công đoàn cấp trên số {n}",
            UnitKind.UPPER,
            None,
            "f",
            "Cụm 1",
            0,
            0,
            "",
            "",
        )
        for n in range(200)
    ]
    grassroots = [
        domain.RosterUnit(
            f"g{n}",
            f"CS-{n:05d}",
            f"Công đoàn cơ sở số {n}",
            UnitKind.GRASSROOTS,
            Sector.FDI,
            f"p{n % 200}",
            "Cụm 2",
            100,
            120,
            "",
            "",
        )
        for n in range(20_000)
    ]
    roster = RosterPage(cast(Any, None), runner)
    qtbot.addWidget(roster)
    roster.resize(1400, 800)
    roster.show()
    tree_model, tree_proxy, tree = roster.model, roster.proxy, roster.view
    tree_model.set_units([federation, *uppers, *grassroots])
    started = time.perf_counter()
    tree.expandAll()
    expand_ms = (time.perf_counter() - started) * 1000
    tree_worst, tree_mean = _scroll_through(tree)
    started = time.perf_counter()
    tree_proxy.set_filters(words="so 19999")
    search_ms = (time.perf_counter() - started) * 1000
    assert roster.visible_codes() == ["", "CT-199", "CS-19999"]  # the match and its ancestors
    started = time.perf_counter()
    tree_proxy.set_filters(words="so 1999")
    again_ms = (time.perf_counter() - started) * 1000
    print(
        f"\n20,000 import rows: load {load_ms:.0f} ms, scroll step worst {table_worst:.1f} ms "
        f"(mean {table_mean:.1f}), outcome filter {filter_ms:.0f} ms; roster tree of 20,201 "
        f"units: expand all {expand_ms:.0f} ms, scroll step worst {tree_worst:.1f} ms "
        f"(mean {tree_mean:.1f}), search {search_ms:.0f} ms (next keystroke {again_ms:.0f} ms)"
    )
    assert table_worst < 250 and tree_worst < 250  # sanity only; the figures are printed


def test_cancel_stops_the_import_and_the_rest_comes_in_later(qtbot: QtBot, tmp_path: Path) -> None:
    demo = make_demo(out_dir=tmp_path / "demo", units=400)
    total = len(demo.files)
    _window, workspace = open_federation_window(qtbot, demo.database, timeout=30000)
    page = workspace.importer
    with qtbot.waitSignal(page.checked, timeout=120000):
        drop(workspace, demo.packages_dir)
    cancel_once = [True]

    def cancel_at_first_progress(_done: int, _total: int) -> None:
        if cancel_once and not page.cancel_button.isHidden():
            cancel_once.clear()
            page.cancel_button.click()

    page.progressed.connect(cancel_at_first_progress)
    with qtbot.waitSignal(page.applied, timeout=120000) as applied:
        page.apply_button.click()
    summary = applied.args[0]
    assert summary.cancelled and 0 < len(summary.items) < total
    assert "đã dừng" in page.status.text()
    with qtbot.waitSignal(page.checked, timeout=120000) as checked:
        drop(workspace, demo.packages_dir)
    counts = checked.args[0].counts
    assert counts["duplicate"] == len(summary.items) and counts["new"] == total - len(summary.items)

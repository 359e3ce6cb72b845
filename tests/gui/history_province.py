"""A province for the history and reminder screens, and the window opened on it.

The demo province of the reminder tests (upper-level union CT-001 over
CS-00001…CS-00004, CS-00005 directly under the federation) where CS-00001 sent
its h1 report twice (r2 changes two values: :data:`R1` → :data:`R2`) and
CS-00002 sent two different r1 of its h1 report (a conflict). Every report has
a deadline passed by :data:`AS_OF`, so each has units to remind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.core import domain
from app.core.context import open_context
from app.demo.province import Demo, write_report
from app.exchange import import_packages
from app.rollup import save_deadline
from db.enums import IndicatorKind
from tests.gui.widgets import open_federation_window
from tests.helpers import GoldenProvince, import_received, place_units

from ui.federation.workspace import FederationWorkspace
from ui.shell.main_window import MainWindow

PLAN = "tuyen-quang-2017"
UNIT = "CS-00001"
CONFLICTED = "CS-00002"
#: The units under the upper-level union CT-001.
AREA = ("CS-00001", "CS-00002", "CS-00003", "CS-00004")
AS_OF = dt.date(2017, 7, 20)
DEADLINES = {"registration": "30/06/2017", "h1": "15/07/2017", "year": "18/07/2017"}
RECEIVED = ("2017-07-10T02:00:00+00:00", "2017-07-12T03:30:00+00:00")
#: The amounts of CS-00001's first three count indicators in r1 and r2.
R1 = (1250, 20, 5)
R2 = (1300, 25, 5)


@dataclass(frozen=True)
class Province:
    demo: Demo
    database: str
    counts: tuple[domain.Indicator, ...]  # the three indicators R1 and R2 fill
    hashes: tuple[str, str]  # CS-00001's h1 r1 and r2


def counts_of(demo: Demo, code: str) -> tuple[domain.Indicator, ...]:
    unit = demo.unit(code)
    return tuple(
        i
        for i in demo.plan.indicators
        if i.kind is IndicatorKind.COUNT and i.applies_to(unit.kind, unit.sector)
    )[:3]


def folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def build(golden: GoldenProvince, database: str, files: Path) -> Province:
    """Put the reports and deadlines above into the copy ``database`` of ``golden``."""
    demo = golden.demo
    ctx = open_context(database)
    try:
        place_units(ctx, demo, {**dict.fromkeys(AREA, "CT-001"), "CS-00005": ""})
        counts = counts_of(demo, UNIT)
        hashes: list[str] = []
        supersedes = None
        for revision, (amounts, received_at) in enumerate(zip((R1, R2), RECEIVED, strict=True), 1):
            values = {
                i.code: domain.UnitValue(amount=n) for i, n in zip(counts, amounts, strict=True)
            }
            path = write_report(
                demo.unit(UNIT),
                demo.plan,
                demo.federation_id,
                "h1",
                values,
                folder(files / f"r{revision}"),
                revision=revision,
                supersedes=supersedes,
            )
            package_hash = import_received(ctx, path, received_at)
            hashes.append(package_hash)
            supersedes = package_hash
        other = counts_of(demo, CONFLICTED)[0].code
        for amount in (10, 11):
            path = write_report(
                demo.unit(CONFLICTED),
                demo.plan,
                demo.federation_id,
                "h1",
                {other: domain.UnitValue(amount=amount)},
                folder(files / f"conflict-{amount}"),
                revision=1,
            )
            import_packages(ctx, paths=[path], dry_run=False)
        for stream, due_on in DEADLINES.items():
            save_deadline(ctx, plan_id=PLAN, stream=stream, due_on=due_on)
    finally:
        ctx.close()
    return Province(demo, database, counts, (hashes[0], hashes[1]))


def open_window(qtbot: QtBot, database: str) -> tuple[MainWindow, FederationWorkspace]:
    """The federation's window on ``database`` at 1366×768, its dashboard counted to
    :data:`AS_OF`."""
    window, workspace = open_federation_window(
        qtbot, Path(database), size=(1366, 728), timeout=30000
    )
    page = workspace.dashboard
    qtbot.waitUntil(lambda: page.board is not None, timeout=30000)
    page.as_of = AS_OF
    with qtbot.waitSignal(page.refreshed, timeout=30000):
        page.refresh()
    return window, workspace

"""The deadlines dialog and the list of units late or not sent fit a 1366×768
screen (less a taskbar), at 100% and at 125% text, as every other dialog does
(tests/gui/test_screen_size.py checks the windows, the dashboard included)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.core import i18n
from app.core.context import AppContext, open_context
from app.demo.province import make_demo
from app.plans import get_plan
from app.rollup import read_timeliness, save_deadline, save_extension
from tests.gui.screen_size import check

from ui.federation.deadlines_dialog import DeadlinesDialog
from ui.federation.late_units import LateUnitsDialog
from ui.widgets.tasks import TaskRunner

pytestmark = pytest.mark.gui

PLAN = "tuyen-quang-2017"


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    """A province of 40 units, every report with a deadline, two extensions."""
    demo = make_demo(out_dir=tmp_path_factory.mktemp("late") / "demo", units=40, seed=5)
    ctx = open_context(demo.database)
    for stream in demo.plan.streams:
        save_deadline(ctx, plan_id=PLAN, stream=stream, due_on=dt.date(2017, 7, 15))
    for unit in demo.units[:2]:
        save_extension(
            ctx,
            plan_id=PLAN,
            stream="h1",
            unit=unit.code,
            due_on=dt.date(2017, 7, 25),
            reason="Chủ tịch công đoàn đi công tác dài ngày, chưa ký được báo cáo",
        )
    yield ctx
    ctx.close()


def test_the_deadlines_dialog_fits(qtbot: QtBot, province: AppContext, scale: float) -> None:
    i18n.set_language("vi")
    with province.reading() as session:
        plan = get_plan(session, PLAN)
    runner = TaskRunner()
    dialog = DeadlinesDialog(province, runner, plan)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=20000):
        dialog.show()
    assert dialog.extension_table.rowCount() == 2
    qtbot.waitExposed(dialog)
    check(dialog, "deadlines")
    runner.wait()


def test_the_late_units_fit(qtbot: QtBot, province: AppContext, scale: float) -> None:
    i18n.set_language("vi")
    with province.reading() as session:
        plan = get_plan(session, PLAN)
    timeliness = read_timeliness(province, plan_id=PLAN, as_of=dt.date(2017, 8, 1))
    dialog = LateUnitsDialog(plan, timeliness.streams, timeliness.as_of, "Toàn tỉnh")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.model.rowCount() > 0
    check(dialog, "late units")

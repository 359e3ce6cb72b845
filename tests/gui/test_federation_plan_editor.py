"""The plan editor's indicators and the plan package export, through the real widgets.

A draft plan (the 2017 plan copied under a new id, so the demo roster is
its roster) is opened in the federation window. Staff add an indicator with
per-sector targets and a target given down to one upper-level union, are
refused a bad target with a Vietnamese message that keeps the dialog and
the database as they were, change and remove the indicator; writing the
plan packages then locks the plan. A second test cancels an export half
way: the files written are whole and counted.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.audit.view import list_audit
from app.core.context import open_context
from app.core.errors import InputError
from app.demo.province import Demo, make_demo
from app.exchange.signing import open_envelope
from app.plans.copy import clone_plan
from app.plans.indicator_input import IndicatorInput
from app.plans.indicators import save_indicator
from app.plans.reading import get_plan
from db.enums import Comparison, IndicatorKind, Sector, UnitKind
from tests.gui.typing import type_text
from tests.gui.widgets import find_dialog, open_federation_window

from ui.federation.indicator_dialog import IndicatorDialog, TargetColumn, TargetDialog
from ui.federation.workspace import FederationWorkspace

PLAN = "tuyen-quang-2017"
DRAFT = "tq-2017-du-thao"


def find_box(qtbot: QtBot, name: str) -> QMessageBox:
    return find_dialog(qtbot, QMessageBox, name)


@pytest.fixture
def draft_window(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[Demo, FederationWorkspace]]:
    demo = make_demo(out_dir=tmp_path / "demo", units=30, streams=())
    ctx = open_context(demo.database)
    clone_plan(ctx, plan_id=PLAN, year=2017, new_id=DRAFT)
    ctx.close()
    window, workspace = open_federation_window(qtbot, demo.database, size=(1300, 860))
    qtbot.waitUntil(lambda: DRAFT in workspace.plans, timeout=20000)
    workspace.show_page("plan")
    page = workspace.plan_page
    if workspace.plan is None or workspace.plan.id != DRAFT:
        workspace.plan_combo.setCurrentIndex(workspace.plan_combo.findData(DRAFT))
    qtbot.waitUntil(
        lambda: page.plan is not None and page.plan.id == DRAFT and page.lock_text == "",
        timeout=20000,
    )
    yield demo, workspace
    window.close()


def stored_plan(demo: Demo) -> object:
    ctx = open_context(demo.database)
    try:
        with ctx.reading() as session:
            return get_plan(session, DRAFT)
    finally:
        ctx.close()


def add_target(
    qtbot: QtBot,
    dialog: IndicatorDialog,
    *,
    comparison: Comparison,
    value: str,
    sectors: tuple[Sector, ...] = (),
    unit_code: str = "",
    period: str = "",
    row: int | None = None,
) -> None:
    """Fill the target dialog (new, or the target on ``row``) and press OK."""
    with qtbot.waitSignal(dialog.target_dialog_opened) as opened:
        if row is None:
            dialog.add_target_button.click()
        else:
            dialog.targets.selectRow(row)
            dialog.edit_target_button.click()
    target = opened.args[0]
    assert isinstance(target, TargetDialog) and target.isVisible()
    target.comparison.setCurrentIndex(target.comparison.findData(comparison))
    target.value.clear()
    type_text(target.value, value)
    for sector in sectors:
        target.sectors.boxes[sector].click()
    if unit_code:
        target.unit.setCurrentIndex(target.unit.findData(unit_code))
    if period:
        target.period.setCurrentIndex(target.period.findData(period))
    target.buttons.button(target.buttons.StandardButton.Ok).click()
    assert not target.isVisible()


def test_add_change_and_remove_an_indicator(
    qtbot: QtBot, draft_window: tuple[Demo, FederationWorkspace], tmp_path: Path
) -> None:
    demo, workspace = draft_window
    page = workspace.plan_page
    before = stored_plan(demo)
    upper = next(u for u in demo.units if u.kind is UnitKind.UPPER)
    assert page.lock_note.isHidden() and page.add_indicator_button.isEnabled()
    assert not page.edit_indicator_button.isEnabled(), "nothing selected yet"

    # --- a new indicator: money, two enterprise sectors, three targets ---
    with qtbot.waitSignal(page.indicator_dialog_opened) as opened:
        page.add_indicator_button.click()
    dialog = opened.args[0]
    assert isinstance(dialog, IndicatorDialog)
    type_text(dialog.code, "10")
    type_text(dialog.title, "Thu kinh phí công đoàn đúng hạn")
    dialog.kind.setCurrentIndex(dialog.kind.findData(IndicatorKind.MONEY))
    assert not dialog.numerator.isEnabled(), "only a ratio names its number achieved"
    type_text(dialog.unit_of_measure, "đồng")
    dialog.sectors.boxes[Sector.STATE_ENTERPRISE].click()
    dialog.sectors.boxes[Sector.NON_STATE_ENTERPRISE].click()
    add_target(
        qtbot,
        dialog,
        comparison=Comparison.AT_LEAST,
        value="1.500.000.000",
        sectors=(Sector.STATE_ENTERPRISE,),
    )
    add_target(
        qtbot,
        dialog,
        comparison=Comparison.MORE_THAN,
        value="bảy trăm triệu",  # not a number
        sectors=(Sector.NON_STATE_ENTERPRISE,),
    )
    add_target(
        qtbot,
        dialog,
        comparison=Comparison.REACH,
        value="200.000.000",
        unit_code=upper.code,
        period="h1",  # a target for the first half, judged on its results
    )
    model = dialog.target_model
    assert model.rowCount() == 3
    assert model.index(2, TargetColumn.FOR).data().startswith(upper.code)
    assert model.index(2, TargetColumn.SCOPE).data().endswith("6 tháng đầu năm 2017")

    # Save: the core refuses the second target; the dialog and the database stay.
    with qtbot.waitSignal(page.failed, timeout=20000) as refused:
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert refused.args[0] == "Chỉ tiêu giao thứ 2: Hãy gõ một số, ví dụ 1.500 hoặc 85,5."
    find_box(qtbot, "indicator-warning").close()
    assert dialog.isVisible() and model.rowCount() == 3
    assert stored_plan(demo) == before

    add_target(
        qtbot,
        dialog,
        comparison=Comparison.MORE_THAN,
        value="700.000.000",
        row=1,
    )
    with qtbot.waitSignal(page.indicators_changed, timeout=20000) as changed:
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    saved = changed.args[0].indicator("10")
    stored = stored_plan(demo).indicator("10")  # type: ignore[attr-defined]
    assert stored == saved
    assert (stored.kind, stored.unit_of_measure, stored.title) == (
        IndicatorKind.MONEY,
        "đồng",
        "Thu kinh phí công đoàn đúng hạn",
    )
    assert stored.sectors == (Sector.STATE_ENTERPRISE, Sector.NON_STATE_ENTERPRISE)
    assert [(t.comparison, t.value, t.sectors, t.unit_id, t.period) for t in stored.targets] == [
        (Comparison.AT_LEAST, Decimal(1_500_000_000), (Sector.STATE_ENTERPRISE,), None, None),
        (Comparison.MORE_THAN, Decimal(700_000_000), (Sector.NON_STATE_ENTERPRISE,), None, None),
        (Comparison.REACH, Decimal(200_000_000), (), upper.id, "h1"),
    ]
    qtbot.waitUntil(lambda: page.indicator_model.rowCount() == len(before.indicators) + 1)  # type: ignore[attr-defined]
    dialog.grab().save(str(tmp_path / "indicator-dialog.png"))

    # --- change it: the selected row opens with what was saved ---
    assert page.select_indicator("10") and page.edit_indicator_button.isEnabled()
    with qtbot.waitSignal(page.indicator_dialog_opened) as opened:
        page.edit_indicator_button.click()
    dialog = opened.args[0]
    assert dialog.code.text() == "10" and dialog.target_model.rowCount() == 3
    assert dialog.target_model.index(0, TargetColumn.VALUE).data() == "1.500.000.000"
    dialog.targets.selectRow(2)
    dialog.remove_target_button.click()
    dialog.unit_of_measure.clear()
    type_text(dialog.unit_of_measure, "triệu đồng")
    with qtbot.waitSignal(page.indicators_changed, timeout=20000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    stored = stored_plan(demo).indicator("10")  # type: ignore[attr-defined]
    assert stored.unit_of_measure == "triệu đồng" and len(stored.targets) == 2

    # --- remove it, after confirming ---
    assert page.select_indicator("10")
    page.remove_indicator_button.click()
    box = find_box(qtbot, "confirm-remove-indicator")
    with qtbot.waitSignal(page.indicators_changed, timeout=20000):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert [i.code for i in stored_plan(demo).indicators] == [  # type: ignore[attr-defined]
        i.code
        for i in before.indicators  # type: ignore[attr-defined]
    ]
    ctx = open_context(demo.database)
    with ctx.reading() as session:
        actions = [r.action for r in list_audit(session, text=DRAFT)][:3]
    ctx.close()
    assert actions == ["plan.indicator.remove", "plan.indicator.edit", "plan.indicator.add"]

    # --- plan packages written: the plan is locked, and says why ---
    with qtbot.waitSignal(page.exported, timeout=60000):
        page.export(tmp_path / "plans", None)
    qtbot.waitUntil(lambda: bool(page.lock_text), timeout=20000)
    assert not page.lock_note.isHidden() and "đã được ghi" in page.lock_note.text()
    assert not page.add_indicator_button.isEnabled() and not page.edit_button.isEnabled()
    assert page.ask_indicator(new=True) is None
    ctx = open_context(demo.database)
    try:
        with pytest.raises(InputError):
            save_indicator(
                ctx,
                plan_id=DRAFT,
                indicator=IndicatorInput("11", "x", IndicatorKind.COUNT, stored.rollup),
            )
    finally:
        ctx.close()


def test_cancel_a_plan_package_export(
    qtbot: QtBot, draft_window: tuple[Demo, FederationWorkspace], tmp_path: Path
) -> None:
    """Cancel after the fifth file: five whole files, the run says so, the audit too."""
    demo, workspace = draft_window
    page = workspace.plan_page
    folder = tmp_path / "plans"
    reached, go_on = threading.Event(), threading.Event()

    def hold(done: int, _total: int) -> None:  # on the worker thread
        if done == 5:
            reached.set()
            go_on.wait(20)

    messages: list[str] = []
    page.done.connect(messages.append)
    # The pool runs one job at a time: hold it busy until the hook below is connected.
    pool_free = threading.Event()
    page._runner.run(lambda _p, _t: pool_free.wait(20), lambda _r: None, lambda _e: None)
    with qtbot.waitSignal(page.export_cancelled, timeout=60000) as cancelled:
        page.export(folder, None)
        task = page.export_task
        assert task is not None and not page.cancel_button.isHidden()
        task.signals.progress.connect(hold, Qt.ConnectionType.DirectConnection)
        pool_free.set()
        qtbot.waitUntil(reached.is_set, timeout=30000)
        page.cancel_button.click()
        assert not page.cancel_button.isEnabled()
        go_on.set()
    written, total = cancelled.args
    assert (written, total) == (5, len(demo.units))
    files = sorted(folder.glob("*.thidua"))
    assert len(files) == 5 and not list(folder.glob("*.part"))
    for path in files:
        envelope = open_envelope(path.read_bytes(), max_size=1 << 24)
        assert json.loads(envelope.payload)["body"]["plan"]["id"] == DRAFT
    qtbot.waitUntil(lambda: page.cancel_button.isHidden() and page.export_button.isEnabled())
    assert messages[-1].startswith(f"Đã hủy: 5 trong {len(demo.units)} gói kế hoạch")
    ctx = open_context(demo.database)
    with ctx.reading() as session:
        [entry] = list_audit(session, text=DRAFT)[:1]
    ctx.close()
    assert entry.action == "plan.export" and entry.detail["units"] == 5
    assert entry.detail["cancelled"] is True


def test_every_period_choice_of_the_target_dialog(
    qtbot: QtBot, draft_window: tuple[Demo, FederationWorkspace]
) -> None:
    """Each entry of the target's "Kỳ" list gives that period (the year: none)."""
    demo, workspace = draft_window
    plan = stored_plan(demo)
    dialog = TargetDialog(plan, IndicatorKind.COUNT, {}, None, workspace)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    choices = [dialog.period.itemData(i) for i in range(dialog.period.count())]
    assert choices == ["", "h1"]  # the year, then each period before it
    for index, wanted in enumerate([None, "h1"]):
        dialog.period.setCurrentIndex(index)
        type_text(dialog.value, "5")
        assert dialog.target().period == wanted
        dialog.value.clear()

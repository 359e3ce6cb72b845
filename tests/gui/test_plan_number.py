"""The built-in plan's number and date set on the plan page before it is issued: the
header dialog offers only them (title and theme read-only), bad input keeps the dialog's
values out of the database, and once plan packages are written the button is off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox

from app.core.context import open_context
from app.demo.province import Demo, make_demo
from app.plans.reading import get_plan
from tests.gui.widgets import find_dialog, open_federation_window

from ui.federation.workspace import FederationWorkspace

PLAN = "tuyen-quang-2017"


@pytest.fixture
def builtin_window(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[Demo, FederationWorkspace]]:
    demo = make_demo(out_dir=tmp_path / "demo", units=12, streams=())
    window, workspace = open_federation_window(qtbot, demo.database, size=(1366, 768))
    workspace.show_page("plan")
    page = workspace.plan_page
    qtbot.waitUntil(
        lambda: page.plan is not None and page.plan.id == PLAN and page.lock_text is not None,
        timeout=20000,
    )
    yield demo, workspace
    window.close()


def stored_number(demo: Demo) -> tuple[str, dt.date | None]:
    ctx = open_context(demo.database)
    try:
        with ctx.reading() as session:
            plan = get_plan(session, PLAN)
            return plan.number, plan.issued_on
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("number", "day", "saved"),
    [
        ("45/KH-LĐLĐ", QDate(2017, 2, 7), True),
        ("KH-LĐLĐ", QDate(2017, 2, 7), False),
        ("45/KH-LĐLĐ", QDate(2019, 1, 1), False),
    ],
)
def test_the_built_in_plans_number_is_set_from_the_plan_page(
    qtbot: QtBot,
    builtin_window: tuple[Demo, FederationWorkspace],
    tmp_path: Path,
    number: str,
    day: QDate,
    saved: bool,
) -> None:
    demo, workspace = builtin_window
    page = workspace.plan_page
    qtbot.waitUntil(lambda: page.edit_button.isEnabled(), timeout=20000)
    assert page.lock_text, "the built-in plan's content is locked"
    dialog = page.ask_edit()
    assert dialog is not None
    assert dialog.title.isReadOnly() and dialog.theme.isReadOnly() and dialog.note.isVisible()
    dialog.show()
    dialog.grab().save(str(tmp_path / "plan-number.png"))
    dialog.number.setText(number)
    dialog.issued_on.setDate(day)
    before = stored_number(demo)
    if saved:
        with qtbot.waitSignal(page.edited, timeout=20000):
            dialog.accept()
        assert stored_number(demo) == ("45/KH-LĐLĐ", dt.date(2017, 2, 7))
    else:
        dialog.accept()
        box = find_dialog(qtbot, QMessageBox, "warning")
        assert isinstance(box, QMessageBox)
        assert "45/KH-LĐLĐ" in box.text() or "2017" in box.text()
        box.accept()
        assert stored_number(demo) == before


def test_once_plan_packages_are_written_the_number_is_not_offered(
    qtbot: QtBot, builtin_window: tuple[Demo, FederationWorkspace], tmp_path: Path
) -> None:
    from app.exchange import federation

    demo, workspace = builtin_window
    page = workspace.plan_page
    qtbot.waitUntil(lambda: page.edit_button.isEnabled(), timeout=20000)
    ctx = open_context(demo.database)
    try:
        federation.export_plan_packages(ctx, plan_id=PLAN, out_dir=tmp_path / "plans")
    finally:
        ctx.close()
    assert page.plan is not None
    page._load_editing(page.plan, force=True)
    qtbot.waitUntil(lambda: not page.numberable and bool(page.lock_text), timeout=20000)
    assert not page.edit_button.isEnabled()

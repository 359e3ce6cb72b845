"""The dashboard names the first units of each report only (a national list of
377,000 units helps nobody): the not-sent panel and the late dialog count every
unit, say how many are not listed ("… và N đơn vị khác"), and "Xem tất cả" reads
the whole list on the worker. A real province (six units, h1 reports arrived at
set times), its dashboard read with a list of one unit per report.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.demo.province import Demo
from app.rollup import save_deadline
from app.rollup.dashboard import dashboard, not_sent
from app.rollup.timeliness import timeliness
from tests.gui.test_federation_deadlines import AS_OF, DUE, PLAN, open_window
from tests.gui.test_federation_deadlines import province as province  # the fixture

from ui.federation.dashboard_page import DashboardPage
from ui.federation.late_units import LateUnitsDialog

pytestmark = pytest.mark.gui


def _bounded_page(qtbot: QtBot, database: Path) -> DashboardPage:
    """The dashboard page showing a board that lists one unit per report."""
    _window, workspace = open_window(qtbot, database)
    page = workspace.dashboard
    save_deadline(page.context, plan_id=PLAN, stream="h1", due_on=DUE)
    with page.context.reading() as session:
        board = dashboard(session, plan_id=PLAN, scope=page.scope(), as_of=AS_OF, limit=1)
    page.show_dashboard(board)
    page.tabs.setCurrentIndex(page.NOT_SENT)  # the list has a tab of its own
    return page


def test_the_not_sent_panel_counts_every_unit_and_shows_all(
    qtbot: QtBot, province: Demo, tmp_path: Path
) -> None:
    page = _bounded_page(qtbot, province.database)
    panel, board = page.missing, page.board
    assert board is not None
    with page.context.reading() as session:
        every = not_sent(session, plan_id=PLAN, scope=board.scope)
    totals = {c.stream: c.expected - c.received for c in board.coverage}
    assert len(every) == sum(totals.values()) > len(board.missing) == len(totals)
    page.grab().save(str(tmp_path / "bounded.png"))
    # Every choice of the report filter: the count of all, what is not listed.
    for index in range(panel.stream.count()):
        panel.stream.setCurrentIndex(index)
        stream = panel.stream.currentData()
        total = totals[stream] if stream else sum(totals.values())
        shown = panel.proxy.rowCount()
        assert panel.title.text() == f"Chưa nộp: {total} báo cáo"
        if total > shown:
            noun = "đơn vị" if stream else "báo cáo"
            assert panel.more.text() == f"… và {total - shown} {noun} khác không hiện ở đây."
            assert panel.more.isVisible() and panel.all_button.isVisible()
            assert panel.all_button.text() == "Xem tất cả"
        else:
            assert not panel.more.isVisible() and not panel.all_button.isVisible()
    panel.stream.setCurrentIndex(0)
    panel.all_button.setFocus()
    with qtbot.waitSignal(panel.done, timeout=30000):
        QTest.keyClick(panel.all_button, Qt.Key.Key_Space)  # the keyboard, as staff may
    assert panel.model.rows() == every
    assert not panel.more.isVisible() and not panel.all_button.isVisible()
    assert panel.title.text().startswith(f"Chưa nộp: {len(every)} báo cáo của ")


def test_the_late_dialog_counts_every_unit_and_shows_all(qtbot: QtBot, province: Demo) -> None:
    page = _bounded_page(qtbot, province.database)
    board = page.board
    assert board is not None
    with page.context.reading() as session:
        (whole,) = [
            s
            for s in timeliness(session, plan_id=PLAN, scope=board.scope, as_of=AS_OF).streams
            if s.due_on is not None
        ]
    behind = whole.late + whole.missing
    assert len(whole.units) == behind > 1
    assert page.late_button.text() == f"Trễ hạn, chưa nộp ({behind})…"
    with qtbot.waitSignal(page.late_shown, timeout=10000) as shown:
        page.late_button.click()
    dialog = shown.args[0]
    assert isinstance(dialog, LateUnitsDialog)
    qtbot.waitExposed(dialog)
    for index in range(dialog.stream.count()):  # every report with a deadline, then each
        dialog.stream.setCurrentIndex(index)
        assert dialog.count.text() == f"{whole.late} trễ hạn, {whole.missing} chưa nộp"
        assert dialog.proxy.rowCount() == 1
        assert dialog.more.text() == f"… và {behind - 1} đơn vị khác không hiện ở đây."
        assert dialog.more.isVisible() and dialog.all_button.isVisible()
    QTest.mouseClick(dialog.all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.proxy.rowCount() == behind, timeout=30000)
    assert dialog.model.rows() == list(whole.units)
    assert not dialog.more.isVisible() and not dialog.all_button.isVisible()
    dialog.close()

"""What a new user's walkthrough left (issue #19): the dashboard's "not sent" list has room
at 1366×768 and its filter row is whole; the roster finds "Nông Thị Hoa" typed as
"nong thi hoa"; a double click on a suspicious value opens that unit's history; the
scoring window has one plan chooser."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton

from app.core import i18n
from app.core.context import AppContext
from app.core.preferences import Preferences
from tests.gui.test_screen_size import province  # noqa: F401 (a fixture)

from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


def open_copy(qtbot: QtBot, tmp_path: Path, database: Path, scale: float = 1.0) -> MainWindow:
    copy = tmp_path / "federation.db"
    shutil.copyfile(database, copy)
    i18n.set_language("vi")
    window = MainWindow(copy, Preferences(language="vi", font_scale=scale))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    with qtbot.waitSignal(window.plan_shown, timeout=30000):
        window.start()
    workspace = window.federation_workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: workspace.dashboard.board is not None, timeout=30000)
    return window


def test_the_not_sent_list_has_room_at_1366x768(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
    scale: float,
) -> None:
    demo, _ctx = province
    window = open_copy(qtbot, tmp_path, demo.database, scale)
    workspace = window.federation_workspace
    assert workspace is not None
    workspace.show_page("dashboard")
    workspace.dashboard.tabs.setCurrentIndex(workspace.dashboard.NOT_SENT)  # its own tab
    qtbot.wait(200)
    panel = workspace.dashboard.missing
    window.grab().save(str(tmp_path / f"dashboard-{scale}.png"))
    assert panel.model.rowCount() > 8  # the province has more units not sent than shown
    rows = panel.view.viewport().height() // panel.view.verticalHeader().defaultSectionSize()
    assert rows >= 6, f"only {rows} rows of the not-sent list show"
    # The filter row: each chooser and button at least as wide as its text needs.
    for widget in [*panel.findChildren(QComboBox), *panel.findChildren(QPushButton)]:
        if widget.isVisible():
            assert widget.width() >= widget.minimumSizeHint().width(), widget.objectName()
            assert widget.width() >= widget.sizeHint().width() - 2, widget.objectName()


@pytest.mark.parametrize("typed", ["nong thi hoa", "NÔNG THỊ HOA", "Nong Thi", "dđ"])
def test_the_roster_finds_a_chair_typed_without_diacritics(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
    typed: str,
) -> None:
    from sqlalchemy import update

    from app.core.context import open_context
    from db import models

    demo, _ctx = province
    copy = tmp_path / "source.db"
    shutil.copyfile(demo.database, copy)
    ctx = open_context(copy)
    with ctx.unit_of_work() as session:
        session.execute(
            update(models.Unit)
            .where(models.Unit.code == "CS-00003")
            .values(chair_name="Nông Thị Hoa")
        )
        session.execute(
            update(models.Unit).where(models.Unit.code == "CS-00004").values(name="Công đoàn Đđ")
        )
    ctx.close()
    window = open_copy(qtbot, tmp_path, copy)
    workspace = window.federation_workspace
    assert workspace is not None
    workspace.show_page("roster")
    qtbot.waitUntil(lambda: len(workspace.roster.visible_codes()) > 5, timeout=20000)
    workspace.roster.search_for(typed)
    wanted = ["CS-00004"] if typed == "dđ" else ["CS-00003"]
    qtbot.waitUntil(lambda: workspace.roster.visible_codes()[-1:] == wanted, timeout=10000)
    assert [c for c in workspace.roster.visible_codes() if c.startswith("CS-")] == wanted


@pytest.fixture
def flagged(tmp_path: Path) -> Path:
    """A province where CS-00001 registered 100 and reported 301 for the half-year: flagged."""
    from sqlalchemy import update

    from app.core import domain
    from app.core.context import open_context
    from app.demo.province import make_demo, write_report
    from app.exchange import import_packages
    from db import models
    from tests.helpers import plain_count

    demo = make_demo(out_dir=tmp_path / "demo", units=3, seed=17, streams=())
    code = plain_count(demo, "CS-00001")
    ctx = open_context(demo.database)
    try:
        with ctx.unit_of_work() as session:
            session.execute(update(models.RosterEntry).values(member_count=1, worker_count=2))
        for stream, amount, revision in (("registration", 100, 1), ("h1", 301, 1)):
            path = write_report(
                demo.unit("CS-00001"), demo.plan, demo.federation_id, stream,
                {code: domain.UnitValue(amount=amount)}, tmp_path, revision=revision,
            )  # fmt: skip
            import_packages(ctx, paths=[path], dry_run=False)
    finally:
        ctx.close()
    return demo.database


@pytest.mark.parametrize("how", ["double click", "Enter", "button"])
def test_a_flag_opens_its_units_history(
    qtbot: QtBot, tmp_path: Path, flagged: Path, how: str
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window = open_copy(qtbot, tmp_path, flagged)
    workspace = window.federation_workspace
    assert workspace is not None
    page = workspace.flags
    workspace.show_page("flags")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=30000)
    window.grab().save(str(tmp_path / "flags.png"))
    assert not page.history_button.isEnabled()  # nothing chosen yet
    page.view.setCurrentIndex(page.proxy.index(0, 1))
    assert page.history_button.isEnabled()
    with qtbot.waitSignal(workspace.dashboard.history_shown, timeout=10000) as shown:
        if how == "double click":
            rect = page.view.visualRect(page.proxy.index(0, 1))
            viewport = page.view.viewport()
            QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
            QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        elif how == "Enter":
            page.view.setFocus()
            QTest.keyClick(page.view, Qt.Key.Key_Return)
        else:
            page.history_button.click()
    dialog = shown.args[0]
    assert "CS-00001" in dialog.title.text()
    dialog.close()


def test_the_scoring_tab_has_one_plan_chooser(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
) -> None:
    demo, _ctx = province
    window = open_copy(qtbot, tmp_path, demo.database)
    workspace = window.federation_workspace
    assert workspace is not None
    window.open_scoring()
    screen = window.scoring_screen
    assert screen is not None
    qtbot.waitUntil(lambda: screen.board is not None, timeout=30000)
    assert workspace.tabs.currentWidget() is screen
    window.grab().save(str(tmp_path / "scoring-tab.png"))
    choosers = [
        combo
        for combo in window.findChildren(QComboBox)
        if combo.isVisible() and combo.findText(workspace.plan_combo.currentText()) >= 0
    ]
    assert choosers == [workspace.plan_combo]
    assert screen.board is not None and workspace.plan is not None
    assert screen.board.plan.id == workspace.plan.id
    # Its search box, diacritics optional (code, name or cluster).
    screen.search.setText("CONG DOAN CAP TREN")
    assert screen.proxy.rowCount() == 1
    screen.search.setText("cum")  # every scored unit is in a cluster
    assert screen.proxy.rowCount() == screen.model.rowCount() > 1


@pytest.mark.parametrize(
    ("typed", "rows"),
    [("cong doan co so so 1", 1), ("CÔNG ĐOÀN CƠ SỞ", 1), ("cs-00001", 1), ("cs-00002", 0)],
)
def test_the_flags_list_is_searched_without_diacritics(
    qtbot: QtBot, tmp_path: Path, flagged: Path, typed: str, rows: int
) -> None:
    window = open_copy(qtbot, tmp_path, flagged)
    workspace = window.federation_workspace
    assert workspace is not None
    page = workspace.flags
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=30000)
    page.search.setText(typed)
    assert page.proxy.rowCount() == rows
    page.search.clear()
    assert page.proxy.rowCount() == 1


def test_the_roster_rows_have_room(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
    scale: float,
) -> None:
    """The roster's rows were drawn at the bare text height (walkthrough: "dense"): as tall
    as the dashboard's, at 100 % and 125 %, and its chairs named in the demo."""
    demo, _ctx = province
    window = open_copy(qtbot, tmp_path, demo.database, scale)
    workspace = window.federation_workspace
    assert workspace is not None
    workspace.show_page("roster")
    roster = workspace.roster
    qtbot.waitUntil(lambda: len(roster.visible_codes()) > 5, timeout=20000)
    roster.view.expandAll()
    qtbot.wait(100)
    window.grab().save(str(tmp_path / f"roster-{scale}.png"))
    text_height = roster.view.fontMetrics().height()
    first = roster.proxy.index(0, 0)
    child = roster.proxy.index(0, 0, first)
    for index in (first, child):
        assert roster.view.visualRect(index).height() >= text_height + 10
    board = workspace.dashboard.view
    assert roster.view.visualRect(child).height() >= board.verticalHeader().defaultSectionSize()
    # The chair has a column of its own (the search found units by a name not shown).
    header = [
        roster.proxy.headerData(c, Qt.Orientation.Horizontal)
        for c in range(roster.proxy.columnCount())
    ]
    chair = header.index("Chủ tịch")
    assert len(str(child.siblingAtColumn(chair).data()).split()) == 3


def test_the_dashboard_rows_grow_with_larger_text(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
) -> None:
    """After Ctrl++ the dashboard's rows kept their height until a restart (walkthrough)."""
    from ui.widgets.fonts import apply_font_scale

    demo, _ctx = province
    window = open_copy(qtbot, tmp_path, demo.database)
    workspace = window.federation_workspace
    assert workspace is not None
    view = workspace.dashboard.view
    before = view.verticalHeader().defaultSectionSize()
    try:
        window._zoom_in.trigger()
        window._zoom_in.trigger()
        qtbot.waitUntil(lambda: view.verticalHeader().defaultSectionSize() > before, timeout=5000)
        assert view.verticalHeader().defaultSectionSize() == view.fontMetrics().height() + 10
    finally:
        apply_font_scale(1.0)


def test_the_status_bar_shortens_a_long_path_beside_the_reminder(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
    scale: float,
) -> None:
    """At 110 % and above the database's path ran under the backup reminder (walkthrough):
    it is shortened in the middle, its file name kept, the whole path in the tooltip."""
    demo, _ctx = province
    deep = tmp_path / ("thư mục dữ liệu rất dài của liên đoàn lao động tỉnh " * 2).strip()
    deep.mkdir()
    window = open_copy(qtbot, deep, demo.database, scale)
    qtbot.waitUntil(window.backup_reminder.isVisible, timeout=20000)
    from ui.widgets.elided_label import ElidedLabel

    status = window._status
    assert isinstance(status, ElidedLabel)
    qtbot.waitUntil(lambda: "federation.db" in status.text(), timeout=20000)
    window.grab().save(str(tmp_path / f"status-{scale}.png"))
    assert status.geometry().right() < window.backup_reminder.geometry().left()
    shown = status.shown_text()
    assert shown != status.text() and "…" in shown and shown.endswith("federation.db")
    assert status.fontMetrics().horizontalAdvance(shown) <= status.contentsRect().width()

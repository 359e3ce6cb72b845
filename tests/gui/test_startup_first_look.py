"""The plan named before the core loads (issue #20): right after the first paint the
window names, from a read-only ``sqlite3`` look, the plan its workspace then shows, for
a federation and for a grassroots unit; what needs the open database waits, disabled,
until it is open (or failed to open); anything else takes the usual path."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from app.core import i18n
from app.core.context import open_context
from app.core.installation import set_setting
from app.core.preferences import Preferences
from app.plans import available_plans, clone_plan
from app.setup import initialize
from db.enums import Role, Sector, UnitKind

from ui.shell.main_window import MainWindow


def prepared(path: Path, role: Role) -> tuple[Path, str]:
    """A database of ``role`` with two plans; a unit's chair chose the older one.
    Returns it and the id of the plan its workspace shows."""
    ctx = open_context(path)
    try:
        with ctx.unit_of_work() as session:
            if role is Role.FEDERATION:
                initialize(session, role=role, name="LĐLĐ tỉnh Tuyên Quang")
            else:
                initialize(
                    session,
                    role=role,
                    name="CĐCS Trường Tiểu học Kim Phú",
                    code="TQ-0001",
                    kind=UnitKind.GRASSROOTS,
                    sector=Sector.ADMINISTRATIVE,
                )
        builtin = available_plans(ctx)[0].id
        if role is Role.FEDERATION:
            return path, clone_plan(ctx, plan_id=builtin, year=2018)  # the newest
        clone_plan(ctx, plan_id=builtin, year=2018)
        with ctx.unit_of_work() as session:
            set_setting(session, "current_plan", builtin)
        return path, builtin
    finally:
        ctx.close()


def waiting_actions(window: MainWindow) -> list[bool]:
    """Whether each File entry that needs the open database can be clicked."""
    return [
        action.isEnabled()
        for action in (
            window._scoring_action,
            window._shared_action,
            window._move_action,
            window._restore_action,
        )
    ]


def new_window(qtbot: QtBot, location: str) -> MainWindow:
    i18n.set_language("vi")
    window = MainWindow(location, Preferences(language="vi", staff_name="Nguyễn Văn An"))
    qtbot.addWidget(window)
    window.show()
    return window


def opening_text(window: MainWindow) -> str:
    """What the opening page says (a unit's chair's header line, then its text)."""
    page = window.opening_page
    return (page.header.text() if page.header.isVisible() else "") + "\n" + page.text.text()


@pytest.mark.parametrize("role", [Role.FEDERATION, Role.UNIT], ids=["federation", "unit"])
def test_the_plan_is_named_before_the_core_then_the_workspace_shows_it(
    qtbot: QtBot, tmp_path: Path, role: Role
) -> None:
    database, plan_id = prepared(tmp_path / "data.db", role)
    window = new_window(qtbot, str(database))
    previewed: list[str] = []
    window.plan_previewed.connect(previewed.append)
    shown: list[str] = []
    window.plan_shown.connect(shown.append)
    window.start()
    # Before the task runner delivered: the plan named, the database not open yet.
    assert previewed == [plan_id] and not shown
    assert window._ctx is None
    look = window.opening_page.first_look
    assert look is not None and look.plan.id == plan_id
    assert window._pages.currentWidget() is window.opening_page
    if role is Role.FEDERATION:  # the plan in the chooser, where the workspace has it
        combo = window.opening_page.plan_combo
        assert combo.isVisible() and combo.currentText().endswith(look.plan.title)
        assert not combo.isEnabled(), "the chooser waits"
    else:  # the chair's unit and plan, no federation's chooser
        assert not window.opening_page.plan_combo.isVisible()
        assert f"<b>{look.own_unit_name}</b> — {look.plan.title}" in opening_text(window)
    assert waiting_actions(window) == [False] * 4
    name = "LĐLĐ tỉnh Tuyên Quang" if role is Role.FEDERATION else "CĐCS Trường Tiểu học Kim Phú"
    role_text = {Role.FEDERATION: "Liên đoàn Lao động tỉnh", Role.UNIT: "Đơn vị"}
    assert window._status.text().startswith(f"{name} — {role_text[role]} — ")
    assert "Đang mở cơ sở dữ liệu…" in opening_text(window), "visibly waiting"
    window.set_language("en")  # the menus work while it opens, and the look follows
    role_text = {Role.FEDERATION: "Provincial federation", Role.UNIT: "Reporting unit"}
    assert window._status.text().startswith(f"{name} — {role_text[role]} — ")
    assert "Opening the database…" in opening_text(window)
    assert window.opening_page.first_look is look
    with qtbot.waitSignal(window.plan_shown, timeout=30000):
        pass
    assert shown == [plan_id], "the workspace shows the plan named"
    assert waiting_actions(window) == [True] * 4
    assert window.opening_page.first_look is None
    if role is Role.FEDERATION:
        workspace = window.federation_workspace
        assert workspace is not None and workspace.plan_combo.isEnabled()
        assert workspace.plan_combo.currentData() == plan_id
        assert workspace.plan_combo.count() == 2
    else:
        assert window.unit_workspace is not None
        assert window.unit_workspace.workspace is not None
        assert window.unit_workspace.workspace.plan.id == plan_id
    window.close()


def test_the_federation_s_chooser_keeps_the_plan_named_while_its_workspace_loads(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Between the open and the workspace's plans, the workspace's chooser names the
    plan (disabled), not an empty box."""
    database, plan_id = prepared(tmp_path / "federation.db", Role.FEDERATION)
    window = new_window(qtbot, str(database))
    at_workspace: list[tuple[int, object, bool]] = []

    def opened() -> None:
        workspace = window.federation_workspace
        if workspace is not None and not at_workspace:
            combo = workspace.plan_combo
            at_workspace.append((combo.count(), combo.currentData(), combo.isEnabled()))

    window._pages.currentChanged.connect(lambda _index: opened())
    window.start()
    with qtbot.waitSignal(window.plan_shown, timeout=30000):
        pass
    assert at_workspace == [(2, plan_id, False)]
    window.close()


@pytest.mark.both_backends
def test_a_shared_database_takes_the_usual_path(
    qtbot: QtBot, tmp_path: Path, on_backend: Callable[[Path], str], backend: str
) -> None:
    """On PostgreSQL there is no first look; the workspace shows the plan as before."""
    database, plan_id = prepared(tmp_path / "federation.db", Role.FEDERATION)
    window = new_window(qtbot, on_backend(database))
    previewed: list[str] = []
    window.plan_previewed.connect(previewed.append)
    window.start()
    assert waiting_actions(window) == [False] * 4
    with qtbot.waitSignal(window.plan_shown, timeout=30000) as shown:
        pass
    assert shown.args == [plan_id]
    assert previewed == ([plan_id] if backend == "sqlite" else [])
    window.close()


def test_a_database_that_cannot_open_names_no_plan_and_frees_the_menu(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A newer schema: no first look, the reason said, and File → Shared database…
    (the way to another database) clickable again."""
    database, _plan_id = prepared(tmp_path / "federation.db", Role.FEDERATION)
    connection = sqlite3.connect(database)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.close()
    window = new_window(qtbot, str(database))
    previewed: list[str] = []
    window.plan_previewed.connect(previewed.append)
    with qtbot.waitSignal(window.failed, timeout=30000) as failed:
        window.start()
    assert previewed == []
    assert "phiên bản Thi Đua mới hơn" in failed.args[0]
    assert waiting_actions(window) == [True] * 4
    assert window.opening_page.first_look is None
    assert window._pages.currentWidget() is window.opening_page, "no empty plan behind"
    assert "phiên bản Thi Đua mới hơn" in window.opening_page.text.text()
    window.close()


def menu_entries(menu: QMenu) -> list[tuple[str, bool, int, int]]:
    """Each shown entry of ``menu``: its text, whether it is a separator, its top and height."""
    return [
        (action.text(), action.isSeparator(), rect.top(), rect.height())
        for action in menu.actions()
        if action.isVisible() and (rect := menu.actionGeometry(action)).isValid()
    ]


@pytest.mark.both_backends
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # a menu, offscreen
def test_the_file_menu_opened_during_the_start_keeps_its_entries_in_place(
    qtbot: QtBot, tmp_path: Path, on_backend: Callable[[Path], str], backend: str
) -> None:
    """File opened while the database opens: no entry moves under the pointer when the
    workspace comes. With a first look the federation's entries are there (disabled) from
    the start and stay where they are; without one (PostgreSQL) the menu is closed before
    it changes, so a click can never hit an entry that was not under the pointer."""
    database, _plan_id = prepared(tmp_path / "federation.db", Role.FEDERATION)
    window = new_window(qtbot, on_backend(database))
    window.start()
    menu = window._file_menu
    menu.popup(window.mapToGlobal(QPoint(10, 10)))
    qtbot.waitUntil(menu.isVisible)
    at_start = menu_entries(menu)
    texts = [text for text, _separator, _top, _height in at_start]
    quit_entry = next(entry for entry in at_start if entry[0] == window._quit_action.text())
    if backend == "sqlite":  # the federation's whole menu from the first look on, waiting
        assert "Nhập cả thư mục (USB)…" in texts and "&Sao lưu…" in texts, texts
        assert not window.federation_workspace
        waiting = {a.text() for a in menu.actions() if a.isVisible() and not a.isEnabled()}
        assert "Nhập cả thư mục (USB)…" in waiting and "&Sao lưu…" in waiting
    with qtbot.waitSignal(window.settled, timeout=30000):
        pass
    if backend == "sqlite":
        assert menu.isVisible(), "nothing had to move: the menu stays open"
    if menu.isVisible():
        assert menu_entries(menu) == at_start, "every entry where it was"
        assert quit_entry in menu_entries(menu)
    else:  # it was closed before its entries changed
        assert "Nhập cả thư mục (USB)…" not in texts
    workspace = window.federation_workspace
    assert workspace is not None
    menu_actions = menu.actions()
    assert all(action in menu_actions for action in workspace.file_actions())
    assert all(action.isEnabled() for action in workspace.file_actions())
    assert window._backup_action.isVisible() and window._backup_action.isEnabled()
    menu.close()
    window.close()


def test_a_first_start_shows_no_plan_behind_its_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    """A fresh install: a neutral page behind the first-run dialog, no empty plan table."""
    window = new_window(qtbot, str(tmp_path / "new.db"))
    previewed: list[str] = []
    window.plan_previewed.connect(previewed.append)
    window.start()
    assert window._pages.currentWidget() is window.opening_page
    assert "Đang mở cơ sở dữ liệu…" in window.opening_page.text.text()
    qtbot.waitUntil(lambda: window.first_run_dialog is not None, timeout=30000)
    assert previewed == []
    assert window._pages.currentWidget() is window.opening_page
    assert not window.opening_page.plan_combo.isVisible()
    assert "Lần đầu sử dụng" in window.opening_page.text.text()
    assert window.first_run_dialog is not None
    window.first_run_dialog.close()
    window.close()


@pytest.mark.parametrize("message", ['Không mở được "dữ liệu & khóa" <cũ>', "a < b & c"])
def test_the_opening_page_shows_a_message_as_written(qtbot: QtBot, message: str) -> None:
    """An escaped message with no tag was guessed plain text: "&quot;" and "&amp;" showed
    as typed."""
    from PySide6.QtGui import QTextDocument

    from ui.shell.opening_page import OpeningPage

    page = OpeningPage()
    qtbot.addWidget(page)
    page.show_message(message)
    assert page.text.textFormat() is Qt.TextFormat.RichText
    document = QTextDocument()
    document.setHtml(page.text.text())
    assert document.toPlainText() == message

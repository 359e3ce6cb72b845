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


def combo_text(window: MainWindow) -> str:
    return window._plan_page._plan_combo.currentText()


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
    look = window._plan_page.first_look
    assert look is not None and look.plan.id == plan_id
    assert combo_text(window).endswith(look.plan.title)
    assert not window._plan_page._plan_combo.isEnabled(), "the chooser waits"
    assert waiting_actions(window) == [False] * 4
    name = "LĐLĐ tỉnh Tuyên Quang" if role is Role.FEDERATION else "CĐCS Trường Tiểu học Kim Phú"
    role_text = {Role.FEDERATION: "Liên đoàn Lao động tỉnh", Role.UNIT: "Đơn vị"}
    assert window._status.text().startswith(f"{name} — {role_text[role]} — ")
    assert "Đang mở cơ sở dữ liệu…" in window._plan_page._title.text(), "visibly waiting"
    window.set_language("en")  # the menus work while it opens, and the look follows
    role_text = {Role.FEDERATION: "Provincial federation", Role.UNIT: "Reporting unit"}
    assert window._status.text().startswith(f"{name} — {role_text[role]} — ")
    assert "Opening the database…" in window._plan_page._title.text()
    assert window._plan_page.first_look is look
    with qtbot.waitSignal(window.plan_shown, timeout=30000):
        pass
    assert shown == [plan_id], "the workspace shows the plan named"
    assert waiting_actions(window) == [True] * 4
    assert window._plan_page.first_look is None
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
    assert window._plan_page.first_look is None
    window.close()

"""The federation's plan comes first (issue #20): when it is shown only the dashboard is
built; the other pages follow one by one (or at once when their tab is clicked or they are
used), each loading what the workspace has; the after-start chores (the backup reminder)
run only after the plan is on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core import i18n
from app.core.context import open_context
from app.core.preferences import Preferences
from app.setup import initialize
from db.enums import Role

from ui.federation.workspace import PAGE_NAMES, FederationWorkspace
from ui.shell.main_window import MainWindow

TITLES = {
    "dashboard": "Tổng quan",
    "importer": "Nhập gói",
    "keys": "Khóa",
    "conflicts": "Xung đột",
    "flags": "Giá trị bất thường",
    "roster": "Danh sách đơn vị",
    "plan_page": "Kế hoạch",
    "audit": "Nhật ký",
}


def federation(tmp_path: Path) -> Path:
    database = tmp_path / "federation.db"
    ctx = open_context(database)
    with ctx.unit_of_work() as session:
        initialize(session, role=Role.FEDERATION, name="LĐLĐ tỉnh Tuyên Quang")
    ctx.close()
    return database


def started(qtbot: QtBot, database: Path) -> tuple[MainWindow, list[str | None]]:
    """The window started; with, when the plan was shown, the pages built and whether the
    backup reminder had been set."""
    i18n.set_language("vi")
    window = MainWindow(database, Preferences(language="vi", staff_name="Nguyễn Văn An"))
    qtbot.addWidget(window)
    window.show()
    at_plan: list[str | None] = []

    def shown(_plan_id: str) -> None:
        workspace = window.federation_workspace
        assert workspace is not None
        at_plan.extend(name for name in PAGE_NAMES if workspace.tabs.built(name) is not None)
        at_plan.append(window.backup_reminder.text() or None)

    window.plan_shown.connect(shown)
    with qtbot.waitSignals([window.plan_shown, window.settled], timeout=20000):
        window.start()
    return window, at_plan


def to_the_plan(qtbot: QtBot, tmp_path: Path) -> tuple[MainWindow, FederationWorkspace]:
    """A federation's window started, once its plan is shown."""
    i18n.set_language("vi")
    window = MainWindow(federation(tmp_path), Preferences(language="vi", staff_name="An"))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.plan_shown, timeout=20000):
        window.start()
    workspace = window.federation_workspace
    assert workspace is not None
    return window, workspace


def test_the_plan_comes_first_then_the_pages_and_the_chores(qtbot: QtBot, tmp_path: Path) -> None:
    window, at_plan = started(qtbot, federation(tmp_path))
    assert at_plan == ["dashboard", None], "only the dashboard, no reminder yet"
    assert window.backup_reminder.isVisible(), "the reminder once the plan is shown"
    workspace = window.federation_workspace
    assert workspace is not None
    qtbot.waitUntil(
        lambda: all(workspace.tabs.built(name) is not None for name in PAGE_NAMES),
        timeout=20000,
    )
    titles = [workspace.tabs.tabText(i) for i in range(len(PAGE_NAMES))]
    assert titles == [TITLES[name] for name in PAGE_NAMES]
    assert [workspace.tabs.index_of(name) for name in PAGE_NAMES] == list(range(len(PAGE_NAMES)))
    qtbot.waitUntil(lambda: workspace.plan_page.indicator_model.rowCount() > 0, timeout=20000)
    window.close()


@pytest.mark.parametrize("name", [name for name in PAGE_NAMES if name != "dashboard"])
def test_a_page_clicked_before_it_is_built_is_built_and_loads(
    qtbot: QtBot, tmp_path: Path, name: str
) -> None:
    window, workspace = to_the_plan(qtbot, tmp_path)
    index = workspace.tabs.index_of(name)
    assert workspace.tabs.built(name) is None, "not built with the plan"
    workspace.tabs.tabBar().setCurrentIndex(index)  # as a click on the tab does
    page = workspace.tabs.built(name)
    assert page is not None and workspace.tabs.currentWidget() is page
    assert workspace.tabs.currentIndex() == index
    assert workspace.tabs.tabText(index) == TITLES[name]
    if name == "plan_page":  # handed the plan shown
        assert workspace.plan_page.plan is not None
        assert workspace.plan_page.plan.id == workspace.plan_combo.currentData()
    window.close()


def test_the_plan_s_figures_come_before_the_other_pages(qtbot: QtBot, tmp_path: Path) -> None:
    """The dashboard's first figures are delivered before any other page is built (the GUI
    thread builds them one per turn after), then every page follows."""
    window, workspace = to_the_plan(qtbot, tmp_path)
    at_figures: list[str] = []

    def figures(_board: object) -> None:
        at_figures.extend(name for name in PAGE_NAMES if workspace.tabs.built(name) is not None)

    workspace.dashboard.refreshed.connect(figures)
    with qtbot.waitSignal(workspace.dashboard.refreshed, timeout=20000):
        pass
    assert at_figures == ["dashboard"]
    assert workspace.dashboard.model.rowCount() > 0, "the plan's indicators with their figures"
    qtbot.waitUntil(
        lambda: all(workspace.tabs.built(name) is not None for name in PAGE_NAMES),
        timeout=20000,
    )
    window.close()

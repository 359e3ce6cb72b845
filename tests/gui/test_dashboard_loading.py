"""Between the workspace appearing and its figures arriving, the dashboard says the
figures are being computed (the coverage line and the tables) instead of showing an
empty grid that reads as "no data"; the figures replace it.

The worker is held (a job queued behind the dashboard's first read) so the waiting
state is looked at for certain, whatever the machine's speed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtGui import QImage

from app.core import i18n
from app.core.context import open_context
from app.core.preferences import Preferences
from app.exchange import import_packages
from tests.helpers import GoldenProvince, golden_province

from ui.shell.main_window import MainWindow
from ui.widgets.placeholder_table import PlaceholderTable

pytestmark = pytest.mark.gui

WAITING = "Đang tính số liệu của kế hoạch…"


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> GoldenProvince:
    return golden_province(
        tmp_path_factory, "gui-dashboard-loading", units=4, seed=29, streams=("registration",)
    )


@pytest.fixture
def database(golden: GoldenProvince, fresh_copy: Callable[[Path, Path], str]) -> str:
    database = fresh_copy(golden.database, golden.keys)
    ctx = open_context(database)
    try:
        import_packages(ctx, paths=list(golden.demo.files), dry_run=False)
    finally:
        ctx.close()
    return database


def _viewport(table: PlaceholderTable) -> QImage:
    return table.viewport().grab().toImage()


def _painted(table: PlaceholderTable) -> bool:
    """The placeholder is drawn: the viewport differs from the same viewport without it."""
    text = table.placeholder()
    shown = _viewport(table)
    table.set_placeholder("")
    bare = _viewport(table)
    table.set_placeholder(text)
    return shown != bare


def test_the_dashboard_says_its_figures_are_coming(
    qtbot: QtBot, database: str, scale: float, tmp_path: Path
) -> None:
    i18n.set_language("vi")
    window = MainWindow(database, Preferences(language="vi"))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    release = threading.Event()

    def hold_the_worker(_plan_id: str) -> None:
        window.runner.run(lambda _p, _t: release.wait(30), print, print, reads=True)

    window.plan_shown.connect(hold_the_worker)
    try:
        with qtbot.waitSignal(window.plan_shown, timeout=30000):
            window.start()
        workspace = window.federation_workspace
        assert workspace is not None
        page = workspace.dashboard
        qtbot.wait(50)  # painted as the user sees it
        assert page.board is None
        assert page.coverage.text() == WAITING
        assert page.view.placeholder() == WAITING
        assert page.view.showing_placeholder()
        assert _painted(page.view)
        window.grab().save(str(tmp_path / f"dashboard-loading-{int(scale * 100)}.png"))
        page.tabs.setCurrentIndex(page.NOT_SENT)
        assert page.missing.view.showing_placeholder()
        assert page.missing.view.placeholder() == WAITING
        assert _painted(page.missing.view)
        page.tabs.setCurrentIndex(page.TARGETS)
    finally:
        release.set()

    with qtbot.waitSignal(page.refreshed, timeout=30000):
        pass
    assert page.model.rowCount() > 0
    assert not page.view.showing_placeholder()
    assert not page.missing.view.showing_placeholder()
    assert WAITING not in page.coverage.text()
    assert page.coverage.text()  # the figures' coverage line took its place
    qtbot.wait(50)
    window.grab().save(str(tmp_path / f"dashboard-filled-{int(scale * 100)}.png"))
    window.close()

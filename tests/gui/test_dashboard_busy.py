"""The dashboard says it is computing while a refresh runs on the worker.

On the national database the first refresh builds every roll-up cell (about a minute and a
half on the shared test machine) and the table stayed empty with no sign of life; queued
behind the roster and keys loads at start, even a quick refresh waited seconds so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.demo.province import make_demo
from tests.gui.widgets import open_federation_window

from ui.federation.dashboard_page import DashboardPage
from ui.federation.workspace import FederationWorkspace

pytestmark = pytest.mark.gui


@pytest.fixture
def workspace(qtbot: QtBot, tmp_path: Path) -> Iterator[FederationWorkspace]:
    demo = make_demo(out_dir=tmp_path / "demo", units=12, streams=())
    window, workspace = open_federation_window(qtbot, demo.database, size=(1300, 800))
    yield workspace
    window.close()


def test_a_refresh_shows_it_is_computing_until_the_figures_are_in(
    qtbot: QtBot, workspace: FederationWorkspace
) -> None:
    page = workspace.dashboard
    assert isinstance(page, DashboardPage)
    qtbot.waitUntil(lambda: page.board is not None and not page.is_busy(), timeout=20000)
    assert page.busy_label.isHidden() and page.busy_bar.isHidden()

    with qtbot.waitSignal(page.refreshed, timeout=20000):
        page.refresh()
        # Said at once, from the click: the job's answer comes through the event loop.
        assert page.is_busy()
        assert page.busy_label.isVisible() and page.busy_bar.isVisible()
        assert page.busy_label.text() == "Đang tính các số liệu…"
        page.refresh()  # asked again meanwhile: still computing, once more after it
        assert page.is_busy()
    # "refreshed" comes once, when the second refresh has shown its figures.
    assert page.busy_label.isHidden() and page.busy_bar.isHidden()
    assert page.coverage.text()


def test_writing_the_workbook_is_said_until_it_is_written(
    qtbot: QtBot, workspace: FederationWorkspace, tmp_path: Path
) -> None:
    """The whole country's workbook took over a minute with nothing on screen."""
    page = workspace.dashboard
    qtbot.waitUntil(lambda: page.board is not None and not page.is_busy(), timeout=20000)
    out = tmp_path / "tong-hop.xlsx"
    with qtbot.waitSignal(page.done, timeout=60000) as said:
        page.export_workbook(out)
        assert page.is_busy()
        assert page.busy_label.text() == "Đang ghi bảng tính Excel…"
        # Quitting meanwhile waits for it, and its notice says what it waits for.
        assert [t.doing for t in page.runner._runner.writing()] == ["việc ghi bảng tính Excel"]
        page.refresh()  # a refresh meanwhile: the latest work is named
        assert page.busy_label.text() == "Đang tính các số liệu…"
    assert out.stat().st_size > 0
    assert str(out) in str(said.args[0])
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=20000)
    assert page.busy_bar.isHidden()

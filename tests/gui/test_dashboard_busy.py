"""The dashboard says it is computing while a refresh runs on the worker.

On the national database the first refresh builds every roll-up cell (about a minute and a
half on the shared test machine) and the table stayed empty with no sign of life; queued
behind the roster and keys loads at start, even a quick refresh waited seconds so.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

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


def test_the_workbook_can_be_stopped_and_then_writes_nothing(
    qtbot: QtBot, workspace: FederationWorkspace, tmp_path: Path
) -> None:
    """A large province's workbook takes minutes: "Dừng" ends it, the old file untouched."""
    page = workspace.dashboard
    qtbot.waitUntil(lambda: page.board is not None and not page.is_busy(), timeout=20000)
    assert page.workbook_stop.isHidden()
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "tong-hop.xlsx"
    out.write_bytes(b"last year's workbook")
    # The one worker held until Dừng is clicked: on a loaded machine the 12 units' workbook
    # could otherwise be written whole before the click (then it is too late, as it is said).
    gate = threading.Event()
    page.runner.run(lambda _p, _t: gate.wait(60), lambda _r: None, lambda _e: None, reads=True)
    with qtbot.waitSignal(page.done, timeout=60000) as said:
        page.export_workbook(out)
        assert page.workbook_stop.isVisible() and page.workbook_stop.text() == "Dừng"
        assert page.workbook_button.isHidden(), "one workbook at a time: Dừng in its place"
        QTest.mouseClick(page.workbook_stop, Qt.MouseButton.LeftButton)
        assert not page.workbook_stop.isEnabled()
        assert page.busy_label.text() == "Đang dừng…"
        gate.set()
    assert said.args[0] == "Đã dừng ghi bảng tính: không có tệp nào được ghi."
    assert out.read_bytes() == b"last year's workbook"
    assert [p.name for p in folder.iterdir()] == ["tong-hop.xlsx"], "nothing left beside it"
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=20000)
    assert page.workbook_stop.isHidden() and page.workbook_button.isVisible()

    with qtbot.waitSignal(page.done, timeout=60000) as said:  # and it still writes after
        page.export_workbook(out)
        assert page.workbook_stop.isEnabled()
    assert str(out) in str(said.args[0])
    assert out.read_bytes()[:2] == b"PK"


def test_once_the_workbook_is_being_saved_it_is_said_and_no_longer_stoppable(
    qtbot: QtBot, workspace: FederationWorkspace, tmp_path: Path
) -> None:
    """Walkthrough: Dừng was taken ("Đang dừng…") during the last seconds, the saving, and
    the workbook was written anyway with nothing said."""
    page = workspace.dashboard
    qtbot.waitUntil(lambda: page.board is not None and not page.is_busy(), timeout=20000)
    out = tmp_path / "tong-hop.xlsx"
    with qtbot.waitSignal(page.done, timeout=60000) as said:
        page.export_workbook(out)
        token = page._workbook_token
        assert token is not None
        deadline = time.monotonic() + 30
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.01)  # the worker writes on; this thread delivers nothing meanwhile
        assert out.exists(), "saved by the worker"
        token.cancel()  # a stop asked as the file is saved: too late, said so
    assert said.args[0] == f"Bảng tính đã đang được lưu nên vẫn được ghi xong vào {out}."
    assert out.read_bytes()[:2] == b"PK"

    with qtbot.waitSignal(page.done, timeout=60000):
        page.export_workbook(out)
        total = len(page.board.plan.indicators) + 2 if page.board is not None else 0
        page._workbook_progress(total - 1, total)  # as the worker tells it: saving now
        assert page.busy_label.text() == "Đang lưu tệp bảng tính…"
        assert page.workbook_stop.isVisible() and not page.workbook_stop.isEnabled()

"""The chair's windows for the tests of this folder: a unit window after the first-run
choice (``unit_window``), and one whose plan package came from a federation
(``pinned_window``, with that federation's database)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.context import AppContext
from tests.gui.chair.unit_workspace import workspace_of
from tests.gui.unit_helpers import import_plan, make_federation, open_unit_window

from ui.shell.main_window import MainWindow


@pytest.fixture
def unit_window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    return open_unit_window(qtbot, tmp_path / "unit.db")


@pytest.fixture
def pinned_window(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[MainWindow, AppContext]]:
    fed, plans, fingerprint = make_federation(tmp_path / "fed")
    window = open_unit_window(qtbot, tmp_path / "unit.db")
    import_plan(qtbot, workspace_of(window), plans / "CS-0001_plan_2017.thidua", fingerprint)
    yield window, fed
    fed.close()

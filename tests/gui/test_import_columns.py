"""The import table on a 1366×768 screen at 100% and 125% text: the outcome and its reason
stand in view beside the file and the unit, the signer's key fingerprint after them (at
125% a walkthrough had to scroll right to read any outcome, losing the file names)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.core.context import AppContext
from tests.gui.test_dashboard_fit import on_screen
from tests.gui.test_federation import drop
from tests.gui.test_screen_size import province  # noqa: F401 (a fixture)

from ui.federation.import_models import ImportColumn

pytestmark = pytest.mark.gui


def test_the_outcome_and_its_reason_are_in_view(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],  # noqa: F811
    scale: float,
) -> None:
    demo, _ctx = province
    window = on_screen(qtbot, tmp_path, demo.database, scale)
    workspace = window.federation_workspace
    assert workspace is not None
    workspace.tabs.setCurrentWidget(workspace.importer)
    with qtbot.waitSignal(workspace.importer.checked, timeout=60000):
        drop(workspace, demo.packages_dir)
    qtbot.wait(100)
    view = workspace.importer.view
    header = view.horizontalHeader()
    assert header.visualIndex(ImportColumn.FINGERPRINT) == len(ImportColumn) - 1
    shown = view.viewport().width()
    reason_at = view.columnViewportPosition(ImportColumn.REASON)
    outcome_end = view.columnViewportPosition(ImportColumn.OUTCOME) + view.columnWidth(
        ImportColumn.OUTCOME
    )
    assert outcome_end <= shown
    # A reason such as "Đã nhập trước đó: cùng nội dung." reads whole.
    wanted = view.fontMetrics().horizontalAdvance("Đã nhập trước đó: cùng nội dung.")
    assert reason_at + wanted <= shown, (reason_at, wanted, shown)
    assert view.columnWidth(ImportColumn.REASON) >= wanted

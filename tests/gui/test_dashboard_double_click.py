"""A double click on a figure of the targets table opens the units behind it once (it
opened the same list twice: a walkthrough closed one and found "the same" again), and Enter
on a figure opens it too — once."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.demo.province import make_demo
from db.enums import REGISTRATION_STREAM
from tests.gui.test_federation_deadlines import open_window

from ui.federation.units_behind import UnitsBehindDialog

pytestmark = pytest.mark.gui


def test_one_double_click_one_list(qtbot: QtBot, tmp_path: Path) -> None:
    demo = make_demo(out_dir=tmp_path / "demo", units=4, seed=7, streams=())
    _window, workspace = open_window(qtbot, demo.database)
    page = workspace.dashboard
    shown: list[UnitsBehindDialog] = []
    page.behind_shown.connect(shown.append)
    model, view = page.model, page.view
    index = model.index(model.row_of("2.1"), model.figure_column(REGISTRATION_STREAM))
    view.scrollTo(index)
    at = view.visualRect(index).center()
    # As a mouse does it: the first click, then the second (QTest sends the double-click
    # event alone, which a view reads only after a press on the same figure).
    for click in (QTest.mouseClick, QTest.mouseDClick):
        click(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    qtbot.waitUntil(lambda: len(shown) >= 1, timeout=20000)
    qtbot.wait(500)  # a second list would have come by now
    assert len(shown) == 1 and isinstance(shown[0], UnitsBehindDialog)
    shown[0].reject()
    view.setCurrentIndex(index)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(shown) >= 2, timeout=20000)
    qtbot.wait(500)
    assert len(shown) == 2
    shown[1].reject()

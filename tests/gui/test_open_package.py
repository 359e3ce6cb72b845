"""A ``.thidua`` file given on the command line (the installer's file association)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.demo.province import make_demo
from tests.gui.widgets import open_federation_window

from ui.main import open_packages


def test_the_federation_checks_a_double_clicked_package(qtbot: QtBot, tmp_path: Path) -> None:
    demo = make_demo(out_dir=tmp_path / "demo", units=3)
    window, workspace = open_federation_window(qtbot, demo.database, language="en")

    with qtbot.waitSignal(workspace.importer.checked, timeout=20000) as checked:
        open_packages(window, [demo.files[0]])
    assert workspace.tabs.currentWidget() is workspace.importer
    assert checked.args[0].counts["new"] == 1, "a dry run: checked, not yet imported"
    qtbot.waitUntil(lambda: not window._runner.busy(), timeout=20000)

"""A ``.thidua`` file given on the command line (the installer's file association)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.core import i18n
from app.core.preferences import Preferences
from app.demo.province import make_demo

from ui.main import open_packages
from ui.shell.main_window import MainWindow


def test_the_federation_checks_a_double_clicked_package(qtbot: QtBot, tmp_path: Path) -> None:
    demo = make_demo(out_dir=tmp_path / "demo", units=3)
    i18n.set_language("en")
    window = MainWindow(demo.database, Preferences(language="en"))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.plan_shown, timeout=20000):
        window.start()
    workspace = window.federation_workspace
    assert workspace is not None

    with qtbot.waitSignal(workspace.importer.checked, timeout=20000) as checked:
        open_packages(window, [demo.files[0]])
    assert workspace.tabs.currentWidget() is workspace.importer
    assert checked.args[0].counts["new"] == 1, "a dry run: checked, not yet imported"
    qtbot.waitUntil(lambda: not window._runner.busy(), timeout=20000)

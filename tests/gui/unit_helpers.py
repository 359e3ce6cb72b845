"""Shared pieces of the unit GUI tests: a federation that made plan packages, a
unit window opened on a fresh database, and a digest of every table."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QDialogButtonBox

from app.core import i18n
from app.core.context import AppContext
from app.core.preferences import Preferences
from db.enums import Sector
from tests.gui.typing import type_text
from tests.gui.widgets import find_dialog, standard_button
from tests.helpers import federation_fingerprint, federation_with_roster

from ui.shell.main_window import MainWindow
from ui.unit.fingerprint import FingerprintDialog
from ui.unit.workspace import UnitWorkspace


def make_federation(
    folder: Path, name: str = "LĐLĐ tỉnh Tuyên Quang"
) -> tuple[AppContext, Path, str]:
    """A federation database with the template roster and its plan packages."""
    folder.mkdir(parents=True, exist_ok=True)
    ctx, plans = federation_with_roster(folder / "fed.db", folder, name=name)
    return ctx, plans, federation_fingerprint(ctx)


def start_window(qtbot: QtBot, db: Path) -> MainWindow:
    """A Vietnamese main window on ``db``, started, its first-run dialog open."""
    i18n.set_language("vi")
    window = MainWindow(db, Preferences(language="vi"))
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.first_run_dialog is not None, timeout=10000)
    return window


def open_unit_window(qtbot: QtBot, db: Path, *, code: str = "CS-0001") -> MainWindow:
    """A unit window after the first-run choice (practice mode, nothing imported)."""
    window = start_window(qtbot, db)
    dialog = window.first_run_dialog
    assert dialog is not None
    type_text(dialog._name, "Công đoàn Công ty CP Xi măng Tân Quang")
    type_text(dialog._code, code)
    dialog._sector.setCurrentIndex(dialog._sector.index_of(Sector.NON_STATE_ENTERPRISE))
    # Settled: the start's chores done (the quick start read on the worker and shown).
    with qtbot.waitSignals([window.plan_shown, window.settled], timeout=15000):
        standard_button(dialog, QDialogButtonBox.StandardButton.Ok).click()
    return window


def import_plan(qtbot: QtBot, workspace: UnitWorkspace, path: Path, fingerprint: str) -> None:
    with qtbot.waitSignal(workspace.done, timeout=20000):
        workspace.import_file(path)
        ask = find_dialog(qtbot, FingerprintDialog, "confirm-fingerprint")
        assert isinstance(ask, FingerprintDialog)
        ask.setTextValue(fingerprint)
        ask.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

"""Shared pieces of the unit GUI tests: a federation that made plan packages, a
unit window opened on a fresh database, and a digest of every table."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.core import i18n
from app.core.context import AppContext, open_context
from app.core.preferences import Preferences
from app.exchange import federation
from app.exchange.keys import ensure_own_key
from app.exchange.signing import fingerprint_groups
from app.roster.template import write_roster_template
from app.roster.workbook_import import import_roster
from app.setup.first_run import initialize
from db.enums import Role, Sector
from tests.gui.typing import type_text
from tests.gui.widgets import standard_button

from ui.shell.main_window import MainWindow
from ui.unit.fingerprint import FingerprintDialog
from ui.unit.workspace import UnitWorkspace

PLAN = "tuyen-quang-2017"


def make_federation(
    folder: Path, name: str = "LĐLĐ tỉnh Tuyên Quang"
) -> tuple[AppContext, Path, str]:
    """A federation database with the template roster and its plan packages."""
    folder.mkdir(parents=True, exist_ok=True)
    ctx = open_context(folder / "fed.db")
    with ctx.unit_of_work() as session:
        initialize(session, role=Role.FEDERATION, name=name)
        fingerprint = fingerprint_groups(ensure_own_key(session).public_raw)
    workbook = folder / "roster.xlsx"
    write_roster_template(workbook)
    with ctx.unit_of_work() as session:
        import_roster(session, path=workbook, year=2017)
    plans = folder / "plans"
    federation.export_plan_packages(ctx, plan_id=PLAN, out_dir=plans)
    return ctx, plans, fingerprint


def find_dialog(qtbot: QtBot, kind: type, name: str) -> object:
    found: list[object] = []

    def present() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, kind) and w.objectName() == name and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(present, timeout=10000)
    return found[0]


def open_unit_window(qtbot: QtBot, db: Path, *, code: str = "CS-0001") -> MainWindow:
    """A unit window after the first-run choice (practice mode, nothing imported)."""
    i18n.set_language("vi")
    window = MainWindow(db, Preferences(language="vi"))
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.first_run_dialog is not None, timeout=10000)
    dialog = window.first_run_dialog
    assert dialog is not None
    type_text(dialog._name, "Công đoàn Công ty CP Xi măng Tân Quang")
    type_text(dialog._code, code)
    dialog._sector.setCurrentIndex(dialog._sector.index_of(Sector.NON_STATE_ENTERPRISE))
    with qtbot.waitSignal(window.plan_shown, timeout=10000):
        standard_button(dialog, QDialogButtonBox.StandardButton.Ok).click()
    return window


def import_plan(qtbot: QtBot, workspace: UnitWorkspace, path: Path, fingerprint: str) -> None:
    with qtbot.waitSignal(workspace.done, timeout=20000):
        workspace.import_file(path)
        ask = find_dialog(qtbot, FingerprintDialog, "confirm-fingerprint")
        assert isinstance(ask, FingerprintDialog)
        ask.setTextValue(fingerprint)
        ask.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def digest(db: Path) -> str:
    """Every table's rows (the audit log aside), in a stable order."""
    conn = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        h = hashlib.sha256()
        for table in tables:
            if table == "audit_log":
                continue
            h.update(table.encode())
            for row in sorted(conn.execute(f'SELECT * FROM "{table}"'), key=repr):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        conn.close()

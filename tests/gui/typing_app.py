"""A real app process for the power-cut test: type values, report, then wait to be killed.

Run as ``python -m tests.gui.typing_app DB``; prints ``TYPED`` once every
edit went through the widgets (and so was committed), then keeps running.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication

from app.core import i18n
from app.core.preferences import Preferences

from ui.shell.main_window import MainWindow
from ui.unit.statement_rows import Column

EDITS = (
    ("registration", "2.1", "42"),
    ("registration", "7.1", "3.500.000"),
    ("registration", "2.3", "90 / 120"),
    ("h1", "2.1", "17"),
)


def settle(app: QApplication, seconds: float = 0.05) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication(sys.argv[:1])
    i18n.set_language("vi")
    window = MainWindow(Path(sys.argv[1]), Preferences())
    window.show()
    window.start()
    while window.unit_workspace is None or window.unit_workspace.workspace is None:
        settle(app)
    workspace = window.unit_workspace
    for stream, code, text in EDITS:
        page = workspace.page(stream)
        workspace.tabs.setCurrentWidget(page)
        index = page.model.index(page.model.row_of(code), Column.VALUE)
        page.view.setFocus()
        page.view.setCurrentIndex(index)
        QTest.keyClick(page.view, Qt.Key.Key_F2)
        settle(app)
        if page.view.state() != QAbstractItemView.State.EditingState:
            print(f"cannot edit {code}", flush=True)
            return 1
        editor = QApplication.focusWidget()
        assert editor is not None
        QTest.keyClicks(editor, text)  # digits, dots, spaces and "/" only
        QTest.keyClick(editor, Qt.Key.Key_Return)
        while page.view.state() == QAbstractItemView.State.EditingState:
            settle(app)
    print("TYPED", flush=True)
    QTimer.singleShot(600_000, app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())

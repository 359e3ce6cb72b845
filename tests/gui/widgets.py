"""Reaching into windows and dialogs with their types: a dialog once it shows, its standard
button, a table's cell, the context a main window opened; a federation's window opened;
and files dropped on a widget.
Each is asserted present, so a missing one fails the test where it is looked up rather
than as an attribute error further on."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.core import i18n
from app.core.context import AppContext
from app.core.preferences import Preferences

from ui.federation.workspace import FederationWorkspace
from ui.shell.main_window import MainWindow

W = TypeVar("W", bound=QWidget)


def standard_button(owner: QWidget, which: QDialogButtonBox.StandardButton) -> QPushButton:
    """The ``which`` button of the button box inside ``owner`` (a dialog)."""
    box = owner.findChild(QDialogButtonBox)
    assert isinstance(box, QDialogButtonBox)
    return box.button(which)


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item of ``table`` at ``row``, ``column`` (which must hold one)."""
    item = table.item(row, column)
    assert item is not None
    return item


def context_of(window: MainWindow) -> AppContext:
    """The database context ``window`` opened (it has started)."""
    ctx = window._ctx
    assert ctx is not None
    return ctx


def find_dialog(qtbot: QtBot, kind: type[W], name: str) -> W:
    """The visible top-level ``kind`` named ``name``, once it shows (within 10 s)."""
    found: list[W] = []

    def present() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, kind) and w.objectName() == name and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(present, timeout=10000)
    return found[-1]


def drop_files(widget: QWidget, *paths: Path) -> bool:
    """Drag files or folders from the file manager and drop them on ``widget``; whether
    ``widget`` accepted the drag as it entered."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = widget.rect().center()
    enter = QDragEnterEvent(
        centre,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, enter)
    accepted = enter.isAccepted()
    event = QDropEvent(
        QPointF(QPoint(centre)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)
    return accepted


def open_federation_window(
    qtbot: QtBot,
    database: Path,
    *,
    language: str = "vi",
    size: tuple[int, int] | None = None,
    timeout: int = 20000,
) -> tuple[MainWindow, FederationWorkspace]:
    """A main window on a federation's ``database``, started and showing its plan, its
    after-start chores done (backup reminder, key warning), in ``language`` and (when
    given) resized to ``size``; with its federation workspace."""
    i18n.set_language(language)
    window = MainWindow(database, Preferences(language=language))
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    with qtbot.waitSignals([window.plan_shown, window.settled], timeout=timeout):
        window.start()
    workspace = window.federation_workspace
    assert workspace is not None
    return window, workspace

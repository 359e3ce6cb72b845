"""Typing Vietnamese into widgets.

``QTest.keyClicks`` only knows Latin-1 key codes (it asserts on "Đ"), so each
character is delivered as a real key press/release carrying its text, the
way an input method hands composed Vietnamese letters to a widget.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(widget: QWidget, text: str) -> None:
    widget.setFocus()
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)

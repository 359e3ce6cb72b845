"""The keyboard on tabs: Ctrl+PageDown and Ctrl+PageUp switch a window's main tabs from
anywhere in it (Ctrl+Tab stays with the nearest tabs: a page's own tabs inside the main
ones), and a focus ring on a tab bar that can be seen (the style's was a faint dotted
line, a new user did not see where the focus was)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QTabWidget,
    QWidget,
)

#: The width of the focus ring, in pixels.
RING = 2


def switch_main_tabs_by_keys(tabs: QTabWidget) -> tuple[QShortcut, QShortcut]:
    """Ctrl+PageDown: the next of ``tabs``, Ctrl+PageUp: the one before (both wrap round),
    wherever the focus is in the window (a table's own PageDown included)."""

    def step(by: int) -> None:
        if tabs.count():
            tabs.setCurrentIndex((tabs.currentIndex() + by) % tabs.count())
            # The focus on the tab just shown, ringed: it stayed in the hidden page, out of
            # sight, and the next Tab skipped the page's first control (walkthrough).
            tabs.tabBar().setFocus(Qt.FocusReason.ShortcutFocusReason)

    keys = []
    for key, by in ((Qt.Key.Key_PageDown, 1), (Qt.Key.Key_PageUp, -1)):
        shortcut = QShortcut(QKeySequence(Qt.KeyboardModifier.ControlModifier | key), tabs)
        shortcut.setObjectName("next-main-tab" if by > 0 else "previous-main-tab")
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(lambda by=by: step(by))
        keys.append(shortcut)
    return keys[0], keys[1]


class FocusRingStyle(QProxyStyle):
    """The application's style, the focused tab of a tab bar ringed in the highlight
    colour, :data:`RING` pixels wide (Fusion draws no focus on a tab at all)."""

    def drawControl(
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawControl(element, option, painter, widget)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        if element == QStyle.ControlElement.CE_TabBarTabLabel and focused:
            painter.save()
            pen = QPen(option.palette.highlight().color(), RING)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            # Inside the tab, the pen's width within it.
            rect = option.rect.adjusted(RING, RING, -RING, -RING)
            painter.drawRect(rect)
            painter.restore()


def ring_focused_tab(tabs: QTabWidget) -> None:
    """The focused tab of ``tabs``'s bar ringed as :class:`FocusRingStyle` draws it."""
    base = QApplication.style()
    style = FocusRingStyle(base.name() if base is not None else "fusion")
    owner: QObject = tabs.tabBar()
    style.setParent(owner)  # goes with the bar
    tabs.tabBar().setStyle(style)


__all__ = ["RING", "FocusRingStyle", "ring_focused_tab", "switch_main_tabs_by_keys"]

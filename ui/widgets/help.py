"""Help on every screen: which section of the user guide a widget is explained in, and F1,
a "Help" button and a "?" button that open the guide there.

A screen names its section with a class attribute, ``help_anchor = "fed-import"`` (an
anchor of docs/guide); a screen whose section depends on what it shows (a tab of the
workspace, a returned report) answers ``current_help_anchor()``; a box built on the fly
(a question, a file dialog) may be given one with :func:`set_help`. The section of a
widget is its own, else its parent's, and so on up to the window (:func:`anchor_at`).

:func:`install_help` puts one event filter on the application: every window it sees
shown gets F1, and every dialog with a button box gets a "Help" button — so no dialog
is forgotten. Pages get their "?" in the header of their workspace
(:func:`help_button`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QToolButton,
    QWidget,
)
from shiboken6 import isValid

from app.core.i18n import gettext as _

if TYPE_CHECKING:  # the guide and its window load on the first F1, not with the window
    from ui.widgets.help_window import HelpWindow

#: The section shown when nothing on screen names one.
DEFAULT_ANCHOR = "intro"
#: The dynamic property :func:`set_help` sets, and the one marking a window done.
ANCHOR_PROPERTY = "helpAnchor"
INSTALLED_PROPERTY = "helpInstalled"

_window: HelpWindow | None = None
_filter: HelpFilter | None = None


def set_help(widget: QWidget, anchor: str) -> None:
    """Give ``widget`` (a box made on the fly) the section that explains it."""
    widget.setProperty(ANCHOR_PROPERTY, anchor)


def own_anchor(widget: QWidget) -> str:
    """The section ``widget`` itself names ("" when it names none): the one it was given
    (:func:`set_help`), else the one of what it shows now, else its class's."""
    given = widget.property(ANCHOR_PROPERTY)
    if isinstance(given, str) and given:
        return given
    current = getattr(widget, "current_help_anchor", None)
    if callable(current):
        answer = current()
        if isinstance(answer, str) and answer:
            return answer
    declared = getattr(widget, "help_anchor", "")
    return declared if isinstance(declared, str) else ""


def anchor_at(widget: QWidget | None) -> str:
    """The section explaining ``widget``: its own, else the nearest parent's."""
    while widget is not None:
        anchor = own_anchor(widget)
        if anchor:
            return anchor
        widget = widget.parentWidget()
    return DEFAULT_ANCHOR


def anchor_in(window: QWidget) -> str:
    """The section for F1 in ``window``: a dialog's own (the pages it may hold are
    explained with it), else the section where the window's keyboard focus is."""
    focus = QApplication.focusWidget()
    if isinstance(window, QDialog):
        return anchor_at(window)
    if focus is not None and focus.window() is window:
        return anchor_at(focus)
    return anchor_at(window)


def help_window() -> HelpWindow:
    """The one help window (made on first use, again if Qt deleted it with a dialog)."""
    global _window
    if _window is None or not isValid(_window):
        from app.guide import installed_guide

        from ui.widgets.help_window import HelpWindow

        _window = HelpWindow(installed_guide())
    return _window


def retranslate_help() -> None:
    """The help window's own words in the language now chosen (the guide is Vietnamese)."""
    if _window is not None and isValid(_window):
        _window.translateUI()


def show_help(anchor: str) -> HelpWindow:
    """Open the guide at ``anchor``, beside whatever is on screen.

    Over a modal dialog (the first run, a passphrase) the window belongs to that dialog
    for a while: a window outside it would not take a click until it closes.
    """
    window = help_window()
    modal = QApplication.activeModalWidget()
    owner = modal if modal is not None and modal is not window else None
    if window.parentWidget() is not owner:
        geometry = window.geometry()
        window.setParent(owner, Qt.WindowType.Window)
        window.setGeometry(geometry)
    window.show_anchor(anchor)
    bring_to_front(window)
    window.show_anchor(anchor)  # again, now that it is laid out
    return window


def bring_to_front(window: QWidget) -> None:
    """Show ``window`` in front of the others."""
    window.show()
    if QGuiApplication.platformName() != "offscreen":  # which cannot raise a window
        window.raise_()
    window.activateWindow()


def help_button(anchor_of: QWidget, parent: QWidget | None = None) -> QToolButton:
    """A "?" button opening the section of ``anchor_of`` (a page's header, a toolbar)."""
    button = QToolButton(parent)
    button.setObjectName("help-button")
    button.setText("?")
    button.setToolTip(_("Help on this screen (F1)"))
    button.setAccessibleName(_("Help"))
    button.clicked.connect(lambda: show_help(anchor_at(anchor_of)))
    return button


def add_help_button(dialog: QDialog) -> bool:
    """Give ``dialog``'s button box a "Help" button (once); False when it has neither
    a button box nor a Help button of its own (:func:`dialog_help_button`)."""
    if dialog.findChild(QPushButton, "dialog-help") is not None:
        return True
    boxes = [b for b in dialog.findChildren(QDialogButtonBox) if b.window() is dialog]
    if not boxes:
        return False
    button = boxes[-1].addButton(_("Help"), QDialogButtonBox.ButtonRole.HelpRole)
    _wire(button, dialog)
    return True


def dialog_help_button(dialog: QDialog) -> QPushButton:
    """A "Help" button for a dialog whose buttons are a row of its own (no button box)."""
    button = QPushButton(_("Help"), dialog)
    _wire(button, dialog)
    return button


def _wire(button: QPushButton, dialog: QDialog) -> None:
    button.setObjectName("dialog-help")
    button.setAutoDefault(False)
    button.clicked.connect(lambda: show_help(anchor_in(dialog)))


def install_help_key(window: QWidget) -> QShortcut:
    """F1 in ``window`` opens the section of what has the focus there."""
    shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents), window)
    shortcut.setObjectName("help-key")
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(lambda: show_help(anchor_in(window)))
    return shortcut


def undecorate(widget: QWidget) -> None:
    """Take F1 back from a widget decorated as a window that is a window no more (shown
    before it was put in a layout): two F1 keys in one window would both stay silent."""
    for shortcut in widget.findChildren(QShortcut, "help-key"):
        if shortcut.parent() is widget:
            shortcut.setEnabled(False)
            shortcut.deleteLater()
    widget.setProperty(INSTALLED_PROPERTY, False)


def decorate(window: QWidget) -> None:
    """F1 and, for a dialog, a "Help" button: once per window."""
    if window.property(INSTALLED_PROPERTY):
        return
    window.setProperty(INSTALLED_PROPERTY, True)
    if not getattr(window, "owns_help_key", False):
        install_help_key(window)
    # A message box closes on any of its buttons: F1 only there.
    if isinstance(window, QDialog) and not isinstance(window, QMessageBox):
        add_help_button(window)


class HelpFilter(QObject):
    """Decorates every window when it is first shown (see the module docstring), and
    undecorates one put inside another window."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ParentChange
            and isinstance(watched, QWidget)
            and not watched.isWindow()
            and watched.property(INSTALLED_PROPERTY)
        ):
            undecorate(watched)
        elif (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and not watched.property(INSTALLED_PROPERTY)
        ):
            decorate(watched)
        return False


def install_help(app: QApplication | None = None) -> None:
    """Help on every window of the application from now on (once per application)."""
    global _filter
    target = app or QApplication.instance()
    if _filter is not None or target is None:
        return
    _filter = HelpFilter(target)
    target.installEventFilter(_filter)

"""Every text a window shows, read off its widgets, and the English words no screen may hold.

:func:`shown_texts` walks a window or dialog and everything in it: window titles, labels,
buttons, group-box titles, tab texts, placeholders, tool tips and status tips, combo-box
items, menus and their actions (every submenu), the status bar, header labels and the
cells (text and tool tip) of every table, tree and list model shown. Not read, being data
and not our words: what the user typed into an editable field, the cells of a column
headed "Mã" (codes, identifiers typed as they are: "CS-0001", a scoring flag's
"discipline"), and the names of files and folders a file dialog lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QFileSystemModel,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QStatusBar,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

#: English words no window may show (the words a tester saw, Qt's own, and a programmer's):
#: checked on whole words, any case, besides hunspell-vi (which also rejects English, but
#: accepts the few English words that are Vietnamese syllables too: "no", "to", "can"…;
#: of these only the ones that never stand alone in a Vietnamese sentence are listed).
#: Not listed: "Email", the word Vietnamese offices write on their forms (hunspell-vi knows it).
_STOP_LIST = """
    usage options option sent accepted rejected pending new federation unit units package
    packages cancel ok yes no close file files edit help save open print printer preview
    error warning delete remove add name code date status report reports import export
    search settings view select apply back next none true false unknown total stream
    registration draft conflict key keys plan plans roster dashboard audit flag flags
    grade score scoring quit about language zoom reset restore backup move database
    cluster sector members workers chair phone value values target indicator
    details detail page of the and or not with for from by all any yes other folder
    summary proposal ranking covenant results year half deadline deadlines reminder
"""
ENGLISH = frozenset(_STOP_LIST.split())

_ROWS = 300  # cells read per model (the first rows; every column)


def _columns(model: QAbstractItemModel) -> int:
    """A model's column count (a list model's is private to Qt: one)."""
    try:
        return int(model.columnCount(QModelIndex()))
    except TypeError:
        return 1


def _model_texts(model: QAbstractItemModel) -> Iterator[str]:
    from app.core.i18n import gettext

    columns = _columns(model)
    codes = set()
    for column in range(columns):
        header = model.headerData(column, Qt.Orientation.Horizontal)
        if header is not None:
            yield str(header)
            if str(header) == gettext("Code"):
                codes.add(column)
        tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        if tip is not None:
            yield str(tip)
    if isinstance(model, QFileSystemModel):
        return
    seen = 0
    stack = [QModelIndex()]
    while stack and seen < _ROWS:
        parent = stack.pop()
        for row in range(model.rowCount(parent)):
            seen += 1
            if seen > _ROWS:
                break
            for column in range(max(columns, 1)):
                if column in codes:
                    continue
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = index.data(role)
                    if isinstance(value, str):
                        yield value
            first = model.index(row, 0, parent)
            if first.isValid() and model.rowCount(first) > 0:
                stack.append(first)


def _action_texts(actions: list[QAction]) -> Iterator[str]:
    for action in actions:
        yield from (action.text(), action.toolTip(), action.statusTip())
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield from (menu.title(), menu.toolTip())
            yield from _action_texts(menu.actions())


def _widget_texts(widget: QWidget) -> Iterator[str]:
    if widget.isWindow():
        yield widget.windowTitle()
    yield from (widget.toolTip(), widget.statusTip(), widget.whatsThis())
    yield from _action_texts(widget.actions())
    if isinstance(widget, (QLabel, QAbstractButton)):
        yield widget.text()
    elif isinstance(widget, QGroupBox):
        yield widget.title()
    elif isinstance(widget, (QTabWidget, QTabBar)):
        for i in range(widget.count()):
            yield from (widget.tabText(i), widget.tabToolTip(i))
    elif isinstance(widget, QLineEdit):
        yield widget.placeholderText()
        if widget.isReadOnly():
            yield widget.text()
    elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
        yield widget.placeholderText()
        if widget.isReadOnly():
            yield widget.toPlainText()
    elif isinstance(widget, QComboBox):
        for i in range(widget.count()):
            yield widget.itemText(i)
            tip = widget.itemData(i, Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str):
                yield tip
    elif isinstance(widget, QAbstractItemView):
        model = widget.model()
        if model is not None:
            yield from _model_texts(model)
    elif isinstance(widget, QStatusBar):
        yield widget.currentMessage()
    if isinstance(widget, QMainWindow):
        yield from _action_texts(widget.menuBar().actions())


def shown_texts(root: QWidget) -> dict[str, str]:
    """Each text ``root`` and its children show → where (the widget's class and name)."""
    found: dict[str, str] = {}
    for widget in [root, *root.findChildren(QWidget)]:
        where = f"{type(widget).__name__} {widget.objectName()}".strip()
        for text in _widget_texts(widget):
            text = text.strip()
            if text:
                found.setdefault(text, where)
    return found


def english_words(texts: dict[str, str]) -> dict[str, str]:
    """Each stop-list word found (whole word, any case) → the text it is in and where."""
    from tests.language.spelling import readable

    hits: dict[str, str] = {}
    for text, where in texts.items():
        for word in re.findall(r"[^\W\d_]+", readable(text)):
            if word.casefold() in ENGLISH:
                hits.setdefault(word, f"{text[:100]!r} in {where}")
    return hits


__all__ = ["ENGLISH", "english_words", "shown_texts"]

"""The statement table's view: editors by kind, Enter moves down, columns sized by the font.

The values it edits are in :mod:`ui.unit.statement_model`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.core.i18n import gettext as _
from db.enums import IndicatorKind

from ui.unit.statement_model import StatementModel
from ui.unit.statement_rows import Column
from ui.widgets.tables import ModelIndex


class ValueDelegate(QStyledItemDelegate):
    """Editors by kind; every keystroke is checked and the message shown at once."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: ModelIndex,
    ) -> QWidget:
        model = index.model()
        assert isinstance(model, StatementModel)
        row = model.row_at(index.row())
        indicator = row.indicator
        if Column(index.column()) is Column.VALUE and indicator is not None:
            plan = model._plan
            assert plan is not None
            if indicator.kind in (IndicatorKind.YES_NO, IndicatorKind.GRADE):
                combo = QComboBox(parent)
                combo.addItem("")
                if indicator.kind is IndicatorKind.YES_NO:
                    combo.addItems([_("Yes"), _("No")])
                else:
                    combo.addItems([g.label for g in plan.grade_levels])
                combo.setObjectName(f"editor-{indicator.code}")
                # Typed text is read and checked like any cell: "x" is yes, "abc" a message.
                combo.setEditable(True)
                combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                row_number = index.row()
                combo.editTextChanged.connect(lambda text: model.live_check(row_number, text))
                return combo
            editor = QLineEdit(parent)
            editor.setObjectName(f"editor-{indicator.code}")
            editor.setPlaceholderText(model._hint(indicator))
            row_number = index.row()
            editor.textEdited.connect(lambda text: model.live_check(row_number, text))
            return editor
        editor = QLineEdit(parent)
        return editor

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            position = editor.findText(str(text))
            editor.setCurrentIndex(max(0, position))
        elif isinstance(editor, QLineEdit):
            editor.setText(str(text))

    def setModelData(self, editor: QWidget, model: Any, index: ModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class StatementView(QTableView):
    """Enter commits and moves down to the next field that can be edited."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(ValueDelegate(self))
        self.setWordWrap(True)
        self.setAlternatingRowColors(False)
        self.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        # Not SelectedClicked: its delayed editor (a double-click interval after the
        # click) swallowed the first key typed in that time, "30" becoming "0".
        self.setEditTriggers(
            QTableView.EditTrigger.DoubleClicked
            | QTableView.EditTrigger.EditKeyPressed
            | QTableView.EditTrigger.AnyKeyPressed
        )
        self.verticalHeader().setVisible(False)
        self.setTabKeyNavigation(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete or Backspace on a value (not while typing in it) clears it, undoably."""
        index = self.currentIndex()
        clearing = event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        if (
            clearing
            and self.state() != QAbstractItemView.State.EditingState
            and index.isValid()
            and Column(index.column()) in (Column.VALUE, Column.NOTE)
            and self.model().flags(index) & Qt.ItemFlag.ItemIsEditable
        ):
            self.model().setData(index, "", Qt.ItemDataRole.EditRole)
            event.accept()
            return
        super().keyPressEvent(event)

    #: Column widths in average characters of the table's font, so that larger text
    #: (Ctrl++ or 125%) widens them instead of cutting their contents.
    WIDTHS: ClassVar[dict[Column, int]] = {
        Column.CODE: 6,  # "9a.1", "9đ.2" whole at any text size
        Column.UNIT: 10,
        Column.TARGET: 20,
        Column.REGISTERED: 14,
        Column.VALUE: 17,
        Column.PERCENT: 10,
        Column.VERDICT: 10,
        Column.NOTE: 14,
        Column.MESSAGE: 22,
    }
    #: The indicator's name never gets less than this (characters); below it the
    #: table scrolls sideways rather than wrap a name one word per line.
    TITLE_MINIMUM = 30

    def configure(self, registration: bool) -> None:
        for column in (Column.REGISTERED, Column.PERCENT, Column.VERDICT):
            self.setColumnHidden(column, registration)
        self.setColumnHidden(Column.TARGET, not registration)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.size_columns()

    def size_columns(self) -> None:
        """Every column from the font and its header; the indicator's name gets the rest."""
        character = max(1, self.fontMetrics().averageCharWidth())
        for column, characters in self.WIDTHS.items():
            self.setColumnWidth(column, characters * character)
        for column in Column:
            if column is not Column.TITLE:
                self.fit_header(column)
        self.fit_title()

    def fit_title(self) -> None:
        character = max(1, self.fontMetrics().averageCharWidth())
        others = sum(
            self.columnWidth(c)
            for c in Column
            if c is not Column.TITLE and not self.isColumnHidden(c)
        )
        room = self.viewport().width() - others
        width = max(self.TITLE_MINIMUM * character, room)
        if width != self.columnWidth(Column.TITLE):
            self.setColumnWidth(Column.TITLE, width)
            self.resizeRowsToContents()  # names wrap to the new width

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_title()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() is QEvent.Type.FontChange and self.model() is not None:
            self.size_columns()
            self.resizeRowsToContents()

    def fit_header(self, column: Column) -> None:
        """Widen ``column`` to its header's text (headers differ by period and language)."""
        text = str(self.model().headerData(column, Qt.Orientation.Horizontal) or "")
        metrics = self.horizontalHeader().fontMetrics()
        width = max(metrics.horizontalAdvance(line) for line in text.split("\n")) + 16
        self.setColumnWidth(column, max(self.columnWidth(column), width))

    def span_groups(self) -> None:
        """Group headings read across the whole table."""
        self.clearSpans()
        model = self.model()
        assert isinstance(model, StatementModel)
        for row in range(model.rowCount()):
            if model.row_at(row).indicator is None:
                self.setSpan(row, Column.TITLE, 1, len(Column) - Column.TITLE)

    def next_editable(self, row: int, column: int) -> QModelIndex:
        model = self.model()
        for candidate in range(row + 1, model.rowCount()):
            index = model.index(candidate, column)
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                return index
        return QModelIndex()

    def closeEditor(
        self,
        editor: QWidget,
        hint: QAbstractItemDelegate.EndEditHint,
    ) -> None:
        current = self.currentIndex()
        super().closeEditor(editor, hint)
        if hint is QAbstractItemDelegate.EndEditHint.SubmitModelCache and current.isValid():
            following = self.next_editable(current.row(), current.column())
            if following.isValid():
                self.setCurrentIndex(following)
                self.scrollTo(following)


__all__ = ["StatementView", "ValueDelegate"]

"""The statement table: one row per indicator, grouped as the plan groups them.

Used for the registration (commitments) and for each period's results
(registered beside achieved). Values are typed as text in the kind's form —
"25", "15.000.000", "380/420", "Có", a grade — checked on every keystroke
with the core's ``check_value``; a valid value is saved at once through the
``save`` callback and recorded on the undo stack.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QKeyEvent,
    QResizeEvent,
    QUndoCommand,
    QUndoStack,
)
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

from app.core import domain, figures
from app.core.format import format_target
from app.core.i18n import gettext as _
from app.core.values import check_value
from app.statements import ParseError, parse_text
from db.enums import REGISTRATION_STREAM, IndicatorKind

from ui.widgets.tables import applies_to_text, verdict_brush

_Index = QModelIndex | QPersistentModelIndex
ERROR_BRUSH = QBrush(QColor("#fde2e1"))
GREY_BRUSH = QBrush(QColor("#eeeeee"))
COMMENT_BRUSH = QBrush(QColor("#fff3cd"))


class Column(IntEnum):
    CODE = 0
    TITLE = 1
    UNIT = 2
    TARGET = 3
    REGISTERED = 4
    VALUE = 5
    PERCENT = 6
    VERDICT = 7
    NOTE = 8
    MESSAGE = 9

    def header(self, registration: bool, final: bool = True) -> str:
        return {
            Column.CODE: _("Code"),
            Column.TITLE: _("Indicator"),
            Column.UNIT: _("Unit of measure"),
            Column.TARGET: _("Target"),
            Column.REGISTERED: _("Registered"),
            Column.VALUE: _("Commitment") if registration else _("Achieved"),
            Column.PERCENT: _("% of registered") if final else _("% of the year's registered"),
            Column.VERDICT: _("Assessment"),
            Column.NOTE: _("Notes"),
            Column.MESSAGE: _("Check"),
        }[self]


def _two_lines(text: str, longest: int = 14) -> str:
    """A long header on two lines, broken at the space nearest its middle."""
    if len(text) <= longest or " " not in text:
        return text
    middle = len(text) // 2
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return f"{text[:cut]}\n{text[cut + 1 :]}"


# --- text ⇄ value -------------------------------------------------------------------------


def value_text(
    indicator: domain.Indicator, value: domain.UnitValue | None, plan: domain.Plan
) -> str:
    """How a value is typed and edited ("380/420", "15.000.000 đ", "Có")."""
    return figures.value_text(plan, indicator, value, with_percent=False)


# --- rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    indicator: domain.Indicator | None  # None for a group heading
    group_text: str = ""
    group_code: str = ""


def build_rows(plan: domain.Plan) -> list[Row]:
    """Indicators under the plan's numbered items ("2", "9" › "9a"), in plan order."""
    groups = {g.code: g for g in plan.groups}
    rows: list[Row] = []
    shown: set[str] = set()
    for indicator in plan.indicators:
        chain: list[str] = []
        code: str | None = indicator.group_code
        while code is not None and code in groups:
            chain.insert(0, code)
            code = groups[code].parent_code
        for group_code in chain:
            if group_code not in shown:
                shown.add(group_code)
                rows.append(Row(None, groups[group_code].text, group_code))
        rows.append(Row(indicator))
    return rows


class StatementModel(QAbstractTableModel):
    """Rows of one stream; edits go through :meth:`commit` (undoable)."""

    #: (row, English msgid or "") when a typed text is checked.
    message_changed = Signal(int, str)
    #: An indicator's value was saved or shown anew (its code).
    value_changed = Signal(str)

    def __init__(
        self,
        *,
        stream: str,
        save: Callable[[str, domain.UnitValue], None],
        undo_stack: QUndoStack,
        save_many: Callable[[dict[str, domain.UnitValue]], None] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.stream = stream
        self.registration = stream == REGISTRATION_STREAM
        self._save = save
        self._save_many = save_many
        self._undo = undo_stack
        self._rows: list[Row] = []
        self._plan: domain.Plan | None = None
        self._workspace: Any = None
        self._values: dict[str, domain.UnitValue] = {}
        self._registered: dict[str, domain.UnitValue] = {}
        self._pending: dict[str, str] = {}  # code → typed text that is not valid yet
        self._messages: dict[str, str] = {}  # code → English msgid
        self._comments: dict[str, str] = {}

    # --- loading ----------------------------------------------------------------------

    def set_workspace(self, workspace: Any) -> None:
        self.beginResetModel()
        self._workspace = workspace
        self._plan = workspace.plan
        self._rows = build_rows(workspace.plan)
        self._values = dict(workspace.values.get(self.stream, {}))
        self._registered = dict(workspace.values.get(REGISTRATION_STREAM, {}))
        state = workspace.states.get(self.stream)
        self._comments = dict(state.comments) if state and state.status == "returned" else {}
        # What was typed but is not valid yet stays on screen, with its message, across
        # a reload (a plan package imported meanwhile): it was lost without a word.
        codes = {row.indicator.code for row in self._rows if row.indicator is not None}
        self._pending = {c: t for c, t in self._pending.items() if c in codes}
        self._messages = {c: m for c, m in self._messages.items() if c in self._pending}
        self.endResetModel()

    def show_registered(self, code: str, value: domain.UnitValue | None) -> None:
        """The registration's value of ``code`` changed on its tab: show it here too
        (the registered column and the progress against it)."""
        if value is None or (value.is_empty() and not value.note):
            self._registered.pop(code, None)
        else:
            self._registered[code] = value
        if any(r.indicator is not None and r.indicator.code == code for r in self._rows):
            self._emit_row(self.row_of(code))

    def row_of(self, code: str) -> int:
        for index, row in enumerate(self._rows):
            if row.indicator is not None and row.indicator.code == code:
                return index
        raise KeyError(code)

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def value_of(self, code: str) -> domain.UnitValue | None:
        return self._values.get(code)

    def message_of(self, code: str) -> str:
        return self._messages.get(code, "")

    def applies(self, row: Row) -> bool:
        return row.indicator is not None and self._workspace.applies(row.indicator)

    # --- Qt model -----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            final = self._plan is None or self.stream == self._plan.final_period
            return _two_lines(Column(section).header(self.registration, final))
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row = self._rows[index.row()]
        if row.indicator is None:
            return Qt.ItemFlag.ItemIsEnabled
        if not self.applies(row):
            return Qt.ItemFlag.ItemIsSelectable  # greyed: does not apply to this unit
        if Column(index.column()) in (Column.VALUE, Column.NOTE):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._plan is None:
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if row.indicator is None:
            return self._group_data(row, column, role)
        indicator = row.indicator
        code = indicator.code
        applies = self.applies(row)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._display(indicator, column, role == Qt.ItemDataRole.EditRole, applies)
        if role == Qt.ItemDataRole.BackgroundRole:
            if not applies:
                return GREY_BRUSH
            if column in (Column.VALUE, Column.MESSAGE) and self._messages.get(code):
                return ERROR_BRUSH
            if code in self._comments and column in (Column.VALUE, Column.MESSAGE):
                return COMMENT_BRUSH
            if column is Column.VERDICT and not self.registration:
                return verdict_brush(self.result(indicator).verdict)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if not applies:
                return _("Does not apply to this unit. Applies to: {who}").format(
                    who=applies_to_text(indicator)
                )
            if column is Column.VALUE:
                return self._hint(indicator)
            if column is Column.PERCENT and not self.registration:
                reading = self.result(indicator)
                if not figures.commitment_progress_text(indicator, reading):
                    return ""  # yes/no and grades have no percentage
                return figures.attainment_text(reading.progress, reading.against)
            return indicator.title
        if role == Qt.ItemDataRole.ForegroundRole and column is Column.MESSAGE:
            return QBrush(QColor("#b00020")) if self._messages.get(code) else None
        return None

    def _group_data(self, row: Row, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column is Column.CODE:
                return row.group_code
            if column is Column.TITLE:
                return row.group_text
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor("#e8eef7"))
        return None

    def _hint(self, indicator: domain.Indicator) -> str:
        return {
            IndicatorKind.COUNT: _("A whole number, e.g. 25"),
            IndicatorKind.MONEY: _("An amount in đồng, e.g. 15.000.000"),
            IndicatorKind.RATIO: _("Number achieved / total, e.g. 170 / 200"),
            IndicatorKind.YES_NO: _("Yes or No"),
            IndicatorKind.GRADE: _("A grade of the year's scale"),
            IndicatorKind.TEXT: _("Text"),
        }[indicator.kind]

    def _display(
        self, indicator: domain.Indicator, column: Column, editing: bool, applies: bool
    ) -> Any:
        assert self._plan is not None
        code = indicator.code
        value = self._values.get(code)
        if column is Column.CODE:
            return code
        if column is Column.TITLE:
            return indicator.title
        if column is Column.UNIT:
            return figures.measure_text(indicator)
        if column is Column.TARGET:
            given = self._workspace.unit_targets(indicator)
            targets = given or tuple(t for t in indicator.targets if t.unit_id is None)
            return "; ".join(format_target(indicator, t) for t in targets)
        if column is Column.REGISTERED:
            return value_text(indicator, self._registered.get(code), self._plan)
        if column is Column.VALUE:
            if code in self._pending:
                return self._pending[code]
            if editing:
                return value_text(indicator, value, self._plan)
            return figures.value_text(self._plan, indicator, value)
        if column is Column.PERCENT:
            if self.registration:
                return ""
            return figures.commitment_progress_text(indicator, self.result(indicator))
        if column is Column.VERDICT:
            if self.registration:
                return ""
            verdict = self.result(indicator).verdict
            return figures.verdict_text(verdict) if figures.is_verdict(verdict) else ""
        if column is Column.NOTE:
            return value.note if value else ""
        if not applies:
            return _("Does not apply")
        message = self._messages.get(code)
        if message:
            return _(message)
        if code in self._comments:
            return _("Federation: {comment}").format(comment=self._comments[code])
        return ""

    def result(self, indicator: domain.Indicator) -> figures.Commitment:
        """This stream's value against the registered one, as :mod:`app.core.figures` reads it."""
        assert self._plan is not None
        unit = self._workspace.unit
        return figures.read_unit_result(
            self._plan,
            indicator,
            self._registered.get(indicator.code),
            self._values.get(indicator.code),
            stream=self.stream,
            unit_id=unit.id,
            kind=unit.kind,
            sector=unit.sector,
        )

    # --- editing --------------------------------------------------------------------------

    def check_text(self, row: int, text: str) -> str:
        """The English msgid of what is wrong with ``text`` typed in ``row`` ("" if fine)."""
        indicator = self._rows[row].indicator
        if indicator is None or self._plan is None:
            return ""
        try:
            value = parse_text(indicator, text, self._plan)
        except ParseError as error:
            return error.message
        problems = check_value(indicator, value, tuple(g.code for g in self._plan.grade_levels))
        return problems[0].message if problems else ""

    def live_check(self, row: int, text: str) -> None:
        """Called on every keystroke: show the message beside the field, block nothing."""
        indicator = self._rows[row].indicator
        if indicator is None:
            return
        message = self.check_text(row, text)
        if message:
            self._messages[indicator.code] = message
        else:
            self._messages.pop(indicator.code, None)
        # Only the message cell: refreshing the value cell would reset the open editor.
        cell = self.index(row, Column.MESSAGE)
        self.dataChanged.emit(cell, cell)
        self.message_changed.emit(row, message)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or self._plan is None:
            return False
        row = self._rows[index.row()]
        indicator = row.indicator
        if indicator is None or not self.applies(row):
            return False
        column = Column(index.column())
        current = self._values.get(indicator.code, domain.UnitValue())
        text = str(value)
        if column is Column.NOTE:
            new = dataclasses.replace(current, note=text.strip())
        else:
            message = self.check_text(index.row(), text)
            if message:
                self._pending[indicator.code] = text
                self._messages[indicator.code] = message
                self._emit_row(index.row())
                self.message_changed.emit(index.row(), message)
                return False
            new = parse_text(indicator, text, self._plan, note=current.note)
        self._pending.pop(indicator.code, None)
        self._messages.pop(indicator.code, None)
        if new == current:
            self._emit_row(index.row())
            return True
        self._undo.push(_SetValue(self, indicator.code, current, new))
        return True

    def apply(self, code: str, value: domain.UnitValue) -> None:
        """Save ``value`` through the core and show it (used by undo and redo too)."""
        self._save(code, value)
        if value.is_empty() and not value.note:
            self._values.pop(code, None)
        else:
            self._values[code] = value
        self._pending.pop(code, None)
        self._messages.pop(code, None)
        row = self.row_of(code)
        self._emit_row(row)
        self.message_changed.emit(row, "")
        self.value_changed.emit(code)

    def show_values(self, values: dict[str, domain.UnitValue]) -> None:
        """Show values already saved (an import), without saving them again."""
        for code, value in values.items():
            if value.is_empty() and not value.note:
                self._values.pop(code, None)
            else:
                self._values[code] = value
            self._pending.pop(code, None)
            self._messages.pop(code, None)
            self._emit_row(self.row_of(code))
            self.value_changed.emit(code)

    def apply_many(self, values: dict[str, domain.UnitValue]) -> None:
        """Save several values in one transaction and show them (undo/redo of an import)."""
        if self._save_many is not None:
            self._save_many(values)
        else:
            for code, value in values.items():
                self._save(code, value)
        self.show_values(values)

    def record_import(
        self, changes: dict[str, tuple[domain.UnitValue | None, domain.UnitValue]], label: str
    ) -> None:
        """Put an import that is already saved on the undo stack, as one step."""
        self._undo.push(_Imported(self, changes, label))

    def _emit_row(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1)
            )


class _SetValue(QUndoCommand):
    def __init__(
        self, model: StatementModel, code: str, old: domain.UnitValue, new: domain.UnitValue
    ) -> None:
        super().__init__(_("change {code}").format(code=code))
        self._model = model
        self._code = code
        self._old = old
        self._new = new

    def redo(self) -> None:
        self._model.apply(self._code, self._new)

    def undo(self) -> None:
        self._model.apply(self._code, self._old)


class _Imported(QUndoCommand):
    """Values imported at once (already saved when pushed): undone and redone together."""

    def __init__(
        self,
        model: StatementModel,
        changes: dict[str, tuple[domain.UnitValue | None, domain.UnitValue]],
        label: str,
    ) -> None:
        super().__init__(label)
        self._model = model
        self._old = {code: old or domain.UnitValue() for code, (old, _new) in changes.items()}
        self._new = {code: new for code, (_old, new) in changes.items()}
        self._saved = True

    def redo(self) -> None:
        if self._saved:  # pushed after the import was written: only show it
            self._saved = False
            self._model.show_values(self._new)
            return
        self._model.apply_many(self._new)

    def undo(self) -> None:
        self._model.apply_many(self._old)


# --- view and editors -------------------------------------------------------------------------


class ValueDelegate(QStyledItemDelegate):
    """Editors by kind; every keystroke is checked and the message shown at once."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: _Index,
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

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            position = editor.findText(str(text))
            editor.setCurrentIndex(max(0, position))
        elif isinstance(editor, QLineEdit):
            editor.setText(str(text))

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
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

"""The statement table's model: one row per indicator, grouped as the plan groups them.

Used for the registration (commitments) and for each period's results
(registered beside achieved). Values are typed as text in the kind's form —
"25", "15.000.000", "380/420", "Có", a grade — checked on every keystroke
with the core's ``check_value``; a valid value is saved at once through the
``save`` callback and recorded on the undo stack.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QUndoCommand,
    QUndoStack,
)

from app.core import domain, figures
from app.core.format import format_target
from app.core.i18n import gettext as _
from app.core.values import check_value
from app.statements import ParseError, parse_text
from db.enums import REGISTRATION_STREAM, IndicatorKind

from ui.unit.statement_rows import Column, Row, build_rows, two_lines, value_text
from ui.widgets.tables import ModelIndex, RowTableModel, applies_to_text, verdict_brush

ERROR_BRUSH = QBrush(QColor("#fde2e1"))
GREY_BRUSH = QBrush(QColor("#eeeeee"))
COMMENT_BRUSH = QBrush(QColor("#fff3cd"))


class StatementModel(RowTableModel[Row]):
    """Rows of one stream; edits go through :meth:`commit` (undoable)."""

    columns = Column

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

    def value_of(self, code: str) -> domain.UnitValue | None:
        return self._values.get(code)

    def message_of(self, code: str) -> str:
        return self._messages.get(code, "")

    def applies(self, row: Row) -> bool:
        return row.indicator is not None and self._workspace.applies(row.indicator)

    # --- Qt model -----------------------------------------------------------------------

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            final = self._plan is None or self.stream == self._plan.final_period
            return two_lines(Column(section).header(self.registration, final))
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row = self._rows[index.row()]
        if row.indicator is None:
            return Qt.ItemFlag.ItemIsEnabled
        if not self.applies(row):
            return Qt.ItemFlag.ItemIsSelectable  # greyed: does not apply to this unit
        if Column(index.column()) in (Column.VALUE, Column.NOTE):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
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

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
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
        row = self._show(code, value)
        self.message_changed.emit(row, "")
        self.value_changed.emit(code)

    def show_values(self, values: dict[str, domain.UnitValue]) -> None:
        """Show values already saved (an import), without saving them again."""
        for code, value in values.items():
            self._show(code, value)
            self.value_changed.emit(code)

    def _show(self, code: str, value: domain.UnitValue) -> int:
        """Hold ``value`` as the saved one (what was typed over it is gone); its row."""
        if value.is_empty() and not value.note:
            self._values.pop(code, None)
        else:
            self._values[code] = value
        self._pending.pop(code, None)
        self._messages.pop(code, None)
        row = self.row_of(code)
        self._emit_row(row)
        return row

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


__all__ = ["StatementModel"]

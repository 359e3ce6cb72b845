"""Movements joined, titles and commendations, works, a period's narrative, signer
and date.

Every change is saved at once through ``save`` (one small transaction) and
recorded on the tab's undo stack. A title is picked from the commendations the
plan lists (with who issues each) or typed freely; the date stays "not dated
yet" until the chair sets it, so a form never prints today's date by itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Slot
from PySide6.QtGui import QFocusEvent, QKeyEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.i18n import gettext as _
from app.unit import StatementDetails
from db.enums import Sector


class _DetailsChange(QUndoCommand):
    def __init__(self, panel: DetailsPanel, old: StatementDetails, new: StatementDetails) -> None:
        super().__init__(_("change the statement's details"))
        self._panel = panel
        self._old = old
        self._new = new

    def redo(self) -> None:
        self._panel.apply(self._new)

    def undo(self) -> None:
        self._panel.apply(self._old)


class _RowsTable(QTableWidget):
    """A small editable list of rows with Add / Remove buttons beside it."""

    def __init__(self, columns: int, parent: QWidget | None = None) -> None:
        super().__init__(0, columns, parent)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setMinimumHeight(90)
        # A long title wraps and keeps its end ("…" in the middle hid the issuer).
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)

    def rows(self) -> list[tuple[str, ...]]:
        result = []
        for row in range(self.rowCount()):
            cells = tuple(self._text(row, c) for c in range(self.columnCount()))
            if any(cells):
                result.append(cells)
        return result

    def _text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text().strip() if item is not None else ""

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        self.blockSignals(True)
        self.setRowCount(0)
        for values in rows:
            row = self.rowCount()
            self.insertRow(row)
            for column, text in enumerate(values):
                self.setItem(row, column, QTableWidgetItem(text))
        self.blockSignals(False)


#: The date edit's lowest date stands for "not dated yet" (shown as a text, stored as None).
NOT_DATED = QDate(2000, 1, 1)


class SigningDateEdit(QDateEdit):
    """The signing date: "not dated" until the chair types or picks one.

    Typing a digit over "chưa ghi ngày" starts a date in the plan's year (before,
    the digits were appended to that text and thrown away), and the calendar
    opens on the plan's year rather than on January 2000.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = QDate.currentDate().year()
        self._fresh = True
        self.setCalendarPopup(True)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setMinimumDate(NOT_DATED)
        self.setDate(NOT_DATED)
        self.calendarWidget().window().installEventFilter(self)  # the popup that holds it
        self.lineEdit().installEventFilter(self)  # a click in the text

    def keyPressEvent(self, event: QKeyEvent) -> None:
        line = self.lineEdit()
        if event.text().isdigit() and (
            self.date() == NOT_DATED
            or self._fresh
            or line.selectedText() == line.text()  # Ctrl+A, or focus by Tab
        ):
            # A date is typed whole, from its day: "20022017" over "15/01/2017" was
            # ignored when the cursor sat elsewhere (the chair saw nothing happen).
            if self.date() == NOT_DATED:
                self.setDate(QDate(self.year, 1, 1))
            self.setCurrentSection(QDateEdit.Section.DaySection)
            line.setSelection(0, 2)  # the digit replaces the day
        self._fresh = False
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._fresh = True  # the first digit after coming here starts a new date

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.lineEdit() and event.type() is QEvent.Type.MouseButtonPress:
            self._fresh = True
        if (
            watched is self.calendarWidget().window()
            and event.type() is QEvent.Type.Show
            and self.date() == NOT_DATED
        ):
            today = QDate.currentDate()
            month = today.month() if today.year() == self.year else 1
            self.calendarWidget().setCurrentPage(self.year, month)
        return super().eventFilter(watched, event)


class _TitleDelegate(QStyledItemDelegate):
    """The title column: an editable list of the plan's commendations (free text too)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices: list[str] = []

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:
        combo = QComboBox(parent)
        combo.setEditable(True)
        combo.addItems(["", *self.choices])
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        return combo

    def setEditorData(self, editor: QWidget, index: Any) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data() or ""))

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText().strip())


class DetailsPanel(QWidget):
    """The non-indicator parts of a statement."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "unit-details"

    def __init__(
        self,
        *,
        registration: bool,
        save: Callable[[StatementDetails], None],
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._registration = registration
        self._save = save
        self._undo = undo_stack
        self._current = StatementDetails()
        self._loading = False

        self._movements_box = QGroupBox()
        self.movements = QListWidget()
        # Long movement names wrap within the panel instead of running off its edge.
        self.movements.setWordWrap(True)
        self.movements.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.movements.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QVBoxLayout(self._movements_box).addWidget(self.movements)

        self._titles_box = QGroupBox()
        self.collective = _RowsTable(1)
        self.individuals = _RowsTable(3)
        self.collective_titles = _TitleDelegate(self.collective)
        self.individual_titles = _TitleDelegate(self.individuals)
        self.collective.setItemDelegateForColumn(0, self.collective_titles)
        self.individuals.setItemDelegateForColumn(2, self.individual_titles)
        self._add_collective = QPushButton()
        self._add_individual = QPushButton()
        self._remove_title = QPushButton()
        titles_layout = QVBoxLayout(self._titles_box)
        titles_layout.addWidget(self.collective)
        titles_layout.addWidget(self.individuals)
        # Two buttons a row: three side by side made the panel wider than a small screen allows.
        buttons = QGridLayout()
        buttons.addWidget(self._add_collective, 0, 0)
        buttons.addWidget(self._add_individual, 0, 1)
        buttons.addWidget(self._remove_title, 1, 0, 1, 2)
        titles_layout.addLayout(buttons)

        self._works_box = QGroupBox()
        self.works = _RowsTable(2)
        self._add_work = QPushButton()
        self._remove_work = QPushButton()
        works_layout = QVBoxLayout(self._works_box)
        works_layout.addWidget(self.works)
        work_buttons = QHBoxLayout()
        work_buttons.addWidget(self._add_work)
        work_buttons.addWidget(self._remove_work)
        works_layout.addLayout(work_buttons)

        self._sign_box = QGroupBox()
        self.signer_name = QLineEdit()
        self.signer_title = QLineEdit()
        self.place = QLineEdit()
        self.signed_on = SigningDateEdit()
        self.signed_on.setObjectName("signed-on")
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(80)
        self._form = QFormLayout(self._sign_box)
        # A narrow panel (125% text, a small screen) puts labels above their fields
        # rather than cut the fields off.
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._labels = [QLabel() for _ in range(5)]
        fields = (self.signer_name, self.signer_title, self.place, self.signed_on, self.notes)
        for label, field in zip(self._labels, fields, strict=True):
            label.setBuddy(field)
            self._form.addRow(label, field)

        self._narrative_box = QGroupBox()
        self.assessment = QPlainTextEdit()
        self.shortcomings = QPlainTextEdit()
        self.direction = QPlainTextEdit()
        self._narrative_form = QFormLayout(self._narrative_box)
        self._narrative_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self._narrative_labels = [QLabel() for _ in range(3)]
        for label, field, name in zip(
            self._narrative_labels,
            (self.assessment, self.shortcomings, self.direction),
            ("narrative-assessment", "narrative-shortcomings", "narrative-direction"),
            strict=True,
        ):
            field.setObjectName(name)
            field.setMinimumHeight(60)
            field.setTabChangesFocus(True)
            label.setBuddy(field)
            self._narrative_form.addRow(label, field)
            field.textChanged.connect(self._notes_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(self._sign_box)
        if registration:
            layout.addWidget(self._movements_box)
            layout.addWidget(self._titles_box)
        else:
            layout.addWidget(self._narrative_box)
        layout.addWidget(self._works_box)
        layout.addStretch(1)

        self.movements.itemChanged.connect(self._changed)
        for table in (self.collective, self.individuals, self.works):
            table.itemChanged.connect(self._changed)
        for line in (self.signer_name, self.signer_title, self.place):
            line.editingFinished.connect(self._changed)
        self.signed_on.dateChanged.connect(self._changed)
        self.notes.textChanged.connect(self._notes_changed)
        for text_field in (self.notes, self.assessment, self.shortcomings, self.direction):
            text_field.installEventFilter(self)
        self._add_collective.clicked.connect(lambda: self._append(self.collective))
        self._add_individual.clicked.connect(lambda: self._append(self.individuals))
        self._add_work.clicked.connect(lambda: self._append(self.works))
        self._remove_title.clicked.connect(self._remove_selected_title)
        self._remove_work.clicked.connect(lambda: self._remove_selected(self.works))
        self.translateUI()

    def translateUI(self) -> None:
        self._movements_box.setTitle(_("Movements the unit joins"))
        self._titles_box.setTitle(_("Titles and commendations registered"))
        self._works_box.setTitle(_("Works and products dedicated to the occasions"))
        self._sign_box.setTitle(_("Signature"))
        self.collective.setHorizontalHeaderLabels([_("Collective title or commendation")])
        self.individuals.setHorizontalHeaderLabels([_("Full name"), _("Position"), _("Title")])
        self.works.setHorizontalHeaderLabels([_("Work or product"), _("Dedicated to")])
        self._add_collective.setText(_("Add a collective title"))
        self._add_individual.setText(_("Add a person"))
        self._remove_title.setText(_("Remove the selected row"))
        self._add_work.setText(_("Add a work"))
        self._remove_work.setText(_("Remove the selected work"))
        texts = [_("Signed by (chair):"), _("Position:"), _("Place:"), _("Date:"), _("Notes:")]
        for label, text in zip(self._labels, texts, strict=True):
            label.setText(text)
        self.signed_on.setSpecialValueText(_("not dated yet"))
        self._narrative_box.setTitle(_("The report in words"))
        narrative = [_("Overall assessment:"), _("Shortcomings:"), _("Direction ahead:")]
        for label, text in zip(self._narrative_labels, narrative, strict=True):
            label.setText(text)

    # --- loading and saving --------------------------------------------------------------

    def load(
        self, plan: domain.Plan, details: StatementDetails, sector: Sector | None = None
    ) -> None:
        """Show ``details``; only the movements offered to a unit of ``sector`` are listed."""
        self._loading = True
        self.signed_on.year = plan.year  # typing or the calendar starts in the plan's year
        self.collective_titles.choices = [a.label for a in plan.awards if a.collective]
        self.individual_titles.choices = [a.label for a in plan.awards if a.individual]
        self.movements.clear()
        for movement in plan.movements:
            if not movement.offered_to(sector) and movement.code not in details.movements:
                continue
            item = QListWidgetItem(movement.name)
            item.setToolTip(movement.name)
            item.setData(Qt.ItemDataRole.UserRole, movement.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.movements.addItem(item)
        self._current = details
        self._show(details)
        self._loading = False

    def _show(self, details: StatementDetails) -> None:
        self._loading = True
        for row in range(self.movements.count()):
            item = self.movements.item(row)
            code = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(
                Qt.CheckState.Checked if code in details.movements else Qt.CheckState.Unchecked
            )
        self.collective.set_rows([(t,) for c, _p, _pos, t in details.titles if c])
        self.individuals.set_rows([(p, pos, t) for c, p, pos, t in details.titles if not c])
        self.works.set_rows([(n, o) for n, o in details.works])
        self.signer_name.setText(details.signer_name)
        self.signer_title.setText(details.signer_title or "Chủ tịch")
        self.place.setText(details.place)
        day = details.signed_on
        self.signed_on.setDate(QDate(day.year, day.month, day.day) if day else NOT_DATED)
        if self.notes.toPlainText() != details.notes:
            self.notes.setPlainText(details.notes)
        narrative = details.narrative
        for field, text in (
            (self.assessment, narrative.assessment),
            (self.shortcomings, narrative.shortcomings),
            (self.direction, narrative.direction),
        ):
            if field.toPlainText() != text:
                field.setPlainText(text)
        self._loading = False

    def gathered(self) -> StatementDetails:
        movements = tuple(
            self.movements.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(self.movements.count())
            if self.movements.item(r).checkState() == Qt.CheckState.Checked
        )
        titles = tuple((True, "", "", row[0]) for row in self.collective.rows()) + tuple(
            (False, row[0], row[1], row[2]) for row in self.individuals.rows()
        )
        works = tuple((row[0], row[1]) for row in self.works.rows())
        date = self.signed_on.date()
        return StatementDetails(
            signer_name=self.signer_name.text().strip(),
            signer_title=self.signer_title.text().strip(),
            signed_on=(
                None if date == NOT_DATED else dt.date(date.year(), date.month(), date.day())
            ),
            place=self.place.text().strip(),
            notes=self.notes.toPlainText(),
            movements=movements,
            titles=titles,
            works=works,
            revision=self._current.revision,
            narrative=domain.Narrative(
                self.assessment.toPlainText(),
                self.shortcomings.toPlainText(),
                self.direction.toPlainText(),
            ),
        )

    @Slot()
    def _changed(self) -> None:
        if self._loading:
            return
        new = self.gathered()
        if new != self._current:
            self._undo.push(_DetailsChange(self, self._current, new))

    @Slot()
    def _notes_changed(self) -> None:
        """Long texts are saved when the field is left (or before export), not per key."""
        typing = any(
            f.hasFocus() for f in (self.notes, self.assessment, self.shortcomings, self.direction)
        )
        if not self._loading and not typing:
            self._changed()

    def focusOutEvent(self, event: object) -> None:
        self._changed()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Leaving a long text field saves it (typing saves nothing per key)."""
        if event.type() == QEvent.Type.FocusOut:
            self._changed()
        return False

    def apply(self, details: StatementDetails) -> None:
        """Save and show ``details`` (used by undo and redo too)."""
        self._save(details)
        self._current = details
        if details != self.gathered():
            self._show(details)

    def flush(self) -> None:
        """Save what is typed in the notes before leaving or exporting."""
        self._changed()

    def _append(self, table: _RowsTable) -> None:
        table.blockSignals(True)
        row = table.rowCount()
        table.insertRow(row)
        for column in range(table.columnCount()):
            table.setItem(row, column, QTableWidgetItem(""))
        table.blockSignals(False)
        table.setCurrentCell(row, 0)
        item = table.item(row, 0)
        if item is not None:
            table.scrollToItem(item)  # the new row's editor is in view, not below it
            table.editItem(item)

    def _remove_selected(self, table: _RowsTable) -> None:
        rows = sorted({index.row() for index in table.selectedIndexes()}, reverse=True)
        for row in rows:
            table.removeRow(row)
        self._changed()

    def _remove_selected_title(self) -> None:
        target = self.individuals if self.individuals.selectedIndexes() else self.collective
        self._remove_selected(target)

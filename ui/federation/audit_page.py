"""The audit log: imports, decisions, key events and roster/plan changes, filtered."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QDate,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.audit import ActionGroup, AuditRow, action_label
from app.core.context import AppContext
from app.core.i18n import gettext as _

from ui.federation.common import local_time
from ui.widgets.pages import Page
from ui.widgets.tables import ModelIndex, RowTableModel
from ui.widgets.tasks import CancelToken, Runner


def group_label(group: ActionGroup | None) -> str:
    if group is None:
        return _("Everything")
    return {
        ActionGroup.IMPORTS: _("Imports and receipts"),
        ActionGroup.DECISIONS: _("Decisions on conflicts and returns"),
        ActionGroup.KEYS: _("Key events"),
        ActionGroup.ROSTER_AND_PLANS: _("Roster and plans"),
        ActionGroup.OTHER: _("Other"),
    }[group]


class AuditColumn(IntEnum):
    AT = 0
    ACTOR = 1
    ACTION = 2
    SUBJECT = 3
    DETAIL = 4

    def header(self) -> str:
        return {
            AuditColumn.AT: _("When"),
            AuditColumn.ACTOR: _("Who"),
            AuditColumn.ACTION: _("What"),
            AuditColumn.SUBJECT: _("Subject"),
            AuditColumn.DETAIL: _("Detail"),
        }[self]


class AuditModel(RowTableModel[AuditRow]):
    columns = AuditColumn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self._rows[index.row()]
        column = AuditColumn(index.column())
        if column is AuditColumn.AT:
            return local_time(row.at)
        if column is AuditColumn.ACTOR:
            return row.actor
        if column is AuditColumn.ACTION:
            return action_label(row.action)
        if column is AuditColumn.SUBJECT:
            return row.subject_text()
        return row.detail_text()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(AuditColumn) - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, AuditColumn.ACTION),
                self.index(len(self._rows) - 1, AuditColumn.ACTION),
            )


class AuditPage(Page):
    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-audit"
    loaded = Signal(object)  # list of AuditRow

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.model = AuditModel(self)
        self.view = QTableView()
        self.view.setObjectName("audit-table")
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.horizontalHeader().setStretchLastSection(True)
        for column, width in (
            (AuditColumn.AT, 130),
            (AuditColumn.ACTOR, 100),
            (AuditColumn.ACTION, 230),
            (AuditColumn.SUBJECT, 260),
        ):
            self.view.setColumnWidth(column, width)
        self.group_combo = QComboBox()
        self.group_combo.setObjectName("audit-group")
        self.group_combo.currentIndexChanged.connect(self._schedule)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._schedule)
        self.use_since = QCheckBox()
        self.since = QDateEdit()
        self.until = QDateEdit()
        self.use_until = QCheckBox()
        today = QDate.currentDate()
        for edit, day in ((self.since, today.addMonths(-1)), (self.until, today)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setDate(day)
            edit.dateChanged.connect(self._schedule)
        for box in (self.use_since, self.use_until):
            box.toggled.connect(self._schedule)
        self.count = QLabel()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.reload)

        top = QHBoxLayout()
        top.addWidget(self.group_combo)
        top.addWidget(self.search, 1)
        top.addWidget(self.use_since)
        top.addWidget(self.since)
        top.addWidget(self.use_until)
        top.addWidget(self.until)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        self.translateUI()

    def translateUI(self) -> None:
        current = self.group_combo.currentData()
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        self.group_combo.addItem(group_label(None), None)
        for group in ActionGroup:
            self.group_combo.addItem(group_label(group), group.value)
        self.group_combo.setCurrentIndex(max(0, self.group_combo.findData(current)))
        self.group_combo.blockSignals(False)
        self.search.setPlaceholderText(_("Search subject, person or detail…"))
        self.use_since.setText(_("From"))
        self.use_until.setText(_("to"))
        self.model.retranslate()

    def set_group(self, group: ActionGroup | None) -> None:
        self.group_combo.setCurrentIndex(
            self.group_combo.findData(group.value if group is not None else None)
        )

    @Slot()
    def _schedule(self) -> None:
        self._timer.start()

    @Slot()
    def reload(self) -> None:
        from app.audit import read_audit

        self._timer.stop()
        ctx = self._ctx
        group = self.group_combo.currentData()
        groups = {ActionGroup(group)} if group else None
        text = self.search.text()
        since = self._day(self.since) if self.use_since.isChecked() else None
        until = self._day(self.until) if self.use_until.isChecked() else None

        def job(_progress: Any, _token: CancelToken) -> list[AuditRow]:
            return read_audit(ctx, groups=groups, text=text, since=since, until=until)

        self._runner.run(job, self._loaded, self._failed, reads=True)

    @staticmethod
    def _day(edit: QDateEdit) -> dt.date:
        value = edit.date()
        return dt.date(value.year(), value.month(), value.day())

    @Slot(object)
    def _loaded(self, rows: list[AuditRow]) -> None:
        self.model.set_rows(rows)
        self.count.setText(_("{count} entries.").format(count=len(rows)))
        self.loaded.emit(rows)

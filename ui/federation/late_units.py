"""Who is late, and by how long: the dashboard's line of reporting and on-time
rates per report, and the dialog listing the units late or not sent of each
report that has a deadline (sortable, their extension shown).

Both are drawn from what the dashboard's own refresh read
(:attr:`app.rollup.Dashboard.timeliness`); nothing here reads the database. The
refresh names the first units of each report only: the dialog counts every one,
says how many are not listed, and asks for the whole list (``all_requested``;
:func:`ui.federation.dashboard_dialogs.open_late` reads it on the worker).
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.days import short_date
from app.core.format import format_number
from app.core.i18n import gettext as _

from ui.federation.common import BAD, WARN, fit_columns_to_text, rows_refiltered, stream_label
from ui.widgets.dialogs import translate_buttons
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tables import ModelIndex, RowTableModel

if TYPE_CHECKING:
    from app.rollup import LateUnit, StreamTimeliness

#: The role the sortable tables sort by: dates and days as values, not as text.
SORT_ROLE = Qt.ItemDataRole.UserRole


def rates_text(item: StreamTimeliness, plan: domain.Plan | None) -> str:
    """``Đăng ký thi đua, hạn 15/07/2017: Đã nộp 11/12 (91,7%) · Đúng hạn 9/12 (75,0%)``."""
    stream = stream_label(item.stream, plan)
    sent = _("sent {received}/{expected} ({share})").format(
        received=format_number(item.received),
        expected=format_number(item.expected),
        share=item.reporting_text,
    )
    if item.due_on is None:
        return _("{stream}: {sent} · no deadline").format(stream=stream, sent=sent)
    on_time = _("on time {on_time}/{expected} ({share})").format(
        on_time=format_number(item.on_time),
        expected=format_number(item.expected),
        share=item.on_time_text,
    )
    return _("{stream}, due {date}: {sent} · {on_time}").format(
        stream=stream, date=short_date(item.due_on), sent=sent, on_time=on_time
    )


def behind(streams: tuple[StreamTimeliness, ...]) -> list[LateUnit]:
    """The units late or not sent with the reports that have a deadline."""
    return [unit for item in streams if item.due_on is not None for unit in item.units]


def behind_count(streams: tuple[StreamTimeliness, ...]) -> int:
    """How many units are late or not sent with the reports that have a deadline, all
    of them (:func:`behind` lists the first of each report only)."""
    return sum(item.late + item.missing for item in streams if item.due_on is not None)


def status_text(unit: LateUnit, as_of: dt.date) -> str:
    if unit.arrived_on is not None:
        return _("Late")
    if unit.due_on is not None and as_of <= unit.due_on:
        return _("Not sent, not due yet")
    return _("Not sent")


class LateColumn(IntEnum):
    STREAM = 0
    CODE = 1
    UNIT = 2
    CLUSTER = 3
    DUE = 4
    EXTENSION = 5
    ARRIVED = 6
    DAYS = 7
    STATUS = 8
    PHONE = 9

    def header(self) -> str:
        return {
            LateColumn.STREAM: _("Report"),
            LateColumn.CODE: _("Code"),
            LateColumn.UNIT: _("Unit"),
            LateColumn.CLUSTER: _("Cluster"),
            LateColumn.DUE: _("Last day"),
            LateColumn.EXTENSION: _("Extension"),
            LateColumn.ARRIVED: _("Received on"),
            LateColumn.DAYS: _("Days late"),
            LateColumn.STATUS: _("Status"),
            LateColumn.PHONE: _("Phone"),
        }[self]


#: The columns as wide as their text (a cluster's name wrapped and was cut).
FITTED = (
    LateColumn.STREAM,
    LateColumn.CODE,
    LateColumn.CLUSTER,
    LateColumn.DUE,
    LateColumn.EXTENSION,
    LateColumn.ARRIVED,
    LateColumn.DAYS,
)


class LateUnitsModel(RowTableModel["LateUnit"]):
    """One row per unit late with, or not having sent, a report with a deadline."""

    columns = LateColumn

    def __init__(self, plan: domain.Plan | None, as_of: dt.date, parent: Any = None) -> None:
        super().__init__(parent)
        self._plan = plan
        self._as_of = as_of

    def text(self, row: int, column: LateColumn) -> str:
        item = self._rows[row]
        return {
            LateColumn.STREAM: stream_label(item.stream, self._plan),
            LateColumn.CODE: item.unit.code,
            LateColumn.UNIT: item.unit.name,
            LateColumn.CLUSTER: item.unit.cluster,
            LateColumn.DUE: short_date(item.due_on) if item.due_on else "",
            LateColumn.EXTENSION: _("Extended") if item.extended else "",
            LateColumn.ARRIVED: short_date(item.arrived_on) if item.arrived_on else "",
            LateColumn.DAYS: format_number(item.days_late),
            LateColumn.STATUS: status_text(item, self._as_of),
            LateColumn.PHONE: item.unit.phone,
        }[column]

    def sort_key(self, row: int, column: LateColumn) -> Any:
        item = self._rows[row]
        if column is LateColumn.DAYS:
            return item.days_late
        if column in (LateColumn.DUE, LateColumn.ARRIVED):
            day = item.due_on if column is LateColumn.DUE else item.arrived_on
            return day.isoformat() if day else ""
        return self.text(row, column)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = LateColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), column)
        if role == SORT_ROLE:
            return self.sort_key(index.row(), column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column is LateColumn.DAYS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.BackgroundRole and column is LateColumn.STATUS:
            return BAD if self._rows[index.row()].days_late else WARN
        return None


class LateFilter(QSortFilterProxyModel):
    """The rows of one report (or of every report), sorted by value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stream: str | None = None
        self.setSortRole(SORT_ROLE)

    def set_stream(self, stream: str | None) -> None:
        with rows_refiltered(self):
            self._stream = stream

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, LateUnitsModel)
        return self._stream is None or model.row_at(source_row).stream == self._stream


class LateUnitsDialog(QDialog):
    """The units late or not sent, by report, as of the dashboard's day (non-modal);
    the selected unit's history and the reminder letters are asked for from here."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-dashboard"

    #: The unit whose history is asked for: (unit code, the row's report).
    history_requested = Signal(str, str)
    #: The report chosen ("" for every report): write reminder letters.
    remind_requested = Signal(str)
    #: "Show all": the whole list is asked for (:meth:`set_streams` shows it).
    all_requested = Signal()

    def __init__(
        self,
        plan: domain.Plan | None,
        streams: tuple[StreamTimeliness, ...],
        as_of: dt.date,
        scope_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("late-units")
        self.setWindowTitle(_("Late or not sent · {scope}").format(scope=scope_text))
        self.model = LateUnitsModel(plan, as_of, self)
        self._streams = streams
        self.model.set_rows(behind(streams))
        self.proxy = LateFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setObjectName("late-table")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(LateColumn.DAYS, Qt.SortOrder.DescendingOrder)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.horizontalHeader().setStretchLastSection(True)
        for column, width in (
            (LateColumn.STREAM, 150),
            (LateColumn.CODE, 80),
            (LateColumn.UNIT, 230),
            (LateColumn.CLUSTER, 80),
            (LateColumn.DUE, 90),
            (LateColumn.EXTENSION, 80),
            (LateColumn.ARRIVED, 90),
            (LateColumn.DAYS, 80),
            (LateColumn.STATUS, 150),
        ):
            self.view.setColumnWidth(column, width)
        self._fit_columns()
        self.stream = QComboBox()
        self.stream.setObjectName("late-stream")
        self.stream.addItem(_("Every report with a deadline"), None)
        for item in streams:
            if item.due_on is not None:
                self.stream.addItem(stream_label(item.stream, plan), item.stream)
        self.stream.currentIndexChanged.connect(self._stream_chosen)
        self.count = QLabel()
        self.count.setObjectName("late-count")
        self.more = QLabel()  # "… and 1,234 more": the refresh named the first units only
        self.more.setObjectName("late-more")
        self.all_button = QPushButton(_("Show all"))
        self.all_button.setObjectName("late-all")
        self.all_button.setToolTip(_("Read every unit late or not sent (may take a moment)"))
        self.all_button.clicked.connect(self._ask_all)
        summary = QLabel(
            "<br>".join(rates_text(item, plan) for item in streams)
            + "<br>"
            + _("Counted to the end of {date}, by the day each report first arrived.").format(
                date=short_date(as_of)
            )
        )
        summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate_buttons(buttons)
        buttons.rejected.connect(self.reject)
        self.history_button = QPushButton(_("Report history…"))
        self.history_button.setObjectName("late-history")
        self.history_button.clicked.connect(self.ask_history)
        self.view.activated.connect(lambda _index: self.ask_history())
        self.remind_button = QPushButton(_("Reminder letters…"))
        self.remind_button.setObjectName("late-remind")
        self.remind_button.clicked.connect(
            lambda: self.remind_requested.emit(self.stream.currentData() or self._row_stream())
        )
        for button in (self.history_button, self.remind_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Report:")))
        top.addWidget(self.stream)
        top.addStretch(1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        more = QHBoxLayout()
        more.addWidget(self.more)
        more.addWidget(self.all_button)
        more.addStretch(1)
        layout.addLayout(more)
        layout.addWidget(buttons)
        self._show_count()
        fit_to_screen(self, 1100, 560)

    @property
    def streams(self) -> tuple[StreamTimeliness, ...]:
        return self._streams

    @Slot(int)
    def _stream_chosen(self, _index: int) -> None:
        self.proxy.set_stream(self.stream.currentData())
        self._show_count()

    def set_streams(self, streams: tuple[StreamTimeliness, ...]) -> None:
        """Show these streams' units (the whole lists, once read)."""
        self._streams = streams
        self.model.set_rows(behind(streams))
        self._fit_columns()
        self.all_button.setEnabled(True)
        self._show_count()

    def _fit_columns(self) -> None:
        """The short columns as wide as their text, the header's sort arrow beside it."""
        fit_columns_to_text(self.view, FITTED)

    @Slot()
    def _ask_all(self) -> None:
        self.all_button.setEnabled(False)
        self.more.setText(_("Reading every unit late or not sent…"))
        self.all_requested.emit()

    def _show_count(self) -> None:
        """Every unit counted (the stream's counts), the rows shown being maybe the first."""
        wanted = self.stream.currentData()
        chosen = [s for s in self._streams if s.due_on is not None and wanted in (None, s.stream)]
        self.count.setText(
            _("{late} late, {missing} not sent").format(
                late=format_number(sum(s.late for s in chosen)),
                missing=format_number(sum(s.missing for s in chosen)),
            )
        )
        unlisted = sum(s.unlisted for s in chosen)
        self.more.setText(
            _("… and {count} more units not listed here.").format(count=format_number(unlisted))
        )
        self.more.setVisible(bool(unlisted))
        self.all_button.setVisible(bool(unlisted))

    def _current(self) -> LateUnit | None:
        current = self.view.currentIndex()
        if not current.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(current).row())

    def _row_stream(self) -> str:
        """The report of the current row ("" when none is chosen)."""
        late = self._current()
        return late.stream if late is not None else ""

    @Slot()
    def ask_history(self) -> None:
        """The history of the unit on the current row, at that row's report."""
        late = self._current()
        if late is not None:
            self.history_requested.emit(late.unit.code, late.stream)

    def shown_rows(self) -> list[LateUnit]:
        """The rows in the order the table shows them."""
        return [
            self.model.row_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
            for r in range(self.proxy.rowCount())
        ]

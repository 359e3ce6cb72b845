"""Suspicious values (Giá trị bất thường): the flags raised on import for the plan
shown, open ones or all, and one click to mark the selected one as verified
(with an optional note) or to open it again."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.exchange import FlagInfo, check_label, flag_values_text

from ui.federation.common import GOOD, WARN, fit_width, local_time, stream_label
from ui.widgets.leftover_column import LeftoverColumn
from ui.widgets.pages import Page
from ui.widgets.tables import ModelIndex, RowTableModel, WordsFilter
from ui.widgets.tasks import CancelToken, Runner


class FlagColumn(IntEnum):
    CODE = 0
    UNIT = 1
    REPORT = 2
    INDICATOR = 3
    CHECK = 4
    FIGURES = 5
    STATUS = 6

    def header(self) -> str:
        return {
            FlagColumn.CODE: _("Code"),
            FlagColumn.UNIT: _("Unit"),
            FlagColumn.REPORT: _("Report"),
            FlagColumn.INDICATOR: _("Indicator"),
            FlagColumn.CHECK: _("Check"),
            FlagColumn.FIGURES: _("Figures"),
            FlagColumn.STATUS: _("Status"),
        }[self]


def status_text(flag: FlagInfo) -> str:
    if not flag.verified:
        return _("Not verified")
    text = _("Verified by {who}, {when}").format(
        who=flag.verified_by, when=local_time(flag.verified_at)
    )
    return f"{text}: {flag.note}" if flag.note else text


#: Each column but the indicator at most this many characters wide (whole in the
#: tooltip); the report's and the figures' are wide enough for their whole text (the
#: year told periods apart, the figures are what is checked).
WIDEST = {
    FlagColumn.CODE: 12,
    FlagColumn.UNIT: 30,
    FlagColumn.FIGURES: 90,
    FlagColumn.STATUS: 40,
    FlagColumn.REPORT: 48,
    FlagColumn.CHECK: 36,
}
#: The columns left to right: the figures checked beside the unit, where they are seen
#: at any width (at Windows 125% scaling they were past the right edge), then the status.
ORDER = (
    FlagColumn.CODE,
    FlagColumn.UNIT,
    FlagColumn.FIGURES,
    FlagColumn.STATUS,
    FlagColumn.REPORT,
    FlagColumn.INDICATOR,
    FlagColumn.CHECK,
)


class FlagsModel(RowTableModel[FlagInfo]):
    """One row per flagged value."""

    columns = FlagColumn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan: domain.Plan | None = None

    def text(self, row: int, column: FlagColumn) -> str:
        flag = self._rows[row]
        indicator = (
            f"{flag.indicator_code} {flag.indicator_title}".strip() if flag.indicator_code else "—"
        )
        return {
            FlagColumn.CODE: flag.unit_code,
            FlagColumn.UNIT: flag.unit_name,
            FlagColumn.REPORT: stream_label(flag.stream, self.plan),
            FlagColumn.INDICATOR: indicator,
            FlagColumn.CHECK: check_label(flag.kind),
            FlagColumn.FIGURES: flag_values_text(flag),
            FlagColumn.STATUS: status_text(flag),
        }[column]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = FlagColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), column)
        if role == Qt.ItemDataRole.BackgroundRole and column is FlagColumn.STATUS:
            return GOOD if self._rows[index.row()].verified else WARN
        return None


class FlagsPage(Page):
    """The flags of the plan chosen in the workspace."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-flags"

    loaded = Signal(object)  # list of FlagInfo
    #: What a click did, for the status bar.
    done = Signal(str)
    #: A flag was verified or opened again (the audit log has a new entry).
    changed = Signal()
    #: The selected value's unit and report: open its history (a double click, Enter).
    history_requested = Signal(str, str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.plan: domain.Plan | None = None
        self.model = FlagsModel(self)
        self.view = QTableView()
        self.view.setObjectName("flags-table")
        self.proxy = WordsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view.setModel(self.proxy)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The figures and the status next to the unit (ORDER), each as wide as its text
        # (_fit_columns); the indicator takes the room left, the table scrolling sideways
        # below 24 characters.
        self.indicator_column = LeftoverColumn(self.view, FlagColumn.INDICATOR, 24)
        header = self.view.horizontalHeader()
        for place, column in enumerate(ORDER):
            header.moveSection(header.visualIndex(column), place)
        self._fit_columns()  # to the headers until the values come
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.activated.connect(lambda _index: self.ask_history())
        self.filter_label = QLabel()
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("flags-filter")
        self.filter_label.setBuddy(self.filter_combo)
        self.filter_combo.currentIndexChanged.connect(self.reload)
        self.search = QLineEdit()
        self.search.setObjectName("flags-search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_words)
        self.search.textChanged.connect(self._show_count)
        self.note = QLineEdit()
        self.note.setObjectName("flags-note")
        self.note.setMaxLength(2000)
        self.verify_button = QPushButton()
        self.verify_button.setObjectName("flags-verify")
        self.verify_button.clicked.connect(self.verify_selected)
        self.unverify_button = QPushButton()
        self.unverify_button.setObjectName("flags-unverify")
        self.unverify_button.clicked.connect(self.unverify_selected)
        self.history_button = QPushButton()
        self.history_button.setObjectName("flags-history")
        self.history_button.clicked.connect(self.ask_history)
        self.note.returnPressed.connect(self.verify_button.click)
        self.count = QLabel()
        #: Instead of the table when it has no row (every value verified, say).
        self.empty = QLabel()
        self.empty.setObjectName("flags-empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        self.intro = QLabel()
        self.intro.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.filter_label)
        top.addWidget(self.filter_combo)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        top.addWidget(self.history_button)
        actions = QHBoxLayout()
        actions.addWidget(self.note, 1)
        actions.addWidget(self.verify_button)
        actions.addWidget(self.unverify_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(actions)
        self.translateUI()
        self._selection_changed()

    def translateUI(self) -> None:
        current = self.filter_combo.currentData()
        self.filter_combo.blockSignals(True)
        self.filter_combo.clear()
        self.filter_combo.addItem(_("Not verified yet"), False)
        self.filter_combo.addItem(_("All, verified too"), True)
        self.filter_combo.setCurrentIndex(max(0, self.filter_combo.findData(current)))
        self.filter_combo.blockSignals(False)
        self.filter_label.setText(_("&Show:"))
        self.intro.setText(
            _(
                "Values that look wrong under the plan's checks (Plan tab). The package was "
                "merged all the same: check with the unit, then mark the value as verified."
            )
        )
        self.note.setPlaceholderText(_("Note on the verification (optional)"))
        self.search.setPlaceholderText(_("Search unit, indicator or check…"))
        self.verify_button.setText(_("&Verified"))
        self.verify_button.setToolTip(_("Mark the selected value as checked with the unit"))
        self.unverify_button.setText(_("&Open again"))
        self.history_button.setText(_("Report history…"))
        self.model.retranslate()

    def set_plan(self, plan: domain.Plan | None) -> None:
        self.plan = plan
        self.model.plan = plan
        self.reload()

    def open_count(self) -> int:
        return sum(1 for flag in self.model.rows() if not flag.verified)

    def selected(self) -> FlagInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row()) if rows else None

    @Slot()
    def reload(self) -> None:
        from app.exchange import list_flags

        if self.plan is None:
            self.model.set_rows([])
            return
        ctx, plan_id = self._ctx, self.plan.id
        include_verified = bool(self.filter_combo.currentData())

        def job(_progress: Any, _token: CancelToken) -> list[FlagInfo]:
            return list_flags(ctx, plan_id=plan_id, include_verified=include_verified)

        self._runner.run(job, self._loaded, self._failed, reads=True)

    @Slot(object)
    def _loaded(self, flags: list[FlagInfo]) -> None:
        chosen = self.selected()
        self.model.set_rows(flags)
        self._fit_columns()
        self._show_count()
        if chosen is not None:
            for row, flag in enumerate(flags):
                if flag.id == chosen.id:
                    self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
        self._selection_changed()
        self.loaded.emit(flags)

    def _fit_columns(self) -> None:
        """Each column but the figures as wide as its longest text, up to a number of
        characters (whole in its tooltip: a long title, a status's long note), the figures
        the room left: who verified a value and when show at 1366×768, at 125% too."""
        char = self.view.fontMetrics().averageCharWidth()  # widths follow the text size
        for column, most in WIDEST.items():
            texts = [column.header()] + [
                self.model.text(row, column) for row in range(self.model.rowCount())
            ]
            self.view.setColumnWidth(column, min(most * char, fit_width(self.view, texts)))
        self.indicator_column.fit()

    @Slot()
    def _show_count(self) -> None:
        """How many values, and how many of them the search shows when it hides some."""
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self._show_empty(total == 0)
        self.count.setText(
            _("{count} values.").format(count=total)
            if shown == total
            else _("{shown}/{total} values.").format(shown=shown, total=total)
        )

    def _show_empty(self, empty: bool) -> None:
        """Say so when there is no value to show, rather than an empty table."""
        verified_too = bool(self.filter_combo.currentData())
        self.empty.setText(
            _("The plan has no suspicious value.")
            if verified_too
            else _(
                "Every suspicious value is verified: nothing is left to check. "
                "Show “{all}” to see them again."
            ).format(all=_("All, verified too"))
        )
        self.empty.setVisible(empty)
        self.view.setVisible(not empty)

    @Slot()
    def _selection_changed(self, *_args: Any) -> None:
        flag = self.selected()
        self.verify_button.setEnabled(flag is not None and not flag.verified)
        self.note.setEnabled(flag is not None and not flag.verified)
        self.unverify_button.setEnabled(flag is not None and flag.verified)
        self.history_button.setEnabled(flag is not None)

    @Slot()
    def ask_history(self) -> None:
        """The selected value's unit: its report's history, as the other lists open it."""
        flag = self.selected()
        if flag is not None:
            self.history_requested.emit(flag.unit_code, flag.stream)

    @Slot()
    def verify_selected(self) -> None:
        from app.exchange import verify_flag

        flag = self.selected()
        if flag is None or flag.verified:
            return
        ctx, note = self._ctx, self.note.text()

        def job(_progress: Any, _token: CancelToken) -> None:
            verify_flag(ctx, flag_id=flag.id, note=note)

        said = _("Verified: {unit}, {indicator}.").format(
            unit=flag.unit_name or flag.unit_code, indicator=flag.indicator_code or "—"
        )
        self._runner.run(job, lambda _result: self._done(said), self._failed)

    @Slot()
    def unverify_selected(self) -> None:
        from app.exchange import unverify_flag

        flag = self.selected()
        if flag is None or not flag.verified:
            return
        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> None:
            unverify_flag(ctx, flag_id=flag.id)

        said = _("To check again: {unit}, {indicator}.").format(
            unit=flag.unit_name or flag.unit_code, indicator=flag.indicator_code or "—"
        )
        self._runner.run(job, lambda _result: self._done(said), self._failed)

    def _done(self, said: str) -> None:
        self.note.clear()
        self.changed.emit()
        self.done.emit(said)
        self.reload()

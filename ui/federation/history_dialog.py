"""A unit's history (lịch sử báo cáo): every version of its reports the federation
holds, stream by stream, and any two of them compared value by value.

The dialog reads :func:`app.exchange.unit_history` on the worker, lists the chosen
stream's versions (how each came, its status, when it was received, the key that
signed it, its file, its return and receipt) and compares the two versions chosen
(by default the latest two) through :func:`app.exchange.compare_versions`. Every
text is the core's own (status, source, times, values). The dashboard, the roster
and the conflicts page open it with :func:`show_unit_history`.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.exchange import HistoryEntry, UnitHistory, VersionComparison

from ui.widgets.dialogs import opener, show_over, translate_buttons
from ui.widgets.errors import report_failure
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tables import ModelIndex, RowTableModel
from ui.widgets.tasks import CancelToken, Runner


def version_text(entry: HistoryEntry) -> str:
    """``r2 · Đã gộp · 12/07/2017 10:30``: a version as the choosers name it."""
    return f"r{entry.revision} · {entry.status_label} · {entry.received_local}"


#: The widest a column of the versions grows to fit its texts, in pixels.
WIDEST = 260


class VersionColumn(IntEnum):
    REVISION = 0
    SOURCE = 1
    STATUS = 2
    RECEIVED = 3
    MADE = 4
    SIGNER = 5
    FILE = 6
    RETURNED = 7
    RECEIPT = 8

    def header(self) -> str:
        return {
            VersionColumn.REVISION: _("Revision"),
            VersionColumn.SOURCE: _("How it came"),
            VersionColumn.STATUS: _("Status"),
            VersionColumn.RECEIVED: _("Received at"),
            VersionColumn.MADE: _("Made or entered at"),
            VersionColumn.SIGNER: _("Signing key"),
            VersionColumn.FILE: _("File"),
            VersionColumn.RETURNED: _("Returned"),
            VersionColumn.RECEIPT: _("Receipt written"),
        }[self]


class VersionsModel(RowTableModel[HistoryEntry]):
    """One row per version of the chosen stream, oldest first."""

    columns = VersionColumn

    def text(self, row: int, column: VersionColumn) -> str:
        entry = self._rows[row]
        return {
            VersionColumn.REVISION: f"r{entry.revision}",
            VersionColumn.SOURCE: entry.source_label,
            VersionColumn.STATUS: entry.status_label,
            VersionColumn.RECEIVED: entry.received_local,
            VersionColumn.MADE: entry.made_text,
            VersionColumn.SIGNER: entry.signer_text,
            VersionColumn.FILE: entry.file_name,
            VersionColumn.RETURNED: entry.returned_local if entry.returned_at else "",
            VersionColumn.RECEIPT: entry.receipt_local if entry.receipt_at else "",
        }[column]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), VersionColumn(index.column()))
        return None


class ChangeColumn(IntEnum):
    WHAT = 0
    OLD = 1
    NEW = 2

    def header(self) -> str:
        return {
            ChangeColumn.WHAT: _("Indicator or detail"),
            ChangeColumn.OLD: _("Old"),
            ChangeColumn.NEW: _("New"),
        }[self]


class ChangesModel(RowTableModel[tuple[str, str, str]]):
    """What differs between the two versions: values first, then the details."""

    columns = ChangeColumn

    def set_comparison(self, compared: VersionComparison | None) -> None:
        if compared is None:
            self.set_rows([])
            return
        self.set_rows(
            [(f"{v.code} {v.title}", v.old_text, v.new_text) for v in compared.values]
            + [(d.label, d.old_text, d.new_text) for d in compared.details]
        )

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._rows[index.row()][index.column()]
            return text if text or index.column() == ChangeColumn.WHAT else _("(none)")
        return None


class UnitHistoryDialog(QDialog):
    """See the module docstring (non-modal; ``stream``: the one to show first)."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-history"

    loaded = Signal(object)  # UnitHistory
    compared = Signal(object)  # VersionComparison, or None when nothing to compare

    def __init__(
        self,
        ctx: AppContext,
        runner: Runner,
        unit_code: str,
        *,
        plan_id: str | None = None,
        stream: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unit-history")
        self._ctx = ctx
        self._runner = runner.bound(self)
        self._wanted_stream = stream
        self.history: UnitHistory | None = None
        self.comparison: VersionComparison | None = None
        self.setWindowTitle(_("Report history · {code}").format(code=unit_code))

        self.title = QLabel(_("Reading the history of {code}…").format(code=unit_code))
        self.title.setObjectName("history-title")
        self.title.setWordWrap(True)
        self.stream = QComboBox()
        self.stream.setObjectName("history-stream")
        self.stream.currentIndexChanged.connect(self._stream_chosen)
        self.versions = VersionsModel(self)
        self.versions_view = QTableView()
        self.versions_view.setObjectName("history-versions")
        self.versions_view.setModel(self.versions)
        self.versions_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.versions_view.verticalHeader().setVisible(False)
        self.note = QLabel()
        self.note.setObjectName("history-note")
        self.note.setWordWrap(True)
        self.first = QComboBox()
        self.first.setObjectName("history-first")
        self.second = QComboBox()
        self.second.setObjectName("history-second")
        for combo in (self.first, self.second):
            combo.currentIndexChanged.connect(self._versions_chosen)
        self.changes = ChangesModel(self)
        self.changes_view = QTableView()
        self.changes_view.setObjectName("history-changes")
        self.changes_view.setModel(self.changes)
        self.changes_view.verticalHeader().setVisible(False)
        self.changes_view.setWordWrap(True)
        self.changes_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        header = self.changes_view.horizontalHeader()
        header.setSectionResizeMode(ChangeColumn.WHAT, QHeaderView.ResizeMode.Stretch)
        self.changes_view.setColumnWidth(ChangeColumn.OLD, 220)
        self.changes_view.setColumnWidth(ChangeColumn.NEW, 220)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate_buttons(buttons)
        buttons.rejected.connect(self.reject)

        choose = QGridLayout()
        choose.addWidget(QLabel(_("Report:")), 0, 0)
        choose.addWidget(self.stream, 0, 1)
        choose.addWidget(QLabel(_("Compare:")), 1, 0)
        choose.addWidget(self.first, 1, 1)
        choose.addWidget(QLabel(_("with:")), 1, 2)
        choose.addWidget(self.second, 1, 3)
        choose.setColumnStretch(1, 1)
        choose.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(choose)
        layout.addWidget(self.versions_view, 2)
        layout.addWidget(self.note)
        layout.addWidget(self.changes_view, 3)
        layout.addWidget(buttons)
        self._enable(False)
        fit_to_screen(self, 1200, 680)
        self._load(unit_code, plan_id)

    def _enable(self, on: bool) -> None:
        for combo in (self.stream, self.first, self.second):
            combo.setEnabled(on)

    def _load(self, unit_code: str, plan_id: str | None) -> None:
        from app.exchange import unit_history

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> UnitHistory:
            return unit_history(ctx, unit_code=unit_code, plan_id=plan_id)

        self._runner.run(job, self._show_history, self._failed, reads=True)

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        self.title.setText(report_failure(self, error))

    @Slot(object)
    def _show_history(self, history: UnitHistory) -> None:
        self.history = history
        self.title.setText(f"<b>{history.unit_code} — {history.unit_name}</b>")
        self.stream.blockSignals(True)
        self.stream.clear()
        plans = {s.plan_id for s in history.streams}
        for index, item in enumerate(history.streams):
            label = (
                item.stream_label if len(plans) == 1 else f"{item.plan_id} · {item.stream_label}"
            )
            count = _("{count} versions").format(count=len(item.entries))
            self.stream.addItem(f"{label} ({count})", index)
        self.stream.blockSignals(False)
        self._enable(bool(history.streams))
        if history.streams:
            self.stream.setCurrentIndex(self._first_stream(history))
        self._stream_chosen(self.stream.currentIndex())
        self.loaded.emit(history)

    def fit_columns(self) -> None:
        """Each column as wide as its header and texts (a long file name at most
        :data:`WIDEST` pixels, shown whole in its tooltip); the table scrolls sideways
        rather than cut a header."""
        view = self.versions_view
        view.resizeColumnsToContents()
        header = view.horizontalHeader()
        for column in VersionColumn:
            least = header.sectionSizeFromContents(column).width()
            view.setColumnWidth(column, max(least, min(view.columnWidth(column), WIDEST)))

    def _first_stream(self, history: UnitHistory) -> int:
        """The stream asked for (even with nothing received yet: that is what was
        asked about), else the one that received a version last."""
        streams = history.streams
        for index, item in enumerate(streams):
            if item.stream == self._wanted_stream:
                return index
        latest = [
            (max(e.received_at for e in item.entries), index)
            for index, item in enumerate(streams)
            if item.entries
        ]
        return max(latest)[1] if latest else 0

    def entries(self) -> tuple[HistoryEntry, ...]:
        """The versions of the stream chosen, oldest first."""
        index = self.stream.currentData()
        if self.history is None or index is None:
            return ()
        return self.history.streams[int(index)].entries

    @Slot(int)
    def _stream_chosen(self, _index: int) -> None:
        entries = self.entries()
        self.versions.set_rows(entries)
        self.fit_columns()
        for combo in (self.first, self.second):
            combo.blockSignals(True)
            combo.clear()
            for entry in entries:
                combo.addItem(version_text(entry), entry.package_hash)
            combo.setEnabled(len(entries) > 1)
        if len(entries) > 1:
            self.first.setCurrentIndex(len(entries) - 2)
            self.second.setCurrentIndex(len(entries) - 1)
        for combo in (self.first, self.second):
            combo.blockSignals(False)
        self._versions_chosen()

    def choose_versions(self, first: int, second: int) -> None:
        """Compare the ``first``-th and ``second``-th versions of the stream (0: oldest)."""
        self.first.blockSignals(True)
        self.first.setCurrentIndex(first)
        self.first.blockSignals(False)
        self.second.setCurrentIndex(second)
        if self.second.currentIndex() == second and first != second:
            self._versions_chosen()

    @Slot()
    def _versions_chosen(self) -> None:
        self.comparison = None
        self.changes.set_comparison(None)
        entries = self.entries()
        if self.history is not None and not any(s.entries for s in self.history.streams):
            self.note.setText(_("No report received from this unit."))
            self.compared.emit(None)
            return
        if not entries:
            self.note.setText(_("Nothing received."))
            self.compared.emit(None)
            return
        if len(entries) == 1:
            self.note.setText(_("Only one version received: nothing to compare."))
            self.compared.emit(None)
            return
        first, second = self.first.currentData(), self.second.currentData()
        if first == second:
            self.note.setText(_("Choose two different versions to compare."))
            self.compared.emit(None)
            return
        self.note.setText(_("Comparing…"))
        self._compare(first, second)

    def _compare(self, first: str, second: str) -> None:
        from app.exchange import compare_versions

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> VersionComparison:
            return compare_versions(ctx, first_hash=first, second_hash=second)

        def done(compared: VersionComparison) -> None:
            if (self.first.currentData(), self.second.currentData()) != (first, second):
                return  # another pair was chosen meanwhile
            self.comparison = compared
            self.changes.set_comparison(compared)
            self.note.setText(comparison_note(compared))
            self.compared.emit(compared)

        self._runner.run(job, done, self._failed)


def comparison_note(compared: VersionComparison) -> str:
    """How two versions differ, in one line (only the kinds of difference there are)."""
    words = {"old": compared.first.revision, "new": compared.second.revision}
    values, details = len(compared.values), len(compared.details)
    if values and details:
        text = _("From r{old} to r{new}: {values} values and {details} details differ.")
    elif values:
        text = _("From r{old} to r{new}: {values} values differ.")
    elif details:
        text = _("From r{old} to r{new}: {details} details differ.")
    else:
        text = _("From r{old} to r{new}: no difference.")
    return text.format(values=values, details=details, **words)


def show_unit_history(
    parent: QWidget,
    ctx: AppContext,
    runner: Runner,
    unit_code: str,
    *,
    plan_id: str | None = None,
    stream: str | None = None,
) -> UnitHistoryDialog:
    """Open a unit's history over ``parent`` (non-modal; modal over the dialog that
    asked for it, if one is in front) and return it."""
    dialog = UnitHistoryDialog(
        ctx, runner, unit_code, plan_id=plan_id, stream=stream, parent=opener(parent)
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    show_over(dialog, parent)
    return dialog


__all__ = ["UnitHistoryDialog", "show_unit_history"]

"""Import of unit packages: dry run first, then apply, then the saved summary.

Files or folders dropped on the window (or chosen from the menu) are
checked at once with :func:`app.exchange.merge.import_packages` in dry-run
mode on the task runner; each file's :class:`ItemResult` is handed from the
worker to the GUI thread through a buffer that the progress callback drains,
so the table fills while the files are being checked and the window stays
responsive. Apply runs the same function for real with a progress bar and
Cancel; the summary is the run the core saved, which can be reopened later
and exported as CSV.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import deque
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.exchange import ImportSummary, ItemResult, Outcome

from ui.federation.common import (
    MiddleElided,
    fingerprint_width,
    fit_width,
    fold,
    kind_label,
    local_time,
    monospace,
    outcome_brush,
    outcome_label,
    rows_refiltered,
    stream_label,
)
from ui.widgets.dialogs import confirm, file_dialog, warn
from ui.widgets.pages import Page
from ui.widgets.tables import RowTableModel
from ui.widgets.tasks import CancelToken, Runner, Task

_Index = QModelIndex | QPersistentModelIndex
#: How often the worker lets the GUI drain the buffer of checked files.
UPDATE_INTERVAL = 0.05


class ImportColumn(IntEnum):
    FILE = 0
    UNIT = 1
    KIND = 2
    STREAM = 3
    REVISION = 4
    FINGERPRINT = 5
    OUTCOME = 6
    REASON = 7

    def header(self) -> str:
        return {
            ImportColumn.FILE: _("File"),
            ImportColumn.UNIT: _("Unit"),
            ImportColumn.KIND: _("Kind"),
            ImportColumn.STREAM: _("Stream"),
            ImportColumn.REVISION: _("Revision"),
            ImportColumn.FINGERPRINT: _("Signer's key fingerprint"),
            ImportColumn.OUTCOME: _("Outcome"),
            ImportColumn.REASON: _("Reason"),
        }[self]


class ImportModel(RowTableModel[ItemResult]):
    """The packages of one check or run, one row per :class:`ItemResult`."""

    columns = ImportColumn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names: dict[str, str] = {}
        self._plans: dict[str, domain.Plan] = {}
        self._since: dict[str, str] = {}

    def set_context(self, names: dict[str, str], plans: dict[str, domain.Plan]) -> None:
        """Unit names by id and plans by id, to show names instead of ids."""
        self._names = names
        self._plans = plans
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(ImportColumn) - 1)
            )

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self.endResetModel()

    def set_items(self, items: list[ItemResult]) -> None:
        self.beginResetModel()
        self._since = {}
        self._rows = list(items)
        self.endResetModel()

    def append(self, items: list[ItemResult]) -> None:
        if not items:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
        self._rows.extend(items)
        self.endInsertRows()

    def item(self, row: int) -> ItemResult:
        return self._rows[row]

    def items(self) -> list[ItemResult]:
        return list(self._rows)

    def names(self) -> dict[str, str]:
        """Unit names by id, as the table shows them."""
        return self._names

    def set_since(self, since: dict[str, str]) -> None:
        """What became of held or disputed packages after the run (see ``since_the_run``)."""
        self._since = since
        if self._rows:
            column = ImportColumn.OUTCOME
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def unit_text(self, item: ItemResult) -> str:
        name = self._names.get(item.unit_id, "")
        if item.unit_code and name:
            return f"{item.unit_code} — {name}"
        return item.unit_code or name or item.unit_id

    def reason_text(self, item: ItemResult) -> str:
        text = item.reason_text()
        if item.warning:
            warning = _(item.warning)
            text = f"{text} {warning}".strip()
        return text

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        column = ImportColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column is ImportColumn.FILE:
                return item.file_name
            if column is ImportColumn.UNIT:
                return self.unit_text(item)
            if column is ImportColumn.KIND:
                return kind_label(item.kind) if item.kind else ""
            if column is ImportColumn.STREAM:
                if not item.stream or item.kind == "enrolment":
                    return ""
                return stream_label(item.stream, self._plans.get(item.plan_id))
            if column is ImportColumn.REVISION:
                return str(item.revision) if item.revision else ""
            if column is ImportColumn.FINGERPRINT:
                return item.fingerprint
            if column is ImportColumn.OUTCOME:
                since = self._since.get(item.package_hash)
                label = outcome_label(item.outcome)
                return f"{label} → {_(since)}" if since else label
            return self.reason_text(item)
        if role == Qt.ItemDataRole.BackgroundRole and column is ImportColumn.OUTCOME:
            return outcome_brush(item.outcome)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is ImportColumn.REASON:
                return self.reason_text(item) or None
            if column is ImportColumn.FILE:
                return item.file_name
            if column is ImportColumn.UNIT:
                return self.unit_text(item)
        if role == Qt.ItemDataRole.FontRole and column is ImportColumn.FINGERPRINT:
            return monospace()
        if role == Qt.ItemDataRole.UserRole:
            return item.outcome.value
        return None


class ImportFilter(QSortFilterProxyModel):
    """Filters by outcome (a set; empty shows all) and by words in file, unit or reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._outcomes: frozenset[Outcome] = frozenset()
        self._words = ""

    def set_outcomes(self, outcomes: frozenset[Outcome]) -> None:
        with rows_refiltered(self):
            self._outcomes = outcomes

    def set_text(self, text: str) -> None:
        with rows_refiltered(self):
            self._words = fold(text.strip())

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ImportModel)
        item = model.item(source_row)
        if self._outcomes and item.outcome not in self._outcomes:
            return False
        if self._words:
            haystack = fold(f"{item.file_name} {model.unit_text(item)} {item.unit_code}")
            return self._words in haystack
        return True

    def lessThan(self, left: _Index, right: _Index) -> bool:
        if left.column() == ImportColumn.REVISION:
            model = self.sourceModel()
            assert isinstance(model, ImportModel)
            return model.item(left.row()).revision < model.item(right.row()).revision
        return super().lessThan(left, right)


#: The outcome filter's entries: (key, outcomes shown).
FILTERS: tuple[tuple[str, frozenset[Outcome]], ...] = (
    ("all", frozenset()),
    ("problems", frozenset({Outcome.CONFLICT, Outcome.PENDING_KEY, Outcome.REJECTED})),
    *((o.value, frozenset({o})) for o in Outcome),
)


class _Feed:
    """Items checked on the worker, waiting for the GUI thread (thread-safe)."""

    def __init__(self) -> None:
        self._items: deque[ItemResult] = deque()
        self._lock = threading.Lock()

    def put(self, item: ItemResult) -> None:
        with self._lock:
            self._items.append(item)

    def take(self) -> list[ItemResult]:
        with self._lock:
            items = list(self._items)
            self._items.clear()
        return items


def _throttled(progress: Callable[[int, int], None]) -> Callable[[int, int], None]:
    """Report at most every :data:`UPDATE_INTERVAL` seconds, and always the last file."""
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= UPDATE_INTERVAL:
            last[0] = now
            progress(done, total)

    return report


class ImportPage(Page):
    """Check, apply, review; see the module docstring."""

    #: A check or a run has filled the table (tests wait for these).
    checked = Signal(object)  # ImportSummary of the dry run
    applied = Signal(object)  # ImportSummary of the run (saved)
    #: How many receipts are owed now (after an import, a key accepted, a conflict decided).
    owed_changed = Signal(int)
    reopened = Signal(object)
    #: Files checked or imported so far, and the total (after the table took them in).
    progressed = Signal(int, int)
    #: The database changed (after apply): other screens reload.
    data_changed = Signal()
    done = Signal(str)
    #: Ask the workspace to show another page: "conflicts" or "keys".
    show_page = Signal(str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self._plans: dict[str, domain.Plan] = {}
        self._paths: list[Path] = []
        self._task: Task | None = None
        self._feed = _Feed()
        self._mode = "idle"  # idle | checking | checked | applying | applied | reopened
        self.summary: ImportSummary | None = None
        self.last_run_id: int | None = None
        self._runs: list[Any] = []

        self.model = ImportModel(self)
        self.proxy = ImportFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.DisplayRole)
        self.view = QTableView()
        self.view.setObjectName("import-table")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        vertical = self.view.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.view.setColumnWidth(ImportColumn.FILE, 260)
        # "Huyện Sơn Dương/CS-00005_r1.thidua": both the sub-folder and the name show.
        self.file_delegate = MiddleElided(self.view)
        self.view.setItemDelegateForColumn(ImportColumn.FILE, self.file_delegate)
        self.view.setColumnWidth(ImportColumn.UNIT, 210)
        self.view.setColumnWidth(ImportColumn.STREAM, 130)
        self.view.setColumnWidth(ImportColumn.FINGERPRINT, fingerprint_width(self))

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet(
            "border: 2px dashed #8a8a8a; border-radius: 8px; padding: 24px; color: #444;"
            " font-size: 14pt"
        )
        self.files_button = QPushButton()
        self.files_button.clicked.connect(self.choose_files)
        self.folder_button = QPushButton()
        self.folder_button.clicked.connect(self.choose_folder)
        self.filter_label = QLabel()
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("outcome-filter")
        self.filter_combo.setMinimumWidth(220)
        self.filter_combo.currentIndexChanged.connect(self._filter_chosen)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_text)
        self.history_label = QLabel()
        self.history = QComboBox()
        self.history.setObjectName("import-history")
        self.history.setMinimumWidth(260)
        self.history.activated.connect(self._history_chosen)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.linkActivated.connect(self._link)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.apply_button = QPushButton()
        self.apply_button.setObjectName("apply-import")
        self.apply_button.clicked.connect(self.apply)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancel-import")
        self.cancel_button.clicked.connect(self.cancel)
        self.csv_button = QPushButton()
        self.csv_button.setObjectName("export-csv")
        self.csv_button.clicked.connect(self.choose_csv)
        self.receipts_button = QPushButton()
        self.receipts_button.clicked.connect(self.choose_receipts_folder)

        top = QHBoxLayout()
        top.addWidget(self.files_button)
        top.addWidget(self.folder_button)
        top.addSpacing(16)
        top.addWidget(self.filter_label)
        top.addWidget(self.filter_combo)
        top.addWidget(self.search, 1)
        top.addSpacing(16)
        top.addWidget(self.history_label)
        top.addWidget(self.history)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(self.progress)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.apply_button)
        actions.addWidget(self.receipts_button)
        actions.addWidget(self.csv_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint, 1)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        self._set_mode("idle")
        self.translateUI()

    # --- language ---------------------------------------------------------------------------

    def translateUI(self) -> None:
        self.hint.setText(
            _(
                "Drop unit packages (.thidua files) or a whole folder — a USB stick — here.\n"
                "They are checked first; nothing is imported until you press Apply."
            )
        )
        self.files_button.setText(_("Choose files…"))
        self.folder_button.setText(_("Choose a folder…"))
        self.filter_label.setText(_("Show:"))
        self.search.setPlaceholderText(_("Search file or unit…"))
        self.history_label.setText(_("Earlier imports:"))
        self.apply_button.setText(_("Apply"))
        self.cancel_button.setText(_("Cancel"))
        self.csv_button.setText(_("Export CSV…"))
        self.owed_receipts()
        self.model.retranslate()
        for column, texts in (
            (ImportColumn.KIND, [kind_label(k) for k in ("report", "enrolment", "bundle")]),
            (ImportColumn.REVISION, []),
            (ImportColumn.OUTCOME, [outcome_label(o) for o in Outcome]),
        ):
            self.view.setColumnWidth(column, fit_width(self, [*texts, column.header()]))
        self._refill_filter()
        self._refill_history()
        self._show_status()

    def _refill_filter(self) -> None:
        counts = self._counts()
        current = max(0, self.filter_combo.currentIndex())
        self.filter_combo.blockSignals(True)
        self.filter_combo.clear()
        for key, outcomes in FILTERS:
            if key == "all":
                label = _("All outcomes")
            elif key == "problems":
                label = _("Needs attention")
            else:
                label = outcome_label(key)
            count = (
                sum(counts.get(o.value, 0) for o in outcomes) if outcomes else sum(counts.values())
            )
            self.filter_combo.addItem(f"{label} ({count})", key)
        self.filter_combo.setCurrentIndex(current)
        self.filter_combo.blockSignals(False)

    def _counts(self) -> dict[str, int]:
        counts = {o.value: 0 for o in Outcome}
        for item in self.model.items():
            counts[item.outcome.value] += 1
        return counts

    @Slot(int)
    def _filter_chosen(self, index: int) -> None:
        if index < 0:
            return
        key = self.filter_combo.itemData(index)
        self.proxy.set_outcomes(dict(FILTERS)[key])

    def set_filter(self, key: str) -> None:
        """Show only one outcome (``"new"``…), ``"problems"`` or ``"all"``."""
        self.filter_combo.setCurrentIndex(self.filter_combo.findData(key))

    def set_plans(self, plans: dict[str, domain.Plan], names: dict[str, str]) -> None:
        self._plans = plans
        self.model.set_context(names, plans)

    # --- states -----------------------------------------------------------------------------

    def _set_mode(self, mode: str) -> None:
        self._mode = mode
        busy = mode in ("checking", "applying")
        empty = mode == "idle"
        self.hint.setVisible(empty)
        self.view.setVisible(not empty)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.apply_button.setVisible(mode == "checked")
        self.apply_button.setEnabled(mode == "checked" and self._has_work())
        self.csv_button.setEnabled(mode in ("checked", "applied", "reopened"))
        self.owed_receipts()
        self.files_button.setEnabled(not busy)
        self.folder_button.setEnabled(not busy)
        self.history.setEnabled(not busy)

    def busy(self) -> bool:
        return self._mode in ("checking", "applying")

    def _has_work(self) -> bool:
        writes = {
            Outcome.NEW,
            Outcome.UPDATED,
            Outcome.OLDER,  # kept in the archive: a stream is settled from all its packages
            Outcome.CONFLICT,
            Outcome.PENDING_KEY,
        }
        return any(item.outcome in writes for item in self.model.items())

    def _show_status(self) -> None:
        counts = self._counts()
        total = sum(counts.values())
        line = _(
            "New {new}, updated {updated}, duplicate {duplicate}, older {older}, "
            "conflict {conflict}, pending key {pending_key}, rejected {rejected}."
        ).format(**counts)
        if counts.get(Outcome.SKIPPED.value):
            line += " " + _("Skipped {count} files the federation wrote itself.").format(
                count=counts[Outcome.SKIPPED.value]
            )
        mode = self._mode
        if mode == "idle":
            text = ""
        elif mode == "checking":
            text = _("Checking {count} packages…").format(count=total)
        elif mode == "checked":
            cancelled = self.summary is not None and self.summary.cancelled
            lead = (
                _("Check stopped after {count} packages.")
                if cancelled
                else _("Checked {count} packages; nothing is imported yet.")
            ).format(count=total)
            text = f"<b>{lead}</b> {line}"
            if self.summary is not None and not self._has_work():
                text += " " + _("There is nothing new to import.")
        elif mode == "applying":
            text = _("Importing… {count} packages so far.").format(count=total)
        else:
            run = self.summary.run_id if self.summary is not None else None
            cancelled = self.summary is not None and self.summary.cancelled
            if mode == "reopened":
                lead = _("Import run {run} (saved).").format(run=run)
            elif cancelled:
                lead = _("Import run {run} stopped; the packages before it are imported.").format(
                    run=run
                )
            else:
                lead = _("Import run {run} finished and saved.").format(run=run)
            text = f"<b>{lead}</b> {line}"
            links = []
            if counts["conflict"]:
                review = _("Review the conflicts")
                links.append(f'<a href="conflicts">{review}</a>')
            if counts["pending_key"]:
                keys = _("Confirm the new keys")
                links.append(f'<a href="keys">{keys}</a>')
            if links:
                text += " " + " · ".join(links)
        self.status.setText(text)

    @Slot(str)
    def _link(self, target: str) -> None:
        self.show_page.emit(target)

    # --- choosing ---------------------------------------------------------------------------

    @Slot()
    def choose_files(self) -> None:
        file_dialog(
            self,
            name="import-files",
            remember_as="packages",
            title=_("Unit packages to import"),
            mode=QFileDialog.FileMode.ExistingFiles,
            name_filter=_("Thi Đua packages (*.thidua)"),
            on_chosen=self.check,
        )

    @Slot()
    def choose_folder(self) -> None:
        file_dialog(
            self,
            name="import-folder",
            remember_as="packages",
            title=_("Folder of unit packages (a USB stick)"),
            mode=QFileDialog.FileMode.Directory,
            on_chosen=self.check,
        )

    # --- check (dry run) --------------------------------------------------------------------

    def check(self, paths: list[Path]) -> None:
        """Check ``paths`` (files and folders) without importing anything."""
        if self.busy():
            warn(self, _("Wait until the current import is finished, or cancel it."))
            return
        self._paths = list(paths)
        self.summary = None
        self.model.clear()
        self.set_filter("all")
        self._set_mode("checking")
        self.progress.setRange(0, 0)
        self._show_status()
        self._run(dry_run=True)

    def _run(self, *, dry_run: bool) -> None:
        from app.exchange import import_packages

        ctx, paths, feed = self._ctx, list(self._paths), _Feed()
        self._feed = feed

        def job(progress: Callable[[int, int], None], token: CancelToken) -> ImportSummary:
            return import_packages(
                ctx,
                paths=paths,
                dry_run=dry_run,
                progress=_throttled(progress),
                cancelled=lambda: token.cancelled,
                on_item=feed.put,
            )

        # A full garbage collection walks every object of the process (SQLAlchemy, Qt
        # wrappers, thousands of results) with the GIL held: >100 ms with no repaint.
        # Objects that exist before the run are frozen out of it until the run ends.
        gc.freeze()
        self._task = self._runner.run(
            job,
            self._checked if dry_run else self._applied,
            self._failed,
            self._progress,
        )

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        self.model.append(self._feed.take())
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} / {total}")
        if self._mode == "checking":
            self.status.setText(_("Checking {count} packages…").format(count=total))
        else:
            self.status.setText(_("Importing… {done} of {total}.").format(done=done, total=total))
        self.progressed.emit(done, total)

    @Slot(object)
    def _checked(self, summary: ImportSummary) -> None:
        self._task = None
        gc.unfreeze()
        self.summary = summary
        self.history.setCurrentIndex(0)  # the table is this check, not an earlier run
        self.model.set_items(list(summary.items))
        self._feed.take()
        self._set_mode("checked")
        self._refill_filter()
        self._show_status()
        if not summary.items:
            self._set_mode("idle")
            warn(self, _("No Thi Đua package (.thidua) was found there."), name="nothing-found")
        self.checked.emit(summary)

    # --- apply ------------------------------------------------------------------------------

    @Slot()
    def apply(self) -> None:
        if self._mode != "checked" or not self._paths:
            return
        self.model.clear()
        self.set_filter("all")
        self._set_mode("applying")
        self.progress.setRange(0, 0)
        self._show_status()
        self._run(dry_run=False)

    @Slot(object)
    def _applied(self, summary: ImportSummary) -> None:
        self._task = None
        gc.unfreeze()
        self.summary = summary
        self.last_run_id = summary.run_id
        self.model.set_items(list(summary.items))
        self._feed.take()
        self._set_mode("applied")
        self._refill_filter()
        self._show_status()
        self.refresh_history()
        self.data_changed.emit()
        self.applied.emit(summary)

    def refresh_since(self) -> None:
        """Show what became of the run's held and disputed packages since (a key
        accepted, a conflict decided): the run's record no longer reads as now."""
        from app.exchange import since_the_run

        summary = self.summary
        if self._ctx is None or summary is None or summary.dry_run:
            return
        self.model.set_since(since_the_run(self._ctx, summary))

    @Slot()
    def cancel(self) -> None:
        if self._task is not None:
            self._task.token.cancel()
            self.status.setText(_("Stopping…"))

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        self._task = None
        gc.unfreeze()
        self._set_mode("idle" if not self.model.rowCount() else "checked")
        super()._failed(error)

    # --- history ----------------------------------------------------------------------------

    def refresh_history(self) -> None:
        from app.exchange import list_import_runs

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            return list_import_runs(ctx)

        def done(runs: list[Any]) -> None:
            self._runs = runs
            self._refill_history()

        self._runner.run(job, done, self._failed)

    def _refill_history(self) -> None:
        self.history.blockSignals(True)
        self.history.clear()
        self.history.addItem(_("Choose a run to reopen…"), None)
        for run in self._runs:
            # A run without an end was cut off (the PC lost power, the program was
            # killed) or is running elsewhere right now: it is not called finished.
            label = (
                _("Run {run} — {when} — {files} packages")
                if run.finished
                else _("Run {run} — {when} — {files} packages — not finished")
            )
            self.history.addItem(
                label.format(run=run.id, when=local_time(run.started_at), files=run.files),
                run.id,
            )
        self.history.setCurrentIndex(0)
        self.history.blockSignals(False)

    @Slot(int)
    def _history_chosen(self, index: int) -> None:
        run_id = self.history.itemData(index)
        if run_id is not None:
            self.reopen(int(run_id))

    def reopen(self, run_id: int) -> None:
        """Show a saved run's summary again (to review or export it)."""
        from app.exchange import load_import_run

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> ImportSummary:
            return load_import_run(ctx, run_id=run_id)

        def done(summary: ImportSummary) -> None:
            self.summary = summary
            self.last_run_id = summary.run_id
            self.model.set_items(list(summary.items))
            self.set_filter("all")
            self._set_mode("reopened")
            self._refill_filter()
            self._show_status()
            self.refresh_since()
            self.reopened.emit(summary)

        self._runner.run(job, done, self._failed)

    # --- exports ----------------------------------------------------------------------------

    @Slot()
    def choose_csv(self) -> None:
        if self.summary is None:
            return
        run = self.summary.run_id
        name = f"nhap-goi-{run}.csv" if run is not None else "kiem-tra-goi.csv"
        file_dialog(
            self,
            name="save-csv",
            title=_("Save the summary as CSV"),
            mode=QFileDialog.FileMode.AnyFile,
            save=True,
            name_filter=_("CSV files (*.csv)"),
            suggested=name,
            on_chosen=lambda paths: self.export_csv(paths[0]),
        )

    def export_csv(self, path: Path) -> None:
        summary = self.summary
        if summary is None:
            return
        if path.suffix.lower() != ".csv":
            path = path.with_name(path.name + ".csv")

        plans, names = dict(self._plans), dict(self.model.names())

        def job(_progress: Any, _token: CancelToken) -> Path:
            summary.write_csv(path, plans=plans, names=names)
            return path

        self._runner.run(
            job,
            lambda p: self.done.emit(_("Summary written to {path}.").format(path=p)),
            self._failed,
        )

    def owed_receipts(self) -> int:
        """Receipts owed now (every merged report's until written), and the button says so."""
        from app.exchange import owed_receipts

        owed = owed_receipts(self._ctx) if self._ctx is not None else 0
        self.receipts_button.setText(_("Write receipts ({count})…").format(count=owed))
        self.receipts_button.setVisible(owed > 0)
        self.owed_changed.emit(owed)
        return owed

    @Slot()
    def choose_receipts_folder(self) -> None:
        if self.owed_receipts() == 0:
            # Said in a box, not only the status bar; and the lost USB stick has a way out.
            confirm(
                self,
                name="receipts-again",
                title=_("Receipts"),
                text=_(
                    "No receipt is owed: every merged report's receipt is written. Write the "
                    "receipts of every merged report again (for instance, the USB stick they "
                    "went on was lost)?"
                ),
                on_yes=lambda: self._choose_folder(again=True),
            )
            self.done.emit(_("No receipt is owed: every merged report's receipt is written."))
            return
        self._choose_folder(again=False)

    def _choose_folder(self, *, again: bool) -> None:
        file_dialog(
            self,
            name="receipts-folder",
            title=_("Folder for the receipts"),
            mode=QFileDialog.FileMode.Directory,
            on_chosen=lambda paths: self.write_receipts(paths[0], again=again),
        )

    def write_receipts(self, folder: Path, *, again: bool = False) -> None:
        """A signed receipt for every merged report still owed one (``again``: every
        merged report's), into ``folder``."""
        from app.exchange import write_receipts

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> list[Path]:
            return write_receipts(ctx, out_dir=folder, again=again)

        def done(paths: list[Path]) -> None:
            self.done.emit(
                _("{count} receipts written to {folder}.").format(count=len(paths), folder=folder)
            )
            self.owed_receipts()
            self.data_changed.emit()

        self._runner.run(job, done, self._failed)

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
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
from app.exchange import ImportSummary, Outcome

from ui.federation.common import (
    MiddleElided,
    fingerprint_width,
    fit_width,
    kind_label,
    local_time,
    outcome_label,
)
from ui.federation.import_feed import ItemFeed, throttled
from ui.federation.import_models import FILTERS, ImportColumn, ImportFilter, ImportModel
from ui.federation.import_status import status_text
from ui.widgets.dialogs import confirm, ending_in, file_dialog, warn
from ui.widgets.help import set_help
from ui.widgets.key_unlock import unlock_or_fail
from ui.widgets.pages import Page
from ui.widgets.tasks import CancelToken, Runner, Task, show_count

#: Characters the reason column is made wide for (a longer reason is in its tooltip).
REASON_CHARACTERS = 44


class ImportPage(Page):
    """Check, apply, review; see the module docstring."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-import"

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
        self._feed = ItemFeed()
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
        self.view.setColumnWidth(ImportColumn.FILE, 220)
        # "Huyện Sơn Dương/CS-00005_r1.thidua": both the sub-folder and the name show.
        self.file_delegate = MiddleElided(self.view)
        self.view.setItemDelegateForColumn(ImportColumn.FILE, self.file_delegate)
        self.view.setColumnWidth(ImportColumn.UNIT, 190)
        self.view.setColumnWidth(ImportColumn.STREAM, 130)
        self.view.setColumnWidth(ImportColumn.FINGERPRINT, fingerprint_width(self))
        # The outcome and its reason beside the file, the signer's key after them (shown
        # last, it no longer pushes the reason off a 1366-pixel screen at 125% text).
        header.moveSection(header.visualIndex(ImportColumn.FINGERPRINT), len(ImportColumn) - 1)

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
        # Room for most reasons whole ("Đã nhập trước đó: cùng nội dung."); a longer one
        # is in its tooltip.
        self.view.setColumnWidth(
            ImportColumn.REASON, self.fontMetrics().averageCharWidth() * REASON_CHARACTERS
        )
        self._refill_filter()
        self._refill_history()
        self._show_status()

    def _filter_texts(self) -> list[tuple[str, str]]:
        """Each filter's key and its words with how many rows it shows now."""
        counts = self.model.outcome_counts()
        texts = []
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
            texts.append((key, f"{label} ({count})"))
        return texts

    def _refill_filter(self) -> None:
        current = max(0, self.filter_combo.currentIndex())
        self.filter_combo.blockSignals(True)
        self.filter_combo.clear()
        for key, text in self._filter_texts():
            self.filter_combo.addItem(text, key)
        self.filter_combo.setCurrentIndex(current)
        self.filter_combo.blockSignals(False)

    def _recount_filter(self) -> None:
        """The filters' counts as rows arrive: their words only (the list stays open
        and the choice stays as it is; it said "(0)" while a check listed rows)."""
        for index, (key, text) in enumerate(self._filter_texts()):
            if self.filter_combo.itemData(index) == key:
                self.filter_combo.setItemText(index, text)

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
        self.apply_button.setEnabled(mode == "checked" and self.model.has_work())
        self.csv_button.setEnabled(mode in ("checked", "applied", "reopened"))
        self.owed_receipts()
        self.files_button.setEnabled(not busy)
        self.folder_button.setEnabled(not busy)
        self.history.setEnabled(not busy)

    def busy(self) -> bool:
        return self._mode in ("checking", "applying")

    def _show_status(self) -> None:
        self.status.setText(status_text(self._mode, self.model, self.summary))

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
        self.model.set_rows([])
        self.set_filter("all")
        self._set_mode("checking")
        self.progress.setRange(0, 0)
        self._show_status()
        self._run(dry_run=True)

    def _run(self, *, dry_run: bool) -> None:
        from app.exchange import import_packages

        ctx, paths, feed = self._ctx, list(self._paths), ItemFeed()
        self._feed = feed

        def job(progress: Callable[[int, int], None], token: CancelToken) -> ImportSummary:
            return import_packages(
                ctx,
                paths=paths,
                dry_run=dry_run,
                progress=throttled(progress),
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
            reads=dry_run,  # a dry run only reads: quitting stops it
            doing=_("importing the packages"),
        )

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        arrived = self._feed.take()
        if arrived:
            self.model.append(arrived)
            self._recount_filter()
        show_count(self.progress, done, total)
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
        self.model.set_rows([])
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

        self._runner.run(job, done, self._failed, reads=True)

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
        path = ending_in(path, ".csv")

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
            box = confirm(
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
            set_help(box, "fed-receipts")
            self.done.emit(_("No receipt is owed: every merged report's receipt is written."))
            return
        self._choose_folder(again=False)

    def _choose_folder(self, *, again: bool) -> None:
        dialog = file_dialog(
            self,
            name="receipts-folder",
            title=_("Folder for the receipts"),
            mode=QFileDialog.FileMode.Directory,
            on_chosen=lambda paths: self.write_receipts(paths[0], again=again),
        )
        set_help(dialog, "fed-receipts")

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

        def retry() -> None:
            self.write_receipts(folder, again=again)

        self._runner.run(job, done, unlock_or_fail(self, ctx, retry, self._failed))

"""The "print in batch" dialog: one document for many units, with progress and Cancel.

The staff choose the document (registration forms, a period's results reports, key
cards), the units (those selected on the roster, a cluster, an upper-level union's
area, or the dashboard's scope — the whole province by default), one PDF or one file
per unit, and where. The printing runs as a task (:func:`app.printing.print_batch`);
at the end the dialog says what was printed and which units were skipped and why,
and offers to open the file or the folder. Files that already exist are replaced
only after the staff say so.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.format import format_number
from app.core.i18n import gettext as _
from app.printing import (
    DOCUMENT_LABELS,
    FILE_WORDS,
    BatchDocument,
    BatchResult,
    OutputExists,
    print_batch,
)
from app.rollup import Scope, ScopeChoice, ScopeKind

from ui.widgets.dialogs import confirm_replace, ending_in, file_dialog, open_in_viewer
from ui.widgets.errors import report_failure
from ui.widgets.help import dialog_help_button
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tasks import CancelToken, Runner, Task, show_count


class Units(StrEnum):
    """Which units the batch prints for."""

    SELECTED = "selected"
    CLUSTER = "cluster"
    UNION = "union"
    SCOPE = "scope"


class Layout(StrEnum):
    """One PDF for all, or one file per unit."""

    SINGLE = "single"
    EACH = "each"


class BatchPrintDialog(QDialog):
    """See the module docstring. ``printed`` carries the :class:`BatchResult` of a run
    that ended (cancelled or not); ``unit_codes`` pre-chooses the roster's selection,
    ``scope`` the dashboard's."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-batch-print"

    printed = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        runner: Runner,
        plan: domain.Plan,
        choices: list[ScopeChoice],
        *,
        unit_codes: list[str] | None = None,
        scope: ScopeChoice | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("batch-print")
        self.setWindowTitle(_("Print in batch"))
        self._ctx = ctx
        self._runner = runner.bound(self)
        self.plan = plan
        self.unit_codes = list(unit_codes or [])
        self.scope_choice = scope
        self.clusters = [c for c in choices if c.kind is ScopeKind.CLUSTER]
        self.unions = [c for c in choices if c.kind is ScopeKind.SUBTREE]
        self.task: Task | None = None
        self.outcome: BatchResult | None = None
        self._default_path = ""

        self.document_combo = QComboBox()
        self.document_combo.setObjectName("batch-document")
        for document in BatchDocument:
            self.document_combo.addItem(_(DOCUMENT_LABELS[document]), document.value)
        self.units_combo = QComboBox()
        self.units_combo.setObjectName("batch-units")
        self._fill_units()
        self.target_combo = QComboBox()
        self.target_combo.setObjectName("batch-target")
        self.target_combo.setMinimumContentsLength(30)
        self.layout_combo = QComboBox()
        self.layout_combo.setObjectName("batch-layout")
        self.layout_combo.addItem(_("One PDF for all the units"), Layout.SINGLE.value)
        self.layout_combo.addItem(_("One PDF file per unit, in a folder"), Layout.EACH.value)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("batch-path")
        self.browse_button = QPushButton(_("Browse…"))
        self.browse_button.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)

        self.progress = QProgressBar()
        self.progress.setObjectName("batch-progress")
        self.progress.hide()
        self.summary = QLabel()
        self.summary.setObjectName("batch-summary")
        self.summary.setWordWrap(True)
        self.skipped_list = QPlainTextEdit()
        self.skipped_list.setObjectName("batch-skipped")
        self.skipped_list.setReadOnly(True)
        self.skipped_list.setMaximumHeight(140)
        self.skipped_list.hide()
        self.print_button = QPushButton(_("Print"))
        self.print_button.setObjectName("batch-print-start")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(lambda: self.start())
        self.open_button = QPushButton()
        self.open_button.setObjectName("batch-open")
        self.open_button.clicked.connect(self.open_output)
        self.open_button.hide()
        self.cancel_button = QPushButton(_("Close"))
        self.cancel_button.setObjectName("batch-cancel")
        self.cancel_button.clicked.connect(self.cancel_or_close)

        form = QFormLayout()
        form.addRow(_("Document:"), self.document_combo)
        form.addRow(_("Units:"), self.units_combo)
        self.target_label = QLabel()
        form.addRow(self.target_label, self.target_combo)
        form.addRow(_("Output:"), self.layout_combo)
        form.addRow(_("Save to:"), path_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)
        buttons.addWidget(dialog_help_button(self))
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.skipped_list, 1)
        layout.addLayout(buttons)

        self.units_combo.currentIndexChanged.connect(self._units_chosen)
        self.document_combo.currentIndexChanged.connect(self._suggest_path)
        self.layout_combo.currentIndexChanged.connect(self._suggest_path)
        self._units_chosen()
        self._suggest_path()
        fit_to_screen(self, 640, self.sizeHint().height())

    # --- choices ----------------------------------------------------------------------------

    def _fill_units(self) -> None:
        if self.unit_codes:
            self.units_combo.addItem(
                _("The units selected on the roster ({count})").format(
                    count=format_number(len(self.unit_codes))
                ),
                Units.SELECTED.value,
            )
        chosen = self.scope_choice
        if chosen is None or chosen.kind is ScopeKind.PROVINCE:
            self.units_combo.addItem(_("Every unit of the province"), Units.SCOPE.value)
        else:
            self.units_combo.addItem(
                _("The dashboard's scope: {scope} ({count} units)").format(
                    scope=f"{chosen.code} {chosen.name}".strip(),
                    count=format_number(chosen.units),
                ),
                Units.SCOPE.value,
            )
        if self.clusters:
            self.units_combo.addItem(_("The units of a cluster"), Units.CLUSTER.value)
        if self.unions:
            self.units_combo.addItem(_("The units of an upper-level union"), Units.UNION.value)
        self.units_combo.setCurrentIndex(0)

    def document(self) -> BatchDocument:
        return BatchDocument(self.document_combo.currentData())

    def units(self) -> Units:
        return Units(self.units_combo.currentData())

    def layout_choice(self) -> Layout:
        return Layout(self.layout_combo.currentData())

    def choose(self, combo: QComboBox, value: str) -> None:
        """Select the item of ``combo`` whose data is ``value`` (tests, links)."""
        index = combo.findData(value)
        assert index >= 0, value
        combo.setCurrentIndex(index)

    @Slot()
    def _units_chosen(self) -> None:
        which = self.units()
        self.target_combo.clear()
        targets = {Units.CLUSTER: self.clusters, Units.UNION: self.unions}.get(which, [])
        for choice in targets:
            label = choice.name if which is Units.CLUSTER else f"{choice.code} {choice.name}"
            self.target_combo.addItem(
                _("{scope} ({count} units)").format(scope=label, count=format_number(choice.units)),
                choice.id,
            )
        self.target_label.setText(
            _("Cluster:") if which is Units.CLUSTER else _("Upper-level union:")
        )
        visible = bool(targets)
        self.target_label.setVisible(visible)
        self.target_combo.setVisible(visible)

    def chosen_units(self) -> tuple[list[str] | None, Scope | None]:
        """The unit codes or the scope the batch prints for."""
        which = self.units()
        if which is Units.SELECTED:
            return self.unit_codes, None
        target = self.target_combo.currentData()
        if which is Units.CLUSTER:
            return None, Scope(cluster_id=target)
        if which is Units.UNION:
            return None, Scope(root_unit_id=target)
        return None, self.scope_choice.scope if self.scope_choice is not None else Scope()

    @Slot()
    def _suggest_path(self) -> None:
        """A name after the document and year, in the home folder, unless one was typed."""
        if self.path_edit.text() not in ("", self._default_path):
            return
        name = f"in-{FILE_WORDS[self.document()]}-{self.plan.year}"
        single = self.layout_choice() is Layout.SINGLE
        self._default_path = str(Path.home() / (f"{name}.pdf" if single else name))
        self.path_edit.setText(self._default_path)

    @Slot()
    def _browse(self) -> None:
        single = self.layout_choice() is Layout.SINGLE
        current = Path(self.path_edit.text() or Path.home())
        file_dialog(
            self,
            name="batch-print-path",
            title=_("Where to save the PDF") if single else _("Folder for the PDF files"),
            mode=QFileDialog.FileMode.AnyFile if single else QFileDialog.FileMode.Directory,
            save=single,
            name_filter=_("PDF files (*.pdf)") if single else "",
            suggested=current.name if single else "",
            on_chosen=lambda paths: self.path_edit.setText(
                str(ending_in(paths[0], ".pdf") if single else paths[0])
            ),
        )

    # --- the run ----------------------------------------------------------------------------

    def output(self) -> Path:
        text = self.path_edit.text().strip()
        path = Path(text).expanduser() if text else Path()
        return ending_in(path, ".pdf") if text and self.layout_choice() is Layout.SINGLE else path

    def start(self, replace: bool = False) -> None:
        """Print with the choices on screen (``replace``: files that exist are replaced)."""
        if self.task is not None:
            return
        ctx, plan_id, document = self._ctx, self.plan.id, self.document()
        codes, scope = self.chosen_units()
        single, out = self.layout_choice() is Layout.SINGLE, self.output()

        def job(progress: Any, token: CancelToken) -> BatchResult:
            return print_batch(
                ctx,
                document=document,
                plan_id=plan_id,
                unit_codes=codes,
                scope=scope,
                out=out,
                single_file=single,
                replace=replace,
                progress=progress,
                cancelled=lambda: token.cancelled,
            )

        self._running(True)
        self.task = self._runner.run(
            job, self._finished, self._failed, self._progress, doing=_("printing the documents")
        )

    def _running(self, running: bool) -> None:
        for widget in (
            self.document_combo,
            self.units_combo,
            self.target_combo,
            self.layout_combo,
            self.path_edit,
            self.browse_button,
            self.print_button,
        ):
            widget.setEnabled(not running)
        self.cancel_button.setText(_("Cancel") if running else _("Close"))
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, 0)
            self.summary.clear()
            self.skipped_list.hide()
            self.open_button.hide()
        else:
            self.task = None

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        show_count(self.progress, done, total)

    @Slot()
    def cancel_or_close(self) -> None:
        """Cancel the run (the documents already finished stay), or close the dialog."""
        if self.task is not None:
            self.task.token.cancel()
            self.cancel_button.setEnabled(False)
            return
        self.reject()

    def _failed(self, error: BaseException) -> None:
        self._running(False)
        if isinstance(error, OutputExists):
            confirm_replace(
                self,
                name="batch-print-replace",
                title=_("Print in batch"),
                text=error.translated(),
                count=len(error.paths),
                on_yes=lambda: self.start(replace=True),
            )
            return
        self.summary.setText(report_failure(self, error, name="batch-print-failed"))

    def _finished(self, result: BatchResult) -> None:
        self._running(False)
        self.outcome = result
        path = self.output()
        if result.cancelled:
            text = _("Cancelled: {printed} of {total} documents printed.").format(
                printed=format_number(result.printed), total=format_number(result.total)
            )
        else:
            text = _("{printed} documents printed to {path}.").format(
                printed=format_number(result.printed), path=path
            )
        if result.skipped:
            text += " " + _("{count} units skipped (nothing to print):").format(
                count=format_number(len(result.skipped))
            )
            self.skipped_list.setPlainText(
                "\n".join(f"{s.code} {s.name}: {_(s.reason)}" for s in result.skipped)
            )
            self.skipped_list.show()
        self.summary.setText(text)
        if result.paths:
            single = self.layout_choice() is Layout.SINGLE
            self.open_button.setText(_("Open the file") if single else _("Open the folder"))
            self.open_button.show()
        self.printed.emit(result)

    @Slot()
    def open_output(self) -> None:
        """Open what was printed: the PDF, or the folder of files."""
        open_in_viewer(self, self.output())

    def reject(self) -> None:
        if self.task is not None:
            self.cancel_or_close()
            return
        super().reject()

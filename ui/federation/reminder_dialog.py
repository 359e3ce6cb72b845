"""The reminder letters (công văn đôn đốc) from the dashboard: to the units that have
not sent a report, one letter per upper-level union or one per unit, as PDF and/or
the same list as an Excel workbook.

The dialog takes what ``thidua-cli remind`` takes (report, scope, one letter per
unit, the day counted to, the day to reply by, units not yet due) and a folder;
the work runs on the worker with progress and Cancel: the letters are read
(:func:`app.rollup.read_reminders`), refused when there is nothing to remind,
then the workbook (:func:`app.rollup.export_reminder_workbook`) and the letters
(:func:`app.printing.print_reminders`) are written; one PDF opens in the preview.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.core.preferences import last_folder, remember_folder
from app.rollup import ReminderRequest, Scope

from ui.federation.common import stream_label
from ui.widgets.dialogs import confirm_replace, file_dialog, translate_buttons, warn
from ui.widgets.errors import report_failure
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tasks import CancelToken, Runner, Task

#: What the dialog writes: (letters, workbook).
OUTPUTS = ((True, True), (True, False), (False, True))


@dataclass(frozen=True)
class ReminderOutput:
    """The files written: the letters (one PDF, or one per letter) and the workbook."""

    letters: tuple[Path, ...]
    workbook: Path | None
    count: int  # letters
    units: int


def _day(edit: QDateEdit) -> dt.date:
    value = edit.date()
    return dt.date(value.year(), value.month(), value.day())


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


#: Under what the folder the letters go into is remembered (ui.widgets.dialogs).
FOLDER_PURPOSE = "reminder-letters"


class ReminderDialog(QDialog):
    """See the module docstring. ``scopes``: (label, scope) pairs, ``scope_index`` the
    one chosen first; ``stream``: the report chosen first ("" for the first)."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-history"

    written = Signal(object)  # ReminderOutput
    refused = Signal(str)  # the message shown

    def __init__(
        self,
        ctx: AppContext,
        runner: Runner,
        plan: domain.Plan,
        scopes: list[tuple[str, Scope]],
        *,
        scope_index: int = 0,
        stream: str = "",
        as_of: dt.date | None = None,
        folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reminders")
        self.setWindowTitle(_("Reminder letters (công văn đôn đốc)"))
        self._ctx = ctx
        self._runner = runner.bound(self)
        self._plan = plan
        self._scopes = scopes
        self.task: Task | None = None
        self.output: ReminderOutput | None = None

        self.stream = QComboBox()
        self.stream.setObjectName("remind-stream")
        for code in plan.streams:
            self.stream.addItem(stream_label(code, plan), code)
        if stream in plan.streams:
            self.stream.setCurrentIndex(plan.streams.index(stream))
        self.per_unit = QComboBox()
        self.per_unit.setObjectName("remind-per")
        self.per_unit.addItem(_("One letter to each upper-level union"), False)
        self.per_unit.addItem(_("One letter to each unit"), True)
        self.scope = QComboBox()
        self.scope.setObjectName("remind-scope")
        for label, _scope in scopes:
            self.scope.addItem(label)
        self.scope.setCurrentIndex(scope_index)
        today = as_of or dt.date.today()
        self.as_of = QDateEdit(_qdate(today))
        self.as_of.setObjectName("remind-as-of")
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("dd/MM/yyyy")
        self.reply_by = QDateEdit(_qdate(today + dt.timedelta(days=7)))
        self.reply_by.setObjectName("remind-reply-by")
        self.reply_by.setCalendarPopup(True)
        self.reply_by.setDisplayFormat("dd/MM/yyyy")
        self.as_of.dateChanged.connect(lambda day: self.reply_by.setDate(day.addDays(7)))
        self.not_due = QCheckBox(_("Also remind the units whose deadline has not passed"))
        self.not_due.setObjectName("remind-not-due")
        self.outputs = QComboBox()
        self.outputs.setObjectName("remind-output")
        self.outputs.addItem(_("The letters (PDF) and the list (Excel)"))
        self.outputs.addItem(_("The letters (PDF) only"))
        self.outputs.addItem(_("The list (Excel) only"))
        self.files = QComboBox()
        self.files.setObjectName("remind-files")
        self.files.addItem(_("One PDF with every letter"), True)
        self.files.addItem(_("One PDF per letter"), False)
        self.outputs.currentIndexChanged.connect(
            lambda index: self.files.setEnabled(OUTPUTS[index][0])
        )
        # The folder the letters were last written into (or last browsed to).
        start = folder or last_folder(FOLDER_PURPOSE) or Path.home()
        self.folder = QLineEdit(str(start))
        self.folder.setObjectName("remind-folder")
        browse = QPushButton(_("Browse…"))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.progress = QProgressBar()
        self.progress.setObjectName("remind-progress")
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("remind-status")
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(self.buttons)
        self.write_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.write_button.setText(_("Write"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(lambda: self.start())
        self.buttons.rejected.connect(self.cancel)

        # A message about earlier choices (a refusal, the files written) goes stale as
        # soon as a choice changes.
        for combo in (self.stream, self.per_unit, self.scope, self.outputs, self.files):
            combo.currentIndexChanged.connect(self._choice_changed)
        self.as_of.dateChanged.connect(self._choice_changed)
        self.not_due.toggled.connect(self._choice_changed)
        self.folder.textChanged.connect(self._choice_changed)

        form = QFormLayout()
        form.addRow(_("Report:"), self.stream)
        form.addRow(_("Letters:"), self.per_unit)
        form.addRow(_("Scope:"), self.scope)
        form.addRow(_("Count to the end of:"), self.as_of)
        form.addRow(_("Ask to send by:"), self.reply_by)
        form.addRow("", self.not_due)
        form.addRow(_("Write:"), self.outputs)
        form.addRow(_("PDF files:"), self.files)
        form.addRow(_("Into the folder:"), folder_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 640, 460)

    @Slot()
    def _browse(self) -> None:
        file_dialog(
            self,
            name="remind-folder-dialog",
            remember_as=FOLDER_PURPOSE,
            title=_("Where to write the reminder letters"),
            mode=QFileDialog.FileMode.Directory,
            on_chosen=lambda paths: self.folder.setText(str(paths[0])),
        )

    @Slot()
    def _choice_changed(self) -> None:
        if self.task is None:
            self.status.clear()

    def request(self) -> ReminderRequest:
        """What the choices ask for."""
        return ReminderRequest(
            plan_id=self._plan.id,
            stream=self.stream.currentData(),
            scope=self._scopes[self.scope.currentIndex()][1] if self._scopes else Scope(),
            as_of=_day(self.as_of),
            per_unit=bool(self.per_unit.currentData()),
            include_not_due=self.not_due.isChecked(),
        )

    def _refuse(self, text: str) -> None:
        self.status.setText(text)
        warn(self, text)
        self.refused.emit(text)

    def _checked_folder(self) -> Path | None:
        text = self.folder.text().strip()
        folder = Path(text) if text else None
        if folder is None or not folder.is_dir():
            self._refuse(
                _("The folder {folder} does not exist. Choose a folder to write into.").format(
                    folder=text
                )
            )
            return None
        if not os.access(folder, os.W_OK | os.X_OK):
            self._refuse(
                _("The folder {folder} cannot be written to. Choose another folder.").format(
                    folder=folder
                )
            )
            return None
        return folder

    def start(self, replace: bool = False) -> None:
        """Check the choices, then write on the worker (the dialog stays open until done);
        files that exist are replaced only with ``replace`` (asked first)."""
        from app.printing import check_reminder_files, print_reminders, reminder_files
        from app.rollup import export_reminder_workbook, read_reminders

        if self.task is not None:
            return
        folder = self._checked_folder()
        if folder is None:
            return
        request = self.request()
        letters, workbook = OUTPUTS[self.outputs.currentIndex()]
        single = bool(self.files.currentData())
        reply_by = _day(self.reply_by)
        stream = request.stream
        pdf = folder / f"don-doc-{stream}.pdf" if single else folder
        xlsx = folder / f"danh-sach-don-doc-{stream}.xlsx" if workbook else None
        ctx = self._ctx

        def job(progress: Any, token: CancelToken) -> ReminderOutput | None:
            progress(0, 3)
            found = read_reminders(ctx, request)
            found.require_letters()
            targets = reminder_files(found, pdf, single_file=single) if letters else []
            check_reminder_files(targets + ([xlsx] if xlsx else []), replace=replace)
            if token.cancelled:
                return None  # nothing written yet
            progress(1, 3)
            # The workbook first: a path it refuses stops before any letter is printed.
            book = export_reminder_workbook(found, xlsx).path if xlsx is not None else None
            progress(2, 3)
            paths: tuple[Path, ...] = ()
            if letters:
                paths = print_reminders(
                    ctx,
                    reminders=found,
                    out=pdf,
                    single_file=single,
                    reply_by=reply_by,
                    replace=replace,
                ).paths
            progress(3, 3)
            return ReminderOutput(paths, book, len(found.letters), len(found.units))

        remember_folder(FOLDER_PURPOSE, folder)
        self._set_busy(True)
        self.status.setText(_("Writing the reminder letters…"))
        self.task = self._runner.run(
            job,
            self._finished,
            self._failed,
            self._progressed,
            doing=_("writing the reminder letters"),
        )

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setRange(0, 3)
        self.progress.setValue(0)
        self.write_button.setEnabled(not busy)
        for widget in (self.stream, self.per_unit, self.scope, self.outputs, self.files):
            widget.setEnabled(not busy)
        if not busy:
            self.files.setEnabled(OUTPUTS[self.outputs.currentIndex()][0])

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    @Slot()
    def cancel(self) -> None:
        """Stop the work before it writes anything, or close the dialog when idle."""
        if self.task is not None:
            self.task.token.cancel()
            self.status.setText(_("Stopping…"))
            return
        self.reject()

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        from app.printing import OutputExists

        self.task = None
        self._set_busy(False)
        if isinstance(error, OutputExists):
            self.status.clear()
            confirm_replace(
                self,
                name="remind-replace",
                title=_("Reminder letters (công văn đôn đốc)"),
                text=error.translated(),
                count=len(error.paths),
                on_yes=lambda: self.start(replace=True),
            )
            return
        text = report_failure(self, error)
        self.status.setText(text)
        self.refused.emit(text)

    @Slot(object)
    def _finished(self, output: ReminderOutput | None) -> None:
        self.task = None
        self._set_busy(False)
        if output is None:
            self.status.setText(_("Cancelled: nothing was written."))
            return
        self.output = output
        lines = [
            _("{letters} reminder letters about {units} units written.").format(
                letters=output.count, units=output.units
            )
        ]
        lines += [str(path) for path in output.letters]
        if output.workbook is not None:
            lines.append(_("The list is in {path}.").format(path=output.workbook))
        self.status.setText("\n".join(lines))
        # Nothing left to cancel: the button closes the dialog, the files stay.
        self.cancel_button.setText(_("Close"))
        self.written.emit(output)
        if len(output.letters) == 1:
            # The preview pulls in QtPdf: loaded the first time something is printed.
            from ui.widgets.pdf_preview import PdfPreviewDialog

            PdfPreviewDialog(output.letters[0], self).open()


__all__ = ["ReminderDialog", "ReminderOutput"]

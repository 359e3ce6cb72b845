"""Entry on a unit's behalf (nhập hộ): the chair's own statement screen, at the federation.

Staff choose the report, type the unit's paper form into the same table and details
panel the chair uses (``ui.unit.stream_page``), or read the unit's filled Excel
template (old → new first, as the unit's own import shows it), and save: each save is
one version of the entry (:func:`app.exchange.enter_statement`, or
:func:`app.unit.apply_entry_workbook`), marked as entered by staff, audited, never
signed in the unit's name. A report the unit sent itself (signed) is shown and cannot
be entered. ``saved`` is emitted with the message of each entry saved.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QUndoGroup
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.days import today_local
from app.core.errors import N_, UserError
from app.core.i18n import gettext as _
from app.core.i18n import ngettext
from app.unit import (
    SIGNED,
    EntryPreview,
    EntryWorkspace,
    StatementDetails,
)

from ui.federation.common import BANNER_STYLE, stream_label
from ui.unit.import_preview import ImportPreviewDialog
from ui.unit.stream_page import StreamPage
from ui.widgets.dates import date_edit, day_of, qdate
from ui.widgets.errors import error_text, report_failure
from ui.widgets.help import dialog_help_button
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.styles import NOTE_STYLE
from ui.widgets.tasks import CancelToken, Runner

#: What the banner says of each report's source.
_SOURCE_TEXT = {
    "": N_("Nothing received from the unit: type its paper form, or read its Excel file."),
    "paper": N_("Entered by staff from the paper form; saving again corrects the entry."),
    "excel": N_("Entered by staff from the Excel file; saving again corrects the entry."),
    SIGNED: N_("The unit sent this report itself, signed: it cannot be entered on its behalf."),
}


class EntryDialog(QDialog):
    """See the module docstring."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-entry"

    def help_anchor_of(self, _stream: str) -> str:
        """Its report's tab is explained with the entry itself."""
        return self.help_anchor

    #: The message of each entry saved.
    saved = Signal(str)
    #: Emitted once the unit's statements are on screen.
    loaded = Signal()

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
        self.setObjectName("entry-dialog")
        self._ctx = ctx
        self._runner = runner.bound(self)
        self.unit_code = unit_code
        self._plan_id = plan_id
        self._wanted = stream
        self.entry: EntryWorkspace | None = None
        self.pages: dict[str, StreamPage] = {}
        #: What is typed, per report, until saved.
        self.values: dict[str, dict[str, domain.UnitValue]] = {}
        self.details: dict[str, StatementDetails] = {}
        self.undo_group = QUndoGroup(self)
        self.setWindowTitle(_("Enter on behalf of {code}").format(code=unit_code))
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.stream = QComboBox()
        self.stream.setObjectName("entry-stream")
        self.stream.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.stream.currentIndexChanged.connect(self._stream_chosen)
        # The day the paper form or file reached the federation: the on-time rate
        # counts the entry from it (app.exchange.received_moment).
        today = today_local()
        self.received = date_edit("entry-received", today)
        self.received.setMaximumDate(qdate(today))
        self.received.setToolTip(
            _("The day the unit's paper form or Excel file reached the federation.")
        )
        self.banner = QLabel()
        self.banner.setObjectName("entry-banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.message = QLabel()
        self.message.setObjectName("entry-message")
        self.message.setWordWrap(True)
        self.stack = QStackedWidget()
        self.excel_button = QPushButton(_("Enter from the unit's Excel file…"))
        self.excel_button.setObjectName("entry-excel")
        self.excel_button.clicked.connect(self.choose_workbook)
        self.save_button = QPushButton(_("Save the entry (paper form)"))
        self.save_button.setObjectName("entry-save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(QLabel(_("Report:")))
        top.addWidget(self.stream)
        received_label = QLabel(_("Received on:"))
        received_label.setBuddy(self.received)
        top.addWidget(received_label)
        top.addWidget(self.received)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.excel_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(dialog_help_button(self))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 1240, 700)
        self.load()

    # --- loading -----------------------------------------------------------------------

    def load(self) -> None:
        from app.unit import load_entry_workspace

        ctx, code, plan_id = self._ctx, self.unit_code, self._plan_id

        def job(_progress: Any, _token: CancelToken) -> EntryWorkspace:
            return load_entry_workspace(ctx, unit_code=code, plan_id=plan_id)

        self.setEnabled(False)
        self._runner.run(job, self.show_entry, self._refused)

    @Slot(object)
    def show_entry(self, entry: EntryWorkspace) -> None:
        self.setEnabled(True)
        self.entry = entry
        workspace = entry.workspace
        plan = workspace.plan
        self._plan_id = plan.id
        self.title.setText(f"<b>{workspace.unit.code} — {workspace.unit.name}</b> · {plan.title}")
        self.received.setMinimumDate(qdate(dt.date(plan.year, 1, 1)))
        current = self.stream.currentData() or self._wanted or plan.streams[0]
        self.values = {s: dict(workspace.values.get(s, {})) for s in plan.streams}
        self.details = {s: workspace.details.get(s, StatementDetails()) for s in plan.streams}
        for stream in plan.streams:
            page = self.pages.get(stream)
            if page is None:
                page = StreamPage(stream, self)
                self.pages[stream] = page
                self.stack.addWidget(page)
            page.load(workspace)
        self.stream.blockSignals(True)
        self.stream.clear()
        for stream in plan.streams:
            self.stream.addItem(stream_label(stream, plan), stream)
        self.stream.setCurrentIndex(max(0, self.stream.findData(current)))
        self.stream.blockSignals(False)
        self._stream_chosen(self.stream.currentIndex())
        self.loaded.emit()

    @Slot(int)
    def _stream_chosen(self, _index: int) -> None:
        stream = self.current_stream()
        if self.entry is None or stream is None:
            return
        page = self.pages[stream]
        self.stack.setCurrentWidget(page)
        self.undo_group.setActiveStack(page.undo_stack)
        source = self.entry.sources.get(stream, "")
        self.banner.setText(_(_SOURCE_TEXT[source]))
        signed = source == SIGNED
        # Red only when the report cannot be entered; otherwise a note, not an error.
        self.banner.setStyleSheet(BANNER_STYLE if signed else NOTE_STYLE)
        page.setEnabled(not signed)
        self.save_button.setEnabled(not signed)
        self.excel_button.setEnabled(not signed)

    def received_on(self) -> dt.date:
        """The day the paper form or file reached the federation, as chosen."""
        return day_of(self.received)

    def current_stream(self) -> str | None:
        data = self.stream.currentData()
        return str(data) if data is not None else None

    # --- what the statement screen saves: kept until "Save" -----------------------------

    def save_value(self, stream: str, code: str, value: domain.UnitValue) -> None:
        self.values.setdefault(stream, {})[code] = value

    def save_values(self, stream: str, values: dict[str, domain.UnitValue]) -> None:
        self.values.setdefault(stream, {}).update(values)

    def save_details(self, stream: str, details: StatementDetails) -> None:
        self.details[stream] = details

    # --- saving ------------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        """Save what is typed for the chosen report as an entry from the paper form."""
        from app.exchange import PAPER, enter_statement

        stream = self.current_stream()
        if stream is None or self._plan_id is None:
            return
        ctx, code, plan_id = self._ctx, self.unit_code, self._plan_id
        values = {
            c: v for c, v in self.values.get(stream, {}).items() if not v.is_empty() or v.note
        }
        details = self.details.get(stream, StatementDetails())
        received_on = self.received_on()

        def job(_progress: Any, _token: CancelToken) -> Any:
            return enter_statement(
                ctx,
                unit_code=code,
                plan_id=plan_id,
                stream=stream,
                source=PAPER,
                values=values,
                details=details,
                received_on=received_on,
            )

        self._run(job)

    @Slot()
    def choose_workbook(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("The unit's filled Excel template"), "", _("Excel workbooks (*.xlsx)")
        )
        if path:
            self.read_workbook(Path(path))

    def read_workbook(self, path: Path) -> None:
        """Read the unit's filled template for the chosen report; old → new before saving."""
        from app.unit import preview_entry_workbook

        ctx, code, plan_id, stream = self._ctx, self.unit_code, self._plan_id, self.current_stream()

        def job(_progress: Any, _token: CancelToken) -> EntryPreview:
            assert plan_id is not None
            return preview_entry_workbook(
                ctx, unit_code=code, plan_id=plan_id, path=path, stream=stream
            )

        self.setEnabled(False)
        self._runner.run(job, self._preview_read, self._refused)

    def _preview_read(self, preview: EntryPreview) -> None:
        self.confirm_workbook(preview)

    @Slot(object)
    def confirm_workbook(self, preview: EntryPreview) -> ImportPreviewDialog | None:
        """Show old → new; entering it waits for OK (the dialog is returned for tests)."""
        self.setEnabled(True)
        if self.entry is None:
            return None
        plan = self.entry.workspace.plan
        dialog = ImportPreviewDialog(
            plan,
            preview,
            lambda s: stream_label(s, plan),
            self,
            intro_text=_(
                "The unit's workbook {name} ({what}) changes {count} values of what the "
                "federation holds. Only values and notes come from a workbook; a cell left "
                "empty keeps what is held. It is saved as entered by staff from the Excel "
                "file, not as signed by the unit."
            ),
        )
        dialog.accepted.connect(lambda: self._enter_workbook(preview))
        dialog.open()
        self.preview_dialog = dialog
        return dialog

    def _enter_workbook(self, preview: EntryPreview) -> None:
        from app.unit import apply_entry_workbook

        ctx, received_on = self._ctx, self.received_on()

        def job(_progress: Any, _token: CancelToken) -> Any:
            return apply_entry_workbook(ctx, preview=preview, received_on=received_on)

        self._run(job)

    def _run(self, job: Any) -> None:
        self.setEnabled(False)
        self.message.setText("")

        def done(result: Any) -> None:
            text = _("Entry {revision} of {stream} saved for {code}.").format(
                revision=result.revision,
                stream=stream_label(result.stream, self.entry.workspace.plan)
                if self.entry
                else result.stream,
                code=result.unit_code,
            )
            if result.flags:
                text += " " + ngettext(
                    "{count} suspicious value: see the “Suspicious values” tab.",
                    "{count} suspicious values: see the “Suspicious values” tab.",
                    result.flags,
                ).format(count=result.flags)
            self.message.setText(text)
            self.saved.emit(text)
            self._wanted = result.stream
            self.load()

        self._runner.run(job, done, self._refused)

    @Slot(object)
    def _refused(self, error: BaseException) -> None:
        """A refused entry is said in the dialog, which keeps what was typed."""
        self.setEnabled(True)
        if isinstance(error, UserError):
            self.message.setText(error_text(error))
        else:
            report_failure(self, error)


__all__ = ["EntryDialog"]

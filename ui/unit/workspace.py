"""The union chair's workspace: registration, results, sending, printing, backup.

Edits are saved as they are made (one small transaction each, on the GUI
thread because they take milliseconds and must be on disk before the next
keystroke); exports, printing, imports and backups run on the task runner.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.errors import N_
from app.core.i18n import gettext as _
from app.unit import StatementDetails, Workspace
from db.enums import REGISTRATION_STREAM

from ui.unit.details import DetailsPanel
from ui.unit.statement_table import Column, StatementModel, StatementView
from ui.widgets.dialogs import file_dialog, warn
from ui.widgets.errors import report_failure
from ui.widgets.folders import removable_folders
from ui.widgets.tasks import CancelToken, Runner


def vietnamese_stream_label(plan: Any, stream: str) -> str:
    """What a stream's paper is called, in Vietnamese whatever the screen's language
    (files are named after the printed form)."""
    if stream == REGISTRATION_STREAM:
        return f"Đăng ký thi đua {plan.year}"
    name = next((p.name for p in plan.periods if p.code == stream), stream)
    return f"Kết quả {name}"


class StreamPage(QWidget):
    """One stream: the indicator table beside the details panel."""

    def __init__(self, stream: str, workspace_widget: UnitWorkspace) -> None:
        super().__init__()
        self.stream = stream
        registration = stream == REGISTRATION_STREAM
        #: This tab's own edits: Ctrl+Z never reaches into another tab (another report).
        self.undo_stack = QUndoStack(self)
        workspace_widget.undo_group.addStack(self.undo_stack)
        self.model = StatementModel(
            stream=stream,
            save=self._save_value,
            save_many=self._save_values,
            undo_stack=self.undo_stack,
            parent=self,
        )
        self.view = StatementView()
        self.view.setModel(self.model)
        self.view.configure(registration)
        self.details = DetailsPanel(
            registration=registration,
            save=self._save_details,
            undo_stack=self.undo_stack,
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self._owner = workspace_widget
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.message)
        splitter.addWidget(left)
        # The details scroll rather than make the window taller than a 768-pixel screen.
        self.details_scroll = QScrollArea()
        self.details_scroll.setWidget(self.details)
        self.details_scroll.setWidgetResizable(True)
        self.details_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # The panel's own tables scroll sideways if they must; the panel itself never.
        self.details_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        splitter.addWidget(self.details_scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        self._fit_details()
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.model.message_changed.connect(self._show_message)

    def _fit_details(self) -> None:
        """The panel as wide as its widest row (more with larger text); the table, which
        scrolls sideways, gives up the room."""
        character = max(1, self.fontMetrics().averageCharWidth())
        scrollbar = self.details_scroll.verticalScrollBar().sizeHint().width()
        needed = self.details.minimumSizeHint().width() + scrollbar + 4
        self.details_scroll.setMinimumWidth(needed)
        sizes = self.splitter.sizes()
        panel = max(44 * character, needed)
        if sum(sizes) > 0 and sizes[1] < panel:
            self.splitter.setSizes([max(0, sum(sizes) - panel), panel])
        elif sum(sizes) == 0:
            self.splitter.setSizes([1000, panel])

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() is QEvent.Type.FontChange:
            # Once every child has its new font: Ctrl++ cut the panel off at its right edge.
            QTimer.singleShot(0, self, self._fit_details)  # dropped with the page

    def load(self, workspace: Workspace) -> None:
        self.model.set_workspace(workspace)
        self.details.load(workspace.plan, workspace.details.get(self.stream, StatementDetails()))
        if self.stream != REGISTRATION_STREAM:
            # Mid-year there is no verdict to show unless the plan sets a target for the period.
            plan = workspace.plan
            judged = self.stream == plan.final_period or any(
                t.period == self.stream for i in plan.indicators for t in i.targets
            )
            self.view.setColumnHidden(Column.VERDICT, not judged)
            self.view.fit_header(Column.PERCENT)
        self.view.span_groups()
        self.view.resizeRowsToContents()

    @Slot(int, str)
    def _show_message(self, row: int, message: str) -> None:
        indicator = self.model.row_at(row).indicator
        if message and indicator is not None:
            self.message.setText(f"{indicator.code}: {_(message)}")
        else:
            self.message.setText("")

    def _save_value(self, code: str, value: domain.UnitValue) -> None:
        self._owner.save_value(self.stream, code, value)

    def _save_values(self, values: dict[str, domain.UnitValue]) -> None:
        self._owner.save_values(self.stream, values)

    def _save_details(self, details: StatementDetails) -> None:
        self._owner.save_details(self.stream, details)

    def retranslate(self) -> None:
        self.model.retranslate()
        self.details.translateUI()


class UnitWorkspace(QWidget):
    """Everything the chair does, for the unit's current plan."""

    #: Emitted after the workspace is (re)loaded from the database.
    loaded = Signal()
    #: Emitted with a translated message when something the user asked for failed.
    failed = Signal(str)
    #: Emitted with a translated message when a long task finished well.
    done = Signal(str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner.bound(self)
        self.workspace: Workspace | None = None
        #: One undo stack per tab; the toolbar's Undo and Redo act on the tab shown.
        self.undo_group = QUndoGroup(self)
        self.last_export: Any = None
        self.last_pdf: Path | None = None
        self.preview_dialog: Any = None  # the Excel import's old → new dialog, when open
        self.practice_box: Any = None  # keep or delete what was typed while practising
        self.review_dialog: Any = None  # the review before sending, when open

        self._header = QLabel()
        self._header.setWordWrap(True)
        self._banner = QLabel()
        self._banner.setWordWrap(True)
        self._banner.setStyleSheet(
            "background: #fff3cd; border: 1px solid #e0c36c; padding: 6px; color: #5c4400"
        )
        self._banner_button = QPushButton()
        self._banner_button.clicked.connect(self.import_from_federation)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self._banner, 1)
        banner_row.addWidget(self._banner_button)

        self.tabs = QTabWidget()
        self.tabs.currentChanged.connect(self._tab_changed)
        self.pages: dict[str, StreamPage] = {}
        self.status_table = QTableWidget(0, 4)
        self.status_table.verticalHeader().setVisible(False)
        self.status_table.horizontalHeader().setStretchLastSection(True)
        self.status_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.export_action = QAction(self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.export_current)
        self.print_action = QAction(self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_action.triggered.connect(self.print_current)
        self.template_action = QAction(self)
        self.template_action.triggered.connect(self.save_template)
        self.fill_action = QAction(self)
        self.fill_action.triggered.connect(self.fill_from_excel)
        self.import_action = QAction(self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.import_from_federation)
        self.key_card_action = QAction(self)
        self.key_card_action.triggered.connect(self.print_key_card)
        self.backup_action = QAction(self)
        self.backup_action.setShortcut(QKeySequence("Ctrl+B"))
        self.backup_action.triggered.connect(self.backup)
        self.undo_action = QAction(self)
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.undo_action.triggered.connect(self.undo_group.undo)
        self.redo_action = QAction(self)
        redo_keys = [QKeySequence("Ctrl+Y")]
        for binding in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo):
            if binding.toString() not in {k.toString() for k in redo_keys}:
                redo_keys.append(binding)
        self.redo_action.setShortcuts(redo_keys)  # one action, no duplicate (ambiguous) keys
        self.redo_action.triggered.connect(self.undo_group.redo)
        self.undo_group.canUndoChanged.connect(lambda _can: self._refresh_undo_actions())
        self.undo_group.canRedoChanged.connect(lambda _can: self._refresh_undo_actions())
        self.undo_group.undoTextChanged.connect(lambda _text: self._refresh_undo_actions())
        self.undo_group.redoTextChanged.connect(lambda _text: self._refresh_undo_actions())
        self.undo_group.activeStackChanged.connect(lambda _stack: self._refresh_undo_actions())
        for action in (
            self.export_action,
            self.print_action,
            self.template_action,
            self.fill_action,
            self.import_action,
            self.key_card_action,
            self.backup_action,
            self.undo_action,
            self.redo_action,
        ):
            self.toolbar.addAction(action)
            self.addAction(action)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        send_page = QWidget()
        send_layout = QVBoxLayout(send_page)
        self._send_intro = QLabel()
        self._send_intro.setWordWrap(True)
        send_layout.addWidget(self._send_intro)
        send_layout.addWidget(self.status_table)
        self._send_page = send_page

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self._header)
        layout.addLayout(banner_row)
        layout.addWidget(self.tabs, 1)
        self.translateUI()

    # --- language ------------------------------------------------------------------------

    def translateUI(self) -> None:
        self.export_action.setText(_("Send to the federation…"))
        self.export_action.setToolTip(_("Write the signed package to a USB stick (Ctrl+E)"))
        self.print_action.setText(_("Print…"))
        self.template_action.setText(_("Excel template…"))
        self.fill_action.setText(_("Import from Excel…"))
        self.import_action.setText(_("Import from the federation…"))
        self.backup_action.setText(_("Back up…"))
        self.key_card_action.setText(_("Key card…"))
        self.key_card_action.setToolTip(_("Print the key's fingerprint to sign, stamp and send"))
        self._refresh_undo_actions()
        self._banner_button.setText(_("Import the plan package…"))
        self._send_intro.setText(
            _(
                "Each export writes the next revision of the package; the federation keeps the "
                "newest. Import the federation's receipt or return here to see its answer."
            )
        )
        self.status_table.setHorizontalHeaderLabels(
            [_("What"), _("Revision"), _("Status"), _("Federation's comments")]
        )
        for page in self.pages.values():
            page.retranslate()
        self._retitle_tabs()
        self._refresh_header()
        self._refresh_status()

    def _refresh_undo_actions(self) -> None:
        """Undo/Redo name the current tab's next step, in the user's language."""
        group = self.undo_group
        undo, redo = group.undoText(), group.redoText()
        self.undo_action.setEnabled(group.canUndo())
        self.redo_action.setEnabled(group.canRedo())
        self.undo_action.setText(
            _("Undo: {step}").format(step=undo) if group.canUndo() and undo else _("Undo")
        )
        self.redo_action.setText(
            _("Redo: {step}").format(step=redo) if group.canRedo() and redo else _("Redo")
        )

    @Slot(int)
    def _tab_changed(self, _index: int) -> None:
        page = self.tabs.currentWidget()
        if isinstance(page, StreamPage):
            self.undo_group.setActiveStack(page.undo_stack)
        else:  # the sending tab: nothing to undo there
            self.undo_group.setActiveStack(None)  # type: ignore[arg-type]

    def _retitle_tabs(self) -> None:
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            if isinstance(page, StreamPage):
                self.tabs.setTabText(index, self.stream_label(page.stream))
            else:
                self.tabs.setTabText(index, _("Sending"))

    def stream_label(self, stream: str) -> str:
        if stream == REGISTRATION_STREAM:
            return _("Registration")
        if self.workspace is not None:
            for period in self.workspace.plan.periods:
                if period.code == stream:
                    return _("Results: {period}").format(period=period.name)
        return stream

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the workspace (small; done on the GUI thread right after an edit)."""
        from app.unit import load_workspace

        self.workspace = load_workspace(self._ctx)
        workspace = self.workspace
        if set(self.pages) != set(workspace.streams):
            self.tabs.clear()
            for old in self.pages.values():
                self.undo_group.removeStack(old.undo_stack)
            self.pages = {s: StreamPage(s, self) for s in workspace.streams}
            registration = self.pages.get(REGISTRATION_STREAM)
            if registration is not None:
                registration.model.value_changed.connect(self._registration_changed)
            for page in self.pages.values():
                self.tabs.addTab(page, "")
            self.tabs.addTab(self._send_page, "")
            self._retitle_tabs()
        for page in self.pages.values():
            page.load(workspace)
        self._tab_changed(self.tabs.currentIndex())
        self._refresh_header()
        self._refresh_status()
        self.loaded.emit()

    @Slot(str)
    def _registration_changed(self, code: str) -> None:
        """A registered value changed: every results tab shows it, and its progress."""
        value = self.pages[REGISTRATION_STREAM].model.value_of(code)
        for stream, page in self.pages.items():
            if stream != REGISTRATION_STREAM:
                page.model.show_registered(code, value)

    def _refresh_header(self) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        unit = workspace.unit
        self._header.setText(
            f"<b>{unit.name}</b> ({unit.code or _('no code yet')}) — {workspace.plan.title}<br>"
            + _("Key fingerprint: {fingerprint}").format(
                fingerprint=workspace.key_fingerprint or _("created at the first export")
            )
        )
        returned = [s for s in workspace.streams if workspace.states[s].status == "returned"]
        if workspace.federation_pinned and returned:
            state = workspace.states[returned[0]]
            self._banner.setText(
                _(
                    "The federation returned {what} (revision {revision}) for correction: "
                    "{comment} The cells it commented on are marked in yellow; correct them "
                    "and send again."
                ).format(
                    what=self.stream_label(returned[0]),
                    revision=state.revision,
                    comment=(state.general_comment.strip() + ".").replace("..", ".")
                    if state.general_comment.strip()
                    else "",
                )
            )
            self._banner_button.hide()
            self._banner.show()
            return
        if not workspace.federation_pinned:
            self._banner.setText(
                _(
                    "Practice mode: you are using the built-in plan. Import the plan package the "
                    "federation sent you before sending anything."
                )
            )
            self._banner_button.show()
            self._banner.show()
        elif not workspace.last_backup_at:
            self._banner.setText(
                _("No backup yet: back up the database and the key to a USB stick (Ctrl+B).")
            )
            self._banner_button.hide()
            self._banner.show()
        else:
            self._banner.hide()
            self._banner_button.hide()

    def status_text(self, state: Any) -> str:
        template: str = {
            "draft": _("not sent"),
            "sent": _("sent, revision {revision}"),
            "changed": _("changed after sending revision {revision}"),
            "received": _("received by the federation (revision {revision})"),
            "returned": _("returned for correction (revision {revision})"),
        }.get(state.status, state.status)
        return template.format(revision=state.revision)

    def _refresh_status(self) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        self.status_table.setRowCount(0)
        for stream in workspace.streams:
            state = workspace.states[stream]
            row = self.status_table.rowCount()
            self.status_table.insertRow(row)
            comments = state.general_comment
            if state.comments:
                comments += " " + "; ".join(f"{c}: {t}" for c, t in state.comments.items())
            for column, text in enumerate(
                (
                    self.stream_label(stream),
                    str(state.revision or ""),
                    self.status_text(state),
                    comments.strip(),
                )
            ):
                self.status_table.setItem(row, column, QTableWidgetItem(text))

    # --- saving (every edit) ---------------------------------------------------------------------

    def save_value(self, stream: str, code: str, value: domain.UnitValue) -> None:
        from app.unit import set_value

        assert self.workspace is not None
        set_value(self._ctx, plan_id=self.workspace.plan.id, stream=stream, code=code, value=value)

    def save_values(self, stream: str, values: dict[str, domain.UnitValue]) -> None:
        from app.unit import set_values

        assert self.workspace is not None
        set_values(self._ctx, plan_id=self.workspace.plan.id, stream=stream, values=values)

    def save_details(self, stream: str, details: StatementDetails) -> None:
        from app.unit import set_details

        assert self.workspace is not None
        set_details(self._ctx, plan_id=self.workspace.plan.id, stream=stream, details=details)

    def flush(self) -> None:
        """Save what is still being typed in any tab's details (before closing)."""
        for page in self.pages.values():
            try:
                page.details.flush()
            except Exception as error:  # closing must not fail; the log keeps what happened
                from app.core.crashlog import record_unexpected

                record_unexpected(error, where="flush before closing")

    def current_stream(self) -> str:
        page = self.tabs.currentWidget()
        return page.stream if isinstance(page, StreamPage) else REGISTRATION_STREAM

    def page(self, stream: str) -> StreamPage:
        return self.pages[stream]

    # --- export --------------------------------------------------------------------------------

    @Slot()
    def export_current(self) -> None:
        from app.exchange import Header, Kind, suggested_file_name
        from app.unit import load_workspace, missing_before_export

        stream = self.current_stream()
        self.pages[stream].details.flush()
        self.workspace = load_workspace(self._ctx)
        workspace = self.workspace
        missing = missing_before_export(workspace, stream)
        if not workspace.federation_pinned:
            missing.insert(
                0, N_("Import the federation's plan package first: it says where to send packages.")
            )
        if missing:
            self._warn("\n".join(_(m) for m in missing))
            return
        state = workspace.states[stream]
        revision = state.revision + 1
        name = suggested_file_name(
            Header(
                package_id="",
                kind=Kind.REPORT,
                audience="",
                unit_id=workspace.unit.id,
                unit_code=workspace.unit.code,
                signer="",
                epoch=1,
                plan_id=workspace.plan.id,
                stream=stream,
                revision=revision,
                supersedes=None,
                plan_ref="",
                created_at="",
            )
        )
        from app.unit import review_before_sending

        from ui.unit.review import ReviewDialog

        review = review_before_sending(workspace, stream)
        confirm = ReviewDialog(
            workspace.plan, review, self.stream_label, workspace.key_fingerprint, self
        )
        confirm.accepted.connect(lambda: self._ask_save_path(name, stream))
        confirm.open()
        self.review_dialog = confirm

    def _ask_save_path(self, name: str, stream: str) -> None:
        file_dialog(
            self,
            name="save-package",
            title=_("Where to write the package"),
            mode=QFileDialog.FileMode.AnyFile,
            save=True,
            name_filter=_("Thi Đua packages (*.thidua)"),
            suggested=name,
            remember_as="packages",
            on_chosen=lambda paths: self._export_to(paths[0], stream),
        )

    def _export_to(self, path: Path, stream: str) -> None:
        from app.unit import export_with_enrolment

        assert self.workspace is not None
        ctx, plan_id = self._ctx, self.workspace.plan.id
        if path.suffix != ".thidua":
            path = path.with_name(path.name + ".thidua")

        def job(_progress: Any, _token: CancelToken) -> Any:
            return export_with_enrolment(ctx, plan_id=plan_id, stream=stream, out=path)

        def finished(result: Any) -> None:
            export, enrolment = result
            self.last_export = export
            self.reload()
            text = _("Written {path} (revision {revision}, key {fingerprint}).").format(
                path=export.path, revision=export.revision, fingerprint=export.fingerprint
            )
            if enrolment is not None:
                text += "\n\n" + _(
                    "The key's enrolment {name} was written beside it: send both files until "
                    "the federation confirms the key."
                ).format(name=enrolment.path.name)
            self._inform(text)

        self._runner.run(job, finished, self._error)

    # --- import from the federation -------------------------------------------------------

    @Slot()
    def import_from_federation(self) -> None:
        file_dialog(
            self,
            name="open-package",
            title=_("Package from the federation"),
            mode=QFileDialog.FileMode.ExistingFile,
            name_filter=_("Thi Đua packages (*.thidua)"),
            remember_as="packages",
            on_chosen=lambda paths: self.import_file(paths[0]),
        )

    def import_file(self, path: Path) -> None:
        """A plan package (asks to confirm the fingerprint the first time) or a receipt."""
        from app.unit import federation_file_kind

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            return federation_file_kind(ctx, path=path)

        def classified(result: Any) -> None:
            kind, info = result
            if kind == "plan" and info is not None and not info.federation_pinned:
                self._confirm_fingerprint(path, info)
            elif kind == "plan":
                self._import_plan(path, None)
            else:
                self._import_receipt(path)

        self._runner.run(job, classified, self._error)

    def _confirm_fingerprint(self, path: Path, info: Any) -> None:
        from ui.unit.fingerprint import FingerprintDialog

        dialog = FingerprintDialog(info.federation_name, info.federation_fingerprint, self)
        dialog.confirmed.connect(lambda typed: self._ask_about_practice(path, info, typed))
        dialog.open()

    def _ask_about_practice(self, path: Path, info: Any, fingerprint: str) -> None:
        """Values typed while practising: keep them for the real plan, or start clean."""
        if not info.practice_values:
            self._import_plan(path, fingerprint)
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Values typed while practising"),
            _(
                "You typed {count} values on the built-in practice plan. Keep them for the "
                "federation's plan (check them before you send anything), or delete them and "
                "start clean?"
            ).format(count=info.practice_values),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("practice-values")
        keep = box.addButton(_("Keep them"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(_("Delete them"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)

        def chosen(button: Any) -> None:
            if button is keep:
                self._import_plan(path, fingerprint)
            elif button is discard:
                self._import_plan(path, fingerprint, discard_practice=True)

        box.buttonClicked.connect(chosen)
        box.open()
        self.practice_box = box

    def _import_plan(
        self, path: Path, fingerprint: str | None, *, discard_practice: bool = False
    ) -> None:
        from app.unit import import_plan_package

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            return import_plan_package(
                ctx,
                path=path,
                confirmed_fingerprint=fingerprint,
                discard_practice=discard_practice,
            )

        def finished(info: Any) -> None:
            self.reload()
            self.done.emit(
                _("Plan {plan} imported for {unit}.").format(
                    plan=info.plan_title or info.plan_id, unit=info.unit_name
                )
            )

        self._runner.run(job, finished, self._error)

    def _import_receipt(self, path: Path) -> None:
        from app.unit import import_receipt

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            return import_receipt(ctx, path=path)

        def finished(status: Any) -> None:
            self.reload()
            self._inform(
                _("{what}: {status}.").format(
                    what=self.stream_label(status.stream), status=self.status_text(status)
                )
            )

        self._runner.run(job, finished, self._error)

    # --- Excel ---------------------------------------------------------------------------------

    @Slot()
    def save_template(self) -> None:
        stream = self.current_stream()
        assert self.workspace is not None
        name = f"{self._file_stem(stream)}.xlsx"
        file_dialog(
            self,
            name="save-template",
            title=_("Save the Excel template"),
            mode=QFileDialog.FileMode.AnyFile,
            save=True,
            name_filter=_("Excel workbooks (*.xlsx)"),
            suggested=name,
            on_chosen=lambda paths: self._write_template(paths[0], stream),
        )

    def _write_template(self, path: Path, stream: str) -> None:
        from app.unit import write_template

        assert self.workspace is not None
        ctx, plan_id = self._ctx, self.workspace.plan.id

        def job(_progress: Any, _token: CancelToken) -> Any:
            return write_template(ctx, plan_id=plan_id, stream=stream, out=path)

        self._runner.run(
            job,
            lambda p: self.done.emit(_("Template written to {path}.").format(path=p)),
            self._error,
        )

    @Slot()
    def fill_from_excel(self) -> None:
        file_dialog(
            self,
            name="open-excel",
            title=_("Import values from Excel"),
            mode=QFileDialog.FileMode.ExistingFile,
            name_filter=_("Excel workbooks (*.xlsx)"),
            on_chosen=lambda paths: self.fill_file(paths[0]),
        )

    def fill_file(self, path: Path) -> None:
        """Read the workbook, show what it would change (old → new), apply when confirmed."""
        from app.unit import preview_workbook

        assert self.workspace is not None
        ctx, plan_id = self._ctx, self.workspace.plan.id

        def job(_progress: Any, _token: CancelToken) -> Any:
            return preview_workbook(ctx, path=path, plan_id=plan_id)

        self._runner.run(job, self._show_workbook_preview, self._error)

    def _show_workbook_preview(self, preview: Any) -> None:
        from ui.unit.import_preview import ImportPreviewDialog

        assert self.workspace is not None
        if not preview.changes:
            self._inform(
                _("The workbook holds nothing new: {count} values are the same as saved.").format(
                    count=preview.unchanged
                )
            )
            return
        dialog = ImportPreviewDialog(self.workspace.plan, preview, self.stream_label, self)
        dialog.accepted.connect(lambda: self.apply_workbook(preview))
        dialog.open()
        self.preview_dialog = dialog

    def apply_workbook(self, preview: Any) -> None:
        """Write the previewed changes (one transaction) as one step of the tab's undo."""
        from app.unit import apply_workbook

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            return apply_workbook(ctx, preview=preview)

        def finished(count: int) -> None:
            page = self.pages[preview.stream]
            page.model.record_import(
                {c.code: (c.old, c.new) for c in preview.changes},
                _("Import from Excel ({count} values)").format(count=count),
            )
            self.tabs.setCurrentWidget(page)
            self.reload()
            text = _("{count} values imported from the workbook; nothing else changed.").format(
                count=count
            )
            for encoding, converted in sorted(preview.conversions.items()):
                text += " " + _("{count} cells were converted from {encoding} to Unicode.").format(
                    count=converted, encoding=encoding
                )
            self.done.emit(text)

        self._runner.run(job, finished, self._error)

    # --- printing ---------------------------------------------------------------------------

    def _file_stem(self, stream: str) -> str:
        """A file name that says whose and what in Vietnamese, without marks:
        ``CS-0001_dang-ky-thi-dua-2017``, ``CS-0001_ket-qua-6-thang-dau-nam-2017``."""
        from app.core.format import file_slug

        code = file_slug(self.workspace.unit.code or "", lower=False) if self.workspace else ""
        label = vietnamese_stream_label(self.workspace.plan, stream) if self.workspace else stream
        return f"{code or 'don-vi'}_{file_slug(label)}"

    @Slot()
    def print_current(self) -> None:
        stream = self.current_stream()
        self.pages[stream].details.flush()
        ctx = self._ctx
        target = Path(tempfile.mkdtemp(prefix="thidua-")) / f"{self._file_stem(stream)}.pdf"

        def job(_progress: Any, _token: CancelToken) -> Any:
            from app.printing import documents

            if stream == REGISTRATION_STREAM:
                return documents.print_registration_form(ctx, out=target)
            return documents.print_results_report(ctx, period=stream, out=target)

        self._runner.run(job, self._preview, self._error)

    @Slot()
    def print_key_card(self) -> None:
        ctx = self._ctx
        target = Path(tempfile.mkdtemp(prefix="thidua-")) / "the-khoa.pdf"

        def job(_progress: Any, _token: CancelToken) -> Any:
            from app.printing import print_key_card

            return print_key_card(ctx, out=target)

        self._runner.run(job, self._preview, self._error)

    def _preview(self, path: Any) -> None:
        from ui.widgets.pdf_preview import PdfPreviewDialog

        self.last_pdf = Path(path)
        PdfPreviewDialog(Path(path), self).open()

    # --- backup --------------------------------------------------------------------------------

    @Slot()
    def backup(self) -> None:
        file_dialog(
            self,
            name="backup-folder",
            title=_("Folder for the backup (a USB stick)"),
            mode=QFileDialog.FileMode.Directory,
            on_chosen=lambda paths: self._ask_backup_passphrase(paths[0]),
        )

    def _ask_backup_passphrase(self, folder: Path) -> None:
        from ui.unit.passphrase import PassphraseDialog

        dialog = PassphraseDialog(self)
        dialog.chosen.connect(lambda text: self.backup_to(folder, text))
        dialog.open()

    def backup_to(self, folder: Path, passphrase: str) -> None:
        from app.setup import backup_installation

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            return backup_installation(ctx, target=folder, passphrase=passphrase)

        def finished(info: Any) -> None:
            self.reload()
            self.done.emit(_("Backup written to {path}.").format(path=info.folder))

        self._runner.run(job, finished, self._error)

    # --- messages ------------------------------------------------------------------------------

    def _inform(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, _("Thi Đua"), text, parent=self)
        box.setObjectName("information")
        box.open()
        self.done.emit(text)

    def _warn(self, text: str) -> None:
        warn(self, text)
        self.failed.emit(text)

    def _error(self, error: BaseException) -> None:
        self.failed.emit(report_failure(self, error))


def today() -> dt.date:
    return dt.date.today()


__all__ = ["Column", "StreamPage", "UnitWorkspace", "removable_folders"]

"""The union chair's workspace: the screen of :mod:`ui.unit.workspace_view` and what its
toolbar does — send to the federation and import what it sends, Excel, printing, backup.

Exports, printing, imports and backups run on the task runner.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.core.context import AppContext
from app.core.errors import N_
from app.core.i18n import gettext as _
from app.printing import PrintedForm, record_printed
from db.enums import REGISTRATION_STREAM

from ui.unit.workspace_view import WorkspaceView
from ui.widgets.backup import ask_backup_folder, ask_backup_passphrase
from ui.widgets.dialogs import ending_in, file_dialog
from ui.widgets.legacy_cells import legacy_summary
from ui.widgets.print_preview import preview_pdf
from ui.widgets.tasks import CancelToken, Runner

if TYPE_CHECKING:
    from ui.unit.import_preview import ImportPreviewDialog
    from ui.unit.review import ReviewDialog


def vietnamese_stream_label(plan: Any, stream: str) -> str:
    """What a stream's paper is called, in Vietnamese whatever the screen's language
    (files are named after the printed form)."""
    if stream == REGISTRATION_STREAM:
        return f"Đăng ký thi đua {plan.year}"
    name = next((p.name for p in plan.periods if p.code == stream), stream)
    return f"Kết quả {name}"


class UnitWorkspace(WorkspaceView):
    """Everything the chair does, for the unit's current plan."""

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.last_export: Any = None
        self.last_pdf: Path | None = None
        #: The Excel import's old → new dialog, when open.
        self.preview_dialog: ImportPreviewDialog | None = None
        #: Keep or delete what was typed while practising.
        self.practice_box: QMessageBox | None = None
        #: The review before sending, when open.
        self.review_dialog: ReviewDialog | None = None
        self._banner_button.clicked.connect(self.import_from_federation)
        for action, slot in (
            (self.export_action, self.export_current),
            (self.print_action, self.print_current),
            (self.template_action, self.save_template),
            (self.fill_action, self.fill_from_excel),
            (self.import_action, self.import_from_federation),
            (self.key_card_action, self.print_key_card),
            (self.backup_action, self.backup),
        ):
            action.triggered.connect(slot)

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
            help="unit-sending",
            on_chosen=lambda paths: self._export_to(paths[0], stream),
        )

    def _export_to(self, path: Path, stream: str) -> None:
        from app.unit import export_with_enrolment

        assert self.workspace is not None
        ctx, plan_id = self._ctx, self.workspace.plan.id
        path = ending_in(path, ".thidua")

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
            help="unit-plan",
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
            if preview.legacy.converted or preview.legacy.left:
                text += " " + legacy_summary(preview.legacy)
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
        from app.printing import print_registration_form, print_results_report

        stream = self.current_stream()
        self.pages[stream].details.flush()
        ctx = self._ctx

        def write(target: Path) -> Path:
            if stream == REGISTRATION_STREAM:
                return print_registration_form(ctx, out=target)
            return print_results_report(ctx, period=stream, out=target)

        form = PrintedForm.REGISTRATION if stream == REGISTRATION_STREAM else None
        self._preview(f"{self._file_stem(stream)}.pdf", write, printed=form)

    @Slot()
    def print_key_card(self) -> None:
        from app.printing import BatchDocument, print_key_card, unit_file_name

        ctx = self._ctx
        unit, plan = (self.workspace.unit, self.workspace.plan) if self.workspace else (None, None)
        name = unit_file_name(
            unit.code if unit else "",
            unit.id if unit else "don-vi",
            BatchDocument.KEY_CARD,
            plan.year if plan else None,
        )
        self._preview(
            name,
            lambda target: print_key_card(ctx, out=target),
            help="unit-fingerprint",
            printed=PrintedForm.KEY_CARD,
        )

    def _preview(
        self,
        name: str,
        write: Callable[[Path], Path],
        *,
        help: str = "",
        printed: PrintedForm | None = None,
    ) -> None:
        """The preview of ``write``'s PDF; printing or saving a form to sign and stamp
        (``printed``) records it (the quick start ticks it then, not on a mere look)."""
        kept = None if printed is None else (lambda: self.record_printed(printed))
        preview_pdf(
            self, self._runner, name, write, self._error, shown=self._printed, help=help, kept=kept
        )

    def record_printed(self, form: PrintedForm) -> None:
        """Record that ``form`` was printed or saved from its preview."""
        ctx = self._ctx
        plan_id = self.workspace.plan.id if self.workspace is not None else None

        def job(_progress: Any, _token: CancelToken) -> Any:
            record_printed(ctx, form=form, plan_id=plan_id)

        said = (
            _("The registration form is recorded as printed.")
            if form is PrintedForm.REGISTRATION
            else _("The key card is recorded as printed.")
        )
        self._runner.run(job, lambda _result: self.done.emit(said), self._error)

    def _printed(self, path: Path) -> None:
        self.last_pdf = path

    # --- backup --------------------------------------------------------------------------------

    @Slot()
    def backup(self) -> None:
        ask_backup_folder(
            self, lambda folder: ask_backup_passphrase(self, lambda t: self.backup_to(folder, t))
        )

    def backup_to(self, folder: Path, passphrase: str) -> None:
        from app.setup import backup_installation

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            return backup_installation(ctx, target=folder, passphrase=passphrase)

        def finished(info: Any) -> None:
            self.reload()
            self.done.emit(_("Backup written to {path}.").format(path=info.folder))

        self._runner.run(job, finished, self._error)


__all__ = ["UnitWorkspace", "vietnamese_stream_label"]

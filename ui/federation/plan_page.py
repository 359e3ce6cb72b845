"""The plan: what it asks (header, periods, movements, indicators and targets),
signed plan packages for the units, printing, and next year's plan.

Plan packages go to all units of the plan year's roster, one cluster, or the
units under one upper-level union, into a folder, with progress and Cancel
(the files already written stay whole and are counted). A plan can be cloned
for another year (dates and year shifted, number cleared). The header and the
indicators (with their targets) of a plan units do not hold yet can be
edited; once its plan packages are written or units registered against it,
the page says why it is locked (:func:`app.plans.lock.lock_reason`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.plans import RosterRef, ValueChecks
from app.rollup import Scope, ScopeChoice

from ui.federation.checks_dialog import ValueChecksDialog
from ui.federation.indicator_dialog import IndicatorDialog
from ui.federation.plan_dialogs import EditPlanDialog, ExportPlanDialog
from ui.widgets.dialogs import confirm, translate_input
from ui.widgets.errors import report_failure
from ui.widgets.key_unlock import unlock_or_fail
from ui.widgets.pages import Page
from ui.widgets.styles import NOTE_STYLE
from ui.widgets.tables import IndicatorColumn, IndicatorTableModel
from ui.widgets.tasks import CancelToken, Runner, Task, show_count


class PlanPage(Page):
    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-plan"
    exported = Signal(object)  # list of ExportedFile
    cloned = Signal(str)  # the new plan's id
    edited = Signal(str)
    #: The list of plans changed (clone, edit): the workspace reloads them.
    plans_changed = Signal(str)
    done = Signal(str)
    #: Whether the plan can be edited and the roster targets can name are known.
    editing_loaded = Signal()
    #: An indicator dialog opened (tests fill it in).
    indicator_dialog_opened = Signal(object)
    #: The indicators changed (added, changed, removed): the plan as it now is.
    indicators_changed = Signal(object)
    #: A plan package export was cancelled: (written, of).
    export_cancelled = Signal(int, int)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.plan: domain.Plan | None = None
        self.choices: list[ScopeChoice] = []
        self.checks_dialog: ValueChecksDialog | None = None
        #: Why the plan cannot change (translated), "" when it can; None until known.
        self.lock_text: str | None = None
        #: Whether the plan's number and date may still be set (it is not issued).
        self.numberable = False
        self.units: dict[str, RosterRef] = {}
        self._editing_for: tuple[str, str] | None = None
        self.export_task: Task | None = None

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.indicator_model = IndicatorTableModel(self)
        self.view = QTableView()
        self.view.setObjectName("plan-indicators")
        self.view.setModel(self.indicator_model)
        self.view.setWordWrap(True)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(IndicatorColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(IndicatorColumn.TARGET, QHeaderView.ResizeMode.Stretch)
        self.view.setColumnWidth(IndicatorColumn.CODE, 60)
        self.view.setColumnWidth(IndicatorColumn.UNIT, 100)
        self.view.setColumnWidth(IndicatorColumn.APPLIES, 240)
        self.progress = QProgressBar()
        self.progress.hide()
        self.export_button = QPushButton()
        self.export_button.setObjectName("export-plan-button")
        self.export_button.clicked.connect(self.ask_export)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_plan)
        self.clone_button = QPushButton()
        self.clone_button.setObjectName("clone-plan")
        self.clone_button.clicked.connect(self.ask_clone)
        self.checks_button = QPushButton()
        self.checks_button.setObjectName("edit-checks")
        self.checks_button.clicked.connect(self.ask_checks)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.ask_edit)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancel-plan-export")
        self.cancel_button.clicked.connect(self.cancel_export)
        self.cancel_button.hide()
        self.lock_note = QLabel()
        self.lock_note.setObjectName("plan-lock")
        self.lock_note.setWordWrap(True)
        self.lock_note.setStyleSheet(NOTE_STYLE)
        self.lock_note.hide()
        self.add_indicator_button = QPushButton()
        self.add_indicator_button.setObjectName("add-indicator")
        self.add_indicator_button.clicked.connect(lambda: self.ask_indicator(new=True))
        self.edit_indicator_button = QPushButton()
        self.edit_indicator_button.setObjectName("edit-indicator")
        self.edit_indicator_button.clicked.connect(lambda: self.ask_indicator())
        self.remove_indicator_button = QPushButton()
        self.remove_indicator_button.setObjectName("remove-indicator")
        self.remove_indicator_button.clicked.connect(self.ask_remove_indicator)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.doubleClicked.connect(lambda _index: self.ask_indicator())
        self.view.selectionModel().selectionChanged.connect(self._enable_editing)

        indicator_buttons = QHBoxLayout()
        indicator_buttons.addWidget(self.lock_note, 1)
        indicator_buttons.addWidget(self.add_indicator_button)
        indicator_buttons.addWidget(self.edit_indicator_button)
        indicator_buttons.addWidget(self.remove_indicator_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.checks_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.clone_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addLayout(indicator_buttons)
        layout.addLayout(buttons)
        self.translateUI()
        self._enable_editing()

    def translateUI(self) -> None:
        self.export_button.setText(_("Plan packages for the units…"))
        self.print_button.setText(_("Print the plan…"))
        self.clone_button.setText(_("Copy for another year…"))
        self.edit_button.setText(_("Edit the header…"))
        self.checks_button.setText(_("Checks for suspicious values…"))
        self.cancel_button.setText(_("Cancel"))
        self.add_indicator_button.setText(_("Add an indicator…"))
        self.edit_indicator_button.setText(_("Change the indicator…"))
        self.remove_indicator_button.setText(_("Remove the indicator"))
        self.indicator_model.retranslate()
        self._show_title()
        if self.plan is not None and self._editing_for is not None:
            self._load_editing(self.plan, force=True)  # the lock text in the new language

    def set_plan(self, plan: domain.Plan, choices: list[ScopeChoice] | None = None) -> None:
        self.plan = plan
        if choices is not None:
            self.choices = choices
        self.indicator_model.set_plan(plan)
        self._show_title()
        self._load_editing(plan)

    # --- editing the indicators -------------------------------------------------------------

    def _load_editing(self, plan: domain.Plan, *, force: bool = False) -> None:
        """Find out (in the background) whether ``plan`` can change, and the year's units."""
        from app.plans import plan_issue_lock, read_plan_editing

        key = (plan.id, plan.content_hash)
        if key == self._editing_for and not force:
            return
        if self._editing_for is None or self._editing_for[0] != plan.id:
            self.lock_text = None  # another plan: unknown until loaded (same plan: keep)
            self.numberable = False
        self._editing_for = key
        self._enable_editing()
        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            return read_plan_editing(ctx, plan=plan), plan_issue_lock(ctx, plan_id=plan.id)

        def loaded(result: Any) -> None:
            if self.plan is None or self.plan.id != plan.id:
                return
            (reason, units), issued = result
            self.lock_text = reason.translated() if reason is not None else ""
            self.numberable = issued is None
            self.units = units
            self._enable_editing()
            self.editing_loaded.emit()

        self._runner.run(job, loaded, self._failed, reads=True)

    @Slot()
    def _enable_editing(self) -> None:
        editable = self.plan is not None and self.lock_text == ""
        selected = self._selected_indicator() is not None
        # A plan not issued yet may get its number and date, a built-in one included.
        self.edit_button.setEnabled(editable or (self.plan is not None and self.numberable))
        self.add_indicator_button.setEnabled(editable)
        self.edit_indicator_button.setEnabled(editable and selected)
        self.remove_indicator_button.setEnabled(editable and selected)
        self.lock_note.setText(self.lock_text or "")
        self.lock_note.setVisible(bool(self.lock_text))

    def _selected_indicator(self) -> domain.Indicator | None:
        model = self.view.selectionModel()
        rows = model.selectedRows() if model is not None else []
        if not rows or self.plan is None:
            return None
        return self.indicator_model.indicator_at(rows[0].row())

    def select_indicator(self, code: str) -> bool:
        """Select the row of indicator ``code`` (for tests and after a save)."""
        for row in range(self.indicator_model.rowCount()):
            if self.indicator_model.indicator_at(row).code == code:
                self.view.selectRow(row)
                return True
        return False

    def ask_indicator(self, *, new: bool = False) -> IndicatorDialog | None:
        """The indicator dialog: a new indicator, or the selected one to change."""
        from app.plans import input_of

        if self.plan is None or self.lock_text != "":
            return None
        current = None if new else self._selected_indicator()
        if not new and current is None:
            return None
        codes = {ref.id: ref.code for ref in self.units.values()}
        typed = input_of(current, codes) if current is not None else None
        dialog = IndicatorDialog(self.plan, self.units, typed, self)
        dialog.submitted.connect(lambda item: self.save_indicator(dialog, item))
        dialog.open()
        self.indicator_dialog_opened.emit(dialog)
        return dialog

    def save_indicator(self, dialog: IndicatorDialog, item: Any) -> None:
        from app.plans import save_indicator

        if self.plan is None:
            return
        ctx, plan_id, replaces = self._ctx, self.plan.id, dialog.replaces
        dialog.buttons.setEnabled(False)

        def job(_progress: Any, _token: CancelToken) -> domain.Plan:
            return save_indicator(ctx, plan_id=plan_id, indicator=item, replaces=replaces)

        def finished(plan: domain.Plan) -> None:
            dialog.buttons.setEnabled(True)
            dialog.accept()
            self._indicators_saved(plan, _("Indicator {code} saved.").format(code=item.code))
            self.select_indicator(item.code)

        def failed(error: BaseException) -> None:
            dialog.buttons.setEnabled(True)
            text = report_failure(dialog, error, name="indicator-warning")
            self.failed.emit(text)

        self._runner.run(job, finished, failed)

    @Slot()
    def ask_remove_indicator(self) -> Any:
        indicator = self._selected_indicator()
        if indicator is None or self.plan is None or self.lock_text != "":
            return None
        code = indicator.code
        return confirm(
            self,
            name="confirm-remove-indicator",
            title=_("Remove the indicator"),
            text=_("Remove indicator {code} “{title}” and its targets from the plan?").format(
                code=code, title=indicator.title
            ),
            on_yes=lambda: self.remove_indicator(code),
            danger=True,
        )

    def remove_indicator(self, code: str) -> None:
        from app.plans import remove_indicator

        if self.plan is None:
            return
        ctx, plan_id = self._ctx, self.plan.id

        def job(_progress: Any, _token: CancelToken) -> domain.Plan:
            return remove_indicator(ctx, plan_id=plan_id, code=code)

        self._runner.run(
            job,
            lambda plan: self._indicators_saved(
                plan, _("Indicator {code} removed.").format(code=code)
            ),
            self._failed,
        )

    def _indicators_saved(self, plan: domain.Plan, message: str) -> None:
        self.set_plan(plan)
        self.done.emit(message)
        self.indicators_changed.emit(plan)
        self.plans_changed.emit(plan.id)

    def _show_title(self) -> None:
        plan = self.plan
        if plan is None:
            self.title.setText(_("No plan yet."))
            return
        issued = plan.issued_on.strftime("%d/%m/%Y") if plan.issued_on else "—"
        periods = ", ".join(p.name for p in plan.periods)
        lines = [
            f"<b>{plan.issuer}</b> — {plan.number or '—'} — {issued}",
            f"<b>{plan.title}</b>",
            _("Theme: {theme}").format(theme=plan.theme),
            _("Reporting periods: {periods}").format(periods=periods),
            _("{movements} movements, {indicators} indicators.").format(
                movements=len(plan.movements), indicators=len(plan.indicators)
            ),
        ]
        if plan.builtin:
            lines.append(_("Built-in plan: copy it to make your own."))
        self.title.setText("<br>".join(lines))

    # --- plan packages ----------------------------------------------------------------------

    @Slot()
    def ask_export(self) -> ExportPlanDialog | None:
        if self.plan is None:
            return None
        plan = self.plan
        dialog = ExportPlanDialog(plan, self.choices, self)
        dialog.accepted.connect(
            lambda: self.export(Path(dialog.folder.text().strip()), dialog.chosen_scope())
        )
        dialog.open()
        return dialog

    def export(self, folder: Path, scope: Scope | None) -> None:
        """Write the plan packages of ``scope`` (None: every unit) into ``folder``."""
        from app.exchange import export_plan_packages
        from app.rollup import read_scope_unit_codes

        if self.plan is None:
            return
        ctx, plan = self._ctx, self.plan

        total = [0]

        def job(progress: Any, token: CancelToken) -> Any:
            codes = None
            if scope is not None:
                codes = read_scope_unit_codes(ctx, year=plan.year, scope=scope)
                if not codes:
                    return [], False

            def counted(done: int, of: int) -> None:
                total[0] = of
                progress(done, of)

            files = export_plan_packages(
                ctx,
                plan_id=plan.id,
                out_dir=folder,
                unit_codes=codes,
                progress=counted,
                cancelled=lambda: token.cancelled,
            )
            return files, token.cancelled and len(files) < total[0]

        def finished(result: tuple[list[Any], bool]) -> None:
            files, stopped = result
            self._export_ended()
            if stopped:
                self.done.emit(
                    _(
                        "Cancelled: {count} of {total} plan packages were written to {folder}; "
                        "each of them is complete."
                    ).format(count=len(files), total=total[0], folder=folder)
                )
                self.export_cancelled.emit(len(files), total[0])
            else:
                self.done.emit(
                    _("{count} plan packages written to {folder}.").format(
                        count=len(files), folder=folder
                    )
                )
            self.exported.emit(files)

        unlock = unlock_or_fail(self, ctx, lambda: self.export(folder, scope), self._failed)

        def failed(error: BaseException) -> None:
            self._export_ended()
            unlock(error)

        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.export_button.setEnabled(False)
        self.export_task = self._runner.run(
            job, finished, failed, self._progress, doing=_("writing the plan packages")
        )

    @Slot()
    def cancel_export(self) -> None:
        """Stop the running export after the file being written."""
        if self.export_task is not None:
            self.export_task.token.cancel()
            self.cancel_button.setEnabled(False)

    def _export_ended(self) -> None:
        self.export_task = None
        self.progress.hide()
        self.cancel_button.hide()
        self.export_button.setEnabled(True)
        if self.plan is not None:
            self._load_editing(self.plan, force=True)  # written packages lock the plan

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        show_count(self.progress, done, total)

    # --- printing ---------------------------------------------------------------------------

    @Slot()
    def print_plan(self) -> None:
        from app.printing import print_plan

        if self.plan is None:
            return
        ctx, plan_id = self._ctx, self.plan.id
        self._preview_pdf(f"{plan_id}.pdf", lambda out: print_plan(ctx, plan_id=plan_id, out=out))

    # --- clone and edit ---------------------------------------------------------------------

    @Slot()
    def ask_clone(self) -> QInputDialog | None:
        if self.plan is None:
            return None
        plan = self.plan
        dialog = QInputDialog(self)
        translate_input(dialog)
        dialog.setObjectName("clone-year")
        dialog.setWindowTitle(_("Copy the plan for another year"))
        dialog.setLabelText(
            _(
                "Copy “{title}” with its movements, indicators and targets as the plan of the year:"
            ).format(title=plan.title)
        )
        dialog.setInputMode(QInputDialog.InputMode.IntInput)
        dialog.setIntRange(2000, 2200)
        dialog.setIntValue(plan.year + 1)
        dialog.intValueSelected.connect(lambda year: self.clone(year))
        dialog.open()
        return dialog

    def clone(self, year: int) -> None:
        from app.plans import clone_plan

        if self.plan is None:
            return
        ctx, plan_id = self._ctx, self.plan.id

        def job(_progress: Any, _token: CancelToken) -> str:
            return clone_plan(ctx, plan_id=plan_id, year=year)

        def finished(new_id: str) -> None:
            self.done.emit(_("Plan {plan} created for {year}.").format(plan=new_id, year=year))
            self.cloned.emit(new_id)
            self.plans_changed.emit(new_id)

        self._runner.run(job, finished, self._failed)

    @Slot()
    def ask_edit(self) -> EditPlanDialog | None:
        if self.plan is None:
            return None
        only_number = self.lock_text != "" and self.numberable
        dialog = EditPlanDialog(self.plan, self, only_number=only_number)
        dialog.accepted.connect(
            lambda: (
                self.set_number(dialog.number.text(), dialog.issued())
                if only_number
                else self.edit(
                    dialog.number.text(),
                    dialog.issued(),
                    dialog.title.toPlainText(),
                    dialog.theme.text(),
                )
            )
        )
        dialog.open()
        return dialog

    def set_number(self, number: str, issued_on: dt.date) -> None:
        """The number and date of a plan whose content cannot change (the built-in one)."""
        from app.plans import set_plan_number

        if self.plan is None:
            return
        ctx, plan_id = self._ctx, self.plan.id

        def job(_progress: Any, _token: CancelToken) -> str:
            return set_plan_number(ctx, plan_id=plan_id, number=number, issued_on=issued_on).id

        def finished(edited: str) -> None:
            self.done.emit(_("Plan {plan} saved.").format(plan=edited))
            self.edited.emit(edited)
            self.plans_changed.emit(edited)

        self._runner.run(job, finished, self._failed)

    def edit(self, number: str, issued_on: dt.date, title: str, theme: str) -> None:
        from app.plans import edit_plan_header

        if self.plan is None:
            return
        ctx, plan_id = self._ctx, self.plan.id

        def job(_progress: Any, _token: CancelToken) -> str:
            return edit_plan_header(
                ctx, plan_id=plan_id, number=number, issued_on=issued_on, title=title, theme=theme
            )

        def finished(edited: str) -> None:
            self.done.emit(_("Plan {plan} saved.").format(plan=edited))
            self.edited.emit(edited)
            self.plans_changed.emit(edited)

        self._runner.run(job, finished, self._failed)

    @Slot()
    def ask_checks(self) -> None:
        """Read the plan's thresholds, then open them in :class:`ValueChecksDialog`."""
        from app.plans import read_value_checks

        if self.plan is None:
            return
        ctx, plan_id = self._ctx, self.plan.id

        def job(_progress: Any, _token: CancelToken) -> ValueChecks:
            return read_value_checks(ctx, plan_id=plan_id)

        self._runner.run(job, self._open_checks, self._failed)

    @Slot(object)
    def _open_checks(self, checks: ValueChecks) -> None:
        dialog = ValueChecksDialog(checks, self)
        dialog.accepted.connect(lambda: self.save_checks(dialog.data()))
        self.checks_dialog = dialog
        dialog.open()

    def save_checks(self, data: dict[str, Any]) -> None:
        from app.plans import save_value_checks

        if self.plan is None:
            return
        ctx, plan_id = self._ctx, self.plan.id

        def job(_progress: Any, _token: CancelToken) -> ValueChecks:
            return save_value_checks(ctx, plan_id=plan_id, data=data)

        def finished(_checks: ValueChecks) -> None:
            saved = _("Checks for suspicious values of plan {plan} saved.")
            self.done.emit(saved.format(plan=plan_id))

        self._runner.run(job, finished, self._failed)

"""The year-end scoring screen: scores, rankings, "why this score", rules and proposals.

At the federation it scores every unit of the roster from the merged
statements; at a cluster leader's unit database it scores the leader and
the members whose packages it imported (read-only), and offers the member
actions instead of proposals. Everything that reads or writes the database
runs on the shared task runner; the screen only shows frozen values.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import SignalInstance, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QTabWidget,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.i18n import gettext as _

from ui.scoring.board_view import ScoreboardView
from ui.scoring.dialogs import FlagsDialog, ProposeDialog, TrustMemberDialog
from ui.scoring.rules_editor import RulesDialog
from ui.widgets.dialogs import ending_in, file_dialog
from ui.widgets.errors import error_text
from ui.widgets.print_preview import preview_pdf
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tasks import CancelToken, Runner


class ScoringScreen(ScoreboardView):
    """The scoreboard and what its toolbar does (see the module docstring)."""

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.rules_dialog: RulesDialog | None = None
        for action, slot in (
            (self.rules_action, self.open_rules_editor),
            (self.propose_action, self.propose_selected),
            (self.withdraw_action, self.withdraw_selected),
            (self.flags_action, self.flags_of_selected),
            (self.print_proposals_action, self.print_proposals),
            (self.export_action, self.export_workbook),
            (self.print_ranking_action, self.print_ranking),
            (self.trust_action, self.trust_member),
            (self.import_members_action, self.import_members),
            (self.covenant_action, self.print_covenant),
        ):
            action.triggered.connect(slot)
        self.banner_button.clicked.connect(self.open_rules_editor)
        self.table.doubleClicked.connect(lambda _i: self.propose_selected())

    def translateUI(self) -> None:
        super().translateUI()
        if self.host_tabs() is None and isinstance(self.window(), ScoringWindow):
            self.window().setWindowTitle(_("Thi Đua — scoring, ranking and commendations"))

    # --- rules ------------------------------------------------------------------------------------

    @Slot()
    def open_rules_editor(self) -> None:
        board = self.board
        if board is None:
            return
        dialog = RulesDialog(board.plan, board.rules.rules, self)
        dialog.save_requested.connect(lambda document: self._save_rules(dialog, document))
        dialog.reset_requested.connect(lambda: self._reset_rules(dialog))
        dialog.finished.connect(lambda _r: setattr(self, "rules_dialog", None))
        self.rules_dialog = dialog
        dialog.open()

    def _save_rules(self, dialog: RulesDialog, document: dict[str, Any]) -> None:
        from app.scoring import save_rules

        ctx, plan_id = self._ctx, self._chosen_plan
        assert plan_id is not None

        def job(_progress: Any, _token: CancelToken) -> Any:
            return save_rules(ctx, plan_id=plan_id, document=document)

        def finished(info: Any) -> None:
            dialog.accept()
            self.done.emit(
                _("Scoring rules saved (revision {revision}); every unit is scored again.").format(
                    revision=info.revision
                )
            )
            self.reload()

        self._runner.run(job, finished, lambda error: dialog.show_error(error_text(error)))

    def _reset_rules(self, dialog: RulesDialog) -> None:
        from app.scoring import reset_rules

        ctx, plan_id = self._ctx, self._chosen_plan
        assert plan_id is not None

        def job(_progress: Any, _token: CancelToken) -> Any:
            return reset_rules(ctx, plan_id=plan_id)

        def finished(_info: Any) -> None:
            dialog.accept()
            self.done.emit(_("The default scoring rules apply again."))
            self.reload()

        self._runner.run(job, finished, lambda error: dialog.show_error(error_text(error)))

    # --- proposals and flags (federation) ---------------------------------------------------------

    @Slot()
    def propose_selected(self) -> None:
        score, board = self.selected_score(), self.board
        if score is None or board is None or self.role != "federation":
            return
        dialog = ProposeDialog(board, score, self)
        dialog.accepted.connect(
            lambda: self.propose(
                score.unit.code,
                award=str(dialog.award.currentData() or ""),
                grade=dialog.grade.currentData(),
                summary=dialog.summary.toPlainText(),
            )
        )
        dialog.open()

    def propose(self, code: str, *, award: str, grade: str | None, summary: str | None) -> None:
        from app.scoring import set_proposal

        ctx, plan_id = self._ctx, self._chosen_plan
        assert plan_id is not None

        def job(_progress: Any, _token: CancelToken) -> Any:
            return set_proposal(
                ctx, plan_id=plan_id, unit=code, award=award, grade=grade, summary=summary
            )

        def finished(_proposal: Any) -> None:
            self.done.emit(_("{unit} proposed.").format(unit=code))
            self.reload()

        self._runner.run(job, finished, self._error)

    @Slot()
    def withdraw_selected(self) -> None:
        from app.scoring import clear_proposal

        score = self.selected_score()
        if score is None:
            return
        ctx, plan_id, code = self._ctx, self._chosen_plan, score.unit.code
        assert plan_id is not None

        def job(_progress: Any, _token: CancelToken) -> Any:
            return clear_proposal(ctx, plan_id=plan_id, unit=code)

        def finished(_cleared: Any) -> None:
            self.done.emit(_("Proposal for {unit} withdrawn.").format(unit=code))
            self.reload()

        self._runner.run(job, finished, self._error)

    @Slot()
    def flags_of_selected(self) -> None:
        score, board = self.selected_score(), self.board
        if score is None or board is None:
            return
        dialog = FlagsDialog(board, score, self)
        dialog.accepted.connect(lambda: self._apply_flags(score.unit.code, *dialog.changes()))
        dialog.open()

    def _apply_flags(self, code: str, to_set: dict[str, str], to_clear: list[str]) -> None:
        from app.scoring import clear_flag, set_flag

        ctx, plan_id = self._ctx, self._chosen_plan
        assert plan_id is not None

        def job(_progress: Any, _token: CancelToken) -> Any:
            for flag, note in to_set.items():
                set_flag(ctx, plan_id=plan_id, unit=code, flag=flag, note=note)
            for flag in to_clear:
                clear_flag(ctx, plan_id=plan_id, unit=code, flag=flag)
            return None

        self._runner.run(job, lambda _r: self.reload(), self._error)

    # --- documents --------------------------------------------------------------------------------

    @Slot()
    def print_proposals(self) -> None:
        from app.scoring import print_proposals

        ctx, plan_id = self._ctx, self._chosen_plan
        assert plan_id is not None
        self._preview(
            "de-nghi-khen-thuong.pdf",
            lambda target: print_proposals(ctx, plan_id=plan_id, out=target),
        )

    @Slot()
    def print_ranking(self) -> None:
        from app.scoring import print_ranking

        board = self.board
        if board is None:
            return
        kind, scope_id = self.scope()
        if kind == "all":
            score = self.selected_score()
            scope_id = score.unit.cluster_id if score is not None else None
            kind = "cluster"
        ctx, plan_id = self._ctx, board.plan.id

        def write(target: Path) -> Path:
            if kind == "upper":
                return print_ranking(ctx, plan_id=plan_id, out=target, upper=scope_id or "")
            return print_ranking(ctx, plan_id=plan_id, out=target, cluster=scope_id)

        self._preview("xep-hang.pdf", write)

    @Slot()
    def export_workbook(self) -> None:
        file_dialog(
            self,
            name="save-scoring-workbook",
            title=_("Save the scores and proposals as Excel"),
            mode=QFileDialog.FileMode.AnyFile,
            save=True,
            name_filter=_("Excel workbooks (*.xlsx)"),
            suggested=f"thi-dua-{self.board.plan.year if self.board else ''}.xlsx",
            on_chosen=lambda paths: self.export_to(paths[0]),
        )

    def export_to(self, path: Path) -> None:
        from app.scoring import export_scoring_workbook

        ctx, plan_id = self._ctx, self._chosen_plan
        assert plan_id is not None
        path = ending_in(path, ".xlsx")

        def job(_progress: Any, _token: CancelToken) -> Any:
            return export_scoring_workbook(ctx, plan_id=plan_id, out=path)

        def finished(written: Any) -> None:
            self.done.emit(_("Workbook written to {path}.").format(path=written))

        self._runner.run(job, finished, self._error)

    def _preview(self, name: str, write: Callable[[Path], Path]) -> None:
        preview_pdf(self, self._runner, name, write, self._error, shown=self._printed)

    def _printed(self, path: Path) -> None:
        self.last_pdf = path
        self.printed.emit(str(path))

    # --- the cluster leader -----------------------------------------------------------------------

    @Slot()
    def trust_member(self) -> None:
        file_dialog(
            self,
            name="open-enrolment",
            title=_("The member's enrolment file"),
            mode=QFileDialog.FileMode.ExistingFile,
            name_filter=_("Thi Đua packages (*.thidua)"),
            remember_as="packages",
            on_chosen=lambda paths: self.trust_member_file(paths[0]),
        )

    def trust_member_file(self, path: Path) -> None:
        from app.scoring import inspect_enrolment

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            return inspect_enrolment(ctx, path=path)

        def inspected(candidate: Any) -> None:
            dialog = TrustMemberDialog(
                candidate.unit_code, candidate.unit_name, candidate.fingerprint, self
            )
            dialog.accepted.connect(lambda: self._trust(path, *dialog.choice()))
            dialog.open()

        self._runner.run(job, inspected, self._error)

    def _trust(self, path: Path, typed: str, kind: Any, sector: Any) -> None:
        from app.scoring import trust_member

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            return trust_member(ctx, path=path, fingerprint=typed, kind=kind, sector=sector)

        def finished(member: Any) -> None:
            self.done.emit(
                _("Member {code} ({name}) trusted.").format(
                    code=member.unit_code, name=member.unit_name
                )
            )
            self.reload()

        self._runner.run(job, finished, self._error)

    @Slot()
    def import_members(self) -> None:
        file_dialog(
            self,
            name="open-member-packages",
            title=_("Members' packages"),
            mode=QFileDialog.FileMode.ExistingFiles,
            name_filter=_("Thi Đua packages (*.thidua)"),
            remember_as="packages",
            on_chosen=self.import_member_files,
        )

    def import_member_files(self, paths: list[Path]) -> None:
        from app.scoring import import_member_packages

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            return import_member_packages(ctx, paths=paths)

        def finished(results: Any) -> None:
            new = sum(1 for r in results if r.outcome == "new")
            rejected = [r for r in results if r.outcome == "rejected"]
            text = _("{new} member packages read, {rejected} refused.").format(
                new=new, rejected=len(rejected)
            )
            if rejected:
                text += " " + "; ".join(f"{r.file_name}: {r.reason_text()}" for r in rejected[:3])
            self.done.emit(text)
            self.reload()

        self._runner.run(job, finished, self._error)

    @Slot()
    def print_covenant(self) -> None:
        from app.scoring import print_member_covenant

        ctx, plan_id = self._ctx, self._chosen_plan
        self._preview(
            "giao-uoc.pdf", lambda target: print_member_covenant(ctx, plan_id=plan_id, out=target)
        )


class ScoringWindow(QMainWindow):
    """The scoring screen in its own window (opened from the main window's menu)."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-scoring"

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scoring-window")
        self.screen_widget = ScoringScreen(ctx, runner, self)
        self.setCentralWidget(self.screen_widget)
        self._status = QLabel()
        self.statusBar().addWidget(self._status, 1)
        self.screen_widget.done.connect(self._status.setText)
        self.screen_widget.failed.connect(self._status.setText)
        fit_to_screen(self, 1300, 760)
        self.screen_widget.translateUI()


def live(screen: ScoringScreen | None) -> ScoringScreen | None:
    """``screen`` unless Qt already deleted it (its tab went with a replaced workspace)."""
    from shiboken6 import isValid

    return screen if screen is not None and isValid(screen) else None


class TabbedWorkspace(Protocol):
    """A workspace the scoring screen can be a tab of (the federation's): its tabs, the
    plan it shows, and its signal of a plan chosen (the plan's id)."""

    plan: domain.Plan | None

    @property
    def tabs(self) -> QTabWidget: ...

    @property
    def loaded(self) -> SignalInstance: ...


def open_scoring_screen(
    ctx: AppContext,
    runner: Runner,
    owner: QMainWindow,
    workspace: TabbedWorkspace | None,
    existing: ScoringScreen | None,
) -> ScoringScreen:
    """Show the scoring screen: a tab of the federation workspace when there is one (its
    public ``tabs``), else a window of its own; reuses ``existing`` while it lives."""
    screen = live(existing)
    if screen is None:
        if workspace is not None:
            screen = ScoringScreen(ctx, runner)
            workspace.tabs.addTab(screen, "")
            # One plan chooser: the workspace's, which the tab follows.
            screen.follow_host_plan(workspace.plan.id if workspace.plan else None)
            workspace.loaded.connect(screen.follow_host_plan)
        else:
            screen = ScoringWindow(ctx, runner, owner).screen_widget
        status = owner.statusBar()
        screen.done.connect(lambda text: status.showMessage(text, 10000))
        screen.translateUI()
        screen.reload()
    tabs = screen.host_tabs()
    if tabs is not None:
        tabs.setCurrentWidget(screen)
    else:
        window = screen.window()
        window.show()
        if QGuiApplication.platformName() != "offscreen":  # which cannot raise a window
            window.raise_()
            window.activateWindow()
    return screen


__all__ = ["ScoringScreen", "ScoringWindow", "TabbedWorkspace", "live", "open_scoring_screen"]

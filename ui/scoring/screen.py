"""The year-end scoring screen: scores, rankings, "why this score", rules and proposals.

At the federation it scores every unit of the roster from the merged
statements; at a cluster leader's unit database it scores the leader and
the members whose packages it imported (read-only), and offers the member
actions instead of proposals. Everything that reads or writes the database
runs on the shared task runner; the screen only shows frozen values.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.scoring import Placing, Scoreboard, UnitScore

from ui.scoring.dialogs import FlagsDialog, ProposeDialog, TrustMemberDialog
from ui.scoring.models import (
    SORT_ROLE,
    ScoreColumn,
    ScoreTableModel,
    WhyColumn,
    WhyModel,
    score_rows,
)
from ui.scoring.rules_editor import RulesDialog
from ui.widgets.dialogs import file_dialog
from ui.widgets.errors import error_text, report_failure
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tasks import CancelToken, Runner

BANNER_STYLE = "background: #fff3cd; border: 1px solid #e0c36c; padding: 6px; color: #5c4400"


class ScoreFilter(QSortFilterProxyModel):
    """Sorts by each column's value (numbers as numbers) and filters by code or name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)


class ScoringScreen(QWidget):
    """See the module docstring. ``loaded`` is emitted each time a scoreboard is shown."""

    loaded = Signal()
    failed = Signal(str)
    done = Signal(str)
    #: The PDF just printed (proposals, a ranking or the covenant), before its preview opens.
    printed = Signal(str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scoring-screen")
        self._ctx = ctx
        self._runner = runner.bound(self)
        self.board: Scoreboard | None = None
        self.role = ""
        self.last_pdf: Path | None = None
        self.rules_dialog: RulesDialog | None = None
        self._plan_ids: list[str] = []
        self._chosen_plan: str | None = None

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.refresh_action = QAction(self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.rules_action = QAction(self)
        self.propose_action = QAction(self)
        self.withdraw_action = QAction(self)
        self.flags_action = QAction(self)
        self.print_proposals_action = QAction(self)
        self.export_action = QAction(self)
        self.print_ranking_action = QAction(self)
        self.trust_action = QAction(self)
        self.import_members_action = QAction(self)
        self.covenant_action = QAction(self)
        self._federation_actions = (
            self.propose_action,
            self.withdraw_action,
            self.flags_action,
            self.print_proposals_action,
        )
        self._leader_actions = (self.trust_action, self.import_members_action, self.covenant_action)
        for action, slot in (
            (self.refresh_action, self.reload),
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
            self.toolbar.addAction(action)

        self._plan_label = QLabel()
        self.plan_combo = QComboBox()
        self.plan_combo.setObjectName("scoring-plan")
        self.plan_combo.setMinimumWidth(300)
        self.plan_combo.currentIndexChanged.connect(self._plan_chosen)
        self._scope_label = QLabel()
        self.scope_combo = QComboBox()
        self.scope_combo.setObjectName("scoring-scope")
        self.scope_combo.setMinimumWidth(260)
        self.scope_combo.currentIndexChanged.connect(self._show_scope)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.banner = QLabel()
        self.banner.setObjectName("scoring-banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.banner_button = QPushButton()
        self.banner_button.hide()
        self.banner_button.clicked.connect(self.open_rules_editor)

        self.model = ScoreTableModel(self)
        self.proxy = ScoreFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setObjectName("scoring-table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            ScoreColumn.NAME, QHeaderView.ResizeMode.Stretch
        )
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(lambda _i: self.propose_selected())

        self.unit_header = QLabel()
        self.unit_header.setObjectName("scoring-unit")
        self.unit_header.setWordWrap(True)
        self.unit_header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.why_model = WhyModel(self)
        self.why = QTableView()
        self.why.setObjectName("scoring-why")
        self.why.setModel(self.why_model)
        self.why.setWordWrap(True)
        self.why.verticalHeader().setVisible(False)
        why_header = self.why.horizontalHeader()
        for why_column in (
            WhyColumn.CODE,
            WhyColumn.REGISTERED,
            WhyColumn.ACHIEVED,
            WhyColumn.ATTAINMENT,
            WhyColumn.POINTS,
        ):
            why_header.setSectionResizeMode(why_column, QHeaderView.ResizeMode.ResizeToContents)
        why_header.setSectionResizeMode(WhyColumn.WHY, QHeaderView.ResizeMode.Stretch)
        self.why.setColumnWidth(WhyColumn.INDICATOR, 190)
        # Row heights follow the width the explanation has now, not the one it had
        # when the unit was chosen (rows 300 px tall stayed after the pane widened).
        self._rows_fit = QTimer(self)
        self._rows_fit.setSingleShot(True)
        self._rows_fit.setInterval(40)
        self._rows_fit.timeout.connect(self.why.resizeRowsToContents)
        why_header.sectionResized.connect(lambda *_args: self._rows_fit.start())

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.unit_header)
        right_layout.addWidget(self.why, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

        top = QHBoxLayout()
        top.addWidget(self._plan_label)
        top.addWidget(self.plan_combo, 1)
        top.addWidget(self._scope_label)
        top.addWidget(self.scope_combo, 1)
        top.addWidget(self.search)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.banner_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(top)
        layout.addLayout(banner_row)
        layout.addWidget(splitter, 1)
        self.translateUI()

    # --- language ---------------------------------------------------------------------------------

    def host_tabs(self) -> QTabWidget | None:
        """The tab widget holding this screen, if it is a tab (of the federation workspace)."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QTabWidget):
            parent = parent.parentWidget()
        return parent if isinstance(parent, QTabWidget) else None

    def translateUI(self) -> None:
        tabs = self.host_tabs()
        if tabs is not None:
            tabs.setTabText(tabs.indexOf(self), _("Scoring"))
        elif isinstance(self.window(), ScoringWindow):
            self.window().setWindowTitle(_("Thi Đua — scoring, ranking and commendations"))
        self.refresh_action.setText(_("Refresh"))
        self.rules_action.setText(_("Scoring rules…"))
        self.propose_action.setText(_("Propose…"))
        self.withdraw_action.setText(_("Withdraw the proposal"))
        self.flags_action.setText(_("Flags…"))
        self.print_proposals_action.setText(_("Print the proposals…"))
        self.export_action.setText(_("Export to Excel…"))
        self.print_ranking_action.setText(_("Print the ranking…"))
        self.trust_action.setText(_("Trust a member's key…"))
        self.import_members_action.setText(_("Import members' packages…"))
        self.covenant_action.setText(_("Print the covenant…"))
        self._plan_label.setText(_("Plan:"))
        self._scope_label.setText(_("Ranking:"))
        self.search.setPlaceholderText(_("Find a unit by code or name"))
        self.banner_button.setText(_("Review the rules…"))
        self.banner.setText(
            _(
                "Scored with the example rules shipped with the software: the federation should "
                "review and adopt its own before ranking and proposing."
            )
        )
        self.model.retranslate()
        self.why_model.retranslate()
        if self.board is not None:
            self._fill_scopes()
        self._show_selected()

    # --- loading ----------------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        """Score everything again with the current rules (off the GUI thread)."""
        ctx, chosen = self._ctx, self._chosen_plan

        def job(_progress: Any, _token: CancelToken) -> Any:
            from app.core.installation import current_installation
            from app.plans import available_plans
            from app.scoring import default_plan_id, scoreboard

            installation = current_installation(ctx)
            summaries = available_plans(ctx)
            plan_id = chosen if chosen in {s.id for s in summaries} else None
            board = scoreboard(ctx, plan_id=plan_id or default_plan_id(ctx))
            return installation, summaries, board

        self._runner.run(job, self._loaded, self._error)

    def _loaded(self, result: tuple[Any, list[Any], Scoreboard]) -> None:
        installation, summaries, board = result
        self.role = installation.role.value if installation is not None else ""
        leader = self.role == "unit"
        for action in self._federation_actions:
            action.setVisible(not leader)
        for action in self._leader_actions:
            action.setVisible(leader)
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        self._plan_ids = [s.id for s in summaries]
        for summary in summaries:
            self.plan_combo.addItem(f"{summary.year} — {summary.title}", summary.id)
        self.plan_combo.setCurrentIndex(max(0, self._plan_ids.index(board.plan.id)))
        self.plan_combo.blockSignals(False)
        self._chosen_plan = board.plan.id
        self.show_board(board)

    def show_board(self, board: Scoreboard) -> None:
        selected = self.selected_score()
        self.board = board
        self.banner.setVisible(board.rules.rules.example)
        self.banner_button.setVisible(board.rules.rules.example)
        self._fill_scopes()
        if selected is not None:
            self.select_unit(selected.unit.code)
        self.loaded.emit()

    def _fill_scopes(self) -> None:
        board = self.board
        assert board is not None
        current = self.scope_combo.currentData()
        self.scope_combo.blockSignals(True)
        self.scope_combo.clear()
        if board.source == "federation":
            self.scope_combo.addItem(_("All units (rank in their cluster)"), "all:")
        for cluster_id, name in sorted(
            board.cluster_names.items(), key=lambda item: (item[0] is None, item[1])
        ):
            if cluster_id is None:
                continue
            label = (
                name if name.casefold().startswith("cụm") else _("Cluster {name}").format(name=name)
            )
            self.scope_combo.addItem(label or _("The cluster"), f"cluster:{cluster_id}")
        if board.source == "federation":
            # Upper-level unions are scored units themselves; any other parent is the
            # federation (units directly under it).
            uppers = {s.unit.id for s in board.scores}
            for parent_id, name in sorted(
                board.parent_names.items(),
                key=lambda item: (item[0] not in uppers, (item[1] or "").casefold()),
            ):
                text = (
                    _("Upper-level union: {name}").format(name=name)
                    if parent_id in uppers
                    else _("Directly under the federation")
                )
                self.scope_combo.addItem(text, f"upper:{parent_id or ''}")
        index = self.scope_combo.findData(current) if current is not None else -1
        self.scope_combo.setCurrentIndex(max(0, index))
        self.scope_combo.blockSignals(False)
        self._show_scope()

    def scope(self) -> tuple[str, str | None]:
        """The chosen ranking: ("all" | "cluster" | "upper", its id or None)."""
        kind, _sep, scope_id = str(self.scope_combo.currentData() or "all:").partition(":")
        return kind, scope_id or None

    @Slot()
    def _show_scope(self) -> None:
        board = self.board
        if board is None:
            return
        kind, scope_id = self.scope()
        placings: list[Placing] | None = None
        if kind == "cluster":
            placings = board.by_cluster.get(scope_id, [])
        elif kind == "upper":
            placings = board.by_parent.get(scope_id, [])
        self.model.set_rows(score_rows(board, placings))
        # A ranking shows in its order (ties listed by code); all units by code.
        column = ScoreColumn.CODE if placings is None else ScoreColumn.RANK
        self.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(
            ScoreColumn.NAME, QHeaderView.ResizeMode.Stretch
        )
        self._show_selected()

    @Slot(int)
    def _plan_chosen(self, index: int) -> None:
        if 0 <= index < len(self._plan_ids):
            self._chosen_plan = self._plan_ids[index]
            self.reload()

    # --- selection and "why" -------------------------------------------------------------------

    def selected_score(self) -> UnitScore | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        source = self.proxy.mapToSource(index)
        return self.model.row_at(source.row()).score

    def select_unit(self, code: str) -> bool:
        """Make the unit with ``code`` current (tests and keyboard users)."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, ScoreColumn.CODE)
            if index.data() == code:
                self.table.setCurrentIndex(index)
                self.table.selectRow(row)
                return True
        return False

    @Slot(QModelIndex, QModelIndex)
    def _row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        score = self.selected_score()
        board = self.board
        self.why_model.set_score(score)
        if score is None or board is None:
            self.unit_header.setText(_("Choose a unit to see why it has its score."))
            return
        lines = [f"<b>{score.unit.code} — {score.unit.name}</b>"]
        placing = board.cluster_placing(score.unit.id)
        if placing is not None and score.unit.cluster_name:
            lines.append(
                _("In {cluster}: {explanation}").format(
                    cluster=score.unit.cluster_name, explanation=placing.explain()
                )
            )
        parent = board.parent_placing(score.unit.id)
        if parent is not None and score.unit.parent_name and board.source == "federation":
            lines.append(
                _("In {parent}: {explanation}").format(
                    parent=score.unit.parent_name, explanation=parent.explain()
                )
            )
        lines += score.explain()
        grade = board.grade_label(score.grade)
        lines.append(_("Grade: {grade}.").format(grade=grade))
        self.unit_header.setText("<br>".join(lines))
        self.why.resizeRowsToContents()

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
        target = Path(tempfile.mkdtemp(prefix="thidua-")) / "de-nghi-khen-thuong.pdf"

        def job(_progress: Any, _token: CancelToken) -> Any:
            return print_proposals(ctx, plan_id=plan_id, out=target)

        self._runner.run(job, self._preview, self._error)

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
        target = Path(tempfile.mkdtemp(prefix="thidua-")) / "xep-hang.pdf"

        def job(_progress: Any, _token: CancelToken) -> Any:
            if kind == "upper":
                return print_ranking(ctx, plan_id=plan_id, out=target, upper=scope_id or "")
            return print_ranking(ctx, plan_id=plan_id, out=target, cluster=scope_id)

        self._runner.run(job, self._preview, self._error)

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
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")

        def job(_progress: Any, _token: CancelToken) -> Any:
            return export_scoring_workbook(ctx, plan_id=plan_id, out=path)

        def finished(written: Any) -> None:
            self.done.emit(_("Workbook written to {path}.").format(path=written))

        self._runner.run(job, finished, self._error)

    def _preview(self, path: Any) -> None:
        from ui.widgets.pdf_preview import PdfPreviewDialog

        self.last_pdf = Path(path)
        self.printed.emit(str(path))
        PdfPreviewDialog(Path(path), self).open()

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
        target = Path(tempfile.mkdtemp(prefix="thidua-")) / "giao-uoc.pdf"

        def job(_progress: Any, _token: CancelToken) -> Any:
            return print_member_covenant(ctx, plan_id=plan_id, out=target)

        self._runner.run(job, self._preview, self._error)

    # --- errors -----------------------------------------------------------------------------------

    def _error(self, error: BaseException) -> None:
        self.failed.emit(report_failure(self, error, name="scoring-error"))


class ScoringWindow(QMainWindow):
    """The scoring screen in its own window (opened from the main window's menu)."""

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


def open_scoring_screen(
    ctx: AppContext,
    runner: Runner,
    owner: QMainWindow,
    workspace: Any,
    existing: ScoringScreen | None,
) -> ScoringScreen:
    """Show the scoring screen: a tab of the federation workspace when there is one (its
    public ``tabs``), else a window of its own; reuses ``existing`` while it lives."""
    screen = live(existing)
    if screen is None:
        if workspace is not None:
            screen = ScoringScreen(ctx, runner)
            workspace.tabs.addTab(screen, "")
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

"""The scoring screen's view: the plan and ranking choosers, the scores, "why this score".

It loads a scoreboard off the GUI thread and shows frozen values; what the
toolbar's actions do (rules, proposals, documents, the cluster leader's
members) is in :mod:`ui.scoring.screen`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.core.text import natural_key
from app.scoring import Placing, Scoreboard, UnitScore, scale_words, score_scale

from ui.scoring.models import (
    SORT_ROLE,
    ScoreColumn,
    ScoreRow,
    ScoreTableModel,
    WhyColumn,
    WhyModel,
    score_rows,
)
from ui.widgets.errors import report_failure
from ui.widgets.placeholder_table import PlaceholderTable
from ui.widgets.styles import NOTE_STYLE
from ui.widgets.tables import WordsFilter
from ui.widgets.tasks import CancelToken, Runner


class ScoreFilter(WordsFilter):
    """Sorts by each column's value (numbers as numbers) and filters by code, name or
    cluster, without regard to case or diacritics."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, columns=(ScoreColumn.CODE, ScoreColumn.NAME, ScoreColumn.CLUSTER))
        self.setSortRole(SORT_ROLE)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The table model sorts its rows itself (:class:`ScoreTableModel`): this proxy
        only filters, in the model's order."""
        model = self.sourceModel()
        if isinstance(model, ScoreTableModel):
            model.sort(column, order)
        else:
            super().sort(column, order)


class ScoreboardView(QWidget):
    """See the module docstring. ``loaded`` is emitted each time a scoreboard is shown."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-scoring"

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
        #: The rows of every unit of a board, made with it on the worker.
        self._every_unit: tuple[Scoreboard, list[ScoreRow]] | None = None
        self.role = ""
        self.last_pdf: Path | None = None
        self._plan_ids: list[str] = []
        self._chosen_plan: str | None = None
        #: The last load failed while no scores were on screen (the tables say so).
        self._load_failed = False

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
        # Each role's actions appear once the role is known (the first load): before it
        # the federation saw the cluster leader's buttons, gone when the scores came.
        for action in (*self._federation_actions, *self._leader_actions):
            action.setVisible(False)
        #: What needs a scoreboard on screen, enabled once one is.
        self._board_actions = (self.rules_action, self.export_action, self.print_ranking_action)
        for action in self._board_actions:
            action.setEnabled(False)
        self.refresh_action.triggered.connect(self.reload)
        for action in (
            self.refresh_action,
            self.rules_action,
            self.propose_action,
            self.withdraw_action,
            self.flags_action,
            self.print_proposals_action,
            self.export_action,
            self.print_ranking_action,
            self.trust_action,
            self.import_members_action,
            self.covenant_action,
        ):
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
        self.banner.setStyleSheet(NOTE_STYLE)
        self.banner.hide()
        self.banner_button = QPushButton()
        self.banner_button.hide()

        self.model = ScoreTableModel(self)
        self.proxy = ScoreFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search.textChanged.connect(self.proxy.set_words)
        # Both tables say the scores are being computed (or could not be) while they
        # have no rows: an empty grid read as "no data" (walkthrough).
        self.table = PlaceholderTable()
        self.table.setObjectName("scoring-table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        # The score, the key figure, right after the unit's name: it was the fifth
        # column, cut at the splitter at 125% (walkthrough). The name takes what the
        # pane leaves (:meth:`_fit_score_columns`).
        header.moveSection(header.visualIndex(ScoreColumn.SCORE), ScoreColumn.NAME + 1)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.scale_label = QLabel()  # on what scale the scores shown are, in words
        self.scale_label.setObjectName("scoring-scale")
        self.scale_label.setWordWrap(True)
        self.unit_header = QLabel()
        self.unit_header.setObjectName("scoring-unit")
        self.unit_header.setWordWrap(True)
        self.unit_header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.why_model = WhyModel(self)
        self.why = PlaceholderTable()
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
        # The indicator and the two values get a share of the width, the explanation the
        # rest (:meth:`_fit_why_columns`): with the values as wide as their text, the
        # explanation had ~70 px at 125% and wrapped one word a line (walkthrough).
        for why_column in (WhyColumn.INDICATOR, WhyColumn.REGISTERED, WhyColumn.ACHIEVED):
            why_header.setSectionResizeMode(why_column, QHeaderView.ResizeMode.Interactive)
        why_header.setSectionResizeMode(WhyColumn.WHY, QHeaderView.ResizeMode.Stretch)
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
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.scale_label)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self._splitter = splitter
        #: The user dragged the splitter: the split is theirs, no longer fitted.
        self._split_by_user = False
        splitter.splitterMoved.connect(self._split_moved)
        # After the splitter shared out a new width itself (its own resize comes after).
        self._split_fit = QTimer(self)
        self._split_fit.setSingleShot(True)
        self._split_fit.setInterval(0)
        self._split_fit.timeout.connect(self._fit_split)
        for watched in (splitter, self.table.viewport(), self.why.viewport()):
            watched.installEventFilter(self)

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
        metrics = self.search.fontMetrics()  # the whole hint shows, in any language
        self.search.setMinimumWidth(metrics.horizontalAdvance(self.search.placeholderText()) + 40)
        self.banner_button.setText(_("Review the rules…"))
        self.banner.setText(
            _(
                "Scored with the example rules shipped with the software: the federation should "
                "review and adopt its own before ranking and proposing."
            )
        )
        self.model.retranslate()
        self.why_model.retranslate()
        self._show_waiting()
        if self.board is not None:
            self._fill_scopes()
        self._show_selected()

    def _show_waiting(self) -> None:
        """Until a scoreboard is on screen, say it is being computed, or that it could not
        be and how to try again (the tables and the plan and ranking choosers)."""
        if self.board is not None:
            text = ""
        elif self._load_failed:
            text = _("The scores could not be computed. Press Refresh to try again.")
        else:
            text = _("Computing the scores…")
        self.table.set_placeholder(text)
        self.why.set_placeholder(text)
        self.scope_combo.setPlaceholderText(text)
        self.plan_combo.setPlaceholderText(text)

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
            # Every unit's row (its cluster's ranking read) made here, not on the GUI
            # thread: for the country's 126,358 units that froze the window.
            return installation, summaries, board, score_rows(board, None)

        if self._load_failed:  # computing again: the tables say so, not the failure
            self._load_failed = False
            self._show_waiting()
            self._show_selected()
        self._runner.run(job, self._loaded, self._load_error)

    def _load_error(self, error: BaseException) -> None:
        if self.board is None:
            self._load_failed = True
            self._show_waiting()
            self._show_selected()
        self._error(error)

    def _loaded(self, result: tuple[Any, list[Any], Scoreboard, list[ScoreRow]]) -> None:
        installation, summaries, board, every_unit = result
        self._every_unit = (board, every_unit)
        self.role = installation.role.value if installation is not None else ""
        leader = self.role == "unit"
        for action in self._federation_actions:
            action.setVisible(not leader)
        for action in self._leader_actions:
            action.setVisible(leader)
        for action in self._board_actions:
            action.setEnabled(True)
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
        self._load_failed = False
        self._show_waiting()
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
        # Natural order, as the dashboard's scopes: Cụm 2 before Cụm 10.
        for cluster_id, name in sorted(
            board.cluster_names.items(), key=lambda item: (item[0] is None, natural_key(item[1]))
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
                key=lambda item: (item[0] not in uppers, natural_key(item[1] or "")),
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
        ready = self._every_unit
        if placings is None and ready is not None and ready[0] is board:
            rows = ready[1]
        else:
            rows = score_rows(board, placings)
        self.model.set_rows(rows)
        scale = score_scale(
            (row.score.score for row in rows), normalised=board.rules.rules.normalise
        )
        self.scale_label.setText(scale_words(scale))
        # A ranking shows in its order (ties listed by code); all units cluster by
        # cluster, each in its rank (by code, the ranks read 29, 1, 63…: walkthrough).
        self.table.sortByColumn(ScoreColumn.RANK, Qt.SortOrder.AscendingOrder)
        self.table.resizeColumnsToContents()
        self._names_width = self.table.columnWidth(ScoreColumn.NAME)
        self._fit_split()
        self._fit_score_columns()
        self._show_selected()

    # --- sizes ------------------------------------------------------------------------------------

    _names_width = 0  # the unit names' widest text in the table (its column's width fitted)

    def _em(self) -> int:
        return max(1, self.table.fontMetrics().horizontalAdvance("M"))

    def _list_width(self, name_width: int) -> int:
        """The left pane's width showing rank, code, a name ``name_width`` wide and the score."""
        table = self.table
        columns = (ScoreColumn.RANK, ScoreColumn.CODE, ScoreColumn.SCORE)
        return (
            sum(table.columnWidth(c) for c in columns)
            + name_width
            + table.verticalScrollBar().sizeHint().width()
            + 2 * table.frameWidth()
            + 4
        )

    def _fit_split(self) -> None:
        """Until the user drags it: the list as wide as rank, code, a readable name and the
        score need (at most 45% of the width), the explanation the rest."""
        splitter = self._splitter
        total = sum(splitter.sizes())
        if self._split_by_user or total <= 0:
            return
        wanted = self._list_width(min(self._names_width or 0, 18 * self._em()))
        left = max(min(wanted, total * 45 // 100), 1)
        splitter.setSizes([left, total - left])

    @Slot(int, int)
    def _split_moved(self, _position: int, _index: int) -> None:
        self._split_by_user = True

    def _fit_score_columns(self) -> None:
        """The unit's name as wide as the list leaves once rank, code and score are shown
        (never under 8 em, never wider than the widest name): the score is wholly visible."""
        table = self.table
        shown = (ScoreColumn.RANK, ScoreColumn.CODE, ScoreColumn.SCORE)
        room = table.viewport().width() - sum(table.columnWidth(c) for c in shown)
        width = max(8 * self._em(), min(self._names_width or room, room))
        if table.columnWidth(ScoreColumn.NAME) != width:
            table.setColumnWidth(ScoreColumn.NAME, width)

    def _fit_why_columns(self) -> None:
        """Code, attainment and points as wide as their text; the indicator up to 30% and
        each value up to 15% of what is left; the explanation the rest (44% at least)."""
        why = self.why
        header = why.horizontalHeader()
        fixed = sum(
            header.sectionSize(c) for c in (WhyColumn.CODE, WhyColumn.ATTAINMENT, WhyColumn.POINTS)
        )
        rest = max(why.viewport().width() - fixed, 0)
        em = self._em()

        def content(column: WhyColumn) -> int:
            return max(why.sizeHintForColumn(column), header.sectionSizeHint(column))

        for column, share, least in (
            (WhyColumn.INDICATOR, 30, 8 * em),
            (WhyColumn.REGISTERED, 13, 4 * em),
            (WhyColumn.ACHIEVED, 13, 4 * em),
        ):
            width = min(content(column), max(rest * share // 100, least))
            if header.sectionSize(column) != width:
                why.setColumnWidth(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            if watched is self._splitter:
                self._split_fit.start()
            elif watched is self.table.viewport():
                self._fit_score_columns()
            elif watched is self.why.viewport():
                self._fit_why_columns()
        return super().eventFilter(watched, event)

    @Slot(int)
    def _plan_chosen(self, index: int) -> None:
        if 0 <= index < len(self._plan_ids):
            self._chosen_plan = self._plan_ids[index]
            self.reload()

    def follow_host_plan(self, plan_id: str | None) -> None:
        """Score the plan the window hosting this screen chose: its chooser is the only one
        shown (a tab of the federation's workspace showed two choosers of the plan)."""
        self._plan_label.hide()
        self.plan_combo.hide()
        if plan_id and plan_id != self._chosen_plan:
            self._chosen_plan = plan_id
            if self.board is not None:  # shown already: score the new plan
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
        if board is None:  # the tables say why they are empty
            self.unit_header.setText("")
            return
        if score is None:
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
        self._fit_why_columns()
        self.why.resizeRowsToContents()

    # --- errors -----------------------------------------------------------------------------------

    def _error(self, error: BaseException) -> None:
        self.failed.emit(report_failure(self, error, name="scoring-error"))


__all__ = ["ScoreFilter", "ScoreboardView"]

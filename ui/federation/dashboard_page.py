"""The dashboard: targets against Σ registered and Σ achieved, who has not sent,
the reporting and on-time rates of each report with who is late, charts, and the
units behind any figure; the plan's deadlines set from here.

One background read (:func:`app.rollup.fresh_dashboard`, on-time rates included) per
refresh; the GUI thread resets two models; charts are rebuilt when their tab is shown. A double
click on a figure lists the units it counts (:func:`app.rollup.read_units_behind`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import QBarSet, QChartView
from PySide6.QtCore import QModelIndex, QPointF, Qt, Signal, Slot
from PySide6.QtGui import QCursor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.errors import N_
from app.core.figures import percent_of, percent_text
from app.core.format import format_number
from app.core.i18n import gettext as _
from app.core.preferences import DASHBOARD_TABS, load_preferences, update_preferences
from app.rollup import Scope, ScopeKind
from db.enums import REGISTRATION_STREAM

from ui.federation import dashboard_dialogs
from ui.federation.common import scope_text as _scope_text
from ui.federation.common import stream_label
from ui.federation.dashboard_charts import (
    cluster_chart,
    cluster_note,
    indicator_chart,
    latest_sent,
    new_chart,
    progress_only,
    replace_chart,
)
from ui.federation.dashboard_missing import MissingPanel
from ui.federation.dashboard_models import DashboardModel
from ui.federation.dashboard_table import TargetsTable
from ui.federation.late_units import behind_count, rates_text
from ui.widgets.dialogs import ending_in
from ui.widgets.pages import Page
from ui.widgets.tab_keys import ring_focused_tab
from ui.widgets.tasks import CancelToken, Runner

if TYPE_CHECKING:  # loaded when first opened (the entry pulls in the unit's screens)
    from app.rollup import ClusterFigure, Dashboard, ScopeChoice

    from ui.federation.deadlines_dialog import DeadlinesDialog
    from ui.federation.entry_dialog import EntryDialog
    from ui.federation.history_dialog import UnitHistoryDialog
    from ui.federation.late_units import LateUnitsDialog
    from ui.federation.reminder_dialog import ReminderDialog


class DashboardPage(Page):
    #: The page's tabs, in their order.
    TARGETS, NOT_SENT, BY_INDICATOR, BY_CLUSTER = range(4)
    help_anchor = "fed-dashboard"  # its section of the user guide (ui.widgets.help)
    refreshed = Signal(object)  # the Dashboard, once it is on screen
    clusters_shown = Signal(object)
    behind_shown = Signal(object)  # UnitsBehindDialog
    late_shown = Signal(object)  # LateUnitsDialog
    deadlines_shown = Signal(object)  # DeadlinesDialog
    history_shown = Signal(object)  # UnitHistoryDialog
    reminders_shown = Signal(object)  # ReminderDialog
    entry_shown = Signal(object)  # EntryDialog
    done = Signal(str)
    batch_print = Signal(object)  # "Print in batch" for the scope shown (ScopeChoice or None)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.plan: domain.Plan | None = None
        self.board: Dashboard | None = None
        self._choices: list[ScopeChoice] = []
        self._charts_dirty = True
        self._clusters: list[ClusterFigure] | None = None
        #: The user chose the report the charts compare (else: the latest one sent).
        self._chart_stream_picked = False
        self._pending_refresh = False
        self._refreshing = False
        #: The last refresh failed while no figures were on screen (the tables say so).
        self._figures_failed = False
        #: The day the on-time rates are counted to; None: today.
        self.as_of: dt.date | None = None
        #: Seconds of the last refresh: whole (request → on screen) and on the GUI thread.
        self.last_timing: tuple[float, float] = (0.0, 0.0)

        self.scope_label = QLabel()
        self.scope_combo = QComboBox()
        self.scope_combo.setObjectName("scope-combo")
        self.scope_combo.setMinimumWidth(360)
        self.scope_combo.currentIndexChanged.connect(self._scope_chosen)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        # A sign of life while the figures are computed: the first refresh of a national
        # database builds every roll-up cell (about a minute and a half), the table empty.
        self.busy_label = QLabel()
        self.busy_label.setObjectName("dashboard-busy")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # no count to show: it only moves
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumWidth(120)
        # Never wider than the room beside the scope: at 125% on a 1366-pixel screen the bar
        # and its words at full width pushed the window past the screen, for good (a window
        # does not shrink back). The words are cut then, and whole in the tooltip.
        self.busy_bar.setMinimumWidth(40)
        self.busy_label.setMinimumWidth(1)
        self.busy_label.hide()
        self.busy_bar.hide()
        # The workbook of a large province takes a minute or more: it can be stopped.
        self.workbook_stop = QPushButton()
        self.workbook_stop.setObjectName("workbook-stop")
        self.workbook_stop.clicked.connect(self._stop_workbook)
        self.workbook_stop.hide()
        self._workbook_token: CancelToken | None = None
        #: What the page is doing on the worker (its message, not translated yet).
        self._busy: dict[str, str] = {}
        self._workbook_steps: tuple[int, int] | None = None  # (done, total) of the workbook
        self.workbook_button = QPushButton()
        self.workbook_button.clicked.connect(self.choose_workbook)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_summary)
        self.batch_button = QPushButton()
        self.batch_button.setObjectName("dashboard-batch-print")
        self.batch_button.clicked.connect(lambda: self.batch_print.emit(self.current_choice()))
        self.coverage = QLabel()
        self.coverage.setObjectName("coverage")
        self.coverage.setWordWrap(True)
        self.coverage.setTextFormat(Qt.TextFormat.RichText)
        self.on_time = QLabel()
        self.on_time.setObjectName("on-time")
        self.on_time.setWordWrap(True)
        self.late_button = QPushButton()
        self.late_button.setObjectName("late-button")
        self.late_button.clicked.connect(self.show_late)
        self.deadlines_button = QPushButton()
        self.deadlines_button.setObjectName("deadlines-button")
        self.deadlines_button.clicked.connect(self.ask_deadlines)

        self.model = DashboardModel(self)
        self.view = TargetsTable(self.model)
        # A double click (or Enter) activates a figure: "activated" alone, as a double
        # click emits both it and "doubleClicked" (connected to both, one double click
        # opened the same list twice).
        self.view.activated.connect(self._figure_clicked)

        self.indicator_chart = QChartView()
        self.indicator_chart.setObjectName("indicator-chart")
        self.indicator_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.cluster_chart = QChartView()
        self.cluster_chart.setObjectName("cluster-chart")
        self.cluster_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        # The charts take no keyboard input (their figures are the table's): Tab went to
        # them and the focus vanished from sight (walkthrough); a click still gives it.
        for chart_view in (self.indicator_chart, self.cluster_chart):
            chart_view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.chart_stream_combo = QComboBox()
        # As wide as its longest report's name whenever it is filled: the page may open on
        # a chart, its chooser shown while still empty ("Năm 201", walkthrough).
        self.chart_stream_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.chart_stream_combo.currentIndexChanged.connect(self._chart_stream_chosen)
        # Which report the charts compare: beside the tabs while a chart is shown, so the
        # plot has the height a row of its own took.
        self.chart_streams = QWidget()
        stream_row = QHBoxLayout(self.chart_streams)
        stream_row.setContentsMargins(0, 0, 0, 0)
        self.chart_stream_label = QLabel()
        self.chart_stream_label.setBuddy(self.chart_stream_combo)
        stream_row.addWidget(self.chart_stream_label)
        stream_row.addWidget(self.chart_stream_combo)
        cluster_page = QWidget()
        cluster_layout = QVBoxLayout(cluster_page)
        self.cluster_note = QLabel()
        self.cluster_note.setWordWrap(True)
        cluster_layout.addWidget(self.cluster_note)
        cluster_layout.addWidget(self.cluster_chart, 1)
        self.missing = MissingPanel(ctx, self.runner)
        self.missing.counted.connect(self._missing_counted)
        self.missing.done.connect(self.done)
        self.missing.history_requested.connect(self.show_history)
        self.missing.remind_requested.connect(self.ask_reminders)
        self.missing.enter_requested.connect(self.enter_for)
        #: The panel's table and title, as the tests know them.
        self.missing_model = self.missing.model
        self.missing_proxy = self.missing.proxy
        self.missing_title = self.missing.title
        # Each part has the page's whole height in its own tab: on a 1366×768 screen at
        # 125% the targets, the not-sent list and a chart one above the other left the
        # chart ~30 pixels of plot (walkthrough).
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboard-tabs")
        ring_focused_tab(self.tabs)
        for widget in (self.view, self.missing, self.indicator_chart, cluster_page):
            self.tabs.addTab(widget, "")
        self.tabs.setCornerWidget(self.chart_streams, Qt.Corner.TopRightCorner)
        # The tab the user looked at last opens again (a chair who follows the not-sent
        # list every morning need not pick it each time).
        remembered = load_preferences().dashboard_tab
        if remembered in DASHBOARD_TABS:
            self.tabs.setCurrentIndex(DASHBOARD_TABS.index(remembered))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tabs.currentChanged.connect(self._remember_tab)

        top = QHBoxLayout()
        top.addWidget(self.scope_label)
        top.addWidget(self.scope_combo)
        top.addWidget(self.refresh_button)
        top.addWidget(self.busy_bar)
        top.addWidget(self.busy_label)
        top.addStretch(1)
        top.addWidget(self.workbook_button)
        top.addWidget(self.workbook_stop)  # in the workbook button's place while it is written
        top.addWidget(self.print_button)
        top.addWidget(self.batch_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.coverage)
        on_time_row = QHBoxLayout()
        on_time_row.addWidget(self.on_time, 1)
        on_time_row.addWidget(self.late_button)
        on_time_row.addWidget(self.deadlines_button)
        layout.addLayout(on_time_row)
        layout.addWidget(self.tabs, 1)
        self.translateUI()

    @Slot(int)
    def _remember_tab(self, index: int) -> None:
        if 0 <= index < len(DASHBOARD_TABS):
            with contextlib.suppress(OSError):  # a read-only profile: the first tab next time
                update_preferences(dashboard_tab=DASHBOARD_TABS[index])

    # --- language ---------------------------------------------------------------------------

    def translateUI(self) -> None:
        self.scope_label.setText(_("Scope:"))
        self.refresh_button.setText(_("Refresh"))
        self.workbook_stop.setText(_("Stop"))
        self.workbook_stop.setToolTip(_("Stop writing the workbook: no file is written"))
        self._show_busy()
        self.workbook_button.setText(_("Excel workbook…"))
        self.print_button.setText(_("Print the summary…"))
        self.batch_button.setText(_("Print in batch…"))
        self.batch_button.setToolTip(_("Forms, reports or key cards for the units of this scope"))
        self.deadlines_button.setText(_("Deadlines…"))
        self.tabs.setTabText(self.TARGETS, _("Targets"))
        self.tabs.setTabText(self.BY_INDICATOR, _("Chart by indicator"))
        self.tabs.setTabText(self.BY_CLUSTER, _("Chart by cluster"))
        self.chart_stream_label.setText(_("Compare with the target:"))
        self.missing.translateUI()  # its tab's title too (_missing_counted)
        self.model.retranslate()
        self._fill_scopes()
        self._fill_streams()
        self._show_coverage()
        self._charts_dirty = True
        self._tab_changed(self.tabs.currentIndex())

    def _fill_scopes(self) -> None:
        current = self.current_choice()
        self.scope_combo.blockSignals(True)
        self.scope_combo.clear()
        for index, choice in enumerate(self._choices):
            self.scope_combo.addItem(
                _("{scope} ({count} units)").format(
                    scope=_scope_text(choice), count=format_number(choice.units)
                ),
                index,
            )
        if current is not None and current in self._choices:
            self.scope_combo.setCurrentIndex(self._choices.index(current))
        self.scope_combo.blockSignals(False)

    def _fill_streams(self) -> None:
        streams = list(self.plan.streams) if self.plan else []
        for combo, with_all in ((self.missing.stream, True), (self.chart_stream_combo, False)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            if with_all:
                combo.addItem(_("Any stream"), None)
            for stream in streams:
                combo.addItem(stream_label(stream, self.plan), stream)
            found = combo.findData(current)
            if found >= 0:
                combo.setCurrentIndex(found)
            elif not with_all and streams:
                combo.setCurrentIndex(len(streams) - 1)  # the year's results
            combo.blockSignals(False)
        self.missing.proxy.set_stream(self.missing.stream.currentData())

    # --- loading ----------------------------------------------------------------------------

    def set_plan(self, plan: domain.Plan) -> None:
        """Load the scopes of the plan's year, then refresh (the roll-up's services are
        imported by the job: the plan is on screen before they load)."""
        self.plan = plan
        self._clusters = None
        self._chart_stream_picked = False
        if self.board is not None and self.board.plan.id != plan.id:
            # Another plan: its figures are computed, not the last plan's shown under it.
            self.board = None
            self.model.set_dashboard(None)
            self._show_coverage()
        ctx, year = self._ctx, plan.year

        def job(_progress: Any, _token: CancelToken) -> list[ScopeChoice]:
            from app.rollup import read_scope_choices

            return read_scope_choices(ctx, year=year)

        def done(choices: list[ScopeChoice]) -> None:
            current = self.current_choice()
            self._choices = choices
            self._fill_scopes()
            if current is None or current not in choices:
                self.scope_combo.setCurrentIndex(0)
            self._fill_streams()
            self.refresh()

        self._runner.run(job, done, self._failed, reads=True)

    def current_choice(self) -> ScopeChoice | None:
        index = self.scope_combo.currentData()
        if not isinstance(index, int) or not 0 <= index < len(self._choices):
            return None
        return self._choices[index]

    def choose_scope(self, kind: ScopeKind, code_or_name: str = "") -> None:
        """Select a scope (for tests and links): the province, a cluster or a subtree."""
        for index, choice in enumerate(self._choices):
            if choice.kind is kind and (
                kind is ScopeKind.PROVINCE or code_or_name in (choice.code, choice.name)
            ):
                self.scope_combo.setCurrentIndex(index)
                return
        raise KeyError(code_or_name)

    @Slot(int)
    def _scope_chosen(self, _index: int) -> None:
        self._clusters = None
        self.refresh()

    def scope(self) -> Scope:
        choice = self.current_choice()
        return choice.scope if choice is not None else Scope()

    @Slot()
    def refresh(self) -> None:
        """Recompute on the worker; a refresh asked while one runs runs once after it."""
        if self.plan is None:
            return
        if self._refreshing:
            self._pending_refresh = True
            return
        self._refreshing = True
        self._set_busy("refresh", N_("Computing the figures…"))
        if self._figures_failed:  # computing again: the tables say so, not the failure
            self._figures_failed = False
            self._show_coverage()
        ctx, plan_id, scope, as_of = self._ctx, self.plan.id, self.scope(), self.as_of
        started = time.perf_counter()

        def job(_progress: Any, _token: CancelToken) -> Dashboard:
            from app.rollup import fresh_dashboard  # its services load on the worker

            return fresh_dashboard(ctx, plan_id=plan_id, scope=scope, as_of=as_of)

        def finished(board: Dashboard) -> None:
            gui_started = time.perf_counter()
            self._refreshing = False
            if self._pending_refresh:
                self._pending_refresh = False
                self.refresh()
                return
            self._set_busy("refresh", None)
            self.show_dashboard(board)
            now = time.perf_counter()
            self.last_timing = (now - started, now - gui_started)
            self.refreshed.emit(board)

        def failed(error: BaseException) -> None:
            self._refreshing = False
            self._pending_refresh = False
            self._set_busy("refresh", None)
            if self.board is None:
                self._figures_failed = True
                self._show_coverage()
            self._failed(error)

        self._runner.run(job, finished, failed, reads=True)

    def _set_busy(self, what: str, message: str | None) -> None:
        """Say (``message``) or stop saying what the page does on the worker."""
        if message is None:
            self._busy.pop(what, None)
        else:
            self._busy[what] = message
        self._show_busy()

    def _show_busy(self) -> None:
        latest = next(reversed(self._busy.values()), None)
        self.busy_label.setText(_(latest) if latest is not None else "")
        self.busy_label.setToolTip(self.busy_label.text())
        self.busy_label.setVisible(latest is not None)
        self.busy_bar.setVisible(latest is not None)
        steps = self._workbook_steps
        writing = next(reversed(self._busy), None) == "workbook"
        stoppable = self._workbook_token is not None
        self.workbook_stop.setVisible(stoppable)
        self.workbook_button.setVisible(not stoppable)
        if writing and steps is not None:
            done, total = steps
            self.busy_bar.setRange(0, total)  # the workbook counts its sheets
            self.busy_bar.setValue(done)
        else:
            self.busy_bar.setRange(0, 0)  # no count to show: it only moves

    def _workbook_progress(self, done: int, total: int) -> None:
        self._workbook_steps = (done, total)
        if done >= total - 1 and "workbook" in self._busy:
            # Every sheet written: the file is being saved (seconds for a large province),
            # which is never stopped half way — said so, and Dừng no longer offered.
            self.workbook_stop.setEnabled(False)
            self._busy["workbook"] = N_("Saving the workbook file…")
        self._show_busy()

    def is_busy(self) -> bool:
        """Whether the page says it is working (a refresh, a workbook being written)."""
        return not self.busy_label.isHidden()

    def show_dashboard(self, board: Dashboard) -> None:
        self.board = board
        if not self._chart_stream_picked:
            self._compare_latest_sent(board)
        self.model.set_dashboard(board)
        self.view.size_columns()  # figures whole, the indicator's title readable
        self.missing.show_board(board)
        self._show_coverage()
        self._charts_dirty = True
        self._tab_changed(self.tabs.currentIndex())

    def _show_coverage(self) -> None:
        board = self.board
        if board is None:
            # Never an empty grid that reads as "no data": the figures are on their way
            # (from the first paint of the workspace on), or could not be computed.
            waiting = (
                _("The figures could not be computed. Press Refresh to try again.")
                if self._figures_failed
                else _("Computing the plan's figures…")
            )
            self.coverage.setText(waiting)
            self.view.set_placeholder(waiting)
            self.view.size_columns()  # the headers readable, as they will be with figures
            self.missing.view.set_placeholder(waiting)
            self.on_time.setText("")
            self.late_button.setText(_("Late or not sent…"))
            self.late_button.setEnabled(False)
            return
        self.view.set_placeholder("")
        self.missing.view.set_placeholder("")
        parts = []
        for item in board.coverage:
            share = percent_text(percent_of(item.received, item.expected))
            part = _("{stream}: <b>{received}</b> of {expected} units ({share})").format(
                stream=stream_label(item.stream, board.plan),
                received=format_number(item.received),
                expected=format_number(item.expected),
                share=share,
            )
            if item.returned:
                part += " " + _("({count} returned for correction)").format(
                    count=format_number(item.returned)
                )
            if item.entered:
                part += " " + _("({count} entered by staff)").format(
                    count=format_number(item.entered)
                )
            parts.append(part)
        scope = _scope_text(self.current_choice())
        self.coverage.setText(f"<b>{scope}</b> — " + " · ".join(parts))
        self.on_time.setText("\n".join(rates_text(item, board.plan) for item in board.timeliness))
        late = behind_count(board.timeliness)
        self.late_button.setText(_("Late or not sent ({count})…").format(count=late))
        self.late_button.setEnabled(bool(late))

    @Slot(int)
    def _missing_counted(self, count: int) -> None:
        title = _("Not sent") if count < 0 else _("Not sent ({count})").format(count=count)
        self.tabs.setTabText(self.NOT_SENT, title)

    @Slot(str, str)
    def enter_for(self, unit_code: str, stream: str) -> EntryDialog:
        """Enter a unit's report on its behalf; the dashboard refreshes after each entry."""
        dialog = dashboard_dialogs.open_entry(
            self, unit_code, plan=self.plan, stream=stream, saved=self.refresh
        )
        self.entry_shown.emit(dialog)
        return dialog

    # --- deadlines and who is late ----------------------------------------------------------

    @Slot()
    def show_late(self) -> LateUnitsDialog | None:
        if self.board is None:
            return None
        scope = _scope_text(self.current_choice())
        dialog = dashboard_dialogs.open_late(
            self, self.board, scope, history=self.show_history, remind=self.ask_reminders
        )
        self.late_shown.emit(dialog)
        return dialog

    @Slot(str, str)
    def show_history(self, unit_code: str, stream: str = "") -> UnitHistoryDialog:
        dialog = dashboard_dialogs.open_history(self, unit_code, plan=self.plan, stream=stream)
        self.history_shown.emit(dialog)
        return dialog

    @Slot(str)
    def ask_reminders(self, stream: str = "") -> ReminderDialog | None:
        if self.plan is None:
            return None
        dialog = dashboard_dialogs.open_reminders(
            self,
            self.plan,
            [(_scope_text(choice), choice.scope) for choice in self._choices],
            scope_index=max(self.scope_combo.currentIndex(), 0),
            stream=stream or self._first_missing_stream(),
            as_of=self.as_of,
        )
        self.reminders_shown.emit(dialog)
        return dialog

    def _first_missing_stream(self) -> str:
        """The first report some unit in scope has not sent ("": none, or not counted)."""
        if self.board is None:
            return ""
        return next((c.stream for c in self.board.coverage if c.expected > c.received), "")

    @Slot()
    def ask_deadlines(self) -> DeadlinesDialog | None:
        if self.plan is None:
            return None
        dialog = dashboard_dialogs.open_deadlines(self, self.plan, self._deadline_changed)
        self.deadlines_shown.emit(dialog)
        return dialog

    def _deadline_changed(self, message: str) -> None:
        self.refresh()
        self.done.emit(message)

    # --- click-through ----------------------------------------------------------------------

    @Slot(QModelIndex)
    def _figure_clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        stream = self.model.stream_of(index.column())
        if stream is None:
            stream = REGISTRATION_STREAM
        self.show_units_behind(index.row(), stream)

    def show_units_behind(self, row: int, stream: str) -> None:
        """The units a figure counts (a double click on it), in their dialog."""
        if self.plan is not None:
            dashboard_dialogs.open_units_behind(
                self,
                self.plan,
                self.model.rollup_at(row),
                stream,
                (self.scope(), _scope_text(self.current_choice())),
                shown=self.behind_shown.emit,
                failed=self._failed,
            )

    # --- charts -----------------------------------------------------------------------------

    @Slot(int)
    def _tab_changed(self, index: int) -> None:
        self.chart_streams.setVisible(index in (self.BY_INDICATOR, self.BY_CLUSTER))
        if index == self.BY_INDICATOR and self._charts_dirty:
            self._build_indicator_chart()
            self._charts_dirty = False
        elif index == self.BY_CLUSTER:
            if self._clusters is None:
                self._load_clusters()
            else:
                self._build_cluster_chart()

    def _compare_latest_sent(self, board: Dashboard) -> None:
        """The charts compare the latest report some unit in scope sent (the year's results
        in July compare nothing): until the user picks one."""
        latest = latest_sent(board)
        found = self.chart_stream_combo.findData(latest)
        if latest is not None and found >= 0 and found != self.chart_stream_combo.currentIndex():
            self.chart_stream_combo.blockSignals(True)
            self.chart_stream_combo.setCurrentIndex(found)
            self.chart_stream_combo.blockSignals(False)
            self._clusters = None

    @Slot(int)
    def _chart_stream_chosen(self, _index: int) -> None:
        self._chart_stream_picked = True
        self._charts_dirty = True
        self._clusters = None
        self._tab_changed(self.tabs.currentIndex())

    def chart_stream(self) -> str:
        stream = self.chart_stream_combo.currentData()
        return stream if isinstance(stream, str) else "year"

    def _build_indicator_chart(self) -> None:
        board = self.board
        if board is None:
            replace_chart(self.indicator_chart, new_chart())
            return
        built = indicator_chart(board, self.chart_stream(), _scope_text(self.current_choice()))
        #: Per bar group: the board row it shows, and its two figures as text.
        self.chart_rows: list[int] = built.rows
        self.chart_tips: list[str] = built.tips
        built.bars.hovered.connect(self._bar_hovered)
        built.bars.clicked.connect(self._bar_clicked)
        if built.cut is not None:  # a cut bar's mark says what its bar says
            built.cut.hovered.connect(self._mark_hovered)
        replace_chart(self.indicator_chart, built.chart)

    @Slot(bool, int, QBarSet)
    def _bar_hovered(self, inside: bool, index: int, _bars: QBarSet) -> None:
        self._show_tip(inside, index)

    def _show_tip(self, inside: bool, index: int) -> None:
        if inside and 0 <= index < len(self.chart_tips):
            QToolTip.showText(QCursor.pos(), self.chart_tips[index], self.indicator_chart)
        else:
            QToolTip.hideText()

    @Slot(QPointF, bool)
    def _mark_hovered(self, point: QPointF, inside: bool) -> None:
        self._show_tip(inside, round(point.x()))

    @Slot(int, QBarSet)
    def _bar_clicked(self, index: int, bars: QBarSet) -> None:
        """Click-through: the units behind the bar's figure."""
        if 0 <= index < len(self.chart_rows):
            registered = bars.label() == _("Σ registered")
            self.show_units_behind(
                self.chart_rows[index], REGISTRATION_STREAM if registered else self.chart_stream()
            )

    def _load_clusters(self) -> None:
        from app.rollup import read_cluster_standing

        if self.plan is None:
            return
        ctx, plan_id, stream = self._ctx, self.plan.id, self.chart_stream()

        def job(_progress: Any, _token: CancelToken) -> list[ClusterFigure]:
            return read_cluster_standing(ctx, plan_id=plan_id, stream=stream)

        def done(figures: list[ClusterFigure]) -> None:
            self._clusters = figures
            self._build_cluster_chart()
            self.clusters_shown.emit(figures)

        self._runner.run(job, done, self._failed, reads=True)

    def _build_cluster_chart(self) -> None:
        stream = self.chart_stream()
        progress = progress_only(self.board, stream)
        chart = cluster_chart(self._clusters or [], stream, self.plan, progress=progress)
        replace_chart(self.cluster_chart, chart)
        self.cluster_note.setText(cluster_note(progress=progress))

    # --- exports ----------------------------------------------------------------------------

    @Slot()
    def choose_workbook(self) -> None:
        if self.plan is not None:
            dashboard_dialogs.ask_workbook(self, self.plan.year, self.export_workbook)

    def export_workbook(self, path: Path) -> None:
        from app.rollup import WorkbookStopped, save_province_workbook

        if self.plan is None:
            return
        ctx, plan_id, scope = self._ctx, self.plan.id, self.scope()
        path = ending_in(path, ".xlsx")

        def job(progress: Any, token: CancelToken) -> Any:
            return save_province_workbook(
                ctx,
                plan_id=plan_id,
                path=path,
                scope=scope,
                progress=progress,
                stop=lambda: token.cancelled,
            )

        def ended() -> None:
            self._workbook_steps = None
            self._workbook_token = None
            self._set_busy("workbook", None)

        def written(result: Any) -> None:
            late = self._workbook_token is not None and self._workbook_token.cancelled
            ended()
            if late:  # asked as the file was being saved: it was saved whole
                self.done.emit(
                    _("The workbook was already being saved: it was written to {path}.").format(
                        path=result.path
                    )
                )
            else:
                self.done.emit(_("Workbook written to {path}.").format(path=result.path))

        def failed(error: BaseException) -> None:
            ended()
            if isinstance(error, WorkbookStopped):
                self.done.emit(_("Writing the workbook was stopped: no file was written."))
            else:
                self._failed(error)

        # The workbook of a province of 20,000 units takes minutes: said on the page
        # meanwhile, the bar counting its sheets; the whole country is refused at once
        # (app.rollup.workbook.MAX_WORKBOOK_UNITS).
        self._workbook_steps = None
        task = self._runner.run(
            job, written, failed, self._workbook_progress, doing=_("writing the Excel workbook")
        )
        self._workbook_token = task.token
        self.workbook_stop.setEnabled(True)  # shown in the workbook button's place: one at a time
        self._set_busy("workbook", N_("Writing the Excel workbook…"))

    @Slot()
    def _stop_workbook(self) -> None:
        """Stop the workbook after the sheet being written; nothing is saved."""
        if self._workbook_token is not None:
            self._workbook_token.cancel()
            self.workbook_stop.setEnabled(False)
            self._set_busy("workbook", N_("Stopping…"))

    @Slot()
    def print_summary(self) -> None:
        from app.printing import print_province_summary

        if self.plan is None:
            return
        ctx, plan_id, scope = self._ctx, self.plan.id, self.scope()
        self._preview_pdf(
            f"tong-hop-{self.plan.year}.pdf",
            lambda out: print_province_summary(ctx, plan_id=plan_id, out=out, scope=scope),
        )

"""The dashboard: targets against Σ registered and Σ achieved, who has not sent,
charts, and the units behind any figure.

One background read (:func:`app.rollup.dashboard.dashboard`) per refresh; the GUI
thread only resets two models. The charts are rebuilt when their tab is
shown, not on every refresh. A double click on a figure opens the list of
the units it counts (:func:`app.rollup.dashboard.units_behind`).
"""

from __future__ import annotations

import math
import time
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QAbstractTableModel,
    QMargins,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QCursor,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.figures import (
    Verdict,
    figure_attainment_text,
    percent_of,
    percent_text,
    target_text,
)
from app.core.format import format_number
from app.core.i18n import gettext as _
from app.rollup import (
    ClusterFigure,
    Dashboard,
    MissingUnit,
    Scope,
    ScopeChoice,
    ScopeKind,
    TargetRollup,
    UnitFigure,
)
from db.enums import REGISTRATION_STREAM

from ui.federation.common import (
    BAD,
    GOOD,
    WARN,
    figure_text,
    fit_width,
    met_label,
    rows_refiltered,
    stream_label,
    value_text,
    verdict_brush,
)
from ui.widgets.dialogs import file_dialog, translate_buttons
from ui.widgets.pages import Page
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tables import RowTableModel
from ui.widgets.tasks import CancelToken, Runner

_Index = QModelIndex | QPersistentModelIndex
#: Attainment bars are cut here so one runaway figure does not flatten the rest.
CHART_CAP = 200.0
#: A figure above this is drawn at it (its value stays in the tooltip and the table).
CHART_LIMIT = 1000.0


class DashboardColumn(IntEnum):
    CODE = 0
    INDICATOR = 1
    TARGET = 2
    UNITS = 3

    def header(self) -> str:
        return {
            DashboardColumn.CODE: _("Code"),
            DashboardColumn.INDICATOR: _("Indicator"),
            DashboardColumn.TARGET: _("Province target"),
            DashboardColumn.UNITS: _("Units"),
        }[self]


#: After the fixed columns, two per stream: the figure, then "% of target".
FIRST_STREAM_COLUMN = len(DashboardColumn)


class DashboardModel(QAbstractTableModel):
    """One row per target (:class:`TargetRollup`); two columns per stream."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[TargetRollup] = []
        self._streams: list[str] = [REGISTRATION_STREAM]
        self._plan: domain.Plan | None = None

    def set_dashboard(self, board: Dashboard | None) -> None:
        self.beginResetModel()
        if board is None:
            self._rows, self._plan = [], None
        else:
            self._rows = list(board.rollups)
            self._streams = board.streams
            self._plan = board.plan
        self.endResetModel()

    def rollup_at(self, row: int) -> TargetRollup:
        return self._rows[row]

    def stream_of(self, column: int) -> str | None:
        if column < FIRST_STREAM_COLUMN:
            return REGISTRATION_STREAM if column == DashboardColumn.UNITS else None
        return self._streams[(column - FIRST_STREAM_COLUMN) // 2]

    def figure_column(self, stream: str) -> int:
        return FIRST_STREAM_COLUMN + 2 * self._streams.index(stream)

    def row_of(self, code: str, wording: str | None = None) -> int:
        for row, item in enumerate(self._rows):
            if item.indicator.code == code and (
                wording is None or (item.target is not None and item.target.wording == wording)
            ):
                return row
        raise KeyError(code)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIRST_STREAM_COLUMN + 2 * len(self._streams)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < FIRST_STREAM_COLUMN:
                return DashboardColumn(section).header()
            stream = self._streams[(section - FIRST_STREAM_COLUMN) // 2]
            if (section - FIRST_STREAM_COLUMN) % 2:
                return _("% of target")
            if stream == REGISTRATION_STREAM:
                return _("Σ registered") + "\n" + stream_label(stream, self._plan)
            return _("Σ achieved") + "\n" + stream_label(stream, self._plan)
        if role == Qt.ItemDataRole.ToolTipRole and section >= FIRST_STREAM_COLUMN:
            return _("Double-click a figure to see the units behind it.")
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        column = index.column()
        indicator, target = item.indicator, item.target
        if column < FIRST_STREAM_COLUMN:
            fixed = DashboardColumn(column)
            if role == Qt.ItemDataRole.DisplayRole:
                if fixed is DashboardColumn.CODE:
                    return indicator.code
                if fixed is DashboardColumn.INDICATOR:
                    return indicator.title
                if fixed is DashboardColumn.TARGET:
                    if target is None or self._plan is None:
                        return "—"
                    return target_text(self._plan, indicator, target)
                return format_number(item.applicable_units)
            if role == Qt.ItemDataRole.ToolTipRole and fixed is DashboardColumn.INDICATOR:
                return indicator.title
            if role == Qt.ItemDataRole.TextAlignmentRole and fixed is DashboardColumn.UNITS:
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            return None
        stream = self._streams[(column - FIRST_STREAM_COLUMN) // 2]
        figure = item.figures.get(stream)
        percent_column = bool((column - FIRST_STREAM_COLUMN) % 2)
        if role == Qt.ItemDataRole.DisplayRole:
            if percent_column:
                share = figure.attainment if figure is not None else None
                return percent_text(share) if share is not None else ""
            return figure_text(indicator, figure)[0]
        if role == Qt.ItemDataRole.ToolTipRole:
            if percent_column:
                return figure_attainment_text(figure)
            return figure_text(indicator, figure)[1]
        if role == Qt.ItemDataRole.BackgroundRole and figure is not None:
            return verdict_brush(figure.verdict)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, self.columnCount() - 1))


class MissingColumn(IntEnum):
    STREAM = 0
    CODE = 1
    UNIT = 2
    CLUSTER = 3
    UPPER = 4
    CHAIR = 5
    PHONE = 6
    EMAIL = 7
    NOTE = 8

    def header(self) -> str:
        return {
            MissingColumn.STREAM: _("Not sent"),
            MissingColumn.CODE: _("Code"),
            MissingColumn.UNIT: _("Unit"),
            MissingColumn.CLUSTER: _("Cluster"),
            MissingColumn.UPPER: _("Upper level"),
            MissingColumn.CHAIR: _("Chair"),
            MissingColumn.PHONE: _("Phone"),
            MissingColumn.EMAIL: _("E-mail"),
            MissingColumn.NOTE: _("Note"),
        }[self]


def held_text(held: str) -> str:
    return {
        "pending_key": _("Received, held: the key is not confirmed yet"),
        "quarantined": _("Received, in conflict: staff must choose"),
        "returned": _("Returned for correction: the corrected report is awaited"),
    }.get(held, "")


class MissingModel(RowTableModel[MissingUnit]):
    """Units that have not sent a stream ("chưa nộp"), with their contact."""

    columns = MissingColumn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plan: domain.Plan | None = None

    def set_missing(self, rows: list[MissingUnit], plan: domain.Plan | None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._plan = plan
        self.endResetModel()

    def text(self, row: int, column: MissingColumn) -> str:
        item = self._rows[row]
        unit = item.unit
        return {
            MissingColumn.STREAM: stream_label(item.stream, self._plan),
            MissingColumn.CODE: unit.code,
            MissingColumn.UNIT: unit.name,
            MissingColumn.CLUSTER: unit.cluster,
            MissingColumn.UPPER: unit.parent_name,
            MissingColumn.CHAIR: unit.chair,
            MissingColumn.PHONE: unit.phone,
            MissingColumn.EMAIL: unit.email,
            MissingColumn.NOTE: held_text(item.held),
        }[column]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = MissingColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), column)
        if role == Qt.ItemDataRole.BackgroundRole and column is MissingColumn.NOTE:
            return WARN if self._rows[index.row()].held else None
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(MissingColumn) - 1)


class StreamFilter(QSortFilterProxyModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stream: str | None = None

    def set_stream(self, stream: str | None) -> None:
        with rows_refiltered(self):
            self._stream = stream

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, MissingModel)
        return self._stream is None or model.row_at(source_row).stream == self._stream


class BehindColumn(IntEnum):
    CODE = 0
    UNIT = 1
    CLUSTER = 2
    VALUE = 3
    VERDICT = 4
    PHONE = 5

    def header(self) -> str:
        return {
            BehindColumn.CODE: _("Code"),
            BehindColumn.UNIT: _("Unit"),
            BehindColumn.CLUSTER: _("Cluster"),
            BehindColumn.VALUE: _("Value"),
            BehindColumn.VERDICT: _("Counts towards the target"),
            BehindColumn.PHONE: _("Phone"),
        }[self]


class UnitsBehindModel(RowTableModel[UnitFigure]):
    columns = BehindColumn

    def __init__(
        self, plan: domain.Plan, item: TargetRollup, rows: list[UnitFigure], parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._plan = plan
        self._item = item
        self._rows = rows

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = BehindColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column is BehindColumn.CODE:
                return row.unit.code
            if column is BehindColumn.UNIT:
                return row.unit.name
            if column is BehindColumn.CLUSTER:
                return row.unit.cluster
            if column is BehindColumn.VALUE:
                return value_text(self._plan, self._item.indicator, row.value) or _("not sent")
            if column is BehindColumn.VERDICT:
                return met_label(row.meets)
            return row.unit.phone
        if role == Qt.ItemDataRole.BackgroundRole and column is BehindColumn.VERDICT:
            if row.meets is None:
                return None
            return GOOD if row.meets else BAD
        if role == Qt.ItemDataRole.ForegroundRole and row.value is None:
            return QColor("#8a8a8a")
        return None


class UnitsBehindDialog(QDialog):
    """The units one figure counts, with their own values (non-modal, resizable)."""

    def __init__(
        self,
        plan: domain.Plan,
        item: TargetRollup,
        stream: str,
        scope_text: str,
        rows: list[UnitFigure],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("units-behind")
        self.model = UnitsBehindModel(plan, item, rows, self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setColumnWidth(BehindColumn.UNIT, 260)
        self.view.setColumnWidth(BehindColumn.VALUE, 170)
        self.view.setColumnWidth(BehindColumn.VERDICT, 150)
        sent = sum(1 for r in rows if r.value is not None)
        title = f"{item.indicator.code} · {stream_label(stream, plan)} · {scope_text}"
        self.setWindowTitle(title)
        summary = QLabel(
            f"<b>{item.indicator.title}</b><br>"
            + (target_text(plan, item.indicator, item.target) if item.target is not None else "")
            + "<br>"
            + _("{units} applicable units; {sent} sent a value.").format(units=len(rows), sent=sent)
        )
        summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate_buttons(buttons)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 860, 560)


def _replace_chart(view: QChartView, chart: QChart) -> None:
    """Show ``chart``; the view releases (does not delete) the chart it showed."""
    previous = view.chart()
    view.setChart(chart)
    if previous is not None and previous is not chart:
        previous.deleteLater()


def _scope_text(choice: ScopeChoice | None) -> str:
    if choice is None or choice.kind is ScopeKind.PROVINCE:
        return _("Whole province")
    if choice.kind is ScopeKind.CLUSTER:
        return _("Cluster: {name}").format(name=choice.name)
    return _("Under {code} {name}").format(code=choice.code, name=choice.name)


class DashboardPage(Page):
    #: Emitted with the :class:`Dashboard` once it is on screen.
    refreshed = Signal(object)
    clusters_shown = Signal(object)
    behind_shown = Signal(object)  # UnitsBehindDialog
    done = Signal(str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.plan: domain.Plan | None = None
        self.board: Dashboard | None = None
        self._choices: list[ScopeChoice] = []
        self._charts_dirty = True
        self._clusters: list[ClusterFigure] | None = None
        self._pending_refresh = False
        self._refreshing = False
        #: Seconds of the last refresh: whole (request → on screen) and on the GUI thread.
        self.last_timing: tuple[float, float] = (0.0, 0.0)

        self.scope_label = QLabel()
        self.scope_combo = QComboBox()
        self.scope_combo.setObjectName("scope-combo")
        self.scope_combo.setMinimumWidth(360)
        self.scope_combo.currentIndexChanged.connect(self._scope_chosen)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        self.workbook_button = QPushButton()
        self.workbook_button.clicked.connect(self.choose_workbook)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_summary)
        self.coverage = QLabel()
        self.coverage.setObjectName("coverage")
        self.coverage.setWordWrap(True)
        self.coverage.setTextFormat(Qt.TextFormat.RichText)

        self.model = DashboardModel(self)
        self.view = QTableView()
        self.view.setObjectName("dashboard-table")
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.doubleClicked.connect(self._figure_clicked)
        self.view.activated.connect(self._figure_clicked)

        self.indicator_chart = QChartView()
        self.indicator_chart.setObjectName("indicator-chart")
        self.indicator_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.cluster_chart = QChartView()
        self.cluster_chart.setObjectName("cluster-chart")
        self.cluster_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_stream_combo = QComboBox()
        self.chart_stream_combo.currentIndexChanged.connect(self._chart_stream_chosen)
        chart_page = QWidget()
        chart_layout = QVBoxLayout(chart_page)
        stream_row = QHBoxLayout()
        self.chart_stream_label = QLabel()
        stream_row.addWidget(self.chart_stream_label)
        stream_row.addWidget(self.chart_stream_combo)
        stream_row.addStretch(1)
        chart_layout.addLayout(stream_row)
        chart_layout.addWidget(self.indicator_chart, 1)
        cluster_page = QWidget()
        cluster_layout = QVBoxLayout(cluster_page)
        self.cluster_note = QLabel()
        self.cluster_note.setWordWrap(True)
        cluster_layout.addWidget(self.cluster_note)
        cluster_layout.addWidget(self.cluster_chart, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.view, "")
        self.tabs.addTab(chart_page, "")
        self.tabs.addTab(cluster_page, "")
        self.tabs.currentChanged.connect(self._tab_changed)

        self.missing_model = MissingModel(self)
        self.missing_proxy = StreamFilter(self)
        self.missing_proxy.setSourceModel(self.missing_model)
        self.missing_view = QTableView()
        self.missing_view.setObjectName("missing-table")
        self.missing_view.setModel(self.missing_proxy)
        self.missing_view.setSortingEnabled(True)
        self.missing_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.missing_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.missing_view.verticalHeader().setVisible(False)
        self.missing_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.missing_view.horizontalHeader().setStretchLastSection(True)
        for column, width in (
            (MissingColumn.STREAM, 130),
            (MissingColumn.CODE, 90),
            (MissingColumn.UNIT, 230),
            (MissingColumn.CLUSTER, 90),
            (MissingColumn.UPPER, 190),
            (MissingColumn.CHAIR, 130),
            (MissingColumn.PHONE, 110),
            (MissingColumn.EMAIL, 170),
        ):
            self.missing_view.setColumnWidth(column, width)
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.missing_view)
        copy.activated.connect(self.copy_missing)
        self.missing_title = QLabel()
        self.missing_stream = QComboBox()
        self.missing_stream.setObjectName("missing-stream")
        self.missing_stream.currentIndexChanged.connect(self._missing_stream_chosen)
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self.copy_missing)

        top = QHBoxLayout()
        top.addWidget(self.scope_label)
        top.addWidget(self.scope_combo)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        top.addWidget(self.workbook_button)
        top.addWidget(self.print_button)
        missing_box = QWidget()
        missing_layout = QVBoxLayout(missing_box)
        missing_layout.setContentsMargins(0, 0, 0, 0)
        missing_top = QHBoxLayout()
        missing_top.addWidget(self.missing_title)
        missing_top.addWidget(self.missing_stream)
        missing_top.addStretch(1)
        missing_top.addWidget(self.copy_button)
        missing_layout.addLayout(missing_top)
        missing_layout.addWidget(self.missing_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tabs)
        splitter.addWidget(missing_box)
        splitter.setStretchFactor(0, 5)  # the targets and the charts first
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.coverage)
        layout.addWidget(splitter, 1)
        self.translateUI()

    # --- language ---------------------------------------------------------------------------

    def translateUI(self) -> None:
        self.scope_label.setText(_("Scope:"))
        self.refresh_button.setText(_("Refresh"))
        self.workbook_button.setText(_("Excel workbook…"))
        self.print_button.setText(_("Print the summary…"))
        self.tabs.setTabText(0, _("Targets"))
        self.tabs.setTabText(1, _("Chart by indicator"))
        self.tabs.setTabText(2, _("Chart by cluster"))
        self.chart_stream_label.setText(_("Compare with the target:"))
        self.cluster_note.setText(
            _(
                "For each cluster: the share of its units that sent the chosen stream, and the "
                "share of the province's targets its units meet together."
            )
        )
        self._count_missing()
        self.copy_button.setText(_("Copy the list"))
        self.model.retranslate()
        self.missing_model.retranslate()
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
        streams = [REGISTRATION_STREAM, *(p.code for p in self.plan.periods)] if self.plan else []
        for combo, with_all in ((self.missing_stream, True), (self.chart_stream_combo, False)):
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
        self.missing_proxy.set_stream(self.missing_stream.currentData())

    # --- loading ----------------------------------------------------------------------------

    def set_plan(self, plan: domain.Plan) -> None:
        """Load the scopes of the plan's year, then refresh."""
        from app.rollup import read_scope_choices

        self.plan = plan
        self._clusters = None
        ctx, year = self._ctx, plan.year

        def job(_progress: Any, _token: CancelToken) -> list[ScopeChoice]:
            return read_scope_choices(ctx, year=year)

        def done(choices: list[ScopeChoice]) -> None:
            current = self.current_choice()
            self._choices = choices
            self._fill_scopes()
            if current is None or current not in choices:
                self.scope_combo.setCurrentIndex(0)
            self._fill_streams()
            self.refresh()

        self._runner.run(job, done, self._failed)

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
        from app.rollup import fresh_dashboard

        if self.plan is None:
            return
        if self._refreshing:
            self._pending_refresh = True
            return
        self._refreshing = True
        ctx, plan_id, scope = self._ctx, self.plan.id, self.scope()
        started = time.perf_counter()

        def job(_progress: Any, _token: CancelToken) -> Dashboard:
            return fresh_dashboard(ctx, plan_id=plan_id, scope=scope)

        def finished(board: Dashboard) -> None:
            gui_started = time.perf_counter()
            self._refreshing = False
            if self._pending_refresh:
                self._pending_refresh = False
                self.refresh()
                return
            self.show_dashboard(board)
            now = time.perf_counter()
            self.last_timing = (now - started, now - gui_started)
            self.refreshed.emit(board)

        def failed(error: BaseException) -> None:
            self._refreshing = False
            self._pending_refresh = False
            self._failed(error)

        self._runner.run(job, finished, failed)

    def show_dashboard(self, board: Dashboard) -> None:
        self.board = board
        self.model.set_dashboard(board)
        # Figures such as 1.268.000.000 đ are shown whole, never cut to "1.268.000.0…".
        for column in range(FIRST_STREAM_COLUMN, self.model.columnCount()):
            self.view.resizeColumnToContents(column)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(DashboardColumn.INDICATOR, QHeaderView.ResizeMode.Stretch)
        self.view.setColumnWidth(DashboardColumn.CODE, 55)
        self.view.setColumnWidth(DashboardColumn.TARGET, 230)
        self.view.setColumnWidth(DashboardColumn.UNITS, 60)
        for column in range(FIRST_STREAM_COLUMN, self.model.columnCount()):
            # As wide as its title and its widest figure ("950.000.000 đ" is never cut).
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            figures = [
                str(self.model.index(row, column).data() or "")
                for row in range(self.model.rowCount())
            ]
            self.view.setColumnWidth(
                column, max(75, fit_width(self, [*title.split("\n"), *figures]) + 12)
            )
        self.missing_model.set_missing(list(board.missing), board.plan)
        self._count_missing()
        self._show_coverage()
        self._charts_dirty = True
        self._tab_changed(self.tabs.currentIndex())

    def _show_coverage(self) -> None:
        board = self.board
        if board is None:
            self.coverage.setText("")
            return
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
            parts.append(part)
        scope = _scope_text(self.current_choice())
        self.coverage.setText(f"<b>{scope}</b> — " + " · ".join(parts))

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
        from app.rollup import read_units_behind

        if self.plan is None:
            return
        item = self.model.rollup_at(row)
        ctx, plan, scope = self._ctx, self.plan, self.scope()
        scope_text = _scope_text(self.current_choice())

        def job(_progress: Any, _token: CancelToken) -> list[UnitFigure]:
            return read_units_behind(
                ctx,
                plan_id=plan.id,
                indicator_code=item.indicator.code,
                target=item.target,
                stream=stream,
                scope=scope,
            )

        def done(rows: list[UnitFigure]) -> None:
            dialog = UnitsBehindDialog(plan, item, stream, scope_text, rows, self)
            dialog.open()
            self.behind_shown.emit(dialog)

        self._runner.run(job, done, self._failed)

    # --- missing ----------------------------------------------------------------------------

    @Slot(int)
    def _missing_stream_chosen(self, _index: int) -> None:
        self.missing_proxy.set_stream(self.missing_stream.currentData())
        self._count_missing()

    def _count_missing(self) -> None:
        """The title says how many reports from how many units are missing."""
        stream = self.missing_stream.currentData()
        shown = [
            m for m in self.missing_model.rows() if stream is None or m.stream == stream
        ]  # what the filter shows, counted from the rows (no view calls per row)
        self.missing_title.setText(
            _("Not sent (chưa nộp): {reports} reports from {units} units").format(
                reports=format_number(len(shown)),
                units=format_number(len({m.unit.id for m in shown})),
            )
        )

    @Slot()
    def copy_missing(self) -> None:
        """The shown (or selected) rows as tab-separated text, for an e-mail or a sheet."""
        rows = sorted({i.row() for i in self.missing_view.selectionModel().selectedRows()})
        if not rows:
            rows = list(range(self.missing_proxy.rowCount()))
        lines = ["\t".join(c.header() for c in MissingColumn)]
        for row in rows:
            source = self.missing_proxy.mapToSource(self.missing_proxy.index(row, 0)).row()
            lines.append("\t".join(self.missing_model.text(source, c) for c in MissingColumn))
        QGuiApplication.clipboard().setText("\n".join(lines))
        self.done.emit(_("{count} rows copied.").format(count=len(rows)))

    # --- charts -----------------------------------------------------------------------------

    @Slot(int)
    def _tab_changed(self, index: int) -> None:
        if index == 1 and self._charts_dirty:
            self._build_indicator_chart()
            self._charts_dirty = False
        elif index == 2:
            if self._clusters is None:
                self._load_clusters()
            else:
                self._build_cluster_chart()

    @Slot(int)
    def _chart_stream_chosen(self, _index: int) -> None:
        self._charts_dirty = True
        self._clusters = None
        self._tab_changed(self.tabs.currentIndex())

    def chart_stream(self) -> str:
        stream = self.chart_stream_combo.currentData()
        return stream if isinstance(stream, str) else "year"

    def _build_indicator_chart(self) -> None:
        board = self.board
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        if board is None:
            _replace_chart(self.indicator_chart, chart)
            return
        stream = self.chart_stream()
        series = QBarSeries()
        registered = QBarSet(_("Σ registered"))
        achieved = QBarSet(
            _("Σ achieved: {period}").format(period=stream_label(stream, board.plan))
        )
        registered.setColor(QColor("#7fa7d9"))
        achieved.setColor(QColor("#2e7d32"))
        labels: list[str] = []
        #: Per bar group: the board row it shows, and its two figures as text.
        self.chart_rows: list[int] = []
        self.chart_tips: list[str] = []
        targets_of: dict[str, int] = {}
        for item in board.rollups:
            targets_of[item.indicator.code] = targets_of.get(item.indicator.code, 0) + 1
        seen: dict[str, int] = {}
        highest = 0.0
        for row, item in enumerate(board.rollups):
            code = item.indicator.code
            seen[code] = seen.get(code, 0) + 1
            reg_figure, got_figure = item.figures.get(REGISTRATION_STREAM), item.figures.get(stream)
            if got_figure is not None and got_figure.verdict is Verdict.CONTRIBUTION:
                continue  # a part of a province total: not "100% = reached" here
            reg = reg_figure.attainment if reg_figure is not None else None
            got = got_figure.attainment if got_figure is not None else None
            if reg is None and got is None:
                continue  # a ceiling ("none", "at most") has no percentage of attainment
            labels.append(f"{code} ({seen[code]})" if targets_of[code] > 1 else code)
            self.chart_rows.append(row)
            reg_value, got_value = float(reg or 0), float(got or 0)
            highest = max(highest, reg_value, got_value)
            registered.append(min(reg_value, CHART_LIMIT))
            achieved.append(min(got_value, CHART_LIMIT))
            wording = item.target.wording if item.target else ""
            tip = [f"{labels[-1]} — {item.indicator.title}", wording]
            tip.append(_("Registered: {figure} of the target").format(figure=percent_text(reg)))
            if stream != REGISTRATION_STREAM:
                tip.append(_("Achieved: {figure} of the target").format(figure=percent_text(got)))
            tip.append(_("Click to see the units behind the figure."))
            self.chart_tips.append("\n".join(t for t in tip if t))
        series.append(registered)
        if stream != REGISTRATION_STREAM:
            series.append(achieved)
        series.hovered.connect(self._bar_hovered)
        series.clicked.connect(self._bar_clicked)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append(labels)
        categories.setLabelsAngle(-90)  # every code readable, however many indicators
        # The axis reaches the highest figure (7.2 at 573% shows as 573%), in steps of 50%.
        top = max(CHART_CAP, min(CHART_LIMIT, 50.0 * math.ceil(highest / 50.0)))
        values = QValueAxis()
        values.setRange(0, top)
        values.setTickCount(int(top // 50) + 1 if top <= 400 else int(top // 100) + 1)
        values.setLabelFormat("%d%%")
        values.setTitleText(_("% of the target"))  # "100% = reached" is the dashed line
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)
        # The 100% line: reached at or above it.
        reached = QLineSeries()
        reached.setName(_("100% = reached"))
        reached.append(-0.5, 100.0)
        reached.append(max(len(labels), 1) - 0.5, 100.0)
        pen = QPen(QColor("#c62828"))
        pen.setWidth(2)
        pen.setStyle(Qt.PenStyle.DashLine)
        reached.setPen(pen)
        chart.addSeries(reached)
        line_axis = QValueAxis()
        line_axis.setRange(-0.5, max(len(labels), 1) - 0.5)
        line_axis.setVisible(False)
        chart.addAxis(line_axis, Qt.AlignmentFlag.AlignTop)
        reached.attachAxis(line_axis)
        reached.attachAxis(values)
        chart.setTitle(
            _("Attainment by indicator — {scope}").format(scope=_scope_text(self.current_choice()))
        )
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        _replace_chart(self.indicator_chart, chart)

    @Slot(bool, int, QBarSet)
    def _bar_hovered(self, inside: bool, index: int, _bars: QBarSet) -> None:
        if inside and 0 <= index < len(self.chart_tips):
            QToolTip.showText(QCursor.pos(), self.chart_tips[index], self.indicator_chart)
        else:
            QToolTip.hideText()

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

        self._runner.run(job, done, self._failed)

    def _build_cluster_chart(self) -> None:
        figures = self._clusters or []
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        stream = self.chart_stream()
        received = QBarSet(_("Units that sent (%)"))
        met = QBarSet(_("Targets met (%)"))
        received.setColor(QColor("#7fa7d9"))
        met.setColor(QColor("#2e7d32"))
        for figure in figures:
            received.append(100.0 * figure.received / figure.units if figure.units else 0.0)
            met.append(100.0 * figure.met / figure.judged if figure.judged else 0.0)
        series = QBarSeries()
        series.append(received)
        series.append(met)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([f.name for f in figures])
        values = QValueAxis()
        values.setRange(0, 100)
        values.setLabelFormat("%d%%")
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)
        title = _("Clusters — {stream}").format(stream=stream_label(stream, self.plan))
        if figures and not any(f.judged for f in figures):
            title += " — " + _("no target is judged in this period yet")
        chart.setTitle(title)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        _replace_chart(self.cluster_chart, chart)

    # --- exports ----------------------------------------------------------------------------

    @Slot()
    def choose_workbook(self) -> None:
        if self.plan is None:
            return
        file_dialog(
            self,
            name="save-workbook",
            title=_("Save the province workbook"),
            mode=QFileDialog.FileMode.AnyFile,
            save=True,
            name_filter=_("Excel workbooks (*.xlsx)"),
            suggested=f"tong-hop-thi-dua-{self.plan.year}.xlsx",
            on_chosen=lambda paths: self.export_workbook(paths[0]),
        )

    def export_workbook(self, path: Path) -> None:
        from app.rollup import save_province_workbook

        if self.plan is None:
            return
        ctx, plan_id, scope = self._ctx, self.plan.id, self.scope()
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")

        def job(_progress: Any, _token: CancelToken) -> Any:
            return save_province_workbook(ctx, plan_id=plan_id, path=path, scope=scope)

        self._runner.run(
            job,
            lambda result: self.done.emit(
                _("Workbook written to {path}.").format(path=result.path)
            ),
            self._failed,
        )

    @Slot()
    def print_summary(self) -> None:
        import tempfile

        from app.printing import print_province_summary

        if self.plan is None:
            return
        ctx, plan_id, scope = self._ctx, self.plan.id, self.scope()
        target = Path(tempfile.mkdtemp(prefix="thidua-")) / f"tong-hop-{self.plan.year}.pdf"

        def job(_progress: Any, _token: CancelToken) -> Path:
            return print_province_summary(ctx, plan_id=plan_id, out=target, scope=scope)

        def done(path: Path) -> None:
            from ui.widgets.pdf_preview import PdfPreviewDialog

            PdfPreviewDialog(path, self).open()

        self._runner.run(job, done, self._failed)

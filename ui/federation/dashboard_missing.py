"""The dashboard's "not sent" panel (chưa nộp): the units that have not sent a
stream, with their contact, under a title that counts them; filtered by stream
and copied as text for an e-mail or a sheet. "Nhập hộ…" asks to enter the chosen
unit's report on its behalf (``enter_requested``), and a line lists the reports
counted as sent that staff entered (paper form, Excel file), never signed by the unit.

The page fills it after each refresh (:meth:`MissingPanel.show_board`) and
fills its stream chooser with the chart's (``stream``); its texts are set by
:meth:`MissingPanel.translateUI`, which the page calls. The selected unit's
history and the reminder letters are asked for here (``history_requested``,
``remind_requested``) and opened by the page.

The dashboard names the first units of each report only (:data:`app.rollup.LISTED`);
the title counts every one, a line says how many more there are, and "Show all"
reads the whole list on the worker (:func:`app.rollup.read_not_sent`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.format import format_number
from app.core.i18n import gettext as _
from app.rollup import Scope

from ui.federation.common import fit_columns_to_text
from ui.federation.dashboard_models import MissingColumn, MissingModel, StreamFilter
from ui.widgets.errors import report_failure
from ui.widgets.placeholder_table import PlaceholderTable
from ui.widgets.tasks import BoundRunner, CancelToken

if TYPE_CHECKING:
    from app.rollup import Dashboard, EnteredUnit, MissingUnit

#: Qt's "no maximum" for a widget's height (QWIDGETSIZE_MAX).
MAX_HEIGHT = (1 << 24) - 1
#: The columns as wide as their text on one line (the report's name wrapped in two).
FITTED = (MissingColumn.STREAM, MissingColumn.CODE, MissingColumn.CLUSTER, MissingColumn.PHONE)


class MissingPanel(QWidget):
    """See the module docstring; ``done`` says how many rows were copied."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-dashboard"

    done = Signal(str)
    #: The unit whose history is asked for: (unit code, the row's report).
    history_requested = Signal(str, str)
    #: The stream chosen in the panel ("" for every stream): write reminder letters.
    remind_requested = Signal(str)
    #: Enter a unit's report on its behalf: (unit code, stream).
    enter_requested = Signal(str, str)
    #: Reports not sent in the stream shown, after each count (-1: not counted yet).
    counted = Signal(int)

    def __init__(
        self,
        ctx: AppContext | None = None,
        runner: BoundRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        #: Reports not sent per stream, all of them (None: the rows are the whole list).
        self._totals: dict[str, int] | None = None
        self._source: tuple[domain.Plan, Scope] | None = None  # what "Show all" reads
        self.model = MissingModel(self)
        self.proxy = StreamFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = PlaceholderTable()  # says the list is being read until it is
        self.view.setObjectName("missing-table")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.horizontalHeader().setStretchLastSection(True)
        self._keep_rows_visible()
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
            self.view.setColumnWidth(column, width)
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.view)
        copy.activated.connect(self.copy_rows)
        self.title = QLabel()
        self.stream = QComboBox()
        self.stream.setObjectName("missing-stream")
        self.stream.currentIndexChanged.connect(self._stream_chosen)
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self.copy_rows)
        self.history_button = QPushButton()
        self.history_button.setObjectName("missing-history")
        self.history_button.clicked.connect(self.ask_history)
        self.view.activated.connect(lambda _index: self.ask_history())
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.history_button.setEnabled(False)
        self.remind_button = QPushButton()
        self.remind_button.setObjectName("missing-remind")
        self.remind_button.clicked.connect(
            lambda: self.remind_requested.emit(self.stream.currentData() or "")
        )
        self.enter_button = QPushButton()
        self.enter_button.setObjectName("missing-enter")
        self.enter_button.clicked.connect(self.enter_chosen)
        self.all_sent = QLabel()  # said instead of an empty list
        self.all_sent.setObjectName("missing-all-sent")
        self.all_sent.hide()
        self._loaded = False  # nothing to say before the first refresh
        self.more = QLabel()  # "… and 1,234 more": the list is the first units only
        self.more.setObjectName("missing-more")
        self.more.hide()
        self.all_button = QPushButton()
        self.all_button.setObjectName("missing-all")
        self.all_button.clicked.connect(self.load_all)
        self.all_button.hide()
        self.entered_label = QLabel()
        self.entered_label.setObjectName("entered-units")
        self.entered_label.setWordWrap(True)
        self._entered: list[EnteredUnit] = []

        layout = QVBoxLayout(self)  # a tab of the dashboard: the margins of a page
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.stream)
        top.addStretch(1)
        top.addWidget(self.history_button)
        top.addWidget(self.remind_button)
        top.addWidget(self.enter_button)
        top.addWidget(self.copy_button)
        layout.addLayout(top)
        layout.addWidget(self.all_sent)
        layout.addWidget(self.view, 1)
        more = QHBoxLayout()
        more.addWidget(self.more)
        more.addWidget(self.all_button)
        more.addStretch(1)
        layout.addLayout(more)
        layout.addWidget(self.entered_label)

    def _keep_rows_visible(self, rows: int = 4) -> None:
        """Room for ``rows`` units at the least, whatever the text size."""
        header = self.view.horizontalHeader().sizeHint().height()
        row = self.view.verticalHeader().defaultSectionSize()
        self.view.setMinimumHeight(header + rows * row + 2 * self.view.frameWidth() + 2)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._keep_rows_visible()

    def translateUI(self) -> None:
        self.show_count()
        self.copy_button.setText(_("Copy the list"))
        self.all_button.setText(_("Show all"))
        self.all_button.setToolTip(_("Read every unit that has not sent (may take a moment)"))
        self.history_button.setText(_("Report history…"))
        self.remind_button.setText(_("Reminder letters…"))
        self.enter_button.setText(_("Enter on its behalf…"))
        self.enter_button.setToolTip(
            _("Type the chosen unit's paper form, or read its Excel file (nhập hộ)")
        )
        self.model.retranslate()

    def show_board(self, board: Dashboard) -> None:
        """The not-sent units of a refresh: its first units of each report, every one counted."""
        self._source = (board.plan, board.scope)
        totals = {c.stream: c.expected - c.received for c in board.coverage}
        self.show_missing(board.missing, board.plan, board.entered, totals)

    def show_missing(
        self,
        rows: Iterable[MissingUnit],
        plan: domain.Plan | None,
        entered: Iterable[EnteredUnit] = (),
        totals: Mapping[str, int] | None = None,
    ) -> None:
        """``rows`` shown; ``totals`` (reports not sent per stream) when they are the
        first units of each stream only."""
        rows = list(rows)
        self.model.set_missing(rows, plan)
        fit_columns_to_text(self.view, FITTED)
        self._entered = list(entered)
        bounded = totals is not None and sum(totals.values()) > len(rows)
        self._totals = dict(totals) if totals is not None and bounded else None
        self._loaded = True
        self.all_button.setEnabled(True)
        self.show_count()
        self._current_changed()

    @Slot()
    def load_all(self) -> None:
        """Read every unit that has not sent, on the worker, and show them all."""
        if self._source is None or self._ctx is None or self._runner is None:
            return
        (plan, scope), ctx, entered = self._source, self._ctx, list(self._entered)
        self.all_button.setEnabled(False)
        self.more.setText(_("Reading every unit that has not sent…"))

        def job(_progress: object, _token: CancelToken) -> list[MissingUnit]:
            from app.rollup import read_not_sent

            return read_not_sent(ctx, plan_id=plan.id, scope=scope)

        def done(rows: list[MissingUnit]) -> None:
            self.show_missing(rows, plan, entered)
            self.done.emit(_("Every unit that has not sent is listed."))

        def failed(error: BaseException) -> None:
            self.all_button.setEnabled(True)
            self.show_count()
            report_failure(self, error)

        self._runner.run(job, done, failed, reads=True)

    @Slot()
    def enter_chosen(self) -> None:
        """Ask to enter the chosen (else the first shown) unit's report on its behalf."""
        rows = self.view.selectionModel().selectedRows() or [self.proxy.index(0, 0)]
        if not rows[0].isValid():
            return
        item = self.model.rows()[self.proxy.mapToSource(rows[0]).row()]
        self.enter_requested.emit(item.unit.code, item.stream)

    @Slot(int)
    def _stream_chosen(self, _index: int) -> None:
        self.proxy.set_stream(self.stream.currentData())
        self.show_count()

    def show_count(self) -> None:
        """The title says how many reports from how many units are missing."""
        stream = self.stream.currentData()
        shown = [
            m for m in self.model.rows() if stream is None or m.stream == stream
        ]  # what the filter shows, counted from the rows (no view calls per row)
        if not self._loaded:  # no "0 reports from 0 units" before the first count
            self.title.setText(_("Not sent (chưa nộp): counting…"))
            self.counted.emit(-1)
            return
        totals = self._totals or {}
        total = totals.get(stream, len(shown)) if stream else sum(totals.values())
        unlisted = max(0, total - len(shown)) if self._totals is not None else 0
        if unlisted:  # the first units only: every report counted, the units cannot be
            self.title.setText(
                _("Not sent (chưa nộp): {reports} reports").format(reports=format_number(total))
            )
            more = (
                _("… and {count} more units not listed here.")
                if stream
                else _("… and {count} more reports not listed here.")
            )
            self.more.setText(more.format(count=format_number(unlisted)))
        else:
            self.title.setText(
                _("Not sent (chưa nộp): {reports} reports from {units} units").format(
                    reports=format_number(len(shown)),
                    units=format_number(len({m.unit.id for m in shown})),
                )
            )
        self.more.setVisible(bool(unlisted))
        self.all_button.setVisible(bool(unlisted) and self._runner is not None)
        self.enter_button.setEnabled(bool(shown))
        # Nothing to remind of or copy when every unit has sent: said in words.
        self.remind_button.setEnabled(bool(shown))
        self.copy_button.setEnabled(bool(shown))
        self.all_sent.setText(
            _("Every unit has sent this report.")
            if stream is not None
            else _("Every unit has sent every report.")
        )
        self.all_sent.setVisible(self._loaded and not shown)
        # No empty list kept on screen: the words say it.
        self.view.setVisible(bool(shown) or not self._loaded)
        self.setMaximumHeight(self.sizeHint().height() if self.view.isHidden() else MAX_HEIGHT)
        typed = [e for e in self._entered if stream is None or e.stream == stream]
        sources = {"paper": _("paper form"), "excel": _("Excel file")}
        self.entered_label.setText(
            _("Entered by staff, not signed by the unit (nhập hộ): {units}").format(
                units=", ".join(f"{e.unit.code} ({sources[e.source]})" for e in typed)
            )
            if typed
            else ""
        )
        self.entered_label.setVisible(bool(typed))
        self.counted.emit(total if self._totals is not None else len(shown))

    def selected_code(self) -> str:
        """The code of the unit on the current row ("" when none)."""
        current = self.view.currentIndex()
        if not current.isValid():
            return ""
        row = self.proxy.mapToSource(current).row()
        return self.model.row_at(row).unit.code if row >= 0 else ""

    @Slot()
    def _current_changed(self) -> None:
        self.history_button.setEnabled(bool(self.selected_code()))

    @Slot()
    def ask_history(self) -> None:
        """The history of the unit on the current row, at that row's report."""
        current = self.view.currentIndex()
        if current.isValid():
            item = self.model.row_at(self.proxy.mapToSource(current).row())
            self.history_requested.emit(item.unit.code, item.stream)

    @Slot()
    def copy_rows(self) -> None:
        """The shown (or selected) rows as tab-separated text, for an e-mail or a sheet."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        if not rows:
            rows = list(range(self.proxy.rowCount()))
        lines = ["\t".join(c.header() for c in MissingColumn)]
        for row in rows:
            source = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            lines.append("\t".join(self.model.text(source, c) for c in MissingColumn))
        QGuiApplication.clipboard().setText("\n".join(lines))
        self.done.emit(_("{count} rows copied.").format(count=len(rows)))

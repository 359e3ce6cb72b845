"""The deadlines of a plan's reports (hạn nộp) and the extensions granted to single
units (gia hạn): one date per report to set or clear, and a unit of the roster
given a later day for a reason, or its extension withdrawn.

Every change goes through the roll-up's services (:func:`app.rollup.save_deadline`,
:func:`~app.rollup.remove_deadline`, :func:`~app.rollup.save_extension`,
:func:`~app.rollup.remove_extension`), which check it and audit it, on the
dialog's own worker; a refused change is shown in the dialog, which stays open
with what was typed. ``changed`` is emitted after each change saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.days import short_date
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.rollup import StreamDeadline

from ui.federation.common import BANNER_STYLE, stream_label
from ui.widgets.dates import date_edit, day_of, qdate
from ui.widgets.dialogs import translate_buttons
from ui.widgets.errors import error_text, report_failure
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tasks import CancelToken, Runner
from ui.widgets.unit_list import UnitRow, searchable, unit_rows


class DeadlinesDialog(QDialog):
    """See the module docstring."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-deadlines"

    #: Emitted with the message of each change saved.
    changed = Signal(str)
    #: Emitted once the deadlines and the roster's units are on screen.
    loaded = Signal()

    def __init__(
        self,
        ctx: AppContext,
        runner: Runner,
        plan: domain.Plan,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deadlines")
        self.setWindowTitle(_("Deadlines of the {year} plan").format(year=plan.year))
        self._ctx = ctx
        self._runner = runner.bound(self)
        self.plan = plan
        self.deadlines: list[StreamDeadline] = []
        default = dt.date(plan.year, 7, 15)

        intro = QLabel(
            _(
                "The last day each report may arrive. A report received by the end of that "
                "day (Vietnam time) is on time. A unit given an extension has until its own day."
            )
        )
        intro.setWordWrap(True)
        deadlines = QGroupBox(_("Deadlines"))
        grid = QGridLayout(deadlines)
        self.date_edits: dict[str, QDateEdit] = {}
        self.current: dict[str, QLabel] = {}
        self.set_buttons: dict[str, QPushButton] = {}
        self.clear_buttons: dict[str, QPushButton] = {}
        for row, stream in enumerate(plan.streams):
            edit = date_edit(f"deadline-{stream}", default)
            now = QLabel()
            now.setObjectName(f"deadline-now-{stream}")
            set_button = QPushButton(_("Set"))
            set_button.setObjectName(f"set-deadline-{stream}")
            set_button.clicked.connect(lambda _c=False, s=stream: self.set_deadline(s))
            clear_button = QPushButton(_("Clear"))
            clear_button.setObjectName(f"clear-deadline-{stream}")
            clear_button.clicked.connect(lambda _c=False, s=stream: self.clear_deadline(s))
            grid.addWidget(QLabel(stream_label(stream, plan)), row, 0)
            grid.addWidget(now, row, 1)
            grid.addWidget(edit, row, 2)
            grid.addWidget(set_button, row, 3)
            grid.addWidget(clear_button, row, 4)
            self.date_edits[stream] = edit
            self.current[stream] = now
            self.set_buttons[stream] = set_button
            self.clear_buttons[stream] = clear_button
        grid.setColumnStretch(1, 1)

        extensions = QGroupBox(_("Extensions for single units"))
        self.extension_stream = QComboBox()
        self.extension_stream.setObjectName("extension-stream")
        for stream in plan.streams:
            self.extension_stream.addItem(stream_label(stream, plan), stream)
        self.extension_unit = QComboBox()
        self.extension_unit.setObjectName("extension-unit")
        self.extension_unit.setMinimumWidth(280)
        # Sized by the room it has, not by the longest of thousands of names.
        self.extension_unit.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.extension_search = QLineEdit()
        self.extension_search.setObjectName("extension-search")
        self.extension_search.setClearButtonEnabled(True)
        self.extension_search.setMinimumWidth(self.fontMetrics().averageCharWidth() * 22)
        self.extension_search.setPlaceholderText(_("Search by name or code (diacritics optional)…"))
        self.extension_search.setToolTip(self.extension_search.placeholderText())
        # A province lists thousands of units: typed words narrow the list.
        self.units = searchable(self.extension_unit, self.extension_search)
        self.extension_date = date_edit("extension-date", default + dt.timedelta(days=7))
        self.extension_reason = QLineEdit()
        self.extension_reason.setObjectName("extension-reason")
        self.extension_reason.setPlaceholderText(_("Reason (required)"))
        self.grant_button = QPushButton(_("Grant the extension"))
        self.grant_button.setObjectName("grant-extension")
        self.grant_button.clicked.connect(self.grant_extension)
        self.extension_table = QTableWidget(0, 4)
        self.extension_table.setObjectName("extensions-table")
        self.extension_table.setHorizontalHeaderLabels(
            [_("Report"), _("Unit"), _("Until"), _("Reason")]
        )
        self.extension_table.verticalHeader().setVisible(False)
        self.extension_table.horizontalHeader().setStretchLastSection(True)
        self.extension_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive
        )
        self.extension_table.setColumnWidth(0, 150)
        self.extension_table.setColumnWidth(1, 240)
        self.extension_table.setColumnWidth(2, 90)
        self.extension_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.extension_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.extension_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.withdraw_button = QPushButton(_("Withdraw the chosen extension"))
        self.withdraw_button.setObjectName("withdraw-extension")
        self.withdraw_button.clicked.connect(self.withdraw_extension)
        choose = QGridLayout()
        choose.addWidget(QLabel(_("Report:")), 0, 0)
        choose.addWidget(self.extension_stream, 0, 1)
        choose.addWidget(QLabel(_("Unit:")), 0, 2)
        unit_row = QHBoxLayout()
        unit_row.addWidget(self.extension_search, 2)  # typed first, then chosen
        unit_row.addWidget(self.extension_unit, 3)
        choose.addLayout(unit_row, 0, 3)
        choose.addWidget(QLabel(_("Until:")), 1, 0)
        choose.addWidget(self.extension_date, 1, 1)
        choose.addWidget(QLabel(_("Reason:")), 1, 2)
        choose.addWidget(self.extension_reason, 1, 3)
        choose.setColumnStretch(3, 1)
        grant_row = QHBoxLayout()
        grant_row.addStretch(1)
        grant_row.addWidget(self.grant_button)
        withdraw_row = QHBoxLayout()
        withdraw_row.addStretch(1)
        withdraw_row.addWidget(self.withdraw_button)
        ext_layout = QVBoxLayout(extensions)
        ext_layout.addLayout(choose)
        ext_layout.addLayout(grant_row)
        ext_layout.addWidget(self.extension_table, 1)
        ext_layout.addLayout(withdraw_row)

        self.message = QLabel()
        self.message.setObjectName("deadlines-message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(BANNER_STYLE)
        self.message.hide()
        self.note = QLabel()
        self.note.setObjectName("deadlines-note")
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate_buttons(self.buttons)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(deadlines)
        layout.addWidget(extensions, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        # Enter in a date or a reason changes nothing: each change is its own button's
        # click (Enter on the dialog's first date set a deadline unasked).
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        # A refusal's words go once what they were about is changed.
        self.extension_search.textChanged.connect(self._forget_refusal)
        self.extension_unit.currentIndexChanged.connect(self._forget_refusal)
        self.extension_stream.currentIndexChanged.connect(self._forget_refusal)
        self.extension_reason.textChanged.connect(self._forget_refusal)
        self.extension_date.dateChanged.connect(self._forget_refusal)
        self._stream_chosen = False
        self.extension_stream.activated.connect(self._remember_stream_choice)
        fit_to_screen(self, 820, 600)
        self.load(with_units=True)

    # --- reading ----------------------------------------------------------------------------

    def load(self, *, with_units: bool = False) -> None:
        """Read the deadlines (and, the first time, the roster's units) on the worker."""
        from app.rollup import read_deadlines
        from app.roster import read_unit_labels

        ctx, plan = self._ctx, self.plan

        def job(
            _progress: Any, _token: CancelToken
        ) -> tuple[list[StreamDeadline], list[UnitRow] | None]:
            units = None
            if with_units:
                labels = read_unit_labels(ctx, year=plan.year)
                units = unit_rows((f"{code} — {name}", code) for code, name in labels)
            return read_deadlines(ctx, plan_id=plan.id), units

        def done(result: tuple[list[StreamDeadline], list[UnitRow] | None]) -> None:
            deadlines, units = result
            if units is not None:
                self._fill_units(units)
            self._show(deadlines)
            self.loaded.emit()

        self._runner.run(job, done, self._refused)

    def _fill_units(self, units: list[UnitRow]) -> None:
        # Said only once the list is read (not while it is read: a country's takes a while).
        self.extension_unit.setPlaceholderText(_("No unit found."))
        self.units.set_units(units)  # narrowed by what is typed already, if anything
        self.extension_unit.setCurrentIndex(0 if self.units.rowCount() else -1)

    def _show(self, deadlines: list[StreamDeadline]) -> None:
        self.deadlines = deadlines
        for item in deadlines:
            label = self.current[item.stream]
            if item.due_on is None:
                label.setText(_("no deadline"))
            else:
                label.setText(_("due {date}").format(date=short_date(item.due_on)))
                self.date_edits[item.stream].setDate(qdate(item.due_on))
            self.clear_buttons[item.stream].setEnabled(item.due_on is not None)
        granted = [(item, e) for item in deadlines for e in item.extensions]
        self.extension_table.setRowCount(len(granted))
        for row, (item, extension) in enumerate(granted):
            cells = (
                stream_label(item.stream, self.plan),
                f"{extension.unit_code} — {extension.unit_name}",
                short_date(extension.due_on),
                extension.reason,
            )
            for column, text in enumerate(cells):
                self.extension_table.setItem(row, column, QTableWidgetItem(text))
        self.withdraw_button.setEnabled(bool(granted))
        if not self._stream_chosen:
            # Extensions are for a report with a deadline: the first that has one is
            # offered (the registration, listed first, may have none).
            with_deadline = [item.stream for item in deadlines if item.due_on is not None]
            current = self.extension_stream.currentData()
            if with_deadline and current not in with_deadline:
                self.extension_stream.setCurrentIndex(
                    self.extension_stream.findData(with_deadline[0])
                )

    @Slot(int)
    def _remember_stream_choice(self, _index: int) -> None:
        self._stream_chosen = True  # the user's choice stays as it is

    def _forget_refusal(self, *_changed: object) -> None:
        self.message.hide()

    # --- changes ----------------------------------------------------------------------------

    def _change(self, job: Callable[[], object], message: str) -> None:
        """Run a change on the worker; on success say so and read again, on refusal
        show why and change nothing on screen."""
        self.message.hide()
        self.setEnabled(False)

        def work(_progress: Any, _token: CancelToken) -> object:
            return job()

        def done(_result: object) -> None:
            self.setEnabled(True)
            self.note.setText(message)
            self.changed.emit(message)
            self.load()

        self._runner.run(work, done, self._refused)

    @Slot(object)
    def _refused(self, error: BaseException) -> None:
        """A refused change is said in the dialog; anything unexpected as everywhere."""
        self.setEnabled(True)
        if isinstance(error, UserError):
            self._refused_text(error_text(error))
        else:
            report_failure(self, error)

    def set_deadline(self, stream: str) -> None:
        from app.rollup import save_deadline

        ctx, plan_id, day = self._ctx, self.plan.id, day_of(self.date_edits[stream])
        self._change(
            lambda: save_deadline(ctx, plan_id=plan_id, stream=stream, due_on=day),
            _("Deadline of {stream} (the {year} plan): {date}.").format(
                stream=stream_label(stream, self.plan), year=self.plan.year, date=short_date(day)
            ),
        )

    def clear_deadline(self, stream: str) -> None:
        from app.rollup import remove_deadline

        ctx, plan_id = self._ctx, self.plan.id
        self._change(
            lambda: remove_deadline(ctx, plan_id=plan_id, stream=stream),
            _("Deadline of {stream} (the {year} plan) cleared.").format(
                stream=stream_label(stream, self.plan), year=self.plan.year
            ),
        )

    @Slot()
    def grant_extension(self) -> None:
        from app.rollup import save_extension

        ctx, plan_id = self._ctx, self.plan.id
        stream = str(self.extension_stream.currentData())
        unit = str(self.extension_unit.currentData() or "")
        day, reason = day_of(self.extension_date), self.extension_reason.text()
        self._change(
            lambda: save_extension(
                ctx, plan_id=plan_id, stream=stream, unit=unit, due_on=day, reason=reason
            ),
            _("{code} has until {date} for {stream}.").format(
                code=unit, date=short_date(day), stream=stream_label(stream, self.plan)
            ),
        )

    @Slot()
    def withdraw_extension(self) -> None:
        from app.rollup import remove_extension

        granted = [(item.stream, e) for item in self.deadlines for e in item.extensions]
        row = self.extension_table.currentRow()
        if not 0 <= row < len(granted):
            self._refused_text(_("Choose the extension to withdraw in the list."))
            return
        stream, extension = granted[row]
        ctx, plan_id, unit = self._ctx, self.plan.id, extension.unit_code or extension.unit_id
        self._change(
            lambda: remove_extension(ctx, plan_id=plan_id, stream=stream, unit=unit),
            _("The extension of {code} for {stream} is withdrawn.").format(
                code=unit, stream=stream_label(stream, self.plan)
            ),
        )

    def _refused_text(self, text: str) -> None:
        self.note.setText("")
        self.message.setText(text)
        self.message.show()

"""A page of the main window: a plan's indicators, read-only, and a chooser of the plans.

Shown for a database that is neither a federation's nor a unit's; the plans are
read on the task runner. While the database opens the window shows
:mod:`ui.shell.opening_page` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _

from ui.widgets.tables import IndicatorColumn, IndicatorTableModel
from ui.widgets.tasks import CancelToken, Runner

if TYPE_CHECKING:
    from app.core.context import AppContext


class PlanView(QWidget):
    """The chosen plan's indicators; ``shown`` carries its id once they are on screen."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "unit-plan"

    shown = Signal(str)

    def __init__(
        self,
        runner: Runner,
        *,
        context: Callable[[], AppContext | None],
        on_error: Callable[[BaseException], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._context = context
        self._on_error = on_error
        self._plan_ids: list[str] = []
        self._title = QLabel()
        self._title.setWordWrap(True)
        self._title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._plan_label = QLabel()
        self._plan_combo = QComboBox()
        self._plan_combo.setMinimumWidth(320)
        self.model = IndicatorTableModel(self)
        self._table = QTableView()
        self._table.setModel(self.model)
        self._table.setWordWrap(True)
        self._table.setAlternatingRowColors(True)
        self._table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(IndicatorColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(IndicatorColumn.TARGET, QHeaderView.ResizeMode.Stretch)
        self._table.verticalHeader().setVisible(False)
        self._table.setColumnWidth(IndicatorColumn.CODE, 60)
        self._table.setColumnWidth(IndicatorColumn.UNIT, 100)
        self._table.setColumnWidth(IndicatorColumn.APPLIES, 240)

        top = QHBoxLayout()
        top.addWidget(self._plan_label)
        top.addWidget(self._plan_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._title)
        layout.addWidget(self._table, 1)
        self._plan_combo.currentIndexChanged.connect(self._plan_chosen)

    def translateUI(self) -> None:
        self._plan_label.setText(_("Plan:"))
        self.model.retranslate()

    def load(self) -> None:
        """Read the database's plans and show the first (off the GUI thread)."""
        ctx = self._context()
        assert ctx is not None, "plans are read from an open database"

        def job(_progress: Any, _token: CancelToken) -> Any:
            from app.plans import available_plans, read_plan

            summaries = available_plans(ctx)
            first = read_plan(ctx, plan_id=summaries[0].id) if summaries else None
            return summaries, first

        self._runner.run(job, self._plans_loaded, self._on_error, reads=True)

    @Slot(object)
    def _plans_loaded(self, result: tuple[list[Any], Any]) -> None:
        summaries, first = result
        self._plan_combo.blockSignals(True)
        self._plan_combo.clear()
        self._plan_ids = [s.id for s in summaries]
        for summary in summaries:
            self._plan_combo.addItem(f"{summary.year} — {summary.title}", summary.id)
        self._plan_combo.blockSignals(False)
        self._show_plan(first)

    @Slot(int)
    def _plan_chosen(self, index: int) -> None:
        ctx = self._context()
        if index < 0 or ctx is None:
            return
        plan_id = self._plan_ids[index]

        def job(_progress: Any, _token: CancelToken) -> Any:
            from app.plans import read_plan

            return read_plan(ctx, plan_id=plan_id)

        self._runner.run(job, self._show_plan, self._on_error, reads=True)

    def _show_plan(self, plan: Any) -> None:
        self.model.set_plan(plan)
        if plan is None:
            self._title.setText(_("No plan yet."))
            return
        self._title.setText(
            f"<b>{plan.issuer}</b> — {plan.number}<br>{plan.title}<br>"
            + _("Theme: {theme}").format(theme=plan.theme)
        )
        self._table.resizeRowsToContents()
        self.shown.emit(plan.id)


__all__ = ["PlanView"]

"""The units behind one figure of the dashboard: each applicable unit with its own
value, and whether it counts towards the target (a non-modal dialog).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableView, QVBoxLayout, QWidget

from app.core import domain
from app.core.figures import target_text
from app.core.i18n import gettext as _
from app.rollup import TargetRollup, UnitFigure

from ui.federation.common import BAD, GOOD, met_label, stream_label, value_text
from ui.widgets.dialogs import translate_buttons
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tables import ModelIndex, RowTableModel


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

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
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
                text = value_text(self._plan, self._item.indicator, row.value) or _("not sent")
                if row.in_area_total and row.value is not None:
                    return _("{value} (in its upper-level union's total)").format(value=text)
                return text
            if column is BehindColumn.VERDICT:
                return met_label(row.meets)
            return row.unit.phone
        if role == Qt.ItemDataRole.BackgroundRole and column is BehindColumn.VERDICT:
            if row.meets is None:
                return None
            return GOOD if row.meets else BAD
        if role == Qt.ItemDataRole.ForegroundRole and (row.value is None or row.in_area_total):
            return QColor("#8a8a8a")
        within = row.in_area_total and row.value is not None
        if role == Qt.ItemDataRole.ToolTipRole and column is BehindColumn.VALUE and within:
            return _(
                "Its upper-level union reported the total of its whole area: this value "
                "is within that total and is not added again."
            )
        return None


class UnitsBehindDialog(QDialog):
    """The units one figure counts, with their own values (non-modal, resizable)."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-dashboard"

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
        within = sum(1 for r in rows if r.in_area_total and r.value is not None)
        # A figure with no verdict per unit (a total, a share) leaves the column empty.
        self.view.setColumnHidden(BehindColumn.VERDICT, all(r.meets is None for r in rows))
        # One line a row; a value within an area total reads whole (it wrapped, cut).
        self.view.setWordWrap(False)
        if within:
            metrics = self.view.fontMetrics()
            wide = max(
                metrics.horizontalAdvance(self.model.data(self.model.index(r, BehindColumn.VALUE)))
                for r in range(len(rows))
            )
            self.view.setColumnWidth(BehindColumn.VALUE, max(170, wide + 24))
        title = f"{item.indicator.code} · {stream_label(stream, plan)} · {scope_text}"
        self.setWindowTitle(title)
        summary = QLabel(
            f"<b>{item.indicator.title}</b><br>"
            + (target_text(plan, item.indicator, item.target) if item.target is not None else "")
            + "<br>"
            + _("{units} applicable units; {sent} sent a value.").format(units=len(rows), sent=sent)
            + (
                "<br>"
                + _(
                    "{count} of these values are within the totals their upper-level unions "
                    "reported for their areas (shown in grey): the figure adds each of them once."
                ).format(count=within)
                if within
                else ""
            )
        )
        summary.setWordWrap(True)
        self.summary = summary
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate_buttons(buttons)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 860, 560)

"""One stream's tab of the chair's workspace: the indicator table beside the details panel."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, Qt, QTimer, Slot
from PySide6.QtGui import QUndoGroup, QUndoStack
from PySide6.QtWidgets import QLabel, QScrollArea, QSplitter, QVBoxLayout, QWidget

from app.core import domain
from app.core.i18n import gettext as _
from app.unit import StatementDetails, Workspace
from db.enums import REGISTRATION_STREAM

from ui.unit.details import DetailsPanel
from ui.unit.statement_model import StatementModel
from ui.unit.statement_rows import Column
from ui.unit.statement_table import StatementView
from ui.widgets.styles import ERROR_TEXT_STYLE


class PageOwner(Protocol):
    """What a tab needs from the workspace holding it: the undo group and the savers."""

    undo_group: QUndoGroup

    def save_value(self, stream: str, code: str, value: domain.UnitValue) -> None: ...

    def save_values(self, stream: str, values: dict[str, domain.UnitValue]) -> None: ...

    def save_details(self, stream: str, details: StatementDetails) -> None: ...

    def help_anchor_of(self, stream: str) -> str: ...


class StreamPage(QWidget):
    """One stream: the indicator table beside the details panel."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "unit-registration"

    def current_help_anchor(self) -> str:
        """Registration, results, or a report the federation returned (the workspace knows)."""
        return self._owner.help_anchor_of(self.stream)

    def __init__(self, stream: str, workspace_widget: PageOwner) -> None:
        super().__init__()
        self.stream = stream
        registration = stream == REGISTRATION_STREAM
        #: This tab's own edits: Ctrl+Z never reaches into another tab (another report).
        self.undo_stack = QUndoStack(self)
        workspace_widget.undo_group.addStack(self.undo_stack)
        self.model = StatementModel(
            stream=stream,
            save=self._save_value,
            save_many=self._save_values,
            undo_stack=self.undo_stack,
            parent=self,
        )
        self.view = StatementView()
        self.view.setModel(self.model)
        self.view.configure(registration)
        self.details = DetailsPanel(
            registration=registration,
            save=self._save_details,
            undo_stack=self.undo_stack,
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_TEXT_STYLE)
        self._owner = workspace_widget
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.message)
        splitter.addWidget(left)
        # The details scroll rather than make the window taller than a 768-pixel screen.
        self.details_scroll = QScrollArea()
        self.details_scroll.setWidget(self.details)
        self.details_scroll.setWidgetResizable(True)
        self.details_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # The panel's own tables scroll sideways if they must; the panel itself never.
        self.details_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        splitter.addWidget(self.details_scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        self._fit_details()
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.model.message_changed.connect(self._show_message)

    def _fit_details(self) -> None:
        """The panel as wide as its widest row (more with larger text); the table, which
        scrolls sideways, gives up the room."""
        character = max(1, self.fontMetrics().averageCharWidth())
        scrollbar = self.details_scroll.verticalScrollBar().sizeHint().width()
        needed = self.details.minimumSizeHint().width() + scrollbar + 4
        self.details_scroll.setMinimumWidth(needed)
        sizes = self.splitter.sizes()
        panel = max(44 * character, needed)
        if sum(sizes) > 0 and sizes[1] < panel:
            self.splitter.setSizes([max(0, sum(sizes) - panel), panel])
        elif sum(sizes) == 0:
            self.splitter.setSizes([1000, panel])

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() is QEvent.Type.FontChange:
            # Once every child has its new font: Ctrl++ cut the panel off at its right edge.
            QTimer.singleShot(0, self, self._fit_details)  # dropped with the page

    def load(self, workspace: Workspace) -> None:
        self.model.set_workspace(workspace)
        self.details.load(
            workspace.plan,
            workspace.details.get(self.stream, StatementDetails()),
            workspace.unit.sector,
        )
        if self.stream != REGISTRATION_STREAM:
            # Mid-year there is no verdict to show unless the plan sets a target for the period.
            plan = workspace.plan
            judged = self.stream == plan.final_period or any(
                t.period == self.stream for i in plan.indicators for t in i.targets
            )
            self.view.setColumnHidden(Column.VERDICT, not judged)
            self.view.fit_header(Column.PERCENT)
        self.view.span_groups()
        self.view.resizeRowsToContents()

    @Slot(int, str)
    def _show_message(self, row: int, message: str) -> None:
        indicator = self.model.row_at(row).indicator
        if message and indicator is not None:
            self.message.setText(f"{indicator.code}: {_(message)}")
        else:
            self.message.setText("")

    def _save_value(self, code: str, value: domain.UnitValue) -> None:
        self._owner.save_value(self.stream, code, value)

    def _save_values(self, values: dict[str, domain.UnitValue]) -> None:
        self._owner.save_values(self.stream, values)

    def _save_details(self, details: StatementDetails) -> None:
        self._owner.save_details(self.stream, details)

    def retranslate(self) -> None:
        self.model.retranslate()
        self.details.translateUI()


__all__ = ["PageOwner", "StreamPage"]

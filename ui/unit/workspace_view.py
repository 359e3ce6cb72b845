"""The chair's screen: the toolbar, the unit's header and banner, a tab per stream, sending.

It loads the unit's workspace and saves every edit as it is made (one small
transaction each, on the GUI thread because they take milliseconds and must be
on disk before the next keystroke). What the toolbar's actions do is in
:mod:`ui.unit.workspace`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.unit import StatementDetails, Workspace, send_status_text
from db.enums import REGISTRATION_STREAM

from ui.unit.stream_page import StreamPage
from ui.widgets.dialogs import warn
from ui.widgets.errors import report_failure
from ui.widgets.help import help_button
from ui.widgets.styles import NOTE_STYLE
from ui.widgets.tab_keys import ring_focused_tab, switch_main_tabs_by_keys
from ui.widgets.tasks import Runner


class WorkspaceView(QWidget):
    """The chair's screen for the unit's current plan; :class:`~ui.unit.workspace.UnitWorkspace`
    adds what its toolbar's actions do."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "unit"

    def current_help_anchor(self) -> str:
        """The section of the tab shown (the sending tab: sending)."""
        page = self.tabs.currentWidget()
        return self.help_anchor_of(page.stream) if isinstance(page, StreamPage) else "unit-sending"

    def help_anchor_of(self, stream: str) -> str:
        """A report's section: returned for correction, else registration or results."""
        state = self.workspace.states.get(stream) if self.workspace is not None else None
        if state is not None and state.status == "returned":
            return "unit-returns"
        return "unit-registration" if stream == REGISTRATION_STREAM else "unit-results"

    #: Emitted after the workspace is (re)loaded from the database.
    loaded = Signal()
    #: Emitted with a translated message when something the user asked for failed.
    failed = Signal(str)
    #: Emitted with a translated message when a long task finished well.
    done = Signal(str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner.bound(self)
        self.workspace: Workspace | None = None
        #: One undo stack per tab; the toolbar's Undo and Redo act on the tab shown.
        self.undo_group = QUndoGroup(self)

        self._header = QLabel()
        self._header.setWordWrap(True)
        self._banner = QLabel()
        self._banner.setWordWrap(True)
        self._banner.setStyleSheet(NOTE_STYLE)
        self._banner_button = QPushButton()
        banner_row = QHBoxLayout()
        banner_row.addWidget(self._banner, 1)
        banner_row.addWidget(self._banner_button)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("unit-tabs")
        # As in the federation's window: Ctrl+PageDown / Ctrl+PageUp from anywhere (the
        # value table included), and the focused tab ringed where it can be seen.
        switch_main_tabs_by_keys(self.tabs)
        ring_focused_tab(self.tabs)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.pages: dict[str, StreamPage] = {}
        self.status_table = QTableWidget(0, 4)
        self.status_table.verticalHeader().setVisible(False)
        self.status_table.horizontalHeader().setStretchLastSection(True)
        self.status_table.setWordWrap(True)
        self.status_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.export_action = QAction(self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.print_action = QAction(self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.template_action = QAction(self)
        self.fill_action = QAction(self)
        self.import_action = QAction(self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.key_card_action = QAction(self)
        self.backup_action = QAction(self)
        self.backup_action.setShortcut(QKeySequence("Ctrl+B"))
        self.undo_action = QAction(self)
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.undo_action.triggered.connect(self.undo_group.undo)
        self.redo_action = QAction(self)
        redo_keys = [QKeySequence("Ctrl+Y")]
        for binding in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo):
            if binding.toString() not in {k.toString() for k in redo_keys}:
                redo_keys.append(binding)
        self.redo_action.setShortcuts(redo_keys)  # one action, no duplicate (ambiguous) keys
        self.redo_action.triggered.connect(self.undo_group.redo)
        self.undo_group.canUndoChanged.connect(lambda _can: self._refresh_undo_actions())
        self.undo_group.canRedoChanged.connect(lambda _can: self._refresh_undo_actions())
        self.undo_group.undoTextChanged.connect(lambda _text: self._refresh_undo_actions())
        self.undo_group.redoTextChanged.connect(lambda _text: self._refresh_undo_actions())
        self.undo_group.activeStackChanged.connect(lambda _stack: self._refresh_undo_actions())
        for action in (
            self.export_action,
            self.print_action,
            self.template_action,
            self.fill_action,
            self.import_action,
            self.key_card_action,
            self.backup_action,
            self.undo_action,
            self.redo_action,
        ):
            self.toolbar.addAction(action)
            self.addAction(action)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        send_page = QWidget()
        send_layout = QVBoxLayout(send_page)
        self._send_intro = QLabel()
        self._send_intro.setWordWrap(True)
        send_layout.addWidget(self._send_intro)
        send_layout.addWidget(self.status_table)
        self._send_page = send_page

        self.tabs.setCornerWidget(help_button(self), Qt.Corner.TopRightCorner)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self._header)
        layout.addLayout(banner_row)
        layout.addWidget(self.tabs, 1)
        self.translateUI()

    # --- language ------------------------------------------------------------------------

    def translateUI(self) -> None:
        self.export_action.setText(_("Send to the federation…"))
        self.export_action.setToolTip(_("Write the signed package to a USB stick (Ctrl+E)"))
        self.print_action.setText(_("Print…"))
        self.template_action.setText(_("Excel template…"))
        self.fill_action.setText(_("Import from Excel…"))
        self.import_action.setText(_("Import from the federation…"))
        self.backup_action.setText(_("Back up…"))
        self.key_card_action.setText(_("Key card…"))
        self.key_card_action.setToolTip(_("Print the key's fingerprint to sign, stamp and send"))
        self._refresh_undo_actions()
        self._banner_button.setText(_("Import the plan package…"))
        self._send_intro.setText(
            _(
                "Each export writes the next revision of the package; the federation keeps the "
                "newest. Import the federation's receipt or return here to see its answer."
            )
        )
        self.status_table.setHorizontalHeaderLabels(
            [_("What"), _("Revision"), _("Status"), _("Federation's comments")]
        )
        for page in self.pages.values():
            page.retranslate()
        self._retitle_tabs()
        self._refresh_header()
        self._refresh_status()

    def _refresh_undo_actions(self) -> None:
        """Undo/Redo name the current tab's next step, in the user's language."""
        group = self.undo_group
        undo, redo = group.undoText(), group.redoText()
        self.undo_action.setEnabled(group.canUndo())
        self.redo_action.setEnabled(group.canRedo())
        self.undo_action.setText(
            _("Undo: {step}").format(step=undo) if group.canUndo() and undo else _("Undo")
        )
        self.redo_action.setText(
            _("Redo: {step}").format(step=redo) if group.canRedo() and redo else _("Redo")
        )

    @Slot(int)
    def _tab_changed(self, _index: int) -> None:
        page = self.tabs.currentWidget()
        if isinstance(page, StreamPage):
            self.undo_group.setActiveStack(page.undo_stack)
        else:  # the sending tab: nothing to undo there
            self.undo_group.setActiveStack(None)  # type: ignore[arg-type]

    def _retitle_tabs(self) -> None:
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            if isinstance(page, StreamPage):
                self.tabs.setTabText(index, self.stream_label(page.stream))
            else:
                self.tabs.setTabText(index, _("Sending"))

    def stream_label(self, stream: str) -> str:
        if stream == REGISTRATION_STREAM:
            return _("Registration")
        if self.workspace is not None:
            for period in self.workspace.plan.periods:
                if period.code == stream:
                    return _("Results: {period}").format(period=period.name)
        return stream

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the workspace (small; done on the GUI thread right after an edit)."""
        from app.unit import load_workspace

        self.workspace = load_workspace(self._ctx)
        workspace = self.workspace
        if set(self.pages) != set(workspace.streams):
            self.tabs.clear()
            for old in self.pages.values():
                self.undo_group.removeStack(old.undo_stack)
            self.pages = {s: StreamPage(s, self) for s in workspace.streams}
            registration = self.pages.get(REGISTRATION_STREAM)
            if registration is not None:
                registration.model.value_changed.connect(self._registration_changed)
            for page in self.pages.values():
                self.tabs.addTab(page, "")
            self.tabs.addTab(self._send_page, "")
            self._retitle_tabs()
        for page in self.pages.values():
            page.load(workspace)
        self._tab_changed(self.tabs.currentIndex())
        self._refresh_header()
        self._refresh_status()
        self.loaded.emit()

    @Slot(str)
    def _registration_changed(self, code: str) -> None:
        """A registered value changed: every results tab shows it, and its progress."""
        value = self.pages[REGISTRATION_STREAM].model.value_of(code)
        for stream, page in self.pages.items():
            if stream != REGISTRATION_STREAM:
                page.model.show_registered(code, value)

    def _refresh_header(self) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        unit = workspace.unit
        self._header.setText(
            f"<b>{unit.name}</b> ({unit.code or _('no code yet')}) — {workspace.plan.title}<br>"
            + _("Key fingerprint: {fingerprint}").format(
                fingerprint=workspace.key_fingerprint or _("created at the first export")
            )
        )
        returned = [s for s in workspace.streams if workspace.states[s].status == "returned"]
        if workspace.federation_pinned and returned:
            state = workspace.states[returned[0]]
            self._banner.setText(
                _(
                    "The federation returned {what} (revision {revision}) for correction: "
                    "{comment} The cells it commented on are marked in yellow; correct them "
                    "and send again."
                ).format(
                    what=self.stream_label(returned[0]),
                    revision=state.revision,
                    comment=(state.general_comment.strip() + ".").replace("..", ".")
                    if state.general_comment.strip()
                    else "",
                )
            )
            self._banner_button.hide()
            self._banner.show()
            return
        if not workspace.federation_pinned:
            self._banner.setText(
                _(
                    "Practice mode: you are using the built-in plan. Import the plan package the "
                    "federation sent you before sending anything."
                )
            )
            self._banner_button.show()
            self._banner.show()
        elif not workspace.last_backup_at:
            self._banner.setText(
                _("No backup yet: back up the database and the key to a USB stick (Ctrl+B).")
            )
            self._banner_button.hide()
            self._banner.show()
        else:
            self._banner.hide()
            self._banner_button.hide()

    def status_text(self, state: Any) -> str:
        return send_status_text(state.status, state.revision)

    def _refresh_status(self) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        self.status_table.setRowCount(0)
        for stream in workspace.streams:
            state = workspace.states[stream]
            row = self.status_table.rowCount()
            self.status_table.insertRow(row)
            comments = state.general_comment
            if state.comments:
                comments += " " + "; ".join(f"{c}: {t}" for c, t in state.comments.items())
            for column, text in enumerate(
                (
                    self.stream_label(stream),
                    str(state.revision or ""),
                    self.status_text(state),
                    comments.strip(),
                )
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.status_table.setItem(row, column, item)
        # The report's name, revision and status whole; the comments take what is left.
        for column in range(3):
            self.status_table.resizeColumnToContents(column)
        self.status_table.resizeRowsToContents()

    # --- saving (every edit) ---------------------------------------------------------------------

    def save_value(self, stream: str, code: str, value: domain.UnitValue) -> None:
        from app.unit import set_value

        assert self.workspace is not None
        set_value(self._ctx, plan_id=self.workspace.plan.id, stream=stream, code=code, value=value)

    def save_values(self, stream: str, values: dict[str, domain.UnitValue]) -> None:
        from app.unit import set_values

        assert self.workspace is not None
        set_values(self._ctx, plan_id=self.workspace.plan.id, stream=stream, values=values)

    def save_details(self, stream: str, details: StatementDetails) -> None:
        from app.unit import set_details

        assert self.workspace is not None
        set_details(self._ctx, plan_id=self.workspace.plan.id, stream=stream, details=details)

    def flush(self) -> None:
        """Save what is still being typed in any tab's details (before closing)."""
        for page in self.pages.values():
            try:
                page.details.flush()
            except Exception as error:  # closing must not fail; the log keeps what happened
                from app.core.crashlog import record_unexpected

                record_unexpected(error, where="flush before closing")

    def current_stream(self) -> str:
        page = self.tabs.currentWidget()
        return page.stream if isinstance(page, StreamPage) else REGISTRATION_STREAM

    def page(self, stream: str) -> StreamPage:
        return self.pages[stream]

    # --- messages ------------------------------------------------------------------------------

    def _inform(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, _("Thi Đua"), text, parent=self)
        box.setObjectName("information")
        box.open()
        self.done.emit(text)

    def _warn(self, text: str) -> None:
        warn(self, text)
        self.failed.emit(text)

    def _error(self, error: BaseException) -> None:
        self.failed.emit(report_failure(self, error))


__all__ = ["WorkspaceView"]

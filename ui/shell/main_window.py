"""The main window: opens the database off the GUI thread, then shows the plan.

The window is painted before the database (and SQLAlchemy) is touched. Right after
the first paint it names the plan it will show from a read-only first look at the
embedded database with the standard library (:mod:`app.core.first_look`;
``plan_previewed``) on a page in the frame of the role's workspace
(:mod:`ui.shell.opening_page`), while the background task opens the database the real
way; the workspace replaces it when the task delivers. Until then what needs the open
database waits, visibly: its menu entries (all there from the start, so none moves
under the pointer) and the plan chooser are disabled. What is
not needed for the first view (the backup reminder, the key protection warning, the
quick start checklist) waits until the plan is on screen (``settled`` says it is done).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core import i18n
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.location import shown_location
from app.core.preferences import Preferences, update_preferences

from ui.shell.database_menu import DatabaseMenu, Opened, open_database
from ui.shell.help_menu import HelpMenu
from ui.shell.key_protection import key_warning_text
from ui.shell.opening_page import OpeningPage
from ui.shell.plan_view import PlanView
from ui.widgets.elided_label import ElidedLabel
from ui.widgets.errors import ask_report_file, error_text, report_failure, write_error_report
from ui.widgets.help import install_help
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tables import IndicatorTableModel
from ui.widgets.tasks import CancelToken, Task, TaskRunner

if TYPE_CHECKING:
    # Imported on first use: they are not needed for the first paint, and the workspaces
    # pull in SQLAlchemy, which must wait for it.
    from app.core import domain
    from app.core.context import AppContext

    from ui.federation.workspace import FederationWorkspace
    from ui.scoring.screen import ScoringScreen
    from ui.shell.about import AboutDialog
    from ui.shell.first_run import FirstRunChoice, FirstRunDialog
    from ui.shell.move_dialog import MoveDialog
    from ui.shell.quick_start import QuickStartDialog
    from ui.shell.shared_database import SharedDatabaseDialog
    from ui.unit.workspace import UnitWorkspace

#: How long a message of what was just done stays in the status bar.
MESSAGE_MS = 15000
#: Quitting waits at most this long for a write under way (see ``closeEvent``).
WRITE_WAIT_MS = 60000
#: The notice of what quitting waits for shows once it has waited this long.
NOTICE_DELAY_MS = 400
#: Quitting waits at most this long for an interrupted read to end (see ``closeEvent``).
READ_STOP_MS = 5000


def closing_notice(parent: QWidget) -> QDialog:
    """The notice shown while quitting waits for a write: its text (a QLabel named
    ``closing-text``) and a busy bar, since how long is not known; no button."""
    notice = QDialog(parent)
    notice.setObjectName("closing-notice")
    notice.setWindowTitle(_("Closing Thi Đua"))
    notice.setWindowModality(Qt.WindowModality.WindowModal)
    layout = QVBoxLayout(notice)
    label = QLabel()
    label.setObjectName("closing-text")
    label.setWordWrap(True)
    label.setMinimumWidth(notice.fontMetrics().averageCharWidth() * 50)
    layout.addWidget(label)
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    layout.addWidget(bar)
    return notice


class MainWindow(HelpMenu, DatabaseMenu, QMainWindow):
    """Shell of both modes: role, plan chooser and the plan's indicators."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "intro"

    #: Emitted when the plan's indicators are on screen (tests and benchmarks wait for it).
    plan_shown = Signal(str)
    #: Emitted with the plan's id once the first look (before the database is open) names
    #: it on screen; ``plan_shown`` follows when the workspace shows it.
    plan_previewed = Signal(str)
    #: Emitted once the chores after the start (reminders, checklist) ran, after the plan.
    settled = Signal()
    #: Emitted when opening or setting up failed; the text is already translated.
    failed = Signal(str)
    #: Emitted with the backup folder after a restore, before the database reopens.
    restored = Signal(str)

    #: Emitted with the shown location (password hidden) once another database is open.
    database_switched = Signal(str)

    def __init__(self, database: Path | str, preferences: Preferences) -> None:
        super().__init__()
        #: A file path or a shared database's URL (see app.core.location).
        self._database = str(database)
        self._preferences = preferences
        self._runner = TaskRunner(self)
        self._ctx: AppContext | None = None  # once opened
        self._installation: domain.Installation | None = None  # once set up
        self.first_run_dialog: FirstRunDialog | None = None
        self.scoring_screen: ScoringScreen | None = None  # once opened
        self.shared_database_dialog: SharedDatabaseDialog | None = None  # once opened
        self.move_dialog: MoveDialog | None = None  # once opened
        self.restore_box: QMessageBox | None = None  # what a restore did, once done
        self.backup_box: QMessageBox | None = None  # where a backup went, once done
        #: What quitting waits for, while a write still runs (``closeEvent``).
        self.closing_notice: QDialog | None = None
        #: Set when closing: every background job ended (False: one was left running).
        self.stopped_cleanly = False
        self._gave_up = False  # a write outlasted WRITE_WAIT_MS

        self._plan_page = PlanView(
            self._runner, context=lambda: self._ctx, on_error=self._show_error
        )
        self._plan_page.shown.connect(self.plan_shown)
        #: What shows while the database opens (the workspace replaces it).
        self.opening_page = OpeningPage()
        self._pages = QStackedWidget()
        self._pages.addWidget(self.opening_page)
        self._pages.addWidget(self._plan_page)
        self.setCentralWidget(self._pages)
        self.unit_workspace: UnitWorkspace | None = None
        self.federation_workspace: FederationWorkspace | None = None
        self._status = ElidedLabel()
        self.statusBar().addWidget(self._status, 1)
        self.backup_reminder = QLabel()  # the federation's, while it has no backup
        self.backup_reminder.setObjectName("backup-reminder")
        self.statusBar().addPermanentWidget(self.backup_reminder)
        self.backup_reminder.hide()
        self.key_warning = QLabel()  # an older federation's key, still an unprotected file
        self.key_warning.setObjectName("key-warning")
        self.statusBar().addPermanentWidget(self.key_warning)
        self.key_warning.hide()
        self.protect_key_dialog: QDialog | None = None  # once asked
        self.quick_start_dialog: QuickStartDialog | None = None  # once opened
        self.about_dialog: AboutDialog | None = None  # once opened
        install_help()  # F1 and a Help button on every window from now on

        self._build_menus()
        if not (
            preferences.window_geometry
            and self.restoreGeometry(QByteArray.fromBase64(preferences.window_geometry.encode()))
        ):
            fit_to_screen(self, 1280, 800)
        self.translateUI()

    # --- menus and language -------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self._file_menu = bar.addMenu("")
        self._scoring_action = QAction(self)
        self._scoring_action.triggered.connect(self.open_scoring)
        self._file_menu.addAction(self._scoring_action)
        self._shared_action = QAction(self)
        self._shared_action.triggered.connect(self.ask_shared_database)
        self._file_menu.addAction(self._shared_action)
        self._move_action = QAction(self)
        self._move_action.triggered.connect(lambda: self.ask_move_database())
        self._file_menu.addAction(self._move_action)
        self._backup_action = QAction(self)  # the federation's (the unit's is its workspace's)
        self._backup_action.setShortcut(QKeySequence("Ctrl+B"))
        self._backup_action.setVisible(False)
        self._backup_action.triggered.connect(self.ask_backup)
        self._file_menu.addAction(self._backup_action)
        self._protect_action = QAction(self)  # an older federation's, while its key is a file
        self._protect_action.setVisible(False)
        self._protect_action.triggered.connect(self.ask_protect_key)
        self._file_menu.addAction(self._protect_action)
        #: The federation's entries, disabled, while its database opens (see ``start``).
        self._file_placeholders: list[QAction] = []
        #: The separator after the federation workspace's entries (the menu's own: it
        #: outlives the workspace's actions and goes with the workspace).
        self._workspace_separator: QAction | None = None
        self._restore_action = QAction(self)
        self._restore_action.triggered.connect(self._ask_restore_folder)
        self._file_menu.addAction(self._restore_action)
        self._staff_action = QAction(self)
        self._staff_action.triggered.connect(self.ask_staff_name)
        self._file_menu.addAction(self._staff_action)
        self._file_menu.addSeparator()
        self._quit_action = QAction(self)
        self._quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self._quit_action.triggered.connect(self.close)
        self._file_menu.addAction(self._quit_action)
        self._view_menu = bar.addMenu("")
        self._language_menu = self._view_menu.addMenu("")
        self._language_group = QActionGroup(self)
        self._language_actions: dict[str, QAction] = {}
        for code, label in i18n.LANGUAGES.items():
            action = QAction(label, self)
            action.setCheckable(True)
            action.setChecked(code == i18n.current_language())
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            self._language_group.addAction(action)
            self._language_menu.addAction(action)
            self._language_actions[code] = action
        self._zoom_in = QAction(self)
        self._zoom_in.setShortcut(QKeySequence.StandardKey.ZoomIn)
        self._zoom_in.triggered.connect(lambda: self._zoom(1))
        self._zoom_out = QAction(self)
        self._zoom_out.setShortcut(QKeySequence.StandardKey.ZoomOut)
        self._zoom_out.triggered.connect(lambda: self._zoom(-1))
        self._zoom_reset = QAction(self)
        self._zoom_reset.setShortcut(QKeySequence("Ctrl+0"))
        self._zoom_reset.triggered.connect(lambda: self._zoom(0))
        self._view_menu.addAction(self._zoom_in)
        self._view_menu.addAction(self._zoom_out)
        self._view_menu.addAction(self._zoom_reset)
        self._help_menu = bar.addMenu("")
        self._build_help_menu(self._help_menu, self)
        self._report_action = QAction(self)
        self._report_action.triggered.connect(self.save_error_report)
        self._help_menu.addAction(self._report_action)
        self._about_action = QAction(self)
        self._about_action.setObjectName("help-about")
        self._about_action.triggered.connect(lambda: self.open_about())
        self._help_menu.addAction(self._about_action)

    def translateUI(self) -> None:
        """Set every visible string; re-run when the language changes."""
        self.setWindowTitle(_("Thi Đua — emulation registration and reporting"))
        self._file_menu.setTitle(_("&File"))
        self._scoring_action.setText(_("&Scoring, ranking and commendations"))
        if self.scoring_screen is not None:
            from ui.scoring.screen import live

            screen = live(self.scoring_screen)
            if screen is not None:
                screen.translateUI()
        self._quit_action.setText(_("&Quit"))
        self._restore_action.setText(_("&Restore from a backup…"))
        self._shared_action.setText(_("Shared &database…"))
        self._move_action.setText(_("&Move the data to another database…"))
        self._backup_action.setText(_("&Back up…"))
        self._protect_action.setText(_("Protect the key for every staff computer…"))
        self.key_warning.setText(key_warning_text())
        if self.backup_reminder.text():  # set once the database says it has no backup
            self.backup_reminder.setText(
                _("No backup yet: back up the database and the key to a USB stick (Ctrl+B).")
            )
        self._staff_action.setText(_("Who uses this computer…"))
        self._view_menu.setTitle(_("&View"))
        self._language_menu.setTitle(_("&Language"))
        self._zoom_in.setText(_("Larger text"))
        self._zoom_out.setText(_("Smaller text"))
        self._zoom_reset.setText(_("Normal text size"))
        self._help_menu.setTitle(_("&Help"))
        self._about_action.setText(_("&About Thi Đua"))
        self._report_action.setText(_("Save error report…"))
        self._translate_help_menu()
        self._plan_page.translateUI()
        self.opening_page.translateUI()
        self._name_file_placeholders()
        if self.unit_workspace is not None:
            self.unit_workspace.translateUI()
        if self.federation_workspace is not None:
            self.federation_workspace.translateUI()
        self._update_status()

    def set_language(self, language: str) -> None:
        from ui.widgets.qt_translations import install_qt_translations

        i18n.set_language(language)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            install_qt_translations(app, language)  # Qt's own dialogs and calendars too
        self._preferences = update_preferences(language=language)
        self._language_actions[language].setChecked(True)
        self.translateUI()
        if self.first_run_dialog is not None:
            self.first_run_dialog.translateUI()

    def _zoom(self, step: int) -> None:
        """Text one size larger (1) or smaller (-1); 0 goes back to the system's size."""
        from app.core.preferences import next_text_scale

        scale = next_text_scale(self._preferences.font_scale, step)
        self._preferences = update_preferences(font_scale=scale)
        from ui.widgets.fonts import apply_font_scale

        apply_font_scale(scale)

    @Slot()
    def open_scoring(self) -> None:
        """Year-end scoring: a tab of the federation workspace, else its own window."""
        if self._ctx is None or self._installation is None:
            return
        from ui.scoring.screen import open_scoring_screen

        self.scoring_screen = open_scoring_screen(
            self._ctx, self._runner, self, self.federation_workspace, self.scoring_screen
        )

    @Slot()
    def save_error_report(self) -> QFileDialog:
        """Save the log's newest lines and the versions, for support (no data of the unit)."""

        def chosen(path: Path) -> None:
            try:
                written = write_error_report(path)
            except UserError as error:
                self._show_error(error)
                return
            self.say(_("Error report saved: {path}").format(path=written))

        return ask_report_file(self, suggested="thidua-bao-cao-loi.txt", on_chosen=chosen)

    @Slot(str)
    def say(self, text: str) -> None:
        """A message of what was just done, in the status bar for a while; the
        database and role shown there come back after it."""
        self.statusBar().showMessage(text, MESSAGE_MS)
        self.refresh_quick_start()

    @Slot(int)
    def _forget_message(self, _index: int) -> None:
        """Another tab shown: what was said of the last one's work goes (a message
        such as "the workbook was stopped" read beside other work misleads)."""
        self.statusBar().clearMessage()

    def _update_status(self) -> None:
        self.quick_start_action.setEnabled(self._installation is not None)
        if self._installation is not None:
            name, role_value = self._installation.own_unit_name, self._installation.role.value
        elif self._ctx is None and (look := self.opening_page.first_look) is not None:
            name, role_value = look.own_unit_name, look.role.value  # while it opens
        else:
            self._status.setText(
                _("Database: {path}").format(path=shown_location(self._database))
                if self._ctx is not None
                else _("Opening the database…")
            )
            return
        role = _("Provincial federation") if role_value == "federation" else _("Reporting unit")
        self._status.setText(
            _("{name} — {role} — database: {path}").format(
                name=name, role=role, path=shown_location(self._database)
            )
        )

    # --- loading ------------------------------------------------------------------

    def start(self) -> None:
        """Open the database in the background; call after ``show()`` (after the first
        paint: the first look and the open import what the paint must not wait for).

        An embedded database at this version's schema is first looked at with the
        standard library only, and its plan named on screen at once
        (``plan_previewed``); anything else waits for the open, as before.
        """
        from app.core.first_look import first_look
        from db.enums import Role

        database = self._database
        self._set_opening(True)
        look = first_look(database)
        self.opening_page.show_opening(look)
        self._pages.setCurrentWidget(self.opening_page)
        if look is not None:
            if look.role is Role.FEDERATION:
                self._add_file_placeholders()
            self._update_status()
            self.repaint()  # on screen before the task runner takes the interpreter
            self.plan_previewed.emit(look.plan.id)

        def job(_progress: Any, _token: CancelToken) -> Opened:
            return open_database(database)

        def failed(error: BaseException) -> None:
            self._set_opening(False)
            self._remove_file_placeholders()
            self.opening_page.show_message(error_text(error))
            self._update_status()
            self._show_error(error)

        # Opened as the window quits: closed again (else its connections outlive the run).
        self._runner.run(
            job,
            self._opened,
            failed,
            doing=_("opening the database"),
            on_dropped=lambda opened: opened[0].close(),
        )

    def _set_opening(self, opening: bool) -> None:
        """While the database opens, what needs it waits (disabled, so no click is lost)."""
        for action in (
            self._scoring_action,
            self._shared_action,
            self._move_action,
            self._backup_action,
            self._restore_action,
        ):
            action.setEnabled(not opening)

    # The File menu never changes under the pointer: a click must hit the entry that was
    # under it when pressed. The federation's entries are there (disabled) from the
    # first look on, and are replaced in place; any other change closes the menu first.

    def _file_menu_changes(self) -> None:
        """Call before entries of the File menu appear or go: an open menu is closed."""
        if self._file_menu.isVisible():
            self._file_menu.close()

    def _add_file_placeholders(self) -> None:
        """The federation's entries and its Back up…, disabled, while its database opens."""
        if self._file_placeholders or self.federation_workspace is not None:
            return
        self._file_menu_changes()
        from ui.federation.file_actions import file_action_texts

        for _text in file_action_texts():
            placeholder = QAction(self)
            placeholder.setEnabled(False)
            self._file_placeholders.append(placeholder)
        self._file_menu.insertActions(self._restore_action, self._file_placeholders)
        self._file_placeholders.append(self._file_menu.insertSeparator(self._restore_action))
        self._name_file_placeholders()
        self._backup_action.setVisible(True)

    def _name_file_placeholders(self) -> None:
        if not self._file_placeholders:
            return
        from ui.federation.file_actions import file_action_texts

        for placeholder, text in zip(self._file_placeholders, file_action_texts(), strict=False):
            placeholder.setText(text)

    def _remove_file_placeholders(self) -> None:
        """The database did not open as the first look said: back to the short menu."""
        if not self._file_placeholders:
            return
        self._file_menu_changes()
        for placeholder in self._file_placeholders:
            self._file_menu.removeAction(placeholder)
        self._file_placeholders = []
        if self.federation_workspace is None:
            self._backup_action.setVisible(False)

    @Slot(object)
    def _opened(self, result: Opened) -> None:
        self._ctx, self._installation = result
        self._set_opening(False)
        self._update_status()
        if self._installation is None:
            self._remove_file_placeholders()
            self.opening_page.show_message(_("First start: set up Thi Đua in the window shown."))
            self._ask_first_run()
        else:
            self._load_plans(first_run=False)  # the workspace takes over the first look
            self._remove_file_placeholders()  # not a federation's after all (or replaced)
            self.opening_page.show_opening(None)

    def _ask_first_run(self, previous: FirstRunChoice | None = None, message: str = "") -> None:
        from ui.shell.first_run import FirstRunDialog

        dialog = FirstRunDialog(self)
        if previous is not None:
            dialog.restore(previous, message)
        self.first_run_dialog = dialog
        dialog.accepted.connect(lambda: self._set_up(dialog.choice()))
        dialog.rejected.connect(self.close)
        dialog.open()

    def _set_up(self, choice: FirstRunChoice) -> None:
        ctx = self._ctx
        assert ctx is not None, "the first run follows the opening"
        language = i18n.current_language()

        def job(_progress: Any, _token: CancelToken) -> Any:
            from app.setup import set_up_installation

            return set_up_installation(
                ctx,
                role=choice.role,
                name=choice.name,
                code=choice.code,
                kind=choice.kind,
                sector=choice.sector,
                language=language,
                key_passphrase=choice.key_passphrase,
            )

        def done(installation: Any) -> None:
            self.first_run_dialog = None
            self._installation = installation
            self._update_status()
            self._load_plans(first_run=True)

        def failed(error: BaseException) -> None:
            # Nothing was set up: ask again, with what was typed and what went wrong.
            text = error_text(error)
            self._status.setText(text)
            self.failed.emit(text)
            self._ask_first_run(choice, text)

        self._runner.run(job, done, failed)

    def _load_plans(self, *, first_run: bool) -> None:
        """Show the role's workspace, then (after its plan) the chores of a start."""
        if self._installation is not None and self._installation.role.value == "federation":
            self._show_federation_workspace(first_run=first_run)
            return
        if self._installation is not None and self._installation.role.value == "unit":
            self._show_unit_workspace()
        else:
            self._pages.setCurrentWidget(self._plan_page)
            self._plan_page.load()
        self._after_start(first_run)

    def _after_start(self, first_run: bool) -> None:
        """The chores of a start, once the plan is on screen: the federation's backup
        reminder and key warning, and the quick start checklist."""
        if self.federation_workspace is not None:
            self.remind_backup()
            self._show_key_protection()
        self.show_quick_start_at_start(first_run=first_run, then=self.settled.emit)

    def _show_unit_workspace(self) -> None:
        if self.unit_workspace is None:
            from ui.unit.workspace import UnitWorkspace

            assert self._ctx is not None
            workspace = UnitWorkspace(self._ctx, self._runner, self)
            workspace.done.connect(self.say)
            workspace.failed.connect(self.say)
            workspace.tabs.currentChanged.connect(self._forget_message)
            self._pages.addWidget(workspace)
            self.unit_workspace = workspace
        self._pages.setCurrentWidget(self.unit_workspace)
        try:
            self.unit_workspace.reload()
        except UserError as error:
            self._show_error(error)
            return
        assert self.unit_workspace.workspace is not None
        self.plan_shown.emit(self.unit_workspace.workspace.plan.id)

    def _show_federation_workspace(self, *, first_run: bool) -> None:
        if self.federation_workspace is None:
            from ui.federation.workspace import FederationWorkspace

            assert self._ctx is not None
            workspace = FederationWorkspace(self._ctx, self._runner, self)
            workspace.done.connect(self.say)
            workspace.failed.connect(self.say)
            workspace.tabs.currentChanged.connect(self._forget_message)
            workspace.loaded.connect(self.plan_shown)
            self._put_file_actions(workspace.file_actions())
            self._pages.addWidget(workspace)
            self.federation_workspace = workspace
            if (look := self.opening_page.first_look) is not None:
                workspace.show_first_look(look)  # its plan stays named while it loads
            from app.core.audit import staff_name

            if not (self._preferences.staff_name or staff_name()):  # first use: ask who it is
                self.ask_staff_name()
        self._pages.setCurrentWidget(self.federation_workspace)
        workspace = self.federation_workspace

        def reloaded() -> None:  # the plan is shown: the chores on the next turn
            workspace.reloaded.disconnect(reloaded)
            QTimer.singleShot(0, workspace, lambda: self._after_start(first_run))

        workspace.reloaded.connect(reloaded)
        workspace.reload()
        if not self._backup_action.isVisible():
            self._file_menu_changes()
            self._backup_action.setVisible(True)

    def _put_file_actions(self, actions: list[QAction]) -> None:
        """The federation workspace's entries in the File menu: in place of the
        placeholders (same places, so an open menu keeps its entries where they were),
        else added to a closed menu."""
        if len(self._file_placeholders) == len(actions) + 1:  # the last is the separator
            for placeholder, action in zip(self._file_placeholders, actions, strict=False):
                self._file_menu.insertAction(placeholder, action)
                self._file_menu.removeAction(placeholder)
            self._workspace_separator = self._file_placeholders[-1]  # stays before Restore
            self._file_placeholders = []
            return
        self._remove_file_placeholders()
        self._file_menu_changes()
        self._file_menu.insertActions(self._restore_action, actions)
        self._workspace_separator = self._file_menu.insertSeparator(self._restore_action)

    def _show_key_protection(self) -> None:
        """The protect action and the warning, while the federation's key is a file."""
        from app.exchange import key_needs_protection

        needed = self._ctx is not None and key_needs_protection(self._ctx)
        if needed != self._protect_action.isVisible():
            self._file_menu_changes()
        self._protect_action.setVisible(needed)
        self.key_warning.setVisible(needed)

    @Slot()
    def ask_protect_key(self) -> None:
        """File → Protect the key for every staff computer… (passphrase twice)."""
        if self._ctx is None:
            return
        from ui.shell.key_protection import ask_protect_key

        def done(text: str) -> None:
            self.say(text)
            self._show_key_protection()

        self.protect_key_dialog = ask_protect_key(self, self._ctx, self._runner, done)

    @Slot(object)
    def _show_error(self, error: BaseException) -> None:
        text = report_failure(self, error)
        self._status.setText(text)
        self.failed.emit(text)

    def ask_staff_name(self) -> QInputDialog:
        """The name written in the audit log and on proposals instead of the OS account."""
        from ui.shell.staff_name import ask_staff_name

        return ask_staff_name(self, self._preferences.staff_name, self.set_staff_name)

    def set_staff_name(self, text: str) -> None:
        from app.core.preferences import clean_staff_name

        name = clean_staff_name(text)
        self._preferences = update_preferences(staff_name=name)
        self.say(
            _("From now on the audit log names {name}.").format(name=name)
            if name
            else _("From now on the audit log names the computer's account.")
        )

    def _close_database(self) -> None:
        """Close the database and drop the workspace built on it.

        The workspace's background jobs are finished and their results
        delivered first (a result may start a follow-up job: until none is
        left), so no late result reaches a deleted widget or a closed database.
        """
        from PySide6.QtCore import QCoreApplication

        for _round in range(50):
            self._runner.wait()
            QCoreApplication.sendPostedEvents()
            if not self._runner.busy():
                break
        if self._ctx is not None:
            self._ctx.close()
            self._ctx = None
        self._installation = None
        self.opening_page.show_opening(None)
        self._forget_quick_start()
        self._file_menu_changes()
        self._remove_file_placeholders()
        self._backup_action.setVisible(False)
        self.backup_reminder.hide()
        self._protect_action.setVisible(False)
        self.key_warning.hide()
        if self.unit_workspace is not None:
            self._pages.removeWidget(self.unit_workspace)
            self.unit_workspace.deleteLater()
            self.unit_workspace = None
        if self.federation_workspace is not None:
            self._pages.removeWidget(self.federation_workspace)
            self.federation_workspace.deleteLater()
            self.federation_workspace = None
        if self._workspace_separator is not None:  # one more at each switch, else
            self._file_menu.removeAction(self._workspace_separator)
            self._workspace_separator = None
        self._pages.setCurrentWidget(self.opening_page)

    # --- shutdown -----------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Quit without waiting for reads, never leaving a write half done.

        The runner is shut down (:meth:`TaskRunner.shutdown`): queued reads are
        dropped and a read under way is interrupted by the database, so closing
        does not wait for the figures being computed. A write under way or queued
        (an import, a backup, a save) is waited for, with a notice saying what it
        is; after :data:`WRITE_WAIT_MS` the program quits anyway and the database
        rolls back the transaction left open (``ui.main`` ends the process then).
        """
        if not self._runner.closed:
            if self.unit_workspace is not None:
                self.unit_workspace.flush()  # a note still being typed is saved, not lost
            # Only the geometry changes: what the file says (language, database) stays.
            geometry = bytes(self.saveGeometry().toBase64().data()).decode()
            with contextlib.suppress(OSError):  # a read-only profile: default size next time
                update_preferences(window_geometry=geometry)
            ctx = self._ctx
            self._runner.shutdown(ctx.interrupt_reads if ctx is not None else None)
        writing = self._runner.writing()
        if writing and not self._gave_up:
            event.ignore()
            self._wait_for_writes(writing)
            return
        self.stopped_cleanly = self._runner.finish(READ_STOP_MS) and not self._gave_up
        if self.closing_notice is not None:
            self.closing_notice.close()
        if self._ctx is not None and self.stopped_cleanly:
            self._ctx.close()
            self._ctx = None
        super().closeEvent(event)

    def _wait_for_writes(self, writing: list[Task]) -> None:
        """Tell the user what quitting waits for, and close once it is done (at most
        :data:`WRITE_WAIT_MS`)."""
        doing = next((task.doing for task in writing if task.doing), "")
        text = _(
            "Thi Đua will close once {work} has finished or stopped at a safe point "
            "(at most {seconds} seconds). What is not finished by then is undone by "
            "the database."
        ).format(work=doing or _("saving the changes"), seconds=WRITE_WAIT_MS // 1000)
        if self.closing_notice is None:
            self.closing_notice = closing_notice(self)
            self._runner.writes_done.connect(self.close)
            QTimer.singleShot(WRITE_WAIT_MS, self, self._give_up)
            # A short save ends before the notice would only flash.
            QTimer.singleShot(NOTICE_DELAY_MS, self, self._show_closing_notice)
        else:  # closed again: say it at once
            self._show_closing_notice()
        label = self.closing_notice.findChild(QLabel, "closing-text")
        if label is not None:
            label.setText(text)

    @Slot()
    def _show_closing_notice(self) -> None:
        if self.closing_notice is not None and self._runner.writing():
            self.closing_notice.show()

    @Slot()
    def _give_up(self) -> None:
        """The write did not end in time: quit anyway (the database undoes it)."""
        if self._runner.writing():
            self._gave_up = True
            self.close()

    # --- for tests ----------------------------------------------------------------

    @property
    def runner(self) -> TaskRunner:
        """The window's background runner (tests check how quitting stopped it)."""
        return self._runner

    @property
    def indicator_model(self) -> IndicatorTableModel:
        if self.federation_workspace is not None:
            return self.federation_workspace.plan_page.indicator_model
        return self._plan_page.model

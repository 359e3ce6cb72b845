"""The main window's Help menu: the user guide (F1: the section of the page shown), the
quick start, the glossary, saving an error report and About. A mixin of
:class:`ui.shell.main_window.MainWindow`, which owns the state these read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QStackedWidget, QWidget

from app.core.i18n import gettext as _
from app.core.preferences import Preferences, update_preferences

from ui.widgets.help import anchor_in, bring_to_front, own_anchor, retranslate_help, show_help
from ui.widgets.tasks import CancelToken, TaskRunner

if TYPE_CHECKING:
    from app.core import domain
    from app.core.context import AppContext
    from app.setup import QuickStart

    from ui.shell.about import AboutDialog
    from ui.shell.quick_start import QuickStartDialog
    from ui.widgets.help_window import HelpWindow


class HelpMenu:
    """Help → User guide, Quick start, Glossary, About; see the module docstring."""

    _database: str
    _preferences: Preferences
    _ctx: AppContext | None
    _installation: domain.Installation | None
    _pages: QStackedWidget
    _runner: TaskRunner
    quick_start_dialog: QuickStartDialog | None
    about_dialog: AboutDialog | None

    #: F1 is the User guide action's (the page shown decides the section).
    owns_help_key = True

    def _build_help_menu(self, menu: QMenu, owner: QWidget) -> None:
        self.guide_action = QAction(owner)
        self.guide_action.setObjectName("help-guide")
        self.guide_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.guide_action.triggered.connect(self.open_guide)
        self.quick_start_action = QAction(owner)
        self.quick_start_action.setObjectName("help-quick-start")
        self.quick_start_action.triggered.connect(lambda: self.open_quick_start())
        self.glossary_action = QAction(owner)
        self.glossary_action.setObjectName("help-glossary")
        self.glossary_action.triggered.connect(lambda: show_help("glossary"))
        for action in (self.guide_action, self.quick_start_action, self.glossary_action):
            menu.addAction(action)
        menu.addSeparator()

    def _translate_help_menu(self) -> None:
        self.guide_action.setText(_("&User guide"))
        self.quick_start_action.setText(_("&Quick start"))
        self.glossary_action.setText(_("&Glossary"))
        retranslate_help()
        if self.quick_start_dialog is not None:
            self.quick_start_dialog.translateUI()

    def current_help_anchor(self) -> str:
        """The section of the page shown (a workspace: the tab shown)."""
        page = self._pages.currentWidget()
        return own_anchor(page) if page is not None else ""

    @Slot()
    def open_guide(self) -> HelpWindow:
        """Help → User guide (F1): the section of what has the focus, else of the page."""
        assert isinstance(self, QWidget)
        return show_help(anchor_in(self))

    def open_quick_start(self, state: QuickStart | None = None) -> QuickStartDialog | None:
        """Help → Quick start: the checklist, ticked from the database (once it is set up);
        ``state``: the checklist already read."""
        if self._ctx is None or self._installation is None:
            return None
        from ui.shell.quick_start import QuickStartDialog

        if self.quick_start_dialog is None:
            assert isinstance(self, QWidget)
            dialog = QuickStartDialog(
                self._ctx,
                self,
                hidden=self._preferences.quick_start == "hidden",
                runner=self._runner,
                state=state,
            )
            dialog.hidden_changed.connect(self._quick_start_hidden)
            self.quick_start_dialog = dialog
        else:
            self.quick_start_dialog.refresh()
        bring_to_front(self.quick_start_dialog)
        return self.quick_start_dialog

    def _remember_quick_start(self, state: str) -> None:
        if self._preferences.quick_start != state:
            self._preferences = update_preferences(quick_start=state)

    @Slot(bool)
    def _quick_start_hidden(self, hidden: bool) -> None:
        self._remember_quick_start("hidden" if hidden else "shown")

    def show_quick_start_at_start(self, *, first_run: bool, then: Callable[[], None]) -> None:
        """The checklist after the first run, and at each later start while steps remain
        (unless the user asked not to see it again); read on the runner's worker, then
        ``then`` is called."""
        ctx = self._ctx
        if self._preferences.quick_start == "hidden" or ctx is None:
            then()
            return
        if first_run:
            self._remember_quick_start("shown")
        elif self._preferences.quick_start != "shown":
            then()
            return
        from app.setup import quick_start

        def job(_progress: object, _token: CancelToken) -> QuickStart:
            return quick_start(ctx)

        def read(state: QuickStart) -> None:
            if not state.finished and self._ctx is ctx:
                self.open_quick_start(state)
            then()

        def not_read(error: BaseException) -> None:
            from app.core.crashlog import logger

            logger().warning("quick start not read: %s", error)
            then()

        assert isinstance(self, QWidget)
        self._runner.bound(self).run(job, read, not_read, reads=True)

    def refresh_quick_start(self) -> None:
        """Something was done: tick it on the checklist, if open."""
        dialog = self.quick_start_dialog
        if dialog is not None and dialog.isVisible():
            dialog.refresh()

    def _forget_quick_start(self) -> None:
        """Another database: its own checklist next time."""
        if self.quick_start_dialog is not None:
            self.quick_start_dialog.close()
            self.quick_start_dialog.deleteLater()
            self.quick_start_dialog = None

    @Slot()
    def open_about(self) -> AboutDialog:
        """Help → About Thi Đua: version, data folder, database in use."""
        from ui.shell.about import AboutDialog

        assert isinstance(self, QWidget)
        dialog = AboutDialog(self._database, self)
        self.about_dialog = dialog
        dialog.open()
        return dialog

"""The federation staff's workspace: dashboard, import, enrolment, conflicts, suspicious values,
roster, plan and audit log, around one chosen plan.

Files and folders dropped anywhere on the workspace go to the import page
and are checked at once. Every page loads through the shared task runner;
after anything that changes the merged data (an import, a key decision, a
conflict resolved) the pages that show it reload.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.rollup import ScopeChoice

from ui.federation.audit_page import AuditPage
from ui.federation.common import BANNER_STYLE
from ui.federation.conflicts_page import ConflictsPage
from ui.federation.dashboard_page import DashboardPage
from ui.federation.flags_page import FlagsPage
from ui.federation.import_page import ImportPage
from ui.federation.keys_page import KeysPage
from ui.federation.plan_page import PlanPage
from ui.federation.roster_page import RosterPage
from ui.widgets.help import help_button, own_anchor
from ui.widgets.pages import Page
from ui.widgets.tasks import CancelToken, Runner

if TYPE_CHECKING:
    from ui.federation.batch_print_dialog import BatchPrintDialog


def dropped_paths(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    """Local files and folders carried by a drag (a USB stick's folder included)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class FederationWorkspace(Page):
    """See the module docstring. ``loaded`` carries the plan id once it is on screen."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "federation"

    def current_help_anchor(self) -> str:
        """The section of the tab shown."""
        page = self.tabs.currentWidget()
        return own_anchor(page) if page is not None else ""

    loaded = Signal(str)
    done = Signal(str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.plan: domain.Plan | None = None
        self.plans: dict[str, domain.Plan] = {}
        self.scope_choices: list[ScopeChoice] = []
        self._summaries: list[domain.PlanSummary] = []
        self.setAcceptDrops(True)

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.import_files_action = QAction(self)
        self.import_files_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_folder_action = QAction(self)
        self.import_folder_action.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.export_plan_action = QAction(self)
        self.receipts_action = QAction(self)
        self.batch_print_action = QAction(self)
        self.batch_print_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.refresh_action = QAction(self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        for action in (
            self.import_files_action,
            self.import_folder_action,
            self.export_plan_action,
            self.receipts_action,
            self.batch_print_action,
            self.refresh_action,
        ):
            self.toolbar.addAction(action)
            self.addAction(action)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.plan_label = QLabel()
        self.plan_combo = QComboBox()
        self.plan_combo.setObjectName("federation-plan")
        self.plan_combo.setMinimumWidth(420)
        self.plan_combo.currentIndexChanged.connect(self._plan_chosen)
        self.banner = QLabel()
        self.banner.setObjectName("workspace-banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.banner_button = QPushButton()
        self.banner_button.hide()

        self.dashboard = DashboardPage(ctx, runner)
        self.importer = ImportPage(ctx, runner)
        self.keys = KeysPage(ctx, runner)
        self.conflicts = ConflictsPage(ctx, runner)
        self.flags = FlagsPage(ctx, runner)
        self.roster = RosterPage(ctx, runner)
        self.plan_page = PlanPage(ctx, runner)
        self.audit = AuditPage(ctx, runner)
        #: The pages, in the order of their tabs.
        self._pages: tuple[Page, ...] = (
            self.dashboard,
            self.importer,
            self.keys,
            self.conflicts,
            self.flags,
            self.roster,
            self.plan_page,
            self.audit,
        )
        self.tabs = QTabWidget()
        self.tabs.setObjectName("federation-tabs")
        for page in self._pages:
            self.tabs.addTab(page, "")
            page.failed.connect(self.failed)
            if hasattr(page, "done"):
                page.done.connect(self.done)

        self.import_files_action.triggered.connect(self._import_files)
        self.import_folder_action.triggered.connect(self._import_folder)
        self.export_plan_action.triggered.connect(self._export_plan)
        self.receipts_action.triggered.connect(self._receipts)
        self.batch_print_action.triggered.connect(lambda: self.ask_batch_print())
        self.roster.batch_print.connect(lambda codes: self.ask_batch_print(unit_codes=codes))
        self.dashboard.batch_print.connect(lambda choice: self.ask_batch_print(scope=choice))
        self.refresh_action.triggered.connect(self.refresh_all)
        self.banner_button.clicked.connect(lambda: self.show_page("keys"))
        self.importer.data_changed.connect(self._data_changed)
        self.importer.owed_changed.connect(self._owed_changed)
        self.importer.show_page.connect(self.show_page)
        self.keys.data_changed.connect(self._data_changed)
        self.keys.loaded.connect(self._retitle_tabs)
        self.keys.changed_keys.connect(self._show_changed_keys)
        self.conflicts.data_changed.connect(self._data_changed)
        self.conflicts.returned.connect(lambda _path: self.audit.reload())
        self.conflicts.loaded.connect(self._retitle_tabs)
        self.flags.loaded.connect(self._retitle_tabs)
        # An entry on a unit's behalf changes merged data as an import does.
        for page in (self.dashboard, self.roster):
            page.entry_shown.connect(
                lambda dialog: dialog.saved.connect(lambda _text: self._data_changed())
            )
        self.flags.changed.connect(self.audit.reload)
        self.flags.history_requested.connect(self.dashboard.show_history)
        self.roster.data_changed.connect(self._roster_changed)
        self.plan_page.plans_changed.connect(self.reload)
        self.tabs.currentChanged.connect(self._tab_changed)

        self.tabs.setCornerWidget(help_button(self), Qt.Corner.TopRightCorner)
        header = QHBoxLayout()
        header.addWidget(self.plan_label)
        header.addWidget(self.plan_combo, 1)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.banner_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(header)
        layout.addLayout(banner_row)
        layout.addWidget(self.tabs, 1)
        self.translateUI()

    # --- language ---------------------------------------------------------------------------

    def translateUI(self) -> None:
        self.import_files_action.setText(_("Import packages…"))
        self.import_files_action.setToolTip(
            _("Check and import unit packages (or drop them on the window)")
        )
        self.import_folder_action.setText(_("Import a folder (USB)…"))
        self.export_plan_action.setText(_("Plan packages…"))
        self.batch_print_action.setText(_("Print in batch…"))
        self.batch_print_action.setToolTip(
            _("Registration forms, results reports or key cards for many units")
        )
        self._owed_changed(getattr(self, "_owed", 0))
        self.refresh_action.setText(_("Refresh"))
        self.plan_label.setText(_("Plan:"))
        self.banner_button.setText(_("Review the keys"))
        for page in self._pages:
            page.translateUI()
        self._retitle_tabs()

    def file_actions(self) -> list[QAction]:
        """The actions the main window puts in its File menu."""
        return [
            self.import_files_action,
            self.import_folder_action,
            self.export_plan_action,
            self.receipts_action,
            self.batch_print_action,
        ]

    @Slot()
    def _retitle_tabs(self) -> None:
        pending = self.keys.pending_count()
        conflicts = self.conflicts.open_count()
        flags = self.flags.open_count()
        changed = any(r.changed_key for r in self.keys.model.rows())
        titles = (
            (self.dashboard, _("Dashboard")),
            (self.importer, _("Import")),
            (
                self.keys,
                _("Keys ({count})").format(count=pending) + (" ⚠" if changed else "")
                if pending
                else _("Keys"),
            ),
            (
                self.conflicts,
                _("Conflicts ({count})").format(count=conflicts) if conflicts else _("Conflicts"),
            ),
            (
                self.flags,
                _("Suspicious values ({count})").format(count=flags)
                if flags
                else _("Suspicious values"),
            ),
            (self.roster, _("Roster")),
            (self.plan_page, _("Plan")),
            (self.audit, _("Audit log")),
        )
        for page, title in titles:
            self.tabs.setTabText(self.tabs.indexOf(page), title)

    @Slot(object)
    def _show_changed_keys(self, rows: list[Any]) -> None:
        if not rows:
            self.banner.hide()
            self.banner_button.hide()
            return
        self.banner.setText(
            "⚠ "
            + _(
                "{count} units sent a NEW key while their accepted key is on record. Do not "
                "accept it before calling the unit."
            ).format(count=len(rows))
        )
        self.banner.show()
        self.banner_button.show()

    def show_page(self, name: str) -> None:
        pages: dict[str, QWidget] = {
            "dashboard": self.dashboard,
            "import": self.importer,
            "keys": self.keys,
            "conflicts": self.conflicts,
            "flags": self.flags,
            "roster": self.roster,
            "plan": self.plan_page,
            "audit": self.audit,
        }
        self.tabs.setCurrentWidget(pages[name])

    # --- loading ----------------------------------------------------------------------------

    def reload(self, plan_id: str | None = None) -> None:
        """Load the plans (keeping the chosen one, or ``plan_id``), then every page."""
        from app.exchange import unit_names
        from app.plans import available_plans, read_plan

        ctx = self._ctx
        wanted = plan_id or (self.plan.id if self.plan is not None else None)

        def job(_progress: Any, _token: CancelToken) -> Any:
            summaries = available_plans(ctx)
            plans = {s.id: read_plan(ctx, plan_id=s.id) for s in summaries}
            return summaries, plans, unit_names(ctx)

        def done(result: Any) -> None:
            summaries, plans, names = result
            self._summaries = summaries
            self.plans = plans
            self.importer.set_plans(plans, names)
            self.conflicts.set_plans(plans)
            self.plan_combo.blockSignals(True)
            self.plan_combo.clear()
            for summary in summaries:
                self.plan_combo.addItem(f"{summary.year} — {summary.title}", summary.id)
            found = self.plan_combo.findData(wanted) if wanted else -1
            self.plan_combo.setCurrentIndex(max(0, found))
            self.plan_combo.blockSignals(False)
            self._plan_chosen(self.plan_combo.currentIndex())
            self.keys.reload()
            self.conflicts.reload()
            self.importer.refresh_history()
            self.audit.reload()

        self._runner.run(job, done, self._failed)

    @Slot(int)
    def _plan_chosen(self, index: int) -> None:
        plan_id = self.plan_combo.itemData(index) if index >= 0 else None
        if plan_id is None or plan_id not in self.plans:
            self.plan = None
            return
        self.plan = self.plans[plan_id]
        plan = self.plan
        self.roster.set_year(plan.year)
        self.plan_page.set_plan(plan)
        self.dashboard.set_plan(plan)
        self.flags.set_plan(plan)
        self._load_choices(plan)
        self.loaded.emit(plan.id)

    def _load_choices(self, plan: domain.Plan) -> None:
        from app.rollup import read_scope_choices

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            return read_scope_choices(ctx, year=plan.year)

        def done(choices: list[ScopeChoice]) -> None:
            self.scope_choices = choices
            self.plan_page.set_plan(plan, choices)

        self._runner.run(job, done, self._failed)

    @Slot()
    def refresh_all(self) -> None:
        self.reload()

    @Slot()
    def _data_changed(self) -> None:
        """Merged data, keys or conflicts changed: reload what shows them."""
        self.dashboard.refresh()
        self.keys.reload()
        self.conflicts.reload()
        self.flags.reload()
        self.audit.reload()
        self.importer.owed_receipts()
        self.importer.refresh_since()

    @Slot()
    def _roster_changed(self) -> None:
        if self.plan is not None:
            self.dashboard.set_plan(self.plan)
            self._load_choices(self.plan)
        self.audit.reload()

    @Slot(int)
    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.audit:
            self.audit.reload()

    # --- import -----------------------------------------------------------------------------

    def import_paths(self, paths: list[Path]) -> None:
        """Check dropped or chosen files and folders (the dry run starts at once)."""
        self.show_page("import")
        self.importer.check(paths)

    @Slot()
    def _import_files(self) -> None:
        self.show_page("import")
        self.importer.choose_files()

    @Slot()
    def _import_folder(self) -> None:
        self.show_page("import")
        self.importer.choose_folder()

    @Slot()
    def _export_plan(self) -> None:
        self.show_page("plan")
        self.plan_page.ask_export()

    def ask_batch_print(
        self, *, unit_codes: list[str] | None = None, scope: ScopeChoice | None = None
    ) -> BatchPrintDialog | None:
        """The "print in batch" dialog, with the roster's selected units or the
        dashboard's scope chosen."""
        # The printing (reportlab) loads when first asked for, not with the window.
        from ui.federation.batch_print_dialog import BatchPrintDialog

        if self.plan is None:
            return None
        dialog = BatchPrintDialog(
            self._ctx,
            self._runner,
            self.plan,
            self.scope_choices,
            unit_codes=unit_codes,
            scope=scope,
            parent=self,
        )
        dialog.open()
        return dialog

    @Slot(int)
    def _owed_changed(self, owed: int) -> None:
        """The toolbar and the File menu say how many receipts are owed."""
        self._owed = owed
        self.receipts_action.setText(
            _("Receipts ({count})…").format(count=owed) if owed else _("Receipts…")
        )

    @Slot()
    def _receipts(self) -> None:
        self.show_page("import")
        self.importer.choose_receipts_folder()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_paths(paths)

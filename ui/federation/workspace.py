"""The federation staff's workspace: dashboard, import, enrolment, conflicts, suspicious values,
roster, plan and audit log, around one chosen plan.

Files and folders dropped anywhere on the workspace go to the import page
and are checked at once. Every page loads through the shared task runner;
after anything that changes the merged data (an import, a key decision, a
conflict resolved) the pages that show it reload.

Only the dashboard (the first tab) is built with the workspace; the other
pages are imported and built once the plan is shown, one per turn of the
event loop, or earlier when first used (``ui.widgets.lazy_tabs``). Each is
wired and handed what is already loaded when it is built.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.i18n import gettext as _

from ui.federation.common import BANNER_STYLE
from ui.federation.dashboard_page import DashboardPage
from ui.federation.file_actions import file_action_texts, receipts_text
from ui.widgets.help import help_button, own_anchor
from ui.widgets.lazy_tabs import LazyTabs
from ui.widgets.pages import Page
from ui.widgets.tab_keys import ring_focused_tab, switch_main_tabs_by_keys
from ui.widgets.tasks import CancelToken, Runner

if TYPE_CHECKING:
    # Imported when their page is built, after the plan is shown (see the module docstring).
    from app.core.first_look import FirstLook
    from app.rollup import ScopeChoice

    from ui.federation.audit_page import AuditPage
    from ui.federation.batch_print_dialog import BatchPrintDialog
    from ui.federation.conflicts_page import ConflictsPage
    from ui.federation.flags_page import FlagsPage
    from ui.federation.import_page import ImportPage
    from ui.federation.keys_page import KeysPage
    from ui.federation.plan_page import PlanPage
    from ui.federation.roster_page import RosterPage

#: The pages' names, in the order of their tabs (``show_page`` also takes "import", "plan").
PAGE_NAMES = ("dashboard", "importer", "keys", "conflicts", "flags", "roster", "plan_page", "audit")


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
    #: Emitted when a reload (``reload``) has delivered, after ``loaded``.
    reloaded = Signal()
    done = Signal(str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.plan: domain.Plan | None = None
        self.plans: dict[str, domain.Plan] = {}
        self.scope_choices: list[ScopeChoice] = []
        self._summaries: list[domain.PlanSummary] = []
        self._unit_names: dict[str, str] = {}
        self._loaded_once = False  # the plans were read once: a page built now loads too
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

        self.tabs = LazyTabs(
            [(name, partial(self._build_page, name)) for name in PAGE_NAMES],
            self._page_built,
        )
        self.tabs.setObjectName("federation-tabs")
        switch_main_tabs_by_keys(self.tabs)  # Ctrl+PageDown / Ctrl+PageUp from anywhere
        ring_focused_tab(self.tabs)

        self.import_files_action.triggered.connect(self._import_files)
        self.import_folder_action.triggered.connect(self._import_folder)
        self.export_plan_action.triggered.connect(self._export_plan)
        self.receipts_action.triggered.connect(self._receipts)
        self.batch_print_action.triggered.connect(lambda: self.ask_batch_print())
        self.refresh_action.triggered.connect(self.refresh_all)
        self.banner_button.clicked.connect(lambda: self.show_page("keys"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tabs.page("dashboard")  # the first tab, shown at once

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
        for action, text in zip(self.file_actions(), file_action_texts(), strict=True):
            action.setText(text)
        self.import_files_action.setToolTip(
            _("Check and import unit packages (or drop them on the window)")
        )
        self.batch_print_action.setToolTip(
            _("Registration forms, results reports or key cards for many units")
        )
        self._owed_changed(getattr(self, "_owed", 0))
        self.refresh_action.setText(_("Refresh"))
        self.plan_label.setText(_("Plan:"))
        self.banner_button.setText(_("Review the keys"))
        for page in self.tabs.built_pages():
            cast(Page, page).translateUI()
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

    # --- the pages, built when first needed ---------------------------------------------------

    @property
    def dashboard(self) -> DashboardPage:
        return cast(DashboardPage, self.tabs.page("dashboard"))

    @property
    def importer(self) -> ImportPage:
        return cast("ImportPage", self.tabs.page("importer"))

    @property
    def keys(self) -> KeysPage:
        return cast("KeysPage", self.tabs.page("keys"))

    @property
    def conflicts(self) -> ConflictsPage:
        return cast("ConflictsPage", self.tabs.page("conflicts"))

    @property
    def flags(self) -> FlagsPage:
        return cast("FlagsPage", self.tabs.page("flags"))

    @property
    def roster(self) -> RosterPage:
        return cast("RosterPage", self.tabs.page("roster"))

    @property
    def plan_page(self) -> PlanPage:
        return cast("PlanPage", self.tabs.page("plan_page"))

    @property
    def audit(self) -> AuditPage:
        return cast("AuditPage", self.tabs.page("audit"))

    def _build_page(self, name: str) -> Page:
        """Import and build the page ``name`` (see ``_page_built`` for its wiring)."""
        ctx, runner = self._ctx, self._runner
        if name == "dashboard":
            return DashboardPage(ctx, runner)
        if name == "importer":
            from ui.federation.import_page import ImportPage

            return ImportPage(ctx, runner)
        if name == "keys":
            from ui.federation.keys_page import KeysPage

            return KeysPage(ctx, runner)
        if name == "conflicts":
            from ui.federation.conflicts_page import ConflictsPage

            return ConflictsPage(ctx, runner)
        if name == "flags":
            from ui.federation.flags_page import FlagsPage

            return FlagsPage(ctx, runner)
        if name == "roster":
            from ui.federation.roster_page import RosterPage

            return RosterPage(ctx, runner)
        if name == "plan_page":
            from ui.federation.plan_page import PlanPage

            return PlanPage(ctx, runner)
        from ui.federation.audit_page import AuditPage

        return AuditPage(ctx, runner)

    def _page_built(self, name: str, widget: QWidget) -> None:
        """Wire a page just built, and hand it what the workspace has loaded."""
        page = cast(Page, widget)
        page.failed.connect(self.failed)
        if hasattr(page, "done"):
            page.done.connect(self.done)
        if name in ("dashboard", "roster"):  # an entry on a unit's behalf changes merged data
            page.entry_shown.connect(  # type: ignore[attr-defined]
                lambda dialog: dialog.saved.connect(lambda _text: self._data_changed())
            )
        if name in ("importer", "keys", "conflicts"):
            page.data_changed.connect(self._data_changed)  # type: ignore[attr-defined]
        if name in ("keys", "conflicts", "flags"):
            page.loaded.connect(self._retitle_tabs)  # type: ignore[attr-defined]
        plan, loaded = self.plan, self._loaded_once
        if name == "dashboard":
            self.dashboard.batch_print.connect(lambda choice: self.ask_batch_print(scope=choice))
            if plan is not None:
                self.dashboard.set_plan(plan)
        elif name == "importer":
            self.importer.owed_changed.connect(self._owed_changed)
            self.importer.show_page.connect(self.show_page)
            self.importer.owed_receipts()  # it told before it was wired
            if loaded:
                self.importer.set_plans(self.plans, self._unit_names)
                self.importer.refresh_history()
        elif name == "keys":
            self.keys.changed_keys.connect(self._show_changed_keys)
            if loaded:
                self.keys.reload()
        elif name == "conflicts":
            self.conflicts.returned.connect(lambda _path: self._reload_audit())
            if loaded:
                self.conflicts.set_plans(self.plans)
                self.conflicts.reload()
        elif name == "flags":
            self.flags.changed.connect(self._reload_audit)
            self.flags.history_requested.connect(self.dashboard.show_history)
            if plan is not None:
                self.flags.set_plan(plan)
        elif name == "roster":
            self.roster.data_changed.connect(self._roster_changed)
            self.roster.batch_print.connect(lambda codes: self.ask_batch_print(unit_codes=codes))
            if plan is not None:
                self.roster.set_year(plan.year)
        elif name == "plan_page":
            self.plan_page.plans_changed.connect(self.reload)
            if plan is not None:
                self.plan_page.set_plan(plan, self.scope_choices or None)
        elif name == "audit" and loaded:
            self.audit.reload()
        self._retitle_tabs()

    def _built(self, name: str) -> Any:
        """The page ``name`` if built (else it loads what is current when it is)."""
        return self.tabs.built(name)

    @Slot()
    def _reload_audit(self) -> None:
        if (audit := self._built("audit")) is not None:
            audit.reload()

    @Slot()
    def _retitle_tabs(self) -> None:
        keys, conflict_page, flag_page = (self._built(n) for n in ("keys", "conflicts", "flags"))
        pending = keys.pending_count() if keys is not None else 0
        conflicts = conflict_page.open_count() if conflict_page is not None else 0
        flags = flag_page.open_count() if flag_page is not None else 0
        changed = keys is not None and any(r.changed_key for r in keys.model.rows())
        titles = (
            ("dashboard", _("Dashboard")),
            ("importer", _("Import")),
            (
                "keys",
                _("Keys ({count})").format(count=pending) + (" ⚠" if changed else "")
                if pending
                else _("Keys"),
            ),
            (
                "conflicts",
                _("Conflicts ({count})").format(count=conflicts) if conflicts else _("Conflicts"),
            ),
            (
                "flags",
                _("Suspicious values ({count})").format(count=flags)
                if flags
                else _("Suspicious values"),
            ),
            ("roster", _("Roster")),
            ("plan_page", _("Plan")),
            ("audit", _("Audit log")),
        )
        for name, title in titles:
            self.tabs.setTabText(self.tabs.index_of(name), title)

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
        """Show the tab ``name`` (one of ``PAGE_NAMES``, or "import", "plan")."""
        name = {"import": "importer", "plan": "plan_page"}.get(name, name)
        self.tabs.setCurrentWidget(self.tabs.page(name))

    # --- loading ----------------------------------------------------------------------------

    def show_first_look(self, look: FirstLook) -> None:
        """Name the plans and the plan shown next (:mod:`app.core.first_look`) until the
        first reload delivers them; the chooser waits (disabled) until then."""
        from app.core.first_look import plan_label

        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for plan in look.plans:
            self.plan_combo.addItem(plan_label(plan), plan.id)
        self.plan_combo.setCurrentIndex(max(0, self.plan_combo.findData(look.plan.id)))
        self.plan_combo.blockSignals(False)
        self.plan_combo.setEnabled(False)

    def reload(self, plan_id: str | None = None) -> None:
        """Load the plans (keeping the chosen one, or ``plan_id``), then every page; the
        services are imported on the task runner, never by the GUI thread."""
        ctx = self._ctx
        wanted = plan_id or (self.plan.id if self.plan is not None else None)

        def job(_progress: Any, _token: CancelToken) -> Any:
            from app.exchange import unit_names
            from app.plans import available_plans, read_plan

            summaries = available_plans(ctx)
            plans = {s.id: read_plan(ctx, plan_id=s.id) for s in summaries}
            return summaries, plans, unit_names(ctx)

        def done(result: Any) -> None:
            summaries, plans, names = result
            self._summaries = summaries
            self.plans = plans
            self._unit_names = names
            first = not self._loaded_once
            self._loaded_once = True
            if (importer := self._built("importer")) is not None:
                importer.set_plans(plans, names)
            if (conflicts := self._built("conflicts")) is not None:
                conflicts.set_plans(plans)
            self.plan_combo.blockSignals(True)
            self.plan_combo.clear()
            for summary in summaries:
                self.plan_combo.addItem(f"{summary.year} — {summary.title}", summary.id)
            found = self.plan_combo.findData(wanted) if wanted else -1
            self.plan_combo.setCurrentIndex(max(0, found))
            self.plan_combo.blockSignals(False)
            self.plan_combo.setEnabled(True)
            self._plan_chosen(self.plan_combo.currentIndex())
            for name, load in (
                ("keys", "reload"),
                ("conflicts", "reload"),
                ("importer", "refresh_history"),
                ("audit", "reload"),
            ):
                if (page := self._built(name)) is not None:
                    getattr(page, load)()
            if first:  # the plan is on screen: its figures, then the other pages
                self._build_rest_after_figures()
            self.reloaded.emit()

        def failed(error: BaseException) -> None:
            self.plan_combo.setEnabled(True)  # no longer waiting
            self._failed(error)

        self._runner.run(job, done, failed, reads=True)

    def _build_rest_after_figures(self) -> None:
        """Build the other pages once the dashboard shows its first figures (or says why it
        cannot): until then the GUI thread delivers the figures, not the pages."""
        dashboard = self.dashboard
        if self.plan is None:  # no plan, no figures to wait for
            self.tabs.build_rest_soon()
            return

        def then(*_args: object) -> None:
            dashboard.refreshed.disconnect(then)
            dashboard.failed.disconnect(then)
            self.tabs.build_rest_soon()

        dashboard.refreshed.connect(then)
        dashboard.failed.connect(then)

    @Slot(int)
    def _plan_chosen(self, index: int) -> None:
        plan_id = self.plan_combo.itemData(index) if index >= 0 else None
        if plan_id is None or plan_id not in self.plans:
            self.plan = None
            return
        self.plan = self.plans[plan_id]
        plan = self.plan
        if (roster := self._built("roster")) is not None:
            roster.set_year(plan.year)
        if (plan_page := self._built("plan_page")) is not None:
            plan_page.set_plan(plan)
        self.dashboard.set_plan(plan)
        if (flags := self._built("flags")) is not None:
            flags.set_plan(plan)
        self._load_choices(plan)
        self.loaded.emit(plan.id)

    def _load_choices(self, plan: domain.Plan) -> None:
        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            from app.rollup import read_scope_choices

            return read_scope_choices(ctx, year=plan.year)

        def done(choices: list[ScopeChoice]) -> None:
            self.scope_choices = choices
            if (plan_page := self._built("plan_page")) is not None:
                plan_page.set_plan(plan, choices)

        self._runner.run(job, done, self._failed, reads=True)

    @Slot()
    def refresh_all(self) -> None:
        self.reload()

    @Slot()
    def _data_changed(self) -> None:
        """Merged data, keys or conflicts changed: reload what shows them."""
        self.dashboard.refresh()
        for name in ("keys", "conflicts", "flags", "audit"):
            if (page := self._built(name)) is not None:
                page.reload()
        if (importer := self._built("importer")) is not None:
            importer.owed_receipts()
            importer.refresh_since()

    @Slot()
    def _roster_changed(self) -> None:
        if self.plan is not None:
            self.dashboard.set_plan(self.plan)
            self._load_choices(self.plan)
        self._reload_audit()

    @Slot(int)
    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentIndex() == self.tabs.index_of("audit"):
            self._reload_audit()

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
        self.receipts_action.setText(receipts_text(owed))

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

"""The roster: the organisation tree of a plan year, searched and filtered,
imported from and exported to Excel.

The tree (:mod:`ui.federation.roster_models`) is a model over
:class:`domain.RosterUnit` values; filtering keeps the ancestors of every
match visible. One unit is added or changed in a dialog checked by the core;
an import with errors imports nothing and lists every problem with its row
and column (:mod:`ui.federation.roster_dialogs`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.core import domain
from app.core.context import AppContext
from app.core.format import format_number
from app.core.i18n import gettext as _
from app.roster import RosterError
from db.enums import Sector, UnitKind

from ui.federation import roster_actions
from ui.federation.common import RoomyRows
from ui.federation.entry_dialog import EntryDialog
from ui.federation.history_dialog import UnitHistoryDialog, show_unit_history
from ui.federation.roster_dialogs import RosterNotesDialog, RosterUnitDialog, RowErrorsDialog
from ui.federation.roster_models import RosterColumn, RosterFilter, RosterTreeModel
from ui.widgets.dialogs import confirm, ending_in, opener
from ui.widgets.pages import Page
from ui.widgets.tables import sector_label
from ui.widgets.tasks import CancelToken, Runner

#: The code column's width as the page opens (pixels at 100 %); wider when a code needs it.
CODE_WIDTH = 120


class RosterPage(Page):
    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-roster"
    loaded = Signal()
    imported = Signal(object)  # RosterImportResult
    import_failed = Signal(object)  # RowErrorsDialog or the error text
    exported = Signal(object)
    data_changed = Signal()
    entry_shown = Signal(object)  # EntryDialog
    done = Signal(str)
    #: A cluster's leader was set or cleared: (cluster, leader's code or "").
    leader_changed = Signal(str, str)
    #: A unit was added, changed or taken out on screen (its code).
    unit_saved = Signal(str)
    #: "Print in batch" asked for the selected units (their codes).
    batch_print = Signal(object)
    history_shown = Signal(object)  # UnitHistoryDialog

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.year = 0

        self.model = RosterTreeModel(self)
        self.proxy = RosterFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = QTreeView()
        self.view.setObjectName("roster-tree")
        self.view.setModel(self.proxy)
        self.view.setUniformRowHeights(True)
        self.view.setItemDelegate(RoomyRows(self.view))
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.header().setStretchLastSection(True)
        for column, width in (
            (RosterColumn.CODE, CODE_WIDTH),
            (RosterColumn.NAME, 320),
            (RosterColumn.KIND, 200),
            (RosterColumn.SECTOR, 210),
            (RosterColumn.CLUSTER, 170),
            (RosterColumn.MEMBERS, 100),
            (RosterColumn.WORKERS, 120),
            (RosterColumn.CHAIR, 170),
            (RosterColumn.PHONE, 110),
        ):
            self.view.setColumnWidth(column, width)

        self.year_label = QLabel()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2200)
        self.year_spin.setObjectName("roster-year")
        self.year_spin.editingFinished.connect(self._year_edited)
        self.search = QLineEdit()
        self.search.setObjectName("roster-search")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)  # filter once typing pauses, not per keystroke
        self._search_timer.timeout.connect(self._search_now)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.sector_combo = QComboBox()
        self.sector_combo.currentIndexChanged.connect(self._sector_chosen)
        self.cluster_combo = QComboBox()
        self.cluster_combo.currentIndexChanged.connect(self._cluster_chosen)
        self.summary = QLabel()
        self.import_button = QPushButton()
        self.import_button.setObjectName("roster-import")
        self.import_button.clicked.connect(self.choose_import)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.choose_export)
        self.template_button = QPushButton()
        self.template_button.clicked.connect(self.choose_template)
        self.add_button = QPushButton()
        self.add_button.setObjectName("roster-add")
        self.add_button.clicked.connect(self.ask_add)
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("roster-edit")
        self.edit_button.clicked.connect(self.ask_edit)
        self.view.doubleClicked.connect(lambda _index: self.ask_edit())
        self.retire_button = QPushButton()
        self.retire_button.setObjectName("roster-retire")
        self.retire_button.clicked.connect(self.ask_retire)
        self.leader_button = QPushButton()
        self.leader_button.setObjectName("set-cluster-leader")
        self.leader_button.clicked.connect(lambda: self.set_leader(True))
        self.clear_leader_button = QPushButton()
        self.clear_leader_button.setObjectName("clear-cluster-leader")
        self.clear_leader_button.clicked.connect(lambda: self.set_leader(False))
        self.batch_button = QPushButton()
        self.batch_button.setObjectName("roster-batch-print")
        self.batch_button.clicked.connect(lambda: self.batch_print.emit(self.selected_codes()))
        self.history_button = QPushButton()
        self.history_button.setObjectName("roster-history")
        self.history_button.clicked.connect(self.show_history)
        self.enter_button = QPushButton()
        self.enter_button.setObjectName("roster-enter")
        self.enter_button.clicked.connect(self.enter_for_selected)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        top = QHBoxLayout()
        top.addWidget(self.year_label)
        top.addWidget(self.year_spin)
        top.addWidget(self.search, 1)
        top.addWidget(self.sector_combo)
        top.addWidget(self.cluster_combo)
        units_row = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.retire_button,
            self.leader_button,
            self.clear_leader_button,
            self.batch_button,
            self.history_button,
            self.enter_button,
        ):
            units_row.addWidget(button)
        units_row.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.template_button)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(units_row)
        layout.addLayout(bottom)
        self.translateUI()
        self._selection_changed()

    def translateUI(self) -> None:
        self.year_label.setText(_("Year:"))
        self.search.setPlaceholderText(_("Search by name or code (diacritics optional)…"))
        sector = self.sector_combo.currentData()
        self.sector_combo.blockSignals(True)
        self.sector_combo.clear()
        self.sector_combo.addItem(_("All sectors"), None)
        for value in Sector:
            self.sector_combo.addItem(sector_label(value), value)
        self.sector_combo.setCurrentIndex(max(0, self.sector_combo.findData(sector)))
        self.sector_combo.blockSignals(False)
        self._fill_clusters()
        self.add_button.setText(_("Add a unit…"))
        self.edit_button.setText(_("Change the unit…"))
        self.retire_button.setText(_("Take out of the roster…"))
        self.history_button.setText(_("Report history…"))
        self.enter_button.setText(_("Enter on its behalf…"))
        self.enter_button.setToolTip(
            _("Type the unit's paper form, or read its Excel file (nhập hộ)")
        )
        self.import_button.setText(_("Import from Excel…"))
        self.export_button.setText(_("Export to Excel…"))
        self.template_button.setText(_("Empty template…"))
        self.leader_button.setText(_("Make cluster leader"))
        self.leader_button.setToolTip(
            _("The selected unit leads its cluster (cụm trưởng) this year")
        )
        self.clear_leader_button.setText(_("No longer cluster leader"))
        self.batch_button.setText(_("Print in batch…"))
        self.batch_button.setToolTip(_("Forms, reports or key cards for the selected units"))
        self.model.retranslate()
        self._show_summary()

    def _fill_clusters(self) -> None:
        current = self.cluster_combo.currentData()
        clusters = sorted({u.cluster_code for u in self.model.units() if u.cluster_code})
        self.cluster_combo.blockSignals(True)
        self.cluster_combo.clear()
        self.cluster_combo.addItem(_("All clusters"), None)
        for code in clusters:
            self.cluster_combo.addItem(code, code)
        self.cluster_combo.setCurrentIndex(max(0, self.cluster_combo.findData(current)))
        self.cluster_combo.blockSignals(False)

    def _show_summary(self) -> None:
        units = self.model.units()
        upper = sum(1 for u in units if u.kind is UnitKind.UPPER)
        grassroots = sum(1 for u in units if u.kind is UnitKind.GRASSROOTS)
        clusters = len({u.cluster_code for u in units if u.cluster_code})
        text = _(
            "{year}: {upper} upper-level unions, {grassroots} grassroots unions, "
            "{clusters} clusters."
        ).format(
            year=self.year,
            upper=format_number(upper),
            grassroots=format_number(grassroots),
            clusters=clusters,
        )
        matched = self.proxy.matched()
        if matched == 0:  # an empty tree must not read as an empty roster
            text = _("No unit matches the search and filters. {roster}").format(roster=text)
        elif matched is not None:
            text = _("{count} units found. {roster}").format(
                count=format_number(matched), roster=text
            )
        self.summary.setText(text)

    # --- loading ----------------------------------------------------------------------------

    def set_year(self, year: int) -> None:
        self.year = year
        self.year_spin.setValue(year)
        self.reload()

    @Slot()
    def _year_edited(self) -> None:
        if self.year_spin.value() != self.year:
            self.set_year(self.year_spin.value())

    def reload(self) -> None:
        from app.roster import read_roster, search_keys

        ctx, year = self._ctx, self.year

        def job(_progress: Any, _token: CancelToken) -> tuple[list[domain.RosterUnit], list[str]]:
            units = read_roster(ctx, year=year)
            return units, search_keys(units)  # folded here, not on the first keystroke

        self._runner.run(job, self._loaded, self._failed, reads=True)

    @Slot(object)
    def _loaded(self, loaded: tuple[list[domain.RosterUnit], list[str]]) -> None:
        units, keys = loaded
        selected = self.selected_unit()
        self.model.set_units(units, keys)
        self._fit_code_column()
        self._fill_clusters()
        self._show_summary()
        self._expand_top()
        if selected is not None and selected.code:
            self.select_unit(selected.code)
        self._selection_changed()
        self.loaded.emit()

    def _fit_code_column(self) -> None:
        """Widen the code column to the longest code at its depth in the tree (each level
        indented), never narrower than it opens: a fixed width cut "CS-01919" under a unit
        of an upper-level union with a real font (walkthrough)."""
        metrics = self.view.fontMetrics()
        step = self.view.indentation()
        needed = max(
            (
                step * (depth + 1) + metrics.horizontalAdvance(code)
                for depth, code in self.model.longest_codes()
            ),
            default=0,
        )
        # The cell's own margins and the sort arrow's room in the header.
        needed += 2 * metrics.averageCharWidth() + 8
        self.view.setColumnWidth(RosterColumn.CODE, max(CODE_WIDTH, needed))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() is QEvent.Type.FontChange:
            # Once the tree has its new font (Ctrl++, 125 %): the codes grew with it.
            QTimer.singleShot(0, self, self._fit_code_column)  # dropped with the page

    def _expand_top(self) -> None:
        """Open the federation's level so the upper-level unions are in sight."""
        for row in range(self.proxy.rowCount()):
            self.view.expand(self.proxy.index(row, 0))
        if self.proxy.active():
            self.view.expandAll()

    @Slot()
    def _search_now(self) -> None:
        self._search_timer.stop()
        self.proxy.set_filters(words=self.search.text())
        self._expand_top()
        self._show_summary()

    def search_for(self, text: str) -> None:
        """Type ``text`` in the search box and filter at once (no typing pause)."""
        self.search.setText(text)
        self._search_now()

    @Slot(int)
    def _sector_chosen(self, _index: int) -> None:
        self.proxy.set_filters(sector=self.sector_combo.currentData())
        self._expand_top()
        self._show_summary()

    @Slot(int)
    def _cluster_chosen(self, _index: int) -> None:
        self.proxy.set_filters(cluster=self.cluster_combo.currentData())
        self._expand_top()
        self._show_summary()

    def visible_codes(self) -> list[str]:
        """Codes of the units the filter shows (depth first), for tests."""
        codes: list[str] = []

        def walk(parent: QModelIndex) -> None:
            for row in range(self.proxy.rowCount(parent)):
                index = self.proxy.index(row, 0, parent)
                unit = self.model.unit(self.proxy.mapToSource(index))
                codes.append(unit.code or "")
                walk(index)

        walk(QModelIndex())
        return codes

    # --- cluster leaders --------------------------------------------------------------------

    def selected_unit(self) -> domain.RosterUnit | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.unit(self.proxy.mapToSource(rows[0]))

    def selected_codes(self) -> list[str]:
        """Codes of the selected units (the federation itself left out)."""
        rows = self.view.selectionModel().selectedRows()
        units = [self.model.unit(self.proxy.mapToSource(row)) for row in rows]
        return [u.code for u in units if u.code]

    def select_units(self, codes: list[str]) -> None:
        """Select the rows of the units ``codes`` (shown by the filter), for tests."""
        selection = self.view.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for code in codes:
            source = self.model.index_of(code)
            if source.isValid():
                selection.select(self.proxy.mapFromSource(source), flags)

    def select_unit(self, code: str) -> bool:
        """Select the row of unit ``code`` (shown by the filter), for tests."""
        source = self.model.index_of(code)
        index = self.proxy.mapFromSource(source) if source.isValid() else QModelIndex()
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    @Slot()
    def _selection_changed(self) -> None:
        unit = self.selected_unit()
        in_cluster = unit is not None and bool(unit.cluster_code)
        self.leader_button.setEnabled(in_cluster and unit is not None and not unit.leader)
        self.clear_leader_button.setEnabled(in_cluster and unit is not None and unit.leader)
        real = unit is not None and bool(unit.code)  # not the federation itself
        self.edit_button.setEnabled(real)
        self.retire_button.setEnabled(real)
        self.batch_button.setEnabled(bool(self.selected_codes()))
        self.history_button.setEnabled(real)
        self.enter_button.setEnabled(real)

    @Slot()
    def enter_for_selected(self) -> EntryDialog | None:
        """Enter the selected unit's reports on its behalf (the newest plan)."""
        unit = self.selected_unit()
        if unit is None or not unit.code:
            return None
        dialog = EntryDialog(self._ctx, self._runner, unit.code, parent=opener(self))
        dialog.saved.connect(lambda _text: self.data_changed.emit())
        dialog.open()
        self.entry_shown.emit(dialog)
        return dialog

    # --- one unit ---------------------------------------------------------------------------

    @Slot()
    def show_history(self) -> UnitHistoryDialog | None:
        """The selected unit's report history."""
        unit = self.selected_unit()
        if unit is None or not unit.code:
            return None
        dialog = show_unit_history(self, self._ctx, self._runner, unit.code)
        self.history_shown.emit(dialog)
        return dialog

    @Slot()
    def ask_add(self) -> RosterUnitDialog:
        return self._open_unit_dialog(None)

    @Slot()
    def ask_edit(self) -> RosterUnitDialog | None:
        unit = self.selected_unit()
        if unit is None or not unit.code:
            return None
        return self._open_unit_dialog(unit)

    def _open_unit_dialog(self, unit: domain.RosterUnit | None) -> RosterUnitDialog:
        dialog = RosterUnitDialog(self.model.units(), unit, self)
        save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.clicked.connect(lambda: self.save_unit(dialog))
        dialog.open()
        return dialog

    def save_unit(self, dialog: RosterUnitDialog) -> None:
        """Save through the core; the dialog closes only when the unit is saved."""
        from app.roster import save_roster_unit

        ctx, year, values, creating = self._ctx, self.year, dialog.values(), dialog.creating

        def job(_progress: Any, _token: CancelToken) -> Any:
            return save_roster_unit(ctx, year=year, values=values, creating=creating)

        def finished(result: Any) -> None:
            code = str(values["code"]).strip()
            dialog.accept()
            text = _("The unit {code} is saved in the {year} roster.").format(code=code, year=year)
            notes = " ".join(note.translated() + "." for note in result.notes)
            self.done.emit(f"{text} {notes}".strip())
            self.reload()
            self.data_changed.emit()
            self.unit_saved.emit(code)

        def failed(error: BaseException) -> None:
            if isinstance(error, RosterError):
                dialog.show_problems(error)
                return
            self._failed(error)

        self._runner.run(job, finished, failed)

    @Slot()
    def ask_retire(self) -> None:
        unit = self.selected_unit()
        if unit is None or not unit.code:
            return
        code, year = unit.code, self.year
        confirm(
            self,
            name="confirm-retire",
            title=_("Take out of this year's roster"),
            text=_(
                "Take {code} — {name} out of the {year} roster (dissolved or merged)? Its "
                "packages and figures stay in the archive; the change is recorded in the "
                "audit log."
            ).format(code=code, name=unit.name, year=year),
            on_yes=lambda: self.retire(code),
            danger=True,
        )

    def retire(self, code: str) -> None:
        from app.roster import retire_roster_unit

        ctx, year = self._ctx, self.year

        def job(_progress: Any, _token: CancelToken) -> None:
            retire_roster_unit(ctx, year=year, code=code)

        def finished(_result: Any) -> None:
            self.done.emit(
                _("{code} is no longer in the {year} roster.").format(code=code, year=year)
            )
            self.reload()
            self.data_changed.emit()
            self.unit_saved.emit(code)

        self._runner.run(job, finished, self._failed)

    def set_leader(self, leader: bool) -> None:
        """Make the selected unit its cluster's leader, or clear it (audited)."""
        from app.roster import choose_cluster_leader

        unit = self.selected_unit()
        if unit is None or not unit.cluster_code:
            return
        ctx, year, cluster, code = self._ctx, self.year, unit.cluster_code, unit.code or ""

        def job(_progress: Any, _token: CancelToken) -> str | None:
            return choose_cluster_leader(
                ctx, year=year, cluster=cluster, unit_code=code if leader else None
            )

        def finished(previous: str | None) -> None:
            if leader:
                text = _("{code} now leads {cluster} in {year}.").format(
                    code=code, cluster=cluster, year=year
                )
                if previous and previous != code:
                    text += " " + _("(It was {previous}.)").format(previous=previous)
            else:
                text = _("{cluster} has no leader in {year} now.").format(
                    cluster=cluster, year=year
                )
            self.done.emit(text)
            self.reload()
            self.data_changed.emit()
            self.leader_changed.emit(cluster, code if leader else "")

        self.leader_button.setEnabled(False)
        self.clear_leader_button.setEnabled(False)
        self._runner.run(job, finished, self._failed)

    # --- Excel ------------------------------------------------------------------------------

    @Slot()
    def choose_import(self) -> None:
        roster_actions.ask_import(self, self.import_workbook)

    def import_workbook(self, path: Path) -> None:
        from app.roster import import_roster_workbook

        ctx, year = self._ctx, self.year

        def job(_progress: Any, _token: CancelToken) -> Any:
            return import_roster_workbook(ctx, path=path, year=year)

        def finished(result: Any) -> None:
            self.done.emit(
                _(
                    "Roster {year} imported: {created} new units, {updated} updated, "
                    "{unchanged} unchanged."
                ).format(
                    year=result.year,
                    created=result.created,
                    updated=result.updated,
                    unchanged=result.unchanged,
                )
            )
            if result.notes:
                self.notes_dialog = RosterNotesDialog(
                    path, list(result.notes), self, legacy=result.legacy
                )
                self.notes_dialog.open()
            self.reload()
            self.data_changed.emit()
            self.imported.emit(result)

        def failed(error: BaseException) -> None:
            if isinstance(error, RosterError):
                dialog = RowErrorsDialog(path, error, self)
                dialog.open()
                self.failed.emit(error.translated())
                self.import_failed.emit(dialog)
                return
            self._failed(error)
            self.import_failed.emit(str(error))

        self._runner.run(job, finished, failed)

    @Slot()
    def choose_export(self) -> None:
        roster_actions.ask_export(self, self.year, self.export_workbook)

    def export_workbook(self, path: Path) -> None:
        from app.roster import save_roster_workbook

        ctx, year = self._ctx, self.year
        path = ending_in(path, ".xlsx")

        def job(_progress: Any, _token: CancelToken) -> Any:
            return save_roster_workbook(ctx, year=year, path=path)

        def finished(result: Any) -> None:
            self.done.emit(_("Roster written to {path}.").format(path=result.path))
            self.exported.emit(result)

        self._runner.run(job, finished, self._failed)

    @Slot()
    def choose_template(self) -> None:
        roster_actions.ask_template(self, self.write_template)

    def write_template(self, path: Path) -> None:
        from app.roster import write_roster_template

        path = ending_in(path, ".xlsx")

        def job(_progress: Any, _token: CancelToken) -> Path:
            write_roster_template(path)
            return path

        self._runner.run(
            job,
            lambda p: self.done.emit(_("Template written to {path}.").format(path=p)),
            self._failed,
        )

"""Conflicts: two versions of one unit's stream side by side; staff choose.

Keep incoming merges the quarantined package, keep current discards it
(:func:`app.exchange.federation.resolve_conflict`, audited either way);
Return writes a signed return package with comments for the unit, prefilled
with the differing values, and leaves the conflict open until the unit's
corrected revision arrives or staff choose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.exchange import ConflictDetail, ConflictRow

from ui.federation.common import fit_width, local_time, stream_label
from ui.federation.conflict_models import (
    REASONS,
    CompareColumn,
    CompareModel,
    ConflictColumn,
    ConflictListModel,
    DifferencesOnly,
    reason_label,
)
from ui.federation.history_dialog import UnitHistoryDialog, show_unit_history
from ui.federation.return_dialog import ReturnDialog
from ui.widgets.dialogs import confirm, ending_in
from ui.widgets.key_unlock import unlock_or_fail
from ui.widgets.pages import Page
from ui.widgets.tasks import CancelToken, Runner


class ConflictsPage(Page):
    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-conflicts"
    loaded = Signal()
    detail_shown = Signal(object)  # ConflictDetail
    resolved = Signal(object)  # ConflictInfo
    returned = Signal(object)  # Path of the return package
    history_shown = Signal(object)  # UnitHistoryDialog
    data_changed = Signal()
    done = Signal(str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self._plans: dict[str, Any] = {}
        self.detail: ConflictDetail | None = None
        self.return_folder = Path.home()

        self.list_model = ConflictListModel(self)
        self.list_view = QTableView()
        self.list_view.setObjectName("conflict-list")
        self.list_view.setModel(self.list_model)
        self.list_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.list_view.verticalHeader().setVisible(False)
        self.list_view.horizontalHeader().setStretchLastSection(True)
        self.list_view.setWordWrap(False)
        self.list_view.setColumnWidth(ConflictColumn.UNIT, 240)
        self.list_view.setColumnWidth(ConflictColumn.STREAM, 140)
        self.list_view.setColumnWidth(ConflictColumn.RECEIVED, 140)
        self.list_view.selectionModel().currentRowChanged.connect(self._current_changed)

        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.compare_model = CompareModel(self)
        self.compare_proxy = DifferencesOnly(self)
        self.compare_proxy.setSourceModel(self.compare_model)
        self.compare_view = QTableView()
        self.compare_view.setObjectName("compare-table")
        self.compare_view.setModel(self.compare_proxy)
        self.compare_view.verticalHeader().setVisible(False)
        self.compare_view.setWordWrap(True)
        # A few dozen rows: each as high as its wrapped text at the current width.
        self.compare_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        header = self.compare_view.horizontalHeader()
        header.setSectionResizeMode(CompareColumn.WHAT, QHeaderView.ResizeMode.Stretch)
        self.compare_view.setColumnWidth(CompareColumn.CODE, 60)
        self.compare_view.setColumnWidth(CompareColumn.CURRENT, 210)
        self.compare_view.setColumnWidth(CompareColumn.INCOMING, 210)
        self.only_differences = QCheckBox()
        self.only_differences.toggled.connect(self.compare_proxy.set_only)
        self.keep_incoming = QPushButton()
        self.keep_incoming.setObjectName("keep-incoming")
        self.keep_incoming.clicked.connect(lambda: self.ask_keep("incoming"))
        self.keep_current = QPushButton()
        self.keep_current.setObjectName("keep-current")
        self.keep_current.clicked.connect(lambda: self.ask_keep("current"))
        self.return_button = QPushButton()
        self.return_button.setObjectName("return-button")
        self.return_button.clicked.connect(self.ask_return)
        self.history_button = QPushButton()
        self.history_button.setObjectName("conflict-history")
        self.history_button.clicked.connect(self.show_history)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.title)
        right_layout.addWidget(self.only_differences)
        right_layout.addWidget(self.compare_view, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_current)
        buttons.addWidget(self.keep_incoming)
        buttons.addStretch(1)
        buttons.addWidget(self.history_button)
        buttons.addWidget(self.return_button)
        right_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list_view)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        self._splitter = splitter
        self.translateUI()
        self._show_detail(None)

    def translateUI(self) -> None:
        self.empty.setText(_("No conflict is waiting: every stream has one version."))
        self.only_differences.setText(_("Show only the differences"))
        self.keep_incoming.setText(_("Keep incoming"))
        self.keep_current.setText(_("Keep current"))
        self.return_button.setText(_("Return to the unit…"))
        self.history_button.setText(_("Report history…"))
        self.list_model.retranslate()
        self.compare_model.retranslate()
        self.list_view.setColumnWidth(
            ConflictColumn.REASON, fit_width(self, [reason_label(r) for r in REASONS])
        )
        for column in (ConflictColumn.CURRENT, ConflictColumn.INCOMING):
            self.list_view.setColumnWidth(column, fit_width(self, [column.header()]))
        self._show_title()

    def set_plans(self, plans: dict[str, Any]) -> None:
        self._plans = plans

    def open_count(self) -> int:
        return self.list_model.rowCount()

    # --- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        from app.exchange import list_conflict_rows

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> list[ConflictRow]:
            return list_conflict_rows(ctx)

        self._runner.run(job, self._loaded, self._failed, reads=True)

    @Slot(object)
    def _loaded(self, rows: list[ConflictRow]) -> None:
        previous = self.detail.row.id if self.detail is not None else None
        self.list_model.set_conflicts(rows, self._plans)
        self.empty.setVisible(not rows)
        self._splitter.setVisible(bool(rows))
        target = next((i for i, r in enumerate(rows) if r.id == previous), 0 if rows else None)
        self._show_detail(None)
        if target is not None:
            # The reset cleared the current row: choosing it again loads its detail.
            self.list_view.setCurrentIndex(self.list_model.index(target, 0))
            self.list_view.selectRow(target)
        self.loaded.emit()

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.load_detail(self.list_model.row_at(current.row()).id)

    def load_detail(self, conflict_id: int) -> None:
        from app.exchange import conflict_detail

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> ConflictDetail:
            return conflict_detail(ctx, conflict_id=conflict_id)

        self._runner.run(job, self._show_detail, self._failed, reads=True)

    @Slot(object)
    def _show_detail(self, detail: ConflictDetail | None) -> None:
        self.detail = detail
        self.compare_model.set_detail(detail)
        for button in (self.keep_incoming, self.keep_current, self.return_button):
            button.setEnabled(detail is not None and detail.row.status == "open")
        self.keep_current.setEnabled(
            detail is not None and detail.row.status == "open" and detail.current is not None
        )
        self.history_button.setEnabled(detail is not None)
        self._show_title()
        if detail is not None:
            self.detail_shown.emit(detail)

    def _show_title(self) -> None:
        detail = self.detail
        if detail is None:
            self.title.setText("")
            return
        row = detail.row
        stream = stream_label(row.stream, detail.plan)
        current = detail.current
        incoming = detail.incoming
        parts = [
            f"<b>{row.unit_code} — {row.unit_name}</b> · {stream} · {reason_label(row.reason)}",
            _("Current: revision {revision}, received {when}, file {file}").format(
                revision=current.revision,
                when=local_time(current.received_at),
                file=current.file_name,
            )
            if current is not None
            else _("Current: nothing merged for this stream."),
            _("Incoming: revision {revision}, received {when}, file {file}").format(
                revision=incoming.revision,
                when=local_time(incoming.received_at),
                file=incoming.file_name,
            ),
            _("{count} values differ.").format(count=len(detail.differing_codes)),
        ]
        if row.returned_at:
            parts.append(
                _("Returned to the unit on {when}; waiting for its new revision.").format(
                    when=local_time(row.returned_at)
                )
            )
        self.title.setText("<br>".join(parts))

    # --- decisions --------------------------------------------------------------------------

    def ask_keep(self, keep: str) -> None:
        detail = self.detail
        if detail is None:
            return
        row = detail.row
        unit = f"{row.unit_code} — {row.unit_name}"
        if keep == "incoming":
            text = _(
                "Keep the incoming version (revision {revision}) of {unit}? It replaces the "
                "merged values; the decision is recorded in the audit log."
            ).format(revision=row.incoming_revision, unit=unit)
        else:
            text = _(
                "Keep the current version of {unit} and discard the incoming one? The "
                "decision is recorded in the audit log."
            ).format(unit=unit)
        confirm(
            self,
            name="confirm-keep",
            title=_("Resolve the conflict"),
            text=text,
            on_yes=lambda: self.resolve(row.id, keep),
        )

    def resolve(self, conflict_id: int, keep: str) -> None:
        from app.exchange import resolve_conflict

        ctx = self._ctx

        def job(_progress: Any, _token: CancelToken) -> Any:
            return resolve_conflict(ctx, conflict_id=conflict_id, keep=keep)

        def finished(info: Any) -> None:
            self.done.emit(
                _("Conflict resolved: kept the incoming version.")
                if keep == "incoming"
                else _("Conflict resolved: kept the current version.")
            )
            self.detail = None
            self.data_changed.emit()
            self.resolved.emit(info)
            self.reload()

        self._runner.run(job, finished, self._failed)

    @Slot()
    def show_history(self) -> UnitHistoryDialog | None:
        """The history of the conflict's unit, at the conflict's report."""
        detail = self.detail
        if detail is None:
            return None
        row = detail.row
        dialog = show_unit_history(
            self, self._ctx, self._runner, row.unit_code, plan_id=detail.plan.id, stream=row.stream
        )
        self.history_shown.emit(dialog)
        return dialog

    @Slot()
    def ask_return(self) -> ReturnDialog | None:
        detail = self.detail
        if detail is None:
            return None
        dialog = ReturnDialog(detail, self.return_folder, self)
        dialog.accepted.connect(
            lambda: self.write_return(
                detail,
                Path(dialog.path.text().strip()),
                dialog.general.toPlainText(),
                dialog.field_comments(),
            )
        )
        dialog.open()
        return dialog

    def write_return(
        self, detail: ConflictDetail, path: Path, general: str, comments: dict[str, str]
    ) -> None:
        from app.exchange import return_package

        ctx = self._ctx
        path = ending_in(path, ".thidua")
        package_hash = detail.incoming.package_hash

        def job(_progress: Any, _token: CancelToken) -> Path:
            return return_package(
                ctx,
                package_hash=package_hash,
                out=path,
                general_comment=general,
                comments=comments,
            )

        def finished(written: Path) -> None:
            self.return_folder = written.parent
            self.done.emit(_("Return written to {path}.").format(path=written))
            self.returned.emit(written)
            self.reload()

        def retry() -> None:
            self.write_return(detail, path, general, comments)

        self._runner.run(job, finished, unlock_or_fail(self, ctx, retry, self._failed))

"""Conflicts: two versions of one unit's stream side by side; staff choose.

Keep incoming merges the quarantined package, keep current discards it
(:func:`app.exchange.federation.resolve_conflict`, audited either way);
Return writes a signed return package with comments for the unit, prefilled
with the differing values, and leaves the conflict open until the unit's
corrected revision arrives or staff choose.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.exchange import ConflictDetail, ConflictRow

from ui.federation.common import (
    DIFFERS,
    fit_width,
    local_time,
    rows_refiltered,
    stream_label,
    value_text,
)
from ui.widgets.dialogs import confirm, file_dialog, translate_buttons
from ui.widgets.pages import Page
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tables import RowTableModel
from ui.widgets.tasks import CancelToken, Runner

_Index = QModelIndex | QPersistentModelIndex


REASONS = ("same_revision", "broken_chain", "retired_key")


def reason_label(reason: str) -> str:
    return {
        "same_revision": _("Same revision, different content"),
        "broken_chain": _("Revision does not follow the one recorded"),
        "retired_key": _("Signed by a retired key"),
    }.get(reason, reason)


class ConflictColumn(IntEnum):
    UNIT = 0
    STREAM = 1
    REASON = 2
    CURRENT = 3
    INCOMING = 4
    RECEIVED = 5
    RETURNED = 6

    def header(self) -> str:
        return {
            ConflictColumn.UNIT: _("Unit"),
            ConflictColumn.STREAM: _("Stream"),
            ConflictColumn.REASON: _("Why"),
            ConflictColumn.CURRENT: _("Current revision"),
            ConflictColumn.INCOMING: _("Incoming revision"),
            ConflictColumn.RECEIVED: _("Received"),
            ConflictColumn.RETURNED: _("Returned to the unit"),
        }[self]


class ConflictListModel(RowTableModel[ConflictRow]):
    columns = ConflictColumn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plans: dict[str, Any] = {}

    def set_conflicts(self, rows: list[ConflictRow], plans: dict[str, Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._plans = plans
        self.endResetModel()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        column = ConflictColumn(index.column())
        if column is ConflictColumn.UNIT:
            return f"{row.unit_code} — {row.unit_name}" if row.unit_code else row.unit_name
        if column is ConflictColumn.STREAM:
            return stream_label(row.stream, self._plans.get(row.plan_id))
        if column is ConflictColumn.REASON:
            return reason_label(row.reason)
        if column is ConflictColumn.CURRENT:
            return "" if row.current_revision is None else str(row.current_revision)
        if column is ConflictColumn.INCOMING:
            return str(row.incoming_revision)
        if column is ConflictColumn.RECEIVED:
            return local_time(row.received_at)
        return local_time(row.returned_at)


class CompareColumn(IntEnum):
    CODE = 0
    WHAT = 1
    CURRENT = 2
    INCOMING = 3

    def header(self) -> str:
        return {
            CompareColumn.CODE: _("Code"),
            CompareColumn.WHAT: _("Indicator"),
            CompareColumn.CURRENT: _("Current (merged)"),
            CompareColumn.INCOMING: _("Incoming (quarantined)"),
        }[self]


class CompareModel(QAbstractTableModel):
    """The two versions' values, then the other statement details; differences marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._detail: ConflictDetail | None = None
        self._rows: list[tuple[str, str, str, str, bool]] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_detail(self, detail: ConflictDetail | None) -> None:
        self.beginResetModel()
        self._detail = detail
        self._rows = []
        if detail is not None:
            plan = detail.plan
            for item in detail.values:
                self._rows.append(
                    (
                        item.indicator.code,
                        item.indicator.title,
                        value_text(plan, item.indicator, item.current),
                        value_text(plan, item.indicator, item.incoming),
                        item.differs,
                    )
                )
            for field in detail.fields:
                self._rows.append(
                    ("", _(field.label), field.current, field.incoming, field.differs)
                )
        self.endResetModel()

    def differs(self, row: int) -> bool:
        return self._rows[row][4]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CompareColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return CompareColumn(section).header()
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        code, what, current, incoming, differs = self._rows[index.row()]
        column = CompareColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (code, what, current, incoming)[column]
        if differs and column in (CompareColumn.CURRENT, CompareColumn.INCOMING):
            if role == Qt.ItemDataRole.BackgroundRole:
                return DIFFERS
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        return None

    def retranslate(self) -> None:
        self.set_detail(self._detail)


class DifferencesOnly(QSortFilterProxyModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._only = False

    def set_only(self, only: bool) -> None:
        with rows_refiltered(self):
            self._only = only

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, CompareModel)
        return not self._only or model.differs(source_row)


class ReturnDialog(QDialog):
    """Comments for the unit (general and per indicator) and where to write the return."""

    def __init__(self, detail: ConflictDetail, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("return-package")
        row = detail.row
        self.setWindowTitle(_("Return to {code} for correction").format(code=row.unit_code))
        intro = QLabel(
            _(
                "A signed return package is written for {unit}. Send it to the unit; its "
                "chair sees your comments beside the values and sends a new revision."
            ).format(unit=f"{row.unit_code} — {row.unit_name}")
        )
        intro.setWordWrap(True)
        self.general = QPlainTextEdit()
        self.general.setObjectName("general-comment")
        self.general.setPlainText(
            _(
                "We received two different versions of revision {revision}. Please check the "
                "values below and send a new revision."
            ).format(revision=row.incoming_revision)
        )
        self.general.setMaximumHeight(90)
        differing = [v for v in detail.values if v.differs]
        self.comments = QTableWidget(len(differing), 2)
        self.comments.setObjectName("field-comments")
        self.comments.setHorizontalHeaderLabels([_("Indicator"), _("Comment")])
        self.comments.verticalHeader().setVisible(False)
        self.comments.horizontalHeader().setStretchLastSection(True)
        self.comments.setColumnWidth(0, 80)
        plan = detail.plan
        for index, item in enumerate(differing):
            code_item = QTableWidgetItem(item.indicator.code)
            code_item.setFlags(code_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.comments.setItem(index, 0, code_item)
            text = _("Received both {current} and {incoming}; which is right?").format(
                current=value_text(plan, item.indicator, item.current) or "—",
                incoming=value_text(plan, item.indicator, item.incoming) or "—",
            )
            self.comments.setItem(index, 1, QTableWidgetItem(text))
        self.path = QLineEdit(
            str(
                folder
                / f"{row.unit_code or 'unit'}_{row.stream}_r{row.incoming_revision}_return.thidua"
            )
        )
        self.path.setObjectName("return-path")
        browse = QPushButton(_("Browse…"))
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(QLabel(_("Write to:")))
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Write the return"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel(_("Comment for the unit:")))
        layout.addWidget(self.general)
        layout.addWidget(QLabel(_("Comments on the values:")))
        layout.addWidget(self.comments, 1)
        layout.addLayout(path_row)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 480)

    def field_comments(self) -> dict[str, str]:
        result = {}
        for row in range(self.comments.rowCount()):
            code = self.comments.item(row, 0)
            text = self.comments.item(row, 1)
            if code is not None and text is not None and text.text().strip():
                result[code.text()] = text.text().strip()
        return result

    @Slot()
    def _browse(self) -> None:
        file_dialog(
            self,
            name="return-file",
            title=_("Where to write the return"),
            mode=QFileDialog.FileMode.AnyFile,
            save=True,
            name_filter=_("Thi Đua packages (*.thidua)"),
            suggested=Path(self.path.text()).name,
            on_chosen=lambda paths: self.path.setText(str(paths[0])),
        )


class ConflictsPage(Page):
    loaded = Signal()
    detail_shown = Signal(object)  # ConflictDetail
    resolved = Signal(object)  # ConflictInfo
    returned = Signal(object)  # Path of the return package
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

        self._runner.run(job, self._loaded, self._failed)

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

        self._runner.run(job, self._show_detail, self._failed)

    @Slot(object)
    def _show_detail(self, detail: ConflictDetail | None) -> None:
        self.detail = detail
        self.compare_model.set_detail(detail)
        for button in (self.keep_incoming, self.keep_current, self.return_button):
            button.setEnabled(detail is not None and detail.row.status == "open")
        self.keep_current.setEnabled(
            detail is not None and detail.row.status == "open" and detail.current is not None
        )
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
        if path.suffix != ".thidua":
            path = path.with_name(path.name + ".thidua")
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

        self._runner.run(job, finished, self._failed)

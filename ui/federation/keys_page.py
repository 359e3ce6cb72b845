"""Enrolment: the units' signing keys, and the staff's decisions on them.

A key is trusted only after staff compare its fingerprint with the one
printed on the unit's stamped form (or read out on the phone): the accept
dialog never shows the fingerprint, it asks staff to type it, and the core
refuses a mismatch. A pending key for a unit that already has an accepted
key (a replaced PC — or an impostor) is shown in red everywhere and its
acceptance needs an explicit confirmation that the old key is to be retired.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.exchange import KeyRow, KeyStatus

from ui.federation.accept_key_dialog import AcceptKeyDialog
from ui.federation.common import (
    BANNER_STYLE,
    fingerprint_width,
    fit_width,
    key_status_label,
    local_time,
)
from ui.federation.key_models import KeyColumn, KeyFilter, KeyModel, warning_text
from ui.widgets.dialogs import translate_input
from ui.widgets.pages import Page
from ui.widgets.placeholder_table import PlaceholderTable
from ui.widgets.tasks import CancelToken, Runner


class KeysPage(Page):
    """Pending keys first; accept / refuse / revoke with confirmation."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-keys"

    loaded = Signal()
    decided = Signal(object)  # KeyInfo after a decision
    data_changed = Signal()
    done = Signal(str)
    #: Emitted with the pending changed-key rows after each load (for the banner).
    changed_keys = Signal(object)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.model = KeyModel(self)
        self._waiting_only = False  # the last read was of the waiting keys alone
        self.proxy = KeyFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = PlaceholderTable()  # says "none waiting" rather than an empty grid
        self.view.setObjectName("keys-table")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.setWordWrap(False)
        for column, width in (
            (KeyColumn.CODE, 90),
            (KeyColumn.UNIT, 220),
            (KeyColumn.FINGERPRINT, fingerprint_width(self)),
            (KeyColumn.RECEIVED, 130),
        ):
            self.view.setColumnWidth(column, width)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)

        self.banner = QLabel()
        self.banner.setObjectName("changed-key-banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.status_label = QLabel()
        self.status_combo = QComboBox()
        self.status_combo.currentIndexChanged.connect(self._status_chosen)
        self.details = QLabel()
        self.details.setObjectName("key-details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details.setMinimumWidth(300)
        self.accept_button = QPushButton()
        self.accept_button.setObjectName("accept-key-button")
        self.accept_button.clicked.connect(self.ask_accept)
        self.refuse_button = QPushButton()
        self.refuse_button.clicked.connect(self.ask_refuse)
        self.revoke_button = QPushButton()
        self.revoke_button.clicked.connect(self.ask_revoke)

        top = QHBoxLayout()
        top.addWidget(self.status_label)
        top.addWidget(self.status_combo)
        top.addStretch(1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.refuse_button)
        buttons.addWidget(self.revoke_button)
        side_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.translateUI()

    def translateUI(self) -> None:
        self.status_label.setText(_("Show:"))
        current = max(0, self.status_combo.currentIndex())
        self.status_combo.blockSignals(True)
        self.status_combo.clear()
        self.status_combo.addItem(_("Waiting for a decision"), KeyStatus.PENDING.value)
        self.status_combo.addItem(_("All keys"), None)
        for status in (
            KeyStatus.ACCEPTED,
            KeyStatus.REFUSED,
            KeyStatus.REVOKED,
            KeyStatus.RETIRED,
        ):
            self.status_combo.addItem(key_status_label(status.value), status.value)
        self.status_combo.setCurrentIndex(current)
        self.status_combo.blockSignals(False)
        self.accept_button.setText(_("Accept…"))
        self.refuse_button.setText(_("Refuse…"))
        self.revoke_button.setText(_("Revoke…"))
        self.model.retranslate()
        statuses = [key_status_label(s.value) for s in KeyStatus]
        self.view.setColumnWidth(KeyColumn.STATUS, fit_width(self, statuses))
        self.view.setColumnWidth(KeyColumn.HELD, fit_width(self, [KeyColumn.HELD.header()]))
        self._show_banner()
        self._show_details()
        self._show_placeholder()

    @Slot(int)
    def _status_chosen(self, index: int) -> None:
        self.proxy.set_status(self.status_combo.itemData(index))
        self._select_first()
        self._show_placeholder()

    def _show_placeholder(self) -> None:
        """What an empty list means (walkthrough: an empty grid read as a broken page)."""
        status = self.status_combo.currentData()
        if status == KeyStatus.PENDING.value:
            text = _(
                "No key is waiting for a decision. A unit's new key appears here when its "
                "enrolment package is imported."
            )
        elif status is None:
            text = _("No unit has sent its key yet.")
        else:
            text = _("No key with this status.")
        self.view.set_placeholder(text)

    def show_status(self, status: str | None) -> None:
        self.status_combo.setCurrentIndex(self.status_combo.findData(status))

    # --- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the keys again: all of them when the page is in sight; when it is not, the
        keys waiting for a decision alone (what the tab's count and the changed-key warning
        need), and all of them when it is next shown. A country's federation holds 126,000
        keys: reading them after every import kept the one worker seconds."""
        from app.exchange import key_overview

        ctx = self._ctx
        self._waiting_only = not self.isVisible()
        status = KeyStatus.PENDING.value if self._waiting_only else None

        def job(_progress: Any, _token: CancelToken) -> list[KeyRow]:
            return key_overview(ctx, status=status)

        self._runner.run(job, self._loaded, self._failed, reads=True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._waiting_only:
            self.reload()

    def waiting_only(self) -> bool:
        """Whether the list holds only the keys waiting for a decision (the page was not
        in sight when they were read)."""
        return self._waiting_only

    @Slot(object)
    def _loaded(self, rows: list[KeyRow]) -> None:
        selected = self.selected()
        self.model.set_rows(rows)
        self._show_banner()
        if selected is not None:
            self.select(selected.key.keyid)
        if self.selected() is None:
            self._select_first()
        self._show_details()
        self.changed_keys.emit([r for r in rows if r.changed_key])
        self.loaded.emit()

    def pending_count(self) -> int:
        return sum(1 for r in self.model.rows() if r.key.status == KeyStatus.PENDING.value)

    def _show_banner(self) -> None:
        changed = [r for r in self.model.rows() if r.changed_key]
        if not changed:
            self.banner.hide()
            return
        units = ", ".join(
            f"{r.declared_code} ({r.roster_name or r.declared_name})" for r in changed
        )
        self.banner.setText(
            "⚠ "
            + _(
                "Changed keys: {units} sent a new key while an accepted key is on record. "
                "Call the unit's chair before accepting: a new key may mean a replaced PC — "
                "or someone else signing in the unit's name."
            ).format(units=units)
        )
        self.banner.show()

    # --- selection --------------------------------------------------------------------------

    def selected(self) -> KeyRow | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def select(self, keyid: str) -> bool:
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            if self.model.row_at(source).key.keyid == keyid:
                self.view.selectRow(row)
                self.view.setCurrentIndex(self.proxy.index(row, 0))
                return True
        return False

    def _select_first(self) -> None:
        if self.proxy.rowCount():
            self.view.selectRow(0)
            self.view.setCurrentIndex(self.proxy.index(0, 0))
        self._show_details()

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_details()

    def _show_details(self) -> None:
        row = self.selected()
        if row is None:
            self.details.setText(_("No key selected."))
            for button in (self.accept_button, self.refuse_button, self.revoke_button):
                button.setEnabled(False)
            return
        key = row.key
        lines = [
            f"<b>{row.roster_name or row.declared_name}</b> ({row.declared_code})",
            _("Status: {status}").format(status=key_status_label(key.status)),
            _("Fingerprint:")
            + f"<br><span style='font-family: monospace; font-size: 13pt'>{key.fingerprint}</span>",
            _("Received: {when}").format(when=local_time(key.received_at)),
        ]
        lines.append(
            _("Roster contact (call this one): {chair} {phone} {email}").format(
                chair=row.roster_chair or "—", phone=row.roster_phone or "—", email=row.roster_email
            )
        )
        if row.chair or row.phone or row.email:
            lines.append(
                _("Declared in the package: {chair} {phone} {email}").format(
                    chair=row.chair, phone=row.phone, email=row.email
                )
            )
        if row.held_packages:
            lines.append(
                _("{count} packages are held until this key is accepted.").format(
                    count=row.held_packages
                )
            )
        if key.decided_at:
            lines.append(_("Decided: {when}").format(when=local_time(key.decided_at)))
        if key.evidence:
            lines.append(_("Evidence: {evidence}").format(evidence=key.evidence))
        if row.replaces is not None:
            lines.append(
                _("Replaces the key {fingerprint}.").format(fingerprint=row.replaces.fingerprint)
            )
        text = warning_text(row)
        if text:
            lines.append(f"<span style='color: #b00020; font-weight: bold'>{text}</span>")
        self.details.setText("<br>".join(lines))
        status = key.status
        self.accept_button.setEnabled(status in (KeyStatus.PENDING.value, KeyStatus.REFUSED.value))
        self.refuse_button.setEnabled(status == KeyStatus.PENDING.value)
        self.revoke_button.setEnabled(status == KeyStatus.ACCEPTED.value)

    # --- decisions --------------------------------------------------------------------------

    @Slot()
    def ask_accept(self) -> AcceptKeyDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = AcceptKeyDialog(row, self)
        dialog.accepted.connect(
            lambda: self.decide(
                row,
                KeyStatus.ACCEPTED,
                evidence=dialog.evidence.text().strip(),
                fingerprint=dialog.fingerprint.text(),
            )
        )
        dialog.open()
        return dialog

    def _ask_reason(self, row: KeyRow, decision: KeyStatus) -> QInputDialog:
        dialog = QInputDialog(self)
        translate_input(dialog)
        refuse = decision is KeyStatus.REFUSED
        dialog.setObjectName("confirm-refuse-key" if refuse else "confirm-revoke-key")
        dialog.setWindowTitle(_("Refuse the key") if refuse else _("Revoke the key"))
        unit = f"{row.declared_code} — {row.roster_name or row.declared_name}"
        dialog.setLabelText(
            (
                _(
                    "Refuse the key {fingerprint} of {unit}?\n"
                    "Packages it signed stay held and are rejected in later imports.\n"
                    "Reason (recorded in the audit log):"
                )
                if refuse
                else _(
                    "Revoke the key {fingerprint} of {unit}?\n"
                    "Nothing it signs will be accepted any more; the unit must enrol a new key.\n"
                    "Reason (recorded in the audit log):"
                )
            ).format(fingerprint=row.key.fingerprint, unit=unit)
        )
        dialog.setOkButtonText(_("Refuse") if refuse else _("Revoke"))
        dialog.textValueSelected.connect(
            lambda reason: self.decide(row, decision, evidence=reason.strip())
        )
        dialog.open()
        return dialog

    @Slot()
    def ask_refuse(self) -> QInputDialog | None:
        row = self.selected()
        return None if row is None else self._ask_reason(row, KeyStatus.REFUSED)

    @Slot()
    def ask_revoke(self) -> QInputDialog | None:
        row = self.selected()
        return None if row is None else self._ask_reason(row, KeyStatus.REVOKED)

    def decide(
        self,
        row: KeyRow,
        decision: KeyStatus,
        *,
        evidence: str = "",
        fingerprint: str | None = None,
    ) -> None:
        from app.exchange import decide_key

        ctx, keyid = self._ctx, row.key.keyid

        def job(_progress: Any, _token: CancelToken) -> Any:
            return decide_key(
                ctx, keyid=keyid, decision=decision, evidence=evidence, fingerprint=fingerprint
            )

        def finished(result: Any) -> None:
            info, released = result
            text = _("Key of {code}: {status}.").format(
                code=row.declared_code, status=key_status_label(info.status)
            )
            if released is not None and released.items:
                text += " " + _("{count} held packages were merged.").format(
                    count=len(released.items)
                )
            self.done.emit(text)
            self.data_changed.emit()
            self.decided.emit(info)
            self.reload()

        self._runner.run(job, finished, self._failed)

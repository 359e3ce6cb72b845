"""The chair's whole path through the real widgets.

First run → import the plan package the federation made → type the
registration with the keyboard → undo/redo → export → the package verifies
and merges at the federation with the typed values → 6-month results →
a returned package shows the federation's comments on the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFileDialog,
    QRadioButton,
)

from app.core import domain
from app.core.context import AppContext
from app.exchange import federation
from app.exchange.key_status import KeyStatus
from app.exchange.keys import list_keys
from app.exchange.merge import import_packages
from app.statements.records import statement_values
from db.enums import REGISTRATION_STREAM, Sector
from tests.gui.typing import type_text
from tests.gui.unit_helpers import make_federation, start_window
from tests.gui.widgets import context_of, find_dialog, standard_button

from ui.unit.fingerprint import FingerprintDialog
from ui.unit.review import ReviewDialog
from ui.unit.statement_rows import Column
from ui.unit.workspace import UnitWorkspace

PLAN = "tuyen-quang-2017"


@pytest.fixture
def federation_side(tmp_path: Path) -> Iterator[tuple[AppContext, Path, str]]:
    ctx, plans, fingerprint = make_federation(tmp_path / "fed")
    yield ctx, plans, fingerprint
    ctx.close()


def type_into_cell(
    qtbot: QtBot, workspace: UnitWorkspace, stream: str, code: str, text: str
) -> None:
    page = workspace.page(stream)
    view, model = page.view, page.model
    index = model.index(model.row_of(code), Column.VALUE)
    view.setFocus()
    view.setCurrentIndex(index)
    QTest.keyClick(view, Qt.Key.Key_F2)
    editor = view.focusWidget()
    editor.selectAll()  # type: ignore[attr-defined]
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits and closes the editor through a queued call.
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=5000)


def export(qtbot: QtBot, workspace: UnitWorkspace, target: Path) -> None:
    with qtbot.waitSignal(workspace.done, timeout=20000):
        workspace.export_action.trigger()
        confirm = find_dialog(qtbot, ReviewDialog, "confirm-export")
        assert isinstance(confirm, ReviewDialog)
        confirm.send_button.click()
        dialog = find_dialog(qtbot, QFileDialog, "save-package")
        assert isinstance(dialog, QFileDialog)
        assert dialog.selectedFiles()[0].endswith(".thidua")
        dialog.selectFile(str(target))
        dialog.accept()


def test_chair_registers_exports_and_sees_the_federation_answer(
    qtbot: QtBot, tmp_path: Path, federation_side: tuple[AppContext, Path, str]
) -> None:
    fed, plans, fed_fingerprint = federation_side
    # First run: a reporting unit.
    window = start_window(qtbot, tmp_path / "unit.db")
    dialog = window.first_run_dialog
    assert dialog is not None
    unit_choice = next(
        b for b in dialog.findChildren(QRadioButton) if b.text().startswith("Đơn vị")
    )
    assert unit_choice.isChecked(), "the unit is the default choice"
    type_text(dialog._name, "Công đoàn Công ty CP Xi măng Tân Quang")
    type_text(dialog._code, "CS-0001")
    ok = standard_button(dialog, QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled(), "a CĐCS chooses its sector"
    dialog._sector.setCurrentIndex(dialog._sector.index_of(Sector.NON_STATE_ENTERPRISE))
    with qtbot.waitSignal(window.plan_shown, timeout=10000):
        ok.click()
    workspace = window.unit_workspace
    assert workspace is not None and workspace.workspace is not None
    before_the_plan = workspace.workspace
    assert not before_the_plan.federation_pinned

    # The federation's plan package, with its fingerprint confirmed.
    with qtbot.waitSignal(workspace.done, timeout=20000):
        workspace.import_file(plans / "CS-0001_plan_2017.thidua")
        ask = find_dialog(qtbot, FingerprintDialog, "confirm-fingerprint")
        assert isinstance(ask, FingerprintDialog)
        # The dialog never shows the fingerprint it asks for: typing it proves something.
        assert fed_fingerprint not in ask.labelText()
        assert fed_fingerprint.replace("-", "") not in ask.labelText().replace("-", "")
        ask.setTextValue(fed_fingerprint)
        ask.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert workspace.workspace.federation_pinned

    # The registration, typed.
    type_into_cell(qtbot, workspace, REGISTRATION_STREAM, "2.1", "25")
    page = workspace.page(REGISTRATION_STREAM)
    assert page.view.currentIndex().row() > page.model.row_of("2.1"), "Enter moved down"
    type_into_cell(qtbot, workspace, REGISTRATION_STREAM, "7.1", "15.000.000")
    type_into_cell(qtbot, workspace, REGISTRATION_STREAM, "2.3", "500/420")
    assert page.model.message_of("2.3") == "The number achieved cannot be larger than the total."
    assert "Số đạt được không được lớn hơn tổng số." in page.message.text()
    type_into_cell(qtbot, workspace, REGISTRATION_STREAM, "2.3", "380/420")
    assert page.model.message_of("2.3") == ""
    index_23 = page.model.index(page.model.row_of("2.3"), Column.VALUE)
    assert page.model.data(index_23) == "380/420 (90,5%)"
    type_text(page.details.signer_name, "Nguyễn Văn Ân")
    page.details.signer_name.editingFinished.emit()

    # Undo and redo across the session, through the shortcuts.
    type_into_cell(qtbot, workspace, REGISTRATION_STREAM, "2.1", "30")
    ctx = context_of(window)
    unit_id = workspace.workspace.unit.id

    def saved(code: str, stream: str = REGISTRATION_STREAM) -> domain.UnitValue:
        with ctx.reading() as session:
            values = statement_values(session, plan_id=PLAN, unit_id=unit_id, stream=stream)
        value = values.get(code)
        assert value is not None, code
        return value

    assert saved("2.1").amount == 30
    window.activateWindow()  # the dialogs above took the focus; a window manager gives it back
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    page.view.setFocus()
    QTest.keyClick(page.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert saved("2.1").amount == 25
    QTest.keyClick(page.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert saved("2.1").amount == 30

    # Export; beside it the key's enrolment (the federation has not confirmed it yet).
    outbox = tmp_path / "usb"
    outbox.mkdir()
    export(qtbot, workspace, outbox / "CS-0001_registration_r1.thidua")
    assert sorted(p.name for p in outbox.iterdir()) == [
        "CS-0001_enrolment.thidua",
        "CS-0001_registration_r1.thidua",
    ]
    assert workspace.workspace.states[REGISTRATION_STREAM].status == "sent"

    # At the federation: pending key, confirmed, then the typed values are merged.
    result = import_packages(fed, paths=[outbox], dry_run=False)
    assert sorted(i.outcome.value for i in result.items) == ["pending_key", "pending_key"]
    with fed.reading() as session:
        [key] = list_keys(session, status="pending")
    assert key.fingerprint == workspace.workspace.key_fingerprint
    federation.decide_key(
        fed, keyid=key.keyid, decision=KeyStatus.ACCEPTED, fingerprint=key.fingerprint
    )
    with fed.reading() as session:
        merged = statement_values(
            session, plan_id=PLAN, unit_id=unit_id, stream=REGISTRATION_STREAM
        )
    assert merged["2.1"].amount == 30
    assert merged["7.1"].amount == 15_000_000
    assert (merged["2.3"].numerator, merged["2.3"].denominator) == (380, 420)

    # Six-month results: registered beside achieved.
    workspace.tabs.setCurrentWidget(workspace.page("h1"))
    type_into_cell(qtbot, workspace, "h1", "2.1", "12")
    h1 = workspace.page("h1").model
    row = h1.row_of("2.1")
    assert h1.data(h1.index(row, Column.REGISTERED)) == "30"
    # Mid-year: progress against the year's commitment, never a verdict on it.
    assert h1.data(h1.index(row, Column.PERCENT)) == "40,0%"
    assert h1.data(h1.index(row, Column.PERCENT), Qt.ItemDataRole.ToolTipRole) == (
        "đạt 40,0% mức đăng ký cả năm"
    )
    assert h1.data(h1.index(row, Column.VERDICT)) == ""
    assert workspace.page("h1").view.isColumnHidden(Column.VERDICT)
    assert not workspace.page("year").view.isColumnHidden(Column.VERDICT)
    heading = h1.headerData(Column.PERCENT, Qt.Orientation.Horizontal)
    assert heading == "% so với đăng\nký cả năm"  # on two lines: the column stays narrow
    type_text(workspace.page("h1").details.signer_name, "Nguyễn Văn Ân")
    workspace.page("h1").details.signer_name.editingFinished.emit()
    export(qtbot, workspace, outbox / "CS-0001_h1_r1.thidua")
    result = import_packages(fed, paths=[outbox / "CS-0001_h1_r1.thidua"], dry_run=False)
    assert [i.outcome.value for i in result.items] == ["new"]

    # The federation returns the registration with a comment on 2.1.
    package_hash = workspace.workspace.states[REGISTRATION_STREAM].last_hash
    assert package_hash is not None
    returned = federation.return_package(
        fed,
        package_hash=package_hash,
        out=tmp_path / "return.thidua",
        general_comment="Đề nghị rà soát",
        comments={"2.1": "Chưa khớp số liệu quý I"},
    )
    with qtbot.waitSignal(workspace.done, timeout=20000):
        workspace.import_file(returned)
    state = workspace.workspace.states[REGISTRATION_STREAM]
    assert state.status == "returned"
    registration = workspace.page(REGISTRATION_STREAM).model
    message = registration.data(registration.index(registration.row_of("2.1"), Column.MESSAGE))
    assert message == "Liên đoàn: Chưa khớp số liệu quý I"
    window.grab().save(str(tmp_path / "unit.png"))

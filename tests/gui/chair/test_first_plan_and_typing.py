"""The first plan package (the fingerprint, and what was typed while practising), and
values read as a chair types them.

The chair's first hour, through the real widgets (the windows are the fixtures of this
folder's conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from app.core import domain
from app.unit.workspace import load_workspace
from db.enums import REGISTRATION_STREAM
from tests.gui.chair.unit_workspace import workspace_of
from tests.gui.typing import type_text
from tests.gui.widgets import context_of
from tests.helpers import PLAN

from ui.shell.main_window import MainWindow

# --- the first plan package: the fingerprint, and what was typed while practising ---------


@pytest.mark.parametrize("keep", [True, False], ids=["keep", "delete"])
def test_the_first_plan_package_asks_the_fingerprint_then_about_practice_values(
    qtbot: QtBot, tmp_path: Path, keep: bool
) -> None:
    """Regressions: the fingerprint dialog showed the very fingerprint it asked for, and
    a mismatch meant choosing the file again; practice values became real without a word."""
    from PySide6.QtWidgets import QMessageBox

    from app.unit.workspace import set_value
    from tests.gui.unit_helpers import make_federation, open_unit_window
    from tests.gui.widgets import find_dialog

    from ui.unit.fingerprint import FingerprintDialog

    fed, plans, fingerprint = make_federation(tmp_path / "fed")
    fed.close()
    window = open_unit_window(qtbot, tmp_path / "unit.db")
    workspace = workspace_of(window)
    ctx = context_of(window)
    set_value(
        ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, code="2.1", value=domain.UnitValue(amount=7)
    )
    workspace.import_file(plans / "CS-0001_plan_2017.thidua")
    ask = find_dialog(qtbot, FingerprintDialog, "confirm-fingerprint")
    assert isinstance(ask, FingerprintDialog)
    assert fingerprint.replace("-", "") not in ask.labelText().replace("-", "")
    wrong = "1111-2222-3333-4444-5555-6666"
    type_text(ask.typed, wrong)
    ask.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert ask.isVisible() and "không phải dấu vân tay" in ask.error.text()
    # The dialog grew to its message: nothing of it cut off (it kept its height before).
    assert ask.height() >= ask.sizeHint().height()
    assert ask.error.height() >= ask.error.heightForWidth(ask.error.width())
    assert ask.typed.text() == wrong, "what was typed stays, to be corrected"
    ask.typed.clear()
    type_text(ask.typed, fingerprint)
    ask.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    box = find_dialog(qtbot, QMessageBox, "practice-values")
    assert isinstance(box, QMessageBox) and "1 " in box.text()
    chosen = next(
        b for b in box.buttons() if b.text() == ("Giữ lại" if keep else "Xóa số liệu thử")
    )
    with qtbot.waitSignal(workspace.done, timeout=20000):
        chosen.click()
    ws = load_workspace(ctx)
    assert ws.federation_pinned
    values = ws.values[REGISTRATION_STREAM]
    assert ("2.1" in values) is keep


# --- typing values ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "typed", "expected", "message"),
    [
        ("7.1", "15 triệu", domain.UnitValue(amount=15_000_000), ""),
        ("7.1", "1,5 tỷ", domain.UnitValue(amount=1_500_000_000), ""),
        ("7.1", "2 tỷ 300 triệu", domain.UnitValue(amount=2_300_000_000), ""),
        ("7.1", "15.000.000 đ", domain.UnitValue(amount=15_000_000), ""),
        ("2.1", "12345678901234567890123", None, "Số quá lớn."),
        ("2.1", "abc", None, "Hãy nhập số nguyên"),
        ("9a.2", "x", domain.UnitValue(flag=True), ""),
        ("9a.2", "có", domain.UnitValue(flag=True), ""),
        ("9a.2", "abc", None, "Hãy chọn Có hoặc Không."),
    ],
)
def test_values_are_read_as_a_chair_types_them(
    unit_window: MainWindow, code: str, typed: str, expected: object, message: str
) -> None:
    """Regressions: "15 triệu" and "1,5 tỷ" were refused; 23 digits said "type a whole
    number"; "x" in a Có/Không cell was silently ignored."""
    from app.core import i18n as i18n_module

    from ui.unit.statement_rows import Column

    workspace = workspace_of(unit_window)
    page = workspace.page(REGISTRATION_STREAM)
    model = page.model
    row = model.row_of(code)
    index = model.index(row, Column.VALUE)
    accepted = model.setData(index, typed)
    if expected is None:
        assert not accepted
        assert i18n_module.gettext(model.message_of(code)).startswith(message)
        assert code not in load_workspace(context_of(unit_window)).values.get(
            REGISTRATION_STREAM, {}
        )
    else:
        assert accepted and model.message_of(code) == ""
        saved = load_workspace(context_of(unit_window)).values[REGISTRATION_STREAM][code]
        assert saved == expected


def test_delete_clears_a_value_and_yes_no_has_no_percent_unit(
    qtbot: QtBot, unit_window: MainWindow
) -> None:
    from PySide6.QtCore import Qt

    from ui.unit.statement_rows import Column

    workspace = workspace_of(unit_window)
    page = workspace.page(REGISTRATION_STREAM)
    model, view = page.model, page.view
    assert model.setData(model.index(model.row_of("2.1"), Column.VALUE), "25")
    view.setFocus()
    view.setCurrentIndex(model.index(model.row_of("2.1"), Column.VALUE))
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert "2.1" not in load_workspace(context_of(unit_window)).values.get(REGISTRATION_STREAM, {})
    workspace.undo_action.trigger()
    assert load_workspace(context_of(unit_window)).values[REGISTRATION_STREAM]["2.1"].amount == 25
    # Regression: grade and yes/no indicators showed "%" as the unit's unit of measure.
    assert model.index(model.row_of("9a.2"), Column.UNIT).data() == "Có/Không"
    assert model.index(model.row_of("4"), Column.UNIT).data() == "Xếp loại"

"""An Excel round trip that loses nothing, undo that stays on its tab, and an unexpected
failure that leaves a report to carry away and an application that still works.

The chair's first hour, through the real widgets (the windows are the fixtures of this
folder's conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QDialogButtonBox

from app.core import domain
from app.core.crashlog import log_dir
from app.statements.records import statement_values
from app.unit.workspace import load_workspace, set_details
from db.enums import REGISTRATION_STREAM
from tests.digest import file_digest
from tests.gui.chair.unit_workspace import DETAILS, edit, workspace_of
from tests.gui.widgets import cell, context_of
from tests.helpers import PLAN

from ui.shell.main_window import MainWindow
from ui.unit.import_preview import ImportPreviewDialog, PreviewColumn
from ui.widgets import errors

# --- the unit's workspace ----------------------------------------------------------------------


def test_an_excel_round_trip_keeps_movements_titles_and_works(
    qtbot: QtBot, tmp_path: Path, unit_window: MainWindow
) -> None:
    """Regression: "Nhập từ Excel" with a correct workbook wiped the ticked movements,
    the titles and the works (the template does not carry them) and cleared undo.
    Now it shows old → new first, changes only what the workbook holds, and undoes."""
    workspace = workspace_of(unit_window)
    ctx = context_of(unit_window)
    set_details(ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, details=DETAILS)
    from app.unit.workspace import set_value

    set_value(
        ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, code="2.1", value=domain.UnitValue(amount=25)
    )
    set_value(
        ctx,
        plan_id=PLAN,
        stream=REGISTRATION_STREAM,
        code="2.3",
        value=domain.UnitValue(numerator=380, denominator=420, note="theo sổ đoàn viên"),
    )
    workspace.reload()
    template = tmp_path / "dang-ky.xlsx"
    with qtbot.waitSignal(workspace.done, timeout=20000):
        workspace._write_template(template, REGISTRATION_STREAM)
    book = load_workbook(template)
    sheet = book.worksheets[0]
    rows = {sheet.cell(r, 1).value: r for r in range(5, sheet.max_row + 1)}
    sheet.cell(rows["2.1"], 5).value = 40  # changed
    sheet.cell(rows["7.1"], 5).value = 15_000_000  # new
    sheet.cell(rows["2.3"], 11).value = None  # an emptied note keeps what is saved
    book.save(template)
    before = file_digest(tmp_path / "unit.db")

    workspace.fill_file(template)
    qtbot.waitUntil(
        lambda: (
            isinstance(workspace.preview_dialog, ImportPreviewDialog)
            and workspace.preview_dialog.isVisible()
        ),
        timeout=20000,
    )
    dialog = workspace.preview_dialog
    assert dialog is not None
    table = dialog.table
    shown = {
        cell(table, r, PreviewColumn.CODE).text(): (
            cell(table, r, PreviewColumn.OLD).text(),
            cell(table, r, PreviewColumn.NEW).text(),
        )
        for r in range(table.rowCount())
    }
    assert shown == {"2.1": ("25", "40"), "7.1": ("—", "15.000.000\u00a0đ")}
    # Cancel changes nothing at all.
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert file_digest(tmp_path / "unit.db") == before

    workspace.fill_file(template)
    qtbot.waitUntil(lambda: workspace.preview_dialog is not dialog, timeout=20000)
    preview = workspace.preview_dialog
    assert preview is not None
    with qtbot.waitSignal(workspace.done, timeout=20000) as done:
        preview.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert "2" in done.args[0]
    ws = load_workspace(ctx)
    values = ws.values[REGISTRATION_STREAM]
    assert values["2.1"].amount == 40 and values["7.1"].amount == 15_000_000
    assert values["2.3"].note == "theo sổ đoàn viên"
    details = ws.details[REGISTRATION_STREAM]
    assert details.movements == DETAILS.movements
    assert details.titles == DETAILS.titles
    assert details.works == DETAILS.works
    assert details.signer_name == DETAILS.signer_name

    # One step of the tab's undo takes the whole import back, and redo again.
    page = workspace.page(REGISTRATION_STREAM)
    assert "Excel" in workspace.undo_action.text()
    workspace.undo_action.trigger()
    with ctx.reading() as session:
        saved = statement_values(
            session, plan_id=PLAN, unit_id=ws.unit.id, stream=REGISTRATION_STREAM
        )
    assert saved["2.1"].amount == 25 and "7.1" not in saved
    assert page.model.value_of("2.1").amount == 25  # type: ignore[union-attr]
    workspace.redo_action.trigger()
    with ctx.reading() as session:
        saved = statement_values(
            session, plan_id=PLAN, unit_id=ws.unit.id, stream=REGISTRATION_STREAM
        )
    assert saved["2.1"].amount == 40 and saved["7.1"].amount == 15_000_000
    assert load_workspace(ctx).details[REGISTRATION_STREAM].titles == DETAILS.titles


def test_undo_stays_on_its_tab(qtbot: QtBot, unit_window: MainWindow) -> None:
    """Regression: Ctrl+Z on the registration tab undid an edit on the 6-month tab."""
    workspace = workspace_of(unit_window)
    ctx = context_of(unit_window)
    registration, h1 = workspace.page(REGISTRATION_STREAM), workspace.page("h1")
    workspace.tabs.setCurrentWidget(registration)
    edit(registration.model, "2.1", "25")
    workspace.tabs.setCurrentWidget(h1)
    edit(h1.model, "2.1", "12")
    workspace.tabs.setCurrentWidget(registration)
    assert workspace.undo_action.text() == "Hoàn tác: sửa chỉ tiêu 2.1"
    workspace.undo_action.trigger()
    unit_id = workspace.workspace.unit.id  # type: ignore[union-attr]
    with ctx.reading() as session:
        reg = statement_values(session, plan_id=PLAN, unit_id=unit_id, stream=REGISTRATION_STREAM)
        half = statement_values(session, plan_id=PLAN, unit_id=unit_id, stream="h1")
    assert "2.1" not in reg, "the registration's own edit was undone"
    assert half["2.1"].amount == 12, "the 6-month edit is untouched"
    assert not workspace.undo_action.isEnabled()
    workspace.tabs.setCurrentWidget(h1)
    assert workspace.undo_action.isEnabled()
    workspace.tabs.setCurrentIndex(workspace.tabs.count() - 1)  # the sending tab
    assert not workspace.undo_action.isEnabled() and not workspace.redo_action.isEnabled()


# --- an unexpected failure --------------------------------------------------------------------


def test_an_unexpected_failure_is_logged_reported_and_can_be_tried_again(
    qtbot: QtBot, tmp_path: Path, unit_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in a step (injected here) shows the crash dialog in Vietnamese with "Lưu
    báo cáo lỗi", writes the traceback to the log, and the step works when tried again."""
    workspace = workspace_of(unit_window)
    from app import unit as unit_service

    real = unit_service.write_template

    def broken(*args: object, **kwargs: object) -> Path:
        raise RuntimeError("injected failure in write_template")

    monkeypatch.setattr(unit_service, "write_template", broken)
    template = tmp_path / "mau.xlsx"
    with qtbot.waitSignal(workspace.failed, timeout=20000):
        workspace._write_template(template, REGISTRATION_STREAM)
    qtbot.waitUntil(lambda: bool(errors.open_dialogs), timeout=10000)
    dialog = errors.open_dialogs[-1]
    assert dialog.isVisible()
    assert "không mong muốn" in dialog._text.text() and "thử lại" in dialog._text.text()
    assert dialog.save_button.text() == "Lưu báo cáo lỗi…"
    log = (log_dir() / "thidua.log").read_text(encoding="utf-8")
    assert "injected failure in write_template" in log and "Traceback" in log
    assert dialog.incident.reference in log
    report = dialog.save_to(tmp_path / "bao-cao-loi.txt")
    assert report is not None
    text = report.read_text(encoding="utf-8")
    assert dialog.incident.reference in text and "RuntimeError" in text and "version:" in text
    assert "Đã lưu báo cáo lỗi" in dialog._saved_label.text()
    dialog.reject()

    # The application is still usable: the same step, tried again, works.
    monkeypatch.setattr(unit_service, "write_template", real)
    with qtbot.waitSignal(workspace.done, timeout=20000):
        workspace._write_template(template, REGISTRATION_STREAM)
    assert template.is_file()


def test_an_uncaught_exception_goes_to_the_log_and_the_dialog(
    qtbot: QtBot, tmp_path: Path, unit_window: MainWindow
) -> None:
    """sys.excepthook (what a slot's exception reaches) shows the same dialog."""
    import sys

    try:
        raise ValueError("an uncaught slot error")
    except ValueError as error:
        errors._excepthook(type(error), error, error.__traceback__)
    del sys
    qtbot.waitUntil(lambda: bool(errors.open_dialogs), timeout=10000)
    dialog = errors.open_dialogs[-1]
    assert "an uncaught slot error" in dialog.incident.summary
    dialog.reject()
    log = (log_dir() / "thidua.log").read_text(encoding="utf-8")
    assert "an uncaught slot error" in log

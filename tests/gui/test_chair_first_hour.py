"""The chair's first hour, through the real widgets: every first-run choice, an Excel
round trip that loses nothing, undo that stays on its tab, and an unexpected failure
that leaves a report to carry away and an application that still works."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from app.core import domain
from app.core.context import AppContext
from app.core.crashlog import log_dir
from app.statements.records import statement_values
from app.unit.workspace import StatementDetails, load_workspace, set_details
from db.enums import REGISTRATION_STREAM, Role, Sector, UnitKind
from tests.digest import file_digest
from tests.gui.typing import type_text
from tests.gui.unit_helpers import open_unit_window, start_window
from tests.gui.widgets import cell, context_of, standard_button
from tests.helpers import PLAN

from ui.shell.main_window import MainWindow
from ui.unit.import_preview import ImportPreviewDialog, PreviewColumn
from ui.unit.workspace import UnitWorkspace
from ui.widgets import errors

CHOICES = [
    pytest.param(
        Role.UNIT, kind, sector, id=f"unit-{kind.value}-{sector.value if sector else 'none'}"
    )
    for kind in (UnitKind.GRASSROOTS, UnitKind.UPPER)
    for sector in (None, *Sector)
] + [pytest.param(Role.FEDERATION, None, None, id="federation")]


@pytest.mark.parametrize(("role", "kind", "sector"), CHOICES)
def test_first_run_with_any_choice_of_every_list_does_not_crash(
    qtbot: QtBot, tmp_path: Path, role: Role, kind: UnitKind | None, sector: Sector | None
) -> None:
    """Regression: choosing any "Khu vực" crashed with "'str' object has no attribute
    'value'" and left an empty window. Every kind and sector of the welcome dialog."""
    window = start_window(qtbot, tmp_path / "new.db")
    dialog = window.first_run_dialog
    assert dialog is not None
    if role is Role.FEDERATION:
        dialog._federation.click()
        type_text(dialog._name, "LĐLĐ tỉnh Tuyên Quang")
    else:
        type_text(dialog._name, "Công đoàn Công ty CP Xi măng Tân Quang")
        type_text(dialog._code, "CS-0001")
        assert kind is not None
        dialog._kind.setCurrentIndex(dialog._kind.index_of(kind))
        dialog._sector.setCurrentIndex(dialog._sector.index_of(sector))
        assert (dialog.choice().kind, dialog.choice().sector) == (kind, sector)
        if kind is UnitKind.GRASSROOTS and sector is None:
            # A CĐCS must say its sector (it decides its indicators): asked, not defaulted.
            ok = standard_button(dialog, QDialogButtonBox.StandardButton.Ok)
            assert not ok.isEnabled()
            assert dialog._error.text() == "Hãy chọn khu vực của công đoàn cơ sở."
            assert dialog._sector.currentText() == "(chọn khu vực)"
            return
    failures: list[str] = []
    window.failed.connect(failures.append)
    with qtbot.waitSignal(window.plan_shown, timeout=15000):
        standard_button(dialog, QDialogButtonBox.StandardButton.Ok).click()
    assert failures == []
    assert window._installation is not None
    assert window._installation.role is role
    if role is Role.UNIT:
        assert window.unit_workspace is not None
        unit = window.unit_workspace.workspace.unit  # type: ignore[union-attr]
        assert (unit.kind, unit.sector) == (kind, sector)


def test_a_failed_set_up_asks_again_with_what_was_typed(qtbot: QtBot, tmp_path: Path) -> None:
    """Setting up refused (a code already used): the welcome dialog comes back filled in."""
    window = start_window(qtbot, tmp_path / "new.db")
    dialog = window.first_run_dialog
    assert dialog is not None
    # A unit with the same code exists already (as if a half-finished earlier run).
    from db import models

    with context_of(window).unit_of_work() as session:
        session.add(models.Unit(code="CS-0001", name="Đơn vị khác", kind=UnitKind.GRASSROOTS))
    dialog._name.setText("Công đoàn Công ty CP Xi măng Tân Quang")
    type_text(dialog._code, "CS-0001")
    dialog._sector.setCurrentIndex(dialog._sector.index_of(Sector.ADMINISTRATIVE))
    with qtbot.waitSignal(window.failed, timeout=10000) as failed:
        standard_button(dialog, QDialogButtonBox.StandardButton.Ok).click()
    assert "CS-0001" in failed.args[0]
    qtbot.waitUntil(
        lambda: window.first_run_dialog is not None and window.first_run_dialog.isVisible(),
        timeout=10000,
    )
    again = window.first_run_dialog
    assert again is not None and again is not dialog
    assert again._name.text() == "Công đoàn Công ty CP Xi măng Tân Quang"
    assert again._code.text() == "CS-0001"
    assert "CS-0001" in again._error.text()
    again._code.clear()
    type_text(again._code, "CS-0002")
    with qtbot.waitSignal(window.plan_shown, timeout=15000):
        standard_button(again, QDialogButtonBox.StandardButton.Ok).click()
    assert window.unit_workspace is not None


# --- the unit's workspace ----------------------------------------------------------------------


@pytest.fixture
def unit_window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    return open_unit_window(qtbot, tmp_path / "unit.db")


def workspace_of(window: MainWindow) -> UnitWorkspace:
    assert window.unit_workspace is not None
    return window.unit_workspace


DETAILS = StatementDetails(
    signer_name="Nguyễn Văn Ân",
    signer_title="Chủ tịch",
    place="Tuyên Quang",
    movements=("LDG-DN", "XSD"),
    titles=(
        (True, "", "", "Cờ thi đua của LĐLĐ tỉnh"),
        (False, "Trần Thị Bình", "Tổ trưởng sản xuất", "Lao động giỏi"),
    ),
    works=(("Sửa chữa nhà văn hóa công nhân", "Đại hội CĐCS nhiệm kỳ 2017-2022"),),
)


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


def edit(model: object, code: str, text: str) -> None:
    """Type ``text`` into the value cell of ``code`` as the delegate does."""
    from ui.unit.statement_rows import Column

    index = model.index(model.row_of(code), Column.VALUE)  # type: ignore[attr-defined]
    assert model.setData(index, text)  # type: ignore[attr-defined]


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


# --- before sending, and what the report says in words -------------------------------------------


@pytest.fixture
def pinned_window(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[MainWindow, AppContext]]:
    from tests.gui.unit_helpers import import_plan, make_federation, open_unit_window

    fed, plans, fingerprint = make_federation(tmp_path / "fed")
    window = open_unit_window(qtbot, tmp_path / "unit.db")
    import_plan(qtbot, workspace_of(window), plans / "CS-0001_plan_2017.thidua", fingerprint)
    yield window, fed
    fed.close()


def test_the_review_before_sending_warns_but_never_blocks(
    qtbot: QtBot, tmp_path: Path, pinned_window: tuple[MainWindow, AppContext]
) -> None:
    from tests.gui.test_unit_workflow import export
    from tests.gui.widgets import find_dialog

    from ui.unit.review import ReviewDialog

    window, _fed = pinned_window
    workspace = workspace_of(window)
    ctx = context_of(window)
    from app.unit.workspace import set_value

    def put(code: str, value: domain.UnitValue) -> None:
        set_value(ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, code=code, value=value)

    put("2.1", domain.UnitValue(amount=25))
    put("2.3", domain.UnitValue(numerator=70, denominator=100))  # below "trên 85%"
    put("7.1", domain.UnitValue(amount=200_000_000_000))  # 200 tỷ: an extra zero or three
    set_details(ctx, plan_id=PLAN, stream=REGISTRATION_STREAM, details=DETAILS)
    workspace.reload()
    workspace.export_action.trigger()
    review = find_dialog(qtbot, ReviewDialog, "confirm-export")
    assert isinstance(review, ReviewDialog)
    assert "chưa nhập" in review.empty_label.text()
    # Each empty indicator is named, not only coded.
    assert "• 9b " in review.empty_label.text() or "• 8 " in review.empty_label.text()
    warnings = review.warnings_label.text()
    assert "2.3: mức đăng ký 70/100 (70,0%) thấp hơn chỉ tiêu (trên 85%)" in warnings
    assert "7.1: 200.000.000.000\u00a0đ lớn bất thường" in warnings
    assert review.send_button.isEnabled(), "a warning never blocks"
    review.reject()

    usb = tmp_path / "usb"
    usb.mkdir()
    export(qtbot, workspace, usb / "CS-0001_registration_r1.thidua")
    put("2.1", domain.UnitValue(amount=30))
    workspace.reload()
    workspace.export_action.trigger()
    again = find_dialog(qtbot, ReviewDialog, "confirm-export")
    assert isinstance(again, ReviewDialog) and again is not review
    rows = {
        cell(again.changes, r, 0).text(): (
            cell(again.changes, r, 1).text(),
            cell(again.changes, r, 2).text(),
        )
        for r in range(again.changes.rowCount())
    }
    assert rows == {"2.1": ("25", "30")}
    again.reject()


def test_a_period_report_carries_its_narrative_to_the_federation_and_onto_paper(
    qtbot: QtBot, tmp_path: Path, pinned_window: tuple[MainWindow, AppContext]
) -> None:
    from app.exchange.merge import import_packages
    from app.printing.documents import print_results_report
    from app.unit.workspace import set_value
    from tests.gui.test_unit_workflow import export
    from tests.one_truth import pdf_text

    window, fed = pinned_window
    workspace = workspace_of(window)
    ctx = context_of(window)
    set_value(ctx, plan_id=PLAN, stream="h1", code="2.1", value=domain.UnitValue(amount=12))
    workspace.reload()
    page = workspace.page("h1")
    workspace.tabs.setCurrentWidget(page)
    details = page.details
    assert details._narrative_box.isVisibleTo(page)
    assert not workspace.page(REGISTRATION_STREAM).details._narrative_box.isVisibleTo(
        workspace.page(REGISTRATION_STREAM)
    )
    type_text(details.signer_name, "Nguyễn Văn Ân")
    details.signer_name.editingFinished.emit()
    details.assessment.setPlainText("Phong trào thi đua được triển khai sâu rộng.")
    details.shortcomings.setPlainText("Một số chỉ tiêu còn chậm.")
    details.direction.setPlainText("Tập trung phát triển đoàn viên quý III.")
    details.flush()
    saved = load_workspace(ctx).details["h1"].narrative
    assert saved.shortcomings == "Một số chỉ tiêu còn chậm."
    usb = tmp_path / "usb"
    usb.mkdir()
    export(qtbot, workspace, usb / "CS-0001_h1_r1.thidua")
    import_packages(fed, paths=[usb], dry_run=False)  # the key is pending: held
    from app.exchange import federation
    from app.exchange.key_status import KeyStatus
    from app.exchange.keys import list_keys

    with fed.reading() as session:
        [key] = list_keys(session, status="pending")
    federation.decide_key(
        fed, keyid=key.keyid, decision=KeyStatus.ACCEPTED, fingerprint=key.fingerprint
    )
    pdf = print_results_report(
        fed, plan_id=PLAN, period="h1", unit="CS-0001", out=tmp_path / "kq.pdf"
    )
    text = pdf_text(pdf)
    assert "II. ĐÁNH GIÁ CHUNG Phong trào thi đua được triển khai sâu rộng." in text
    assert "III. TỒN TẠI, HẠN CHẾ Một số chỉ tiêu còn chậm." in text
    assert (
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI Tập trung phát triển đoàn viên quý III." in text
    )
    assert "./." in text


def test_titles_are_picked_from_the_plans_list_or_typed(unit_window: MainWindow) -> None:
    workspace = workspace_of(unit_window)
    details = workspace.page(REGISTRATION_STREAM).details
    assert "Cờ thi đua của LĐLĐ tỉnh Tuyên Quang" in details.collective_titles.choices
    assert "Bằng Lao động sáng tạo của Tổng Liên đoàn Lao động Việt Nam" in (
        details.individual_titles.choices
    )
    assert "Bằng Lao động sáng tạo của Tổng Liên đoàn Lao động Việt Nam" not in (
        details.collective_titles.choices
    )


def test_typing_at_once_into_a_clicked_cell_keeps_the_first_character(
    qtbot: QtBot, unit_window: MainWindow
) -> None:
    """After Enter the next cell is selected; clicking it and typing within the
    double-click interval lost the first character ("30" became "0"): the delayed
    click-to-edit reopened the editor over what was typed."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QLineEdit

    from ui.unit.statement_rows import Column

    page = workspace_of(unit_window).page(REGISTRATION_STREAM)
    model, view = page.model, page.view
    index = model.index(model.row_of("2.1"), Column.VALUE)
    view.setFocus()
    view.setCurrentIndex(index)  # selected, as Enter leaves the next row
    centre = view.visualRect(index).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    QTest.keyClicks(view, "3")

    def editor() -> QLineEdit:
        [open_editor] = [w for w in view.findChildren(QLineEdit) if w.isVisible()]
        return open_editor

    def editor_open() -> bool:
        return any(w.isVisible() for w in view.findChildren(QLineEdit))

    QTest.keyClicks(editor(), "0")
    qtbot.wait(QApplication.doubleClickInterval() + 200)  # the delayed edit would fire here
    assert editor().text() == "30"
    QTest.keyClick(editor(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor_open(), timeout=5000)  # Qt commits on a queued call
    assert load_workspace(context_of(unit_window)).values[REGISTRATION_STREAM]["2.1"].amount == 30


def test_a_results_tab_shows_what_was_just_registered(unit_window: MainWindow) -> None:
    """The 6-month tab's "registered" column stayed empty for this session's registration
    until the window was reloaded."""
    from ui.unit.statement_rows import Column

    workspace = workspace_of(unit_window)
    registration = workspace.page(REGISTRATION_STREAM).model
    results = workspace.page("h1").model
    row = results.row_of("2.1")
    assert results.index(row, Column.REGISTERED).data() in (None, "")
    assert registration.setData(registration.index(registration.row_of("2.1"), Column.VALUE), "40")
    assert results.index(row, Column.REGISTERED).data() == "40"
    assert results.setData(results.index(row, Column.VALUE), "20")
    assert results.index(row, Column.PERCENT).data() == "50,0%"
    workspace.page(REGISTRATION_STREAM).undo_stack.undo()
    assert results.index(row, Column.REGISTERED).data() in (None, "")


def test_the_signing_date_can_be_typed_and_the_calendar_opens_on_the_plan_year(
    qtbot: QtBot, unit_window: MainWindow
) -> None:
    """Typing 15012017 over "chưa ghi ngày" gave "chưa ghi ngày15012017" and was lost;
    the calendar opened on January 2000 with English month names."""
    from PySide6.QtCore import QDate, QLocale, Qt
    from PySide6.QtGui import QShowEvent
    from PySide6.QtWidgets import QApplication

    from ui.unit.details import NOT_DATED, SigningDateEdit
    from ui.widgets.qt_translations import install_qt_translations

    page = workspace_of(unit_window).page(REGISTRATION_STREAM)
    date_edit = page.details.signed_on
    assert date_edit.date() == NOT_DATED
    QTest.keyClicks(date_edit, "15012017")
    assert date_edit.date() == QDate(2017, 1, 15)
    # A date already set is corrected by typing a new one, after a click anywhere in it.
    QTest.mouseClick(date_edit.lineEdit(), Qt.MouseButton.LeftButton)
    date_edit.lineEdit().setCursorPosition(7)  # inside the year
    QTest.keyClicks(date_edit, "20022017")
    assert date_edit.date() == QDate(2017, 2, 20)

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    install_qt_translations(app, "vi")
    try:
        fresh = SigningDateEdit()
        qtbot.addWidget(fresh)
        fresh.year = 2017
        calendar = fresh.calendarWidget()
        QApplication.sendEvent(calendar.window(), QShowEvent())  # the popup opens
        assert (calendar.yearShown(), fresh.date()) == (2017, NOT_DATED)
        assert calendar.locale().language() is QLocale.Language.Vietnamese
        assert calendar.locale().standaloneMonthName(1).lower().startswith("tháng")
    finally:
        install_qt_translations(app, "en")


def test_a_value_not_yet_valid_survives_a_reload(unit_window: MainWindow) -> None:
    """A red entry vanished without a word when the workspace reloaded (a plan import)."""
    from ui.unit.statement_rows import Column

    workspace = workspace_of(unit_window)
    model = workspace.page(REGISTRATION_STREAM).model
    row = model.row_of("2.3")
    assert not model.setData(model.index(row, Column.VALUE), "100%")
    message = model.message_of("2.3")
    assert message
    workspace.reload()
    model = workspace.page(REGISTRATION_STREAM).model
    assert model.index(model.row_of("2.3"), Column.VALUE).data() == "100%"
    assert model.message_of("2.3") == message


def test_files_are_named_after_the_unit_and_the_form_in_vietnamese(
    unit_window: MainWindow,
) -> None:
    """Default names were "registration.pdf" and "CS-0001_registration.xlsx"."""
    from app.core.format import file_slug

    workspace = workspace_of(unit_window)
    assert workspace._file_stem(REGISTRATION_STREAM) == "CS-0001_dang-ky-thi-dua-2017"
    assert workspace._file_stem("h1") == "CS-0001_ket-qua-6-thang-dau-nam-2017"
    assert file_slug("Đ/ư\\ờ:n*g? <1>|") == "d-u-o-n-g-1"


def test_the_indicator_column_stays_readable_and_columns_grow_with_the_text(
    qtbot: QtBot, unit_window: MainWindow
) -> None:
    """On 1366×768 the 6-month tab left the indicator column ~30 px ("hi tiê"), one word
    a line; Ctrl++ cut the other columns' contents instead of widening them."""
    from ui.unit.statement_rows import Column
    from ui.unit.statement_table import StatementView
    from ui.widgets.fonts import apply_font_scale

    unit_window.resize(1366, 728)
    workspace = workspace_of(unit_window)
    workspace.tabs.setCurrentWidget(workspace.page("h1"))
    view = workspace.page("h1").view
    qtbot.waitUntil(lambda: view.viewport().width() > 0)
    view.fit_title()
    character = view.fontMetrics().averageCharWidth()
    assert view.columnWidth(Column.TITLE) >= StatementView.TITLE_MINIMUM * character
    value_before = view.columnWidth(Column.VALUE)
    try:
        apply_font_scale(1.5)
        qtbot.waitUntil(lambda: view.columnWidth(Column.VALUE) > value_before, timeout=5000)
        character = view.fontMetrics().averageCharWidth()
        assert view.columnWidth(Column.TITLE) >= StatementView.TITLE_MINIMUM * character
        # The details panel widens with the text instead of being cut at its right edge.
        page = workspace.page("h1")
        qtbot.waitUntil(
            lambda: (
                page.details_scroll.viewport().width() >= page.details.minimumSizeHint().width()
            ),
            timeout=5000,
        )
    finally:
        apply_font_scale(1.0)


def test_text_size_goes_back_to_normal(unit_window: MainWindow) -> None:
    from PySide6.QtWidgets import QApplication

    normal = QApplication.font().pointSizeF()
    try:
        unit_window._zoom_in.trigger()
        unit_window._zoom_in.trigger()
        assert QApplication.font().pointSizeF() > normal
        assert unit_window._zoom_reset.text() == "Cỡ chữ bình thường"
        unit_window._zoom_reset.trigger()
        assert QApplication.font().pointSizeF() == normal
        assert unit_window._preferences.font_scale == 1.0
    finally:
        from ui.widgets.fonts import apply_font_scale

        apply_font_scale(1.0)

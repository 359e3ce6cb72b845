"""Reminder letters (công văn đôn đốc) from the dashboard: the dialog driven over each
report, one letter per upper-level union or per unit, PDF and/or Excel, one PDF or
one per letter; the letters read back with pdftotext name the units the core says
are late; nothing to remind, a folder that cannot be written and Cancel write nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from app.core.context import open_context
from app.rollup import ReminderRequest, Reminders, Scope, read_reminders
from tests.gui.history_province import AS_OF, PLAN, Province, build, open_window
from tests.helpers import GoldenProvince, golden_province

from ui.federation.reminder_dialog import ReminderDialog, ReminderOutput
from ui.federation.workspace import FederationWorkspace

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> GoldenProvince:
    return golden_province(tmp_path_factory, "gui-reminders", units=6, seed=17, streams=())


@pytest.fixture
def province(
    golden: GoldenProvince, fresh_copy: Callable[[Path, Path], str], tmp_path: Path
) -> Province:
    return build(golden, fresh_copy(golden.database, golden.keys), tmp_path / "files")


def pdf_text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(result.stdout.split())


def core_reminders(database: str, stream: str, per_unit: bool, scope: Scope) -> Reminders:
    ctx = open_context(database)
    try:
        request = ReminderRequest(PLAN, stream, scope=scope, as_of=AS_OF, per_unit=per_unit)
        return read_reminders(ctx, request)
    finally:
        ctx.close()


def open_dialog(
    qtbot: QtBot, workspace: FederationWorkspace, folder: Path, stream: str = ""
) -> ReminderDialog:
    page = workspace.dashboard
    with qtbot.waitSignal(page.reminders_shown, timeout=5000) as shown:
        if stream:
            page.ask_reminders(stream)
        else:
            QTest.mouseClick(page.missing.remind_button, Qt.MouseButton.LeftButton)
    dialog = shown.args[0]
    assert isinstance(dialog, ReminderDialog)
    dialog.folder.setText(str(folder))
    return dialog


def write(qtbot: QtBot, dialog: ReminderDialog) -> ReminderOutput:
    with qtbot.waitSignal(dialog.written, timeout=60000) as done:
        QTest.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    output = done.args[0]
    assert isinstance(output, ReminderOutput)
    return output


def close_previews(dialog: ReminderDialog, shown: int = 1) -> None:
    from ui.widgets.pdf_preview import PdfPreviewDialog

    previews = dialog.findChildren(PdfPreviewDialog)
    assert len(previews) == shown  # one PDF written: shown in the preview
    for preview in previews:
        preview.close()


@pytest.mark.parametrize("per_unit", [False, True], ids=["per-union", "per-unit"])
@pytest.mark.parametrize("stream", ["registration", "h1", "year"])
def test_each_report_per_union_or_per_unit_names_the_late_units(
    qtbot: QtBot, province: Province, tmp_path: Path, stream: str, per_unit: bool
) -> None:
    window, workspace = open_window(qtbot, province.database)
    out = tmp_path / "out"
    out.mkdir()
    dialog = open_dialog(qtbot, workspace, out)
    # The dashboard's scope and day by default; a week to reply.
    assert dialog.scope.currentText() == "Toàn tỉnh"
    assert dialog.as_of.date() == QDate(2017, 7, 20)
    assert dialog.reply_by.date() == QDate(2017, 7, 27)
    dialog.stream.setCurrentIndex(dialog.stream.findData(stream))
    dialog.per_unit.setCurrentIndex(dialog.per_unit.findData(per_unit))
    output = write(qtbot, dialog)
    close_previews(dialog)
    expected = core_reminders(province.database, stream, per_unit, Scope())
    assert expected.letters
    (pdf,) = output.letters
    assert pdf == out / f"don-doc-{stream}.pdf"
    text = pdf_text(pdf)
    assert text.count("Kính gửi:") == len(expected.letters) == output.count
    for letter in expected.letters:
        assert letter.recipient.name in text
        for late in letter.units:
            assert late.unit.code in text
    assert "chậm nhất ngày 27/07/2017./." in text
    if stream == "h1":
        assert "CS-00001" not in text  # sent on time
    if per_unit:
        assert all(not letter.for_area for letter in expected.letters)
    assert output.workbook == out / f"danh-sach-don-doc-{stream}.xlsx"
    sheet = load_workbook(output.workbook).active
    assert sheet is not None
    listed = {row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert listed == {late.unit.code for _letter, late in expected.units}
    assert dialog.status.text().startswith(f"Đã ghi {output.count} công văn đôn đốc về")
    dialog.close()
    window.close()


@pytest.mark.parametrize("single", [True, False], ids=["one-pdf", "pdf-per-letter"])
@pytest.mark.parametrize("choice", [0, 1, 2], ids=["pdf-and-xlsx", "pdf", "xlsx"])
def test_each_output_and_scope(
    qtbot: QtBot, province: Province, tmp_path: Path, choice: int, single: bool
) -> None:
    window, workspace = open_window(qtbot, province.database)
    out = tmp_path / "out"
    out.mkdir()
    dialog = open_dialog(qtbot, workspace, out, stream="h1")
    assert dialog.stream.currentData() == "h1"
    dialog.outputs.setCurrentIndex(choice)
    letters, workbook = ((True, True), (True, False), (False, True))[choice]
    assert dialog.files.isEnabled() is letters
    dialog.files.setCurrentIndex(dialog.files.findData(single))
    if single:  # one PDF over CT-001's area; one per letter over the province (two)
        under = next(i for i in range(dialog.scope.count()) if "CT-001" in dialog.scope.itemText(i))
        dialog.scope.setCurrentIndex(under)
    output = write(qtbot, dialog)
    close_previews(dialog, 1 if letters and single else 0)
    expected = core_reminders(province.database, "h1", False, dialog.request().scope)
    codes = {late.unit.code for _letter, late in expected.units}
    assert ("CS-00005" in codes) is not single
    assert len(expected.letters) == (1 if single else 2)
    written = sorted(p.name for p in out.iterdir())
    names = []
    if letters:
        names += (
            ["don-doc-h1.pdf"]
            if single
            else [f"{x.recipient.code}_don-doc-h1.pdf" for x in expected.letters]
        )
        text = " ".join(pdf_text(p) for p in output.letters)
        assert all(code in text for code in codes)
        assert ("CS-00005" in text) is not single
    if workbook:
        names.append("danh-sach-don-doc-h1.xlsx")
    assert written == sorted(names)
    assert (output.workbook is not None) is workbook
    dialog.close()
    window.close()


def test_nothing_to_remind_and_a_folder_that_cannot_be_written_write_nothing(
    qtbot: QtBot, province: Province, tmp_path: Path
) -> None:
    window, workspace = open_window(qtbot, province.database)
    out = tmp_path / "out"
    out.mkdir()
    dialog = open_dialog(qtbot, workspace, out, stream="h1")
    # Counted to a day before any deadline: late units there are none.
    dialog.as_of.setDate(QDate(2017, 6, 1))
    with qtbot.waitSignal(dialog.refused, timeout=60000) as refused:
        QTest.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    assert "chưa đến hạn" in refused.args[0] or "Không có đơn vị" in refused.args[0]
    assert dialog.status.text() == refused.args[0]
    assert list(out.iterdir()) == []
    close_warnings(dialog)
    dialog.as_of.setDate(QDate(2017, 7, 20))
    # A folder that does not exist, then one that cannot be written to.
    dialog.folder.setText(str(tmp_path / "missing"))
    with qtbot.waitSignal(dialog.refused, timeout=5000) as refused:
        QTest.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    assert refused.args[0].startswith("Thư mục") and "không tồn tại" in refused.args[0]
    close_warnings(dialog)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.access(locked, os.W_OK):  # root writes anywhere: a read-only file system then
        locked = Path("/proc/sys")
    dialog.folder.setText(str(locked))
    with qtbot.waitSignal(dialog.refused, timeout=5000) as refused:
        QTest.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    assert refused.args[0] == f"Không ghi được vào thư mục {locked}. Hãy chọn thư mục khác."
    assert dialog.task is None and dialog.output is None
    close_warnings(dialog)
    dialog.close()
    window.close()


def test_cancel_before_writing_writes_nothing(
    qtbot: QtBot, province: Province, tmp_path: Path
) -> None:
    window, workspace = open_window(qtbot, province.database)
    out = tmp_path / "out"
    out.mkdir()
    dialog = open_dialog(qtbot, workspace, out, stream="h1")
    # Hold the one worker so the letters wait in the queue, then cancel them.
    release = threading.Event()

    def hold(_progress: Any, _token: Any) -> None:
        release.wait(30)

    window._runner.run(hold, lambda _r: None, lambda _e: None)
    QTest.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    assert dialog.progress.isVisible() and not dialog.write_button.isEnabled()
    QTest.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Đang dừng…"
    assert dialog.isVisible()
    release.set()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60000)
    assert dialog.status.text() == "Đã hủy: chưa ghi tệp nào."
    assert dialog.output is None and list(out.iterdir()) == []
    # Idle, Cancel closes the dialog.
    QTest.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    window.close()


def close_warnings(dialog: ReminderDialog) -> None:
    for box in dialog.findChildren(QMessageBox):
        box.close()
        box.deleteLater()


def test_from_the_late_list_with_its_report_and_the_dates_default(
    qtbot: QtBot, province: Province
) -> None:
    window, workspace = open_window(qtbot, province.database)
    page = workspace.dashboard
    late = page.show_late()
    assert late is not None
    late.stream.setCurrentIndex(late.stream.findData("year"))
    with qtbot.waitSignal(page.reminders_shown, timeout=5000) as shown:
        QTest.mouseClick(late.remind_button, Qt.MouseButton.LeftButton)
    dialog = shown.args[0]
    assert isinstance(dialog, ReminderDialog) and dialog.parent() is late
    assert dialog.stream.currentData() == "year"
    assert [dialog.stream.itemData(i) for i in range(dialog.stream.count())] == list(
        province.demo.plan.streams
    )
    assert [dialog.per_unit.itemData(i) for i in range(dialog.per_unit.count())] == [False, True]
    dialog.as_of.setDate(QDate(2017, 8, 1))
    assert dialog.reply_by.date() == QDate(2017, 8, 8)
    assert dialog.request().as_of == dt.date(2017, 8, 1)
    dialog.not_due.setChecked(True)
    assert dialog.request().include_not_due
    dialog.close()
    late.close()
    window.close()


def test_both_dialogs_fit_the_screen(
    qtbot: QtBot, province: Province, tmp_path: Path, scale: float
) -> None:
    """The reminder dialog and a unit's history at 1366×768, at 100% and 125% text."""
    from tests.gui.screen_size import check

    window, workspace = open_window(qtbot, province.database)
    dialog = open_dialog(qtbot, workspace, tmp_path)
    qtbot.waitExposed(dialog)
    check(dialog, "reminders")
    dialog.close()
    history = workspace.dashboard.show_history("CS-00001")
    qtbot.waitUntil(lambda: history.comparison is not None, timeout=30000)
    qtbot.waitExposed(history)
    check(history, "unit history")
    history.close()
    window.close()


def test_files_that_exist_are_replaced_only_when_asked_and_the_folder_is_remembered(
    qtbot: QtBot, province: Province, tmp_path: Path
) -> None:
    window, workspace = open_window(qtbot, province.database)
    out = tmp_path / "out"
    out.mkdir()
    dialog = open_dialog(qtbot, workspace, out, "h1")
    dialog.outputs.setCurrentIndex(1)  # the letters only: one PDF
    first = write(qtbot, dialog)
    close_previews(dialog)
    (pdf,) = first.letters
    pdf.write_bytes(b"an earlier letter")
    QTest.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.findChild(QMessageBox, "remind-replace") is not None, timeout=30000
    )
    question = dialog.findChild(QMessageBox, "remind-replace")
    assert question is not None
    assert question.text() == f"Tệp {pdf} đã có.\nGhi đè lên tệp này?"
    assert pdf.read_bytes() == b"an earlier letter"  # nothing written before the answer
    question.button(QMessageBox.StandardButton.Cancel).click()
    assert pdf.read_bytes() == b"an earlier letter"
    question.deleteLater()
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "remind-replace") is None)
    with qtbot.waitSignal(dialog.written, timeout=60000):
        QTest.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: (
                (box := dialog.findChild(QMessageBox, "remind-replace")) is not None
                and box.isVisible()
            ),
            timeout=30000,
        )
        again = dialog.findChild(QMessageBox, "remind-replace")
        assert again is not None
        again.button(QMessageBox.StandardButton.Yes).click()
    close_previews(dialog, shown=2)  # the first one's is only closed, not deleted
    assert pdf.read_bytes().startswith(b"%PDF")
    dialog.close()
    with qtbot.waitSignal(workspace.dashboard.reminders_shown, timeout=5000) as shown:
        workspace.dashboard.ask_reminders("h1")
    assert shown.args[0].folder.text() == str(out)
    shown.args[0].close()
    window.close()


def test_from_the_late_list_over_every_report_the_rows_report(
    qtbot: QtBot, province: Province
) -> None:
    window, workspace = open_window(qtbot, province.database)
    page = workspace.dashboard
    late = page.show_late()
    assert late is not None and late.stream.currentData() is None  # every report
    rows = late.shown_rows()
    last = len(rows) - 1
    late.view.setCurrentIndex(late.proxy.index(last, 0))
    with qtbot.waitSignal(page.reminders_shown, timeout=5000) as shown:
        QTest.mouseClick(late.remind_button, Qt.MouseButton.LeftButton)
    dialog = shown.args[0]
    assert isinstance(dialog, ReminderDialog)
    assert dialog.stream.currentData() == rows[last].stream
    dialog.close()
    late.close()
    window.close()

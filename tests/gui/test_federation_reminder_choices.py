"""The reminder dialog's first report and its message (new-user walkthrough): it opens on
the report the not-sent list is filtered to, else on the first report some unit has not
sent (never on one every unit sent); a message about earlier choices goes as soon as a
choice changes; once the files are written its close button says "Đóng".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from app.core.context import open_context
from app.exchange import import_packages
from tests.gui.history_province import open_window
from tests.helpers import GoldenProvince, golden_province

from ui.federation.reminder_dialog import ReminderDialog

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> GoldenProvince:
    # Every unit's registration is written (and imported below); no other report.
    return golden_province(
        tmp_path_factory, "gui-reminder-choices", units=5, seed=17, streams=("registration",)
    )


@pytest.fixture
def database(golden: GoldenProvince, fresh_copy: Callable[[Path, Path], str]) -> str:
    database = fresh_copy(golden.database, golden.keys)
    ctx = open_context(database)
    try:
        import_packages(ctx, paths=list(golden.demo.files), dry_run=False)
    finally:
        ctx.close()
    return database


def open_from_the_list(qtbot: QtBot, database: str, shown: str | None) -> ReminderDialog:
    """The dialog from "Công văn đôn đốc…" with the not-sent list showing ``shown``
    (None: every report)."""
    window, workspace = open_window(qtbot, database)
    page = workspace.dashboard
    panel = page.missing
    panel.stream.setCurrentIndex(panel.stream.findData(shown))
    with qtbot.waitSignal(page.reminders_shown, timeout=5000) as opened:
        QTest.mouseClick(panel.remind_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    assert isinstance(dialog, ReminderDialog)
    qtbot.addWidget(window)
    return dialog


@pytest.mark.parametrize(
    ("shown", "expected"),
    [(None, "h1"), ("h1", "h1"), ("year", "year")],
    ids=["every-report", "h1", "year"],
)
def test_the_report_is_the_lists_else_the_first_one_not_sent(
    qtbot: QtBot, database: str, shown: str | None, expected: str
) -> None:
    dialog = open_from_the_list(qtbot, database, shown)
    # Every unit sent its registration: with every report listed, the dialog skips it.
    assert dialog.stream.currentData() == expected
    dialog.close()


def test_no_letters_for_a_report_every_unit_sent(qtbot: QtBot, database: str) -> None:
    window, workspace = open_window(qtbot, database)
    panel = workspace.dashboard.missing
    panel.stream.setCurrentIndex(panel.stream.findData("registration"))
    assert panel.model.rowCount() == 0 or panel.proxy.rowCount() == 0
    assert not panel.remind_button.isEnabled()
    window.close()


def close_warnings(dialog: ReminderDialog) -> None:
    for box in dialog.findChildren(QMessageBox):
        box.close()
        box.deleteLater()


def change_report(dialog: ReminderDialog) -> None:
    dialog.stream.setCurrentIndex(dialog.stream.findData("year"))


def change_letters(dialog: ReminderDialog) -> None:
    dialog.per_unit.setCurrentIndex(1)


def change_scope(dialog: ReminderDialog) -> None:
    dialog.scope.setCurrentIndex(dialog.scope.count() - 1)


def change_day(dialog: ReminderDialog) -> None:
    dialog.as_of.setDate(QDate(2017, 8, 1))


def tick_not_due(dialog: ReminderDialog) -> None:
    QTest.mouseClick(dialog.not_due, Qt.MouseButton.LeftButton)
    assert dialog.not_due.isChecked()


def change_output(dialog: ReminderDialog) -> None:
    dialog.outputs.setCurrentIndex(2)


def change_files(dialog: ReminderDialog) -> None:
    dialog.files.setCurrentIndex(1)


def change_folder(dialog: ReminderDialog) -> None:
    dialog.folder.setText(dialog.folder.text() + "/")


@pytest.mark.parametrize(
    "change",
    [
        change_report,
        change_letters,
        change_scope,
        change_day,
        tick_not_due,
        change_output,
        change_files,
        change_folder,
    ],
)
def test_the_refusal_goes_once_a_choice_changes(
    qtbot: QtBot, database: str, tmp_path: Path, change: Callable[[ReminderDialog], None]
) -> None:
    dialog = open_from_the_list(qtbot, database, None)
    dialog.folder.setText(str(tmp_path))
    # No deadline set: nobody is late yet, so nothing is written and the dialog says why.
    with qtbot.waitSignal(dialog.refused, timeout=60000) as refused:
        QTest.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    assert "Chưa đặt hạn nộp 6 tháng" in refused.args[0]
    assert dialog.status.text() == refused.args[0]
    close_warnings(dialog)
    change(dialog)
    assert dialog.status.text() == ""
    assert dialog.cancel_button.text() == "Hủy"
    dialog.close()


def test_once_written_the_button_closes(qtbot: QtBot, database: str, tmp_path: Path) -> None:
    from ui.widgets.pdf_preview import PdfPreviewDialog

    dialog = open_from_the_list(qtbot, database, None)
    dialog.folder.setText(str(tmp_path))
    dialog.not_due.setChecked(True)
    assert dialog.cancel_button.text() == "Hủy"
    with qtbot.waitSignal(dialog.written, timeout=60000):
        QTest.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "don-doc-h1.pdf").is_file()
    assert dialog.status.text().startswith("Đã ghi ")
    assert dialog.cancel_button.text() == "Đóng"
    for preview in dialog.findChildren(PdfPreviewDialog):
        preview.close()
    QTest.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert (tmp_path / "don-doc-h1.pdf").is_file()

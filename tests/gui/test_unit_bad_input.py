"""Bad input at a unit: a clear Vietnamese message, and nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox

from app.unit.template import META_SHEET
from tests.digest import file_digest
from tests.gui.unit_helpers import import_plan, make_federation, open_unit_window
from tests.gui.widgets import find_dialog

from ui.shell.main_window import MainWindow
from ui.unit.fingerprint import FingerprintDialog
from ui.unit.workspace import UnitWorkspace
from ui.widgets.pdf_preview import PdfPreviewDialog


def workspace_of(window: MainWindow) -> UnitWorkspace:
    assert window.unit_workspace is not None
    return window.unit_workspace


def expect_failure(
    qtbot: QtBot, workspace: UnitWorkspace, db: Path, action: object, message: str
) -> None:
    before = file_digest(db)
    with qtbot.waitSignal(workspace.failed, timeout=20000) as failure:
        action()  # type: ignore[operator]
    assert message in failure.args[0]
    box = find_dialog(qtbot, QMessageBox, "warning")
    assert isinstance(box, QMessageBox) and message in box.text()
    box.accept()
    assert file_digest(db) == before


def open_preview(qtbot: QtBot, action: QAction) -> PdfPreviewDialog:
    """Trigger a print action and wait for its PDF preview."""
    action.trigger()
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, PdfPreviewDialog) and w.isVisible()
            for w in QApplication.topLevelWidgets()
        ),
        timeout=30000,
    )
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreviewDialog))


@pytest.fixture
def pinned(qtbot: QtBot, tmp_path: Path) -> tuple[MainWindow, Path, Path]:
    fed, plans, fingerprint = make_federation(tmp_path / "fed")
    fed.close()
    db = tmp_path / "unit.db"
    window = open_unit_window(qtbot, db)
    import_plan(qtbot, workspace_of(window), plans / "CS-0001_plan_2017.thidua", fingerprint)
    return window, db, plans


def test_a_plan_package_from_an_unknown_federation_key_is_refused(
    qtbot: QtBot, tmp_path: Path, pinned: tuple[MainWindow, Path, Path]
) -> None:
    window, db, _plans = pinned
    other, other_plans, _fp = make_federation(tmp_path / "other", "LĐLĐ tỉnh Hà Giang")
    other.close()
    expect_failure(
        qtbot,
        workspace_of(window),
        db,
        lambda: workspace_of(window).import_file(other_plans / "CS-0001_plan_2017.thidua"),
        "Gói dữ liệu không được ký bằng khóa mong đợi.",
    )


def test_a_plan_package_meant_for_another_unit_is_refused_before_any_question(
    qtbot: QtBot, tmp_path: Path
) -> None:
    fed, plans, _fingerprint = make_federation(tmp_path / "fed")
    fed.close()
    db = tmp_path / "unit.db"
    window = open_unit_window(qtbot, db)
    workspace = workspace_of(window)
    expect_failure(
        qtbot,
        workspace,
        db,
        lambda: workspace.import_file(plans / "LDH-01_plan_2017.thidua"),
        "Gói kế hoạch này dành cho đơn vị khác (LDH-01). Hãy đề nghị Liên đoàn gửi đúng gói "
        "kế hoạch của đơn vị mình",
    )
    # Refused when the package was first read: the fingerprint was never asked.
    assert not window.findChildren(FingerprintDialog)


def test_a_corrupt_excel_file_is_refused(
    qtbot: QtBot, tmp_path: Path, pinned: tuple[MainWindow, Path, Path]
) -> None:
    window, db, _plans = pinned
    corrupt = tmp_path / "dang-ky.xlsx"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00" * 300)
    expect_failure(
        qtbot,
        workspace_of(window),
        db,
        lambda: workspace_of(window).fill_file(corrupt),
        "Tệp không phải tệp Excel (.xlsx) đọc được.",
    )


def test_a_workbook_for_another_plan_is_refused(
    qtbot: QtBot, tmp_path: Path, pinned: tuple[MainWindow, Path, Path]
) -> None:
    window, db, _plans = pinned
    workspace = workspace_of(window)
    template = tmp_path / "mau.xlsx"
    with qtbot.waitSignal(workspace.done, timeout=20000):
        workspace._write_template(template, "registration")
    book = load_workbook(template)
    book[META_SHEET]["B2"] = "tuyen-quang-2018"
    book.worksheets[0]["E5"] = 99
    book.save(template)
    expect_failure(
        qtbot,
        workspace,
        db,
        lambda: workspace.fill_file(template),
        "Tệp Excel này được lập cho kế hoạch khác (tuyen-quang-2018).",
    )


def test_print_preview_shows_the_registration_form(
    qtbot: QtBot, pinned: tuple[MainWindow, Path, Path]
) -> None:
    window, _db, _plans = pinned
    preview = open_preview(qtbot, workspace_of(window).print_action)
    assert preview.page_count() >= 1
    import pypdfium2

    text = pypdfium2.PdfDocument(str(preview.path))[0].get_textpage().get_text_range()
    assert "BẢN ĐĂNG KÝ THI ĐUA" in text.upper()
    assert "Xi măng Tân Quang" in text
    preview.reject()


def test_the_key_card_is_named_like_the_units_other_papers(
    qtbot: QtBot, pinned: tuple[MainWindow, Path, Path]
) -> None:
    """Regression: it was "the-khoa.pdf"; named as a batch names it, code and year."""
    window, _db, _plans = pinned
    preview = open_preview(qtbot, workspace_of(window).key_card_action)
    assert preview.path.name == "CS-0001_the-khoa-2017.pdf"
    preview.reject()


def test_the_sending_tab_shows_each_reports_name_whole(
    qtbot: QtBot, pinned: tuple[MainWindow, Path, Path]
) -> None:
    """Regression: "Kết quả: 6 tháng đầu nă…" cut off at 1366×768."""
    window, _db, _plans = pinned
    window.resize(1366, 768)
    workspace = workspace_of(window)
    workspace.tabs.setCurrentIndex(workspace.tabs.count() - 1)
    table = workspace.status_table
    qtbot.waitUntil(table.isVisible, timeout=5000)
    assert table.rowCount() >= 2
    metrics = table.fontMetrics()
    for column in range(3):
        needed = max(
            metrics.horizontalAdvance(item.text())
            for row in range(table.rowCount())
            if (item := table.item(row, column)) is not None
        )
        assert table.columnWidth(column) >= needed, column
    names = [table.item(row, 0).text() for row in range(table.rowCount())]  # type: ignore[union-attr]
    assert any(name.startswith("Kết quả") for name in names), names
    assert table.viewport().width() >= sum(table.columnWidth(c) for c in range(3))

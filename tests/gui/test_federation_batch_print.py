"""Printing in batch from the federation's window, through the real widgets: every document,
every way of choosing the units (the roster's selection, a cluster, an upper-level union,
the dashboard's scope), one PDF or one file per unit, Cancel half-way, files that exist
replaced only after a Yes, and the dialog at 1366×768 at 100% and 125%. The PDFs are read
back with pdftotext.

The province: six demo units whose packages all came in but CS-00002's first half-year
report, so that one is listed as skipped for the half-year results."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from app.core.context import open_context
from app.exchange.merge import import_packages
from app.printing import BatchDocument, BatchResult
from app.rollup import ScopeKind
from db.enums import UnitKind
from tests.gui import screen_size
from tests.gui.widgets import find_dialog, open_federation_window
from tests.helpers import GoldenProvince, golden_province

from ui.federation.batch_print_dialog import BatchPrintDialog, Layout, Units
from ui.federation.workspace import FederationWorkspace

UNREPORTED = "CS-00002"

#: What starts each document's first page.
HEADINGS = {
    BatchDocument.REGISTRATION: "BẢN ĐĂNG KÝ THI ĐUA NĂM 2017",
    BatchDocument.RESULTS_H1: "Kết quả thực hiện đăng ký thi đua 6 tháng đầu năm",
    BatchDocument.RESULTS_YEAR: "Kết quả thực hiện đăng ký thi đua năm 2017",
    BatchDocument.KEY_CARD: "THẺ KHÓA XÁC THỰC",
}


def pdf_text(path: Path) -> str:
    raw = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(raw.split())


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> GoldenProvince:
    built = golden_province(tmp_path_factory, "batch-print", units=6, seed=17)
    ctx = open_context(built.database)
    try:
        files = [
            p
            for p in sorted(built.demo.packages_dir.iterdir())
            if not p.name.startswith(f"{UNREPORTED}_h1")
        ]
        import_packages(ctx, paths=files, dry_run=False)
    finally:
        ctx.close()
    return built


@pytest.fixture
def workspace(
    qtbot: QtBot, golden: GoldenProvince, tmp_path: Path
) -> Iterator[FederationWorkspace]:
    database = tmp_path / "federation.db"
    shutil.copyfile(golden.database, database)
    _window, workspace = open_federation_window(qtbot, database, size=(1366, 728))
    qtbot.waitUntil(lambda: bool(workspace.scope_choices), timeout=20000)
    yield workspace


def run(qtbot: QtBot, dialog: BatchPrintDialog) -> BatchResult:
    with qtbot.waitSignal(dialog.printed, timeout=60000) as printed:
        QTest.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    result: BatchResult = printed.args[0]
    return result


@pytest.mark.parametrize("layout", list(Layout))
@pytest.mark.parametrize("document", list(BatchDocument))
def test_every_document_for_the_province(
    qtbot: QtBot,
    workspace: FederationWorkspace,
    golden: GoldenProvince,
    tmp_path: Path,
    document: BatchDocument,
    layout: Layout,
) -> None:
    workspace.batch_print_action.trigger()
    dialog = find_dialog(qtbot, BatchPrintDialog, "batch-print")
    assert dialog.units() is Units.SCOPE, "the whole province unless something was chosen"
    dialog.choose(dialog.document_combo, document.value)
    dialog.choose(dialog.layout_combo, layout.value)
    out = tmp_path / ("out.pdf" if layout is Layout.SINGLE else "out")
    dialog.path_edit.setText(str(out))
    result = run(qtbot, dialog)
    codes = sorted(u.code for u in golden.demo.units)
    missing = [UNREPORTED] if document is BatchDocument.RESULTS_H1 else []
    assert [s.code for s in result.skipped] == missing
    assert result.printed == len(codes) - len(missing) and not result.cancelled
    if layout is Layout.SINGLE:
        assert result.paths == (out,)
        assert pdf_text(out).count(HEADINGS[document]) == result.printed
    else:
        names = sorted(p.name for p in out.iterdir())
        assert [n.split("_")[0] for n in names] == [c for c in codes if c not in missing]
        assert HEADINGS[document] in pdf_text(out / names[0])
    assert str(result.printed) in dialog.summary.text()
    assert dialog.skipped_list.isVisible() == bool(missing)
    if missing:
        assert "CS-00002" in dialog.skipped_list.toPlainText()
        assert "chưa gửi báo cáo kỳ này" in dialog.skipped_list.toPlainText()
    assert dialog.open_button.isVisible()
    assert dialog.open_button.text() == ("Mở tệp" if layout is Layout.SINGLE else "Mở thư mục")


@pytest.mark.parametrize("units", list(Units))
def test_every_way_of_choosing_the_units(
    qtbot: QtBot,
    workspace: FederationWorkspace,
    golden: GoldenProvince,
    tmp_path: Path,
    units: Units,
) -> None:
    demo = golden.demo
    upper = next(u for u in demo.units if u.kind is UnitKind.UPPER)
    below = sorted([upper.code] + [u.code for u in demo.units if u.parent_id == upper.id])
    if units is Units.SELECTED:
        workspace.show_page("roster")
        roster = workspace.roster
        qtbot.waitUntil(lambda: bool(roster.model.units()), timeout=20000)
        wanted = ["CS-00003", "CS-00001"]
        roster.select_units(wanted)
        assert sorted(roster.selected_codes()) == sorted(wanted)
        QTest.mouseClick(roster.batch_button, Qt.MouseButton.LeftButton)
        expected = sorted(wanted)
    elif units is Units.SCOPE:
        dashboard = workspace.dashboard
        qtbot.waitUntil(lambda: dashboard.current_choice() is not None, timeout=20000)
        dashboard.choose_scope(ScopeKind.SUBTREE, upper.code)
        QTest.mouseClick(dashboard.batch_button, Qt.MouseButton.LeftButton)
        expected = below
    else:
        workspace.batch_print_action.trigger()
        expected = below
    # A cluster holds one level: the CĐCS' own cluster is chosen.
    cluster = next(u.cluster_code for u in demo.units if u.code == "CS-00001")
    if units is Units.CLUSTER:
        expected = sorted(u.code for u in demo.units if u.cluster_code == cluster)
    dialog = find_dialog(qtbot, BatchPrintDialog, "batch-print")
    if units in (Units.SELECTED, Units.SCOPE):
        assert dialog.units() is units, "the page's choice comes pre-chosen"
    dialog.choose(dialog.units_combo, units.value)
    assert dialog.target_combo.isVisible() == (units in (Units.CLUSTER, Units.UNION))
    if units is Units.UNION:
        dialog.choose(dialog.target_combo, upper.id)
    if units is Units.CLUSTER:
        cluster_id = next(c.id for c in dialog.clusters if c.code == cluster)
        assert cluster_id is not None
        dialog.choose(dialog.target_combo, cluster_id)
    dialog.choose(dialog.document_combo, BatchDocument.REGISTRATION.value)
    dialog.choose(dialog.layout_combo, Layout.EACH.value)
    folder = tmp_path / "each"
    dialog.path_edit.setText(str(folder))
    result = run(qtbot, dialog)
    assert [p.name for p in result.paths] == [f"{c}_dang-ky-2017.pdf" for c in expected]
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in result.paths]
    for path, code in zip(result.paths, expected, strict=True):
        assert f"Mã đơn vị: {code}" in pdf_text(path)


def test_cancel_keeps_the_files_finished(
    qtbot: QtBot, workspace: FederationWorkspace, tmp_path: Path
) -> None:
    dialog = workspace.ask_batch_print()
    assert dialog is not None
    dialog.choose(dialog.layout_combo, Layout.EACH.value)
    folder = tmp_path / "cards"
    dialog.path_edit.setText(str(folder))
    dialog.choose(dialog.document_combo, BatchDocument.KEY_CARD.value)
    reached, go_on = threading.Event(), threading.Event()

    def hold(done: int, _total: int) -> None:  # on the worker thread
        if done == 2:
            reached.set()
            go_on.wait(20)

    # The pool runs one job at a time: hold it busy until the hook below is connected.
    pool_free = threading.Event()
    workspace._runner.run(lambda _p, _t: pool_free.wait(20), lambda _r: None, lambda _e: None)
    with qtbot.waitSignal(dialog.printed, timeout=60000) as printed:
        QTest.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
        task = dialog.task
        assert task is not None and dialog.cancel_button.text() == "Hủy"
        # Quitting meanwhile waits for it, and its notice says what it waits for.
        assert not task.reads and task.doing == "việc in các văn bản"
        assert not dialog.print_button.isEnabled() and dialog.progress.isVisible()
        task.signals.progress.connect(hold, Qt.ConnectionType.DirectConnection)
        pool_free.set()
        qtbot.waitUntil(reached.is_set, timeout=30000)
        QTest.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        assert not dialog.cancel_button.isEnabled()
        go_on.set()
    result: BatchResult = printed.args[0]
    assert result.cancelled and result.printed == 2 and result.total == 6
    assert sorted(folder.iterdir()) == sorted(result.paths)
    for path in result.paths:
        assert HEADINGS[BatchDocument.KEY_CARD] in pdf_text(path)
    assert dialog.summary.text().startswith("Đã hủy: đã in 2 trong 6 văn bản.")
    assert dialog.print_button.isEnabled() and dialog.cancel_button.text() == "Đóng"
    assert not dialog.progress.isVisible()


def test_an_existing_file_is_replaced_only_after_yes(
    qtbot: QtBot, workspace: FederationWorkspace, tmp_path: Path
) -> None:
    out = tmp_path / "forms.pdf"
    out.write_bytes(b"mine")
    dialog = workspace.ask_batch_print()
    assert dialog is not None
    dialog.path_edit.setText(str(tmp_path / "forms"))  # ".pdf" is added
    QTest.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    box = find_dialog(qtbot, QMessageBox, "batch-print-replace")
    assert box.text() == f"Tệp {out} đã có.\nGhi đè lên tệp này?"
    assert out.read_bytes() == b"mine"
    with qtbot.waitSignal(dialog.printed, timeout=60000):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert pdf_text(out).count(HEADINGS[BatchDocument.REGISTRATION]) == 6


@pytest.mark.parametrize("document", list(BatchDocument))
def test_the_suggested_name_is_in_vietnamese(
    workspace: FederationWorkspace, document: BatchDocument
) -> None:
    dialog = workspace.ask_batch_print()
    assert dialog is not None
    dialog.choose(dialog.document_combo, document.value)
    words = {
        BatchDocument.REGISTRATION: "dang-ky",
        BatchDocument.RESULTS_H1: "ket-qua-6-thang",
        BatchDocument.RESULTS_YEAR: "ket-qua-nam",
        BatchDocument.KEY_CARD: "the-khoa",
    }
    assert Path(dialog.path_edit.text()).name == f"in-{words[document]}-2017.pdf"
    dialog.close()


def test_open_says_so_when_no_program_opens_the_file(
    qtbot: QtBot, workspace: FederationWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Mở tệp" when the computer has no PDF viewer (Qt's openUrl fails): a message in
    Vietnamese with the file's path, not silence."""
    from PySide6.QtGui import QDesktopServices

    dialog = workspace.ask_batch_print()
    assert dialog is not None
    out = tmp_path / "forms.pdf"
    dialog.path_edit.setText(str(out))
    run(qtbot, dialog)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: False)
    QTest.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    box = find_dialog(qtbot, QMessageBox, "open-failed")
    assert box.text() == (
        f"Không có chương trình nào trên máy này mở được {out}. Hãy mở nó từ trình quản lý tệp."
    )
    box.close()


def test_bad_output_is_a_message_and_nothing_written(
    qtbot: QtBot, workspace: FederationWorkspace, tmp_path: Path
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_bytes(b"mine")
    dialog = workspace.ask_batch_print()
    assert dialog is not None
    dialog.choose(dialog.layout_combo, Layout.EACH.value)
    dialog.path_edit.setText(str(a_file))
    QTest.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    box = find_dialog(qtbot, QMessageBox, "batch-print-failed")
    assert "là một tệp" in box.text()
    assert a_file.read_bytes() == b"mine" and list(tmp_path.rglob("*.pdf")) == []
    box.close()
    assert dialog.print_button.isEnabled()


def test_the_dialog_fits_the_screen(
    qtbot: QtBot, workspace: FederationWorkspace, scale: float
) -> None:
    dialog = workspace.ask_batch_print(unit_codes=["CS-00001"])
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    screen_size.check(dialog, f"batch print at {scale:.0%}")
    dialog.grab().save(f"/tmp/batch-print-{int(scale * 100)}.png")
    # Keyboard only: Esc closes it.
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())

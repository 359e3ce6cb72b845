"""Entry on a unit's behalf at the federation's screens: from the dashboard's "not sent"
list staff open the chair's statement screen for a paper unit, type its form and save
it (every report of the report chooser driven); the dashboard counts it as sent and
marks it as entered by staff; then the unit's own signed r1 is imported and takes
over (the mark is gone, the import says what differed). From the roster page, the
unit's filled Excel template is read, previewed old → new and entered.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.core import domain
from app.core.context import open_context
from app.demo.province import Demo, make_demo, write_report
from app.exchange import import_packages
from app.unit.template import write_statement_template
from db import models
from db.enums import IndicatorKind
from tests.gui.test_federation_deadlines import open_window

from ui.federation.common import BANNER_STYLE
from ui.federation.entry_dialog import EntryDialog
from ui.unit.import_preview import ImportPreviewDialog
from ui.unit.statement_rows import Column
from ui.widgets.styles import NOTE_STYLE

pytestmark = pytest.mark.gui

UNIT = "CS-00002"


@pytest.fixture
def province(tmp_path: Path) -> Iterator[Demo]:
    yield make_demo(out_dir=tmp_path / "demo", units=4, seed=17, streams=())


def _count_code(demo: Demo) -> str:
    unit = demo.unit(UNIT)
    return next(
        i.code
        for i in demo.plan.indicators
        if i.kind is IndicatorKind.COUNT and i.applies_to(unit.kind, unit.sector)
    )


def _archived(database: Path, stream: str) -> list[tuple[str, str, int]]:
    ctx = open_context(database)
    try:
        with ctx.reading() as session:
            return [
                (p.source, p.status, p.revision)
                for p in session.scalars(
                    select(models.Package)
                    .join(models.Unit, models.Unit.id == models.Package.unit_id)
                    .where(models.Unit.code == UNIT, models.Package.stream == stream)
                    .order_by(models.Package.epoch, models.Package.revision)
                )
            ]
    finally:
        ctx.close()


def _type(dialog: EntryDialog, code: str, text: str) -> None:
    stream = dialog.current_stream()
    assert stream is not None
    page = dialog.pages[stream]
    index = page.model.index(page.model.row_of(code), Column.VALUE)
    assert page.model.setData(index, text, Qt.ItemDataRole.EditRole)


def _save(qtbot: QtBot, dialog: EntryDialog) -> None:
    with qtbot.waitSignals([dialog.saved, dialog.loaded], timeout=20000):
        dialog.save_button.click()


@pytest.mark.parametrize("stream", ["registration", "h1", "year"])
def test_paper_unit_entered_then_its_signed_r1_takes_over(
    qtbot: QtBot, province: Demo, tmp_path: Path, stream: str
) -> None:
    database = province.database
    code = _count_code(province)
    _window, workspace = open_window(qtbot, database)
    page = workspace.dashboard
    panel = page.missing
    missing = [m for m in panel.model.rows() if m.unit.code == UNIT and m.stream == stream]
    assert missing, "the paper unit is listed as not sent"
    row = panel.model.rows().index(missing[0])
    panel.view.selectRow(panel.proxy.mapFromSource(panel.model.index(row, 0)).row())
    with qtbot.waitSignal(page.entry_shown, timeout=10000) as shown:
        panel.enter_button.click()
    dialog = shown.args[0]
    assert isinstance(dialog, EntryDialog)
    qtbot.waitUntil(lambda: dialog.entry is not None and dialog.isEnabled(), timeout=20000)
    choices = [dialog.stream.itemData(i) for i in range(dialog.stream.count())]
    assert choices == list(province.plan.streams)
    assert dialog.current_stream() == stream
    # Every report of the chooser: its own table, nothing received yet.
    for index in range(dialog.stream.count()):
        dialog.stream.setCurrentIndex(index)
        assert dialog.stack.currentWidget() is dialog.pages[choices[index]]
        assert "bản giấy" in dialog.banner.text() and dialog.save_button.isEnabled()
        assert dialog.banner.styleSheet() == NOTE_STYLE  # a note, not red like an error
    dialog.stream.setCurrentIndex(choices.index(stream))
    dialog.resize(1366, 728)
    dialog.grab().save(str(tmp_path / "entry.png"))

    # Nothing typed: refused in the dialog, nothing archived.
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.isEnabled() and dialog.message.text() != "", timeout=20000)
    assert "ít nhất một giá trị" in dialog.message.text()
    assert _archived(database, stream) == []

    _type(dialog, code, "120")
    with qtbot.waitSignal(page.refreshed, timeout=30000):
        _save(qtbot, dialog)
    assert _archived(database, stream) == [("paper", "applied", 1)]
    assert "Đã lưu lần nhập 1" in dialog.message.text() and UNIT in dialog.message.text()
    assert "Cán bộ nhập hộ từ bản giấy" in dialog.banner.text()
    # A correction: the same screen, a second version of the entry.
    _type(dialog, code, "125")
    with qtbot.waitSignal(page.refreshed, timeout=30000):
        _save(qtbot, dialog)
    assert _archived(database, stream) == [("paper", "superseded", 1), ("paper", "applied", 2)]
    board = page.board
    assert board is not None
    assert [(e.unit.code, e.stream, e.source) for e in board.entered] == [(UNIT, stream, "paper")]
    assert UNIT not in {m.unit.code for m in board.missing if m.stream == stream}
    panel.stream.setCurrentIndex(panel.stream.findData(stream))
    assert f"{UNIT} (bản giấy)" in panel.entered_label.text()
    assert "nhập hộ" in page.coverage.text()
    dialog.close()

    # The unit's own signed r1 arrives and takes over.
    signed = write_report(
        province.unit(UNIT), province.plan, province.federation_id, stream,
        {code: domain.UnitValue(amount=130)}, tmp_path, revision=1,
    )  # fmt: skip
    ctx = open_context(database)
    try:
        summary = import_packages(ctx, paths=[signed], dry_run=False)
    finally:
        ctx.close()
    (item,) = summary.items
    assert item.outcome.value == "updated" and item.params["codes"] == code
    with qtbot.waitSignal(page.refreshed, timeout=30000):
        page.refresh()
    assert page.board is not None and page.board.entered == ()
    assert not panel.entered_label.isVisible() or panel.entered_label.text() == ""
    assert "nhập hộ" not in page.coverage.text()
    assert _archived(database, stream) == [
        ("paper", "superseded", 1),
        ("paper", "superseded", 2),
        ("", "applied", 1),
    ]
    # Staff can no longer enter it: the screen says why and offers no save.
    again = page.enter_for(UNIT, stream)
    qtbot.waitUntil(lambda: again.entry is not None and again.isEnabled(), timeout=20000)
    assert "có chữ ký" in again.banner.text()
    assert again.banner.styleSheet() == BANNER_STYLE  # cannot be entered: red
    assert not again.save_button.isEnabled() and not again.excel_button.isEnabled()
    again.close()
    QApplication.processEvents()


def test_unit_workbook_entered_from_the_roster_page(
    qtbot: QtBot, province: Demo, tmp_path: Path
) -> None:
    database = province.database
    code = _count_code(province)
    _window, workspace = open_window(qtbot, database)
    roster = workspace.roster
    workspace.tabs.setCurrentWidget(roster)
    qtbot.waitUntil(lambda: roster.select_unit(UNIT), timeout=20000)
    with qtbot.waitSignal(roster.entry_shown, timeout=10000) as shown:
        roster.enter_button.click()
    dialog = shown.args[0]
    assert isinstance(dialog, EntryDialog)
    qtbot.waitUntil(lambda: dialog.entry is not None and dialog.isEnabled(), timeout=20000)
    dialog.stream.setCurrentIndex(dialog.stream.findData("h1"))
    workbook = tmp_path / "CS-00002_h1.xlsx"
    unit = province.unit(UNIT)
    write_statement_template(
        workbook, plan=province.plan, stream="h1", unit_code=UNIT, unit_name=unit.name,
        values={code: domain.UnitValue(amount=77)},
    )  # fmt: skip
    dialog.read_workbook(workbook)
    qtbot.waitUntil(lambda: getattr(dialog, "preview_dialog", None) is not None, timeout=20000)
    preview = dialog.preview_dialog
    assert isinstance(preview, ImportPreviewDialog)
    assert preview.table.rowCount() == 1
    new = preview.table.item(0, 3)
    assert new is not None and new.text() == "77"
    with qtbot.waitSignals([dialog.saved, dialog.loaded], timeout=20000):
        preview.accept()
    assert _archived(database, "h1") == [("excel", "applied", 1)]
    assert "tệp Excel" in dialog.banner.text()
    # Another period's workbook is refused in the dialog, nothing changed.
    dialog.stream.setCurrentIndex(dialog.stream.findData("year"))
    dialog.read_workbook(workbook)
    qtbot.waitUntil(
        lambda: dialog.isEnabled() and "kỳ báo cáo khác" in dialog.message.text(), timeout=20000
    )
    assert _archived(database, "year") == []
    dialog.close()


def test_the_day_received_is_kept_and_bounded(qtbot: QtBot, province: Demo) -> None:
    """The paper form came on 10/07/2017: the entry arrives that day (the on-time rate
    counts from it), whatever day staff type it; the field allows no day after today
    nor before the plan's year."""
    import datetime as dt

    from PySide6.QtCore import QDate
    from PySide6.QtTest import QTest

    from app.core.days import local_day, today_local

    database = province.database
    _window, workspace = open_window(qtbot, database)
    dialog = workspace.dashboard.enter_for(UNIT, "h1")
    qtbot.waitUntil(lambda: dialog.entry is not None and dialog.isEnabled(), timeout=20000)
    today = today_local()
    assert dialog.received_on() == today
    assert dialog.received.maximumDate() == QDate(today.year, today.month, today.day)
    assert dialog.received.minimumDate() == QDate(2017, 1, 1)
    dialog.received.setFocus()
    dialog.received.setDate(QDate(2017, 7, 9))
    QTest.keyClick(dialog.received, Qt.Key.Key_Up)  # the day section: the 10th
    assert dialog.received_on() == dt.date(2017, 7, 10)
    _type(dialog, _count_code(province), "7")
    _save(qtbot, dialog)
    ctx = open_context(database)
    try:
        with ctx.reading() as session:
            received = session.scalars(
                select(models.Package.received_at).where(models.Package.stream == "h1")
            ).all()
    finally:
        ctx.close()
    assert [local_day(r) for r in received] == [dt.date(2017, 7, 10)]
    dialog.close()

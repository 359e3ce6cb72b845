"""Deadlines on the federation's screens: staff set deadlines and grant extensions
in the deadlines dialog (bad input refused there, nothing changed), and the
dashboard shows the reporting and on-time rates and who is late, checked
against a count made here from the raw package rows and their arrival times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, update

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from app.core import i18n
from app.core.context import open_context
from app.core.preferences import Preferences
from app.core.text import fold
from app.demo.province import Demo, make_demo, write_report
from app.exchange import import_packages
from db import models
from db.enums import REGISTRATION_STREAM

from ui.federation.deadlines_dialog import DeadlinesDialog
from ui.federation.late_units import LateColumn, LateUnitsDialog
from ui.federation.workspace import FederationWorkspace
from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui

PLAN = "tuyen-quang-2017"
DUE = dt.date(2017, 7, 15)
AS_OF = dt.date(2017, 7, 20)
#: When each unit's h1 report reached the federation (UTC); CS-00005 sends nothing.
ARRIVALS = {
    "CS-00001": "2017-07-15T16:30:00+00:00",  # 23:30 on the last day: on time
    "CS-00002": "2017-07-15T17:10:00+00:00",  # 00:10 the next day: one day late
    "CS-00003": "2017-07-19T03:00:00+00:00",  # four days late, on time with its extension
    "CT-001": "2017-07-18T01:00:00+00:00",  # three days late
}


@pytest.fixture
def province(tmp_path: Path) -> Iterator[Demo]:
    demo = make_demo(out_dir=tmp_path / "demo", units=6, seed=17, streams=())
    ctx = open_context(demo.database)
    try:
        for code, received_at in ARRIVALS.items():
            path = write_report(
                demo.unit(code), demo.plan, demo.federation_id, "h1", {}, tmp_path, revision=1
            )
            summary = import_packages(ctx, paths=[path], dry_run=False)
            with ctx.unit_of_work() as session:
                session.execute(
                    update(models.Package)
                    .where(models.Package.hash == summary.items[0].package_hash)
                    .values(received_at=received_at)
                )
    finally:
        ctx.close()
    yield demo


def open_window(qtbot: QtBot, database: Path) -> tuple[MainWindow, FederationWorkspace]:
    i18n.set_language("vi")
    window = MainWindow(database, Preferences(language="vi"))
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    with qtbot.waitSignal(window.plan_shown, timeout=30000):
        window.start()
    workspace = window.federation_workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: workspace.dashboard.board is not None, timeout=30000)
    return window, workspace


def stored(database: Path) -> tuple[dict[str, dt.date], dict[tuple[str, str], dt.date], int]:
    """The deadlines, the extensions (stream, unit code) and the audit entries of deadlines."""
    ctx = open_context(database)
    try:
        with ctx.reading() as session:
            deadlines = {
                d.stream: d.due_on
                for d in session.scalars(
                    select(models.Deadline).where(models.Deadline.plan_id == PLAN)
                )
            }
            extensions = {
                (e.stream, code or ""): e.due_on
                for e, code in session.execute(
                    select(models.DeadlineExtension, models.Unit.code).join(
                        models.Unit, models.Unit.id == models.DeadlineExtension.unit_id
                    )
                )
            }
            audited = session.scalar(
                select(func.count())
                .select_from(models.AuditEntry)
                .where(models.AuditEntry.action.like("deadline.%"))
            )
        return deadlines, extensions, int(audited or 0)
    finally:
        ctx.close()


def independent(database: Path, due: dt.date, extended: dict[str, dt.date]) -> dict[str, object]:
    """Received, on time and days late of h1 as of :data:`AS_OF`, from the raw rows."""
    ctx = open_context(database)
    try:
        with ctx.reading() as session:
            federation = session.scalar(
                select(models.Setting.value).where(models.Setting.key == "own_unit_id")
            )
            codes: dict[str, str] = {
                unit_id: code or ""
                for unit_id, code in session.execute(
                    select(models.Unit.id, models.Unit.code)
                    .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
                    .where(models.RosterEntry.year == 2017)
                )
                if unit_id != federation
            }
            rows = session.execute(
                select(models.Package.unit_id, models.Package.received_at).where(
                    models.Package.stream == "h1", models.Package.kind == "report"
                )
            ).all()
    finally:
        ctx.close()
    arrived: dict[str, dt.date] = {}
    for unit_id, received_at in rows:
        moment = dt.datetime.fromisoformat(received_at).astimezone(dt.UTC)
        day = (moment.replace(tzinfo=None) + dt.timedelta(hours=7)).date()
        arrived[codes[unit_id]] = min(arrived.get(codes[unit_id], day), day)
    last = {code: max(due, extended.get(code, due)) for code in codes.values()}
    late = {c: (d - last[c]).days for c, d in arrived.items() if d > last[c]}
    missing: dict[str, int] = {
        c: (AS_OF - last[c]).days for c in codes.values() if c not in arrived
    }
    return {
        "expected": len(codes),
        "received": len(arrived),
        "on_time": len(arrived) - len(late),
        "behind": {**late, **missing},
    }


def percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%".replace(".", ",")


def open_deadlines(qtbot: QtBot, workspace: FederationWorkspace) -> DeadlinesDialog:
    with qtbot.waitSignal(workspace.dashboard.deadlines_shown, timeout=10000) as shown:
        workspace.dashboard.deadlines_button.click()
    dialog = shown.args[0]
    assert isinstance(dialog, DeadlinesDialog)
    qtbot.waitUntil(lambda: dialog.extension_unit.count() > 0, timeout=20000)
    return dialog


def change(qtbot: QtBot, dialog: DeadlinesDialog, press: object) -> None:
    """Press a button of the dialog and wait for the change and the dialog's new read."""
    with qtbot.waitSignals([dialog.changed, dialog.loaded], timeout=20000):
        press.click()  # type: ignore[attr-defined]


def refused(qtbot: QtBot, dialog: DeadlinesDialog, press: object, words: str) -> None:
    """Press, and the dialog says why in Vietnamese and stays open."""
    dialog.message.hide()
    press.click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.message.isVisible() and dialog.isEnabled(), timeout=20000)
    assert words in dialog.message.text(), dialog.message.text()
    assert dialog.isVisible()


def set_date(edit: object, day: dt.date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))  # type: ignore[attr-defined]


def test_deadlines_set_in_the_dialog_and_rates_on_the_dashboard(
    qtbot: QtBot, province: Demo
) -> None:
    database = province.database
    _window, workspace = open_window(qtbot, database)
    page = workspace.dashboard
    assert "chưa đặt hạn" in page.on_time.text()
    dialog = open_deadlines(qtbot, workspace)
    streams = list(province.plan.streams)
    codes = [dialog.extension_unit.itemData(i) for i in range(dialog.extension_unit.count())]
    assert sorted(codes) == sorted(u.code for u in province.units)

    # --- bad input: said in the dialog, nothing changed ---
    before = stored(database)
    assert not dialog.clear_buttons["h1"].isEnabled()  # nothing to clear yet
    dialog.extension_stream.setCurrentIndex(dialog.extension_stream.findData("h1"))
    dialog.extension_unit.setCurrentIndex(dialog.extension_unit.findData("CS-00003"))
    set_date(dialog.extension_date, AS_OF)
    dialog.extension_reason.setText("Mất điện")
    refused(
        qtbot, dialog, dialog.grant_button,
        "Hãy đặt hạn nộp báo cáo 6 tháng đầu năm 2017 trước khi gia hạn",
    )  # fmt: skip
    set_date(dialog.date_edits["h1"], dt.date(2030, 1, 1))
    refused(qtbot, dialog, dialog.set_buttons["h1"], "phải nằm trong khoảng từ năm 2016")
    assert not dialog.withdraw_button.isEnabled()  # nothing to withdraw yet
    assert stored(database) == before

    # --- every report's deadline set, then cleared, through its own buttons ---
    for stream in streams:
        set_date(dialog.date_edits[stream], DUE)
        change(qtbot, dialog, dialog.set_buttons[stream])
        assert "15/07/2017" in dialog.current[stream].text()
    assert stored(database)[0] == dict.fromkeys(streams, DUE)
    for stream in streams:
        change(qtbot, dialog, dialog.clear_buttons[stream])
        assert dialog.current[stream].text() == "chưa đặt hạn"
    assert stored(database)[0] == {}
    set_date(dialog.date_edits["h1"], DUE)
    change(qtbot, dialog, dialog.set_buttons["h1"])
    # Said in the status bar for a while, by the plan's year (never its id); the
    # database and role come back after it.
    message = _window.statusBar().currentMessage()
    assert message == "Hạn nộp 6 tháng đầu năm 2017 (kế hoạch năm 2017): 15/07/2017."
    assert province.plan.id not in message

    # --- more bad input once the deadline is set ---
    before = stored(database)
    dialog.extension_reason.setText("   ")
    refused(qtbot, dialog, dialog.grant_button, "Hãy ghi lý do gia hạn")
    dialog.extension_reason.setText("Mất điện cả tuần")
    set_date(dialog.extension_date, DUE)
    refused(qtbot, dialog, dialog.grant_button, "Ngày gia hạn phải sau hạn nộp (15/07/2017)")
    assert stored(database) == before

    # --- every unit of the roster can be given an extension, and withdrawn ---
    set_date(dialog.extension_date, AS_OF)
    for index in range(dialog.extension_unit.count()):
        dialog.extension_unit.setCurrentIndex(index)
        change(qtbot, dialog, dialog.grant_button)
    assert set(stored(database)[1]) == {("h1", code) for code in codes}
    dialog.extension_table.setCurrentCell(-1, -1)
    refused(qtbot, dialog, dialog.withdraw_button, "Hãy chọn gia hạn cần thu hồi")
    while dialog.extension_table.rowCount():
        dialog.extension_table.selectRow(0)
        change(qtbot, dialog, dialog.withdraw_button)
    assert stored(database)[1] == {}
    # the other reports' choice refused without their deadline
    for stream in streams:
        if stream != "h1":
            dialog.extension_stream.setCurrentIndex(dialog.extension_stream.findData(stream))
            refused(qtbot, dialog, dialog.grant_button, "trước khi gia hạn")

    # --- the extension that counts below ---
    dialog.extension_stream.setCurrentIndex(dialog.extension_stream.findData("h1"))
    dialog.extension_unit.setCurrentIndex(dialog.extension_unit.findData("CS-00003"))
    change(qtbot, dialog, dialog.grant_button)
    assert stored(database)[1] == {("h1", "CS-00003"): AS_OF}
    reason = dialog.extension_table.item(0, 3)
    assert reason is not None and reason.text() == "Mất điện cả tuần"
    audited = stored(database)[2]
    # 2 × 3 deadlines set and cleared, the h1 one, 6 granted and withdrawn, and one more
    assert audited == 2 * len(streams) + 1 + 2 * len(codes) + 1
    dialog.close()

    # --- the dashboard's rates against the independent count ---
    page.as_of = AS_OF
    with qtbot.waitSignal(page.refreshed, timeout=30000):
        page.refresh()
    count = independent(database, DUE, {"CS-00003": AS_OF})
    expected, received, on_time = count["expected"], count["received"], count["on_time"]
    assert isinstance(expected, int) and isinstance(received, int) and isinstance(on_time, int)
    line = next(t for t in page.on_time.text().split("\n") if "hạn 15/07/2017" in t)
    assert f"Đã nộp {received}/{expected} ({percent(received, expected)})" in line
    assert f"Đúng hạn {on_time}/{expected} ({percent(on_time, expected)})" in line
    behind = count["behind"]
    assert isinstance(behind, dict)
    assert behind == {"CS-00002": 1, "CT-001": 3, "CS-00004": 5, "CS-00005": 5}

    with qtbot.waitSignal(page.late_shown, timeout=10000) as shown:
        page.late_button.click()
    late = shown.args[0]
    assert isinstance(late, LateUnitsDialog)
    assert {r.unit.code: r.days_late for r in late.shown_rows()} == behind
    # sorted by days late, most first; then by code, by clicking the header
    assert [r.days_late for r in late.shown_rows()] == sorted(behind.values(), reverse=True)
    late.view.sortByColumn(LateColumn.CODE, Qt.SortOrder.AscendingOrder)
    assert [r.unit.code for r in late.shown_rows()] == sorted(behind)
    for index in range(late.stream.count()):  # every report with a deadline, and h1 alone
        late.stream.setCurrentIndex(index)
        assert len(late.shown_rows()) == len(behind)
    assert "2 trễ hạn, 2 chưa nộp" in late.count.text()
    late.close()

    # --- the extension withdrawn: CS-00003 is four days late on the dashboard ---
    dialog = open_deadlines(qtbot, workspace)
    qtbot.waitUntil(lambda: dialog.extension_table.rowCount() == 1, timeout=20000)
    dialog.extension_table.selectRow(0)
    with qtbot.waitSignal(page.refreshed, timeout=30000):
        change(qtbot, dialog, dialog.withdraw_button)
    dialog.close()
    count = independent(database, DUE, {})
    behind = count["behind"]
    assert isinstance(behind, dict) and behind["CS-00003"] == 4
    with qtbot.waitSignal(page.late_shown, timeout=10000) as shown:
        page.late_button.click()
    late = shown.args[0]
    assert {r.unit.code: r.days_late for r in late.shown_rows()} == behind
    extended = [late.model.text(r, LateColumn.EXTENSION) for r in range(late.model.rowCount())]
    assert extended == [""] * len(behind)
    late.close()
    QApplication.processEvents()


def test_the_unit_list_narrows_as_words_are_typed(qtbot: QtBot, province: Demo) -> None:
    """Thousands of units in one combo box: typed words (code or name, any order,
    diacritics optional) narrow it; the chosen unit stays while listed; nothing found
    chooses nothing and a grant then says so, nothing stored."""
    _window, workspace = open_window(qtbot, province.database)
    dialog = open_deadlines(qtbot, workspace)
    combo, search = dialog.extension_unit, dialog.extension_search
    every = [combo.itemData(i) for i in range(combo.count())]
    assert len(every) == len(province.units)
    assert search.placeholderText() == "Tìm theo tên hoặc mã (gõ có dấu hoặc không dấu)…"
    unit = province.unit("CS-00003")
    combo.setCurrentIndex(combo.findData("CS-00002"))
    # A name's words, folded and shuffled, find it: "Công đoàn …" as "doan cong …".
    words = fold(unit.name).split()
    search.setText(" ".join([words[1], words[0], *words[2:]]).upper())
    listed = [combo.itemData(i) for i in range(combo.count())]
    assert "CS-00003" in listed and len(listed) < len(every)
    assert combo.currentData() == listed[0]  # CS-00002 not listed: the first is chosen
    search.setText("00003")
    assert [combo.itemData(i) for i in range(combo.count())] == ["CS-00003"]
    assert combo.currentText() == f"CS-00003 — {unit.name}"
    search.setText("cs-0000")  # CS-00003 still listed: it stays chosen
    assert combo.currentData() == "CS-00003" and combo.count() == len(every) - 1  # CT-001
    search.setText("không có đơn vị này")
    assert combo.count() == 0 and combo.currentIndex() == -1
    assert combo.currentText() == "" and combo.placeholderText() == "Không tìm thấy đơn vị nào."
    set_date(dialog.date_edits["h1"], DUE)
    change(qtbot, dialog, dialog.set_buttons["h1"])
    before = stored(province.database)
    dialog.extension_stream.setCurrentIndex(dialog.extension_stream.findData("h1"))
    set_date(dialog.extension_date, AS_OF)
    dialog.extension_reason.setText("Mất điện")
    refused(qtbot, dialog, dialog.grant_button, "Hãy chọn đơn vị")
    assert stored(province.database) == before
    search.clear()
    assert [combo.itemData(i) for i in range(combo.count())] == every


def test_enter_changes_nothing_and_a_refusal_goes_with_its_cause(
    qtbot: QtBot, province: Demo
) -> None:
    """Enter in the dialog sets no deadline (the first date's "Đặt hạn" was the default
    button: a walkthrough set one unasked); the report offered for an extension is one
    that has a deadline; a refusal's words go when the user changes what it was about."""
    _window, workspace = open_window(qtbot, province.database)
    dialog = open_deadlines(qtbot, workspace)
    before = stored(province.database)
    first = dialog.date_edits[REGISTRATION_STREAM]
    first.setFocus()
    QTest.keyClick(first, Qt.Key.Key_Return)
    QTest.keyClick(dialog, Qt.Key.Key_Enter)
    qtbot.wait(500)
    assert stored(province.database) == before and dialog.isVisible()
    buttons = dialog.findChildren(QPushButton)
    assert buttons and not any(b.autoDefault() or b.isDefault() for b in buttons)
    assert dialog.extension_stream.currentData() == REGISTRATION_STREAM  # none has one yet
    set_date(dialog.date_edits["h1"], DUE)
    change(qtbot, dialog, dialog.set_buttons["h1"])
    assert dialog.extension_stream.currentData() == "h1"  # the one with a deadline
    # A report the user picks stays picked, deadline or not.
    year = dialog.extension_stream.findData("year")
    dialog.extension_stream.setCurrentIndex(year)
    dialog.extension_stream.activated.emit(year)
    dialog.extension_reason.setText("Bão")
    set_date(dialog.extension_date, AS_OF)
    refused(qtbot, dialog, dialog.grant_button, "Hãy đặt hạn nộp báo cáo Năm 2017")
    dialog.extension_search.setText("cs")
    assert not dialog.message.isVisible()
    change(qtbot, dialog, dialog.clear_buttons["h1"])
    set_date(dialog.date_edits["h1"], DUE)
    change(qtbot, dialog, dialog.set_buttons["h1"])
    assert dialog.extension_stream.currentData() == "year"

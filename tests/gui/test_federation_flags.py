"""Suspicious values on the federation's screens: a package with a value far above the
unit's registration is imported through the import page, merged, and its value shows
on the "Giá trị bất thường" tab; one click on "Đã xác minh" (with a note) verifies it;
the filter shows open or all values; "Mở lại" opens it again; the plan page edits the
thresholds (a bad limit refused, nothing changed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from PySide6.QtWidgets import QApplication, QMessageBox

from app.core import domain
from app.core.context import open_context
from app.demo.province import Demo, make_demo, write_report
from app.exchange import import_packages
from app.plans import DEFAULT_CHECKS, read_value_checks
from db import models
from tests.gui.test_federation_deadlines import open_window
from tests.helpers import plain_count

from ui.federation.checks_dialog import ValueChecksDialog
from ui.federation.flags_page import FlagColumn
from ui.federation.workspace import FederationWorkspace

pytestmark = pytest.mark.gui

UNIT = "CS-00001"


def _code(demo: Demo) -> str:
    return plain_count(demo, UNIT)


@pytest.fixture
def province(tmp_path: Path) -> Iterator[Demo]:
    """A demo province where CS-00001 registered 100 of a count indicator."""
    demo = make_demo(out_dir=tmp_path / "demo", units=3, seed=17, streams=())
    ctx = open_context(demo.database)
    try:
        with ctx.unit_of_work() as session:
            session.execute(update(models.RosterEntry).values(member_count=1, worker_count=2))
        path = write_report(
            demo.unit(UNIT), demo.plan, demo.federation_id, "registration",
            {_code(demo): domain.UnitValue(amount=100)}, tmp_path / "demo", revision=1,
        )  # fmt: skip
        import_packages(ctx, paths=[path], dry_run=False)
    finally:
        ctx.close()
    yield demo


def test_a_suspicious_value_flagged_on_import_and_verified(
    qtbot: QtBot, tmp_path: Path, province: Demo
) -> None:
    window, workspace = open_window(qtbot, province.database)
    page = workspace.flags
    tab = workspace.tabs.indexOf(page)
    assert workspace.tabs.tabText(tab) == "Giá trị bất thường"
    assert page.model.rowCount() == 0

    report = write_report(
        province.unit(UNIT), province.plan, province.federation_id, "h1",
        {_code(province): domain.UnitValue(amount=301)}, tmp_path, revision=1,
    )  # fmt: skip
    with qtbot.waitSignal(workspace.importer.checked, timeout=60000):
        workspace.import_paths([report])
    with qtbot.waitSignal(page.loaded, timeout=60000):
        workspace.importer.apply_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=30000)
    assert workspace.tabs.tabText(tab) == "Giá trị bất thường (1)"
    workspace.tabs.setCurrentWidget(page)
    row = {c: page.model.text(0, c) for c in FlagColumn}
    assert row[FlagColumn.CODE] == UNIT
    assert row[FlagColumn.CHECK] == "Cao bất thường so với đăng ký"
    assert row[FlagColumn.FIGURES] == "301: hơn 3 lần số đăng ký (100)"
    assert row[FlagColumn.STATUS] == "Chưa xác minh"
    assert not page.verify_button.isEnabled()
    page.grab().save(str(tmp_path / "flags.png"))
    # The counter counts what the search shows; the search ignores punctuation.
    assert page.count.text() == "1 giá trị."
    page.search.setText("không có giá trị này")
    assert page.count.text() == "0/1 giá trị."
    page.search.setText("301 hon 3 lan so dang ky 100")  # "301: hơn 3 lần số đăng ký (100)"
    assert page.proxy.rowCount() == 1 and page.count.text() == "1 giá trị."
    page.search.clear()

    page.view.selectRow(0)
    assert page.verify_button.isEnabled() and page.verify_button.text() == "Đã &xác minh"
    page.note.setText("Đã gọi điện cho chủ tịch")
    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.verify_button.click()  # one click
    assert page.model.rowCount() == 0  # the open ones only
    assert workspace.tabs.tabText(tab) == "Giá trị bất thường"
    # Said in the status bar, as "Sao chép danh sách" says what it copied; nothing left
    # to check is said instead of an empty table.
    said = f"{province.unit(UNIT).name}, {_code(province)}."
    assert window.statusBar().currentMessage() == f"Đã xác minh: {said}"
    assert page.empty.isVisible() and not page.view.isVisible()
    assert page.empty.text().startswith("Mọi giá trị bất thường đã được xác minh")
    page.grab().save(str(tmp_path / "flags-empty.png"))

    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.filter_combo.setCurrentIndex(page.filter_combo.findData(True))
    (flag,) = page.model.rows()
    assert flag.verified and flag.note == "Đã gọi điện cho chủ tịch"
    assert page.view.isVisible() and not page.empty.isVisible()
    assert page.model.text(0, FlagColumn.STATUS).endswith(": Đã gọi điện cho chủ tịch")
    page.view.selectRow(0)
    assert page.unverify_button.isEnabled() and not page.verify_button.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.unverify_button.click()
    assert not page.model.rows()[0].verified
    assert window.statusBar().currentMessage() == f"Đã mở lại: {said}"
    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.filter_combo.setCurrentIndex(page.filter_combo.findData(False))
    assert page.model.rowCount() == 1

    ctx = open_context(province.database)
    try:
        with ctx.reading() as session:
            actions = list(
                session.scalars(
                    select(models.AuditEntry.action).where(
                        models.AuditEntry.action.like("value_flag.%")
                    )
                )
            )
    finally:
        ctx.close()
    assert sorted(actions) == ["value_flag.unverify", "value_flag.verify"]
    window.close()


@pytest.mark.parametrize("choice", [False, True])
def test_the_filter_offers_open_and_all(qtbot: QtBot, province: Demo, choice: bool) -> None:
    window, workspace = open_window(qtbot, province.database)
    page = workspace.flags
    assert [page.filter_combo.itemText(i) for i in range(page.filter_combo.count())] == [
        "Chưa xác minh",
        "Tất cả, kể cả đã xác minh",
    ]
    index = page.filter_combo.findData(choice)
    if index != page.filter_combo.currentIndex():
        with qtbot.waitSignal(page.loaded, timeout=30000):
            page.filter_combo.setCurrentIndex(index)
    assert page.filter_combo.currentData() is choice
    # No value at all: said for either choice, the empty table hidden.
    assert page.model.rowCount() == 0
    qtbot.waitUntil(lambda: not page.empty.isHidden(), timeout=30000)
    assert page.view.isHidden()
    assert page.empty.text() == (
        "Kế hoạch này không có giá trị bất thường nào."
        if choice
        else "Mọi giá trị bất thường đã được xác minh: không còn gì cần kiểm tra. "
        "Chọn Hiện “Tất cả, kể cả đã xác minh” để xem lại."
    )
    window.close()


def _open_checks(qtbot: QtBot, workspace: FederationWorkspace) -> ValueChecksDialog:
    workspace.tabs.setCurrentWidget(workspace.plan_page)
    workspace.plan_page.checks_button.click()
    qtbot.waitUntil(lambda: workspace.plan_page.checks_dialog is not None, timeout=30000)
    dialog = workspace.plan_page.checks_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    return dialog


def test_the_thresholds_edited_on_the_plan_page(
    qtbot: QtBot, tmp_path: Path, province: Demo
) -> None:
    window, workspace = open_window(qtbot, province.database)
    dialog = _open_checks(qtbot, workspace)
    assert dialog.registration.factor.value() == 3 and dialog.registration.enabled.isChecked()
    assert dialog.per_worker.text() == "người = 1; đoàn viên = 1"
    assert dialog.width() <= 1366 and dialog.height() <= 728
    dialog.grab().save(str(tmp_path / "checks.png"))
    dialog.registration.factor.setValue(4.5)
    dialog.year_on_year.enabled.setChecked(False)
    dialog.members_over_workers.setChecked(False)
    dialog.per_worker.setText("người = 1; lượt = 2,5")
    with qtbot.waitSignal(workspace.plan_page.done, timeout=30000):
        dialog.accept()
    ctx = open_context(province.database)
    try:
        saved = read_value_checks(ctx, plan_id=province.plan.id)
    finally:
        ctx.close()
    assert saved.registration.factor == 4.5 and saved.year_on_year.factor is None
    assert not saved.members_over_workers
    assert saved.per_worker_limit("lượt") == 2.5

    # A bad limit is refused with a message; nothing changes.
    workspace.plan_page.checks_dialog = None
    dialog = _open_checks(qtbot, workspace)
    assert dialog.registration.factor.value() == 4.5
    dialog.per_worker.setText("người = không")
    with qtbot.waitSignal(workspace.plan_page.failed, timeout=30000) as failed:
        QApplication.processEvents()
        dialog.accept()
    assert "Ngưỡng kiểm tra giá trị bất thường không hợp lệ" in failed.args[0]
    ctx = open_context(province.database)
    try:
        assert read_value_checks(ctx, plan_id=province.plan.id) == saved != DEFAULT_CHECKS
    finally:
        ctx.close()
    for box in window.findChildren(QMessageBox):
        box.close()
    window.close()


def test_an_entry_that_raises_a_flag_shows_it_at_once(qtbot: QtBot, province: Demo) -> None:
    """Nhập hộ of a value far above the registration: the "Giá trị bất thường" tab and
    its count show it without "Làm mới", and the entry dialog says so."""
    from PySide6.QtCore import Qt

    from ui.federation.entry_dialog import EntryDialog
    from ui.unit.statement_rows import Column

    _window, workspace = open_window(qtbot, province.database)
    page = workspace.flags
    tab = workspace.tabs.indexOf(page)
    qtbot.waitUntil(lambda: workspace.tabs.tabText(tab) == "Giá trị bất thường", timeout=20000)
    dialog = workspace.dashboard.enter_for(UNIT, "h1")
    assert isinstance(dialog, EntryDialog)
    qtbot.waitUntil(lambda: dialog.entry is not None and dialog.isEnabled(), timeout=20000)
    table = dialog.pages["h1"].model
    index = table.index(table.row_of(_code(province)), Column.VALUE)
    assert table.setData(index, "301", Qt.ItemDataRole.EditRole)
    with qtbot.waitSignal(page.loaded, timeout=30000):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=30000)
    assert workspace.tabs.tabText(tab) == "Giá trị bất thường (1)"
    qtbot.waitUntil(lambda: "bất thường" in dialog.message.text(), timeout=20000)
    assert "1 giá trị bất thường, xem thẻ “Giá trị bất thường”." in dialog.message.text()
    dialog.close()

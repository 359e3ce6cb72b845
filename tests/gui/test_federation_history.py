"""A unit's report history on the federation's screens, opened from the dashboard (the
"not sent" panel and the late list), the roster and the conflicts page: the versions
of the chosen report as the core lists them, and r1 → r2 compared value by value.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from app.core.context import open_context
from app.core.format import format_number
from app.exchange import unit_history
from tests.gui.history_province import (
    CONFLICTED,
    R1,
    R2,
    UNIT,
    Province,
    build,
    counts_of,
    open_window,
)
from tests.helpers import GoldenProvince, golden_province

from ui.federation.history_dialog import ChangeColumn, UnitHistoryDialog, VersionColumn
from ui.federation.late_units import LateColumn

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> GoldenProvince:
    return golden_province(tmp_path_factory, "gui-history", units=6, seed=17, streams=())


@pytest.fixture
def province(
    golden: GoldenProvince, fresh_copy: Callable[[Path, Path], str], tmp_path: Path
) -> Province:
    return build(golden, fresh_copy(golden.database, golden.keys), tmp_path / "files")


def table(dialog: UnitHistoryDialog) -> list[list[str]]:
    model = dialog.changes
    return [[model.data(model.index(r, c)) for c in ChangeColumn] for r in range(model.rowCount())]


def versions(dialog: UnitHistoryDialog) -> list[dict[VersionColumn, str]]:
    model = dialog.versions
    return [{c: model.text(r, c) for c in VersionColumn} for r in range(model.rowCount())]


def wait_compared(qtbot: QtBot, dialog: UnitHistoryDialog) -> None:
    qtbot.waitUntil(lambda: dialog.comparison is not None, timeout=30000)


def test_from_the_dashboard_r1_to_r2_shows_exactly_the_changed_values(
    qtbot: QtBot, province: Province
) -> None:
    window, workspace = open_window(qtbot, province.database)
    panel = workspace.dashboard.missing
    assert not panel.history_button.isEnabled()
    rows = [panel.model.row_at(r).unit.code for r in range(panel.model.rowCount())]
    source_row = rows.index(UNIT)  # CS-00001 has not sent its registration
    panel.view.setCurrentIndex(panel.proxy.mapFromSource(panel.model.index(source_row, 0)))
    assert panel.history_button.isEnabled()
    with qtbot.waitSignal(workspace.dashboard.history_shown, timeout=5000) as shown:
        QTest.mouseClick(panel.history_button, Qt.MouseButton.LeftButton)
    dialog = shown.args[0]
    assert isinstance(dialog, UnitHistoryDialog)
    qtbot.waitUntil(lambda: dialog.history is not None, timeout=30000)
    # At the row's report first: the registration, nothing received.
    assert dialog.stream.currentText().startswith("Đăng ký thi đua (0 ")
    dialog.stream.setCurrentIndex(dialog.stream.findText("6 tháng đầu năm 2017 (2 bản)"))
    wait_compared(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.stream.currentText() == "6 tháng đầu năm 2017 (2 bản)"
    # The versions, with the core's own words for each column.
    ctx = open_context(province.database)
    try:
        core = unit_history(ctx, unit_code=UNIT, stream="h1").streams[0].entries
    finally:
        ctx.close()
    shown_rows = versions(dialog)
    assert [r[VersionColumn.REVISION] for r in shown_rows] == ["r1", "r2"]
    for row, entry in zip(shown_rows, core, strict=True):
        assert row[VersionColumn.SOURCE] == entry.source_label
        assert row[VersionColumn.STATUS] == entry.status_label
        assert row[VersionColumn.RECEIVED] == entry.received_local
        assert row[VersionColumn.SIGNER] == entry.fingerprint != ""
        assert row[VersionColumn.FILE] == entry.file_name
    assert [r[VersionColumn.STATUS] for r in shown_rows] == [
        "Đã được thay bằng lần gửi mới hơn",
        "Đã ghi nhận",
    ]
    # By default the latest two: r1 → r2, only the two values that changed.
    assert (dialog.first.currentIndex(), dialog.second.currentIndex()) == (0, 1)
    a, b, _c = province.counts
    assert table(dialog) == [
        [f"{a.code} {a.title}", format_number(R1[0]), format_number(R2[0])],
        [f"{b.code} {b.title}", format_number(R1[1]), format_number(R2[1])],
    ]
    assert table(dialog)[0][1:] == ["1.250", "1.300"]
    assert dialog.note.text() == ("Từ lần gửi 1 đến lần gửi 2: khác nhau 2 giá trị.")
    # Back the other way: old and new swap; the same version twice compares nothing.
    dialog.comparison = None
    dialog.choose_versions(1, 0)
    wait_compared(qtbot, dialog)
    assert table(dialog)[0][1:] == ["1.300", "1.250"]
    dialog.second.setCurrentIndex(1)
    assert dialog.comparison is None and table(dialog) == []
    assert dialog.note.text() == "Hãy chọn hai bản khác nhau để so sánh."
    dialog.grab().save(str(Path(province.database).parent / "history.png"))
    dialog.close()
    window.close()


def test_from_the_late_list_a_unit_with_nothing_received_says_so(
    qtbot: QtBot, province: Province
) -> None:
    window, workspace = open_window(qtbot, province.database)
    late = workspace.dashboard.show_late()
    assert late is not None
    codes = [late.proxy.index(r, LateColumn.CODE).data() for r in range(late.proxy.rowCount())]
    row = codes.index("CS-00005")
    late.view.setCurrentIndex(late.proxy.index(row, 0))
    with qtbot.waitSignal(workspace.dashboard.history_shown, timeout=5000) as shown:
        QTest.mouseClick(late.history_button, Qt.MouseButton.LeftButton)
    dialog = shown.args[0]
    qtbot.waitUntil(lambda: dialog.history is not None, timeout=30000)
    assert dialog.history.unit_code == "CS-00005"
    assert dialog.versions.rowCount() == 0 and table(dialog) == []
    assert dialog.note.text() == "Chưa nhận được báo cáo nào của đơn vị này."
    assert not dialog.first.isEnabled() and not dialog.second.isEnabled()
    dialog.close()
    late.close()
    window.close()


def test_from_the_roster_the_selected_unit(qtbot: QtBot, province: Province) -> None:
    window, workspace = open_window(qtbot, province.database)
    workspace.show_page("roster")
    roster = workspace.roster
    qtbot.waitUntil(lambda: roster.select_unit(UNIT), timeout=30000)
    assert roster.history_button.isEnabled()
    with qtbot.waitSignal(roster.history_shown, timeout=5000) as shown:
        QTest.mouseClick(roster.history_button, Qt.MouseButton.LeftButton)
    dialog = shown.args[0]
    wait_compared(qtbot, dialog)
    assert dialog.history.unit_code == UNIT
    assert len(table(dialog)) == 2
    # Every stream of the plan is listed; the ones with nothing received say so.
    registration = [i for i in range(dialog.stream.count()) if "(0 " in dialog.stream.itemText(i)]
    assert registration
    dialog.stream.setCurrentIndex(registration[0])
    assert dialog.versions.rowCount() == 0
    assert dialog.note.text() == "Chưa nhận được."
    dialog.close()
    window.close()


def test_from_the_conflicts_page_the_conflicts_unit_and_report(
    qtbot: QtBot, province: Province
) -> None:
    window, workspace = open_window(qtbot, province.database)
    workspace.show_page("conflicts")
    page = workspace.conflicts
    qtbot.waitUntil(lambda: page.list_model.rowCount() == 1, timeout=30000)
    page.list_view.selectRow(0)
    qtbot.waitUntil(lambda: page.detail is not None, timeout=30000)
    assert page.history_button.isEnabled()
    with qtbot.waitSignal(page.history_shown, timeout=5000) as shown:
        QTest.mouseClick(page.history_button, Qt.MouseButton.LeftButton)
    dialog = shown.args[0]
    wait_compared(qtbot, dialog)
    assert dialog.history.unit_code == CONFLICTED
    assert dialog.stream.currentText() == "6 tháng đầu năm 2017 (2 bản)"
    assert [r[VersionColumn.REVISION] for r in versions(dialog)] == ["r1", "r1"]
    other = counts_of(province.demo, CONFLICTED)[0]
    assert table(dialog) == [[f"{other.code} {other.title}", "10", "11"]]
    dialog.close()
    window.close()


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")
def test_opened_from_the_modal_late_list_it_answers_clicks(
    qtbot: QtBot, province: Province
) -> None:
    """The late list is window-modal: the history it opens belongs to it (modal over it),
    so its report chooser and its Close button respond to the mouse."""
    window, workspace = open_window(qtbot, province.database)
    late = workspace.dashboard.show_late()
    assert late is not None
    qtbot.waitExposed(late)
    late.view.setCurrentIndex(late.proxy.index(0, 0))
    with qtbot.waitSignal(workspace.dashboard.history_shown, timeout=5000) as shown:
        QTest.mouseClick(late.history_button, Qt.MouseButton.LeftButton)
    dialog = shown.args[0]
    assert isinstance(dialog, UnitHistoryDialog)
    assert dialog.parent() is late and dialog.isModal()
    qtbot.waitUntil(lambda: dialog.history is not None, timeout=30000)
    qtbot.waitExposed(dialog)
    # A click gives the chooser the focus (a blocked window would not take it), then
    # the keyboard picks another report.
    QTest.mouseClick(dialog.stream, Qt.MouseButton.LeftButton)
    dialog.stream.hidePopup()
    before = dialog.stream.currentIndex()
    QTest.keyClick(dialog.stream, Qt.Key.Key_Down if before == 0 else Qt.Key.Key_Up)
    assert dialog.stream.currentIndex() != before
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    close = buttons.button(QDialogButtonBox.StandardButton.Close)
    assert close.text() == "Đóng"
    QTest.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and late.isVisible()
    late.close()
    window.close()


@pytest.mark.parametrize("origin", ["missing", "late"])
def test_opened_for_a_row_it_shows_that_rows_report_with_every_header_whole(
    qtbot: QtBot, province: Province, origin: str
) -> None:
    """Asked from a row of the year's report (the "not sent" panel or the late list),
    the history shows the year's report, not the registration; no header is cut."""
    window, workspace = open_window(qtbot, province.database)
    page = workspace.dashboard
    if origin == "missing":
        panel = page.missing
        rows = [panel.proxy.mapToSource(panel.proxy.index(r, 0)).row()
                for r in range(panel.proxy.rowCount())]  # fmt: skip
        row = next(r for r in rows if panel.model.row_at(r).stream == "year")
        panel.view.setCurrentIndex(panel.proxy.mapFromSource(panel.model.index(row, 0)))
        button = panel.history_button
    else:
        late = page.show_late()
        assert late is not None
        late.stream.setCurrentIndex(late.stream.findData("year"))
        late.view.setCurrentIndex(late.proxy.index(0, 0))
        button = late.history_button
    with qtbot.waitSignal(page.history_shown, timeout=5000) as shown:
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = shown.args[0]
    assert isinstance(dialog, UnitHistoryDialog)
    qtbot.waitUntil(lambda: dialog.history is not None, timeout=30000)
    assert dialog.history is not None
    chosen = dialog.history.streams[dialog.stream.currentData()]
    assert chosen.stream == "year"
    dialog.resize(1366, 728)
    header = dialog.versions_view.horizontalHeader()
    for column in VersionColumn:
        assert header.sectionSize(column) >= header.sectionSizeFromContents(column).width()
    dialog.close()
    window.close()

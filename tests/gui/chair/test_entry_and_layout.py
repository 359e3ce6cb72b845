"""Titles, typing into cells, the signing date, file names, columns and text size.

The chair's first hour, through the real widgets (the windows are the fixtures of this
folder's conftest)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtTest import QTest

from app.unit.workspace import load_workspace
from db.enums import REGISTRATION_STREAM
from tests.gui.chair.unit_workspace import workspace_of
from tests.gui.widgets import context_of

from ui.shell.main_window import MainWindow


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
        assert unit_window._preferences.font_scale == 1.25  # Windows' 125 %, reachable
        assert unit_window._zoom_reset.text() == "Cỡ chữ bình thường"
        unit_window._zoom_reset.trigger()
        assert QApplication.font().pointSizeF() == normal
        assert unit_window._preferences.font_scale == 1.0
    finally:
        from ui.widgets.fonts import apply_font_scale

        apply_font_scale(1.0)

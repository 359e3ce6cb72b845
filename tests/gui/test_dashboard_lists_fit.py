"""The dashboard's lists at 1366×728, at 100% and 125% text (new-user walkthrough): in the
"Chưa nộp" list the report's name ("6 tháng đầu năm 2017") wrapped onto two lines, its
year against the row's edge; in "Trễ hạn, chưa nộp" the cluster's name wrapped and was
cut, and "Số ngày trễ" ran into the sort arrow. Each of these columns is now as wide as
its text on one line, the header's arrow beside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle, QTableView

from tests.gui.history_province import Province, open_window
from tests.gui.test_federation_reminders import golden, province  # noqa: F401 (fixtures)

from ui.federation.dashboard_missing import FITTED as NOT_SENT_FITTED
from ui.federation.dashboard_models import MissingColumn
from ui.federation.late_units import FITTED, LateColumn

pytestmark = pytest.mark.gui


def whole(view: QTableView, column: int) -> None:
    """Every text of ``column`` fits its width on one line, and so does its header with
    the sort arrow beside it."""
    model, metrics = view.model(), view.fontMetrics()
    assert not view.wordWrap()
    width = view.columnWidth(column)
    for row in range(model.rowCount()):
        text = str(model.index(row, column).data() or "")
        assert width > metrics.horizontalAdvance(text), text
    header = view.horizontalHeader()
    title = str(model.headerData(column, Qt.Orientation.Horizontal))
    arrow = view.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize)
    assert width >= header.fontMetrics().horizontalAdvance(title) + arrow, title


def test_the_not_sent_list_keeps_the_report_on_one_line(
    qtbot: QtBot,
    province: Province,  # noqa: F811
    tmp_path: Path,
    scale: float,
) -> None:
    window, workspace = open_window(qtbot, province.database)
    board = workspace.dashboard
    board.tabs.setCurrentIndex(board.NOT_SENT)
    view = board.missing.view
    assert board.missing.model.rowCount() > 0
    qtbot.wait(100)
    window.grab().save(str(tmp_path / f"not-sent-{scale}.png"))
    assert MissingColumn.STREAM in NOT_SENT_FITTED
    for column in NOT_SENT_FITTED:
        whole(view, column)
    assert any(
        str(view.model().index(row, MissingColumn.STREAM).data()) == "6 tháng đầu năm 2017"
        for row in range(view.model().rowCount())
    )
    window.close()


@pytest.mark.parametrize("choice", [0, 1, 2, 3], ids=["every", "registration", "h1", "year"])
def test_the_late_list_shows_the_cluster_and_the_days_whole(
    qtbot: QtBot,
    province: Province,  # noqa: F811
    tmp_path: Path,
    scale: float,
    choice: int,
) -> None:
    window, workspace = open_window(qtbot, province.database)
    late = workspace.dashboard.show_late()
    assert late is not None
    assert late.stream.count() == 4  # every report has a deadline
    late.stream.setCurrentIndex(choice)
    qtbot.waitExposed(late)
    late.grab().save(str(tmp_path / f"late-{scale}-{choice}.png"))
    assert late.proxy.rowCount() > 0
    for column in FITTED:
        whole(late.view, column)
    assert LateColumn.CLUSTER in FITTED and LateColumn.DAYS in FITTED
    late.close()
    window.close()

"""The scoring screen as a new user meets it (walkthrough, 1366×768, Vietnamese):

- while the scores are computed the tables and the ranking chooser say so (an empty
  grid read as "no data"), a failure says how to try again, and no role's actions show
  before the role is known (the cluster leader's buttons showed at the federation);
- at 100% and 125% the score is wholly visible in the list, the explanation column
  has the room the pane leaves and no row fills the explanation table;
- every unit is listed cluster by cluster in rank order, clusters in natural order,
  and the score's first header click lists the best first.

The worker is held (a job queued before the scoreboard's) so the waiting state is
looked at for certain, whatever the machine's speed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QSplitter

from app.core import i18n
from app.core.context import AppContext, open_context
from app.setup.first_run import initialize
from db import models
from db.enums import Role
from tests.unit.scoring.cluster import YEAR, make_cluster

from ui.scoring.models import ScoreColumn, WhyColumn
from ui.scoring.screen import ScoringScreen
from ui.widgets.placeholder_table import PlaceholderTable
from ui.widgets.tasks import TaskRunner

pytestmark = pytest.mark.gui

WAITING = "Đang tính điểm…"
FAILED = "Không tính được điểm. Hãy bấm Làm mới để thử lại."


@pytest.fixture
def federation(tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_context(tmp_path / "fed.db")
    with ctx.unit_of_work() as session:
        initialize(session, role=Role.FEDERATION, name="LĐLĐ tỉnh Tuyên Quang")
    make_cluster(ctx)
    yield ctx
    ctx.close()


@pytest.fixture
def held(qtbot: QtBot, federation: AppContext) -> Iterator[tuple[ScoringScreen, threading.Event]]:
    """The screen at 1366×768 in Vietnamese, its first load queued behind a held job."""
    i18n.set_language("vi")
    runner = TaskRunner()
    release = threading.Event()
    screen = ScoringScreen(federation, runner)
    qtbot.addWidget(screen)
    screen._keep_runner = runner  # type: ignore[attr-defined]
    screen.resize(1366, 768)
    screen.show()
    runner.run(lambda _p, _t: release.wait(30), print, print, reads=True)
    screen.reload()
    try:
        yield screen, release
    finally:
        release.set()
        qtbot.waitUntil(lambda: not runner.busy(), timeout=20000)


def _painted(table: PlaceholderTable) -> bool:
    """The placeholder is drawn: the viewport differs from the same viewport without it."""

    def image() -> QImage:
        return table.viewport().grab().toImage()

    text = table.placeholder()
    shown = image()
    table.set_placeholder("")
    bare = image()
    table.set_placeholder(text)
    return shown != bare


def _role_actions(screen: ScoringScreen) -> list[str]:
    actions = (
        screen.propose_action,
        screen.withdraw_action,
        screen.flags_action,
        screen.print_proposals_action,
        screen.trust_action,
        screen.import_members_action,
        screen.covenant_action,
    )
    return [a.text() for a in actions if a.isVisible()]


def test_the_scores_are_said_to_be_coming_and_no_role_shows_before_its_own(
    qtbot: QtBot, held: tuple[ScoringScreen, threading.Event], scale: float, tmp_path: Path
) -> None:
    screen, release = held
    qtbot.wait(50)  # painted as the user sees it
    assert screen.board is None
    for table in (screen.table, screen.why):
        assert isinstance(table, PlaceholderTable)
        assert table.placeholder() == WAITING
        assert table.showing_placeholder()
        assert _painted(table)
    assert screen.scope_combo.currentIndex() == -1
    assert screen.scope_combo.placeholderText() == WAITING
    assert screen.plan_combo.currentIndex() == -1
    assert screen.plan_combo.placeholderText() == WAITING
    assert _role_actions(screen) == [], "no role's actions before the role is known"
    assert not screen.rules_action.isEnabled()
    screen.grab().save(str(tmp_path / f"scoring-loading-{int(scale * 100)}.png"))

    with qtbot.waitSignal(screen.loaded, timeout=20000):
        release.set()
    assert screen.model.rowCount() > 0
    assert not screen.table.showing_placeholder()
    assert screen.scope_combo.currentText()
    assert _role_actions(screen) == [
        "Đề nghị…",
        "Rút đề nghị",
        "Đánh dấu…",
        "In danh sách đề nghị…",
    ]
    assert screen.rules_action.isEnabled()
    screen.grab().save(str(tmp_path / f"scoring-loaded-{int(scale * 100)}.png"))


def test_a_failed_load_says_so_and_refresh_tries_again(
    qtbot: QtBot, held: tuple[ScoringScreen, threading.Event], tmp_path: Path
) -> None:
    screen, release = held
    database = sqlite3.connect(tmp_path / "fed.db")
    database.execute("ALTER TABLE cluster RENAME TO cluster_away")  # the read fails
    database.commit()
    with qtbot.waitSignal(screen.failed, timeout=20000):
        release.set()
    for table in (screen.table, screen.why):
        assert table.placeholder() == FAILED
        assert table.showing_placeholder()
        assert _painted(table)
    assert _role_actions(screen) == []
    for widget in QApplication.topLevelWidgets():  # the failure's own dialog
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()

    database.execute("ALTER TABLE cluster_away RENAME TO cluster")
    database.commit()
    database.close()
    with qtbot.waitSignal(screen.loaded, timeout=20000):
        screen.refresh_action.trigger()
        assert screen.table.placeholder() == WAITING, "computing again, not the failure"
    assert not screen.table.showing_placeholder()
    assert screen.model.rowCount() > 0


def test_the_score_and_the_explanation_are_readable(
    qtbot: QtBot,
    federation: AppContext,
    held: tuple[ScoringScreen, threading.Event],
    scale: float,
    tmp_path: Path,
) -> None:
    screen, release = held
    with federation.unit_of_work() as session:  # names as long as real ones
        for unit in session.scalars(select(models.Unit).where(models.Unit.code != "")):
            unit.name = f"Công đoàn cơ sở Công ty Cổ phần Xi măng Tân Quang số {unit.code}"
    with qtbot.waitSignal(screen.loaded, timeout=20000):
        release.set()
    splitter = screen.findChild(QSplitter)
    assert splitter is not None
    assert sum(splitter.sizes()) <= screen.width()

    # The score wholly visible in the list, as wide as its widest figure.
    table = screen.table
    header = table.horizontalHeader()
    right = header.sectionViewportPosition(ScoreColumn.SCORE) + header.sectionSize(
        ScoreColumn.SCORE
    )
    assert header.sectionViewportPosition(ScoreColumn.SCORE) >= 0
    assert right <= table.viewport().width(), (right, table.viewport().width())
    assert header.sectionSize(ScoreColumn.SCORE) >= table.sizeHintForColumn(ScoreColumn.SCORE)

    # The explanation has the room the pane leaves; no row fills the table.
    assert screen.select_unit("A")
    why = screen.why
    rows = screen.why_model.rowCount()
    assert rows > 0

    def fitted() -> bool:
        least = why.verticalHeader().minimumSectionSize()
        return all(why.rowHeight(r) == max(least, why.sizeHintForRow(r)) for r in range(rows))

    qtbot.waitUntil(fitted, timeout=5000)
    width = why.viewport().width()
    widths = [why.columnWidth(c) for c in WhyColumn]
    assert widths[WhyColumn.WHY] == max(widths), widths  # the widest column
    assert widths[WhyColumn.WHY] >= 0.3 * width, (widths, width)
    tallest = max(why.rowHeight(r) for r in range(rows))
    assert tallest <= why.viewport().height() / 3, (tallest, why.viewport().height())
    qtbot.wait(50)  # laid out as the user sees it
    screen.grab().save(str(tmp_path / f"scoring-why-{int(scale * 100)}.png"))


@pytest.fixture
def clusters(federation: AppContext) -> AppContext:
    """Units G, H and U moved to "Cụm 10", "Cụm 2" and "Cụm 1"."""
    with federation.unit_of_work() as session:
        for code, name in (("G", "Cụm 10"), ("H", "Cụm 2"), ("U", "Cụm 1")):
            cluster = models.Cluster(year=YEAR, code=name, name=name)
            session.add(cluster)
            session.flush()
            unit = session.scalar(select(models.Unit).where(models.Unit.code == code))
            assert unit is not None
            entry = session.scalar(
                select(models.RosterEntry).where(
                    models.RosterEntry.unit_id == unit.id, models.RosterEntry.year == YEAR
                )
            )
            assert entry is not None
            entry.cluster_id = cluster.id
    return federation


def test_units_open_in_rank_order_and_the_score_sorts_best_first(
    qtbot: QtBot, clusters: AppContext
) -> None:
    i18n.set_language("vi")
    runner = TaskRunner()
    screen = ScoringScreen(clusters, runner)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    with qtbot.waitSignal(screen.loaded, timeout=20000):
        screen.reload()
    scopes = [screen.scope_combo.itemText(i) for i in range(1, 5)]
    assert scopes == ["Cụm 1", "Cụm 2", "Cụm 10", "Cụm A"], "natural order"

    proxy = screen.proxy

    def shown(column: ScoreColumn) -> list[str]:
        return [str(proxy.index(r, column).data()) for r in range(proxy.rowCount())]

    # Every unit, cluster by cluster, each in its rank: the ranks read 1, 2, 3…
    assert shown(ScoreColumn.CLUSTER) == ["Cụm 1", "Cụm 2", "Cụm 10"] + ["Cụm A"] * 6
    assert shown(ScoreColumn.RANK)[3:] == ["1", "2=", "2=", "4", "5", "—"]

    header = screen.table.horizontalHeader()
    x = (
        header.sectionViewportPosition(ScoreColumn.SCORE)
        + header.sectionSize(ScoreColumn.SCORE) // 2
    )
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorSection() == ScoreColumn.SCORE
    rows = [screen.model.row_at(proxy.mapToSource(proxy.index(r, 0)).row()) for r in range(9)]
    scores = [float(r.score.score) if r.score.score is not None else -1.0 for r in rows]
    assert scores == sorted(scores, reverse=True), "best first on the first click"
    qtbot.waitUntil(lambda: not runner.busy(), timeout=20000)

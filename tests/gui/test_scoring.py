"""The scoring screen through its real widgets: rankings, "why this score", editing the
rules re-scores everyone, a proposal, the proposal print; the main window's menu opens
it; a cluster leader's screen reads its members and prints the covenant."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QTableWidget

from app.core.context import AppContext, open_context
from app.core.preferences import Preferences
from app.setup.first_run import initialize
from db.enums import Role, UnitKind
from tests.gui.widgets import cell, standard_button
from tests.unit.scoring.cluster import ADMIN, make_cluster, write_enrolment

from ui.scoring.dialogs import ProposeDialog
from ui.scoring.models import ScoreColumn, WhyColumn
from ui.scoring.rules_editor import RulesDialog
from ui.scoring.screen import ScoringScreen
from ui.shell.main_window import MainWindow
from ui.widgets.pdf_preview import PdfPreviewDialog
from ui.widgets.tasks import TaskRunner

pytestmark = pytest.mark.gui


@pytest.fixture
def federation(tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_context(tmp_path / "fed.db")
    with ctx.unit_of_work() as session:
        initialize(session, role=Role.FEDERATION, name="LĐLĐ tỉnh Tuyên Quang")
    make_cluster(ctx)
    yield ctx
    ctx.close()


def open_screen(qtbot: QtBot, ctx: AppContext) -> ScoringScreen:
    runner = TaskRunner()
    screen = ScoringScreen(ctx, runner)
    qtbot.addWidget(screen)
    screen._keep_runner = runner  # type: ignore[attr-defined]
    screen.resize(1300, 700)
    screen.show()
    with qtbot.waitSignal(screen.loaded, timeout=20000):
        screen.reload()
    return screen


def visible(kind: type, name: str) -> object | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.objectName() == name and widget.isVisible():
            return widget
    return None


def wait_dialog(qtbot: QtBot, kind: type, name: str) -> object:
    qtbot.waitUntil(lambda: visible(kind, name) is not None, timeout=10000)
    return visible(kind, name)


def column(screen: ScoringScreen, which: ScoreColumn) -> list[str]:
    proxy = screen.proxy
    return [str(proxy.index(r, which).data()) for r in range(proxy.rowCount())]


def choose_scope(qtbot: QtBot, screen: ScoringScreen, text: str) -> None:
    index = screen.scope_combo.findText(text)
    assert index >= 0, [screen.scope_combo.itemText(i) for i in range(screen.scope_combo.count())]
    screen.scope_combo.setCurrentIndex(index)


def test_scoring_screen_ranks_explains_rescores_proposes_and_prints(
    qtbot: QtBot, federation: AppContext
) -> None:
    screen = open_screen(qtbot, federation)
    # All units cluster by cluster, each in its rank (ties by code), then those unranked.
    assert column(screen, ScoreColumn.CODE) == list("ACEDUBFGH")
    assert screen.banner.isHidden()  # the federation's own rules, not the example

    choose_scope(qtbot, screen, "Cụm A")
    assert column(screen, ScoreColumn.CODE) == list("ACEDUBFGH")
    assert column(screen, ScoreColumn.RANK) == ["1", "2=", "2=", "4", "5", "6", "—", "—", "—"]
    assert column(screen, ScoreColumn.SCORE)[:2] == ["103,33", "83,33"]
    # "Score out of 100" with scores above it: the bonus points are said in words.
    assert screen.scale_label.text() == (
        "Scores are on a 100 scale, plus bonus points for indicators exceeded: "
        "some units have more than 100."
    )

    choose_scope(qtbot, screen, "Upper-level union: Công đoàn U")
    assert column(screen, ScoreColumn.CODE) == list("CED")
    assert column(screen, ScoreColumn.RANK) == ["1=", "1=", "3"]
    assert screen.scale_label.text() == "Scores are on a 100 scale."
    choose_scope(qtbot, screen, "Directly under the federation")
    assert column(screen, ScoreColumn.CODE)[:2] == ["A", "U"]
    choose_scope(qtbot, screen, "Cụm A")

    # Why this score: the chair who disputes D's fourth place sees the arithmetic.
    assert screen.select_unit("D")
    header = screen.unit_header.text()
    assert "Rank 4 of 6 with 83,33 points. Same score as C, E." in header
    assert "Score = 100 × 50 / 60 = 83,33." in header
    why = screen.why_model
    rows = {why.index(r, WhyColumn.CODE).data(): r for r in range(why.rowCount())}
    assert why.index(rows["6.2"], WhyColumn.POINTS).data() == "8 / 10"
    assert why.index(rows["6.2"], WhyColumn.WHY).data() == (
        "Registered 50/100 (50,0%), achieved 45/100 (45,0%): 90,0% of the registered. "
        "Band from 90%: 80% of 10 points = 8."
    )
    assert why.index(rows["9a.2"], WhyColumn.POINTS).data() == "—"  # not applicable

    # Edit the rules: group 2 weighted 1 instead of 2; everyone is scored again.
    screen.rules_action.trigger()
    dialog = wait_dialog(qtbot, RulesDialog, "scoring-rules")
    assert isinstance(dialog, RulesDialog)
    groups = dialog.groups
    assert isinstance(groups, QTableWidget)
    assert cell(groups, 1, 0).text() == "G2" and cell(groups, 1, 2).text() == "2"
    cell(groups, 1, 2).setText("1")
    with qtbot.waitSignal(screen.loaded, timeout=20000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert not dialog.isVisible()
    assert column(screen, ScoreColumn.CODE)[:2] == ["A", "D"]
    assert column(screen, ScoreColumn.SCORE)[:2] == ["105,00", "87,50"]

    # A bad figure is refused in the dialog, and nothing changes.
    screen.rules_action.trigger()
    dialog = wait_dialog(qtbot, RulesDialog, "scoring-rules")
    assert isinstance(dialog, RulesDialog)
    cell(dialog.groups, 0, 2).setText("-3")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: "groups[G1].weight" in dialog.message.text(), timeout=10000)
    dialog.reject()

    # Propose A for the Cờ thi đua (the rules suggest it) with its grade.
    assert screen.select_unit("A")
    screen.propose_action.trigger()
    propose = wait_dialog(qtbot, ProposeDialog, "propose-unit")
    assert isinstance(propose, ProposeDialog)
    assert propose.award.currentData() == "co_thi_dua"
    assert propose.grade.currentData() == "vung_manh"
    assert "Đạt 105,00 điểm" in propose.summary.toPlainText()
    with qtbot.waitSignal(screen.loaded, timeout=20000):
        standard_button(propose, QDialogButtonBox.StandardButton.Ok).click()
    assert screen.select_unit("A")
    proposed = screen.proxy.index(screen.table.currentIndex().row(), ScoreColumn.PROPOSED)
    assert proposed.data() == "Cờ thi đua, Vững mạnh"

    # Print the proposal list: the preview opens on the PDF, in Vietnamese.
    with qtbot.waitSignal(screen.printed, timeout=30000) as printed:
        screen.print_proposals_action.trigger()
    preview = wait_dialog(qtbot, PdfPreviewDialog, "pdf-preview")
    assert isinstance(preview, PdfPreviewDialog)
    assert preview.page_count() >= 1
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(printed.args[0])
    text = " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    text = text.replace("\r\n", " ")
    assert "DANH SÁCH" in text and "I. Cờ thi đua của LĐLĐ tỉnh Tuyên Quang (1 tập thể)" in text
    assert "Công đoàn A" in text and "Đạt 105,00 điểm" in text
    preview.reject()


def test_flags_veto_a_unit_from_the_screen(qtbot: QtBot, federation: AppContext) -> None:
    from ui.scoring.dialogs import FlagsDialog

    screen = open_screen(qtbot, federation)
    choose_scope(qtbot, screen, "Cụm A")
    assert screen.select_unit("F")
    screen.flags_action.trigger()
    dialog = wait_dialog(qtbot, FlagsDialog, "unit-flags")
    assert isinstance(dialog, FlagsDialog)
    assert dialog.boxes["fatal_accident"].isChecked()
    dialog.boxes["fatal_accident"].setChecked(False)
    with qtbot.waitSignal(screen.loaded, timeout=20000):
        standard_button(dialog, QDialogButtonBox.StandardButton.Ok).click()
    # Without the flag F is ranked with A's score.
    assert column(screen, ScoreColumn.CODE)[:2] == ["A", "F"]
    assert column(screen, ScoreColumn.RANK)[:2] == ["1=", "1="]


def test_the_main_window_menu_opens_the_scoring_screen(
    qtbot: QtBot, federation: AppContext, tmp_path: Path
) -> None:
    federation.close()
    window = MainWindow(tmp_path / "fed.db", Preferences(language="en"))
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window._installation is not None, timeout=20000)
    window._scoring_action.trigger()
    screen = window.scoring_screen
    assert isinstance(screen, ScoringScreen)
    qtbot.waitUntil(lambda: screen.board is not None, timeout=20000)
    assert screen.isVisible()
    assert screen.model.rowCount() == 9
    # Let every page of the window finish loading before it goes.
    qtbot.waitUntil(lambda: not window._runner.busy(), timeout=20000)
    window.close()


def test_a_cluster_leader_scores_its_members(qtbot: QtBot, tmp_path: Path) -> None:
    from app.demo.province import make_demo
    from app.exchange.signing import fingerprint_groups
    from app.scoring.cluster_leader import import_member_packages, trust_member

    demo = make_demo(out_dir=tmp_path / "province", units=12, seed=3)
    members = [u for u in demo.units if u.kind is UnitKind.GRASSROOTS][:2]
    leader = open_context(tmp_path / "leader.db")
    with leader.unit_of_work() as session:
        initialize(session, role=Role.UNIT, name="Công đoàn cụm trưởng", code="LEAD", sector=ADMIN)
    for member in members:
        trust_member(
            leader,
            path=write_enrolment(member, demo.federation_id, tmp_path),
            fingerprint=fingerprint_groups(member.keypair.public_raw),
            kind=member.kind,
            sector=member.sector,
        )
    import_member_packages(leader, paths=[demo.packages_dir])
    screen = open_screen(qtbot, leader)
    assert screen.board is not None and screen.board.source == "cluster_leader"
    assert not screen.propose_action.isVisible() and screen.covenant_action.isVisible()
    assert sorted(column(screen, ScoreColumn.CODE)) == sorted(["LEAD", *(m.code for m in members)])
    with qtbot.waitSignal(screen.printed, timeout=30000):
        screen.covenant_action.trigger()
    preview = wait_dialog(qtbot, PdfPreviewDialog, "pdf-preview")
    assert isinstance(preview, PdfPreviewDialog) and preview.page_count() >= 1
    preview.reject()
    qtbot.waitUntil(lambda: not screen._keep_runner.busy(), timeout=20000)  # type: ignore[attr-defined]
    leader.close()


def test_the_rules_editor_speaks_words_not_tokens(qtbot: QtBot, federation: AppContext) -> None:
    """Regression: the editor showed no_report, grade, flag, fatal_accident and
    "vung_manh:100; kha:70"; the words it shows now read back to the same rules."""
    from app.core import i18n
    from app.plans.reading import get_plan
    from app.plans.rules_parse import parse_rules
    from app.scoring.rules import load_rules

    i18n.set_language("vi")
    screen = open_screen(qtbot, federation)
    screen.rules_action.trigger()
    dialog = wait_dialog(qtbot, RulesDialog, "scoring-rules")
    assert isinstance(dialog, RulesDialog)
    tokens = {"flag", "grade", "no_report", "reported", "vung_manh", "kha", "fatal_accident"}
    for table in (dialog.vetoes, dialog.indicators):
        for row in range(table.rowCount()):
            for col in range(table.columnCount()):
                item = table.item(row, col)
                if item is None or col == 0:  # the code column is a code by design
                    continue
                words = set(item.text().replace(":", " ").replace(";", " ").split())
                assert not words & tokens, (row, col, item.text())
    saved = load_rules(federation, plan_id="tuyen-quang-2017").rules
    with federation.reading() as session:
        plan = get_plan(session, "tuyen-quang-2017")
    back = parse_rules(dialog.document(), plan)

    def by_code(rules: Any) -> list[Any]:  # the editor lists indicators in the plan's order
        return [sorted(g.indicators, key=lambda r: r.code) for g in rules.groups]

    assert by_code(back) == by_code(saved), "the words read back to the same rules"
    assert (back.vetoes, back.flags, back.awards) == (saved.vetoes, saved.flags, saved.awards)
    dialog.reject()


def test_the_rules_editor_headers_read_whole_and_its_bands_are_said_in_words(
    qtbot: QtBot, federation: AppContext
) -> None:
    """Regression: at 1366×768 the Indicators tab showed "hóm", "Điển", "ổng", and the
    default bands were a bare "100:100; 90:80; …"."""
    from app.core import i18n

    i18n.set_language("vi")
    screen = open_screen(qtbot, federation)
    screen.resize(1366, 768)
    screen.rules_action.trigger()
    dialog = wait_dialog(qtbot, RulesDialog, "scoring-rules")
    assert isinstance(dialog, RulesDialog)
    for table in (dialog.indicators, dialog.vetoes, dialog.awards):
        header = table.horizontalHeader()
        metrics = header.fontMetrics()
        for column in range(table.columnCount() - 1):  # the last one stretches
            item = table.horizontalHeaderItem(column)
            assert item is not None
            widest = max(metrics.horizontalAdvance(line) for line in item.text().splitlines())
            assert header.sectionSize(column) >= widest, item.text()
            assert item.toolTip() == " ".join(item.text().split())
    assert dialog.bands_words.text().startswith(
        "Điểm của một chỉ tiêu: đạt từ 100% so với đăng ký → 100% số điểm; "
        "đạt từ 90% so với đăng ký → 80% số điểm"
    )
    assert dialog.bands_words.text().endswith("dưới mọi mức: 0 điểm.")
    dialog.default_bands.setText("100:100; 90")
    assert dialog.bands_words.text() == (
        "Không đọc được “90”: hãy ghi từng cặp mức đạt:tỷ lệ điểm, ví dụ 100:100; 90:80."
    )
    dialog.reject()


def test_explanation_rows_shrink_when_the_pane_widens(qtbot: QtBot, federation: AppContext) -> None:
    """Regression: rows measured while the pane was narrow stayed 300 px tall."""
    from PySide6.QtWidgets import QSplitter

    screen = open_screen(qtbot, federation)
    splitter = screen.findChild(QSplitter)
    assert splitter is not None
    total = sum(splitter.sizes())
    splitter.setSizes([total - 420, 420])  # the explanation pane squeezed
    assert screen.select_unit("A")
    why = screen.why
    qtbot.waitUntil(lambda: screen.why_model.rowCount() > 0, timeout=5000)

    def heights() -> list[int]:
        return [why.rowHeight(r) for r in range(screen.why_model.rowCount())]

    def fitted() -> bool:  # every row as tall as its text needs at the width it has now
        least = why.verticalHeader().minimumSectionSize()
        return heights() == [
            max(least, why.sizeHintForRow(r)) for r in range(screen.why_model.rowCount())
        ]

    qtbot.waitUntil(fitted, timeout=5000)
    narrow = max(heights())
    splitter.setSizes([total // 5, total - total // 5])  # then dragged wide
    qtbot.waitUntil(lambda: fitted() and max(heights()) < narrow, timeout=5000)


@pytest.fixture(scope="module")
def upper_board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppContext, Any]]:
    from app.demo.province import make_demo
    from app.exchange import import_packages
    from app.scoring import scoreboard

    demo = make_demo(out_dir=tmp_path_factory.mktemp("upper") / "demo", units=30, seed=3)
    ctx = open_context(demo.database)
    import_packages(ctx, paths=[demo.packages_dir], dry_run=False)
    yield ctx, scoreboard(ctx, plan_id="tuyen-quang-2017")
    ctx.close()


UPPER_LABELS = [
    "Hoàn thành xuất sắc nhiệm vụ",
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
    "Không hoàn thành nhiệm vụ",
]


@pytest.mark.parametrize("kind", [UnitKind.UPPER, UnitKind.GRASSROOTS])
@pytest.mark.parametrize("choice", range(1, 5))
def test_the_proposal_grades_a_unit_on_its_levels_scale(
    qtbot: QtBot, upper_board: tuple[AppContext, Any], kind: UnitKind, choice: int
) -> None:
    """An upper-level union is proposed on its own scale, a CĐCS on the plan's: each grade
    choice of the dialog is one the core takes for that unit."""
    from app.scoring import set_proposal

    ctx, board = upper_board
    score = next(s for s in board.scores if s.unit.kind is kind)
    dialog = ProposeDialog(board, score)
    qtbot.addWidget(dialog)
    labels = [dialog.grade.itemText(i) for i in range(1, dialog.grade.count())]
    expected = UPPER_LABELS if kind is UnitKind.UPPER else ["Vững mạnh", "Khá", "Trung bình", "Yếu"]
    assert labels == expected
    dialog.grade.setCurrentIndex(choice)
    proposal = set_proposal(
        ctx, plan_id="tuyen-quang-2017", unit=score.unit.code, grade=dialog.grade.currentData()
    )
    assert board.grade_label(proposal.grade) == expected[choice - 1]
    dialog.reject()


def test_a_grassroots_grade_is_refused_for_an_upper_level_union(
    upper_board: tuple[AppContext, Any],
) -> None:
    from app.core.errors import InputError
    from app.scoring import set_proposal

    ctx, board = upper_board
    score = next(s for s in board.scores if s.unit.kind is UnitKind.UPPER)
    with pytest.raises(InputError, match="year's scale"):
        set_proposal(ctx, plan_id="tuyen-quang-2017", unit=score.unit.code, grade="kha")


def test_the_rules_editor_edits_the_upper_level_scale(qtbot: QtBot, federation: AppContext) -> None:
    """The grades tab holds the upper-level unions' own scale beside the plan's: typed in
    it is saved, renamed a level keeps its code, a level left half empty is refused in
    words with nothing saved, and emptied whole the upper-level unions are graded on the
    plan's scale again."""
    from app.scoring.rules import load_rules

    def rules() -> Any:
        return load_rules(federation, plan_id="tuyen-quang-2017").rules

    screen = open_screen(qtbot, federation)
    assert rules().upper_grades == ()

    def open_rules() -> RulesDialog:
        screen.rules_action.trigger()
        dialog = wait_dialog(qtbot, RulesDialog, "scoring-rules")
        assert isinstance(dialog, RulesDialog)
        return dialog

    def save(dialog: RulesDialog) -> None:
        with qtbot.waitSignal(screen.loaded, timeout=20000):
            dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert not dialog.isVisible()

    dialog = open_rules()
    grades = dialog.grades
    assert [cell(grades, r, 2).text() for r in range(4)] == [""] * 4
    for row, (label, score) in enumerate(zip(UPPER_LABELS, ("85", "70", "50", "0"), strict=True)):
        cell(grades, row, 2).setText(label)
        cell(grades, row, 3).setText(score)
    save(dialog)
    upper = rules().upper_grades
    assert [(g.label, g.min_score) for g in upper] == list(
        zip(UPPER_LABELS, (85, 70, 50, 0), strict=True)
    )
    codes = [g.grade for g in upper]

    dialog = open_rules()
    assert [cell(dialog.grades, r, 2).text() for r in range(4)] == UPPER_LABELS
    assert [cell(dialog.grades, r, 3).text() for r in range(4)] == ["85", "70", "50", "0"]
    cell(dialog.grades, 0, 2).setText("Hoàn thành xuất sắc")
    cell(dialog.grades, 0, 3).setText("90")
    save(dialog)
    upper = rules().upper_grades
    assert (upper[0].label, upper[0].min_score) == ("Hoàn thành xuất sắc", 90)
    assert [g.grade for g in upper] == codes, "a renamed level keeps its code"

    dialog = open_rules()
    cell(dialog.grades, 2, 3).setText("")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.message.text() == (
        "Give every level of the upper-level unions' scale its name and minimum score, "
        "or leave both columns empty."
    )
    assert dialog.isVisible()
    dialog.reject()
    assert rules().upper_grades == upper, "nothing saved"

    dialog = open_rules()
    for row in range(dialog.grades.rowCount()):
        cell(dialog.grades, row, 2).setText("")
        cell(dialog.grades, row, 3).setText("")
    save(dialog)
    assert rules().upper_grades == ()
    dialog = open_rules()
    assert [cell(dialog.grades, r, 2).text() for r in range(4)] == [""] * 4
    dialog.reject()


def test_every_units_rows_are_made_with_the_board_on_the_worker(
    qtbot: QtBot, federation: AppContext
) -> None:
    """On the national database the GUI thread spent ~40 s reading every unit's place in
    its cluster after the board arrived, the window frozen: the job now makes those rows
    with the board, and the table shows that very list (the same row objects)."""
    screen = open_screen(qtbot, federation)
    board = screen.board
    assert board is not None
    made = screen._every_unit  # what the job returned with the board
    assert made is not None and made[0] is board
    assert screen.scope()[0] == "all"
    shown = screen.model.rows()
    assert len(shown) == len(board.scores) > 0
    assert {id(row) for row in shown} == {id(row) for row in made[1]}
    assert [r.placing for r in shown] == [board.cluster_placing(r.score.unit.id) for r in shown]
    choose_scope(qtbot, screen, screen.scope_combo.itemText(1))
    assert screen.scope()[0] == "cluster"
    assert {id(row) for row in screen.model.rows()}.isdisjoint(id(row) for row in made[1])


def test_the_table_model_sorts_its_rows_and_the_selection_follows(
    qtbot: QtBot, federation: AppContext
) -> None:
    """The rows are sorted by the model (a sorting proxy asked ``data`` millions of times
    for the country's units); a header click sorts them stably, the selected unit stays
    selected, and the search still filters in that order."""
    screen = open_screen(qtbot, federation)
    assert screen.proxy.sortColumn() == -1, "the proxy itself does not sort"
    assert screen.model.sort_order() == (ScoreColumn.RANK, Qt.SortOrder.AscendingOrder)
    screen.table.horizontalHeader().setSortIndicator(ScoreColumn.CODE, Qt.SortOrder.AscendingOrder)
    codes = column(screen, ScoreColumn.CODE)
    assert codes == sorted(codes) and len(codes) > 3
    picked = codes[1]
    assert screen.select_unit(picked)
    screen.table.horizontalHeader().setSortIndicator(
        ScoreColumn.SCORE, Qt.SortOrder.DescendingOrder
    )
    rows = [
        screen.model.row_at(screen.proxy.mapToSource(screen.proxy.index(r, 0)).row())
        for r in range(screen.proxy.rowCount())
    ]
    scores = [float(r.score.score) if r.score.score is not None else -1.0 for r in rows]
    assert scores == sorted(scores, reverse=True)
    for n in range(len(rows) - 1):
        if scores[n] == scores[n + 1]:
            assert rows[n].score.unit.code < rows[n + 1].score.unit.code, "ties: given order"
    selected = screen.selected_score()
    assert selected is not None and selected.unit.code == picked
    screen.search.setText(picked)
    assert column(screen, ScoreColumn.CODE) == [picked]

"""Cluster leaders on the roster screen, through the real widgets.

Staff make a unit its cluster's leader and clear it again from the roster
tree (each audited), then re-import the year's roster workbook with
"không" in the leader's row, which clears the leader the workbook names;
the database is read back through the core each time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.audit.view import list_audit
from app.core.context import open_context
from app.core.text import fold
from app.demo.province import Demo, make_demo
from app.roster import search_keys
from app.roster.columns import COLUMNS
from app.roster.tree import list_roster
from app.roster.workbook_export import export_roster_workbook
from db.enums import UnitKind
from tests.gui.widgets import open_federation_window

from ui.federation.roster_models import RosterColumn
from ui.federation.roster_page import CODE_WIDTH, RosterPage

YEAR = 2017


@pytest.fixture
def roster_page(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[Demo, RosterPage]]:
    demo = make_demo(out_dir=tmp_path / "demo", units=20, streams=())
    window, workspace = open_federation_window(qtbot, demo.database, size=(1300, 800))
    workspace.show_page("roster")
    page = workspace.roster
    qtbot.waitUntil(lambda: page.model.units() != [], timeout=20000)
    yield demo, page
    window.close()


def leaders(demo: Demo) -> dict[str, str]:
    ctx = open_context(demo.database)
    try:
        with ctx.reading() as session:
            return {
                u.cluster_code or "": u.code or ""
                for u in list_roster(session, year=YEAR)
                if u.leader
            }
    finally:
        ctx.close()


def test_make_and_clear_a_cluster_leader(
    qtbot: QtBot, roster_page: tuple[Demo, RosterPage], tmp_path: Path
) -> None:
    demo, page = roster_page
    before = leaders(demo)
    unit = next(
        u
        for u in page.model.units()
        if u.kind is UnitKind.GRASSROOTS and u.cluster_code and not u.leader
    )
    cluster = unit.cluster_code or ""
    assert not page.leader_button.isEnabled(), "nothing selected"
    assert page.select_unit(unit.code or "")
    assert page.leader_button.isEnabled() and not page.clear_leader_button.isEnabled()

    with qtbot.waitSignal(page.loaded, timeout=20000), qtbot.waitSignal(page.leader_changed):
        page.leader_button.click()
    assert leaders(demo) == {**before, cluster: unit.code}
    index = page.model.index_of(unit.code or "")
    shown = page.model.index(index.row(), RosterColumn.CLUSTER, index.parent()).data()
    assert shown == f"{cluster} — cụm trưởng"
    assert page.selected_unit() is not None and page.clear_leader_button.isEnabled()
    page.window().grab().save(str(tmp_path / "roster-leader.png"))

    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.clear_leader_button.click()
    assert cluster not in leaders(demo)
    ctx = open_context(demo.database)
    with ctx.reading() as session:
        entries = [r for r in list_audit(session) if r.action == "roster.leader"]
    ctx.close()
    assert [(e.subject, e.detail["leader"]) for e in entries] == [
        (cluster, ""),
        (cluster, unit.code),
    ]


def test_reimport_with_khong_clears_the_leader(
    qtbot: QtBot, roster_page: tuple[Demo, RosterPage], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    demo, page = roster_page
    unit = next(
        u
        for u in page.model.units()
        if u.cluster_code and u.kind is UnitKind.GRASSROOTS and not u.leader
    )
    cluster = unit.cluster_code or ""
    assert page.select_unit(unit.code or "")
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.leader_button.click()
    assert leaders(demo)[cluster] == unit.code

    path = tmp_path / "roster.xlsx"
    ctx = open_context(demo.database)
    with ctx.reading() as session:
        export_roster_workbook(session, year=YEAR, path=path)
    ctx.close()
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    code_column = next(i for i, c in enumerate(COLUMNS, 1) if c.key == "code")
    leader_column = next(i for i, c in enumerate(COLUMNS, 1) if c.key == "leader")
    [row] = [
        r for r in range(2, sheet.max_row + 1) if sheet.cell(r, code_column).value == unit.code
    ]
    assert sheet.cell(row, leader_column).value == "x", "the export marks the leader"
    sheet.cell(row, leader_column).value = "không"
    workbook.save(path)
    with (
        qtbot.waitSignal(page.loaded, timeout=20000),
        qtbot.waitSignal(page.imported, timeout=20000) as imported,
    ):
        page.import_workbook(path)
    assert imported.args[0].leaders_cleared == (cluster,)
    assert cluster not in leaders(demo)


@pytest.mark.parametrize(("kind", "choice"), [(k, c) for k in (0, 1) for c in range(3)])
def test_the_unit_dialog_keeps_each_cluster_to_one_level(
    qtbot: QtBot, roster_page: tuple[Demo, RosterPage], tmp_path: Path, kind: int, choice: int
) -> None:
    """Each cluster choice for a new CĐCS (kind 0) and upper-level union (kind 1): the
    demo's "Cụm 1" groups upper-level unions, "Cụm CĐCS 1" grassroots unions; a unit
    put in the other level's cluster is refused in the dialog, which keeps what was typed."""
    from PySide6.QtWidgets import QDialogButtonBox

    from tests.gui.typing import type_text

    _demo, page = roster_page
    dialog = page.ask_add()
    assert [dialog.cluster.itemText(i) for i in range(dialog.cluster.count())] == [
        "",
        "Cụm 1",
        "Cụm CĐCS 1",
    ]
    type_text(dialog.code, "CS-T01")
    type_text(dialog.name, "CĐCS thử")
    dialog.kind.setCurrentIndex(kind)
    dialog.sector.setCurrentIndex(1 if kind == 0 else 0)
    dialog.cluster.setCurrentIndex(choice)
    cluster = dialog.cluster.currentText()
    upper = dialog.kind.currentData() == "Cấp trên"
    assert upper is (kind == 1)
    refused = (cluster == "Cụm 1" and not upper) or (cluster == "Cụm CĐCS 1" and upper)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    if refused:
        save.click()
        qtbot.waitUntil(lambda: not dialog.problems.isHidden(), timeout=10000)
        said = " ".join(dialog.problems.text().split())
        level = "công đoàn cấp trên trực tiếp cơ sở" if not upper else "công đoàn cơ sở"
        assert f"“{cluster}” gồm các {level}" in said, said
        assert dialog.isVisible() and dialog.name.text() == "CĐCS thử"
        dialog.grab().save(str(tmp_path / "refused.png"))
        dialog.reject()
        assert "CS-T01" not in [u.code for u in page.model.units()]
    else:
        with qtbot.waitSignal(page.unit_saved, timeout=20000):
            save.click()
        assert not dialog.isVisible()
        qtbot.waitUntil(lambda: page.select_unit("CS-T01"), timeout=20000)


def test_the_search_keys_come_with_the_roster_from_the_worker(
    qtbot: QtBot, roster_page: tuple[Demo, RosterPage]
) -> None:
    """The country's 126,000 units took ~5 s to fold on the first keystroke, the window
    frozen: the keys are now made by the job that reads the roster, so the model holds
    them as soon as the units arrive, before any search, and a search uses them."""
    _demo, page = roster_page
    assert page.model.has_search_keys()
    unit = next(u for u in page.model.units() if u.kind is UnitKind.GRASSROOTS)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.reload()
    assert page.model.has_search_keys()
    page.search_for(unit.name.upper())
    shown: list[str] = []
    rows = [page.proxy.index(r, 0) for r in range(page.proxy.rowCount())]
    while rows:
        index = rows.pop()
        shown.append(page.proxy.index(index.row(), RosterColumn.CODE, index.parent()).data())
        rows += [page.proxy.index(r, 0, index) for r in range(page.proxy.rowCount(index))]
    assert unit.code in shown
    assert all(u.code in shown for u in page.model.units() if u.name == unit.name), (
        "every unit of that name found, its ancestors kept"
    )


def test_a_search_finds_the_words_typed_in_any_order(
    qtbot: QtBot, roster_page: tuple[Demo, RosterPage]
) -> None:
    """A new user typed "cong doan co so 12" for "Công đoàn cơ sở số 12" and found
    nothing: the words had to follow one another. Every word found anywhere is enough."""
    _demo, page = roster_page
    unit = next(u for u in page.model.units() if u.kind is UnitKind.GRASSROOTS)
    words = fold(unit.name).split()
    page.search_for(" ".join(reversed(words)))  # e.g. "12 so co so doan cong"
    assert len(words) > 1 and unit.code in page.visible_codes()
    assert page.summary.text().startswith("Tìm thấy ")


def test_a_search_that_finds_nothing_says_so(
    qtbot: QtBot, roster_page: tuple[Demo, RosterPage]
) -> None:
    """An empty tree after a search must not read as an empty roster."""
    _demo, page = roster_page
    whole = page.summary.text()
    page.search_for("khong co don vi nao ten nhu the nay")
    assert page.proxy.rowCount() == 0
    assert page.summary.text().startswith("Không có đơn vị nào khớp với nội dung tìm và bộ lọc.")
    page.search_for("")
    assert page.summary.text() == whole


def test_a_roster_set_without_keys_folds_them_on_the_first_search(
    qtbot: QtBot, roster_page: tuple[Demo, RosterPage]
) -> None:
    _demo, page = roster_page
    units = page.model.units()
    page.model.set_units(units)
    assert not page.model.has_search_keys()
    page.search_for("cong doan")
    assert page.model.has_search_keys() and page.proxy.rowCount() > 0
    with pytest.raises(ValueError, match="one search key per unit"):
        page.model.set_units(units, ["only one"])


def test_the_code_column_fits_the_longest_code_at_its_depth(
    qtbot: QtBot, roster_page: tuple[Demo, RosterPage]
) -> None:
    """A unit of an upper-level union sits two levels in: its code must not be cut."""
    _demo, page = roster_page
    units = page.model.units()
    member = next(u for u in units if u.kind is UnitKind.GRASSROOTS and u.parent_id)
    long_code = "CĐCS-2017-00012345"
    longer = [replace(u, code=long_code) if u.id == member.id else u for u in units]
    page._loaded((longer, search_keys(longer)))
    index = page.model.index_of(long_code)
    depth = 0
    parent = index.parent()
    while parent.isValid():
        depth += 1
        parent = parent.parent()
    assert depth >= 1
    needed = page.view.indentation() * (depth + 1) + page.view.fontMetrics().horizontalAdvance(
        long_code
    )
    assert page.view.columnWidth(RosterColumn.CODE) >= needed
    font = page.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)  # the text made larger: the column follows
    page.setFont(font)
    larger = page.view.indentation() * (depth + 1) + page.view.fontMetrics().horizontalAdvance(
        long_code
    )
    assert larger > needed
    qtbot.waitUntil(lambda: page.view.columnWidth(RosterColumn.CODE) >= larger, timeout=5000)
    page._loaded((units, search_keys(units)))
    assert page.view.columnWidth(RosterColumn.CODE) >= CODE_WIDTH

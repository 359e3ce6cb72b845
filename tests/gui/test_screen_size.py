"""Every window and dialog fits a 1366×768 screen, at 100% and at 125% text.

Regression: the unit's window needed 995 pixels of height, so on the most
common office laptop screen the title buttons, "Công trình" and the status bar
could not be reached even maximised; the print preview opened 900×1000.

Each top-level window and dialog of both modes is built here on real data (a
demo province with a conflict, a unit database) and its minimum size must fit
1366×728 (the screen less a taskbar); the size it opens at must fit the
screen it opens on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QWidget

from app.core import i18n
from app.core.context import AppContext, open_context
from app.core.preferences import Preferences
from db.enums import REGISTRATION_STREAM
from tests.gui.screen_size import check
from tests.helpers import PLAN

from ui.shell.main_window import MainWindow


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, AppContext]]:
    from app.demo.province import make_demo
    from app.exchange.merge import import_packages
    from tests.gui.federation_screens import build_drop_folder

    folder = tmp_path_factory.mktemp("size")
    demo = make_demo(out_dir=folder / "demo", units=12, seed=3)
    drop = build_drop_folder(demo, folder / "usb")
    ctx = open_context(demo.database)
    import_packages(ctx, paths=[demo.packages_dir], dry_run=False)
    import_packages(ctx, paths=[drop.folder], dry_run=False)
    yield demo, ctx
    ctx.close()


def window_on(qtbot: QtBot, database: Path, scale: float) -> MainWindow:
    i18n.set_language("vi")
    window = MainWindow(database, Preferences(language="vi", font_scale=scale))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.plan_shown, timeout=30000):
        window.start()
    return window


def test_the_unit_window_fits(qtbot: QtBot, tmp_path: Path, scale: float) -> None:
    from db.enums import Sector
    from tests.helpers import unit_database

    database = tmp_path / "unit.db"
    unit_database(
        database,
        name="Công đoàn Công ty Cổ phần Xi măng Tân Quang",
        code="CS-0001",
        sector=Sector.NON_STATE_ENTERPRISE,
    ).close()
    window = window_on(qtbot, database, scale)
    assert window.unit_workspace is not None
    for stream in window.unit_workspace.pages:
        window.unit_workspace.tabs.setCurrentWidget(window.unit_workspace.page(stream))
        check(window, f"unit window, tab {stream}")


def test_the_federation_window_fits(
    qtbot: QtBot, province: tuple[Any, AppContext], scale: float
) -> None:
    demo, _ctx = province
    window = window_on(qtbot, demo.database, scale)
    workspace = window.federation_workspace
    assert workspace is not None
    for page in ("dashboard", "import", "keys", "conflicts", "roster", "plan", "audit"):
        workspace.show_page(page)
        check(window, f"federation window, {page}")


def dialogs(demo: Any, ctx: AppContext, tmp: Path) -> dict[str, Callable[[], QWidget]]:
    """Every dialog and secondary window, built on real values of the province."""
    from app.core import domain
    from app.core.crashlog import Incident
    from app.exchange import stream_label
    from app.exchange.conflicts import conflict_detail, list_conflict_rows
    from app.exchange.enrolment import key_overview
    from app.plans.reading import get_plan
    from app.printing.documents import print_province_summary
    from app.rollup.dashboard import scope_choices, units_behind
    from app.rollup.query import rollup
    from app.roster.rows import RosterError, RowError
    from app.scoring.sources import scoreboard
    from app.unit.filling import ValueChange, WorkbookPreview

    from ui.federation.accept_key_dialog import AcceptKeyDialog
    from ui.federation.indicator_dialog import IndicatorDialog, TargetDialog
    from ui.federation.plan_dialogs import EditPlanDialog, ExportPlanDialog
    from ui.federation.return_dialog import ReturnDialog
    from ui.federation.roster_dialogs import RowErrorsDialog
    from ui.federation.units_behind import UnitsBehindDialog
    from ui.scoring.dialogs import FlagsDialog, ProposeDialog, TrustMemberDialog
    from ui.scoring.rules_editor import RulesDialog
    from ui.scoring.screen import ScoringWindow
    from ui.shell.first_run import FirstRunDialog
    from ui.shell.move_dialog import MoveDialog
    from ui.shell.shared_database import SharedDatabaseDialog
    from ui.unit.import_preview import ImportPreviewDialog
    from ui.widgets.errors import CrashDialog
    from ui.widgets.pdf_preview import PdfPreviewDialog
    from ui.widgets.tasks import TaskRunner

    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
        choices = scope_choices(session, year=plan.year)
        item = next(r for r in rollup(session, plan_id=PLAN) if r.indicator.code == "2.1")
        behind = units_behind(
            session, plan_id=PLAN, indicator_code="2.1", target=item.target, stream="year"
        )
    board = scoreboard(ctx, plan_id=PLAN)
    score = board.scores[0]
    [conflict, *_] = list_conflict_rows(ctx)
    detail = conflict_detail(ctx, conflict_id=conflict.id)
    key = key_overview(ctx)[0]
    runner = TaskRunner()
    pdf = print_province_summary(ctx, plan_id=PLAN, out=tmp / "tong-hop.pdf")
    preview = WorkbookPreview(
        tmp / "dang-ky.xlsx",
        PLAN,
        REGISTRATION_STREAM,
        tuple(
            ValueChange(i.code, i.title, None, domain.UnitValue(amount=5))
            for i in plan.indicators
            if i.kind.value == "count"
        ),
        0,
        {},
    )
    roster_error = RosterError([RowError(n, "B", "Tên đơn vị bị trống.") for n in range(5, 40)])
    from app.scoring.rules import get_rules

    with ctx.reading() as session:
        rules = get_rules(session, plan).rules
    return {
        "first run": lambda: FirstRunDialog(),
        "crash": lambda: CrashDialog(
            Incident("20171231-000000-abcd", "RuntimeError: x", "Traceback…")
        ),
        "shared database": lambda: SharedDatabaseDialog("", runner),
        "move the data": lambda: MoveDialog(str(demo.database), runner),
        "roster errors": lambda: RowErrorsDialog(tmp / "danh-sach.xlsx", roster_error),
        "plan packages": lambda: ExportPlanDialog(plan, choices),
        "plan header": lambda: EditPlanDialog(plan),
        "accept key": lambda: AcceptKeyDialog(key),
        "target": lambda: TargetDialog(plan, plan.indicator("2.1").kind, {}),
        "indicator": lambda: IndicatorDialog(plan, {}),
        "units behind": lambda: UnitsBehindDialog(plan, item, "year", "Toàn tỉnh", behind),
        "return": lambda: ReturnDialog(detail, tmp),
        "excel import": lambda: ImportPreviewDialog(plan, preview, lambda s: stream_label(s, plan)),
        "pdf preview": lambda: PdfPreviewDialog(pdf),
        "scoring": lambda: ScoringWindow(ctx, runner),
        "scoring rules": lambda: RulesDialog(plan, rules),
        "proposal": lambda: ProposeDialog(board, score),
        "flags": lambda: FlagsDialog(board, score),
        "trust member": lambda: TrustMemberDialog("CS-0001", "Công đoàn cơ sở số 1", "0000-1111"),
    }


DIALOGS = [
    "first run",
    "crash",
    "shared database",
    "move the data",
    "roster errors",
    "plan packages",
    "plan header",
    "accept key",
    "target",
    "indicator",
    "units behind",
    "return",
    "excel import",
    "pdf preview",
    "scoring",
    "scoring rules",
    "proposal",
    "flags",
    "trust member",
]


@pytest.mark.parametrize("name", DIALOGS)
def test_every_dialog_fits(
    qtbot: QtBot,
    tmp_path: Path,
    province: tuple[Any, AppContext],
    scale: float,
    name: str,
) -> None:
    demo, ctx = province
    i18n.set_language("vi")
    build = dialogs(demo, ctx, tmp_path)
    assert set(build) == set(DIALOGS)
    widget = build[name]()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    check(widget, name)

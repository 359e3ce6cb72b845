"""The roster workbook round trip, the command line's exports, and sheet titles, resends
and target filters.

The province workbook and the roster workbook, on a merged demo province (the fixtures of
this folder's conftest), on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app import cli
from app.core.context import AppContext, open_context
from app.demo.province import Demo
from app.exchange.merge import import_packages
from app.rollup.indicator_sheets import FIRST_ROW
from app.rollup.workbook import SUMMARY_SHEET
from app.roster.columns import COLUMNS
from app.roster.tree import list_roster
from app.roster.workbook_export import export_roster_workbook
from app.roster.workbook_import import import_roster
from app.setup.first_run import initialize
from db import models
from db.enums import Role, UnitKind
from tests.unit.spreadsheets.evaluator import (
    Evaluator,
)
from tests.unit.spreadsheets.workbooks import (
    PLAN,
    YEAR,
    check_against_rollup,
    export,
    rollups,
    summary_rows,
)

#: The merged data and the workbook made from it: the same on SQLite and PostgreSQL.
pytestmark = pytest.mark.both_backends


# --- the roster workbook ----------------------------------------------------------------


def roster_state(ctx: AppContext) -> tuple[object, ...]:
    with ctx.reading() as session:
        units = list_roster(session, year=YEAR)
        chairs = session.execute(
            select(models.Unit.code, models.Unit.chair_name).order_by(models.Unit.id)
        ).all()
        leaders = session.execute(
            select(models.Cluster.code, models.Cluster.leader_unit_id).order_by(models.Cluster.id)
        ).all()
        clusters = session.scalars(select(models.Cluster.id).order_by(models.Cluster.code)).all()
    return units, chairs, leaders, clusters


def test_roster_round_trip_changes_nothing(demo: Demo, fed: AppContext, tmp_path: Path) -> None:
    tricky = demo.units[3]
    with fed.unit_of_work() as session:
        unit = session.get(models.Unit, tricky.id)
        assert unit is not None
        unit.name = '=HYPERLINK("x") Công đoàn'  # text, never a formula
        unit.chair_name = "Nguyễn Thị Bình"
    before = roster_state(fed)
    path = tmp_path / "danh-sach.xlsx"
    with fed.reading() as session:
        result = export_roster_workbook(session, year=YEAR, path=path)
    assert result.rows == len(demo.units)

    sheet = load_workbook(path).worksheets[0]
    assert [sheet.cell(1, c).value for c in range(1, len(COLUMNS) + 1)] == [
        c.header for c in COLUMNS
    ]
    assert sheet.freeze_panes == "C2" and sheet.cell(1, 1).font.bold
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == tricky.code)
    assert sheet.cell(row, 2).data_type == "s"
    assert sheet.cell(row, 10).value == "Nguyễn Thị Bình"

    with fed.unit_of_work() as session:
        imported = import_roster(session, path=path, year=YEAR)
    assert (imported.created, imported.updated, imported.unchanged) == (0, 0, len(demo.units))
    assert roster_state(fed) == before


def test_roster_export_rebuilds_the_tree_in_another_database(
    demo: Demo, fed: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "danh-sach.xlsx"
    with fed.reading() as session:
        export_roster_workbook(session, year=YEAR, path=path)
        original = list_roster(session, year=YEAR)
    other = open_context(tmp_path / "other.db")
    try:
        with other.unit_of_work() as session:
            initialize(session, role=Role.FEDERATION, name="LĐLĐ tỉnh khác")
            result = import_roster(session, path=path, year=YEAR)
            copied = list_roster(session, year=YEAR)
    finally:
        other.close()
    assert result.created == len(demo.units)

    def shape(units: list[Any]) -> set[tuple[object, ...]]:
        codes = {u.id: u.code for u in units}
        return {
            (
                u.code,
                u.name,
                u.kind,
                u.sector,
                codes.get(u.parent_id),
                u.cluster_code,
                u.member_count,
                u.worker_count,
                u.phone,
                u.email,
            )
            for u in units
            if u.parent_id is not None
        }

    assert shape(copied) == shape(original)


# --- the command line -------------------------------------------------------------------


def test_cli_report_xlsx_and_roster_export(
    demo: Demo, fed: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "tong-hop.xlsx"
    db = fed.url
    assert cli.main(["--db", db, "--lang", "en", "report", "xlsx", "--out", str(report)]) == 0
    assert "Province workbook written to" in capsys.readouterr().out
    assert load_workbook(report).sheetnames[0] == SUMMARY_SHEET

    roster = tmp_path / "danh-sach.xlsx"
    assert cli.main(["--db", db, "roster", "export", "--out", str(roster), "--json"]) == 0
    assert f'"rows": {len(demo.units)}' in capsys.readouterr().out

    code = cli.main(
        ["--db", db, "--lang", "en", "report", "xlsx", "--plan", "nope", "--out", str(report)]
    )
    assert code == 1
    assert "There is no plan with the id nope." in capsys.readouterr().err
    code = cli.main(
        ["--db", db, "--lang", "vi", "roster", "export", "--out", str(tmp_path / "no" / "r.xlsx")]
    )
    assert code == 1
    assert "không tồn tại" in capsys.readouterr().err


def test_sheet_titles_are_made_valid_and_unique() -> None:
    from app.rollup.indicator_sheets import sheet_title as _sheet_title

    used = {SUMMARY_SHEET.casefold(), "history"}
    assert _sheet_title("9đ.1", used) == "9đ.1"
    assert _sheet_title("a/b:c*d?[e]\\f", used) == "a-b-c-d--e--f"
    assert _sheet_title("History", used) == "History (2)"
    long = _sheet_title("x" * 40, used)
    assert long == "x" * 31
    assert _sheet_title("X" * 40, used) == "X" * 27 + " (2)"
    assert _sheet_title("Tổng hợp", used) == "Tổng hợp (2)"


def test_demo_values_are_what_the_workbook_shows_after_a_resend(
    demo: Demo, fed: AppContext, tmp_path: Path
) -> None:
    """A unit that resends its annual report: the workbook shows the merged (new) values."""
    from app.demo.province import write_report

    unit = next(u for u in demo.units if "2.1" in u.values["year"])
    values = dict(unit.values["year"])
    values["2.1"] = dataclasses.replace(values["2.1"], amount=9_999)
    with fed.reading() as session:
        head = session.get(models.StreamHead, (unit.id, PLAN, "year"))
        assert head is not None
        previous = head.package_hash
    resent = write_report(
        unit,
        demo.plan,
        demo.federation_id,
        "year",
        values,
        tmp_path,
        revision=2,
        supersedes=previous,
    )
    assert [i.outcome.value for i in import_packages(fed, paths=[resent], dry_run=False).items] == [
        "updated"
    ]
    workbook = load_workbook(export(fed, tmp_path / "tong-hop.xlsx"))
    sheet = workbook["2.1"]
    row = next(
        r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, 1).value == unit.code
    )
    assert sheet.cell(row, 11).value == 9_999  # 2.1: value and counted per stream, year at K
    evaluator = Evaluator(workbook)
    check_against_rollup(
        lambda cell: evaluator.cell(SUMMARY_SHEET, cell), summary_rows(workbook), rollups(fed)
    )


def test_target_filters_narrow_the_indicator_sheet_like_the_rollup(demo: Demo) -> None:
    from app.rollup.indicator_sheets import KIND_COL, SECTOR_COL
    from app.rollup.summary_formulas import target_filters as _target_filters
    from db.enums import Sector

    plan = demo.plan
    one = plan.indicator("1")  # every unit; targets by sector group
    assert _target_filters(one, one.targets[0]) == [(SECTOR_COL, ("HCSN",))]
    assert _target_filters(one, one.targets[1]) == [(SECTOR_COL, ("DNNN", "NGOÀI NN", "FDI"))]
    nine_b = plan.indicator("9b")  # enterprises only; its target covers them all
    assert _target_filters(nine_b, nine_b.targets[0]) == []
    each = plan.indicator("9đ.2")  # the target's kinds are the indicator's: no filter
    assert _target_filters(each, each.targets[0]) == []
    upper_only = dataclasses.replace(
        one.targets[0], sectors=(), unit_kinds=(UnitKind.UPPER, UnitKind.FEDERATION)
    )
    assert _target_filters(one, upper_only) == [(KIND_COL, ("LĐLĐ tỉnh", "Cấp trên"))]
    both = dataclasses.replace(upper_only, sectors=(Sector.FDI,))
    assert _target_filters(one, both) == [
        (SECTOR_COL, ("FDI",)),
        (KIND_COL, ("LĐLĐ tỉnh", "Cấp trên")),
    ]

"""The roster on screen and the workbook's messages: one unit added, changed,
moved and retired with the workbook's own checks (audited); every row error
in one pass; every conversion and coercion reported per cell; the template's
drop-down lists and instructions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.core.context import AppContext
from app.core.errors import InputError, NotFoundError
from app.core.legacy_text import Encoding, from_unicode
from app.roster.rows import RosterError
from app.roster.template import write_roster_template
from app.roster.tree import list_roster
from app.roster.unit_edit import retire_roster_unit, save_roster_unit
from app.roster.workbook_import import import_roster
from db import models
from tests.unit.roster.workbooks import GOOD, YEAR, fingerprint, run_import, write_workbook

pytestmark = pytest.mark.both_backends


@pytest.fixture
def roster(ctx: AppContext, tmp_path: Path) -> AppContext:
    run_import(ctx, write_workbook(tmp_path / "roster.xlsx", GOOD))
    return ctx


def unit_values(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": "CS-0100",
        "name": "CĐCS Trường Tiểu học Kim Phú",
        "kind": "CĐCS",
        "sector": "HCSN",
        "parent": "LDH-01",
        "cluster": "Cụm 3",
        "leader": "",
        "members": 31,
        "workers": 33,
        "chair": "Hoàng Thị Lan",
        "phone": "0207 3811 999",
        "email": "kimphu@example.vn",
    }
    values.update(changes)
    return values


def by_code(ctx: AppContext) -> dict[str | None, Any]:
    with ctx.reading() as session:
        return {u.code: u for u in list_roster(session, year=YEAR)}


def save(ctx: AppContext, *, creating: bool, **changes: Any) -> Any:
    with ctx.unit_of_work() as session:
        return save_roster_unit(
            session, year=YEAR, values=unit_values(**changes), creating=creating
        )


def refused_save(ctx: AppContext, *, creating: bool, **changes: Any) -> RosterError:
    with ctx.reading() as session:
        before = fingerprint(session)
    with pytest.raises(RosterError) as info:
        save(ctx, creating=creating, **changes)
    with ctx.reading() as session:
        assert fingerprint(session) == before, "a refused unit changes nothing"
    return info.value


def test_a_unit_is_added_changed_moved_and_retired_on_screen(roster: AppContext) -> None:
    added = save(roster, creating=True)
    assert (added.created, added.updated) == (1, 0)
    unit = by_code(roster)["CS-0100"]
    assert (unit.name, unit.cluster_code, unit.member_count) == (
        "CĐCS Trường Tiểu học Kim Phú",
        "Cụm 3",
        31,
    )
    # Changed: the chair and the count; moved: another upper level and cluster.
    changed = save(roster, creating=False, chair="Đỗ Văn Hùng", parent="LDH-02", cluster="Cụm 2")
    assert (changed.created, changed.updated) == (0, 1)
    parent_ids = {u.code: u.id for u in by_code(roster).values()}
    unit = by_code(roster)["CS-0100"]
    assert (unit.parent_id, unit.cluster_code) == (parent_ids["LDH-02"], "Cụm 2")
    same = save(roster, creating=False, chair="Đỗ Văn Hùng", parent="LDH-02", cluster="Cụm 2")
    assert (same.updated, same.unchanged) == (0, 1)
    with roster.unit_of_work() as session:
        retire_roster_unit(session, year=YEAR, code="CS-0100")
    assert "CS-0100" not in by_code(roster)
    with roster.reading() as session:
        actions = list(
            session.scalars(
                select(models.AuditEntry.action)
                .where(models.AuditEntry.subject == "CS-0100")
                .order_by(models.AuditEntry.id)
            )
        )
    assert actions == [
        "roster.unit.add",
        "roster.unit.edit",
        "roster.unit.edit",
        "roster.unit.retire",
    ]


@pytest.mark.parametrize(
    ("changes", "creating", "column", "message"),
    [
        ({"code": "CS-0001"}, True, "code", "code CS-0001 is already in the roster"),
        ({"code": "CS-9999"}, False, "code", "no unit with code CS-9999 in the roster"),
        ({"name": ""}, True, "name", "the unit name is missing"),
        ({"kind": "hội"}, True, "kind", "unknown kind “hội”"),
        ({"sector": ""}, True, "sector", "a grassroots union needs a sector"),
        ({"parent": "CS-0001"}, True, "parent", "the upper level CS-0001 is a grassroots union"),
        ({"parent": "XX-1"}, True, "parent", "no unit with code XX-1 in the roster"),
        ({"members": "nhiều"}, True, "members", "must be a whole number from 0 to 10,000,000"),
        ({"email": "kimphu@"}, True, "email", "not an e-mail address (“kimphu@”)"),
        ({"name": "x" * 301}, True, "name", "longer than 300 characters"),
        ({"leader": "x", "cluster": ""}, True, "leader", "a cluster leader needs its cluster"),
        (
            {"cluster": "Cụm 1"},
            True,
            "cluster",
            "cluster Cụm 1 groups upper-level unions: a grassroots union cannot join it",
        ),
    ],
)
def test_the_editor_refuses_what_the_workbook_refuses(
    roster: AppContext, changes: dict[str, Any], creating: bool, column: str, message: str
) -> None:
    error = refused_save(roster, creating=creating, **changes)
    assert (column, message) in {(e.column, e.translated()) for e in error.errors}


def test_moving_an_upper_level_under_its_own_unit_is_a_loop(roster: AppContext) -> None:
    # LDH-01 moved under a unit that sits under it would close a loop.
    upper = {"kind": "Cấp trên", "sector": "", "cluster": "Cụm 1"}  # Cụm 1: upper-level unions
    save(roster, creating=True, code="LDH-03", parent="LDH-01", **upper)
    loop = refused_save(
        roster, creating=False, code="LDH-01", name="LĐLĐ huyện Yên Sơn", parent="LDH-03", **upper
    )
    assert any("loop" in e.message for e in loop.errors)


def test_a_unit_with_units_under_it_is_not_retired(roster: AppContext) -> None:
    with roster.reading() as session:
        before = fingerprint(session)
    with roster.unit_of_work() as session, pytest.raises(InputError) as info:
        retire_roster_unit(session, year=YEAR, code="LDH-01")
    assert "move them to another upper level first" in info.value.message
    with roster.unit_of_work() as session, pytest.raises(NotFoundError):
        retire_roster_unit(session, year=YEAR, code="NOPE")
    with roster.reading() as session:
        assert fingerprint(session) == before


def test_every_row_error_comes_in_one_pass(ctx: AppContext, tmp_path: Path) -> None:
    """Regression: a messy workbook's errors came in three rounds (cells, then
    upper levels, then loops)."""
    rows = [list(r) for r in GOOD]
    rows[0][7] = "nhiều"  # row 2: a count that is not a number (a cell error)
    rows[3][4] = "XX-9"  # row 5: an upper level nobody knows (a relation error)
    rows[6][6] = "x"  # row 8: Cụm 3 led twice (CS-0002 on row 6 leads it)
    path = write_workbook(tmp_path / "messy.xlsx", rows)
    with ctx.unit_of_work() as session, pytest.raises(RosterError) as info:
        import_roster(session, path=path, year=YEAR)
    found = {(e.row, e.column) for e in info.value.errors}
    assert {(2, "members"), (5, "parent"), (8, "leader")} <= found


def test_conversions_and_coercions_are_reported_per_cell(ctx: AppContext, tmp_path: Path) -> None:
    """Regression: TCVN3 names were converted silently; "1.200", empty counts and
    "hcsn" were taken without a word; an invalid e-mail was accepted."""
    rows = [list(r) for r in GOOD]
    rows[4][1] = from_unicode("CĐCS Trường THPT Yên Sơn", Encoding.TCVN3)
    rows[4][3] = "hcsn"
    path = write_workbook(tmp_path / "legacy.xlsx", rows)
    result = run_import(ctx, path)
    notes = {(n.row, n.column): n.translated() for n in result.notes}
    assert notes[(6, "name")].endswith("converted to “CĐCS Trường THPT Yên Sơn”")
    assert notes[(6, "sector")] == "“hcsn” read as HCSN"
    assert notes[(2, "members")] == "“1.200” read as 1200"
    rows[3][11] = "xmtq.example.vn"
    with ctx.unit_of_work() as session, pytest.raises(RosterError) as info:
        import_roster(session, path=write_workbook(tmp_path / "mail.xlsx", rows), year=YEAR)
    assert (5, "email") in {(e.row, e.column) for e in info.value.errors}


def test_the_template_has_lists_instructions_and_examples(tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    write_roster_template(path)
    book = load_workbook(path)
    assert book.sheetnames == ["Danh sách đơn vị", "Hướng dẫn"]
    sheet = book["Danh sách đơn vị"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["C2"] == '"CĐCS,Cấp trên"'
    assert lists["D2"] == '"HCSN,DNNN,NGOÀI NN,FDI"'
    assert lists["G2"] == '"x,không"'
    assert lists["H2"] == "0"  # whole numbers from 0
    guide = book["Hướng dẫn"]
    assert guide.cell(row=2, column=1).value == "Mã đơn vị"
    assert "Bắt buộc" in str(guide.cell(row=2, column=2).value)
    assert sheet.max_row == 3, "two example rows"


def test_a_cluster_is_one_however_it_is_cased(roster: AppContext) -> None:
    """Regression: "cụm 3 " made a second cluster beside "Cụm 3"."""
    with roster.reading() as session:
        before = session.scalar(select(func.count()).select_from(models.Cluster))
    result = save(roster, creating=True, cluster="  cụm   3 ")
    with roster.reading() as session:
        assert session.scalar(select(func.count()).select_from(models.Cluster)) == before
    assert result.clusters == 1
    assert by_code(roster)["CS-0100"].cluster_code == "Cụm 3"


def test_a_code_differing_only_in_case_is_refused(roster: AppContext) -> None:
    """Regression: "cs-0001" was added as a new unit beside "CS-0001"."""
    error = refused_save(roster, creating=True, code="cs-0001")
    assert ("code", "code cs-0001 differs from unit code CS-0001 only in letter case") in {
        (e.column, e.translated()) for e in error.errors
    }


def test_adding_back_a_retired_code_says_so(roster: AppContext) -> None:
    save(roster, creating=True)
    with roster.unit_of_work() as session:
        retire_roster_unit(session, year=YEAR, code="CS-0100")
    again = save(roster, creating=True, name="CĐCS Trường Tiểu học Kim Phú mới")
    assert [n.translated() for n in again.notes if n.column == "code"] == [
        "code CS-0100 was CĐCS Trường Tiểu học Kim Phú's, taken out of the roster earlier: "
        "that unit comes back with these details"
    ]


def test_an_edit_is_audited_with_what_changed(roster: AppContext) -> None:
    """Regression: the audit said only "changed": a rename or a move could not be traced."""
    from app.audit.view import list_audit

    save(roster, creating=True)
    save(roster, creating=False, name="CĐCS Trường TH Kim Phú", parent="LDH-02")
    with roster.reading() as session:
        rows = [r for r in list_audit(session) if r.action == "roster.unit.edit"]
    assert rows[-1].detail["changes"] == {
        "name": ["CĐCS Trường Tiểu học Kim Phú", "CĐCS Trường TH Kim Phú"],
        "parent": ["LDH-01", "LDH-02"],
    }
    assert (
        rows[-1]
        .detail_text()
        .endswith(
            "Unit name: CĐCS Trường Tiểu học Kim Phú → CĐCS Trường TH Kim Phú; "
            "Upper level: LDH-01 → LDH-02."
        )
    )

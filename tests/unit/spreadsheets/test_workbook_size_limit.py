"""The province workbook's size limit: a scope of more units than the limit is refused
before anything is read or written, with a Vietnamese message saying why and what to do;
a scope of exactly the limit is written whole. The limit is injected small here (the
demo province has 12 units), never by building the country.

Also: the export tells its progress sheet by sheet, and the values it lists are read as
plain rows (the sheets still hold each unit's values, see test_province_workbook)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.core.context import AppContext
from app.core.errors import InputError
from app.core.i18n import translator
from app.demo.province import Demo
from app.rollup import MAX_WORKBOOK_UNITS
from app.rollup.indicator_sheets import CODE_COL, FIRST_ROW
from app.rollup.query import Scope
from app.rollup.workbook import (
    SUMMARY_SHEET,
    WorkbookStopped,
    export_province_workbook,
    scope_unit_count,
)
from tests.unit.spreadsheets.evaluator import Evaluator
from tests.unit.spreadsheets.workbooks import (
    PLAN,
    YEAR,
    check_against_rollup,
    rollups,
    summary_rows,
)

pytestmark = pytest.mark.both_backends


def _listed_codes(path: Path) -> set[str]:
    """Every unit code listed on the workbook's indicator sheets, read back."""
    workbook = load_workbook(path, read_only=True)
    codes: set[str] = set()
    for sheet in workbook.worksheets:
        if sheet.title == SUMMARY_SHEET:
            continue
        for (code,) in sheet.iter_rows(
            min_row=FIRST_ROW, min_col=CODE_COL, max_col=CODE_COL, values_only=True
        ):
            if code:
                codes.add(str(code))
    workbook.close()
    return codes


def _write(ctx: AppContext, path: Path, scope: Scope | None, limit: int) -> None:
    with ctx.reading() as session:
        export_province_workbook(session, plan_id=PLAN, path=path, scope=scope, limit=limit)


@pytest.mark.parametrize("subtree", [False, True], ids=["province", "upper-level union"])
def test_a_scope_of_the_limit_is_written_and_one_more_unit_is_refused(
    demo: Demo, fed: AppContext, tmp_path: Path, subtree: bool
) -> None:
    upper = next(u for u in demo.units if u.code == "CT-001")
    scope = Scope(root_unit_id=upper.id) if subtree else None
    expected = (
        {"CT-001"} | {u.code for u in demo.units if u.parent_id == upper.id}
        if subtree
        else {u.code for u in demo.units}
    )
    with fed.reading() as session:
        count = scope_unit_count(session, year=YEAR, scope=scope or Scope())
    assert count == len(expected)  # the federation itself is never counted nor listed

    # one unit more than the limit: refused, the file that was there untouched, no other
    out = tmp_path / "out"
    out.mkdir()
    path = out / "tong-hop.xlsx"
    path.write_bytes(b"the previous workbook")
    with pytest.raises(InputError) as refused:
        _write(fed, path, scope, limit=count - 1)
    assert refused.value.params == {"count": str(count), "limit": str(count - 1)}
    text = translator("vi")(refused.value.message).format(**refused.value.params)
    assert text != refused.value.message.format(**refused.value.params), "not translated"
    assert f"{count} đơn vị" in text and str(count - 1) in text
    assert "một tỉnh" in text and "công đoàn cấp trên trực tiếp cơ sở" in text
    assert path.read_bytes() == b"the previous workbook"
    assert [p.name for p in out.iterdir()] == ["tong-hop.xlsx"]

    # exactly the limit: written whole, every unit of the scope listed, figures exact
    _write(fed, path, scope, limit=count)
    assert _listed_codes(path) == expected
    workbook = load_workbook(path)
    evaluator = Evaluator(workbook)
    check_against_rollup(
        lambda cell: evaluator.cell(SUMMARY_SHEET, cell),
        summary_rows(workbook),
        rollups(fed, scope),
    )
    assert [p.name for p in out.iterdir()] == ["tong-hop.xlsx"]


def test_the_default_limit_keeps_the_largest_province_and_refuses_the_country() -> None:
    """The national copy: Hồ Chí Minh City lists 21,485 units, the country 126,358."""
    assert 21_485 <= MAX_WORKBOOK_UNITS < 126_358


def test_the_export_tells_its_progress_sheet_by_sheet(
    demo: Demo, fed: AppContext, tmp_path: Path
) -> None:
    told: list[tuple[int, int]] = []
    with fed.reading() as session:
        export_province_workbook(
            session,
            plan_id=PLAN,
            path=tmp_path / "tong-hop.xlsx",
            progress=lambda done, total: told.append((done, total)),
        )
    total = len(demo.plan.indicators) + 2  # each sheet, the summary, the saving
    assert told == [(done, total) for done in range(total + 1)]


@pytest.mark.parametrize("after", [0, 3, "summary"])
def test_a_stopped_export_writes_nothing(
    demo: Demo, fed: AppContext, tmp_path: Path, after: int | str
) -> None:
    """Stopped before the first sheet, after a few, or while the summary is written (the
    file about to be saved): no file, and one already there is left as it was; asked once
    it is saved, it is too late."""
    total = len(demo.plan.indicators) + 2
    last = total - 2 if after == "summary" else int(after)
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "tong-hop.xlsx"
    path.write_bytes(b"last year's workbook")
    told: list[int] = []
    with fed.reading() as session, pytest.raises(WorkbookStopped):
        export_province_workbook(
            session,
            plan_id=PLAN,
            path=path,
            progress=lambda done, _total: told.append(done),
            stop=lambda: bool(told) and told[-1] >= last,
        )
    assert told == list(range(last + 1))
    assert path.read_bytes() == b"last year's workbook"
    assert [p.name for p in folder.iterdir()] == ["tong-hop.xlsx"]

    with fed.reading() as session:  # a stop that comes with the last step: written
        export_province_workbook(
            session, plan_id=PLAN, path=path, stop=lambda: bool(told) and told[-1] >= total
        )
    assert path.read_bytes()[:2] == b"PK"


def test_a_refused_scope_tells_no_progress(fed: AppContext, tmp_path: Path) -> None:
    told: list[tuple[int, int]] = []
    with fed.reading() as session, pytest.raises(InputError):
        export_province_workbook(
            session,
            plan_id=PLAN,
            path=tmp_path / "tong-hop.xlsx",
            limit=1,
            progress=lambda done, total: told.append((done, total)),
        )
    assert told == []
    assert not (tmp_path / "tong-hop.xlsx").exists()

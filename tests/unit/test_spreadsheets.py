"""The province workbook and the roster workbook, on a merged demo province.

openpyxl writes formulas but never computes them, so :class:`Evaluator`
below computes the few formula shapes the export emits (SUM, SUMIFS, COUNT,
COUNTA, COUNTIF(S), SUMPRODUCT over arrays, ISNUMBER, IF, IFERROR,
arithmetic, comparisons, ``&``) straight from the cells of the workbook as
written. The summary's figures are then
compared with :func:`app.rollup.query.rollup` on the same database, and the
indicator sheets with the values the demo generated. When LibreOffice is
installed, a real spreadsheet engine recomputes the workbook as well.
"""

from __future__ import annotations

import dataclasses
import math
import operator
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app import cli
from app.core.context import AppContext, open_context
from app.core.errors import InputError, NotFoundError
from app.core.figures import Measure, figure_verdict_text
from app.core.format import format_target, half_up
from app.core.i18n import vietnamese
from app.demo.province import Demo, make_demo
from app.exchange.merge import import_packages
from app.rollup.indicator_sheets import FIRST_ROW
from app.rollup.query import Scope, TargetRollup, rollup
from app.rollup.workbook import SUMMARY_SHEET, export_province_workbook
from app.roster.columns import COLUMNS
from app.roster.tree import list_roster
from app.roster.workbook_export import export_roster_workbook
from app.roster.workbook_import import import_roster
from app.setup.first_run import initialize
from db import models
from db.enums import REGISTRATION_STREAM, IndicatorKind, Role, Rollup, UnitKind

#: The merged data and the workbook made from it: the same on SQLite and PostgreSQL.
pytestmark = pytest.mark.both_backends

PLAN = "tuyen-quang-2017"
YEAR = 2017
STREAMS = (REGISTRATION_STREAM, "h1", "year")
# summary columns: A code, B content, C target wording, D target value, E units,
# F registered, G h1, H year, I % of target, J result
STREAM_COLUMNS = dict(zip(STREAMS, ("F", "G", "H"), strict=True))


# --- a tiny evaluator for the formulas the export writes ---------------------------------


class XlError(Exception):
    """An Excel error value (#DIV/0!, #VALUE!); IFERROR catches it."""


_TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>"(?:[^"]|"")*")
    |(?P<ref>(?:'(?:[^']|'')+'!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)
    |(?P<func>[A-Z][A-Z0-9.]*)\(
    |(?P<number>\d+(?:\.\d+)?)
    |(?P<op><>|>=|<=|[-+*/&=<>(),])
    )""",
    re.VERBOSE,
)
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _tokens(formula: str) -> list[tuple[str, str]]:
    result, position = [], 0
    while position < len(formula):
        match = _TOKEN.match(formula, position)
        assert match is not None and match.end() > position, formula[position:]
        kind = match.lastgroup
        assert kind is not None
        result.append((kind, match.group(kind)))
        position = match.end()
    return result


class Evaluator:
    """Computes cells of a workbook loaded with formulas (``data_only=False``)."""

    def __init__(self, workbook: openpyxl.Workbook) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[str, str], Any] = {}

    def cell(self, sheet: str, coordinate: str) -> Any:
        key = (sheet, coordinate.replace("$", ""))
        if key not in self.cache:
            value = self.workbook[sheet][key[1]].value
            if isinstance(value, str) and value.startswith("="):
                try:
                    value = self.formula(sheet, value[1:])
                except XlError as error:
                    value = error
            self.cache[key] = value
        value = self.cache[key]
        if isinstance(value, XlError):
            raise value
        return value

    def formula(self, sheet: str, text: str) -> Any:
        self.tokens, self.position, self.sheet = _tokens(text), 0, sheet
        tree = self._comparison()
        assert self.position == len(self.tokens), text
        return self._eval(tree)

    # parser: comparison < & < +- < */ < unary < primary
    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _binary(self, operators: set[str], lower: Callable[[], Any]) -> Any:
        left = lower()
        while (token := self._peek()) is not None and token[0] == "op" and token[1] in operators:
            self._take()
            left = ("op", token[1], left, lower())
        return left

    def _comparison(self) -> Any:
        return self._binary(set(_COMPARE), self._concat)

    def _concat(self) -> Any:
        return self._binary({"&"}, self._additive)

    def _additive(self) -> Any:
        return self._binary({"+", "-"}, self._term)

    def _term(self) -> Any:
        return self._binary({"*", "/"}, self._unary)

    def _unary(self) -> Any:
        if self._peek() == ("op", "-"):
            self._take()
            return ("neg", self._unary())
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind == "number":
            return ("value", float(text))
        if kind == "string":
            return ("value", text[1:-1].replace('""', '"'))
        if kind == "ref":
            return ("ref", text)
        if kind == "func":
            args = []
            if self._peek() != ("op", ")"):
                args.append(self._comparison())
                while self._peek() == ("op", ","):
                    self._take()
                    args.append(self._comparison())
            assert self._take() == ("op", ")")
            return ("call", text, args)
        assert (kind, text) == ("op", "("), text
        inner = self._comparison()
        assert self._take() == ("op", ")")
        return inner

    # evaluation
    def _range(self, reference: str) -> list[Any]:
        sheet, _bang, cells = reference.rpartition("!")
        sheet = sheet[1:-1].replace("''", "'") if sheet else self.sheet
        start, _colon, end = cells.replace("$", "").partition(":")
        rows = self.workbook[sheet][f"{start}:{end or start}"]
        if not isinstance(rows, tuple):
            rows = ((rows,),)
        return [self.cell(sheet, c.coordinate) for row in rows for c in row]

    def _eval(self, node: Any) -> Any:
        kind = node[0]
        if kind == "value":
            return node[1]
        if kind == "ref":
            values = self._range(node[1])
            assert len(values) == 1, "a range used as one value"
            return values[0]
        if kind == "neg":
            return -_number(self._eval(node[1]))
        if kind == "op":
            return _apply(node[1], self._eval(node[2]), self._eval(node[3]))
        return self._call(node[1], node[2])

    def _values(self, node: Any) -> list[Any]:
        return self._range(node[1]) if node[0] == "ref" else [self._eval(node)]

    def _call(self, name: str, args: list[Any]) -> Any:
        if name == "IF":
            return self._eval(args[1] if _truth(self._eval(args[0])) else args[2])
        if name == "IFERROR":
            try:
                return self._eval(args[0])
            except XlError:
                return self._eval(args[1])
        if name == "SUM":
            return sum(v for a in args for v in self._values(a) if _is_number(v))
        if name == "COUNT":
            return sum(1 for a in args for v in self._values(a) if _is_number(v))
        if name == "COUNTA":
            return sum(1 for a in args for v in self._values(a) if v is not None)
        if name in ("COUNTIF", "COUNTIFS"):
            return sum(self._matching_rows(args))
        if name == "INT":
            return float(math.floor(_number(self._eval(args[0]))))
        if name == "SUMPRODUCT":
            return sum(_number(_as_number(v)) for v in self._array(args[0]))
        if name == "SUMIFS":
            amounts = self._range(args[0][1])
            rows = self._matching_rows(args[1:])
            return sum(a for a, keep in zip(amounts, rows, strict=True) if keep and _is_number(a))
        raise AssertionError(f"the export should not use {name}")

    def _array(self, node: Any) -> list[Any]:
        """``node`` evaluated element by element over its ranges (SUMPRODUCT's arguments)."""
        kind = node[0]
        if kind == "ref":
            return self._range(node[1])
        if kind == "value":
            return [node[1]]
        if kind == "neg":
            return [-_number(_as_number(v)) for v in self._array(node[1])]
        if kind == "op":
            left, right = self._array(node[2]), self._array(node[3])
            size = max(len(left), len(right))
            left = left * size if len(left) == 1 else left
            right = right * size if len(right) == 1 else right
            if node[1] in _COMPARE:
                return [_apply(node[1], a, b) for a, b in zip(left, right, strict=True)]
            return [
                _apply(node[1], _as_number(a), _as_number(b))
                for a, b in zip(left, right, strict=True)
            ]
        if kind == "call" and node[1] == "ISNUMBER":
            return [_is_number(v) for v in self._array(node[2][0])]
        return [self._eval(node)]

    def _matching_rows(self, args: list[Any]) -> list[bool]:
        keep: list[bool] | None = None
        for index in range(0, len(args), 2):
            cells = self._range(args[index][1])
            criterion = self._eval(args[index + 1])
            matches = [_matches(v, criterion) for v in cells]
            keep = (
                matches if keep is None else [a and b for a, b in zip(keep, matches, strict=True)]
            )
        assert keep is not None
        return keep


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_number(value: Any) -> Any:
    """TRUE/FALSE as 1/0 in array arithmetic, as a spreadsheet does."""
    return int(value) if isinstance(value, bool) else value


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool) or not _is_number(value):
        raise XlError("#VALUE!")
    return float(value)


def _truth(value: Any) -> bool:
    if isinstance(value, str):
        raise XlError("#VALUE!")
    return bool(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _apply(symbol: str, left: Any, right: Any) -> Any:
    if symbol == "&":
        return _text(left) + _text(right)
    if symbol in _COMPARE:
        if left is None:
            left = "" if isinstance(right, str) else 0.0
        if right is None:
            right = "" if isinstance(left, str) else 0.0
        if isinstance(left, str) != isinstance(right, str):  # text sorts after numbers
            left, right = (1, 0) if isinstance(left, str) else (0, 1)
        elif isinstance(left, str):
            left, right = left.lower(), right.lower()
        return _COMPARE[symbol](left, right)
    a, b = _number(left), _number(right)
    if symbol == "/":
        if b == 0:
            raise XlError("#DIV/0!")
        return a / b
    return {"+": a + b, "-": a - b, "*": a * b}[symbol]


def _matches(value: Any, criterion: Any) -> bool:
    """COUNTIF's criterion: a number, "text", "<>" (not blank) or "<op>number"."""
    if _is_number(criterion):
        return _is_number(value) and value == criterion
    text = str(criterion)
    symbol = next((s for s in ("<>", ">=", "<=", "=", ">", "<") if text.startswith(s)), "")
    rest = text[len(symbol) :]
    if symbol == "<>" and rest == "":
        return value is not None
    try:
        number = float(rest)
    except ValueError:
        equal = isinstance(value, str) and value.lower() == rest.lower()
        return not equal if symbol == "<>" else equal
    return _is_number(value) and _COMPARE[symbol or "="](value, number)


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def demo(tmp_path: Path) -> Demo:
    return make_demo(out_dir=tmp_path / "demo", units=12, seed=7)


@pytest.fixture
def fed(demo: Demo, on_backend: Callable[[Path], str]) -> Iterator[AppContext]:
    ctx = open_context(on_backend(demo.database))
    summary = import_packages(ctx, paths=[demo.packages_dir], dry_run=False)
    assert len(summary.items) == len(demo.files)
    yield ctx
    ctx.close()


def export(ctx: AppContext, path: Path, scope: Scope | None = None) -> Path:
    with ctx.reading() as session:
        result = export_province_workbook(session, plan_id=PLAN, path=path, scope=scope)
    assert result.path == path and path.is_file()
    return path


def rollups(ctx: AppContext, scope: Scope | None = None) -> list[TargetRollup]:
    with ctx.reading() as session:
        return rollup(session, plan_id=PLAN, scope=scope)


def summary_rows(workbook: openpyxl.Workbook) -> list[int]:
    sheet = workbook[SUMMARY_SHEET]
    return [r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, 1).value]


def check_against_rollup(
    read: Callable[[str], Any], rows: list[int], expected: list[TargetRollup]
) -> set[str]:
    """Compare every summary figure with the roll-up; returns the results seen."""
    assert len(rows) == len(expected)
    results = set()
    for row, item in zip(rows, expected, strict=True):
        where = f"{item.indicator.code} / {item.target.wording if item.target else '-'}"
        assert read(f"A{row}") == item.indicator.code
        if item.target is not None:
            assert read(f"C{row}") == format_target(item.indicator, item.target)
        assert read(f"E{row}") == item.applicable_units, where
        for stream, column in STREAM_COLUMNS.items():
            figure = item.figures[stream]
            value = read(f"{column}{row}")
            if figure.exact is None:
                assert value in (None, ""), (where, stream, value)
                continue
            assert _is_number(value), (where, stream, value)
            if figure.measure is Measure.TOTAL:
                assert Decimal(int(value)) == figure.value and value == int(value), where
            elif figure.measure is Measure.AVERAGE:
                assert figure.value is not None
                assert abs(value - float(figure.value)) <= 1e-9, (where, stream)
            else:  # a percentage, rounded as shown, held as a fraction of 1
                assert figure.value is not None
                assert abs(value * 100 - float(figure.value)) <= 1e-9, (where, stream)
        result = read(f"J{row}")
        if item.target is None or item.indicator.rollup is Rollup.NONE:
            assert (result or "") == "", where
            continue
        judged = item.figures[item.target.period or "year"]  # the year: the last period
        wanted = figure_verdict_text(judged, vietnamese)
        assert (result or "") == wanted, (where, result, judged)
        results.add(wanted)
        attainment = read(f"I{row}")
        if judged.attainment is None:
            assert attainment in (None, ""), where
        else:
            shown = half_up(judged.attainment, 1)
            assert abs(attainment * 100 - float(shown)) < 1e-9, where
    return results


# --- the province workbook --------------------------------------------------------------


def test_summary_formulas_recompute_to_the_rollup(fed: AppContext, tmp_path: Path) -> None:
    path = export(fed, tmp_path / "tong-hop.xlsx")
    workbook = load_workbook(path)
    evaluator = Evaluator(workbook)
    expected = rollups(fed)
    results = check_against_rollup(
        lambda cell: evaluator.cell(SUMMARY_SHEET, cell), summary_rows(workbook), expected
    )
    assert {"Đạt", "Không đạt"} <= results, "the demo exercises both outcomes"
    sheet = workbook[SUMMARY_SHEET]
    for row in summary_rows(workbook):
        for column in "EFGHIJ":
            value = sheet[f"{column}{row}"].value
            assert value is None or str(value).startswith("="), "totals are formulas, not copies"


def test_formula_shapes_and_the_values_behind_them(
    demo: Demo, fed: AppContext, tmp_path: Path
) -> None:
    workbook = load_workbook(export(fed, tmp_path / "tong-hop.xlsx"))
    summary = workbook[SUMMARY_SHEET]
    rows = {summary.cell(r, 1).value: r for r in reversed(summary_rows(workbook))}
    expected = {(r.indicator.code, r.target.wording if r.target else ""): r for r in rollups(fed)}

    # 2.1 (a sum over every unit that reports it): the range holds exactly the demo's values
    sheet = workbook["2.1"]
    reporting = [u for u in demo.units if "2.1" in u.values["year"]]
    last = FIRST_ROW + len(reporting) - 1  # the federation itself is never listed
    total_range = f"'2.1'!$I${FIRST_ROW}:$I${last}"
    assert summary[f"H{rows['2.1']}"].value == (
        f'=IF(COUNTA({total_range})=0,"",SUM({total_range}))'
    )
    listed = {sheet.cell(r, 1).value: sheet.cell(r, 9).value for r in range(FIRST_ROW, last + 1)}
    assert {code: amount for code, amount in listed.items() if amount is not None} == {
        u.code: u.values["year"]["2.1"].amount for u in reporting
    }
    figure = expected[("2.1", "2.000 đoàn viên")].figures["year"]
    assert sum(a for a in listed.values() if a is not None) == figure.numerator

    # 9c (share of units meeting the 80% unit goal): the per-unit ratio column is a formula
    sheet = workbook["9c"]
    assert sheet["I5"].value == '=IF(H5>0,G5/H5,"")'
    wording = "55% trở lên doanh nghiệp ngoài nhà nước"
    row = next(r for r in summary_rows(workbook) if summary.cell(r, 3).value == wording)
    # Each unit's ratio is judged exactly, as integers: numerator × 100 ≥ denominator × 80.
    share = summary[f"H{row}"].value
    assert "SUMPRODUCT(" in share
    cells = r"'9c'!\$[A-Z]+\$5:\$[A-Z]+\$\d+"
    assert re.search(rf"\({cells}\)\*100>=\({cells}\)\*80", share), share
    assert '"NGOÀI NN"' in share and '"FDI"' in share

    # 9a.2, a yes/no share: "Có" / "Không" cells, denominator = units listed for the target
    sheet = workbook["9a.2"]
    answers = {sheet.cell(r, 9).value for r in range(FIRST_ROW, sheet.max_row + 1)}
    assert answers <= {"Có", "Không", None} and "Có" in answers

    # 4, grades: labels on the sheet, counted by label at or above the level
    sheet = workbook["4"]
    labels = {sheet.cell(r, 9).value for r in range(FIRST_ROW, sheet.max_row + 1)}
    assert labels <= {"Vững mạnh", "Khá", "Trung bình", "Yếu"}
    assert "COUNTIF('4'!$I$5" in summary[f"H{rows['4']}"].value


def test_editing_a_unit_value_on_its_sheet_moves_the_summary(
    fed: AppContext, tmp_path: Path
) -> None:
    path = export(fed, tmp_path / "tong-hop.xlsx")
    workbook = load_workbook(path)
    row = next(r for r in summary_rows(workbook) if workbook[SUMMARY_SHEET][f"A{r}"].value == "2.1")
    before = Evaluator(workbook).cell(SUMMARY_SHEET, f"H{row}")
    sheet = workbook["2.1"]
    unit_row = next(r for r in range(FIRST_ROW, sheet.max_row + 1) if sheet.cell(r, 9).value)
    sheet.cell(unit_row, 9).value += 100
    assert Evaluator(workbook).cell(SUMMARY_SHEET, f"H{row}") == before + 100


def test_a_subtree_scope_lists_only_its_units_and_matches_the_rollup(
    demo: Demo, fed: AppContext, tmp_path: Path
) -> None:
    upper = next(u for u in demo.units if u.code == "CT-001")
    scope = Scope(root_unit_id=upper.id)
    workbook = load_workbook(export(fed, tmp_path / "huyen.xlsx", scope))
    evaluator = Evaluator(workbook)
    check_against_rollup(
        lambda cell: evaluator.cell(SUMMARY_SHEET, cell),
        summary_rows(workbook),
        rollups(fed, scope),
    )
    sheet = workbook["1"]
    listed = {sheet.cell(r, 1).value for r in range(FIRST_ROW, sheet.max_row + 1)}
    assert listed == {"CT-001"} | {u.code for u in demo.units if u.parent_id == upper.id}
    assert "Phạm vi: Công đoàn cấp trên số 1" in workbook[SUMMARY_SHEET]["A3"].value


def test_indicator_sheets_list_every_applicable_unit_with_its_values(
    demo: Demo, fed: AppContext, tmp_path: Path
) -> None:
    workbook = load_workbook(export(fed, tmp_path / "tong-hop.xlsx"))
    plan = demo.plan
    assert workbook.sheetnames == [SUMMARY_SHEET, *(i.code for i in plan.indicators)]
    parents = {u.id: u.name for u in demo.units}
    for indicator in plan.indicators:
        sheet = workbook[indicator.code]
        applicable = [u for u in demo.units if indicator.applies_to(u.kind, u.sector)]
        rows = {
            sheet.cell(r, 1).value: r
            for r in range(FIRST_ROW, sheet.max_row + 1)
            if sheet.cell(r, 2).value
        }
        # The federation itself is never listed, whatever kinds the indicator covers.
        assert len(rows) == len(applicable), indicator.code
        for unit in applicable:
            row = rows[unit.code]
            assert sheet.cell(row, 2).value == unit.name
            assert sheet.cell(row, 4).value == parents.get(unit.parent_id, "LĐLĐ tỉnh Tuyên Quang")
            assert sheet.cell(row, 5).value == unit.cluster_code
            value = unit.values["year"][indicator.code]
            if indicator.kind is IndicatorKind.RATIO:
                # three columns per stream (number, total, ratio): year starts at M
                assert (sheet.cell(row, 13).value, sheet.cell(row, 14).value) == (
                    value.numerator,
                    value.denominator,
                )
            elif indicator.kind in (IndicatorKind.COUNT, IndicatorKind.MONEY):
                assert sheet.cell(row, 9).value == value.amount
            elif indicator.kind is IndicatorKind.YES_NO:
                assert sheet.cell(row, 9).value == ("Có" if value.flag else "Không")


def test_layout_formats_and_print_setup(fed: AppContext, tmp_path: Path) -> None:
    workbook = load_workbook(export(fed, tmp_path / "tong-hop.xlsx"))
    summary = workbook[SUMMARY_SHEET]
    assert [summary.cell(4, c).value for c in range(1, 11)] == [
        "Mã",
        "Nội dung chỉ tiêu",
        "Chỉ tiêu của tỉnh",
        "Mục tiêu",
        "Số đơn vị áp dụng",
        "Đăng ký",
        "Thực hiện 6 tháng đầu năm 2017",
        "Thực hiện Năm 2017",
        "% so với mục tiêu",
        "Kết quả",
    ]
    rows = {summary.cell(r, 1).value: r for r in reversed(summary_rows(workbook))}
    assert summary[f"H{rows['2.1']}"].number_format == "#,##0"
    assert summary[f"H{rows['7.1']}"].number_format == "#,##0"
    assert summary[f"D{rows['7.1']}"].value == 700_000_000
    assert summary[f"H{rows['1']}"].number_format == "#,##0.0%"
    assert summary[f"D{rows['1']}"].number_format == "#,##0.0%"
    assert summary[f"H{rows['5']}"].number_format == "#,##0.00"
    assert summary[f"I{rows['5']}"].number_format == "#,##0.0%"
    assert summary.freeze_panes == "C5"
    assert summary.cell(4, 1).font.bold
    assert summary[f"A{rows['9c']}"].hyperlink.location == "'9c'!A1"

    for sheet in workbook.worksheets:
        title = sheet.title
        assert len(title) <= 31 and not re.search(r"[\[\]:*?/\\]", title), title
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)
        assert sheet.page_margins.left == pytest.approx(30 / 25.4)
        assert sheet.page_margins.top == pytest.approx(20 / 25.4)
        if title != SUMMARY_SHEET:
            assert sheet.freeze_panes == "C5", title
            assert sheet.print_title_rows == "$3:$4", title
            assert sheet.cell(3, 1).font.bold and sheet.cell(4, 7).font.bold
            assert sheet.column_dimensions["B"].width == 40
    assert summary.print_title_rows == "$4:$4"

    assert workbook["2.1"]["I5"].number_format == "#,##0"
    assert workbook["7.1"]["G5"].number_format == "#,##0"
    assert workbook["9d"]["I5"].number_format == "#,##0.0%"
    assert workbook["9d"]["G5"].number_format == "#,##0"
    assert workbook["9đ.1"].title == "9đ.1"
    assert workbook.calculation.fullCalcOnLoad


def test_unknown_plan_and_bad_paths_are_refused_and_leave_nothing(
    fed: AppContext, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with fed.reading() as session:
        with pytest.raises(NotFoundError, match="no plan with the id nope"):
            export_province_workbook(session, plan_id="nope", path=out / "x.xlsx")
        with pytest.raises(InputError, match="does not exist"):
            export_province_workbook(session, plan_id=PLAN, path=out / "missing" / "x.xlsx")
        with pytest.raises(InputError, match="is a folder"):
            export_province_workbook(session, plan_id=PLAN, path=out)
        with pytest.raises(InputError, match=r"must end in \.xlsx"):
            export_province_workbook(session, plan_id=PLAN, path=out / "x.xls")
        with pytest.raises(InputError, match="is a folder"):
            export_roster_workbook(session, year=YEAR, path=out)
        with pytest.raises(NotFoundError, match="no roster for 1999"):
            export_roster_workbook(session, year=1999, path=out / "r.xlsx")
    assert list(out.iterdir()) == []


def test_a_failed_save_leaves_no_partial_file_and_keeps_the_old_one(
    fed: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tong-hop.xlsx"
    path.write_bytes(b"the previous workbook")

    def broken_save(self: openpyxl.Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with fed.reading() as session, pytest.raises(InputError, match="cannot be written"):
        export_province_workbook(session, plan_id=PLAN, path=path)
    assert path.read_bytes() == b"the previous workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo", "home", "tong-hop.xlsx"]


@pytest.mark.slow
def test_libreoffice_recomputes_the_same_figures(fed: AppContext, tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        if os.environ.get("THIDUA_REQUIRE_TOOLS") == "1":
            pytest.fail("LibreOffice is not installed (THIDUA_REQUIRE_TOOLS=1)", pytrace=False)
        pytest.skip("LibreOffice is not installed")
    path = export(fed, tmp_path / "tong-hop.xlsx")
    converted = tmp_path / "converted"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(converted),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    workbook = load_workbook(converted / path.name, data_only=True)
    sheet = workbook[SUMMARY_SHEET]
    results = check_against_rollup(
        lambda cell: sheet[cell].value, summary_rows(workbook), rollups(fed)
    )
    assert {"Đạt", "Không đạt"} <= results


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
    assert sheet.cell(row, 9).value == 9_999
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

"""The import's one-pass reading of values into rows (``value_rows``) makes exactly
the rows that reading the statement whole makes, and refuses exactly what it refuses.

``value_rows`` takes plain values straight from the parsed JSON and sends every
other one through ``parse_value`` and ``check_value``; each case here sits on or
just past the edge of a plain value of its kind.
"""

from __future__ import annotations

from typing import Any

from app.core import domain
from app.core.context import AppContext
from app.core.values import MAX_AMOUNT, MAX_COUNT
from app.exchange.bodies import PlanChecks, parse_statement, statement_problems
from app.exchange.format import PayloadError
from app.exchange.statement_rows import statement_id, statement_rows, value_rows
from app.plans import get_plan
from db.enums import IndicatorKind

PLAN = "tuyen-quang-2017"
UNIT = "6f0c3a52-1111-4c1e-9a53-7d3c5e0b8a11"


def _body(values: Any) -> dict[str, Any]:
    return {
        "statement": {
            "values": values,
            "signer_name": "",
            "signer_title": "",
            "signed_on": None,
            "place": "",
            "notes": "",
            "movements": [],
            "titles": [],
            "works": [],
        }
    }


def _whole(plan: domain.Plan, checks: PlanChecks, body: dict[str, Any]) -> Any:
    """The value rows as reading the statement whole makes them; None when refused."""
    try:
        parsed = parse_statement(body)
    except PayloadError:
        return None
    if statement_problems(plan, parsed, checks):
        return None
    return statement_rows(PLAN, UNIT, "h1", 1, parsed, plan)[1]


def _items(kind: IndicatorKind, grades: tuple[str, ...]) -> list[Any]:
    """Values of every shape, plain and not, around the edges of ``kind``."""
    limit = MAX_AMOUNT if kind is IndicatorKind.MONEY else MAX_COUNT
    return [
        {},
        None,
        [],
        "5",
        {"amount": 0},
        {"amount": 7},
        {"amount": limit},
        {"amount": limit + 1},
        {"amount": MAX_AMOUNT + 1},
        {"amount": -1},
        {"amount": True},
        {"amount": 2.0},
        {"amount": "3"},
        {"amount": None},
        {"amount": 5, "note": "ghi chú"},
        {"amount": 5, "note": "\u202e"},
        {"amount": 5, "note": ""},
        {"amount": 5, "bogus": 1},
        {"numerator": 3, "denominator": 4},
        {"numerator": 4, "denominator": 4},
        {"numerator": 5, "denominator": 4},
        {"numerator": 0, "denominator": MAX_COUNT},
        {"numerator": 0, "denominator": MAX_COUNT + 1},
        {"numerator": -1, "denominator": 4},
        {"numerator": 3, "denominator": True},
        {"numerator": 3},
        {"numerator": 3, "amount": 4},
        {"numerator": 3, "denominator": 4, "note": "x"},
        {"flag": True},
        {"flag": False},
        {"flag": 1},
        {"flag": None},
        {"flag": True, "grade": grades[0]},
        {"grade": grades[0]},
        {"grade": grades[-1]},
        {"grade": "ZZ"},
        {"grade": "X" * 40},
        {"grade": 1},
        {"text": "Công trình chào mừng"},
        {"text": ""},
        {"text": "x" * 4001},
        {"text": "\u202e"},
        {"note": "chỉ có ghi chú"},
        {"note": 5},
    ]


def test_each_value_reads_as_the_whole_statement_reads_it(ctx: AppContext) -> None:
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
    checks = PlanChecks.of(plan)
    sid = statement_id(PLAN, UNIT, "h1")
    grades = checks.grade_codes
    kinds = {i.kind: i for i in plan.indicators}
    assert set(kinds) >= {IndicatorKind.COUNT, IndicatorKind.RATIO, IndicatorKind.YES_NO}
    compared = 0
    for kind, indicator in sorted(kinds.items()):
        for item in _items(kind, grades):
            body = _body({indicator.code: item})
            rows = value_rows(body, checks, sid)
            assert rows == _whole(plan, checks, body), (kind, item)
            compared += 1
    assert compared > 100


def test_a_whole_statement_and_what_is_not_a_plain_statement(ctx: AppContext) -> None:
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
    checks = PlanChecks.of(plan)
    sid = statement_id(PLAN, UNIT, "h1")
    plain = {
        IndicatorKind.COUNT: {"amount": 12},
        IndicatorKind.MONEY: {"amount": 3_000_000},
        IndicatorKind.RATIO: {"numerator": 8, "denominator": 10},
        IndicatorKind.YES_NO: {"flag": True},
        IndicatorKind.GRADE: {"grade": checks.grade_codes[0]},
        IndicatorKind.TEXT: {"text": "Công trình"},
    }
    values = {i.code: plain[i.kind] for i in plan.indicators}
    body = _body(values)
    rows = value_rows(body, checks, sid)
    assert rows is not None and len(rows) == len(values)
    assert rows == _whole(plan, checks, body)
    # The rest of the statement read without its values, as the import reads it.
    assert parse_statement(body, values=False) == parse_statement(_body({}))
    broken: Any
    for broken in (
        _body({"NOT-IN-PLAN": {"amount": 1}, **values}),
        _body({"X" * 40: {"amount": 1}}),
        _body([]),
        _body(None),
        {"statement": []},
        {"statement": {}},
        [],
        None,
    ):
        assert value_rows(broken, checks, sid) is None

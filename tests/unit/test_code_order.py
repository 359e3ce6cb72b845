"""unit.code_order: the natural order of codes stored as text, the order the database
lists units in, kept by every writer of a unit's code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from app.core.context import AppContext
from app.core.text import FORBIDDEN, natural_key, natural_text
from app.roster.unit_edit import save_roster_unit
from db import models
from db.enums import UnitKind
from db.natural import code_order
from tests.helpers import enrol_unit, federation_with_roster, unit_database
from tests.unit.roster.workbooks import GOOD, YEAR, run_import, write_workbook
from tests.unit.test_roster_editor import unit_values

#: Text a unit's code or name may hold (app.core.text refuses the rest), digits of
#: every script included.
_CHARACTERS = st.characters(exclude_categories=["Cs"]).filter(lambda c: FORBIDDEN.match(c) is None)
_PIECES = st.one_of(
    st.text(_CHARACTERS, max_size=4),
    st.integers(0, 10**12).map(str),
    st.sampled_from(["0", "00", "007", "٣", "０", "-", "CS", "cs", "ß", "SS", "\t", " "]),
)
_CODES = st.lists(_PIECES, max_size=6).map("".join)


def _sign(a: Any, b: Any) -> int:
    return int(a > b) - int(a < b)


def _safe(text: str) -> bool:
    try:
        natural_key(text)
    except ValueError:  # a lone digit-like character int() refuses (e.g. "²")
        return False
    return True


@given(_CODES, _CODES)
@example("CS-2", "CS-10")
@example("CS-007", "cs-7")
@example("ab", "ab1")
@example("ab", "abc")
@example("a1", "ab")
@example("1", "a")
@example("", "0")
@example("A\tb", "A b")
def test_stored_text_sorts_as_the_natural_key(first: str, second: str) -> None:
    if not (_safe(first) and _safe(second)):
        return
    assert _sign(natural_text(first), natural_text(second)) == _sign(
        natural_key(first), natural_key(second)
    )


def _orders(ctx: AppContext) -> dict[str | None, str | None]:
    with ctx.reading() as session:
        rows = session.execute(select(models.Unit.code, models.Unit.code_order)).all()
    return {code: order for code, order in rows}


def _assert_kept(ctx: AppContext) -> dict[str | None, str | None]:
    orders = _orders(ctx)
    assert orders, "units written"
    for code, order in orders.items():
        assert order == code_order(code), code
    return orders


@pytest.mark.both_backends
def test_roster_import_and_unit_edit_keep_the_order(ctx: AppContext, tmp_path: Path) -> None:
    run_import(ctx, write_workbook(tmp_path / "roster.xlsx", GOOD))
    assert len([c for c in _assert_kept(ctx) if c]) > 3
    with ctx.unit_of_work() as session:
        save_roster_unit(
            session,
            year=YEAR,
            values=unit_values(code="CS-0100"),
            creating=True,
        )
    assert _assert_kept(ctx)["CS-0100"] == natural_text("CS-0100")


@pytest.mark.both_backends
def test_the_database_orders_codes_as_the_natural_key(ctx: AppContext) -> None:
    codes = ["CS-10", "cs-9", "CS-2", "Cs-2a", "CS-02b", "LDH-1", "ldh", "Ω-1", "a b", "ß-3"]
    with ctx.unit_of_work() as session:
        session.add_all(models.Unit(code=c, name=c, kind=UnitKind.GRASSROOTS) for c in codes)
    with ctx.reading() as session:
        listed = session.scalars(
            select(models.Unit.code)
            .where(models.Unit.code.in_(codes))
            .order_by(models.Unit.code_order)
        ).all()
    assert listed == sorted(codes, key=natural_key)


def test_a_unit_keeps_the_order_of_the_code_its_enrolment_gives(tmp_path: Path) -> None:
    fed, plans = federation_with_roster(tmp_path / "federation.db", tmp_path)
    own = unit_database(tmp_path / "unit.db", name="CĐCS Công ty Xi măng", code="CS-0001")
    assert _orders(own) == {"CS-0001": natural_text("CS-0001")}
    enrol_unit(fed, own, plans, tmp_path)  # the unit takes the id (and code) it is given
    with own.reading() as session:
        codes = session.scalars(select(models.Unit.code)).all()
    assert codes == ["CS-0001"]
    assert "CS-0001" in _assert_kept(own)
    _assert_kept(fed)
    fed.close()
    own.close()

"""The integer fast path of a unit's progress (:func:`figures.commitment_progress_parts`)
gives exactly what the Fraction arithmetic gives, for any integers: zero, negative, huge.

The oracle below is :func:`app.core.figures.commitment_progress` as it was written
in Fractions before the fast path (issue #20), kept here to judge it.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import domain, figures
from app.core.figures import Special
from app.core.format import half_up, half_up_units
from db.enums import IndicatorKind, Rollup

HUNDRED = Fraction(100)


def oracle(
    kind: IndicatorKind, registered: domain.UnitValue | None, achieved: domain.UnitValue | None
) -> tuple[Fraction | None, Special, bool | None]:
    """The Fraction path, as it was."""
    if registered is not None and registered.is_empty():
        registered = None
    if achieved is None or achieved.is_empty():
        return None, Special.NONE, None
    if kind is IndicatorKind.YES_NO:
        if achieved.flag is None:
            return None, Special.NONE, None
        return (HUNDRED if achieved.flag else Fraction(0)), Special.NONE, bool(achieved.flag)
    if kind in (IndicatorKind.COUNT, IndicatorKind.MONEY):
        if registered is None or registered.amount is None or achieved.amount is None:
            return None, Special.NONE, None
        if registered.amount == 0:
            return None, Special.REGISTERED_ZERO, True
        progress = Fraction(achieved.amount * 100, registered.amount)
        return progress, Special.NONE, achieved.amount >= registered.amount
    if kind is IndicatorKind.RATIO:
        if achieved.numerator is None or achieved.denominator is None:
            return None, Special.NONE, None
        if achieved.denominator == 0:
            return None, Special.NO_BASE, None
        got = Fraction(achieved.numerator, achieved.denominator)
        if registered is None or registered.numerator is None or registered.denominator is None:
            return None, Special.NONE, None
        if registered.denominator == 0:
            return got * 100, Special.REGISTERED_TOTAL_ZERO, got >= 1
        want = Fraction(registered.numerator, registered.denominator)
        if want == 0:
            return None, Special.REGISTERED_ZERO, True
        return got / want * 100, Special.NONE, got >= want
    return None, Special.NONE, None


small = st.integers(min_value=-3, max_value=3)
huge = st.integers(min_value=-(10**30), max_value=10**30)
numbers = st.one_of(st.none(), small, huge)
values = st.one_of(
    st.none(),
    st.builds(
        domain.UnitValue,
        amount=numbers,
        numerator=numbers,
        denominator=numbers,
        flag=st.one_of(st.none(), st.booleans()),
        grade=st.one_of(st.none(), st.just("kha")),
    ),
)


@settings(max_examples=3000)
@given(st.sampled_from(list(IndicatorKind)), values, values)
def test_the_fast_path_is_the_fraction_path(
    kind: IndicatorKind, registered: domain.UnitValue | None, achieved: domain.UnitValue | None
) -> None:
    parts, special, reaches = figures.commitment_progress_parts(kind, registered, achieved)
    expected = oracle(kind, registered, achieved)
    assert (None if parts is None else Fraction(*parts), special, reaches) == expected
    if parts is not None:
        assert parts[1] > 0  # cross-multiplying keeps the order
    indicator = domain.Indicator(
        "i", "1", "A", "", kind, Rollup.SUM, "", "", "", (), (), None, None, ()
    )
    assert figures.commitment_progress(indicator, registered, achieved) == expected


def test_zero_and_negative_commitments_read_as_before() -> None:
    ratio, count = IndicatorKind.RATIO, IndicatorKind.COUNT
    half, minus_quarter = (
        domain.UnitValue(numerator=-1, denominator=-2),
        domain.UnitValue(numerator=1, denominator=-4),
    )
    parts, special, reaches = figures.commitment_progress_parts(ratio, half, minus_quarter)
    assert parts is not None and parts[1] > 0
    assert (Fraction(*parts), special, reaches) == (Fraction(-50), Special.NONE, False)
    assert figures.commitment_progress_parts(
        count, domain.UnitValue(amount=0), domain.UnitValue(amount=5)
    ) == (None, Special.REGISTERED_ZERO, True)
    assert figures.commitment_progress_parts(
        ratio,
        domain.UnitValue(numerator=3, denominator=0),
        domain.UnitValue(numerator=3, denominator=2),
    ) == ((300, 2), Special.REGISTERED_TOTAL_ZERO, True)


@settings(max_examples=2000)
@given(huge, st.one_of(small, huge).filter(bool), st.integers(min_value=0, max_value=4))
def test_half_up_in_units_is_half_up(numerator: int, denominator: int, places: int) -> None:
    value = Fraction(numerator, denominator)
    if abs(value) >= 10**20:  # beyond a Decimal's 28 digits: half_up itself rounds
        value = Fraction(value.numerator % 10**20, value.denominator)
    assert half_up_units(value, places) == int(half_up(value, places).scaleb(places))

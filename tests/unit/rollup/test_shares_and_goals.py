"""Shares of units (yes/no, grades), averages per unit, unit goals and each-unit targets.

Roll-up of the 2017 Tuyên Quang plan over the hand-built roster of ``hand_roster.py``
(the ``tree`` fixture of this folder's conftest); every expected figure is computed by
hand next to its assertion."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy.orm import Session

from app.core.figures import Verdict
from tests.unit.rollup.hand_roster import (
    FDI,
    NON_STATE,
    STATE,
    Tree,
    pick,
    whole,
)

#: The roll-up runs in SQL: the same figures on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


# --- share of units: yes/no -----------------------------------------------------------


def test_yes_no_share_is_over_applicable_units_split_state_and_non_state(
    tree: Tree, session: Session
) -> None:
    """9a.2: non-state includes FDI; a unit that did not report does not hold a conference."""
    rows = whole(session)
    state = pick(rows, "9a.2", 0)
    assert state.target is not None
    assert state.target.sectors == (STATE,)
    assert state.applicable_units == 2  # S1, S2
    year = state.figures["year"]
    # S1 yes, S2 yes: 2/2 = 100% -> met
    assert (year.numerator, year.denominator, year.exact, year.met) == (2, 2, Fraction(100), True)
    h1 = state.figures["h1"]
    # S1 yes, S2 no: 1/2 = 50% < 100%: progress at mid-year, no verdict.
    assert (h1.numerator, h1.denominator, h1.exact) == (1, 2, Fraction(50))
    assert (h1.met, h1.verdict, h1.attainment) == (None, Verdict.PROGRESS, Fraction(50))

    non_state = pick(rows, "9a.2", 1)
    assert non_state.target is not None
    assert set(non_state.target.sectors) == {NON_STATE, FDI}
    # N1, N2, X1 — A1 (administrative) said yes but is not applicable.
    assert non_state.applicable_units == 3
    year = non_state.figures["year"]
    # N1 yes, X1 (FDI) yes, N2 did not report: 2/3 = 66.67% < 70%
    assert (year.numerator, year.denominator) == (2, 3)
    assert year.value == Decimal("66.7")
    assert year.reporting_units == 2
    assert year.met is False
    h1 = non_state.figures["h1"]
    # N1, N2, X1 all yes: 3/3 = 100% >= 70%, still only progress at mid-year.
    assert (h1.numerator, h1.denominator, h1.verdict) == (3, 3, Verdict.PROGRESS)


# --- share of units: grades -----------------------------------------------------------


def test_grade_share_more_than_80_percent_strong_and_none_weak(
    tree: Tree, session: Session
) -> None:
    """Indicator 4 over the 7 CĐCS; an upper-level union's "yếu" is ignored."""
    rows = whole(session)
    strong = pick(rows, "4", 0)
    assert strong.applicable_units == 7  # CĐCS only: not F, U1, U2; not OLD (2016)
    year = strong.figures["year"]
    # vững mạnh: A1, S1, N1, X1, D1 = 5; S2 is khá; N2 did not report -> 5/7 = 71.43%
    assert (year.numerator, year.denominator) == (5, 7)
    assert year.value == Decimal("71.4")
    assert year.reporting_units == 6
    assert year.met is False  # needs more than 80%
    h1 = strong.figures["h1"]
    # vững mạnh: every CĐCS but N2 -> 6/7 = 85.71% > 80% (progress, no verdict at mid-year)
    assert (h1.numerator, h1.value, h1.verdict) == (6, Decimal("85.7"), Verdict.PROGRESS)

    weak = pick(rows, "4", 1)
    assert weak.target is not None
    assert weak.target.grade_level == "yeu"
    year = weak.figures["year"]
    # No CĐCS is "yếu" (U1's and OLD's "yếu" do not count): 0/7 -> "không có" met.
    assert (year.numerator, year.denominator, year.exact, year.met) == (0, 7, Fraction(0), True)
    h1 = weak.figures["h1"]
    # N2 is "yếu": 1/7 = 14.29%; a ceiling has no percentage of attainment
    assert (h1.numerator, h1.value, h1.verdict) == (1, Decimal("14.3"), Verdict.PROGRESS)
    assert h1.attainment is None


# --- average per unit -------------------------------------------------------------------


def test_average_per_cdcs_divides_by_every_applicable_cdcs(tree: Tree, session: Session) -> None:
    """5 and 8: Σ / all 7 CĐCS, including those that did not report; uppers are ignored."""
    rows = whole(session)
    party = pick(rows, "5")
    assert party.applicable_units == 7
    year = party.figures["year"]
    # A1 2 + S1 1 + N1 0 + X1 2 + D1 1 = 6 over 7 CĐCS = 0.857 -> 0.86 < 1 -> not met.
    # Over the 5 reporters it would read 1.2; with U1's 10 it would read 16/7.
    assert (year.numerator, year.denominator) == (6, 7)
    assert (year.exact, year.value) == (Fraction(6, 7), Decimal("0.86"))
    assert year.reporting_units == 5
    assert year.met is False

    works = pick(rows, "8")
    year = works.figures["year"]
    # A1 1 + S1 2 + N1 1 + X1 1 + S2 1 + N2 0 + D1 1 = 7 over 7 = 1.00 -> met
    assert (year.numerator, year.denominator, year.value, year.met) == (
        7,
        7,
        Decimal("1.00"),
        True,
    )
    registration = works.figures["registration"]
    # A1 1 + S1 1 + N1 1 = 3 over 7 = 0.43: registered 43% of the target
    assert (registration.value, registration.verdict) == (Decimal("0.43"), Verdict.PROGRESS)
    assert registration.attainment == Fraction(300, 7)


# --- share of units meeting a unit goal ---------------------------------------------------


def test_unit_goal_share_counts_enterprises_training_at_least_80_percent(
    tree: Tree, session: Session
) -> None:
    """9c: a unit meets the goal at ≥80% trained; the target is the share of such units."""
    rows = whole(session)
    state = pick(rows, "9c", 0)
    assert state.applicable_units == 2
    year = state.figures["year"]
    # S1 80/100 = 80% meets (at least); S2 79/100 does not -> 1/2 = 50% < 100%.
    # (Σnum/Σden would be 159/200 = 79.5%: not what 9c measures.)
    assert (year.numerator, year.denominator, year.exact, year.met) == (1, 2, Fraction(50), False)
    non_state = pick(rows, "9c", 1)
    assert non_state.applicable_units == 3
    year = non_state.figures["year"]
    # N1 160/200 = 80% meets, N2 90/100 meets, X1 (FDI) 500/1000 = 50% does not
    # -> 2/3 = 66.67% >= 55% -> met
    assert (year.numerator, year.denominator) == (2, 3)
    assert year.exact == Fraction(200, 3)
    assert year.met is True


# --- each-unit target -----------------------------------------------------------------


def test_each_unit_target_needs_every_upper_level_union_at_40_percent(
    tree: Tree, session: Session
) -> None:
    """9đ.2 is met only when every upper-level union inspects 40% of its enterprise CĐCS."""
    row = pick(whole(session), "9đ.2")
    # Upper-level unions only: U1, U2 (not F, not the CĐCS).
    assert row.applicable_units == 2
    year = row.figures["year"]
    # U1 2/5 = 40% meets; U2 3/10 = 30% does not -> 1 of 2 -> not met.
    # F's 1/100 and S1's 0/1 are not upper-level unions and are ignored.
    assert (year.numerator, year.denominator, year.met) == (1, 2, False)
    assert year.reporting_units == 2
    h1 = row.figures["h1"]
    # U1 2/5 = 40%, U2 4/10 = 40%: both meet (exactly 40%), progress only at mid-year
    assert (h1.numerator, h1.denominator, h1.verdict) == (2, 2, Verdict.PROGRESS)
    assert h1.attainment == Fraction(100)
    registration = row.figures["registration"]
    # Nobody registered 9đ.2: no verdict.
    assert registration.met is None

"""The roll-up rows themselves, sums and ratios.

Roll-up of the 2017 Tuyên Quang plan over the hand-built roster of ``hand_roster.py``
(the ``tree`` fixture of this folder's conftest); every expected figure is computed by
hand next to its assertion."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.core.figures import Measure, Verdict, aggregate_condition
from app.rollup.query import Scope, rollup
from tests.unit.rollup.hand_roster import (
    ADM,
    FDI,
    NON_STATE,
    PLAN,
    STATE,
    Tree,
    build_roster,
    figure,
    pick,
    ratio,
    save,
    whole,
)

#: The roll-up runs in SQL: the same figures on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


# --- the roll-up rows themselves ---------------------------------------------------


def test_every_target_gets_a_row_with_every_stream(tree: Tree, session: Session) -> None:
    """One row per target (two for split targets), each with registration, h1 and year."""
    rows = whole(session)
    codes = [row.indicator.code for row in rows]
    # 1, 9a.2, 9a.3, 9c and 4 have two targets each; the rest one.
    assert codes.count("1") == 2
    assert codes.count("4") == 2
    assert codes.count("9a.2") == 2
    assert codes.count("9c") == 2
    assert codes.count("2.1") == 1
    for row in rows:
        assert set(row.figures) == {"registration", "h1", "year"}


# --- sum ---------------------------------------------------------------------------


def test_sum_counts_members_over_the_whole_federation(tree: Tree, session: Session) -> None:
    """2.1 sums new members; other streams and units outside the year's roster stay out."""
    row = pick(whole(session), "2.1")
    # 2.1 applies to every kind and sector: U1 + U2 + 7 CĐCS = 9 (OLD is 2016 only; the
    # federation F is never counted as a reporting unit).
    assert row.applicable_units == 9
    year = row.figures["year"]
    # A1 10 + S1 25 + N1 40 + X1 100 + D1 5 = 180 (OLD's 1000 is not in the 2017 roster).
    assert year.value == Decimal(180)
    assert year.numerator == 180
    assert year.reporting_units == 5
    assert year.met is False  # target "2.000 đoàn viên"
    registration = row.figures["registration"]
    # A1 20 + X1 150 = 170
    assert registration.value == Decimal(170)
    assert registration.reporting_units == 2
    h1 = row.figures["h1"]
    # Nobody reported 2.1 for the first half: no value, and no verdict.
    assert (h1.value, h1.reporting_units, h1.met) == (None, 0, None)


def test_sum_of_money_is_exact_vnd_including_upper_level_unions(
    tree: Tree, session: Session
) -> None:
    """7.1 sums integer VND from every kind of unit and meets "từ 700 triệu đồng trở lên"."""
    row = pick(whole(session), "7.1")
    year = row.figures["year"]
    # X1 600.000.000 + U1's area total 200.500.000 = 800.500.000 đ: S1's 50.000.000 and
    # N1's 120.500.000 are in U1's total (7.1 counts the levels once), not added again
    assert year.value == Decimal(800_500_000)
    assert year.numerator == 800_500_000
    assert year.reporting_units == 4
    assert year.met is True
    h1 = row.figures["h1"]
    # X1 300.000.000 đ only: progress towards the year's target, no verdict at mid-year.
    assert h1.value == Decimal(300_000_000)
    assert (h1.met, h1.verdict) == (None, Verdict.PROGRESS)
    assert h1.attainment == Fraction(300_000_000 * 100, 700_000_000)  # 42,9% of the target


# --- ratio -------------------------------------------------------------------------


def test_ratio_is_sum_of_numerators_over_sum_of_denominators_per_sector(
    tree: Tree, session: Session
) -> None:
    """Indicator 1 splits by sector; each side is Σnum/Σden, not an average of percentages."""
    rows = whole(session)
    administrative = pick(rows, "1", 0)
    assert administrative.target is not None
    assert administrative.target.sectors == (ADM,)
    assert administrative.applicable_units == 2  # A1, D1
    year = administrative.figures["year"]
    # A1 50/50 + D1 29/30 = 79/80 = 98.75% < 100% -> not met
    assert (year.numerator, year.denominator) == (79, 80)
    assert year.exact == Fraction(9875, 100)
    assert year.value == Decimal("98.8")  # shown half up on the exact 98,75
    assert year.met is False

    enterprise = pick(rows, "1", 1)
    assert enterprise.target is not None
    assert set(enterprise.target.sectors) == {STATE, NON_STATE, FDI}
    assert enterprise.applicable_units == 5  # S1, S2, N1, N2, X1
    year = enterprise.figures["year"]
    # S1 90/100 + N1 10/20 + X1 800/900 = 900/1020 = 88.2352...% -> 88.24% >= 80% -> met.
    # The average of the percentages, (90 + 50 + 88.89) / 3 = 76.30%, would miss 80%.
    # U1's 0/100 has no sector and lands in neither side.
    assert (year.numerator, year.denominator) == (900, 1020)
    assert year.exact == Fraction(90000, 1020)
    assert year.value == Decimal("88.2")
    assert year.reporting_units == 3
    assert year.met is True


def test_more_than_85_percent_is_not_met_by_exactly_85(tree: Tree, session: Session) -> None:
    """2.3 "trên 85%": 85.00% exactly is not met, 86% is; non-enterprises are ignored."""
    row = pick(whole(session), "2.3")
    # Enterprise CĐCS only (upper-level unions have no sector): S1, S2, N1, N2, X1.
    assert row.applicable_units == 5
    year = row.figures["year"]
    # S1 85/100 + N1 170/200 = 255/300 = 85.00%; A1's 0/50 (administrative) is left out,
    # otherwise it would read 255/350.
    assert (year.numerator, year.denominator) == (255, 300)
    assert year.exact == Fraction(85)
    assert year.reporting_units == 2
    assert year.met is False
    registration = row.figures["registration"]
    # S1 86/100 = 86% > 85%: the commitments would reach it; a registration has no verdict.
    assert registration.exact == Fraction(86)
    assert (registration.met, registration.verdict) == (None, Verdict.PROGRESS)
    assert row.target is not None
    assert aggregate_condition(Measure.PERCENT, row.target, 86, 100) is True


def test_ratio_targets_are_judged_on_the_exact_fraction_not_the_rounded_percentage(
    ctx: AppContext,
) -> None:
    """99.995% is shown rounded but does not reach 100%; 85.001% is more than 85%."""
    with ctx.unit_of_work() as session:
        built = build_roster(session)
        # 19.999 of 20.000 administrative members: one was not reached.
        save(session, built.units["A1"], "year", {"1": ratio(19_999, 20_000)})
        # 85.001 of 100.000 workers are members: just over 85%.
        save(session, built.units["S1"], "year", {"2.3": ratio(85_001, 100_000)})
    with ctx.reading() as session:
        rows = whole(session)
        administrative = figure(rows, "1", "year", 0)
        assert (administrative.numerator, administrative.denominator) == (19_999, 20_000)
        assert administrative.met is False  # 99.995% < 100%, whatever the display rounds to
        attraction = figure(rows, "2.3", "year")
        assert (attraction.numerator, attraction.denominator) == (85_001, 100_000)
        assert attraction.met is True  # 85.001% > 85%


def test_an_area_total_counts_each_unit_once_in_every_scope(tree: Tree, session: Session) -> None:
    """7.1 is an ``area_total`` indicator: where U1 (upper-level) reported, its CĐCS S1
    and N1 are in its total; a scope without U1 counts S1 and N1 themselves."""

    def money(scope: Scope) -> Decimal | None:
        return figure(rollup(session, plan_id=PLAN, scope=scope), "7.1", "year").value

    # cluster DN (S1, N1, X1; U1 is in no cluster): 50.000.000 + 120.500.000 + 600.000.000
    assert money(Scope(cluster_id=tree.clusters["DN"])) == Decimal(770_500_000)
    # S1 alone: its own value (its parent is not in the scope)
    assert money(Scope(root_unit_id=tree.units["S1"])) == Decimal(50_000_000)
    # U1's subtree: its area total only
    assert money(Scope(root_unit_id=tree.units["U1"])) == Decimal(200_500_000)
    # U2 reported no 7.1: X1's own value counts under it
    assert money(Scope(root_unit_id=tree.units["U2"])) == Decimal(600_000_000)


def test_an_upper_level_unions_change_reaches_its_members_cells(
    tree: Tree, ctx: AppContext
) -> None:
    """U1 withdraws its 7.1 area total: S1's and N1's values count again at once, read
    through the cells (stale or refreshed) as from the values."""
    from app.rollup.cache import refresh_cache
    from tests.unit.rollup.hand_roster import STATEMENTS

    with ctx.unit_of_work() as session:
        values = {k: v for k, v in STATEMENTS["year"]["U1"].items() if k != "7.1"}
        save(session, tree.units["U1"], "year", values)
    expected = Decimal(50_000_000 + 120_500_000 + 600_000_000)
    for refreshed in (False, True):
        if refreshed:
            refresh_cache(ctx)
        with ctx.reading() as session:
            assert figure(whole(session), "7.1", "year").value == expected
            u1 = rollup(session, plan_id=PLAN, scope=Scope(root_unit_id=tree.units["U1"]))
            assert figure(u1, "7.1", "year").value == Decimal(170_500_000)
            dn = rollup(session, plan_id=PLAN, scope=Scope(cluster_id=tree.clusters["DN"]))
            assert figure(dn, "7.1", "year").value == expected

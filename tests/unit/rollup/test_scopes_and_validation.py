"""Scopes (subtrees, clusters, both), applicability, and what save_statement refuses.

Roll-up of the 2017 Tuyên Quang plan over the hand-built roster of ``hand_roster.py``
(the ``tree`` fixture of this folder's conftest); every expected figure is computed by
hand next to its assertion."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.core.domain import UnitValue
from app.core.errors import InputError
from app.core.figures import Verdict
from app.rollup.query import Scope, rollup
from app.statements.records import statement_values
from db import models
from tests.unit.rollup.hand_roster import (
    PLAN,
    YES,
    Tree,
    amount,
    build_roster,
    figure,
    grade,
    pick,
    ratio,
    save,
    whole,
)

#: The roll-up runs in SQL: the same figures on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


# --- scopes --------------------------------------------------------------------------


def test_subtree_scope_sees_only_the_upper_level_union_and_its_cdcs(
    tree: Tree, session: Session
) -> None:
    """Scope(root=U1) rolls up U1, A1, S1 and N1 only."""
    rows = rollup(session, plan_id=PLAN, scope=Scope(root_unit_id=tree.units["U1"]))
    members = pick(rows, "2.1")
    assert members.applicable_units == 4  # U1, A1, S1, N1
    # A1 10 + S1 25 + N1 40 = 75: a part of the province's 2.000, never a failure
    assert members.figures["year"].value == Decimal(75)
    assert members.figures["year"].verdict is Verdict.CONTRIBUTION
    # U1's area total 200.500.000 đ (S1's and N1's values are in it, not added again):
    # 28,6% of 700 triệu
    money = figure(rows, "7.1", "year")
    assert (money.value, money.verdict) == (Decimal(200_500_000), Verdict.CONTRIBUTION)
    assert money.attainment == Fraction(200_500_000 * 100, 700_000_000)
    # Indicator 1, enterprise: S1 90/100 + N1 10/20 = 100/120 = 83.33% >= 80%, judged
    # on the area's own units
    enterprise = pick(rows, "1", 1)
    assert enterprise.applicable_units == 2
    assert enterprise.figures["year"].exact == Fraction(10000, 120)
    assert enterprise.figures["year"].met is True
    # Indicator 4: A1, S1, N1 all vững mạnh -> 3/3
    strong = pick(rows, "4", 0)
    assert strong.applicable_units == 3
    assert (strong.figures["year"].numerator, strong.figures["year"].met) == (3, True)
    # Indicator 5: A1 2 + S1 1 + N1 0 = 3 over 3 CĐCS = 1.00 -> met
    assert figure(rows, "5", "year").value == Decimal("1.00")
    # 9đ.2: U1 alone, 2/5 = 40% -> met
    each = pick(rows, "9đ.2")
    assert each.applicable_units == 1
    assert each.figures["year"].met is True


def test_subtree_scope_of_the_other_upper_level_union(tree: Tree, session: Session) -> None:
    """Scope(root=U2): X1 (FDI) said yes to 9a.2, N2 did not report -> 1/2 non-state."""
    rows = rollup(session, plan_id=PLAN, scope=Scope(root_unit_id=tree.units["U2"]))
    non_state = pick(rows, "9a.2", 1)
    assert non_state.applicable_units == 2  # X1, N2
    assert figure(rows, "9a.2", "year", 1).exact == Fraction(50)
    assert pick(rows, "2.1").figures["year"].value == Decimal(100)  # X1 only
    each = figure(rows, "9đ.2", "year")
    assert (each.numerator, each.denominator, each.met) == (0, 1, False)  # U2 3/10 = 30%
    assert figure(rows, "9a.2", "year", 1).value == Decimal("50.0")


def test_subtree_of_a_cdcs_directly_under_the_federation_is_itself(
    tree: Tree, session: Session
) -> None:
    """Scope(root=D1): depth is not fixed; D1 alone is rolled up."""
    rows = rollup(session, plan_id=PLAN, scope=Scope(root_unit_id=tree.units["D1"]))
    assert pick(rows, "2.1").applicable_units == 1
    assert figure(rows, "2.1", "year").value == Decimal(5)
    administrative = figure(rows, "1", "year", 0)
    assert (administrative.numerator, administrative.denominator) == (29, 30)
    assert pick(rows, "1", 1).applicable_units == 0  # no enterprise in scope
    assert figure(rows, "1", "year", 1).value is None


def test_federation_root_equals_no_scope(tree: Tree, session: Session) -> None:
    """Scope(root=F) and Scope() give the same figures for every target."""
    everything = whole(session)
    rooted = rollup(session, plan_id=PLAN, scope=Scope(root_unit_id=tree.units["F"]))
    assert [(r.applicable_units, r.figures) for r in everything] == [
        (r.applicable_units, r.figures) for r in rooted
    ]


def test_cluster_scope_sees_only_the_cluster_members(tree: Tree, session: Session) -> None:
    """Cluster DN (S1, N1, X1) cuts across the two upper-level unions."""
    rows = rollup(session, plan_id=PLAN, scope=Scope(cluster_id=tree.clusters["DN"]))
    members = pick(rows, "2.1")
    assert members.applicable_units == 3
    # S1 25 + N1 40 + X1 100 = 165
    assert members.figures["year"].value == Decimal(165)
    # Indicator 1 has no administrative unit in the cluster: no value, no verdict.
    administrative = pick(rows, "1", 0)
    assert administrative.applicable_units == 0
    assert (administrative.figures["year"].value, administrative.figures["year"].met) == (
        None,
        None,
    )
    # 9a.2 non-state: N1 yes, X1 yes -> 2/2
    non_state = figure(rows, "9a.2", "year", 1)
    assert (non_state.numerator, non_state.denominator, non_state.met) == (2, 2, True)


def test_cluster_and_subtree_scopes_intersect(tree: Tree, session: Session) -> None:
    """Scope(root=U1, cluster=DN) is S1 and N1; cluster HC spans U1 and the federation."""
    both = rollup(
        session,
        plan_id=PLAN,
        scope=Scope(root_unit_id=tree.units["U1"], cluster_id=tree.clusters["DN"]),
    )
    assert pick(both, "2.1").applicable_units == 2
    # S1 25 + N1 40 = 65
    assert figure(both, "2.1", "year").value == Decimal(65)
    administrative = rollup(session, plan_id=PLAN, scope=Scope(cluster_id=tree.clusters["HC"]))
    # A1 (under U1) 50/50 + D1 (under F) 29/30 = 79/80 = 98.75%
    year = figure(administrative, "1", "year", 0)
    assert (year.numerator, year.denominator, year.exact) == (79, 80, Fraction(9875, 100))


def test_applicability_by_kind_and_sector(tree: Tree, session: Session) -> None:
    """applicable_units follows the indicator's and the target's kinds and sectors."""
    by_code = {(r.indicator.code, r.target.wording if r.target else ""): r for r in whole(session)}
    counts = {code: r.applicable_units for (code, _), r in by_code.items()}
    assert counts["2.2"] == 2  # federation + upper, the federation itself not counted: U1, U2
    assert counts["3.1"] == 2  # federation + upper
    assert counts["3.2"] == 7  # CĐCS
    assert counts["9a.1"] == 2  # administrative CĐCS: A1, D1
    assert counts["9b"] == 5  # enterprise CĐCS
    assert counts["9d"] == 5
    assert counts["9đ.1"] == 2
    assert counts["7.1"] == 9  # every reporting unit in the 2017 roster


# --- save_statement validation -----------------------------------------------------------


def _row_counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(table)) or 0
        for table in (
            models.Statement,
            models.StatementValue,
            models.StatementMovement,
            models.AuditEntry,
        )
    )


@pytest.mark.parametrize(
    ("values", "code"),
    [
        pytest.param({"1": ratio(60, 50)}, "1", id="numerator-above-denominator"),
        pytest.param({"7.1": amount(-1)}, "7.1", id="negative-money"),
        pytest.param({"4": grade("hoan_thanh_xuat_sac")}, "4", id="grade-not-in-2017-scale"),
        pytest.param({"10": amount(1)}, "10", id="unknown-indicator"),
        pytest.param({"2.1": ratio(1, 2)}, "2.1", id="ratio-for-a-count"),
        pytest.param(
            {"2.1": amount(5), "8": amount(1), "9c": ratio(101, 100)},
            "9c",
            id="one-bad-among-good",
        ),
    ],
)
def test_save_statement_rejects_invalid_values_and_writes_nothing(
    ctx: AppContext, values: dict[str, UnitValue], code: str
) -> None:
    """An invalid value raises InputError naming the indicator; no row is written at all."""
    with ctx.unit_of_work() as session:
        built = build_roster(session)
    with ctx.unit_of_work() as session:
        before = _row_counts(session)
        with pytest.raises(InputError) as info:
            save(session, built.units["S1"], "year", values)
        assert f"{code}: " in info.value.detail
        assert "nothing was saved" in str(info.value)
        # Same session, autoflush on: nothing is pending either.
        assert _row_counts(session) == before
    with ctx.reading() as session:
        assert _row_counts(session) == before


def test_rejected_statement_keeps_the_previous_one(ctx: AppContext) -> None:
    """A unit's saved statement survives an invalid replacement untouched."""
    with ctx.unit_of_work() as session:
        built = build_roster(session)
        save(session, built.units["S1"], "year", {"2.1": amount(25), "9a.2": YES})
    with ctx.unit_of_work() as session:
        with pytest.raises(InputError):
            save(session, built.units["S1"], "year", {"2.1": amount(30), "7.1": amount(-5)})
        current = statement_values(session, plan_id=PLAN, unit_id=built.units["S1"], stream="year")
        assert current == {"2.1": amount(25), "9a.2": YES}

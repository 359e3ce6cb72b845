"""Roll-up of the 2017 Tuyên Quang plan over a small hand-built roster.

Every expected figure below is computed by hand in a comment next to the
assertion, from the data in :data:`STATEMENTS`.

The 2017 roster (under the federation F, the installation's own unit)::

    F  LĐLĐ tỉnh Tuyên Quang (federation)
    ├── U1 LĐLĐ huyện Yên Sơn (upper)
    │   ├── A1 administrative      cluster HC
    │   ├── S1 state enterprise    cluster DN
    │   └── N1 non-state enterprise cluster DN
    ├── U2 Công đoàn các Khu công nghiệp (upper)
    │   ├── X1 FDI                 cluster DN
    │   ├── S2 state enterprise
    │   └── N2 non-state enterprise
    └── D1 administrative, directly under the federation, cluster HC

OLD is a CĐCS of the 2016 roster only; its statements must never count.
So the 2017 roster holds 10 units: F, 2 upper-level unions, 7 CĐCS
(2 administrative, 2 state, 2 non-state, 1 FDI).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.core.domain import UnitValue
from app.core.errors import InputError
from app.core.figures import Figure, Measure, Verdict, aggregate_condition
from app.core.installation import get_installation
from app.rollup.cache import refresh_cache
from app.rollup.query import Scope, TargetRollup, rollup
from app.statements.records import StatementInput, save_statement, statement_values
from db import models
from db.enums import Sector, UnitKind

#: The roll-up runs in SQL: the same figures on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends

PLAN = "tuyen-quang-2017"
YEAR = 2017

ADM = Sector.ADMINISTRATIVE
STATE = Sector.STATE_ENTERPRISE
NON_STATE = Sector.NON_STATE_ENTERPRISE
FDI = Sector.FDI
UPPER = UnitKind.UPPER
CDCS = UnitKind.GRASSROOTS

# key: (name, kind, sector, parent key, cluster key, roster year)
UNITS: dict[str, tuple[str, UnitKind, Sector | None, str, str | None, int]] = {
    "U1": ("LĐLĐ huyện Yên Sơn", UPPER, None, "F", None, YEAR),
    "U2": ("Công đoàn các Khu công nghiệp tỉnh", UPPER, None, "F", None, YEAR),
    "A1": ("CĐCS Trường THPT Yên Sơn", CDCS, ADM, "U1", "HC", YEAR),
    "S1": ("CĐCS Công ty TNHH MTV Điện lực", CDCS, STATE, "U1", "DN", YEAR),
    "N1": ("CĐCS Công ty CP Xi măng Tân Quang", CDCS, NON_STATE, "U1", "DN", YEAR),
    "X1": ("CĐCS Công ty TNHH Hàn Việt (FDI)", CDCS, FDI, "U2", "DN", YEAR),
    "S2": ("CĐCS Công ty TNHH MTV Lâm nghiệp", CDCS, STATE, "U2", None, YEAR),
    "N2": ("CĐCS Công ty CP Giấy An Hòa", CDCS, NON_STATE, "U2", None, YEAR),
    "D1": ("CĐCS Cơ quan Đảng ủy Khối doanh nghiệp tỉnh", CDCS, ADM, "F", "HC", YEAR),
    "OLD": ("CĐCS đã giải thể năm 2016", CDCS, NON_STATE, "F", None, 2016),
}
CLUSTERS = {"HC": "Cụm khối hành chính sự nghiệp", "DN": "Cụm khối doanh nghiệp"}


def amount(value: int) -> UnitValue:
    return UnitValue(amount=value)


def ratio(numerator: int, denominator: int) -> UnitValue:
    return UnitValue(numerator=numerator, denominator=denominator)


def grade(code: str) -> UnitValue:
    return UnitValue(grade=code)


YES = UnitValue(flag=True)
NO = UnitValue(flag=False)

# stream -> unit key -> indicator code -> value
STATEMENTS: dict[str, dict[str, dict[str, UnitValue]]] = {
    "year": {
        "A1": {
            "1": ratio(50, 50),
            "2.1": amount(10),
            "2.3": ratio(0, 50),  # not an enterprise: must be ignored
            "4": grade("vung_manh"),
            "5": amount(2),
            "8": amount(1),
            "9a.2": YES,  # administrative: 9a.2 does not apply
        },
        "S1": {
            "1": ratio(90, 100),
            "2.1": amount(25),
            "2.3": ratio(85, 100),
            "4": grade("vung_manh"),
            "5": amount(1),
            "7.1": amount(50_000_000),
            "8": amount(2),
            "9a.2": YES,
            "9c": ratio(80, 100),
            "9đ.2": ratio(0, 1),  # a CĐCS: 9đ.2 is for upper-level unions only
        },
        "N1": {
            "1": ratio(10, 20),
            "2.1": amount(40),
            "2.3": ratio(170, 200),
            "4": grade("vung_manh"),
            "5": amount(0),
            "7.1": amount(120_500_000),
            "8": amount(1),
            "9a.2": YES,
            "9c": ratio(160, 200),
        },
        "X1": {
            "1": ratio(800, 900),
            "2.1": amount(100),
            "4": grade("vung_manh"),
            "5": amount(2),
            "7.1": amount(600_000_000),
            "8": amount(1),
            "9a.2": YES,
            "9c": ratio(500, 1000),
        },
        "S2": {"4": grade("kha"), "8": amount(1), "9a.2": YES, "9c": ratio(79, 100)},
        # N2 reports neither 4, 5 nor 9a.2 in the year report.
        "N2": {"8": amount(0), "9c": ratio(90, 100)},
        "D1": {
            "1": ratio(29, 30),
            "2.1": amount(5),
            "4": grade("vung_manh"),
            "5": amount(1),
            "8": amount(1),
        },
        "U1": {
            "1": ratio(0, 100),  # an upper-level union has no sector
            "4": grade("yeu"),  # grades are for CĐCS only
            "5": amount(10),  # the average is per CĐCS
            "7.1": amount(30_000_000),  # money: every kind of unit collects
            "9đ.2": ratio(2, 5),
        },
        "U2": {"9đ.2": ratio(3, 10)},
        "F": {"9đ.2": ratio(1, 100)},  # the federation is not an upper-level union
        "OLD": {"2.1": amount(1000), "4": grade("yeu")},  # not in the 2017 roster
    },
    "h1": {
        "A1": {"4": grade("vung_manh")},
        "S1": {"4": grade("vung_manh"), "9a.2": YES},
        "N1": {"4": grade("vung_manh"), "9a.2": YES},
        "X1": {"4": grade("vung_manh"), "9a.2": YES, "7.1": amount(300_000_000)},
        "S2": {"4": grade("vung_manh"), "9a.2": NO},
        "N2": {"4": grade("yeu"), "9a.2": YES},
        "D1": {"4": grade("vung_manh")},
        "U1": {"9đ.2": ratio(2, 5)},
        "U2": {"9đ.2": ratio(4, 10)},
    },
    "registration": {
        "A1": {"2.1": amount(20), "8": amount(1)},
        "S1": {"2.3": ratio(86, 100), "8": amount(1)},
        "N1": {"8": amount(1)},
        "X1": {"2.1": amount(150)},
    },
}


@dataclass(frozen=True)
class Tree:
    units: dict[str, str]  # key -> unit id ("F" is the federation)
    clusters: dict[str, str]  # key -> cluster id


def build_roster(session: Session) -> Tree:
    """Insert the roster of the module docstring; return the ids by key."""
    installation = get_installation(session)
    assert installation is not None
    ids = {"F": installation.own_unit_id}
    session.add(models.RosterEntry(year=YEAR, unit_id=ids["F"], parent_id=None))
    clusters = {
        key: models.Cluster(year=YEAR, code=key, name=name) for key, name in CLUSTERS.items()
    }
    session.add_all(clusters.values())
    for key, (name, kind, *_rest) in UNITS.items():
        unit = models.Unit(code=key, name=name, kind=kind)
        session.add(unit)
        session.flush()
        ids[key] = unit.id
    session.flush()
    for key, (_name, _kind, sector, parent, cluster, year) in UNITS.items():
        session.add(
            models.RosterEntry(
                year=year,
                unit_id=ids[key],
                parent_id=ids[parent],
                cluster_id=clusters[cluster].id if cluster else None,
                sector=sector,
                member_count=100,
                worker_count=120,
            )
        )
    session.flush()
    return Tree(ids, {key: c.id for key, c in clusters.items()})


def save(session: Session, unit_id: str, stream: str, values: Mapping[str, UnitValue]) -> str:
    return save_statement(
        session, StatementInput(plan_id=PLAN, unit_id=unit_id, stream=stream, values=values)
    )


@pytest.fixture(params=["computed", "cached"])
def tree(ctx: AppContext, request: pytest.FixtureRequest) -> Tree:
    """The roster with every statement of :data:`STATEMENTS` saved.

    "computed": the roll-up cells are stale, so the sums come from the values;
    "cached": the cells are refreshed first, so they come from the cells (and
    the subtree root's own values).
    """
    with ctx.unit_of_work() as session:
        built = build_roster(session)
        for stream, by_unit in STATEMENTS.items():
            for key, values in by_unit.items():
                save(session, built.units[key], stream, values)
    if request.param == "cached":
        assert refresh_cache(ctx).cells > 0
        with ctx.reading() as session:
            assert session.scalar(select(func.count()).select_from(models.RollupDirty)) == 0
    return built


@pytest.fixture
def session(ctx: AppContext) -> Iterator[Session]:
    with ctx.reading() as reading:
        yield reading


def pick(rows: list[TargetRollup], code: str, target: int = 0) -> TargetRollup:
    """The roll-up row of indicator ``code``'s ``target``-th target (plan order)."""
    matches = [row for row in rows if row.indicator.code == code]
    return matches[target]


def figure(rows: list[TargetRollup], code: str, stream: str, target: int = 0) -> Figure:
    return pick(rows, code, target).figures[stream]


def whole(session: Session) -> list[TargetRollup]:
    return rollup(session, plan_id=PLAN, scope=Scope())


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
    # S1 50.000.000 + N1 120.500.000 + X1 600.000.000 + U1 30.000.000 = 800.500.000 đ
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
    # S1 50.000.000 + N1 120.500.000 + U1 30.000.000 = 200.500.000 đ: 28,6% of 700 triệu
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

"""The one judge and formatter of figures (:mod:`app.core.figures`), on its own.

The comparisons are checked against exact fractions for any integers
(hypothesis), in Python, as SQL on a real SQLite database, and as the
spreadsheet text the workbook writes; the rounding rule against hand-made
ties; the verdict rules (scope, stream, period targets) case by case.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from app.core import domain, figures
from app.core.figures import Against, Formula, Measure, Verdict
from app.core.format import format_number, format_percent, half_up
from app.core.i18n import vietnamese
from db.enums import Comparison, IndicatorKind, Rollup, TargetScope, UnitKind

GOALS = st.builds(
    lambda whole, part: Fraction(whole) + Fraction(part, 10**6),
    st.integers(0, 10**4),
    st.integers(0, 10**6 - 1),
)
COMPARISONS = st.sampled_from(list(Comparison))


def exact(comparison: Comparison, figure: Fraction, goal: Fraction) -> bool:
    """The plain-words meaning, written out once more for the test."""
    return {
        Comparison.REACH: figure >= goal,
        Comparison.AT_LEAST: figure >= goal,
        Comparison.MORE_THAN: figure > goal,
        Comparison.AT_MOST: figure <= goal,
        Comparison.NONE: figure == 0,
    }[comparison]


def spreadsheet(formula: str) -> bool:
    """Evaluate a comparison of integer products the way a spreadsheet reads it."""
    python = re.sub(r"(?<![<>])=", "==", formula)
    assert re.fullmatch(r"[\d()*<>= ]+", python), formula
    return bool(eval(python))  # only digits, parentheses, * and comparisons


# --- rounding and formatting -----------------------------------------------------------------


def test_half_up_rounds_the_exact_value() -> None:
    assert half_up(Fraction(13 * 100, 16), 1) == Decimal("81.3")  # 81,25
    assert half_up(Fraction(9 * 100, 16), 1) == Decimal("56.3")  # 56,25
    assert half_up(Fraction(113 * 100, 2000), 1) == Decimal("5.7")  # 5,65, a float says 5,6499…
    assert half_up(Fraction(1, 3), 2) == Decimal("0.33")
    assert half_up(Decimal("0.125"), 2) == Decimal("0.13")
    # Away from zero below it too; a negative figure rounded to zero reads 0.00, not -0.00.
    assert str(half_up(Fraction(-13 * 100, 16), 1)) == "-81.3"
    assert str(half_up(Fraction(-1, 1000), 2)) == "0.00"
    assert format_percent(Fraction(89)) == "89,0%"
    assert format_number(Fraction(3, 2), 2, fixed=True) == "1,50"
    assert format_number(1_263_000_000) == "1.263.000.000"


@given(st.integers(0, 10**9), st.integers(1, 10**9))
def test_percent_text_is_the_half_up_of_the_exact_percentage(part: int, whole: int) -> None:
    text = figures.percent_text(Fraction(part * 100, whole))
    assert text.endswith("%") and "," in text
    shown = Decimal(text[:-1].replace(".", "").replace(",", "."))
    assert abs(Fraction(shown) - Fraction(part * 100, whole)) <= Fraction(1, 20)


# --- the one definition of "meets" -----------------------------------------------------------


@given(COMPARISONS, GOALS, st.integers(0, 10**9), st.integers(1, 10**9))
def test_percent_condition_is_exact_in_python_and_as_a_formula(
    comparison: Comparison, goal: Fraction, numerator: int, denominator: int
) -> None:
    numerator = min(numerator, denominator)  # a part of a whole (checked on entry)
    wanted = exact(comparison, Fraction(numerator * 100, denominator), goal)
    assert figures.percent_condition(comparison, goal, numerator, denominator) is wanted
    text = figures.percent_condition(
        comparison, goal, Formula(str(numerator)), Formula(str(denominator))
    )
    assert spreadsheet(text) is wanted


@given(COMPARISONS, GOALS, st.integers(0, 10**15))
def test_amount_condition_is_exact_without_multiplying(
    comparison: Comparison, goal: Fraction, amount: int
) -> None:
    wanted = exact(comparison, Fraction(amount), goal)
    assert figures.amount_condition(comparison, goal, amount) is wanted
    assert spreadsheet(figures.amount_condition(comparison, goal, Formula(str(amount)))) is wanted


@given(COMPARISONS, GOALS, st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 10**9))))
def test_the_sql_condition_counts_what_python_counts(
    comparison: Comparison, goal: Fraction, rows: list[tuple[int, int]]
) -> None:
    """The same definition rendered as SQL by SQLAlchemy, run by SQLite, on 64-bit integers."""
    from sqlalchemy import Column, Integer, MetaData, Table, create_engine, func, insert, select

    rows = [(min(n, d), d) for n, d in rows]
    metadata = MetaData()
    values = Table("v", metadata, Column("n", Integer), Column("d", Integer))
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        if rows:
            connection.execute(insert(values), [{"n": n, "d": d} for n, d in rows])
        counted = connection.scalar(
            select(func.count()).where(
                values.c.d > 0, figures.percent_condition(comparison, goal, values.c.n, values.c.d)
            )
        )
    expected = sum(1 for n, d in rows if d > 0 and exact(comparison, Fraction(n * 100, d), goal))
    assert counted == expected
    assert sqlite3.sqlite_version  # a real SQLite ran it


def test_33_of_375_is_exactly_8_8_percent() -> None:
    """A float threshold (8,8 → 8,8000000000000007) rejected it."""
    assert figures.percent_condition(Comparison.AT_LEAST, Decimal("8.8"), 33, 375)
    assert not figures.percent_condition(Comparison.MORE_THAN, Decimal("8.8"), 33, 375)
    assert figures.meets(Comparison.NONE, Fraction(0), Decimal(0))


# --- verdicts: where and when a target is judged ---------------------------------------------


def _plan(*indicators: domain.Indicator) -> domain.Plan:
    periods = (
        domain.Period("h1", "6 tháng đầu năm 2017", None, None, None),
        domain.Period("year", "Năm 2017", None, None, None),
    )
    return domain.Plan(
        id="p",
        year=2017,
        issuer="LĐLĐ",
        parent_issuer="",
        number="",
        issued_on=dt.date(2017, 2, 7),
        place="Tuyên Quang",
        title="",
        theme="",
        signer_name="",
        signer_title="",
        content_hash="",
        builtin=False,
        periods=periods,
        grade_levels=(),
        movements=(),
        groups=(),
        indicators=indicators,
    )


def _indicator(kind: IndicatorKind, rollup: Rollup, *targets: domain.Target) -> domain.Indicator:
    return domain.Indicator(
        id="i",
        code="2.1",
        group_code="2",
        title="Đoàn viên",
        kind=kind,
        rollup=rollup,
        unit_of_measure="",
        numerator_label="",
        denominator_label="",
        sectors=(),
        unit_kinds=(),
        unit_goal_comparison=None,
        unit_goal_value=None,
        targets=targets,
    )


MEMBERS = domain.Target(Comparison.REACH, Decimal(2000), "2.000 đoàn viên")
SHARE = domain.Target(Comparison.MORE_THAN, Decimal(85), "trên 85%")
MID_YEAR = domain.Target(Comparison.AT_LEAST, Decimal(1000), "6 tháng: 1.000", period="h1")


def judge(
    indicator: domain.Indicator,
    target: domain.Target,
    *,
    stream: str = "year",
    numerator: int,
    denominator: int | None = None,
    whole: bool = True,
    own: bool = False,
) -> figures.Figure:
    return figures.judge_figure(
        _plan(indicator),
        indicator,
        target,
        stream=stream,
        numerator=numerator,
        denominator=denominator,
        reporting_units=3,
        applicable_units=3,
        whole=whole,
        own=own,
    )


def test_a_total_is_judged_for_the_province_and_is_a_contribution_below_it() -> None:
    members = _indicator(IndicatorKind.COUNT, Rollup.SUM, MEMBERS)
    assert judge(members, MEMBERS, numerator=2000).verdict is Verdict.MET
    part = judge(members, MEMBERS, numerator=561, whole=False)
    assert (part.verdict, part.against, part.attainment) == (
        Verdict.CONTRIBUTION,
        Against.PROVINCE_TARGET,
        Fraction(561 * 100, 2000),
    )
    assert figures.figure_attainment_text(part, vietnamese) == "bằng 28,1% chỉ tiêu của tỉnh"
    assert figures.figure_verdict_text(part, vietnamese) == "Phần đóng góp"
    # A target given down to the area's own union is judged there.
    assert judge(members, MEMBERS, numerator=561, whole=False, own=True).verdict is Verdict.NOT_MET


def test_a_ratio_is_judged_on_the_scopes_own_units() -> None:
    ratio = _indicator(IndicatorKind.RATIO, Rollup.RATIO, SHARE)
    below = judge(ratio, SHARE, numerator=85, denominator=100, whole=False)
    assert (below.verdict, below.measure, below.exact) == (
        Verdict.NOT_MET,
        Measure.PERCENT,
        Fraction(85),
    )
    assert figures.figure_text(ratio, below, vietnamese) == "85,0%"
    assert figures.basis_text(below, vietnamese) == "85 / 100"


def test_before_the_year_a_figure_is_progress_unless_the_period_has_a_target() -> None:
    members = _indicator(IndicatorKind.COUNT, Rollup.SUM, MEMBERS, MID_YEAR)
    h1 = judge(members, MEMBERS, stream="h1", numerator=1200)
    assert (h1.verdict, h1.against, h1.met) == (Verdict.PROGRESS, Against.YEAR_TARGET, None)
    assert figures.figure_attainment_text(h1, vietnamese) == "bằng 60,0% chỉ tiêu cả năm"
    registered = judge(members, MEMBERS, stream="registration", numerator=2100)
    assert (registered.verdict, registered.against) == (
        Verdict.PROGRESS,
        Against.REGISTERED_TARGET,
    )
    assert judge(members, MID_YEAR, stream="h1", numerator=1200).verdict is Verdict.MET
    # After its period a period's target says nothing (the year has its own).
    assert judge(members, MID_YEAR, stream="year", numerator=1200).verdict is Verdict.NONE
    assert figures.target_text(_plan(members), members, MID_YEAR) == (
        "6 tháng: 1.000 (6 tháng đầu năm 2017)"
    )


def test_each_unit_targets_read_as_the_units_meeting_them() -> None:
    target = domain.Target(
        Comparison.AT_LEAST, Decimal(40), "mỗi đơn vị 40%", scope=TargetScope.EACH_UNIT
    )
    ratio = _indicator(IndicatorKind.RATIO, Rollup.RATIO, target)
    figure = judge(ratio, target, numerator=6, denominator=8)
    assert (figure.measure, figure.verdict, figure.attainment) == (
        Measure.EACH_UNIT,
        Verdict.NOT_MET,
        Fraction(75),
    )
    assert figures.figure_with_basis(ratio, figure, vietnamese) == ("75,0%\x1f6 / 8 đơn vị đạt")
    assert judge(ratio, target, numerator=8, denominator=8).verdict is Verdict.MET


def test_a_unit_mid_year_is_read_against_its_year_commitment() -> None:
    members = _indicator(IndicatorKind.COUNT, Rollup.SUM, MEMBERS)
    plan = _plan(members)
    registered, achieved = domain.UnitValue(amount=42), domain.UnitValue(amount=20)
    h1 = figures.read_unit_result(
        plan,
        members,
        registered,
        achieved,
        stream="h1",
        unit_id="u",
        kind=UnitKind.GRASSROOTS,
        sector=None,
    )
    assert (h1.verdict, h1.progress, h1.against) == (
        Verdict.PROGRESS,
        Fraction(2000, 42),
        Against.YEAR_COMMITMENT,
    )
    assert figures.attainment_text(h1.progress, h1.against, vietnamese) == (
        "đạt 47,6% mức đăng ký cả năm"
    )
    year = figures.read_unit_result(
        plan,
        members,
        registered,
        achieved,
        stream="year",
        unit_id="u",
        kind=UnitKind.GRASSROOTS,
        sector=None,
    )
    assert year.verdict is Verdict.NOT_MET
    every = domain.Target(
        Comparison.AT_LEAST,
        Decimal(15),
        "6 tháng: mỗi CĐCS 15",
        scope=TargetScope.EACH_UNIT,
        period="h1",
    )
    with_period = _indicator(IndicatorKind.COUNT, Rollup.SUM, MEMBERS, every)
    judged = figures.read_unit_result(
        _plan(with_period),
        with_period,
        registered,
        achieved,
        stream="h1",
        unit_id="u",
        kind=UnitKind.GRASSROOTS,
        sector=None,
    )
    assert judged.verdict is Verdict.MET  # 20 ≥ 15, the period's own target


def test_yes_no_counts_as_yes_everywhere() -> None:
    """The unit screen once judged "Không" registered and achieved as met; paper and
    scoring said not met. Yes/no is met when the answer is yes."""
    flag = _indicator(IndicatorKind.YES_NO, Rollup.SHARE_OF_UNITS)
    plan = _plan(flag)
    no = domain.UnitValue(flag=False)
    reading = figures.read_commitment(plan, flag, no, no, stream="year")
    assert reading.verdict is Verdict.NOT_MET and reading.progress == 0
    assert figures.commitment_progress_text(flag, reading) == ""

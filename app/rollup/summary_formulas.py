"""The province summary's formulas: each target's figure, attainment and verdict.

They are Excel formulas over the target's indicator sheet
(:mod:`app.rollup.indicator_sheets`) that compute what
:mod:`app.rollup.query` and :mod:`app.core.figures` compute: Σ for sums,
Σnumerator/Σdenominator for ratios, meeting units over the units listed for
shares, rounded half up in integers as every other surface rounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product

from app.core import domain, figures
from app.core.figures import (
    AVERAGE_PLACES,
    PERCENT_PLACES,
    Formula,
    Measure,
    Verdict,
    verdict_word,
)
from app.core.workbooks import COUNT_FORMAT
from app.rollup.indicator_sheets import (
    AVERAGE_FORMAT,
    KIND_COL,
    NAME_COL,
    PERCENT_FORMAT,
    SECTOR_COL,
    YES,
    IndicatorSheet,
    StreamColumns,
)
from app.roster import KIND_LABELS, SECTOR_LABELS
from db.enums import Comparison, IndicatorKind, Rollup, Sector, TargetScope, UnitKind


def _text_literal(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


_Filter = tuple[int, tuple[str, ...]]  # (column of the indicator sheet, labels allowed)


def target_filters(indicator: domain.Indicator, target: domain.Target | None) -> list[_Filter]:
    """The sector / kind criteria that pick a target's units out of the indicator sheet.

    The sheet lists the units the indicator applies to; a target may narrow
    them (a sector group, a kind), exactly as :func:`app.rollup.query` does.
    """
    if target is None:
        return []
    filters: list[_Filter] = []
    if target.sectors and not (indicator.sectors and set(indicator.sectors) <= set(target.sectors)):
        allowed = [
            s
            for s in Sector
            if s in target.sectors and (not indicator.sectors or s in indicator.sectors)
        ]
        filters.append((SECTOR_COL, tuple(SECTOR_LABELS[s] for s in allowed)))
    if target.unit_kinds and not (
        indicator.unit_kinds and set(indicator.unit_kinds) <= set(target.unit_kinds)
    ):
        kinds = [
            k
            for k in UnitKind
            if k in target.unit_kinds and (not indicator.unit_kinds or k in indicator.unit_kinds)
        ]
        filters.append((KIND_COL, tuple(KIND_LABELS[k] for k in kinds)))
    return filters


class Formulas:
    """Builds the summary formulas of one target over its indicator sheet."""

    def __init__(self, sheet: IndicatorSheet, filters: list[_Filter]) -> None:
        self.sheet = sheet
        self.filters = filters

    def _ifs(self, function: str, lead: Sequence[str]) -> str:
        """Σ over the filter combinations of FUNCTION(lead…, range, label, …)."""
        terms = []
        for labels in product(*(labels for _column, labels in self.filters)):
            args = list(lead)
            for (column, _labels), label in zip(self.filters, labels, strict=True):
                args += [self.sheet.rng(column), _text_literal(label)]
            terms.append(f"{function}({','.join(args)})")
        if not terms:
            return "0"
        return terms[0] if len(terms) == 1 else "(" + "+".join(terms) + ")"

    def units(self) -> str:
        """Applicable units listed on the sheet (the share and average denominator)."""
        if not self.filters:
            return f"COUNTA({self.sheet.rng(NAME_COL)})"
        return self._ifs("COUNTIFS", [])

    def total(self, column: int) -> str:
        if not self.filters:
            return f"SUM({self.sheet.rng(column)})"
        return self._ifs("SUMIFS", [self.sheet.rng(column)])

    def reported(self, column: int) -> str:
        """Units with something in ``column``."""
        if not self.filters:
            return f"COUNTA({self.sheet.rng(column)})"
        return self._ifs("COUNTIFS", [self.sheet.rng(column), '"<>"'])

    def count_if(self, column: int, criterion: str) -> str:
        if not self.filters:
            return f"COUNTIF({self.sheet.rng(column)},{criterion})"
        return self._ifs("COUNTIFS", [self.sheet.rng(column), criterion])

    def count_where(self, test: str) -> str:
        """Listed units (within the filters) for which the array ``test`` holds."""
        factors = [f"({test})"]
        for column, labels in self.filters:
            either = "+".join(f"({self.sheet.rng(column)}={_text_literal(x)})" for x in labels)
            factors.append(f"(({either})>0)")
        return f"SUMPRODUCT({'*'.join(factors)})"


def _grade_labels(plan: domain.Plan, target: domain.Target) -> list[str]:
    """The grade labels a grade target counts (:func:`app.core.figures.grade_counts`)."""
    return [g.label for g in plan.grade_levels if figures.grade_counts(plan, target, g.code)]


def _percent_valued(indicator: domain.Indicator, target: domain.Target | None) -> bool:
    return figures.measure_of(indicator, target) in (
        Measure.PERCENT,
        Measure.SHARE,
        Measure.EACH_UNIT,
    )


def row_format(indicator: domain.Indicator, target: domain.Target | None) -> str:
    if _percent_valued(indicator, target):
        return PERCENT_FORMAT
    if indicator.rollup is Rollup.AVERAGE_PER_UNIT:
        return AVERAGE_FORMAT
    return COUNT_FORMAT


@dataclass(frozen=True)
class Terms:
    """One stream's figure as formulas: the integers behind it and units reporting.

    ``numerator``/``denominator`` are those of :class:`app.core.figures.Figure`;
    the figure is numerator / denominator (×100 for a percentage, shown by
    the cell's percent format as a fraction of 1).
    """

    numerator: str
    denominator: str | None
    reported: str


def stream_terms(
    plan: domain.Plan,
    target: domain.Target | None,
    formulas: Formulas,
    columns: StreamColumns,
) -> Terms | None:
    """The integers behind one stream's figure, as :func:`app.rollup.query.rollup` adds them up."""
    indicator = formulas.sheet.indicator
    measure = figures.measure_of(indicator, target)
    if measure is Measure.EACH_UNIT:
        assert target is not None
        if indicator.kind is IndicatorKind.RATIO:
            assert columns.numerator and columns.denominator
            num = Formula(formulas.sheet.rng(columns.numerator))
            den = Formula(formulas.sheet.rng(columns.denominator))
            test = figures.percent_condition(target.comparison, target.value, num, den)
            meeting = formulas.count_where(f"({den}>0)*({test})")
            reported = formulas.reported(columns.denominator)
        else:
            assert columns.value
            amount = Formula(formulas.sheet.rng(columns.value))
            test = figures.amount_condition(target.comparison, target.value, amount)
            meeting = formulas.count_where(f"ISNUMBER({amount})*({test})")
            reported = formulas.reported(columns.value)
        return Terms(meeting, formulas.units(), reported)
    if measure is Measure.PERCENT:
        assert columns.numerator and columns.denominator
        return Terms(
            formulas.total(columns.numerator),
            formulas.total(columns.denominator),
            formulas.reported(columns.denominator),
        )
    if measure is Measure.TOTAL:
        assert columns.value
        summed = columns.counted or columns.value  # an area total counts each unit once
        return Terms(formulas.total(summed), None, formulas.reported(columns.value))
    if measure is Measure.AVERAGE:
        assert columns.value
        return Terms(
            formulas.total(columns.value), formulas.units(), formulas.reported(columns.value)
        )
    if measure is not Measure.SHARE:
        return None  # text commitments are listed, not computed
    if indicator.kind is IndicatorKind.YES_NO:
        assert columns.value
        meeting = formulas.count_if(columns.value, _text_literal(YES))
        reported = formulas.reported(columns.value)
    elif indicator.kind is IndicatorKind.GRADE:
        assert columns.value
        if target is None:
            return None
        labels = _grade_labels(plan, target)
        meeting = "+".join(formulas.count_if(columns.value, _text_literal(g)) for g in labels)
        meeting = f"({meeting})" if len(labels) > 1 else meeting or "0"
        reported = formulas.reported(columns.value)
    else:  # a ratio: units whose own ratio meets the indicator's unit goal
        assert columns.numerator and columns.denominator
        if indicator.unit_goal_value is None:
            return None
        num = Formula(formulas.sheet.rng(columns.numerator))
        den = Formula(formulas.sheet.rng(columns.denominator))
        test = figures.percent_condition(
            figures.unit_goal_comparison(indicator), indicator.unit_goal_value, num, den
        )
        meeting = formulas.count_where(f"({den}>0)*({test})")
        reported = formulas.reported(columns.denominator)
    return Terms(meeting, formulas.units(), reported)


def _shown(numerator: str, denominator: str, places: int) -> str:
    """``numerator / denominator`` rounded half up to ``places`` decimals, in integers.

    :func:`app.core.format.half_up` as a formula: INT((2·10^p·N + D) / (2·D)) / 10^p.
    The division of two exact integers lands within far less than one unit of
    the exact quotient, so the floor is exact; Excel's and LibreOffice's own
    display rounding of a float quotient (0,0565 is stored as 0,05649999…)
    could otherwise show 5,6% where every other surface shows 5,7%.
    """
    scale = 10**places
    return f"INT((2*{scale}*({numerator})+({denominator}))/(2*({denominator})))/{scale}"


def figure_formula(measure: Measure, terms: Terms) -> str:
    """The figure a stream shows, as :class:`app.core.figures.Figure` rounds it; blank ("")
    where the roll-up has none. A percentage is held as a fraction of 1."""
    if terms.denominator is None:
        return f'IF({terms.reported}=0,"",{terms.numerator})'
    places = AVERAGE_PLACES if measure is Measure.AVERAGE else PERCENT_PLACES + 2
    shown = _shown(terms.numerator, terms.denominator, places)
    return f'IF({terms.reported}=0,"",IFERROR({shown},""))'


def attainment_formula(measure: Measure, target: domain.Target, terms: Terms) -> str | None:
    """The judged stream's figure as a fraction of the target (shown ``0.0%``), as
    :func:`app.core.figures.judge_figure` computes its attainment; None for a ceiling.

    From the integers, N·q·s / (D·p) for a goal p/q (s = 100 when the figure is
    a percentage), rounded as every surface rounds it (:func:`_shown`).
    """
    places = PERCENT_PLACES + 2
    if measure is Measure.EACH_UNIT:
        assert terms.denominator is not None
        shown = _shown(terms.numerator, terms.denominator, places)
        return f'IF({terms.reported}=0,"",IFERROR({shown},""))'
    if target.comparison in (Comparison.AT_MOST, Comparison.NONE) or target.value <= 0:
        return None
    exact = Fraction(target.value)
    scale = 100 if measure in (Measure.PERCENT, Measure.SHARE) else 1
    numerator = f"({terms.numerator})*{exact.denominator * scale}"
    denominator = (
        str(exact.numerator)
        if terms.denominator is None
        else f"({terms.denominator})*{exact.numerator}"
    )
    shown = _shown(numerator, denominator, places)
    return f'IF({terms.reported}=0,"",IFERROR({shown},""))'


def verdict_formula(
    measure: Measure, target: domain.Target, terms: Terms, *, contribution: bool
) -> str:
    """Đạt / Không đạt from the one definition (:func:`app.core.figures.aggregate_condition`)
    over the integers, never over rounded cells."""
    no_data = _text_literal(verdict_word(Verdict.NO_DATA))
    if contribution:
        return (
            f"IF({terms.reported}=0,{no_data},{_text_literal(verdict_word(Verdict.CONTRIBUTION))})"
        )
    met = _text_literal(verdict_word(Verdict.MET))
    not_met = _text_literal(verdict_word(Verdict.NOT_MET))
    if measure is Measure.EACH_UNIT:
        test = f"{terms.numerator}={terms.denominator}"
    else:
        test = figures.aggregate_condition(
            measure,
            target,
            Formula(terms.numerator),
            Formula(terms.denominator or "1"),
        )
    return f"IF({terms.reported}=0,{no_data},IF({test},{met},{not_met}))"


def goal_cell(indicator: domain.Indicator, target: domain.Target) -> tuple[float, str]:
    """The target's value as the summary's "Mục tiêu" column shows it, with its format."""
    percent = indicator.kind is IndicatorKind.RATIO or indicator.rollup is Rollup.SHARE_OF_UNITS
    if percent:
        return float(target.value / 100), PERCENT_FORMAT
    if indicator.rollup is Rollup.AVERAGE_PER_UNIT and target.scope is TargetScope.AGGREGATE:
        return float(target.value), AVERAGE_FORMAT
    return float(target.value), COUNT_FORMAT

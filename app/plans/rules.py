"""A plan's scoring rules: the ``thidua.scoring/1`` model, its enums and limits.

**Rules** (``thidua.scoring/1``, one document per plan, kept in the database
beside the plan; the built-in plans ship an example under
``resources/scoring``, marked ``"example": true`` until the federation
adopts its own):

- Each scored indicator has ``points`` (its maximum) and a ``method``:

  - ``attainment`` (counts, money, ratios, yes/no): the achieved value as a
    percentage of the registered value — counts and money compare the
    amounts, ratios the two percentages, yes/no is 100% for yes and 0% for
    no. The first *band* (highest ``from`` first) the attainment reaches
    gives the ``share`` of the points earned. Above 100% a *bonus* of
    ``bonus_per_percent`` points per percentage point is added, with the
    attainment counted at most up to ``cap`` (so the bonus is at most
    ``(cap - 100) × bonus_per_percent``). Registered 0: achieving 0 is 100%,
    achieving more counts as the cap. A ratio whose achieved total is 0 has
    nothing to measure and is left out, like an indicator that does not
    apply; a registered total of 0 is compared against 100%.
  - ``grade``: the achieved grade's ``grade_shares`` percentage of the points.
  - ``reported`` (text commitments): all the points when something is reported.

- Indicators sit in criteria *groups* with a ``weight``: a unit earns
  Σ weight × points and could have earned Σ weight × maximum over the
  indicators that apply to it (its kind and sector). With ``normalise``
  (the default) the score is 100 × earned / possible, so units to which
  different indicators apply compare fairly; without it, the weighted points.
  Nothing registered or nothing reported earns 0 of the maximum.
- *Vetoes*: a custom flag set by the federation (a fatal workplace
  accident), a grade indicator at or below a level, or no report for the
  period. A veto may bar the unit from commendation (``no_award``: it is
  then not ranked) and/or cap its grade (``max_grade``).
- *Grades*: the year's grade scale with a minimum score for each level.
  ``upper_grades`` (optional) gives the upper-level unions (công đoàn cấp trên
  trực tiếp cơ sở) a scale of their own — code, name, minimum score, as many
  levels as the plan's, best first ("Hoàn thành xuất sắc nhiệm vụ" …); its
  n-th level counts as the plan's n-th grade for awards and vetoes.
- *Awards*: Cờ thi đua, Bằng khen, Giấy khen with the minimum score, grade
  and rank in the cluster that make the software *suggest* them; the
  federation decides (proposals are audited).
- *Ranking* compares the scores as shown (two decimals), then the
  ``tie_breakers`` in order (indicators attained in full, bonus points);
  units still equal share the rank (1, 2, 2, 4) and are listed by code.

The rules name the plan's indicators, grades and periods, so a document is
read against its plan (:func:`app.plans.rules_parse.parse_rules`); a plan
starts with its shipped example or generic rules
(:mod:`app.plans.rules_default`). Scoring a unit under them is
:mod:`app.scoring.engine`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from app.plans.document import content_hash
from app.plans.json_numbers import json_number

SCORING_FORMAT = "thidua.scoring/1"
HUNDRED = Fraction(100)

#: The commendations the plans speak of, most prestigious first.
STANDARD_AWARDS: tuple[tuple[str, str], ...] = (
    ("co_thi_dua", "Cờ thi đua"),
    ("bang_khen", "Bằng khen"),
    ("giay_khen", "Giấy khen"),
)
DEFAULT_BANDS: tuple[tuple[int, int], ...] = ((100, 100), (90, 80), (75, 60), (50, 30), (0, 0))


class Method(StrEnum):
    """How an indicator's points follow from the unit's values."""

    ATTAINMENT = "attainment"
    GRADE = "grade"
    REPORTED = "reported"


class VetoCondition(StrEnum):
    FLAG = "flag"  # the federation set a custom flag on the unit
    GRADE = "grade"  # a grade indicator at or below a level
    NO_REPORT = "no_report"  # no results statement for the scored period


class TieBreaker(StrEnum):
    INDICATORS_ATTAINED = "indicators_attained"
    BONUS_POINTS = "bonus_points"


@dataclass(frozen=True)
class Band:
    start: Fraction  # attainment (%) from which the band applies
    share: Fraction  # percentage of the indicator's points


@dataclass(frozen=True)
class IndicatorRule:
    code: str
    points: Fraction
    method: Method = Method.ATTAINMENT
    bands: tuple[Band, ...] = ()  # empty: the rules' default bands
    cap: Fraction = HUNDRED
    bonus_per_percent: Fraction = Fraction(0)
    grade_shares: tuple[tuple[str, Fraction], ...] = ()

    @property
    def max_bonus(self) -> Fraction:
        return (self.cap - HUNDRED) * self.bonus_per_percent


@dataclass(frozen=True)
class GroupRule:
    code: str
    title: str
    weight: Fraction
    indicators: tuple[IndicatorRule, ...]


@dataclass(frozen=True)
class FlagRule:
    code: str
    label: str


@dataclass(frozen=True)
class VetoRule:
    code: str
    label: str
    when: VetoCondition
    flag: str | None = None
    indicator: str | None = None
    at_or_below: str | None = None
    no_award: bool = True
    max_grade: str | None = None


@dataclass(frozen=True)
class GradeThreshold:
    grade: str
    min_score: Fraction


@dataclass(frozen=True)
class UpperGrade:
    """A level of the upper-level unions' own scale ("Hoàn thành xuất sắc nhiệm vụ").

    The n-th level stands where the plan's n-th grade stands, so awards and
    vetoes naming a plan grade compare with it.
    """

    grade: str
    label: str
    min_score: Fraction


@dataclass(frozen=True)
class AwardRule:
    code: str
    label: str
    min_score: Fraction | None = None
    min_grade: str | None = None
    max_cluster_rank: int | None = None


@dataclass(frozen=True)
class Rules:
    """A plan's scoring rules, validated against the plan."""

    plan_id: str
    period: str
    example: bool
    note: str
    normalise: bool
    default_bands: tuple[Band, ...]
    groups: tuple[GroupRule, ...]
    flags: tuple[FlagRule, ...]
    vetoes: tuple[VetoRule, ...]
    grades: tuple[GradeThreshold, ...]
    awards: tuple[AwardRule, ...]
    tie_breakers: tuple[TieBreaker, ...]
    #: The upper-level unions' scale, as long as the plan's; empty: they are graded on it.
    upper_grades: tuple[UpperGrade, ...] = ()

    def find(self, code: str) -> tuple[GroupRule, IndicatorRule] | None:
        for group in self.groups:
            for rule in group.indicators:
                if rule.code == code:
                    return group, rule
        return None

    def bands_of(self, rule: IndicatorRule) -> tuple[Band, ...]:
        return rule.bands or self.default_bands

    def award(self, code: str) -> AwardRule | None:
        return next((a for a in self.awards if a.code == code), None)

    def flag_label(self, code: str) -> str:
        return next((f.label for f in self.flags if f.code == code), code)

    def to_document(self) -> dict[str, Any]:
        """The ``thidua.scoring/1`` document (what is stored and exported)."""

        def bands(items: Sequence[Band]) -> list[dict[str, Any]]:
            return [{"from": json_number(b.start), "share": json_number(b.share)} for b in items]

        def indicator(rule: IndicatorRule) -> dict[str, Any]:
            data: dict[str, Any] = {"code": rule.code, "points": json_number(rule.points)}
            if rule.method is not Method.ATTAINMENT:
                data["method"] = rule.method.value
            if rule.bands:
                data["bands"] = bands(rule.bands)
            if rule.cap != HUNDRED:
                data["cap"] = json_number(rule.cap)
            if rule.bonus_per_percent:
                data["bonus_per_percent"] = json_number(rule.bonus_per_percent)
            if rule.grade_shares:
                data["grade_shares"] = {g: json_number(s) for g, s in rule.grade_shares}
            return data

        def veto(rule: VetoRule) -> dict[str, Any]:
            data: dict[str, Any] = {"code": rule.code, "label": rule.label, "when": rule.when.value}
            if rule.flag:
                data["flag"] = rule.flag
            if rule.indicator:
                data["indicator"] = rule.indicator
                data["at_or_below"] = rule.at_or_below
            data["no_award"] = rule.no_award
            if rule.max_grade:
                data["max_grade"] = rule.max_grade
            return data

        def award(rule: AwardRule) -> dict[str, Any]:
            data: dict[str, Any] = {"code": rule.code, "label": rule.label}
            if rule.min_score is not None:
                data["min_score"] = json_number(rule.min_score)
            if rule.min_grade:
                data["min_grade"] = rule.min_grade
            if rule.max_cluster_rank is not None:
                data["max_cluster_rank"] = rule.max_cluster_rank
            return data

        return {
            "format": SCORING_FORMAT,
            "plan": self.plan_id,
            "example": self.example,
            "note": self.note,
            "period": self.period,
            "normalise": self.normalise,
            "default_bands": bands(self.default_bands),
            "groups": [
                {
                    "code": g.code,
                    "title": g.title,
                    "weight": json_number(g.weight),
                    "indicators": [indicator(r) for r in g.indicators],
                }
                for g in self.groups
            ],
            "flags": [{"code": f.code, "label": f.label} for f in self.flags],
            "vetoes": [veto(v) for v in self.vetoes],
            "grades": [
                {"grade": g.grade, "min_score": json_number(g.min_score)} for g in self.grades
            ],
            "awards": [award(a) for a in self.awards],
            "tie_breakers": [t.value for t in self.tie_breakers],
        } | (
            {
                "upper_grades": [
                    {"grade": g.grade, "label": g.label, "min_score": json_number(g.min_score)}
                    for g in self.upper_grades
                ]
            }
            if self.upper_grades
            else {}
        )

    @property
    def content_hash(self) -> str:
        return content_hash(self.to_document())

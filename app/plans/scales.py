"""Which grade scale a unit is graded on: the plan's, or the upper-level unions' own.

The plan's scale (Vững mạnh, Khá, …) grades the CĐCS; the scoring rules may
give the upper-level unions (công đoàn cấp trên trực tiếp cơ sở) a scale of
their own (:attr:`app.plans.rules.Rules.upper_grades`, "Hoàn thành xuất sắc
nhiệm vụ" …), whose n-th level stands where the plan's n-th grade stands.
"""

from __future__ import annotations

from fractions import Fraction

from app.core import domain
from app.plans.rules import Rules
from db.enums import UnitKind


def on_upper_scale(rules: Rules, kind: UnitKind) -> bool:
    """Whether a unit of ``kind`` is graded on the upper-level unions' own scale."""
    return kind is UnitKind.UPPER and bool(rules.upper_grades)


def scale_of(plan: domain.Plan, rules: Rules, kind: UnitKind) -> tuple[tuple[str, str], ...]:
    """(code, name) of the levels a unit of ``kind`` is graded on, best first."""
    if on_upper_scale(rules, kind):
        return tuple((g.grade, g.label) for g in rules.upper_grades)
    return tuple((g.code, g.label) for g in sorted(plan.grade_levels, key=lambda g: g.rank))


def thresholds_of(rules: Rules, kind: UnitKind) -> tuple[tuple[str, Fraction], ...]:
    """(code, minimum score) of the grades a unit of ``kind`` earns by its score."""
    if on_upper_scale(rules, kind):
        return tuple((g.grade, g.min_score) for g in rules.upper_grades)
    return tuple((g.grade, g.min_score) for g in rules.grades)


def grade_ranks(plan: domain.Plan, rules: Rules) -> dict[str, int]:
    """Every grade code of both scales → its place (1 best); a level of the upper-level
    scale shares its place with the plan's grade it stands for."""
    ranks = {g.code: g.rank for g in plan.grade_levels}
    ranks.update({g.grade: place for place, g in enumerate(rules.upper_grades, start=1)})
    return ranks


def grade_labels(plan: domain.Plan, rules: Rules) -> dict[str, str]:
    """Every grade code of both scales → its name."""
    return {g.code: g.label for g in plan.grade_levels} | {
        g.grade: g.label for g in rules.upper_grades
    }


def own_grade(plan: domain.Plan, rules: Rules, kind: UnitKind, code: str) -> str:
    """The plan's grade ``code`` said on the scale of a unit of ``kind`` (a veto's cap)."""
    if not on_upper_scale(rules, kind):
        return code
    rank = {g.code: g.rank for g in plan.grade_levels}.get(code)
    if rank is None or not 1 <= rank <= len(rules.upper_grades):
        return code
    return rules.upper_grades[rank - 1].grade

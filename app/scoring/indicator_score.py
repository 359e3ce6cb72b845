"""One indicator's points for one unit, and how it stands (:class:`Status`), with the
arithmetic that explains them in words ("why these points")."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from app.core import domain, figures
from app.core.figures import HUNDRED
from app.core.i18n import gettext as _
from app.plans import Band, Method
from app.scoring.numbers import number_text, percent_text
from db.enums import IndicatorKind


class Status(StrEnum):
    """How one indicator stands for one unit."""

    SCORED = "scored"
    NOT_APPLICABLE = "not_applicable"  # not the unit's kind or sector: not counted
    NO_BASE = "no_base"  # a ratio with an achieved total of 0: not counted
    NOT_REGISTERED = "not_registered"  # 0 of the maximum
    NOT_REPORTED = "not_reported"  # 0 of the maximum


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator's points for one unit, with everything needed to explain them."""

    code: str
    title: str
    group_code: str
    kind: IndicatorKind
    method: Method
    status: Status
    registered: domain.UnitValue | None
    achieved: domain.UnitValue | None
    grade_levels: tuple[domain.GradeLevel, ...]
    max_points: Fraction
    weight: Fraction
    attainment: Fraction | None = None  # %
    counted: Fraction | None = None  # attainment as counted (capped), %
    band: Band | None = None
    share: Fraction = Fraction(0)  # % of the points
    base: Fraction = Fraction(0)
    bonus: Fraction = Fraction(0)
    special: str = ""  # registered_zero | registered_total_zero
    cap: Fraction = HUNDRED
    bonus_per_percent: Fraction = Fraction(0)

    @property
    def points(self) -> Fraction:
        return self.base + self.bonus

    @property
    def registered_text(self) -> str:
        return _value_text(self.kind, self.grade_levels, self.registered)

    @property
    def achieved_text(self) -> str:
        return _value_text(self.kind, self.grade_levels, self.achieved)

    @property
    def counts(self) -> bool:
        """Whether the indicator is in the unit's possible points."""
        return self.status not in (Status.NOT_APPLICABLE, Status.NO_BASE)

    @property
    def attained(self) -> bool:
        """Attained in full (100% of the registered value, a full-share grade, yes)."""
        return self.status is Status.SCORED and self.share >= HUNDRED

    def explain(self) -> str:
        """Why this many points, in the current language, with the arithmetic."""
        maximum = number_text(self.max_points)
        if self.status is Status.NOT_APPLICABLE:
            return _("Does not apply to this unit's kind or sector: not counted.")
        if self.status is Status.NO_BASE:
            return _("The total achieved is 0, so there is nothing to measure: not counted.")
        if self.status is Status.NOT_REGISTERED:
            return _("Nothing registered: 0 of {maximum} points.").format(maximum=maximum)
        if self.status is Status.NOT_REPORTED:
            return _("No result reported: 0 of {maximum} points.").format(maximum=maximum)
        if self.method is Method.REPORTED:
            return _("Reported: all {maximum} points.").format(maximum=maximum)
        if self.method is Method.GRADE:
            return _("Grade {grade}: {share} of {maximum} points = {points}.").format(
                grade=self.achieved_text,
                share=percent_text(self.share, 0),
                maximum=maximum,
                points=number_text(self.points),
            )
        parts: list[str] = []
        if self.kind is IndicatorKind.YES_NO:
            parts.append(
                _("Achieved {achieved}: counted as {attainment}.").format(
                    achieved=self.achieved_text,
                    attainment=percent_text(self.attainment or Fraction(0)),
                )
            )
        elif self.special == "registered_zero":
            parts.append(
                _(
                    "Registered {registered}, achieved {achieved}: more than a registered 0 "
                    "counts as {attainment}."
                ).format(
                    registered=self.registered_text,
                    achieved=self.achieved_text,
                    attainment=percent_text(self.attainment or Fraction(0)),
                )
            )
        elif self.special == "registered_total_zero":
            parts.append(
                _(
                    "Registered {registered} (a total of 0, compared against 100%), "
                    "achieved {achieved}: {attainment}."
                ).format(
                    registered=self.registered_text,
                    achieved=self.achieved_text,
                    attainment=percent_text(self.attainment or Fraction(0)),
                )
            )
        else:
            parts.append(
                _(
                    "Registered {registered}, achieved {achieved}: {attainment} of the registered."
                ).format(
                    registered=self.registered_text,
                    achieved=self.achieved_text,
                    attainment=percent_text(self.attainment or Fraction(0)),
                )
            )
        if self.band is not None:
            parts.append(
                _("Band from {start}: {share} of {maximum} points = {base}.").format(
                    start=percent_text(self.band.start, 0),
                    share=percent_text(self.share, 0),
                    maximum=maximum,
                    base=number_text(self.base),
                )
            )
        else:
            parts.append(_("Below every band: 0 of {maximum} points.").format(maximum=maximum))
        if self.bonus:
            parts.append(
                _(
                    "Bonus: ({counted} − 100) × {per} = {bonus} points (counted up to {cap})."
                ).format(
                    counted=number_text(self.counted or HUNDRED),
                    per=number_text(self.bonus_per_percent, 3),
                    bonus=number_text(self.bonus),
                    cap=percent_text(self.cap, 0),
                )
            )
        return " ".join(parts)


def _value_text(
    kind: IndicatorKind,
    grade_levels: tuple[domain.GradeLevel, ...],
    value: domain.UnitValue | None,
) -> str:
    """A unit's value as :func:`app.core.figures.value_text` reads it; "—" for none."""
    return figures.value_text_of(kind, grade_levels, value) or "—"

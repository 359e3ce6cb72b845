"""What the judge says: a verdict, what a figure counts and what it is measured against.

The vocabulary shared by the judge (:mod:`app.core.figures`) and the way a
figure reads (:mod:`app.core.figure_display`): :class:`Figure` is one
roll-up figure judged against a target, :class:`Commitment` one unit's
value read against its own registered commitment.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from app.core.format import half_up

__all__ = [
    "AVERAGE_PLACES",
    "PERCENT_PLACES",
    "Against",
    "Commitment",
    "Figure",
    "Measure",
    "Special",
    "Verdict",
    "is_verdict",
]

PERCENT_PLACES = 1
AVERAGE_PLACES = 2


class Verdict(StrEnum):
    """What a figure says about its target."""

    MET = "met"
    NOT_MET = "not_met"
    #: Before the stream the target is set for: progress only, no verdict.
    PROGRESS = "progress"
    #: An absolute province total at an area or cluster: its share of the target.
    CONTRIBUTION = "contribution"
    #: Nothing reported yet.
    NO_DATA = "no_data"
    #: Nothing to judge: no target, a text commitment, nothing registered.
    NONE = "none"


def is_verdict(verdict: Verdict) -> bool:
    """Whether the figure is judged (Đạt or Không đạt)."""
    return verdict in (Verdict.MET, Verdict.NOT_MET)


class Measure(StrEnum):
    """What a roll-up figure counts."""

    TOTAL = "total"  # Σ amount
    PERCENT = "percent"  # Σ numerator / Σ denominator
    AVERAGE = "average"  # Σ amount / applicable units
    SHARE = "share"  # units meeting the unit goal / applicable units
    EACH_UNIT = "each_unit"  # units meeting the target / applicable units
    LISTED = "listed"  # text commitments: units that reported


class Against(StrEnum):
    """What a figure's attainment is a percentage of."""

    TARGET = "target"  # the target, in the stream it is judged in
    YEAR_TARGET = "year_target"  # the target, before its stream (progress)
    REGISTERED_TARGET = "registered_target"  # Σ commitments against the target
    PROVINCE_TARGET = "province_target"  # a part of the province's total
    UNITS_MEETING = "units_meeting"  # an each-unit target: the share of units meeting it
    PROVINCE_CEILING = "province_ceiling"  # a part of a province maximum ("không quá")
    COMMITMENT = "commitment"  # a unit's own registered value, judged
    YEAR_COMMITMENT = "year_commitment"  # a unit's own registered value, before the year


@dataclass(frozen=True)
class Figure:
    """One target's figure in one stream over one scope, judged.

    ``numerator``/``denominator`` are the integers behind it: Σ amount (no
    denominator) for totals; Σ numerator / Σ denominator for ratios; units
    meeting / applicable units for shares and each-unit targets; Σ amount /
    applicable units for averages. ``exact`` is the figure in the target's
    terms (a percentage for ratios and shares), None when nothing was
    reported. ``attainment`` is the figure as a percentage of what it is
    measured ``against``.
    """

    measure: Measure
    numerator: int
    denominator: int | None
    reporting_units: int
    applicable_units: int
    exact: Fraction | None
    verdict: Verdict
    attainment: Fraction | None = None
    against: Against = Against.TARGET

    @property
    def met(self) -> bool | None:
        """True / False where the figure is judged, else None."""
        if self.verdict is Verdict.MET:
            return True
        return False if self.verdict is Verdict.NOT_MET else None

    @property
    def value(self) -> Decimal | None:
        """The figure as shown, rounded half up (percent: 1 place, average: 2)."""
        if self.exact is None or self.measure is Measure.LISTED:
            return None
        if self.measure is Measure.TOTAL:
            return half_up(self.exact, 0)
        places = AVERAGE_PLACES if self.measure is Measure.AVERAGE else PERCENT_PLACES
        return half_up(self.exact, places)


class Special(StrEnum):
    """A commitment that cannot be measured against in the usual way."""

    NONE = ""
    REGISTERED_ZERO = "registered_zero"  # a count or amount of 0 registered
    REGISTERED_TOTAL_ZERO = "registered_total_zero"  # a ratio over 0 registered: vs 100%
    NO_BASE = "no_base"  # a ratio achieved over a total of 0


@dataclass(frozen=True)
class Commitment:
    """A unit's achieved value read against its own registered commitment.

    ``progress`` is achieved as a percentage of the registered value (counts
    and money the amounts, ratios the two percentages, yes/no 100 or 0),
    None where there is no percentage (grades, text, nothing registered).
    """

    verdict: Verdict
    progress: Fraction | None
    special: Special = Special.NONE
    against: Against = Against.COMMITMENT

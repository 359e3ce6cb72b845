"""Which values of a unit's merged statement look suspicious under its plan's checks.

Pure: given the plan, its thresholds (:class:`app.plans.ValueChecks`), one
stream's amounts, the unit's registration, last year's amounts of the same
stream and the unit's size in the roster, it says what to flag. Only counts
and money are compared (a ratio is bounded by its own denominator). Storing
the flags is :mod:`app.exchange.flags`.

- *Far above the registration*: a result > factor × the registered amount,
  in any period; *far below*: the final period's result × factor < the
  registered amount (a half-year's result is naturally below it). Only when
  the registered amount is at least the minimum.
- *Members more than workers*: the roster's counts, checked on the registration.
- *Too large for the unit's size*: an amount whose unit of measure has a limit
  per worker above limit × the roster's workers.
- *A big jump from last year*: > factor × or < 1/factor of the same unit's
  value of the same stream and indicator (by code) in last year's plan, when
  that value is at least the minimum.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from app.core import domain
from app.plans import CheckKind, Ratio, ValueChecks, json_number
from db.enums import IndicatorKind

AMOUNT_KINDS = (IndicatorKind.COUNT, IndicatorKind.MONEY)


@dataclass(frozen=True)
class UnitSize:
    """A unit's counts in the roster of the plan's year (0 when not known)."""

    members: int
    workers: int


@dataclass(frozen=True)
class Finding:
    """One suspicious value: its indicator ("" for the unit), the check, the figures."""

    indicator_code: str
    kind: CheckKind
    values: tuple[tuple[str, int | str], ...]


def _factor(value: Fraction) -> int | str:
    return json_number(value)


def _against(value: int, reference: int, ratio: Ratio, *, below: bool) -> str | None:
    """ "above"/"below" when ``value`` is out of ``ratio`` of ``reference``, else None.

    In integers (a factor is a positive fraction n/d: ``value > n/d × reference``
    is ``value × d > n × reference``): this runs for every amount merged, and
    ``Fraction`` arithmetic cost more than the rest of the checks together.
    """
    factor = ratio.factor
    if factor is None or reference <= 0 or reference < ratio.minimum:
        return None
    n, d = factor.numerator, factor.denominator
    if value * d > n * reference:
        return "above"
    if below and value * n < reference * d:
        return "below"
    return None


#: A plan's count and money indicators in order, each with its unit of measure's
#: limit per worker under the plan's checks (None: no limit).
AmountIndicators = tuple[tuple[str, Fraction | None], ...]


def amount_indicators(plan: domain.Plan, checks: ValueChecks) -> AmountIndicators:
    """What :func:`find_suspicious` compares, worked out once for many units."""
    limits: dict[str, Fraction | None] = {}
    found = []
    for indicator in plan.indicators:
        if indicator.kind not in AMOUNT_KINDS:
            continue
        measure = indicator.unit_of_measure
        if measure not in limits:
            limits[measure] = checks.per_worker_limit(measure)
        found.append((indicator.code, limits[measure]))
    return tuple(found)


def find_suspicious(
    plan: domain.Plan,
    checks: ValueChecks,
    stream: str,
    amounts: Mapping[str, int],
    *,
    registration: Mapping[str, int],
    last_year: Mapping[str, int],
    size: UnitSize | None,
    indicators: AmountIndicators | None = None,
) -> list[Finding]:
    """The suspicious values of one stream of one unit, in the plan's indicator order.

    ``indicators``: :func:`amount_indicators` of the plan and checks, when the caller
    looks at many units (worked out here otherwise)."""
    found: list[Finding] = []
    is_registration = stream == domain.REGISTRATION_STREAM
    if (
        is_registration
        and checks.members_over_workers
        and size is not None
        and 0 < size.workers < size.members
    ):
        found.append(
            Finding(
                "",
                CheckKind.MEMBERS_OVER_WORKERS,
                (("members", size.members), ("workers", size.workers)),
            )
        )
    if indicators is None:
        indicators = amount_indicators(plan, checks)
    if not amounts:
        return found
    for code, limit in indicators:
        value = amounts.get(code)
        if value is None:
            continue
        registered = registration.get(code)
        if not is_registration and registered is not None:
            ratio = checks.registration
            side = _against(value, registered, ratio, below=stream == plan.final_period)
            if side is not None and ratio.factor is not None:
                above = side == "above"
                kind = CheckKind.ABOVE_REGISTRATION if above else CheckKind.BELOW_REGISTRATION
                found.append(
                    Finding(
                        code,
                        kind,
                        (
                            ("value", value),
                            ("reference", registered),
                            ("factor", _factor(ratio.factor)),
                        ),
                    )
                )
        # workers < value / limit, in integers (a limit is a positive fraction)
        if (
            limit is not None
            and size is not None
            and size.workers > 0
            and size.workers * limit.numerator < value * limit.denominator
        ):
            found.append(
                Finding(
                    code,
                    CheckKind.PER_WORKER,
                    (("value", value), ("workers", size.workers), ("limit", _factor(limit))),
                )
            )
        before = last_year.get(code)
        yearly = checks.year_on_year
        if before is not None and yearly.factor is not None:
            side = _against(value, before, yearly, below=True)
            if side is not None:
                found.append(
                    Finding(
                        code,
                        CheckKind.YEAR_JUMP,
                        (
                            ("value", value),
                            ("reference", before),
                            ("factor", _factor(yearly.factor)),
                        ),
                    )
                )
    return found


__all__ = [
    "AMOUNT_KINDS",
    "AmountIndicators",
    "Finding",
    "UnitSize",
    "amount_indicators",
    "find_suspicious",
]

"""A plan's checks for suspicious values: what they are, their thresholds, and their JSON.

The federation tunes them per plan (``plan checks`` on the command line, the
plan page on screen); they are kept beside the plan, not in its document
(whose hash packages quote), so they may change at any time. A plan never
tuned has :data:`DEFAULT_CHECKS`. In JSON (the ``checks`` of a plan's JSON)::

    {"registration": {"factor": 3, "minimum": 10},
     "members_over_workers": true,
     "per_worker": {"người": 1, "đoàn viên": 1},
     "year_on_year": {"factor": 3, "minimum": 10}}

A factor of ``null`` turns its check off. What each check flags is
:mod:`app.exchange.value_checks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import Any

from app.core.errors import N_, InputError
from app.core.text import nfc
from app.plans.json_numbers import json_number

#: At most this many units of measure with a per-worker limit.
MAX_PER_WORKER = 50


class CheckKind(StrEnum):
    """What made a value suspicious."""

    ABOVE_REGISTRATION = "above_registration"  # result > factor × registration
    BELOW_REGISTRATION = "below_registration"  # year's result < registration / factor
    MEMBERS_OVER_WORKERS = "members_over_workers"  # the roster's members > workers
    PER_WORKER = "per_worker"  # amount > limit × workers, for its unit of measure
    YEAR_JUMP = "year_jump"  # > factor × or < 1/factor of last year's value


@dataclass(frozen=True)
class Ratio:
    """A check against another value: ``factor`` times it (None: off), and only
    when that value is at least ``minimum``."""

    factor: Fraction | None
    minimum: int


@dataclass(frozen=True)
class ValueChecks:
    """A plan's thresholds for suspicious values."""

    registration: Ratio = Ratio(Fraction(3), 10)
    members_over_workers: bool = True
    #: (unit of measure, casefolded; the most per worker), e.g. ("người", 1).
    per_worker: tuple[tuple[str, Fraction], ...] = (
        ("người", Fraction(1)),
        ("đoàn viên", Fraction(1)),
    )
    year_on_year: Ratio = Ratio(Fraction(3), 10)

    def per_worker_limit(self, unit_of_measure: str) -> Fraction | None:
        wanted = nfc(unit_of_measure.strip()).casefold()
        return next((limit for unit, limit in self.per_worker if unit == wanted), None)


DEFAULT_CHECKS = ValueChecks()


def checks_to_json(checks: ValueChecks) -> dict[str, Any]:
    """The thresholds as JSON (see the module's docstring)."""

    def ratio(value: Ratio) -> dict[str, Any]:
        factor = None if value.factor is None else json_number(value.factor)
        return {"factor": factor, "minimum": value.minimum}

    return {
        "registration": ratio(checks.registration),
        "members_over_workers": checks.members_over_workers,
        "per_worker": {unit: json_number(limit) for unit, limit in checks.per_worker},
        "year_on_year": ratio(checks.year_on_year),
    }


def _bad(field: str) -> InputError:
    return InputError(
        N_("The checks for suspicious values are invalid: {field}."), params={"field": field}
    )


def _number(value: Any, field: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _bad(field)
    try:
        number = Fraction(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError) as error:
        raise _bad(field) from error
    if number <= 0 or number > 10**9:
        raise _bad(field)
    return number


def _ratio(data: Any, field: str, default: Ratio) -> Ratio:
    if data is None:
        return default
    if not isinstance(data, dict) or set(data) - {"factor", "minimum"}:
        raise _bad(field)
    factor = data.get("factor", default.factor)
    minimum = data.get("minimum", default.minimum)
    if factor is not None and not isinstance(factor, Fraction):
        factor = _number(factor, f"{field}.factor")
        if factor <= 1:
            raise _bad(f"{field}.factor")
    if isinstance(minimum, bool) or not isinstance(minimum, int) or not 0 <= minimum <= 10**15:
        raise _bad(f"{field}.minimum")
    return Ratio(factor, minimum)


def parse_checks(data: Any) -> ValueChecks:
    """Thresholds from JSON; keys left out keep their defaults. :class:`InputError`
    (nothing changes) for anything not understood."""
    if not isinstance(data, Mapping):
        raise _bad("checks")
    known = {"registration", "members_over_workers", "per_worker", "year_on_year"}
    if set(data) - known:
        raise _bad(", ".join(sorted(str(k) for k in set(data) - known)))
    flag = data.get("members_over_workers", DEFAULT_CHECKS.members_over_workers)
    if not isinstance(flag, bool):
        raise _bad("members_over_workers")
    per_worker = DEFAULT_CHECKS.per_worker
    if "per_worker" in data:
        limits = data["per_worker"]
        if not isinstance(limits, dict) or len(limits) > MAX_PER_WORKER:
            raise _bad("per_worker")
        parsed: dict[str, Fraction] = {}
        for unit, limit in limits.items():
            name = nfc(str(unit).strip()).casefold()
            if not name or len(name) > 64 or name in parsed:
                raise _bad("per_worker")
            parsed[name] = _number(limit, f"per_worker.{name}")
        per_worker = tuple(sorted(parsed.items()))
    return ValueChecks(
        registration=_ratio(data.get("registration"), "registration", DEFAULT_CHECKS.registration),
        members_over_workers=flag,
        per_worker=per_worker,
        year_on_year=_ratio(data.get("year_on_year"), "year_on_year", DEFAULT_CHECKS.year_on_year),
    )


__all__ = [
    "DEFAULT_CHECKS",
    "CheckKind",
    "Ratio",
    "ValueChecks",
    "checks_to_json",
    "parse_checks",
]

"""Ranking scored units within a cluster or an upper-level union.

Units are compared on the score as shown (two decimals), then on the rules'
tie-breakers in order (indicators attained in full, bonus points); units
still equal share the rank (1, 2, 2, 4) and are listed by code. Units a veto
bars from commendation, or with nothing to score, are not ranked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from operator import attrgetter, itemgetter

from app.core.i18n import gettext as _
from app.core.records import cached, quick_init
from app.plans import Rules, TieBreaker
from app.scoring.engine import UnitScore
from app.scoring.numbers import number_text, score_text


@quick_init
@dataclass(frozen=True)
class Placing:
    """A unit's place in one ranking (a cluster, an upper-level union).

    Units with the same score as shown share one tuple of their codes
    (``same_score``, this unit's at ``score_index``), and those sharing the rank
    one of theirs (``same_rank``, at ``rank_index``): a large tie is listed once,
    not once per unit; :attr:`tied_with` and :attr:`shared_with` leave the unit out.
    """

    unit_id: str
    code: str
    rank: int | None  # None: not ranked (veto or no score)
    ranked_units: int
    score: Decimal | None
    same_score: tuple[str, ...] = ()
    score_index: int = 0
    same_rank: tuple[str, ...] = ()
    rank_index: int = 0
    #: The rules' tie-breakers, and the unit's score they are read from.
    breakers: tuple[TieBreaker, ...] = ()
    source: UnitScore | None = field(default=None, compare=False, repr=False)
    reasons: tuple[str, ...] = ()  # veto labels when not ranked

    @cached
    def tied_with(self) -> tuple[str, ...]:
        """The codes of the other units with the same score as shown."""
        same, index = self.same_score, self.score_index
        return same[:index] + same[index + 1 :] if len(same) > 1 else ()

    @cached
    def shared_with(self) -> tuple[str, ...]:
        """The codes of the other units sharing the rank (equal on every tie-breaker too)."""
        same, index = self.same_rank, self.rank_index
        return same[:index] + same[index + 1 :] if len(same) > 1 else ()

    @cached
    def breaker_values(self) -> tuple[tuple[TieBreaker, Fraction], ...]:
        """Each tie-breaker's value, when the unit is tied on its score."""
        if not self.tied_with or self.source is None:
            return ()
        return tuple((b, _breaker_value(self.source, b)) for b in self.breakers)

    def explain(self) -> str:
        """Why this place, in the current language."""
        if self.rank is None:
            if self.reasons:
                return _("Not ranked: {reasons}.").format(reasons="; ".join(self.reasons))
            return _("Not ranked: nothing to score.")
        text = _("Rank {rank} of {total} with {score} points.").format(
            rank=self.rank, total=self.ranked_units, score=score_text(self.score)
        )
        if not self.tied_with:
            return text
        values = "; ".join(_breaker_text(b, v) for b, v in self.breaker_values)
        text += " " + _("Same score as {units}.").format(units=", ".join(self.tied_with))
        if self.shared_with:
            if values:
                text += " " + _(
                    "The tie-breakers are equal too ({values}): the rank is shared, listed by code."
                ).format(values=values)
            else:
                text += " " + _("The rank is shared, listed by code.")
        elif values:
            text += " " + _("Order decided by the tie-breakers: {values}.").format(values=values)
        return text


def _breaker_text(breaker: TieBreaker, value: Fraction) -> str:
    if breaker is TieBreaker.INDICATORS_ATTAINED:
        return _("indicators attained in full: {count}").format(count=number_text(value))
    return _("bonus points: {points}").format(points=number_text(value))


def _breaker_value(score: UnitScore, breaker: TieBreaker) -> Fraction:
    if breaker is TieBreaker.INDICATORS_ATTAINED:
        return Fraction(score.attained_count)
    return score.shown_bonus


def _breaker_cents(score: UnitScore, breaker: TieBreaker) -> int:
    """A tie-breaker's value (:func:`_breaker_value`) in hundredths, for comparing."""
    if breaker is TieBreaker.INDICATORS_ATTAINED:
        return score.attained_count * 100
    return score.bonus_cents


_ORDER, _CENTS, _FIRST = attrgetter("unit.order"), attrgetter("score_cents"), itemgetter(0)


def rank_units(scores: Sequence[UnitScore], rules: Rules) -> list[Placing]:
    """Rank ``scores`` (one cluster or one upper-level union): best first, then the unranked.

    Compared on the score as shown (two decimals), then each tie-breaker in
    the rules' order (more is better); units equal on all of them share
    the rank (1, 2, 2, 4). Ties are listed by unit code, so the order is
    the same on every run and machine.
    """
    ranked: list[UnitScore] = []
    others: list[UnitScore] = []
    for s in scores:
        (ranked if s.eligible else others).append(s)
    breakers = rules.tie_breakers
    # In the units' order first (already so on a scoreboard: then in one pass), then best
    # score as shown first: the sort is stable, so units tied on it stay in their order.
    ranked.sort(key=_ORDER)
    ranked.sort(key=_CENTS, reverse=True)
    total = len(ranked)
    placings: list[Placing] = []
    add = placings.append
    start = 0
    while start < total:  # each run of units with the same score as shown
        cents = ranked[start].score_cents
        end = start + 1
        while end < total and ranked[end].score_cents == cents:
            end += 1
        if end == start + 1:  # alone on its score: no tie, no sharing
            score = ranked[start]
            unit = score.unit
            add(Placing(unit.id, unit.code, start + 1, total, score.score))
            start = end
            continue
        # The tie-breakers, worked out for the units tied on the score alone (more is
        # better; equal ones stay in the units' order).
        tied = [(tuple([_breaker_cents(s, b) for b in breakers]), s) for s in ranked[start:end]]
        tied.sort(key=_FIRST, reverse=True)
        same = tuple(k[1].unit.code for k in tied)
        count = end - start
        first = 0
        while first < count:  # each run equal on every tie-breaker too: one rank
            current = tied[first][0]
            last = first + 1
            while last < count and tied[last][0] == current:
                last += 1
            shared = same[first:last] if last - first > 1 else ()
            for position in range(first, last):
                score = tied[position][1]
                unit = score.unit
                add(
                    Placing(
                        unit.id,
                        unit.code,
                        start + first + 1,
                        total,
                        score.score,
                        same,
                        position,
                        shared,
                        position - first,
                        breakers,
                        score,
                    )
                )
            first = last
        start = end
    others.sort(key=lambda s: s.unit.order)
    for score in others:
        placings.append(
            Placing(
                unit_id=score.unit.id,
                code=score.unit.code,
                rank=None,
                ranked_units=len(ranked),
                score=score.score,
                reasons=tuple(v.label for v in score.vetoes if v.no_award),
            )
        )
    return placings


class Rankings(Mapping[str | None, list[Placing]]):
    """Each group's ranking (a cluster's, an upper-level union's), keyed by the group's id,
    each ranked by :func:`rank_units` when first read: a screen shows one group at a time,
    and the country has thousands of them."""

    def __init__(self, groups: Mapping[str | None, Sequence[UnitScore]], rules: Rules) -> None:
        self._groups = groups
        self._rules = rules
        self._ranked: dict[str | None, list[Placing]] = {}

    def __getitem__(self, key: str | None) -> list[Placing]:
        placings = self._ranked.get(key)
        if placings is None:
            placings = self._ranked[key] = rank_units(self._groups[key], self._rules)
        return placings

    def __iter__(self) -> Iterator[str | None]:
        return iter(self._groups)

    def __len__(self) -> int:
        return len(self._groups)

    def __contains__(self, key: object) -> bool:
        return key in self._groups

    def __repr__(self) -> str:
        return f"Rankings({len(self._groups)} groups)"

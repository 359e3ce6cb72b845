"""On what scale scores are shown, the one definition every surface says in words: the
weighted points themselves, or points scaled to 100 to which bonus points for indicators
exceeded are added (so a score may pass 100: the federation's plans reward "hoàn thành
vượt mức", and the papers of the movement add "điểm thưởng" on top of the 100 scale)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from app.core.i18n import gettext as _

HUNDRED_POINTS = Decimal(100)


class ScoreScale(StrEnum):
    WEIGHTED = "weighted"  # the weighted points, no scale
    HUNDRED = "hundred"  # scaled to 100, none of those shown above it
    HUNDRED_WITH_BONUS = "hundred_with_bonus"  # scaled to 100, bonus points take some above


def above_hundred(score: Decimal | None, *, normalised: bool) -> bool:
    """A score scaled to 100 that its bonus points take above 100."""
    return normalised and score is not None and score > HUNDRED_POINTS


def score_scale(scores: Iterable[Decimal | None], *, normalised: bool) -> ScoreScale:
    """The scale of the scores shown, true of those shown."""
    if not normalised:
        return ScoreScale.WEIGHTED
    if any(above_hundred(score, normalised=True) for score in scores):
        return ScoreScale.HUNDRED_WITH_BONUS
    return ScoreScale.HUNDRED


def scale_words(scale: ScoreScale) -> str:
    """The scale in words, in the current language (screens)."""
    if scale is ScoreScale.WEIGHTED:
        return _("Scores are the weighted points of the federation's scoring rules.")
    if scale is ScoreScale.HUNDRED_WITH_BONUS:
        return _(
            "Scores are on a 100 scale, plus bonus points for indicators exceeded: "
            "some units have more than 100."
        )
    return _("Scores are on a 100 scale.")

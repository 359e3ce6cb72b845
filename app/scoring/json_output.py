"""Scores and rankings as JSON, for the command line (``score --json``, ``rank --json``)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from app.scoring.board import Scoreboard
from app.scoring.engine import UnitScore
from app.scoring.indicator_score import IndicatorScore
from app.scoring.numbers import rounded
from app.scoring.ranking import Placing


def _num(value: Fraction | None, places: int = 2) -> str | None:
    return str(rounded(value, places)) if value is not None else None


def indicator_json(item: IndicatorScore) -> dict[str, Any]:
    return {
        "code": item.code,
        "group": item.group_code,
        "status": item.status.value,
        "registered": item.registered_text,
        "achieved": item.achieved_text,
        "attainment": _num(item.attainment, 2),
        "band_from": _num(item.band.start) if item.band else None,
        "share": _num(item.share),
        "max_points": _num(item.max_points),
        "base_points": _num(item.base),
        "bonus_points": _num(item.bonus),
        "points": _num(item.points),
        "weight": _num(item.weight),
        "counted": item.counts,
        "explanation": item.explain(),
    }


def score_json(board: Scoreboard, score: UnitScore, *, details: bool = True) -> dict[str, Any]:
    cluster = board.cluster_placing(score.unit.id)
    parent = board.parent_placing(score.unit.id)
    suggestion = board.suggestion(score.unit.id)
    data: dict[str, Any] = {
        "unit": {
            "id": score.unit.id,
            "code": score.unit.code,
            "name": score.unit.name,
            "kind": score.unit.kind.value,
            "sector": score.unit.sector.value if score.unit.sector else None,
            "cluster": score.unit.cluster_name,
            "parent": score.unit.parent_name,
        },
        "score": str(score.score) if score.score is not None else None,
        "earned": _num(score.earned),
        "possible": _num(score.possible),
        "grade": score.grade,
        "grade_by_score": score.grade_by_score,
        "eligible": score.eligible,
        "reported": score.reported,
        "indicators_attained": score.attained_count,
        "indicators_counted": score.counted_count,
        "bonus_points": _num(score.bonus),
        "vetoes": [
            {"code": v.code, "label": v.label, "no_award": v.no_award, "max_grade": v.max_grade}
            for v in score.vetoes
        ],
        "cluster_rank": cluster.rank if cluster else None,
        "upper_rank": parent.rank if parent else None,
        "suggested_award": suggestion.code if suggestion else None,
        "explanation": score.explain(),
    }
    if details:
        data["groups"] = [
            {
                "code": g.code,
                "title": g.title,
                "weight": _num(g.weight),
                "earned": _num(g.earned),
                "possible": _num(g.possible),
            }
            for g in score.groups
        ]
        data["indicators"] = [indicator_json(i) for i in score.indicators]
    return data


def ranking_json(board: Scoreboard, placings: Sequence[Placing]) -> list[dict[str, Any]]:
    result = []
    for placing in placings:
        score = board.score_of(placing.unit_id)
        result.append(
            {
                "rank": placing.rank,
                "code": placing.code,
                "name": score.unit.name,
                "score": str(placing.score) if placing.score is not None else None,
                "grade": score.grade,
                "indicators_attained": score.attained_count,
                "bonus_points": _num(score.bonus),
                "tied_with": list(placing.tied_with),
                "shared_with": list(placing.shared_with),
                "explanation": placing.explain(),
            }
        )
    return result

"""The rules a plan starts with: its shipped example, else generic ones."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from app.core import domain
from app.core.paths import resource_dir
from app.plans.json_numbers import json_number
from app.plans.rules import (
    DEFAULT_BANDS,
    SCORING_FORMAT,
    STANDARD_AWARDS,
    TieBreaker,
)
from db.enums import IndicatorKind


def generic_rules_document(plan: domain.Plan) -> dict[str, Any]:
    """Rules for a plan that ships none: 10 points each, one group per plan group."""
    top = {g.code: g for g in plan.groups}

    def root(code: str) -> str:
        group = top.get(code)
        while group is not None and group.parent_code:
            code = group.parent_code
            group = top.get(code)
        return code

    groups: dict[str, list[dict[str, Any]]] = {}
    for indicator in plan.indicators:
        item: dict[str, Any] = {"code": indicator.code, "points": 10}
        if indicator.kind is IndicatorKind.GRADE:
            count = max(1, len(plan.grade_levels) - 1)
            item["grade_shares"] = {
                g.code: json_number(Fraction(100 * (count - i), count))
                for i, g in enumerate(plan.grade_levels)
            }
        groups.setdefault(root(indicator.group_code), []).append(item)
    count = len(plan.grade_levels)
    thresholds = (
        [85, 70, 50, 0] if count == 4 else [100 * (count - 1 - i) // count for i in range(count)]
    )
    return {
        "format": SCORING_FORMAT,
        "plan": plan.id,
        "example": True,
        "note": (
            "VÍ DỤ: quy tắc chấm điểm do phần mềm tạo (mỗi chỉ tiêu 10 điểm). "
            "Liên đoàn cần xem xét, sửa đổi trước khi sử dụng."
        ),
        "period": plan.periods[-1].code if plan.periods else "year",
        "normalise": True,
        "default_bands": [{"from": a, "share": b} for a, b in DEFAULT_BANDS],
        "groups": [
            {
                "code": code,
                "title": (top[code].text[:120] if code in top else code),
                "weight": 1,
                "indicators": items,
            }
            for code, items in groups.items()
        ],
        "flags": [],
        "vetoes": [
            {
                "code": "no_report",
                "label": "Không gửi báo cáo kết quả",
                "when": "no_report",
                "no_award": True,
            }
        ],
        "grades": [
            {"grade": level.code, "min_score": threshold}
            for level, threshold in zip(plan.grade_levels, thresholds, strict=True)
        ],
        "awards": [
            {"code": code, "label": label, "min_score": score}
            for (code, label), score in zip(STANDARD_AWARDS, (95, 90, 85), strict=True)
        ],
        "tie_breakers": [t.value for t in TieBreaker],
    }


def default_rules_document(plan: domain.Plan) -> dict[str, Any]:
    """The rules a plan starts with: its shipped example, else generic ones."""
    path = resource_dir() / "scoring" / f"{plan.id}.json"
    if path.exists():
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return document
    return generic_rules_document(plan)

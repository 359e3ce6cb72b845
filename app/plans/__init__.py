"""Plans: the plan document, its indicators and targets, its scoring rules, next year's copy.

Its names load on first use (:mod:`app.core.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.lazy import lazy_exports

if TYPE_CHECKING:
    from app.plans.builtin import install_builtin_plans
    from app.plans.check_store import (
        get_checks,
        read_checks_file,
        read_value_checks,
        reset_value_checks,
        save_value_checks,
    )
    from app.plans.checks import (
        DEFAULT_CHECKS,
        CheckKind,
        Ratio,
        ValueChecks,
        checks_to_json,
        parse_checks,
    )
    from app.plans.copy import clone_plan, edit_plan_header
    from app.plans.document import ALLOWED_ROLLUPS, install_plan_document
    from app.plans.indicator_input import (
        IndicatorInput,
        RosterRef,
        TargetInput,
        input_of,
        is_percent,
    )
    from app.plans.indicators import remove_indicator, save_indicator
    from app.plans.json_forms import plan_document, plan_to_json
    from app.plans.json_numbers import json_number
    from app.plans.movements import AREA_TOTAL_NOTE, movement_kind_heading, movements_by_kind
    from app.plans.numbering import plan_issue_lock, set_plan_number
    from app.plans.reading import get_plan, list_plans, newest_plan_id, plan_or_newest
    from app.plans.rules import (
        SCORING_FORMAT,
        STANDARD_AWARDS,
        AwardRule,
        Band,
        GroupRule,
        IndicatorRule,
        Method,
        Rules,
        TieBreaker,
        UpperGrade,
        VetoCondition,
    )
    from app.plans.rules_default import default_rules_document
    from app.plans.rules_parse import parse_rules
    from app.plans.scales import (
        grade_labels,
        grade_ranks,
        on_upper_scale,
        own_grade,
        scale_of,
        thresholds_of,
    )
    from app.plans.services import available_plans, read_plan, read_plan_editing

#: Where each name is defined (a test checks it against the imports above).
_SOURCES: dict[str, tuple[str, ...]] = {
    "app.plans.builtin": ("install_builtin_plans",),
    "app.plans.check_store": (
        "get_checks",
        "read_checks_file",
        "read_value_checks",
        "reset_value_checks",
        "save_value_checks",
    ),
    "app.plans.checks": (
        "DEFAULT_CHECKS",
        "CheckKind",
        "Ratio",
        "ValueChecks",
        "checks_to_json",
        "parse_checks",
    ),
    "app.plans.copy": (
        "clone_plan",
        "edit_plan_header",
    ),
    "app.plans.document": (
        "ALLOWED_ROLLUPS",
        "install_plan_document",
    ),
    "app.plans.indicator_input": (
        "IndicatorInput",
        "RosterRef",
        "TargetInput",
        "input_of",
        "is_percent",
    ),
    "app.plans.indicators": (
        "remove_indicator",
        "save_indicator",
    ),
    "app.plans.json_forms": (
        "plan_document",
        "plan_to_json",
    ),
    "app.plans.json_numbers": ("json_number",),
    "app.plans.movements": (
        "AREA_TOTAL_NOTE",
        "movement_kind_heading",
        "movements_by_kind",
    ),
    "app.plans.numbering": (
        "plan_issue_lock",
        "set_plan_number",
    ),
    "app.plans.reading": (
        "get_plan",
        "list_plans",
        "newest_plan_id",
        "plan_or_newest",
    ),
    "app.plans.rules": (
        "SCORING_FORMAT",
        "STANDARD_AWARDS",
        "AwardRule",
        "Band",
        "GroupRule",
        "IndicatorRule",
        "Method",
        "Rules",
        "TieBreaker",
        "UpperGrade",
        "VetoCondition",
    ),
    "app.plans.rules_default": ("default_rules_document",),
    "app.plans.rules_parse": ("parse_rules",),
    "app.plans.scales": (
        "grade_labels",
        "grade_ranks",
        "on_upper_scale",
        "own_grade",
        "scale_of",
        "thresholds_of",
    ),
    "app.plans.services": (
        "available_plans",
        "read_plan",
        "read_plan_editing",
    ),
}

__getattr__ = lazy_exports(__name__, _SOURCES)

__all__ = [
    "ALLOWED_ROLLUPS",
    "AREA_TOTAL_NOTE",
    "DEFAULT_CHECKS",
    "SCORING_FORMAT",
    "STANDARD_AWARDS",
    "AwardRule",
    "Band",
    "CheckKind",
    "GroupRule",
    "IndicatorInput",
    "IndicatorRule",
    "Method",
    "Ratio",
    "RosterRef",
    "Rules",
    "TargetInput",
    "TieBreaker",
    "UpperGrade",
    "ValueChecks",
    "VetoCondition",
    "available_plans",
    "checks_to_json",
    "clone_plan",
    "default_rules_document",
    "edit_plan_header",
    "get_checks",
    "get_plan",
    "grade_labels",
    "grade_ranks",
    "input_of",
    "install_builtin_plans",
    "install_plan_document",
    "is_percent",
    "json_number",
    "list_plans",
    "movement_kind_heading",
    "movements_by_kind",
    "newest_plan_id",
    "on_upper_scale",
    "own_grade",
    "parse_checks",
    "parse_rules",
    "plan_document",
    "plan_issue_lock",
    "plan_or_newest",
    "plan_to_json",
    "read_checks_file",
    "read_plan",
    "read_plan_editing",
    "read_value_checks",
    "remove_indicator",
    "reset_value_checks",
    "save_indicator",
    "save_value_checks",
    "scale_of",
    "set_plan_number",
    "thresholds_of",
]

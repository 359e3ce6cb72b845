"""Plans: the plan document, its indicators and targets, next year's copy."""

from app.plans.builtin import install_builtin_plans
from app.plans.copy import clone_plan, edit_plan_header
from app.plans.document import ALLOWED_ROLLUPS, content_hash, install_plan_document
from app.plans.indicator_input import (
    IndicatorInput,
    RosterRef,
    TargetInput,
    input_of,
    is_percent,
    roster_refs,
)
from app.plans.indicators import remove_indicator, save_indicator
from app.plans.json_forms import plan_document, plan_to_json
from app.plans.lock import lock_reason
from app.plans.reading import get_plan, list_plans
from app.plans.services import available_plans, read_plan

__all__ = [
    "ALLOWED_ROLLUPS",
    "IndicatorInput",
    "RosterRef",
    "TargetInput",
    "available_plans",
    "clone_plan",
    "content_hash",
    "edit_plan_header",
    "get_plan",
    "input_of",
    "install_builtin_plans",
    "install_plan_document",
    "is_percent",
    "list_plans",
    "lock_reason",
    "plan_document",
    "plan_to_json",
    "read_plan",
    "remove_indicator",
    "roster_refs",
    "save_indicator",
]

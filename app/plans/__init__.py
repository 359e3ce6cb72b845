"""Plans: the plan document, its indicators and targets, next year's copy."""

from app.plans.copy import clone_plan, edit_plan_header
from app.plans.document import (
    ALLOWED_ROLLUPS,
    content_hash,
    get_plan,
    install_builtin_plans,
    install_plan_document,
    list_plans,
    plan_document,
    plan_to_json,
)
from app.plans.indicators import (
    IndicatorInput,
    RosterRef,
    TargetInput,
    input_of,
    is_percent,
    remove_indicator,
    save_indicator,
)
from app.plans.services import available_plans, read_plan, read_plan_editing

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
    "plan_document",
    "plan_to_json",
    "read_plan",
    "read_plan_editing",
    "remove_indicator",
    "save_indicator",
]

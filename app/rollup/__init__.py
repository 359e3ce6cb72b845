"""Roll-up: totals over the roster, their maintained cells, the dashboard, the province workbook."""

from app.rollup.cache import refresh_if_possible
from app.rollup.dashboard import (
    ClusterFigure,
    Dashboard,
    MissingUnit,
    ScopeChoice,
    ScopeKind,
    UnitFigure,
    cluster_standing,
    dashboard,
    scope_choices,
    scope_unit_codes,
    units_behind,
)
from app.rollup.query import Scope, TargetRollup, describe_scope, resolve_scope, rollup, scope_units
from app.rollup.workbook import export_province_workbook

__all__ = [
    "ClusterFigure",
    "Dashboard",
    "MissingUnit",
    "Scope",
    "ScopeChoice",
    "ScopeKind",
    "TargetRollup",
    "UnitFigure",
    "cluster_standing",
    "dashboard",
    "describe_scope",
    "export_province_workbook",
    "refresh_if_possible",
    "resolve_scope",
    "rollup",
    "scope_choices",
    "scope_unit_codes",
    "scope_units",
    "units_behind",
]

"""Roll-up: totals over the roster, their maintained cells, the dashboard, the province workbook."""

from app.rollup.cache import refresh_if_possible
from app.rollup.dashboard import (
    ClusterFigure,
    Dashboard,
    MissingUnit,
    ScopeChoice,
    ScopeKind,
    UnitFigure,
)
from app.rollup.query import Scope, TargetRollup, describe_scope, resolve_scope, rollup, scope_units
from app.rollup.services import (
    fresh_dashboard,
    read_cluster_standing,
    read_scope_choices,
    read_scope_unit_codes,
    read_units_behind,
    save_province_workbook,
)
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
    "describe_scope",
    "export_province_workbook",
    "fresh_dashboard",
    "read_cluster_standing",
    "read_scope_choices",
    "read_scope_unit_codes",
    "read_units_behind",
    "refresh_if_possible",
    "resolve_scope",
    "rollup",
    "save_province_workbook",
    "scope_units",
]

"""Roll-up: totals over the roster, their maintained cells, the dashboard, the province
workbook, deadlines with who reported on time, and the units to remind.

Its names load on first use (:mod:`app.core.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.lazy import lazy_exports

if TYPE_CHECKING:
    from app.rollup.cache import refresh_if_possible
    from app.rollup.dashboard import (
        LISTED,
        ClusterFigure,
        Dashboard,
        EnteredUnit,
        MissingUnit,
        UnitFigure,
    )
    from app.rollup.deadlines import Extension, StreamDeadline
    from app.rollup.query import (
        Scope,
        TargetRollup,
        describe_scope,
        resolve_scope,
        rollup,
        scope_units,
    )
    from app.rollup.reminder_workbook import export_reminder_workbook
    from app.rollup.reminders import (
        NO_DEADLINE,
        NOT_DUE,
        ReminderLetter,
        ReminderRequest,
        Reminders,
        not_overdue_words,
    )
    from app.rollup.scopes import ScopeChoice, ScopeKind
    from app.rollup.services import (
        fresh_dashboard,
        read_cluster_standing,
        read_deadlines,
        read_not_sent,
        read_reminders,
        read_scope_choices,
        read_scope_unit_codes,
        read_timeliness,
        read_units_behind,
        remove_deadline,
        remove_extension,
        save_deadline,
        save_extension,
        save_province_workbook,
    )
    from app.rollup.timeliness import LateUnit, StreamTimeliness, Timeliness
    from app.rollup.workbook import MAX_WORKBOOK_UNITS, WorkbookStopped, export_province_workbook

#: Where each name is defined (a test checks it against the imports above).
_SOURCES: dict[str, tuple[str, ...]] = {
    "app.rollup.cache": ("refresh_if_possible",),
    "app.rollup.dashboard": (
        "LISTED",
        "ClusterFigure",
        "Dashboard",
        "EnteredUnit",
        "MissingUnit",
        "UnitFigure",
    ),
    "app.rollup.deadlines": (
        "Extension",
        "StreamDeadline",
    ),
    "app.rollup.query": (
        "Scope",
        "TargetRollup",
        "describe_scope",
        "resolve_scope",
        "rollup",
        "scope_units",
    ),
    "app.rollup.reminder_workbook": ("export_reminder_workbook",),
    "app.rollup.reminders": (
        "NO_DEADLINE",
        "NOT_DUE",
        "ReminderLetter",
        "ReminderRequest",
        "Reminders",
        "not_overdue_words",
    ),
    "app.rollup.scopes": (
        "ScopeChoice",
        "ScopeKind",
    ),
    "app.rollup.services": (
        "fresh_dashboard",
        "read_cluster_standing",
        "read_deadlines",
        "read_not_sent",
        "read_reminders",
        "read_scope_choices",
        "read_scope_unit_codes",
        "read_timeliness",
        "read_units_behind",
        "remove_deadline",
        "remove_extension",
        "save_deadline",
        "save_extension",
        "save_province_workbook",
    ),
    "app.rollup.timeliness": (
        "LateUnit",
        "StreamTimeliness",
        "Timeliness",
    ),
    "app.rollup.workbook": ("MAX_WORKBOOK_UNITS", "WorkbookStopped", "export_province_workbook"),
}

__getattr__ = lazy_exports(__name__, _SOURCES)

__all__ = [
    "LISTED",
    "MAX_WORKBOOK_UNITS",
    "NOT_DUE",
    "NO_DEADLINE",
    "ClusterFigure",
    "Dashboard",
    "EnteredUnit",
    "Extension",
    "LateUnit",
    "MissingUnit",
    "ReminderLetter",
    "ReminderRequest",
    "Reminders",
    "Scope",
    "ScopeChoice",
    "ScopeKind",
    "StreamDeadline",
    "StreamTimeliness",
    "TargetRollup",
    "Timeliness",
    "UnitFigure",
    "WorkbookStopped",
    "describe_scope",
    "export_province_workbook",
    "export_reminder_workbook",
    "fresh_dashboard",
    "not_overdue_words",
    "read_cluster_standing",
    "read_deadlines",
    "read_not_sent",
    "read_reminders",
    "read_scope_choices",
    "read_scope_unit_codes",
    "read_timeliness",
    "read_units_behind",
    "refresh_if_possible",
    "remove_deadline",
    "remove_extension",
    "resolve_scope",
    "rollup",
    "save_deadline",
    "save_extension",
    "save_province_workbook",
    "scope_units",
]

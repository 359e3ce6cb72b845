"""The roster: the organisation tree of one plan year, its clusters and leaders.

Its names load on first use (:mod:`app.core.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.lazy import lazy_exports

if TYPE_CHECKING:
    from app.roster.columns import COLUMNS, FIELD_WORDS, KIND_LABELS, SECTOR_LABELS, listing_order
    from app.roster.rows import RosterError, RosterImportResult
    from app.roster.services import (
        choose_cluster_leader,
        import_roster_workbook,
        read_roster,
        read_unit_labels,
        retire_roster_unit,
        save_roster_unit,
        save_roster_workbook,
    )
    from app.roster.template import write_roster_template
    from app.roster.tree import default_year, list_roster, search_keys
    from app.roster.unit_edit import set_cluster_leader
    from app.roster.workbook_export import export_roster_workbook
    from app.roster.workbook_import import import_roster

#: Where each name is defined (a test checks it against the imports above).
_SOURCES: dict[str, tuple[str, ...]] = {
    "app.roster.columns": (
        "COLUMNS",
        "FIELD_WORDS",
        "KIND_LABELS",
        "SECTOR_LABELS",
        "listing_order",
    ),
    "app.roster.rows": (
        "RosterError",
        "RosterImportResult",
    ),
    "app.roster.services": (
        "choose_cluster_leader",
        "import_roster_workbook",
        "read_roster",
        "read_unit_labels",
        "retire_roster_unit",
        "save_roster_unit",
        "save_roster_workbook",
    ),
    "app.roster.template": ("write_roster_template",),
    "app.roster.tree": (
        "default_year",
        "list_roster",
        "search_keys",
    ),
    "app.roster.unit_edit": ("set_cluster_leader",),
    "app.roster.workbook_export": ("export_roster_workbook",),
    "app.roster.workbook_import": ("import_roster",),
}

__getattr__ = lazy_exports(__name__, _SOURCES)

__all__ = [
    "COLUMNS",
    "FIELD_WORDS",
    "KIND_LABELS",
    "SECTOR_LABELS",
    "RosterError",
    "RosterImportResult",
    "choose_cluster_leader",
    "default_year",
    "export_roster_workbook",
    "import_roster",
    "import_roster_workbook",
    "list_roster",
    "listing_order",
    "read_roster",
    "read_unit_labels",
    "retire_roster_unit",
    "save_roster_unit",
    "save_roster_workbook",
    "search_keys",
    "set_cluster_leader",
    "write_roster_template",
]

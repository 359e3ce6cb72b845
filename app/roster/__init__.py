"""The roster: the organisation tree of one plan year, its clusters and leaders."""

from app.roster.columns import COLUMNS, FIELD_WORDS, KIND_LABELS, SECTOR_LABELS, listing_order
from app.roster.rows import RosterError, RosterImportResult
from app.roster.services import (
    choose_cluster_leader,
    import_roster_workbook,
    read_roster,
    retire_roster_unit,
    save_roster_unit,
    save_roster_workbook,
)
from app.roster.template import write_roster_template
from app.roster.tree import default_year, list_roster
from app.roster.unit_edit import set_cluster_leader
from app.roster.workbook_export import export_roster_workbook
from app.roster.workbook_import import import_roster

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
    "retire_roster_unit",
    "save_roster_unit",
    "save_roster_workbook",
    "set_cluster_leader",
    "write_roster_template",
]

"""The roster: the organisation tree of one plan year, its clusters and leaders."""

from app.roster.services import (
    choose_cluster_leader,
    import_roster_workbook,
    read_roster,
    retire_roster_unit,
    save_roster_unit,
)
from app.roster.tree import (
    COLUMNS,
    FIELD_WORDS,
    RosterError,
    RosterImportResult,
    default_year,
    import_roster,
    list_roster,
    set_cluster_leader,
    write_roster_template,
)

__all__ = [
    "COLUMNS",
    "FIELD_WORDS",
    "RosterError",
    "RosterImportResult",
    "choose_cluster_leader",
    "default_year",
    "import_roster",
    "import_roster_workbook",
    "list_roster",
    "read_roster",
    "retire_roster_unit",
    "save_roster_unit",
    "set_cluster_leader",
    "write_roster_template",
]

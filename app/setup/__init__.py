"""Setting an installation up and carrying it: first run, backup and restore (a unit's
or the federation's), moving a whole database, what a database holds."""

from app.setup.backup import (
    BackupInfo,
    RestorePlan,
    backup_installation,
    check_backup,
    find_backup,
    last_backup_at,
    plan_restore,
    restore_installation,
)
from app.setup.describing import DatabaseSummary, describe_database
from app.setup.first_run import initialize, set_up_installation
from app.setup.first_steps import QuickStart, Step, quick_start
from app.setup.moving import MoveCancelled, MoveReport, database_digests_at, move_database
from app.setup.personal_data import PersonRecord, erase_person, export_person, find_person

__all__ = [
    "BackupInfo",
    "DatabaseSummary",
    "MoveCancelled",
    "MoveReport",
    "PersonRecord",
    "QuickStart",
    "RestorePlan",
    "Step",
    "backup_installation",
    "check_backup",
    "database_digests_at",
    "describe_database",
    "erase_person",
    "export_person",
    "find_backup",
    "find_person",
    "initialize",
    "last_backup_at",
    "move_database",
    "plan_restore",
    "quick_start",
    "restore_installation",
    "set_up_installation",
]

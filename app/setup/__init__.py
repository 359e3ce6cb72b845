"""Setting an installation up and carrying it: first run, backup and restore."""

from app.setup.backup import backup_installation, check_backup, find_backup, restore_installation
from app.setup.first_run import initialize, set_up_installation
from app.setup.moving import MoveCancelled, MoveReport, database_digests_at, move_database

__all__ = [
    "MoveCancelled",
    "MoveReport",
    "backup_installation",
    "check_backup",
    "database_digests_at",
    "find_backup",
    "initialize",
    "move_database",
    "restore_installation",
    "set_up_installation",
]

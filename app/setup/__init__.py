"""Setting an installation up and carrying it: first run, backup and restore."""

from app.setup.backup import backup_installation, check_backup, find_backup, restore_installation
from app.setup.first_run import initialize, set_up_installation

__all__ = [
    "backup_installation",
    "check_backup",
    "find_backup",
    "initialize",
    "restore_installation",
    "set_up_installation",
]

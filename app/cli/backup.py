"""``thidua-cli backup`` and ``thidua-cli restore``: an installation (a unit's or the
federation's, in a file or on a server) to a backup folder and back (app.setup.backup)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app.cli.common import AddCommand, backup_passphrase, emit, progress_on_stderr
from app.core.errors import N_, UserError
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext
    from app.setup import BackupInfo, DatabaseSummary


def cmd_backup(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.setup import backup_installation

    info = backup_installation(
        ctx,
        target=Path(args.out),
        passphrase=backup_passphrase(args),
        progress=progress_on_stderr,
    )
    if args.json:
        emit(out, _backup(info))
    else:
        out.write(_("Backup written to {path}.").format(path=info.folder) + "\n")
    return 0


def _backup(info: BackupInfo) -> dict[str, Any]:
    return {
        "folder": str(info.folder),
        "name": info.unit_name,
        "role": info.role,
        "source": info.source,
        "created_at": info.created_at,
    }


def _summary(summary: DatabaseSummary) -> dict[str, Any]:
    return {
        "location": summary.location,
        "state": summary.state,
        "name": summary.name,
        "role": summary.role,
        "units": summary.units,
        "statements": summary.statements,
        "packages": summary.packages,
    }


def cmd_restore(_ctx: AppContext | None, args: argparse.Namespace, out: TextIO) -> int:
    from app.core.location import chosen_database, is_url
    from app.setup import plan_restore, restore_installation

    database = chosen_database(args.db)
    if is_url(database):
        raise UserError(
            N_(
                "A backup is restored into a database file (--db FILE); a shared database "
                "is restored by moving that file onto an empty server (--onto URL)."
            )
        )
    plan = plan_restore(Path(args.folder), database)
    if not args.json:
        out.write(plan.replaces.replaced_text() + "\n")
    info = restore_installation(
        folder=plan.backup.folder,
        passphrase=backup_passphrase(args),
        database=Path(database),
        onto=args.onto,
        progress=progress_on_stderr,
    )
    if args.json:
        emit(
            out,
            _backup(info)
            | {
                "replaced": _summary(plan.replaces),
                "kept_aside": str(info.kept_aside) if info.kept_aside else None,
                "moved_to": info.moved_to or None,
            },
        )
        return 0
    out.write(_("The backup of {date} was restored.").format(date=info.created_at) + "\n")
    if info.kept_aside is not None:
        out.write(_("The data it replaced is kept in {path}.").format(path=info.kept_aside) + "\n")
    if info.moved_to:
        out.write(
            _("The restored data was moved to {target}; open it there.").format(
                target=info.moved_to
            )
            + "\n"
        )
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``backup`` and ``restore``."""
    backup = add(
        commands,
        "backup",
        cmd_backup,
        _("back up the database and the key (passphrase-protected) to a folder"),
    )
    backup.add_argument("--out", required=True, metavar="FOLDER", help=_("the backup's folder"))
    restore = add(
        commands,
        "restore",
        cmd_restore,
        _("restore a backup into the database file (the current one is kept beside it)"),
        needs_db=False,
    )
    restore.add_argument(
        "folder", metavar="FOLDER", help=_("the backup, or a folder holding backups")
    )
    restore.add_argument(
        "--onto",
        metavar="URL",
        help=_("then move the restored data onto this empty shared database"),
    )
    for command in (backup, restore):
        command.add_argument(
            "--backup-passphrase-env",
            metavar="VAR",
            required=True,
            help=_("environment variable holding the backup's passphrase"),
        )

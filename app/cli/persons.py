"""``thidua-cli person export|erase``: one person's data on request (app.setup.personal_data)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.common import AddCommand
from app.core.errors import N_, UserError
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext


def cmd_person_export(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.setup import export_person

    count = export_person(ctx, name=args.name, out=Path(args.out))
    out.write(
        _("{count} records of this person written to {path}.").format(count=count, path=args.out)
        + "\n"
    )
    return 0


def cmd_person_erase(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.setup import erase_person

    if not args.yes:
        raise UserError(N_("Erasing cannot be undone: add --yes to confirm."))
    count = erase_person(ctx, name=args.name)
    out.write(
        _("{count} records of this person erased; archived packages kept whole.").format(
            count=count
        )
        + "\n"
    )
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``person export|erase``."""
    person = commands.add_parser(
        "person", help=_("one person's data on request (export, erase)")
    ).add_subparsers(dest="person_command", required=True, metavar="ACTION")
    export = add(
        person, "export", cmd_person_export, _("write every record of a person"), json_flag=False
    )
    export.add_argument("name", metavar="NAME", help=_("the person's full name"))
    export.add_argument("--out", required=True)
    erase = add(
        person,
        "erase",
        cmd_person_erase,
        _("erase a person's readable data (audited)"),
        json_flag=False,
    )
    erase.add_argument("name", metavar="NAME", help=_("the person's full name"))
    erase.add_argument("--yes", action="store_true", help=_("confirm the erasure"))

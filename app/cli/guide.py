"""``thidua-cli guide``: the user guide (docs/guide) printed as an A4 PDF manual."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from app.cli.common import AddCommand, emit
from app.core.files import output_file
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext


def cmd_guide(_ctx: AppContext | None, args: argparse.Namespace, out: TextIO) -> int:
    from app.printing import write_manual

    path = write_manual(output_file(args.out, suffix=".pdf"))
    if args.json:
        emit(out, {"file": str(path)})
    else:
        out.write(_("User guide written to {path}.").format(path=path) + "\n")
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``guide``."""
    guide = add(
        commands,
        "guide",
        cmd_guide,
        _("write the user guide as a printable PDF (A4, with a table of contents)"),
        needs_db=False,
    )
    guide.add_argument("--out", required=True, metavar="FILE", help=_("the PDF file to write"))

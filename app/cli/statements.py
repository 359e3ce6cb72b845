"""``thidua-cli fill`` and ``template``: a unit enters its statements through Excel or JSON."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.common import AddCommand, default_plan, report_legacy
from app.core.files import output_file
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext


def cmd_fill(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import fill_from_json, fill_from_workbook

    path = Path(args.file)
    if path.suffix.lower() == ".json":
        fill_from_json(ctx, path=path)
    else:
        report = fill_from_workbook(ctx, path=path, plan_id=default_plan(ctx, args.plan))
        report_legacy(report, out)
    out.write(_("Values saved.") + "\n")
    return 0


def cmd_template(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import write_template

    path = write_template(
        ctx, plan_id=default_plan(ctx, args.plan), stream=args.kind, out=output_file(args.out)
    )
    out.write(_("Template written to {path}.").format(path=path) + "\n")
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``fill`` and ``template``."""
    fill = add(
        commands,
        "fill",
        cmd_fill,
        _("enter a statement from the Excel template or JSON"),
        json_flag=False,
    )
    fill.add_argument(
        "file", metavar="FILE", help=_("the filled Excel template (.xlsx) or a JSON file")
    )
    fill.add_argument("--plan")
    template = add(
        commands,
        "template",
        cmd_template,
        _("write the Excel template of a registration or report"),
        json_flag=False,
    )
    template.add_argument("--kind", required=True, help=_("registration, h1 or year"))
    template.add_argument("--out", required=True)
    template.add_argument("--plan")

"""``thidua-cli roster``: the organisation roster of a year, in and out of workbooks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.common import AddCommand, emit, report_legacy
from app.core.files import output_file
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext


def cmd_roster_import(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.roster import RosterError, default_year, import_roster

    try:
        with ctx.unit_of_work() as session:
            year = args.year or default_year(session)
            result = import_roster(session, path=Path(args.file), year=year)
    except RosterError as error:
        if args.json:
            emit(
                out,
                {
                    "imported": False,
                    "message": error.translated(),
                    "errors": [
                        {"row": e.row, "column": e.column, "message": e.translated()}
                        for e in error.errors
                    ],
                },
            )
        else:
            for row_error in error.errors:
                sys.stderr.write(
                    _("Row {row}, column {column}: {message}").format(
                        row=row_error.row, column=row_error.column, message=row_error.translated()
                    )
                    + "\n"
                )
        raise
    if args.json:
        emit(
            out,
            {
                "imported": True,
                "year": result.year,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "clusters": result.clusters,
                "converted": dict(result.converted),
                "left_as_typed": len(result.legacy.left),
                "notes": [
                    {"row": n.row, "column": n.column, "message": n.translated()}
                    for n in result.notes
                ],
            },
        )
    else:
        out.write(
            _(
                "Roster {year}: {created} units added, {updated} updated, {unchanged} unchanged."
            ).format(
                year=result.year,
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
            )
            + "\n"
        )
        report_legacy(result.legacy, out, cells=False)
        for note in result.notes:
            out.write(
                _("Row {row}, column {column}: {message}").format(
                    row=note.row, column=note.column, message=note.translated()
                )
                + "\n"
            )
    return 0


def cmd_roster_template(ctx: AppContext | None, args: argparse.Namespace, out: TextIO) -> int:
    from app.roster import write_roster_template

    write_roster_template(output_file(args.out))
    out.write(_("Template written to {path}.").format(path=args.out) + "\n")
    return 0


def cmd_roster_list(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.roster import default_year, list_roster

    with ctx.reading() as session:
        year = args.year or default_year(session)
        units = list_roster(session, year=year)
    if args.json:
        emit(
            out,
            [
                {
                    "id": u.id,
                    "code": u.code,
                    "name": u.name,
                    "kind": u.kind.value,
                    "sector": u.sector.value if u.sector else None,
                    "parent_id": u.parent_id,
                    "cluster": u.cluster_code,
                    "members": u.member_count,
                    "workers": u.worker_count,
                    "chair": u.chair,
                }
                for u in units
            ],
        )
    else:
        for u in units:
            out.write(f"{u.code or '-':10} {u.name}\n")
    return 0


def cmd_roster_export(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.roster import default_year, export_roster_workbook

    with ctx.reading() as session:
        year = args.year or default_year(session)
        result = export_roster_workbook(session, year=year, path=output_file(args.out))
    if args.json:
        emit(out, {"file": str(result.path), "year": year, "rows": result.rows})
    else:
        out.write(
            _("Roster {year} written to {path}: {count} units.").format(
                year=year, path=result.path, count=result.rows
            )
            + "\n"
        )
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``roster import|template|list|export``."""
    roster = commands.add_parser("roster", help=_("organisation roster")).add_subparsers(
        dest="roster_command", required=True, metavar="ACTION"
    )
    rimport = add(roster, "import", cmd_roster_import, _("import the roster from a workbook"))
    rimport.add_argument("file", metavar="FILE", help=_("the roster workbook (.xlsx)"))
    rimport.add_argument("--year", type=int, help=_("plan year (default: newest plan)"))
    template = add(
        roster,
        "template",
        cmd_roster_template,
        _("write the roster workbook template"),
        json_flag=False,
        needs_db=False,
    )
    template.add_argument("--out", required=True)
    rlist = add(roster, "list", cmd_roster_list, _("list the roster of a year"))
    rlist.add_argument("--year", type=int)
    rexport = add(
        roster,
        "export",
        cmd_roster_export,
        _("write the roster of a year as a workbook in the template's layout"),
    )
    rexport.add_argument("--out", required=True, help=_("the .xlsx file to write"))
    rexport.add_argument("--year", type=int, help=_("plan year (default: newest plan)"))

"""``thidua-cli print``: the printed forms as PDF, a unit's or the federation's."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.common import (
    AddCommand,
    chosen_scope,
    default_plan,
    emit,
    positive_int,
    scope_arguments,
    unit_codes,
)
from app.core.errors import N_
from app.core.files import output_file
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext

#: The values of :class:`app.printing.BatchDocument` (spelled out so the command line
#: starts without loading the printing; a test keeps the two the same).
BATCH_DOCUMENTS = ("registration", "results_h1", "results_year", "key_card")


def _printed(args: argparse.Namespace, out: TextIO, path: Path) -> int:
    if args.json:
        from app.printing import printing_font

        emit(out, {"file": str(path), "font": printing_font()})
    else:
        out.write(_("PDF written to {path}.").format(path=path) + "\n")
    return 0


def cmd_print_registration(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.printing import PrintedForm, print_registration_form, record_printed

    path = print_registration_form(
        ctx, plan_id=args.plan, unit=args.unit, out=output_file(args.out)
    )
    if args.unit is None:  # the unit's own form, kept to sign and stamp
        record_printed(ctx, form=PrintedForm.REGISTRATION, plan_id=args.plan)
    return _printed(args, out, path)


def cmd_print_results(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.printing import print_results_report

    path = print_results_report(
        ctx, plan_id=args.plan, period=args.period, unit=args.unit, out=output_file(args.out)
    )
    return _printed(args, out, path)


def cmd_print_covenant(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.printing import print_cluster_covenant

    path = print_cluster_covenant(
        ctx, plan_id=args.plan, cluster=args.cluster, out=output_file(args.out)
    )
    return _printed(args, out, path)


def cmd_print_summary(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.printing import print_province_summary

    plan_id = default_plan(ctx, args.plan)
    with ctx.reading() as session:
        scope = chosen_scope(session, plan_id, args)
    path = print_province_summary(ctx, plan_id=plan_id, out=output_file(args.out), scope=scope)
    return _printed(args, out, path)


def cmd_print_plan(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.printing import print_plan

    path = print_plan(ctx, plan_id=args.plan_id, out=output_file(args.out))
    return _printed(args, out, path)


def cmd_print_batch(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.core.errors import InputError
    from app.printing import print_batch

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{done}/{total}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    codes = unit_codes(args.units)
    scope = None
    if args.cluster or args.unit:
        if codes is not None:
            raise InputError(N_("Choose the units either by code or by a part of the province."))
        plan_id = default_plan(ctx, args.plan)
        with ctx.reading() as session:
            scope = chosen_scope(session, plan_id, args)
    result = print_batch(
        ctx,
        document=args.document,
        plan_id=args.plan,
        out=output_file(args.out) if args.single_file else Path(args.out),
        single_file=args.single_file,
        unit_codes=codes,
        scope=scope,
        replace=args.replace,
        progress=progress,
        workers=args.workers,
    )
    if args.json:
        from app.printing import printing_font

        emit(
            out,
            {
                "files": [str(p) for p in result.paths],
                "font": printing_font(),
                "printed": result.printed,
                "total": result.total,
                "skipped": [
                    {"code": s.code, "name": s.name, "reason": _(s.reason)} for s in result.skipped
                ],
            },
        )
        return 0
    out.write(
        _("{count} documents printed to {path}.").format(count=result.printed, path=args.out) + "\n"
    )
    for skipped in result.skipped:
        out.write(
            _("Skipped {code} {name}: {reason}.").format(
                code=skipped.code, name=skipped.name, reason=_(skipped.reason)
            )
            + "\n"
        )
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``print registration|results|covenant|summary|plan|batch``."""
    printing = commands.add_parser("print", help=_("printed forms as PDF")).add_subparsers(
        dest="print_command", required=True, metavar="DOCUMENT"
    )
    pregistration = add(
        printing, "registration", cmd_print_registration, _("a unit's registration form")
    )
    presults = add(printing, "results", cmd_print_results, _("a unit's results of a period"))
    presults.add_argument("--period", required=True, help=_("h1 or year"))
    for command in (pregistration, presults):
        command.add_argument(
            "--unit", help=_("unit code (at the federation; default: this unit database's own)")
        )
    pcovenant = add(printing, "covenant", cmd_print_covenant, _("a cluster's covenant"))
    pcovenant.add_argument("--cluster", required=True, help=_("cluster name or code"))
    psummary = add(
        printing, "summary", cmd_print_summary, _("the province summary against the targets")
    )
    scope_arguments(psummary)
    pplan = add(printing, "plan", cmd_print_plan, _("the plan as issued"))
    pplan.add_argument(
        "plan_id", nargs="?", metavar="PLAN_ID", help=_("plan id (default: newest plan)")
    )
    pbatch = add(
        printing,
        "batch",
        cmd_print_batch,
        _("one document for many units: one PDF or one file each (at the federation)"),
    )
    pbatch.add_argument(
        "--document",
        choices=BATCH_DOCUMENTS,
        default=BATCH_DOCUMENTS[0],
        help=_("which document (default: registration)"),
    )
    pbatch.add_argument(
        "--single-file", action="store_true", help=_("one PDF instead of one file per unit")
    )
    pbatch.add_argument(
        "--units", help=_("comma-separated unit codes (default: every unit of the roster)")
    )
    pbatch.add_argument(
        "--union",
        "--unit",
        dest="unit",
        help=_("code of an upper-level union: the units of its area"),
    )
    pbatch.add_argument("--cluster", help=_("code or name of a cluster: its units only"))
    pbatch.add_argument(
        "--replace", action="store_true", help=_("replace files that already exist")
    )
    pbatch.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        help=_("processes laying the forms out (default: every core for a large batch)"),
    )
    for command in (pregistration, presults, pcovenant, psummary, pbatch):
        command.add_argument("--plan", help=_("plan id (default: newest plan)"))
    for command in (pregistration, presults, pcovenant, psummary, pplan):
        command.add_argument("--out", required=True, help=_("the PDF file to write"))
    pbatch.add_argument(
        "--out", required=True, help=_("folder (one file per unit) or the PDF file")
    )

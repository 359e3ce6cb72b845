"""``thidua-cli plan``: list and show the plans; the federation sends them, a unit imports one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.common import AddCommand, default_plan, emit, unit_codes
from app.core.errors import N_, UserError
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext


def cmd_plan_list(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.plans import list_plans

    with ctx.reading() as session:
        plans = list_plans(session)
    if args.json:
        emit(
            out,
            [
                {
                    "id": p.id,
                    "year": p.year,
                    "issuer": p.issuer,
                    "number": p.number,
                    "issued_on": p.issued_on.isoformat() if p.issued_on else None,
                    "title": p.title,
                    "builtin": p.builtin,
                }
                for p in plans
            ],
        )
    else:
        for p in plans:
            out.write(f"{p.id}\t{p.year}\t{p.title}\n")
    return 0


def cmd_plan_show(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.core.figure_display import unit_goal_text
    from app.core.format import format_target
    from app.plans import (
        AREA_TOTAL_NOTE,
        checks_to_json,
        get_checks,
        get_plan,
        movement_kind_heading,
        movements_by_kind,
        plan_to_json,
    )
    from db.enums import Levels

    with ctx.reading() as session:
        plan = get_plan(session, args.plan_id)
        checks = get_checks(session, plan.id)
    if args.json:
        emit(out, {**plan_to_json(plan), "checks": checks_to_json(checks)})
        return 0
    out.write(f"{plan.title}\n{plan.issuer} — {plan.number}\n")
    for kind, movements in movements_by_kind(plan):
        out.write(f"{movement_kind_heading(kind)}:\n")
        for movement in movements:
            out.write(f"  {movement.code:10} {movement.name}\n")
    for indicator in plan.indicators:
        targets = "; ".join(format_target(indicator, t) for t in indicator.targets)
        out.write(f"{indicator.code:6} {indicator.title}: {targets}\n")
        goal = unit_goal_text(indicator)
        if goal:
            out.write(f"{'':6} {goal}\n")
        if indicator.levels is Levels.AREA_TOTAL:
            out.write(f"{'':6} {_(AREA_TOTAL_NOTE)}\n")
    return 0


def cmd_plan_export(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import export_plan_packages

    files = export_plan_packages(
        ctx,
        plan_id=default_plan(ctx, args.plan),
        out_dir=Path(args.out),
        unit_codes=unit_codes(args.units),
    )
    if args.json:
        emit(
            out,
            [
                {"file": str(f.path), "unit_code": f.unit_code, "hash": f.package_hash}
                for f in files
            ],
        )
    else:
        out.write(
            _("{count} plan packages written to {folder}.").format(
                count=len(files), folder=args.out
            )
            + "\n"
        )
    return 0


def cmd_plan_import(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import import_plan_package, inspect_plan_package

    path = Path(args.file)
    fingerprint = args.accept_fingerprint
    if fingerprint is None:
        info = inspect_plan_package(ctx, path=path)
        if not info.federation_pinned:
            if not sys.stdin.isatty():
                raise UserError(
                    N_(
                        "Confirm the federation's fingerprint {fingerprint} before importing "
                        "its first plan package."
                    ),
                    params={"fingerprint": info.federation_fingerprint},
                )
            out.write(
                _("Federation: {name}\nFingerprint: {fingerprint}\n").format(
                    name=info.federation_name, fingerprint=info.federation_fingerprint
                )
            )
            fingerprint = input(_("Type the fingerprint from the federation's letter: "))
    info = import_plan_package(ctx, path=path, confirmed_fingerprint=fingerprint)
    if args.json:
        emit(
            out,
            {
                "plan": info.plan_id,
                "unit_code": info.unit_code,
                "unit_name": info.unit_name,
                "federation": info.federation_name,
                "federation_fingerprint": info.federation_fingerprint,
            },
        )
    else:
        out.write(
            _("Plan {plan} imported for {unit}.").format(plan=info.plan_id, unit=info.unit_name)
            + "\n"
        )
    return 0


def cmd_plan_checks(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.plans import (
        checks_to_json,
        read_checks_file,
        read_value_checks,
        reset_value_checks,
        save_value_checks,
    )

    plan_id = default_plan(ctx, args.plan)
    if args.set and args.reset:
        raise UserError(N_("Give either --set or --reset, not both."))
    if args.set:
        data = read_checks_file(Path(args.set))
        checks = save_value_checks(ctx, plan_id=plan_id, data=data)
    elif args.reset:
        checks = reset_value_checks(ctx, plan_id=plan_id)
    else:
        checks = read_value_checks(ctx, plan_id=plan_id)
    document = checks_to_json(checks)
    if args.json:
        emit(out, {"plan": plan_id, "checks": document})
    else:
        out.write(_("Checks for suspicious values, plan {plan}:").format(plan=plan_id) + "\n")
        emit(out, document)
    return 0


def cmd_plan_set_number(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.core.days import parse_day, short_date
    from app.plans import set_plan_number

    plan = set_plan_number(
        ctx, plan_id=args.plan_id, number=args.number, issued_on=parse_day(args.date)
    )
    assert plan.issued_on is not None
    if args.json:
        emit(out, {"plan": plan.id, "number": plan.number, "issued_on": plan.issued_on})
    else:
        out.write(
            _("Plan {plan} is now number {number} of {date}.").format(
                plan=plan.id, number=plan.number, date=short_date(plan.issued_on)
            )
            + "\n"
        )
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``plan list|show|export|import|checks|set-number``."""
    plan = commands.add_parser("plan", help=_("plans")).add_subparsers(
        dest="plan_command", required=True, metavar="ACTION"
    )
    add(plan, "list", cmd_plan_list, _("list the plans"))
    show = add(plan, "show", cmd_plan_show, _("show a plan with its indicators and targets"))
    show.add_argument("plan_id", metavar="PLAN_ID", help=_("plan id"))
    pexport = add(plan, "export", cmd_plan_export, _("write signed plan packages for the units"))
    pexport.add_argument("--out", required=True, help=_("folder"))
    pexport.add_argument("--plan", help=_("plan id (default: newest plan)"))
    pexport.add_argument("--units", help=_("comma-separated unit codes (default: all)"))
    pimport = add(plan, "import", cmd_plan_import, _("import the federation's plan package"))
    pimport.add_argument(
        "file", metavar="FILE", help=_("the plan package file from the federation")
    )
    pimport.add_argument("--accept-fingerprint", help=_("the federation fingerprint, confirmed"))
    checks = add(
        plan, "checks", cmd_plan_checks, _("show or set the plan's checks for suspicious values")
    )
    checks.add_argument("--plan", help=_("plan id (default: newest plan)"))
    checks.add_argument("--set", metavar="FILE", help=_("a JSON file of thresholds to keep"))
    checks.add_argument("--reset", action="store_true", help=_("back to the default thresholds"))
    numbered = add(
        plan,
        "set-number",
        cmd_plan_set_number,
        _("set the plan's number and date of issue (before its plan packages are written)"),
    )
    numbered.add_argument("plan_id", metavar="PLAN_ID", help=_("plan id"))
    numbered.add_argument("--number", required=True, help=_("the number, e.g. 45/KH-LĐLĐ"))
    numbered.add_argument("--date", required=True, help=_("date of issue, DD/MM/YYYY"))

"""``thidua-cli rollup`` and ``report``: targets against the totals, the province workbook."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from app.cli.common import AddCommand, chosen_scope, default_plan, emit, scope_arguments
from app.core.files import output_file
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext


def cmd_rollup(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.core import figures
    from app.core.format import half_up
    from app.plans import get_plan
    from app.rollup import refresh_if_possible, resolve_scope, rollup

    refresh_if_possible(ctx)
    with ctx.reading() as session:
        plan = get_plan(session, args.plan_id)
        scope = resolve_scope(session, year=plan.year, unit=args.unit, cluster=args.cluster)
        rows = rollup(session, plan_id=plan.id, scope=scope, plan=plan)
    if args.json:
        emit(
            out,
            [
                {
                    "indicator": r.indicator.code,
                    "target": (
                        figures.target_text(plan, r.indicator, r.target) if r.target else None
                    ),
                    "own_target": r.own,
                    "judged_stream": (
                        figures.judged_stream(plan, r.target) if r.target is not None else None
                    ),
                    "applicable_units": r.applicable_units,
                    "streams": {
                        stream: {
                            "text": figures.figure_text(r.indicator, f),
                            "basis": figures.basis_text(f),
                            "value": str(f.value) if f.value is not None else None,
                            "exact": (
                                f"{f.exact.numerator}/{f.exact.denominator}"
                                if f.exact is not None
                                else None
                            ),
                            "numerator": f.numerator,
                            "denominator": f.denominator,
                            "reporting_units": f.reporting_units,
                            "verdict": f.verdict.value,
                            "verdict_text": figures.verdict_text(f.verdict),
                            "met": f.met,
                            "attainment": (
                                str(half_up(f.attainment, figures.PERCENT_PLACES))
                                if f.attainment is not None
                                else None
                            ),
                            "attainment_text": figures.figure_attainment_text(f),
                        }
                        for stream, f in r.figures.items()
                    },
                }
                for r in rows
            ],
        )
    else:
        for r in rows:
            shown = []
            for stream, f in r.figures.items():
                word = figures.verdict_text(f.verdict) if f.reporting_units else ""
                shown.append(
                    f"{stream}={figures.figure_text(r.indicator, f)}"
                    + (f" ({word})" if word else "")
                )
            wording = figures.target_text(plan, r.indicator, r.target) if r.target else ""
            out.write(f"{r.indicator.code:6} {wording:40} {'  '.join(shown)}\n")
    return 0


def cmd_report_xlsx(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.rollup import export_province_workbook

    plan_id = default_plan(ctx, args.plan)
    with ctx.reading() as session:
        scope = chosen_scope(session, plan_id, args)
        result = export_province_workbook(
            session, plan_id=plan_id, path=output_file(args.out), scope=scope
        )
    if args.json:
        emit(
            out,
            {
                "file": str(result.path),
                "plan": plan_id,
                "sheets": list(result.sheets),
                "rows": result.rows,
            },
        )
    else:
        out.write(
            _("Province workbook written to {path}: {count} indicator sheets.").format(
                path=result.path, count=len(result.sheets) - 1
            )
            + "\n"
        )
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``rollup`` and ``report xlsx``."""
    roll = add(commands, "rollup", cmd_rollup, _("targets against registered and achieved totals"))
    roll.add_argument("plan_id", metavar="PLAN_ID", help=_("plan id"))
    scope_arguments(roll)

    report = commands.add_parser("report", help=_("reports for the federation")).add_subparsers(
        dest="report_command", required=True, metavar="ACTION"
    )
    xlsx = add(
        report,
        "xlsx",
        cmd_report_xlsx,
        _("write the province workbook: a summary of formulas and one sheet per indicator"),
    )
    xlsx.add_argument("--out", required=True, help=_("the .xlsx file to write"))
    xlsx.add_argument("--plan", help=_("plan id (default: newest plan)"))
    scope_arguments(xlsx)

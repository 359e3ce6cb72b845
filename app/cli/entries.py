"""``thidua-cli enter``: a unit's statement entered at the federation on its behalf, from
its paper form (``--set CODE=VALUE`` as the screen reads it, or ``--values`` a JSON
statement) or from its filled Excel template (``--from-xlsx``)
(:mod:`app.exchange.entries`, :mod:`app.unit.entry_workbook`)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app.cli.common import AddCommand, default_plan, emit, report_legacy
from app.core.errors import N_, InputError
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext
    from app.exchange import EntryResult
    from app.unit import EntryPreview

#: What each source is called in the text output.
_SOURCE_WORDS = {"paper": N_("the paper form"), "excel": N_("the Excel file")}


def _assignments(items: list[str]) -> dict[str, str]:
    """``CODE=VALUE`` pairs, as typed after ``--set``."""
    texts: dict[str, str] = {}
    for item in items:
        code, equals, text = item.partition("=")
        if not equals or not code.strip():
            raise InputError(
                N_("Write each value as CODE=VALUE (for example A1=120)."), detail=item
            )
        texts[code.strip()] = text
    return texts


def _preview_json(ctx: AppContext, preview: EntryPreview) -> list[dict[str, Any]]:
    """Each value the workbook changed, old → new, as the screens write values."""
    from app.core import figures
    from app.plans import read_plan

    plan = read_plan(ctx, plan_id=preview.plan_id)
    return [
        {
            "code": c.code,
            "title": c.title,
            "old": figures.value_text(plan, plan.indicator(c.code), c.old),
            "new": figures.value_text(plan, plan.indicator(c.code), c.new),
        }
        for c in preview.changes
    ]


def _print(result: EntryResult, out: TextIO) -> None:
    out.write(
        _(
            "Entered on behalf of {code} — {name}: {stream}, version {revision} from "
            "{source} ({count} values), by {actor}."
        ).format(
            code=result.unit_code,
            name=result.unit_name,
            stream=result.stream,
            revision=result.revision,
            source=_(_SOURCE_WORDS[result.source]),
            count=result.values,
            actor=result.entered_by,
        )
        + "\n"
    )
    out.write(f"{result.package_hash}\n")


def cmd_enter(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.core.days import parse_day
    from app.exchange import EXCEL, PAPER, enter_statement, statement_from_json, typed_values

    plan_id = default_plan(ctx, args.plan)
    received_on = parse_day(args.received) if args.received else None
    given = [bool(args.from_xlsx), bool(args.values), bool(args.set)]
    if sum(given) != 1:
        raise InputError(N_("Give exactly one of --from-xlsx, --values or --set."))
    changes: list[dict[str, Any]] | None = None
    if args.from_xlsx:
        from app.unit import enter_from_workbook

        if args.source not in (None, EXCEL):
            raise InputError(N_("A workbook is entered from the Excel file: --source excel."))
        preview, result = enter_from_workbook(
            ctx,
            unit_code=args.unit_code,
            plan_id=plan_id,
            path=Path(args.from_xlsx),
            stream=args.stream,
            received_on=received_on,
        )
        if not args.json:
            report_legacy(preview.legacy, out)
        changes = _preview_json(ctx, preview)
    else:
        if not args.stream:
            raise InputError(N_("Name the report with --stream (registration, h1 or year)."))
        if args.values:
            values, details = statement_from_json(Path(args.values))
        else:
            values = typed_values(ctx, plan_id=plan_id, texts=_assignments(args.set))
            details = None
        result = enter_statement(
            ctx,
            unit_code=args.unit_code,
            plan_id=plan_id,
            stream=args.stream,
            source=args.source or PAPER,
            values=values,
            details=details,
            only_these=bool(args.set),
            received_on=received_on,
        )
    if args.json:
        data: dict[str, Any] = asdict(result)
        if changes is not None:
            data["changes"] = changes
        emit(out, data)
    else:
        _print(result, out)
        empty = _("(none)")
        for change in changes or ():
            out.write(
                f"  {change['code']} {change['title']}: "
                f"{change['old'] or empty} → {change['new'] or empty}\n"
            )
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``enter``."""
    enter = add(
        commands,
        "enter",
        cmd_enter,
        _(
            "enter a unit's statement on its behalf (federation): from its paper form or "
            "its filled Excel template"
        ),
    )
    enter.add_argument("unit_code", metavar="UNIT_CODE")
    enter.add_argument("--plan", help=_("the plan (default: the newest)"))
    enter.add_argument(
        "--stream", help=_("the report: registration, h1 or year (a workbook names its own)")
    )
    enter.add_argument(
        "--source",
        choices=("paper", "excel"),
        help=_("what it is entered from (default: paper; excel for --from-xlsx)"),
    )
    enter.add_argument(
        "--received",
        metavar="DD/MM/YYYY",
        help=_(
            "the day the paper form or file reached the federation (default: today); "
            "the on-time rate counts it from that day"
        ),
    )
    enter.add_argument("--from-xlsx", metavar="FILE", help=_("the unit's filled Excel template"))
    enter.add_argument(
        "--values", metavar="FILE.json", help=_('a JSON file holding {"statement": {…}}')
    )
    enter.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="CODE=VALUE",
        help=_(
            "one value as typed on the screen (repeat for more); a correction changes "
            "only the values named"
        ),
    )

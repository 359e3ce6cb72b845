"""``thidua-cli remind``: the reminder letters (công văn đôn đốc) to the units that
have not sent a report, as PDF, and the same list as a workbook. At the federation only.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.common import AddCommand, chosen_scope, default_plan, emit, scope_arguments
from app.cli.deadlines import day
from app.core.files import output_file
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext


def cmd_remind(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.printing import check_reminder_files, print_reminders, reminder_files
    from app.rollup import ReminderRequest, export_reminder_workbook, read_reminders

    plan_id = default_plan(ctx, args.plan)
    with ctx.reading() as session:
        scope = chosen_scope(session, plan_id, args)
    found = read_reminders(
        ctx,
        ReminderRequest(
            plan_id=plan_id,
            stream=args.stream,
            scope=scope,
            as_of=args.as_of,
            per_unit=args.per_unit,
            include_not_due=args.include_not_due,
        ),
    )
    found.require_letters()
    # Files that exist are refused (unless --replace) before anything is written.
    targets = reminder_files(found, Path(args.out), single_file=args.single_file)
    check_reminder_files(targets + ([Path(args.xlsx)] if args.xlsx else []), replace=args.replace)
    # The workbook first: a path it refuses stops before any letter is printed.
    workbook = export_reminder_workbook(found, Path(args.xlsx)) if args.xlsx else None
    result = print_reminders(
        ctx,
        reminders=found,
        out=output_file(args.out) if args.single_file else Path(args.out),
        single_file=args.single_file,
        reply_by=args.reply_by,
        replace=args.replace,
    )
    if args.json:
        emit(
            out,
            {
                "plan": plan_id,
                "stream": found.stream,
                "as_of": found.as_of.isoformat(),
                "due_on": found.due_on.isoformat() if found.due_on else None,
                "files": [str(p) for p in result.paths],
                "workbook": str(workbook.path) if workbook else None,
                "letters": [
                    {
                        "recipient_code": letter.recipient.code,
                        "recipient_name": letter.recipient.name,
                        "for_area": letter.for_area,
                        "units": [
                            {
                                "code": u.unit.code,
                                "name": u.unit.name,
                                "due_on": u.due_on.isoformat() if u.due_on else None,
                                "days_late": u.days_late,
                                "extended": u.extended,
                            }
                            for u in letter.reminded
                        ],
                        "own": letter.own.unit.code if letter.own is not None else None,
                    }
                    for letter in found.letters
                ],
            },
        )
        return 0
    out.write(
        _("{letters} reminder letters about {units} units written to {path}.").format(
            letters=len(found.letters), units=len(found.units), path=args.out
        )
        + "\n"
    )
    if workbook is not None:
        out.write(_("The list is in {path}.").format(path=workbook.path) + "\n")
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``remind``."""
    remind = add(
        commands,
        "remind",
        cmd_remind,
        _("reminder letters to the units that have not sent a report (PDF, and .xlsx)"),
    )
    remind.add_argument("--stream", required=True, help=_("registration, h1, year…"))
    remind.add_argument(
        "--as-of", type=day, help=_("count as at the end of this day (default: today)")
    )
    remind.add_argument(
        "--per-unit",
        action="store_true",
        help=_("one letter to each unit, not one to each upper-level union"),
    )
    remind.add_argument(
        "--single-file",
        action="store_true",
        help=_("one PDF instead of one file per letter"),
    )
    remind.add_argument(
        "--include-not-due",
        action="store_true",
        help=_("remind the units whose deadline has not passed yet too"),
    )
    remind.add_argument(
        "--reply-by",
        type=day,
        help=_("the last day the letters ask for (default: a week after --as-of)"),
    )
    remind.add_argument(
        "--out", required=True, help=_("folder (one file per letter) or the PDF file")
    )
    remind.add_argument("--xlsx", help=_("also write the list as this workbook"))
    remind.add_argument(
        "--replace", action="store_true", help=_("replace files that already exist")
    )
    remind.add_argument("--plan", help=_("plan id (default: newest plan)"))
    scope_arguments(remind)

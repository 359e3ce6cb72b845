"""``thidua-cli deadlines`` and ``late``: when reports are due, the extensions
granted, and who reported on time (the reporting and on-time rates per scope,
the late and missing units by how long). At the federation only.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any, TextIO

from app.cli.common import AddCommand, chosen_scope, default_plan, emit, scope_arguments
from app.core.days import parse_day, short_date
from app.core.errors import InputError
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core import domain
    from app.core.context import AppContext
    from app.rollup import StreamTimeliness


def day(text: str) -> dt.date:
    """Argument type: a day typed as YYYY-MM-DD or DD/MM/YYYY (a usage error otherwise)."""
    try:
        return parse_day(text)
    except InputError as error:
        raise argparse.ArgumentTypeError(error.translated()) from None


def _day_text(value: dt.date | None) -> str:
    return "—" if value is None else short_date(value)


def _fraction(value: Any) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


def cmd_set(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.rollup import save_deadline

    plan_id = default_plan(ctx, args.plan)
    due = save_deadline(ctx, plan_id=plan_id, stream=args.stream, due_on=args.date)
    out.write(
        _("Deadline of {stream} ({plan}): {date}.").format(
            stream=args.stream, plan=plan_id, date=_day_text(due)
        )
        + "\n"
    )
    return 0


def cmd_clear(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.rollup import remove_deadline

    plan_id = default_plan(ctx, args.plan)
    remove_deadline(ctx, plan_id=plan_id, stream=args.stream)
    out.write(
        _("Deadline of {stream} ({plan}) cleared.").format(stream=args.stream, plan=plan_id) + "\n"
    )
    return 0


def cmd_extend(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.rollup import save_extension

    plan_id = default_plan(ctx, args.plan)
    granted = save_extension(
        ctx,
        plan_id=plan_id,
        stream=args.stream,
        unit=args.unit_code,
        due_on=args.date,
        reason=args.reason,
    )
    out.write(
        _("{code} has until {date} for {stream}.").format(
            code=granted.unit_code, date=_day_text(granted.due_on), stream=args.stream
        )
        + "\n"
    )
    return 0


def cmd_withdraw(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.rollup import remove_extension

    plan_id = default_plan(ctx, args.plan)
    remove_extension(ctx, plan_id=plan_id, stream=args.stream, unit=args.unit_code)
    out.write(
        _("The extension of {code} for {stream} is withdrawn.").format(
            code=args.unit_code, stream=args.stream
        )
        + "\n"
    )
    return 0


def cmd_list(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.plans import read_plan
    from app.rollup import read_deadlines

    plan_id = default_plan(ctx, args.plan)
    deadlines = read_deadlines(ctx, plan_id=plan_id)
    if args.json:
        emit(
            out,
            {
                "plan": plan_id,
                "deadlines": [
                    {
                        "stream": d.stream,
                        "due_on": d.due_on.isoformat() if d.due_on else None,
                        "set_at": d.set_at,
                        "set_by": d.set_by,
                        "extensions": [
                            {
                                "unit_code": e.unit_code,
                                "unit_name": e.unit_name,
                                "due_on": e.due_on.isoformat(),
                                "reason": e.reason,
                                "granted_at": e.granted_at,
                                "granted_by": e.granted_by,
                            }
                            for e in d.extensions
                        ],
                    }
                    for d in deadlines
                ],
            },
        )
        return 0
    plan = read_plan(ctx, plan_id=plan_id)
    for d in deadlines:
        out.write(f"{_stream_name(d.stream, plan):28} {_day_text(d.due_on)}\n")
        for e in d.extensions:
            out.write(
                "    "
                + _("{code}: until {date} ({reason})").format(
                    code=e.unit_code, date=_day_text(e.due_on), reason=e.reason
                )
                + "\n"
            )
    return 0


def _stream_json(s: StreamTimeliness) -> dict[str, Any]:
    return {
        "stream": s.stream,
        "due_on": s.due_on.isoformat() if s.due_on else None,
        "expected": s.expected,
        "received": s.received,
        "on_time": s.on_time,
        "late": s.late,
        "missing": s.missing,
        "extensions": s.extensions,
        "reporting_rate": _fraction(s.reporting_rate),
        "reporting_rate_text": s.reporting_text,
        "on_time_rate": _fraction(s.on_time_rate),
        "on_time_rate_text": s.on_time_text,
        "units": [
            {
                "code": u.unit.code,
                "name": u.unit.name,
                "status": "missing" if u.arrived_on is None else "late",
                "due_on": u.due_on.isoformat() if u.due_on else None,
                "arrived_on": u.arrived_on.isoformat() if u.arrived_on else None,
                "days_late": u.days_late,
                "extended": u.extended,
            }
            for u in s.units
        ],
    }


def _stream_name(stream: str, plan: domain.Plan) -> str:
    """The report's name as the screens say it, with the code typed on the command line."""
    from app.exchange import stream_label

    return f"{stream_label(stream, plan)} ({stream})"


def cmd_late(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import stream_label
    from app.plans import read_plan
    from app.rollup import read_timeliness

    plan_id = default_plan(ctx, args.plan)
    with ctx.reading() as session:
        scope = chosen_scope(session, plan_id, args)
    report = read_timeliness(
        ctx, plan_id=plan_id, scope=scope, stream=args.stream, as_of=args.as_of
    )
    if args.json:
        emit(
            out,
            {
                "plan": plan_id,
                "as_of": report.as_of.isoformat(),
                "streams": [_stream_json(s) for s in report.streams],
            },
        )
        return 0
    plan = read_plan(ctx, plan_id=plan_id)
    for s in report.streams:
        out.write(
            _(
                "{stream} (deadline {date}): {received} of {expected} units reported ({rate}), "
                "{on_time} on time ({on_time_rate}), {late} late, {missing} not sent."
            ).format(
                stream=stream_label(s.stream, plan),
                date=_day_text(s.due_on),
                received=s.received,
                expected=s.expected,
                rate=s.reporting_text,
                on_time=s.on_time,
                on_time_rate=s.on_time_text,
                late=s.late,
                missing=s.missing,
            )
            + "\n"
        )
        for u in s.units:
            if u.arrived_on is None and not u.days_late:
                state = _("not sent, not yet past its deadline")
            elif u.arrived_on is None:
                state = _("not sent, {days} days past the deadline").format(days=u.days_late)
            else:
                state = _("received {date}, {days} days late").format(
                    date=_day_text(u.arrived_on), days=u.days_late
                )
            out.write(f"    {u.unit.code:12} {u.unit.name}: {state}\n")
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``deadlines set|clear|extend|withdraw|list`` and ``late``."""
    group = commands.add_parser(
        "deadlines", help=_("deadlines of the reports, and extensions for single units")
    ).add_subparsers(dest="deadlines_command", required=True, metavar="ACTION")

    def plan_argument(command: argparse.ArgumentParser) -> None:
        command.add_argument("--plan", help=_("plan id (default: newest plan)"))

    setter = add(group, "set", cmd_set, _("set the last day a report may arrive"), json_flag=False)
    setter.add_argument("stream", metavar="STREAM", help=_("registration, h1, year…"))
    setter.add_argument("date", metavar="DATE", type=day, help=_("DD/MM/YYYY or YYYY-MM-DD"))
    plan_argument(setter)
    clear = add(group, "clear", cmd_clear, _("remove a report's deadline"), json_flag=False)
    clear.add_argument("stream", metavar="STREAM", help=_("registration, h1, year…"))
    plan_argument(clear)
    extend = add(group, "extend", cmd_extend, _("give one unit a later last day"), json_flag=False)
    extend.add_argument("unit_code", metavar="UNIT_CODE")
    extend.add_argument("stream", metavar="STREAM", help=_("registration, h1, year…"))
    extend.add_argument("date", metavar="DATE", type=day, help=_("DD/MM/YYYY or YYYY-MM-DD"))
    extend.add_argument("--reason", required=True, help=_("why the extension is granted"))
    plan_argument(extend)
    withdraw = add(
        group, "withdraw", cmd_withdraw, _("take back a unit's extension"), json_flag=False
    )
    withdraw.add_argument("unit_code", metavar="UNIT_CODE")
    withdraw.add_argument("stream", metavar="STREAM", help=_("registration, h1, year…"))
    plan_argument(withdraw)
    listing = add(group, "list", cmd_list, _("the deadlines of a plan and their extensions"))
    plan_argument(listing)

    late = add(
        commands,
        "late",
        cmd_late,
        _("reporting and on-time rates, and the units late or not sent"),
    )
    late.add_argument("--stream", help=_("one report only (default: every report of the plan)"))
    late.add_argument(
        "--as-of", type=day, help=_("count as at the end of this day (default: today)")
    )
    plan_argument(late)
    scope_arguments(late)

"""``thidua-cli flags``: suspicious values flagged on import, and staff's verification
(:mod:`app.exchange.flags`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TextIO

from app.cli.common import AddCommand, emit
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext
    from app.exchange import FlagInfo


def _flag_json(flag: FlagInfo) -> dict[str, Any]:
    from app.exchange import check_label, flag_values_text

    return {
        "id": flag.id,
        "plan": flag.plan_id,
        "unit": {"id": flag.unit_id, "code": flag.unit_code, "name": flag.unit_name},
        "stream": flag.stream,
        "indicator": (
            {"code": flag.indicator_code, "title": flag.indicator_title}
            if flag.indicator_code
            else None
        ),
        "check": flag.kind.value,
        "check_label": check_label(flag.kind),
        "values": flag.values,
        "values_text": flag_values_text(flag),
        "package_hash": flag.package_hash,
        "raised_at": flag.raised_at,
        "verified": flag.verified,
        "verified_at": flag.verified_at or None,
        "verified_by": flag.verified_by or None,
        "note": flag.note,
    }


def cmd_flags(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import check_label, flag_values_text, list_flags

    flags = list_flags(ctx, plan_id=args.plan, include_verified=args.all)
    if args.json:
        emit(out, [_flag_json(f) for f in flags])
        return 0
    if not flags:
        out.write(_("No suspicious value to look at.") + "\n")
    for flag in flags:
        status = _("verified") if flag.verified else _("not verified")
        where = f"{flag.indicator_code} {flag.indicator_title}" if flag.indicator_code else "—"
        out.write(
            "\t".join(
                (
                    str(flag.id),
                    flag.unit_code,
                    flag.stream,
                    where,
                    check_label(flag.kind),
                    flag_values_text(flag),
                    status,
                    flag.note,
                )
            ).rstrip("\t")
            + "\n"
        )
    return 0


def cmd_flags_verify(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import verify_flag

    verify_flag(ctx, flag_id=args.flag_id, note=args.note or "")
    if args.json:
        emit(out, {"id": args.flag_id, "verified": True})
    else:
        out.write(_("Value {id} marked as verified.").format(id=args.flag_id) + "\n")
    return 0


def cmd_flags_unverify(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import unverify_flag

    unverify_flag(ctx, flag_id=args.flag_id)
    if args.json:
        emit(out, {"id": args.flag_id, "verified": False})
    else:
        out.write(_("Value {id} is open again.").format(id=args.flag_id) + "\n")
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``flags``, ``flags verify`` and ``flags unverify``."""
    flags = add(commands, "flags", cmd_flags, _("suspicious values flagged on import"))
    flags.add_argument("--plan", help=_("only this plan (default: every plan)"))
    flags.add_argument("--all", action="store_true", help=_("also the verified ones"))
    actions = flags.add_subparsers(dest="flags_command", metavar="ACTION")
    verify = add(actions, "verify", cmd_flags_verify, _("mark a flagged value as verified"))
    verify.add_argument("flag_id", type=int, metavar="ID")
    verify.add_argument("--note", help=_("what was checked (optional)"))
    unverify = add(actions, "unverify", cmd_flags_unverify, _("open a verified value again"))
    unverify.add_argument("flag_id", type=int, metavar="ID")

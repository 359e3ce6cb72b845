"""``thidua-cli init``: set up a database for the federation or a unit; ``thidua-cli
quick-start``: its first steps, each ticked once done, with the guide's section."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from app.cli.common import AddCommand, emit, passphrase
from app.core.i18n import gettext as _
from db.enums import Role, Sector, UnitKind

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext


def cmd_init(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.setup import initialize

    with ctx.unit_of_work() as session:
        installation = initialize(
            session,
            role=Role(args.role),
            name=args.name,
            code=args.code,
            kind=UnitKind(args.kind) if args.kind else None,
            sector=Sector(args.sector) if args.sector else None,
            key_passphrase=passphrase(args, "key_passphrase_env"),
        )
    if args.json:
        emit(
            out,
            {
                "role": installation.role.value,
                "unit_id": installation.own_unit_id,
                "name": installation.own_unit_name,
                "database": ctx.display_url,
            },
        )
    else:
        text = (
            _("Database ready for the federation {name}.")
            if installation.role is Role.FEDERATION
            else _("Database ready for the unit {name}.")
        )
        out.write(text.format(name=installation.own_unit_name) + "\n")
        if installation.role is Role.FEDERATION and args.key_passphrase_env is None:
            out.write(
                _(
                    "The federation's signing key will be made inside the database, protected "
                    "by the passphrase given with --key-passphrase-env at the first signature."
                )
                + "\n"
            )
    return 0


def cmd_quick_start(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.setup import quick_start

    state = quick_start(ctx)
    if args.json:
        emit(
            out,
            {
                "role": state.role.value,
                "done": state.done_count,
                "total": len(state.steps),
                "steps": [
                    {"key": s.key, "text": _(s.label), "guide": s.anchor, "done": s.done}
                    for s in state.steps
                ],
            },
        )
        return 0
    out.write(
        _("Quick start: {done} of {total} steps done.").format(
            done=state.done_count, total=len(state.steps)
        )
        + "\n"
    )
    for number, step in enumerate(state.steps, start=1):
        mark = "[x]" if step.done else "[ ]"
        guide = _("guide: #{anchor}").format(anchor=step.anchor)
        out.write(f"{mark} {number}. {_(step.label)} ({guide})\n")
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``init`` and ``quick-start``."""
    init = add(commands, "init", cmd_init, _("set up a database for the federation or a unit"))
    init.add_argument("--role", required=True, choices=[r.value for r in Role])
    init.add_argument("--name", required=True, help=_("name of the union"))
    init.add_argument("--code", help=_("unit code given by the federation"))
    init.add_argument("--kind", choices=[UnitKind.GRASSROOTS.value, UnitKind.UPPER.value])
    init.add_argument("--sector", choices=[s.value for s in Sector])
    # --key-passphrase-env names the new federation key's passphrase here, not one to unlock.
    init.set_defaults(unlocks_key=False)
    add(
        commands,
        "quick-start",
        cmd_quick_start,
        _("the first steps of this database's chair or staff, each ticked once done"),
    )

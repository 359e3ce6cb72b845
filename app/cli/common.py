"""What the command groups of ``thidua-cli`` share.

Printing one JSON document, reading a passphrase from the environment, the plan
a command works on when none is named, the lines every command writes the same
way (cells converted from a legacy encoding, a package written), and the
argument types and arguments several groups take, with what they mean.

Light on purpose: the parser is built from the groups' ``register`` functions,
so nothing here (nor in a group module's top) may load the database layer.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from app.core.errors import N_, UserError
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.core.context import AppContext
    from app.core.legacy_repair import LegacyReport
    from app.rollup import Scope

    #: The sub-parsers a group adds its commands to.
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]
    #: What a command runs: the open database (``None`` when it needs none), its arguments
    #: and where to write; returns the exit status.
    Handler = Callable[[AppContext, argparse.Namespace, TextIO], int]

#: ``add(sub, name, handler, help_text, *, json_flag=True, needs_db=True)``: the CLI's own
#: helper a group's ``register`` adds a command with.
AddCommand = Callable[..., argparse.ArgumentParser]


def progress_on_stderr(done: int, total: int) -> None:
    """A long copy's ``done/total`` on the terminal (nothing when stderr is not one)."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def emit(out: TextIO, data: Any) -> None:
    """Print ``data`` as one JSON document (what ``--json`` promises)."""
    json.dump(data, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")


def passphrase(args: argparse.Namespace, attribute: str = "passphrase_env") -> str | None:
    """The passphrase in the environment variable named by ``args.<attribute>``, if named."""
    name = getattr(args, attribute, None)
    if not name:
        return None
    value = os.environ.get(name)
    if value is None:
        raise UserError(
            N_("The environment variable {name} holding the passphrase is not set."),
            params={"name": name},
        )
    return value


def backup_passphrase(args: argparse.Namespace) -> str:
    """The passphrase of a backup (``--backup-passphrase-env``): there is no backup without one."""
    chosen = passphrase(args, "backup_passphrase_env")
    if not chosen:
        raise UserError(N_("A backup needs a passphrase (--backup-passphrase-env)."))
    return chosen


def default_plan(ctx: AppContext, plan_id: str | None) -> str:
    """``plan_id`` when given, else the newest plan's."""
    if plan_id:
        return plan_id
    from app.plans import plan_or_newest

    with ctx.reading() as session:
        return plan_or_newest(session, None)


def unit_codes(text: str | None) -> list[str] | None:
    """The codes of a ``--units`` list (comma-separated); ``None`` (all units) when not given."""
    return [c.strip() for c in text.split(",")] if text else None


def report_legacy(report: LegacyReport, out: TextIO, *, cells: bool = True) -> None:
    """The legacy-font cells of an imported workbook: how many were converted, per
    encoding, and how many were left as they were; with ``cells``, each left cell."""
    for encoding, count in sorted(report.counts.items()):
        out.write(
            _("{count} cells were converted from {encoding} to Unicode.").format(
                count=count, encoding=encoding
            )
            + "\n"
        )
    if report.left:
        out.write(
            _("{count} cells that may be typed in an old font were left as they were.").format(
                count=len(report.left)
            )
            + "\n"
        )
    if cells:
        for cell in report.left:
            out.write(f"{cell.sheet}!{cell.cell}: {cell.translated_reason()}\n")


def report_export(export: Any, args: argparse.Namespace, out: TextIO) -> None:
    """What a written package is: its file, hash, revision and signing key."""
    if getattr(args, "json", False):
        emit(
            out,
            {
                "file": str(export.path),
                "hash": export.package_hash,
                "revision": export.revision,
                "fingerprint": export.fingerprint,
                "kind": export.kind,
                "stream": export.stream,
            },
        )
    else:
        out.write(
            _("Written {path} (revision {revision}, key {fingerprint}).").format(
                path=export.path, revision=export.revision, fingerprint=export.fingerprint
            )
            + "\n"
        )


def positive_int(value: str) -> int:
    """Argument type: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(_("a whole number of at least 1 is needed"))
    return number


def scope_arguments(command: argparse.ArgumentParser) -> None:
    """``--unit`` and ``--cluster``: the part of the province a report covers."""
    command.add_argument(
        "--unit", help=_("code of an upper-level union: its area only (default: the province)")
    )
    command.add_argument("--cluster", help=_("code or name of a cluster: its units only"))


def chosen_scope(session: Session, plan_id: str, args: argparse.Namespace) -> Scope:
    """The part of the province ``--unit`` and ``--cluster`` chose, in the plan's year."""
    from app.plans import get_plan
    from app.rollup import resolve_scope

    year = get_plan(session, plan_id).year
    return resolve_scope(session, year=year, unit=args.unit, cluster=args.cluster)


def staff_name(text: str) -> str:
    """``--staff NAME``, checked as the screens check the staff name."""
    from app.core.preferences import clean_staff_name

    name = clean_staff_name(text)
    if not name:
        raise UserError(N_("The staff name is empty."))
    return name


def restore_variable(name: str, value: str | None) -> None:
    """Put the environment variable ``name`` back as it was (``None``: unset)."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def unlock_for_command(ctx: AppContext, args: argparse.Namespace) -> None:
    """``--key-passphrase-env``: unlock the federation's key before the command runs."""
    chosen = passphrase(args, "key_passphrase_env")
    if chosen is not None and getattr(args, "unlocks_key", True):
        from app.exchange import unlock_key

        unlock_key(ctx, passphrase=chosen)

"""``thidua-cli``: everything the application does, headless.

Every read command takes ``--json`` and prints one JSON document to stdout.
Errors caused by input print a clear message (Vietnamese by default,
``--lang en`` for English) to stderr and exit with status 1; nothing is
changed then. Status 2 is a usage error.

Here: :func:`main` and the parser; each command group lives in its own module
(``app.cli.plans``, ``app.cli.roster``…) and adds its commands with ``register``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from app.cli.backup import register as register_backup
from app.cli.common import AddCommand, restore_variable, staff_name, unlock_for_command
from app.cli.database import register as register_database
from app.cli.deadlines import register as register_deadlines
from app.cli.demo import register as register_demo
from app.cli.entries import register as register_entries
from app.cli.flags import register as register_flags
from app.cli.guide import register as register_guide
from app.cli.history import register as register_history
from app.cli.installation import register as register_installation
from app.cli.keys import register as register_keys
from app.cli.packages import register as register_packages
from app.cli.persons import register as register_persons
from app.cli.plans import register as register_plans
from app.cli.printing import register as register_printing
from app.cli.reminders import register as register_reminders
from app.cli.reports import register as register_reports
from app.cli.roster import register as register_roster
from app.cli.scoring import register as register_scoring
from app.cli.statements import register as register_statements
from app.core import i18n
from app.core.errors import N_, UserError
from app.core.i18n import gettext as _
from app.core.location import chosen_database

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext

#: Each command group's ``register``, in the order ``thidua-cli --help`` lists the commands.
GROUPS: tuple[Callable[[Commands, AddCommand], None], ...] = (
    register_installation,
    register_plans,
    register_roster,
    register_database,
    register_backup,
    register_persons,
    register_reports,
    register_deadlines,
    register_reminders,
    register_keys,
    register_statements,
    register_packages,
    register_history,
    register_flags,
    register_entries,
    register_demo,
    register_printing,
    register_scoring,
    register_guide,
)


def _add(
    sub: Commands,
    name: str,
    handler: Callable[..., int],
    help_text: str,
    *,
    json_flag: bool = True,
    needs_db: bool = True,
) -> argparse.ArgumentParser:
    """Add one command: its help doubles as its description; read commands take ``--json``."""
    command = sub.add_parser(name, help=help_text, description=help_text)
    command.set_defaults(handler=handler, needs_db=needs_db)
    if json_flag:
        command.add_argument("--json", action="store_true", help=_("print JSON"))
    return command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thidua-cli", description=_("Thi Đua, headless: plans, roster, statements.")
    )
    parser.add_argument(
        "--db",
        "--database-url",
        dest="db",
        metavar="FILE_OR_URL",
        help=_(
            "database file, or a shared database's URL "
            "(postgresql://user:password@server:5432/database); default: "
            "$THIDUA_DATABASE_URL, else the database chosen in the application, "
            "else the embedded database in the user data folder"
        ),
    )
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES), help=_("language of messages"))
    parser.add_argument(
        "--staff",
        metavar="NAME",
        help=_(
            "the staff member's name for the audit log (default: $THIDUA_STAFF_NAME, else "
            "the name set on this computer, else the database login, else the account)"
        ),
    )
    parser.add_argument(
        "--key-passphrase-env",
        metavar="VARIABLE",
        help=_(
            "environment variable holding the passphrase of the federation's signing key, "
            "to unlock it for this command"
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in GROUPS:
        register(commands, _add)
    return parser


def _language_from(argv: Sequence[str]) -> str:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("THIDUA_LANG", i18n.DEFAULT_LANGUAGE)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run one command; returns the exit status."""
    # A frozen program's print workers (app.printing.batch_pool) start as this program:
    # they run their task here and exit. A no-op unless frozen: not imported then
    # (multiprocessing brings socket, pickle and threading: ~20 ms every command pays).
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    i18n.set_language(_language_from(argv))
    i18n.translate_argparse()
    args = build_parser().parse_args(argv)
    ctx: AppContext | None = None
    named = os.environ.get("THIDUA_STAFF_NAME")
    try:
        if args.staff is not None:
            os.environ["THIDUA_STAFF_NAME"] = staff_name(args.staff)
        if args.needs_db:
            # The database layer loads only for a command that opens one (not for --help).
            from app.core.context import open_context

            ctx = open_context(chosen_database(args.db))
            unlock_for_command(ctx, args)
        return int(args.handler(ctx, args, out))
    except UserError as error:
        sys.stderr.write(_("Error: {message}").format(message=error.translated()) + "\n")
        return 1
    except OSError as error:
        sys.stderr.write(
            _("Error: {message}").format(
                message=_(N_("The file cannot be read or written: {detail}")).format(
                    detail=error.strerror or str(error)
                )
            )
            + "\n"
        )
        return 1
    except Exception as error:  # a fault of ours: said in words, its traceback in the log
        from app.core.crashlog import configure_logging, record_unexpected

        incident = record_unexpected(error, where="thidua-cli " + " ".join(argv[:2]))
        sys.stderr.write(
            _("Error: {message}").format(
                message=_(
                    N_(
                        "an unexpected error stopped the command (incident {reference}); the "
                        "details are in {log}. Send that file to whoever supports Thi Đua."
                    )
                ).format(reference=incident.reference, log=configure_logging())
            )
            + "\n"
        )
        return 2
    finally:
        if args.staff is not None:
            restore_variable("THIDUA_STAFF_NAME", named)
        if ctx is not None:
            ctx.close()


if __name__ == "__main__":
    sys.exit(main())

"""``thidua-cli``: everything the application does, headless.

Every read command takes ``--json`` and prints one JSON document to stdout.
Errors caused by input print a clear message (Vietnamese by default,
``--lang en`` for English) to stderr and exit with status 1; nothing is
changed then. Status 2 is a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import text

from app import i18n
from app.context import AppContext, open_context
from app.errors import N_, UserError
from app.i18n import gettext as _
from app.paths import default_database_path
from db.enums import Role, Sector, UnitKind

Handler = Callable[[AppContext, argparse.Namespace, TextIO], int]


def _emit(out: TextIO, data: Any) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")


# --- commands -------------------------------------------------------------------


def cmd_init(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.installation import initialize

    with ctx.unit_of_work() as session:
        installation = initialize(
            session,
            role=Role(args.role),
            name=args.name,
            code=args.code,
            kind=UnitKind(args.kind) if args.kind else None,
            sector=Sector(args.sector) if args.sector else None,
        )
    if args.json:
        _emit(
            out,
            {
                "role": installation.role.value,
                "unit_id": installation.own_unit_id,
                "name": installation.own_unit_name,
                "database": ctx.url,
            },
        )
    else:
        out.write(
            _("Database ready for {name} ({role}).").format(
                name=installation.own_unit_name, role=installation.role.value
            )
            + "\n"
        )
    return 0


def cmd_plan_list(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.plans import list_plans

    with ctx.reading() as session:
        plans = list_plans(session)
    if args.json:
        _emit(
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
    from app.format import format_target
    from app.plans import get_plan, plan_to_json

    with ctx.reading() as session:
        plan = get_plan(session, args.plan_id)
    if args.json:
        _emit(out, plan_to_json(plan))
        return 0
    out.write(f"{plan.title}\n{plan.issuer} — {plan.number}\n")
    for indicator in plan.indicators:
        targets = "; ".join(format_target(indicator, t) for t in indicator.targets)
        out.write(f"{indicator.code:6} {indicator.title}: {targets}\n")
    return 0


def cmd_roster_import(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.roster import RosterError, default_year, import_roster

    try:
        with ctx.unit_of_work() as session:
            year = args.year or default_year(session)
            result = import_roster(session, path=Path(args.file), year=year)
    except RosterError as error:
        if args.json:
            _emit(
                out,
                {
                    "imported": False,
                    "message": error.translated(),
                    "errors": [
                        {"row": e.row, "column": e.column, "message": e.translated()}
                        for e in error.errors
                    ],
                },
            )
        else:
            for row_error in error.errors:
                sys.stderr.write(
                    _("Row {row}, column {column}: {message}").format(
                        row=row_error.row, column=row_error.column, message=row_error.translated()
                    )
                    + "\n"
                )
        raise
    if args.json:
        _emit(
            out,
            {
                "imported": True,
                "year": result.year,
                "created": result.created,
                "updated": result.updated,
                "clusters": result.clusters,
            },
        )
    else:
        out.write(
            _("Roster {year}: {created} units added, {updated} updated.").format(
                year=result.year, created=result.created, updated=result.updated
            )
            + "\n"
        )
    return 0


def cmd_roster_template(ctx: AppContext | None, args: argparse.Namespace, out: TextIO) -> int:
    from app.roster import write_roster_template

    write_roster_template(Path(args.out))
    out.write(_("Template written to {path}.").format(path=args.out) + "\n")
    return 0


def cmd_roster_list(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.roster import default_year, list_roster

    with ctx.reading() as session:
        year = args.year or default_year(session)
        units = list_roster(session, year=year)
    if args.json:
        _emit(
            out,
            [
                {
                    "id": u.id,
                    "code": u.code,
                    "name": u.name,
                    "kind": u.kind.value,
                    "sector": u.sector.value if u.sector else None,
                    "parent_id": u.parent_id,
                    "cluster": u.cluster_code,
                    "members": u.member_count,
                    "workers": u.worker_count,
                }
                for u in units
            ],
        )
    else:
        for u in units:
            out.write(f"{u.code or '-':10} {u.name}\n")
    return 0


def cmd_db_check(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.installation import get_installation
    from db.schema import HEAD_REVISION

    report: dict[str, Any] = {
        "database": ctx.url,
        "schema_revision": ctx.schema.revision,
        "schema_head": HEAD_REVISION,
        "upgraded_from": ctx.schema.upgraded_from,
        "backup": str(ctx.schema.backup_path) if ctx.schema.backup_path else None,
    }
    problems: list[str] = []
    with ctx.reading() as session:
        installation = get_installation(session)
        report["role"] = installation.role.value if installation else None
        if ctx.engine.dialect.name == "sqlite":
            integrity = [r[0] for r in session.execute(text("PRAGMA integrity_check"))]
            foreign = list(session.execute(text("PRAGMA foreign_key_check")))
            report["integrity"] = integrity
            report["foreign_key_violations"] = len(foreign)
            if integrity != ["ok"]:
                problems.append(_("The database file is damaged."))
            if foreign:
                problems.append(_("Some rows refer to missing rows."))
    report["ok"] = not problems
    report["problems"] = problems
    if args.json:
        _emit(out, report)
    else:
        out.write(
            _("Schema {revision} (current {head}).").format(
                revision=ctx.schema.revision, head=HEAD_REVISION
            )
            + "\n"
        )
        for problem in problems:
            out.write(problem + "\n")
        if not problems:
            out.write(_("The database is in good order.") + "\n")
    return 0 if not problems else 1


def cmd_rollup(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.format import format_number
    from app.rollup import Scope, rollup

    with ctx.reading() as session:
        rows = rollup(
            session,
            plan_id=args.plan_id,
            scope=Scope(root_unit_id=args.unit, cluster_id=args.cluster),
        )
    if args.json:
        _emit(
            out,
            [
                {
                    "indicator": r.indicator.code,
                    "target": r.target.wording if r.target else None,
                    "applicable_units": r.applicable_units,
                    "streams": {
                        stream: {
                            "value": str(f.value) if f.value is not None else None,
                            "numerator": f.numerator,
                            "denominator": f.denominator,
                            "reporting_units": f.reporting_units,
                            "met": f.met,
                        }
                        for stream, f in r.figures.items()
                    },
                }
                for r in rows
            ],
        )
    else:
        for r in rows:
            figures = "  ".join(
                f"{stream}={format_number(f.value) if f.value is not None else '—'}"
                for stream, f in r.figures.items()
            )
            wording = r.target.wording if r.target else ""
            out.write(f"{r.indicator.code:6} {wording:40} {figures}\n")
    return 0


# --- parser ---------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thidua-cli", description=_("Thi Đua, headless: plans, roster, statements.")
    )
    parser.add_argument(
        "--db",
        help=_("database file or URL (default: the embedded database in the user data folder)"),
    )
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES), help=_("language of messages"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        sub: argparse._SubParsersAction[argparse.ArgumentParser],
        name: str,
        handler: Callable[..., int],
        help_text: str,
        *,
        json_flag: bool = True,
        needs_db: bool = True,
    ) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler, needs_db=needs_db)
        if json_flag:
            command.add_argument("--json", action="store_true", help=_("print JSON"))
        return command

    init = add(commands, "init", cmd_init, _("set up a database for the federation or a unit"))
    init.add_argument("--role", required=True, choices=[r.value for r in Role])
    init.add_argument("--name", required=True, help=_("name of the union"))
    init.add_argument("--code", help=_("unit code given by the federation"))
    init.add_argument("--kind", choices=[UnitKind.GRASSROOTS.value, UnitKind.UPPER.value])
    init.add_argument("--sector", choices=[s.value for s in Sector])

    plan = commands.add_parser("plan", help=_("plans")).add_subparsers(
        dest="plan_command", required=True, metavar="ACTION"
    )
    add(plan, "list", cmd_plan_list, _("list the plans"))
    show = add(plan, "show", cmd_plan_show, _("show a plan with its indicators and targets"))
    show.add_argument("plan_id")

    roster = commands.add_parser("roster", help=_("organisation roster")).add_subparsers(
        dest="roster_command", required=True, metavar="ACTION"
    )
    rimport = add(roster, "import", cmd_roster_import, _("import the roster from a workbook"))
    rimport.add_argument("file")
    rimport.add_argument("--year", type=int, help=_("plan year (default: newest plan)"))
    template = add(
        roster,
        "template",
        cmd_roster_template,
        _("write the roster workbook template"),
        json_flag=False,
        needs_db=False,
    )
    template.add_argument("--out", required=True)
    rlist = add(roster, "list", cmd_roster_list, _("list the roster of a year"))
    rlist.add_argument("--year", type=int)

    db = commands.add_parser("db", help=_("database maintenance")).add_subparsers(
        dest="db_command", required=True, metavar="ACTION"
    )
    add(db, "check", cmd_db_check, _("check integrity and schema version"))

    roll = add(commands, "rollup", cmd_rollup, _("targets against registered and achieved totals"))
    roll.add_argument("plan_id")
    roll.add_argument("--unit", help=_("id of the subtree's top unit (default: everything)"))
    roll.add_argument("--cluster", help=_("id of a cluster"))
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
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    i18n.set_language(_language_from(argv))
    args = build_parser().parse_args(argv)
    ctx: AppContext | None = None
    try:
        if args.needs_db:
            ctx = open_context(args.db or default_database_path())
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
    finally:
        if ctx is not None:
            ctx.close()


if __name__ == "__main__":
    sys.exit(main())

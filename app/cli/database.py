"""``thidua-cli db``: database maintenance (integrity and schema version), moving a
whole database to another one (``copy``) and every table's digest (``digest``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TextIO

from app.cli.common import AddCommand, emit, progress_on_stderr
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.cli.common import Commands
    from app.core.context import AppContext


def _sqlite_problems(session: Session, report: dict[str, Any]) -> list[str]:
    """SQLite checks the file and the foreign keys itself when asked."""
    from sqlalchemy import text

    problems: list[str] = []
    integrity = [r[0] for r in session.execute(text("PRAGMA integrity_check"))]
    foreign = list(session.execute(text("PRAGMA foreign_key_check")))
    report["integrity"] = integrity
    report["foreign_key_violations"] = len(foreign)
    if integrity != ["ok"]:
        problems.append(_("The database file is damaged."))
    if foreign:
        problems.append(_("Some rows refer to missing rows."))
    return problems


def _server_problems(session: Session, report: dict[str, Any]) -> list[str]:
    """The server enforces foreign keys itself; what can be left broken is
    a constraint or an index that was never validated or finished building."""
    from sqlalchemy import text

    invalid = [
        str(name)
        for (name,) in session.execute(
            text(
                "SELECT c.conname FROM pg_constraint c "
                "JOIN pg_namespace n ON n.oid = c.connamespace "
                "WHERE n.nspname = current_schema() AND NOT c.convalidated "
                "UNION ALL SELECT r.relname FROM pg_index i "
                "JOIN pg_class r ON r.oid = i.indexrelid "
                "JOIN pg_namespace n ON n.oid = r.relnamespace "
                "WHERE n.nspname = current_schema() "
                "AND NOT (i.indisvalid AND i.indisready)"
            )
        )
    ]
    report["server"] = str(session.execute(text("SHOW server_version")).scalar())
    report["integrity"] = invalid or ["ok"]
    report["foreign_key_violations"] = 0
    if invalid:
        return [_("Some constraints or indexes of the database are not valid.")]
    return []


def cmd_db_check(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.core.installation import get_installation
    from db.schema import HEAD_REVISION

    report: dict[str, Any] = {
        "database": ctx.display_url,
        "schema_revision": ctx.schema.revision,
        "schema_head": HEAD_REVISION,
        "upgraded_from": ctx.schema.upgraded_from,
        "backup": str(ctx.schema.backup_path) if ctx.schema.backup_path else None,
    }
    with ctx.reading() as session:
        installation = get_installation(session)
        report["role"] = installation.role.value if installation else None
        if ctx.engine.dialect.name == "sqlite":
            problems = _sqlite_problems(session, report)
        else:
            problems = _server_problems(session, report)
    report["ok"] = not problems
    report["problems"] = problems
    if args.json:
        emit(out, report)
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


def cmd_db_copy(_ctx: AppContext | None, args: argparse.Namespace, out: TextIO) -> int:
    from app.setup import move_database

    report = move_database(source=args.source, target=args.target, progress=progress_on_stderr)
    if args.json:
        emit(out, report.to_json())
    else:
        out.write(
            _(
                "Copied {rows} rows in {tables} tables from {source} to {target}; "
                "every table's rows and digest match."
            ).format(
                rows=report.rows,
                tables=len(report.tables),
                source=report.source,
                target=report.target,
            )
            + "\n"
        )
    return 0


def cmd_db_digest(_ctx: AppContext | None, args: argparse.Namespace, out: TextIO) -> int:
    from app.core.location import chosen_database
    from app.setup import database_digests_at

    digests = database_digests_at(args.source or chosen_database(args.db))
    if args.json:
        emit(out, {name: {"rows": d.rows, "digest": d.digest} for name, d in digests.items()})
    else:
        for name, digest in digests.items():
            out.write(f"{name:32} {digest.rows:>9}  {digest.digest[:16]}\n")
    return 0


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``db check``, ``db copy`` and ``db digest``."""
    db = commands.add_parser("db", help=_("database maintenance")).add_subparsers(
        dest="db_command", required=True, metavar="ACTION"
    )
    add(db, "check", cmd_db_check, _("check integrity and schema version"))
    copy = add(
        db,
        "copy",
        cmd_db_copy,
        _(
            "copy everything from one database into an empty one (file or "
            "postgresql://…), checked table by table; the source is only read"
        ),
        needs_db=False,
    )
    copy.add_argument("source", metavar="SOURCE", help=_("database file or URL to copy from"))
    copy.add_argument("target", metavar="TARGET", help=_("empty database file or URL to copy to"))
    digest = add(
        db,
        "digest",
        cmd_db_digest,
        _("every table's row count and digest (to compare two databases)"),
        needs_db=False,
    )
    digest.add_argument(
        "source", nargs="?", metavar="SOURCE", help=_("database file or URL (default: --db)")
    )

"""Signed packages between the units and the federation, from ``thidua-cli``.

A unit signs and writes its package (``export``; an upper-level union relays
its members' in one, ``bundle``); the federation checks and reads them
(``verify``, ``import``, ``conflicts``, ``rebuild``) and answers (``receipts``,
``return``); the unit reads the answer (``receipt import``, ``status``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.common import (
    AddCommand,
    default_plan,
    emit,
    passphrase,
    positive_int,
    report_export,
)
from app.core.errors import InputError
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.cli.common import Commands
    from app.core.context import AppContext
    from app.core.domain import Plan


# --- a unit sends ---------------------------------------------------------------------------


def cmd_export(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import export_enrolment, export_report

    target = Path(args.out) if args.out else None
    if args.kind == "enrolment":
        export = export_enrolment(ctx, out=target, passphrase=passphrase(args))
    else:
        export = export_report(
            ctx,
            plan_id=default_plan(ctx, args.plan),
            stream=args.kind,
            out=target,
            passphrase=passphrase(args),
        )
    report_export(export, args, out)
    return 0


def cmd_bundle(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import iter_package_files
    from app.unit import make_bundle

    found = list(iter_package_files([Path(p) for p in args.inputs]))
    for entry in found:
        if entry.problem:
            raise InputError(entry.problem, detail=entry.name)
    inputs = [entry.path for entry in found]
    export = make_bundle(ctx, inputs=inputs, out=Path(args.out), passphrase=passphrase(args))
    report_export(export, args, out)
    return 0


# --- the federation reads ------------------------------------------------------------------


def cmd_verify(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import Outcome, examine_file

    results = examine_file(ctx, Path(args.file))
    if args.json:
        emit(out, [r.to_json() for r in results])
    else:
        for r in results:
            out.write(f"{r.file_name}: {r.outcome.value} {r.reason_text()}\n")
    return 0 if all(r.outcome is not Outcome.REJECTED for r in results) else 1


def _plans_named(ctx: AppContext, plan_ids: set[str]) -> dict[str, Plan]:
    """The plans of this database among ``plan_ids`` (a package may name an unknown one)."""
    from app.plans import available_plans, read_plan

    known = {summary.id for summary in available_plans(ctx)}
    return {plan_id: read_plan(ctx, plan_id=plan_id) for plan_id in plan_ids & known}


def cmd_import(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import import_packages

    summary = import_packages(
        ctx, paths=[Path(p) for p in args.paths], dry_run=args.dry_run, batch_size=args.batch_size
    )
    plans = _plans_named(ctx, {item.plan_id for item in summary.items})
    if args.csv:
        from app.exchange import unit_names

        summary.write_csv(Path(args.csv), plans=plans, names=unit_names(ctx))
    if args.json:
        emit(out, summary.to_json())
    else:
        for item in summary.items:
            kind, stream, outcome = item.words(plans)
            revision = f"r{item.revision}" if item.revision else ""
            cells = (item.file_name, item.unit_code, kind, stream, revision, outcome)
            out.write("\t".join((*cells, item.reason_text())) + "\n")
        counts = summary.counts
        out.write(
            _(
                "New {new}, updated {updated}, duplicate {duplicate}, older {older}, "
                "conflict {conflict}, pending key {pending_key}, rejected {rejected}."
            ).format(**counts)
            + "\n"
        )
    return 0


def cmd_conflicts(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import conflict_reason_label, list_conflicts, resolve_conflict

    if args.resolve is not None:
        info = resolve_conflict(ctx, conflict_id=args.resolve, keep=args.keep)
        out.write(
            _("Conflict {id} resolved: kept {keep}.").format(id=info.id, keep=args.keep) + "\n"
        )
        return 0
    conflicts = list_conflicts(ctx)
    if args.json:
        emit(out, [c.__dict__ for c in conflicts])
    else:
        for c in conflicts:
            reason = conflict_reason_label(c.reason)
            out.write(f"{c.id}\t{c.unit_id}\t{c.stream}\t{reason}\t{c.package_hash[:16]}\n")
    return 0


def cmd_rebuild(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import rebuild

    count = rebuild(ctx)
    out.write(_("Rebuilt {count} streams from the archive.").format(count=count) + "\n")
    return 0


# --- the federation answers ----------------------------------------------------------------


def cmd_receipts(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import write_receipts

    files = write_receipts(ctx, out_dir=Path(args.out), run_id=args.run, again=args.again)
    out.write(
        _("{count} receipts written to {folder}.").format(count=len(files), folder=args.out) + "\n"
    )
    return 0


def cmd_return(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import return_package

    comments = {}
    for item in args.field or []:
        code, _sep, text_value = item.partition("=")
        comments[code.strip()] = text_value.strip()
    path = return_package(
        ctx,
        package_hash=args.package,
        out=Path(args.out),
        general_comment=args.comment or "",
        comments=comments,
    )
    out.write(_("Return written to {path}.").format(path=path) + "\n")
    return 0


# --- the unit reads the answer ---------------------------------------------------------------


def cmd_receipt_import(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import import_receipt, send_status_text

    status = import_receipt(ctx, path=Path(args.file), passphrase=passphrase(args))
    if args.json:
        emit(
            out,
            {
                "plan": status.plan_id,
                "stream": status.stream,
                "revision": status.revision,
                "status": status.status,
                "comment": status.general_comment,
                "fields": status.comments,
            },
        )
    else:
        words = send_status_text(status.status, status.revision)
        out.write(f"{status.stream} r{status.revision}: {words}\n")
    return 0


def cmd_status(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import send_status_text, stream_statuses

    statuses = stream_statuses(ctx)
    if args.json:
        emit(
            out,
            [
                {
                    "plan": s.plan_id,
                    "stream": s.stream,
                    "revision": s.revision,
                    "status": s.status,
                    "comment": s.general_comment,
                    "fields": s.comments,
                }
                for s in statuses
            ],
        )
    else:
        for s in statuses:
            words = send_status_text(s.status, s.revision)
            out.write(f"{s.plan_id}\t{s.stream}\tr{s.revision}\t{words}\n")
    return 0


# --- the parser ----------------------------------------------------------------------------


def register(commands: Commands, add: AddCommand) -> None:
    """Add ``export``, ``bundle``, ``verify``, ``import``, ``receipts``, ``return``,
    ``receipt import``, ``status``, ``conflicts`` and ``rebuild``, in that order."""
    export = add(commands, "export", cmd_export, _("sign and write a package for the federation"))
    export.add_argument("--kind", required=True, help=_("registration, h1, year or enrolment"))
    export.add_argument("--out")
    export.add_argument("--plan")
    export.add_argument("--passphrase-env")
    bundle = add(commands, "bundle", cmd_bundle, _("relay member units' packages in one file"))
    bundle.add_argument(
        "inputs", nargs="+", metavar="FILE", help=_("package files or folders to bundle")
    )
    bundle.add_argument("--out", required=True)
    bundle.add_argument("--passphrase-env")
    verify = add(commands, "verify", cmd_verify, _("check a package file without importing it"))
    verify.add_argument("file", metavar="FILE", help=_("the package file"))
    imp = add(commands, "import", cmd_import, _("import package files and folders"))
    imp.add_argument(
        "paths", nargs="+", metavar="PATH", help=_("package files, bundles or folders")
    )
    imp.add_argument("--dry-run", action="store_true", help=_("only show what would happen"))
    imp.add_argument("--csv", help=_("also write the per-file outcome as CSV"))
    imp.add_argument(
        "--batch-size",
        type=positive_int,
        default=1000,
        metavar="N",
        help=_("packages written per transaction (default 1000)"),
    )
    receipts = add(
        commands,
        "receipts",
        cmd_receipts,
        _("write the signed receipts still owed for merged reports"),
        json_flag=False,
    )
    receipts.add_argument("--out", required=True)
    receipts.add_argument("--run", type=int, help=_("only the packages of this import run"))
    receipts.add_argument(
        "--again",
        action="store_true",
        help=_("write again the receipts already written (the USB stick was lost)"),
    )
    ret = add(
        commands,
        "return",
        cmd_return,
        _("return a package to its unit for correction"),
        json_flag=False,
    )
    ret.add_argument(
        "package", metavar="PACKAGE", help=_("package hash (or its first 8+ characters)")
    )
    ret.add_argument("--out", required=True)
    ret.add_argument("--comment")
    ret.add_argument("--field", action="append", help=_("CODE=comment on one indicator"))
    receipt = commands.add_parser("receipt", help=_("the federation's receipts")).add_subparsers(
        dest="receipt_command", required=True, metavar="ACTION"
    )
    rimp = add(receipt, "import", cmd_receipt_import, _("import a receipt or return"))
    rimp.add_argument("file", metavar="FILE", help=_("the receipt file from the federation"))
    rimp.add_argument("--passphrase-env")
    add(commands, "status", cmd_status, _("what was sent and what the federation answered"))
    conflicts = add(commands, "conflicts", cmd_conflicts, _("quarantined packages"))
    conflicts.add_argument("--resolve", type=int, metavar="ID")
    conflicts.add_argument("--keep", choices=["incoming", "current"], default="current")
    add(
        commands,
        "rebuild",
        cmd_rebuild,
        _("rebuild merged data from the package archive"),
        json_flag=False,
    )

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

from app.core import i18n
from app.core.context import AppContext, open_context
from app.core.errors import N_, InputError, UserError
from app.core.i18n import gettext as _
from app.core.location import chosen_database
from db.enums import Role, Sector, UnitKind

Handler = Callable[[AppContext, argparse.Namespace, TextIO], int]


def _emit(out: TextIO, data: Any) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")


# --- commands -------------------------------------------------------------------


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
        )
    if args.json:
        _emit(
            out,
            {
                "role": installation.role.value,
                "unit_id": installation.own_unit_id,
                "name": installation.own_unit_name,
                "database": ctx.display_url,
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
    from app.core.format import format_target
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
                "unchanged": result.unchanged,
                "clusters": result.clusters,
                "converted": dict(result.converted),
                "notes": [
                    {"row": n.row, "column": n.column, "message": n.translated()}
                    for n in result.notes
                ],
            },
        )
    else:
        out.write(
            _(
                "Roster {year}: {created} units added, {updated} updated, {unchanged} unchanged."
            ).format(
                year=result.year,
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
            )
            + "\n"
        )
        _report_conversions(dict(result.converted), out)
        for note in result.notes:
            out.write(
                _("Row {row}, column {column}: {message}").format(
                    row=note.row, column=note.column, message=note.translated()
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


def cmd_roster_export(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.roster import default_year, export_roster_workbook

    with ctx.reading() as session:
        year = args.year or default_year(session)
        result = export_roster_workbook(session, year=year, path=Path(args.out))
    if args.json:
        _emit(out, {"file": str(result.path), "year": year, "rows": result.rows})
    else:
        out.write(
            _("Roster {year} written to {path}: {count} units.").format(
                year=year, path=result.path, count=result.rows
            )
            + "\n"
        )
    return 0


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
        else:
            # The server enforces foreign keys itself; what can be left broken is
            # a constraint or an index that was never validated or finished building.
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
                problems.append(_("Some constraints or indexes of the database are not valid."))
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
    from app.core import figures
    from app.core.format import half_up
    from app.plans import get_plan
    from app.rollup import refresh_if_possible, resolve_scope, rollup

    refresh_if_possible(ctx)
    with ctx.reading() as session:
        plan = get_plan(session, args.plan_id)
        scope = resolve_scope(session, year=plan.year, unit=args.unit, cluster=args.cluster)
        rows = rollup(session, plan_id=plan.id, scope=scope, plan=plan)
    if args.json:
        _emit(
            out,
            [
                {
                    "indicator": r.indicator.code,
                    "target": (
                        figures.target_text(plan, r.indicator, r.target) if r.target else None
                    ),
                    "own_target": r.own,
                    "judged_stream": (
                        figures.judged_stream(plan, r.target) if r.target is not None else None
                    ),
                    "applicable_units": r.applicable_units,
                    "streams": {
                        stream: {
                            "text": figures.figure_text(r.indicator, f),
                            "basis": figures.basis_text(f),
                            "value": str(f.value) if f.value is not None else None,
                            "exact": (
                                f"{f.exact.numerator}/{f.exact.denominator}"
                                if f.exact is not None
                                else None
                            ),
                            "numerator": f.numerator,
                            "denominator": f.denominator,
                            "reporting_units": f.reporting_units,
                            "verdict": f.verdict.value,
                            "verdict_text": figures.verdict_text(f.verdict),
                            "met": f.met,
                            "attainment": (
                                str(half_up(f.attainment, figures.PERCENT_PLACES))
                                if f.attainment is not None
                                else None
                            ),
                            "attainment_text": figures.figure_attainment_text(f),
                        }
                        for stream, f in r.figures.items()
                    },
                }
                for r in rows
            ],
        )
    else:
        for r in rows:
            shown = []
            for stream, f in r.figures.items():
                word = figures.verdict_text(f.verdict) if f.reporting_units else ""
                shown.append(
                    f"{stream}={figures.figure_text(r.indicator, f)}"
                    + (f" ({word})" if word else "")
                )
            wording = figures.target_text(plan, r.indicator, r.target) if r.target else ""
            out.write(f"{r.indicator.code:6} {wording:40} {'  '.join(shown)}\n")
    return 0


def cmd_report_xlsx(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.plans import get_plan
    from app.rollup import export_province_workbook, resolve_scope

    plan_id = _default_plan(ctx, args.plan)
    with ctx.reading() as session:
        year = get_plan(session, plan_id).year
        scope = resolve_scope(session, year=year, unit=args.unit, cluster=args.cluster)
        result = export_province_workbook(
            session, plan_id=plan_id, path=Path(args.out), scope=scope
        )
    if args.json:
        _emit(
            out,
            {
                "file": str(result.path),
                "plan": plan_id,
                "sheets": list(result.sheets),
                "rows": result.rows,
            },
        )
    else:
        out.write(
            _("Province workbook written to {path}: {count} indicator sheets.").format(
                path=result.path, count=len(result.sheets) - 1
            )
            + "\n"
        )
    return 0


# --- packages ---------------------------------------------------------------------


def _passphrase(args: argparse.Namespace, attribute: str = "passphrase_env") -> str | None:
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


def _default_plan(ctx: AppContext, plan_id: str | None) -> str:
    if plan_id:
        return plan_id
    from app.plans import list_plans

    with ctx.reading() as session:
        plans = list_plans(session)
    if not plans:
        raise UserError(N_("There is no plan yet."))
    return plans[0].id


def _key_json(info: Any) -> dict[str, Any]:
    return {
        "keyid": info.keyid,
        "fingerprint": info.fingerprint,
        "unit_id": info.unit_id,
        "unit_code": info.unit_code,
        "unit_name": info.unit_name,
        "epoch": info.epoch,
        "status": info.status,
        "received_at": info.received_at,
        "decided_at": info.decided_at,
        "evidence": info.evidence,
        "replaces": info.replaces,
    }


def cmd_keys_show(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import (
        ensure_own_key,
        own_key_info,
    )

    with ctx.unit_of_work() as session:
        ensure_own_key(session, passphrase=_passphrase(args))
        info = own_key_info(session)
    assert info is not None
    if args.json:
        _emit(out, _key_json(info))
    else:
        out.write(_("Key fingerprint: {fingerprint}").format(fingerprint=info.fingerprint) + "\n")
        out.write(
            _("Key id: {keyid} (epoch {epoch})").format(keyid=info.keyid, epoch=info.epoch) + "\n"
        )
    return 0


def cmd_keys_backup(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import (
        backup_own_key,
    )

    passphrase = _passphrase(args, "backup_passphrase_env")
    if passphrase is None:
        raise UserError(N_("A backup needs a passphrase (--backup-passphrase-env)."))
    with ctx.unit_of_work() as session:
        info = backup_own_key(
            session,
            path=Path(args.out),
            passphrase=passphrase,
            current_passphrase=_passphrase(args),
        )
    out.write(
        _("Key backed up to {path} ({fingerprint}).").format(
            path=args.out, fingerprint=info.fingerprint
        )
        + "\n"
    )
    return 0


def cmd_keys_restore(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import (
        restore_own_key,
    )

    passphrase = _passphrase(args, "backup_passphrase_env")
    if passphrase is None:
        raise UserError(N_("A backup needs a passphrase (--backup-passphrase-env)."))
    with ctx.unit_of_work() as session:
        info = restore_own_key(session, path=Path(args.file), passphrase=passphrase)
    out.write(_("Key restored ({fingerprint}).").format(fingerprint=info.fingerprint) + "\n")
    return 0


def cmd_keys_rotate(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import rotate_key

    export = rotate_key(ctx, out=Path(args.out) if args.out else None, passphrase=_passphrase(args))
    _report_export(export, args, out)
    return 0


def cmd_enrol_list(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import (
        list_keys,
    )

    with ctx.reading() as session:
        infos = list_keys(session, status=args.status)
    if args.json:
        _emit(out, [_key_json(i) for i in infos])
    else:
        for info in infos:
            out.write(
                f"{info.keyid[:16]}  {info.fingerprint}  {info.status:9} "
                f"{info.unit_code:10} {info.unit_name}\n"
            )
    return 0


def _cmd_decide(decision: str) -> Handler:
    def handler(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
        from app.exchange import KeyStatus, decide_key

        info, released = decide_key(
            ctx,
            keyid=args.keyid,
            decision=KeyStatus(decision),
            evidence=args.evidence or "",
            fingerprint=getattr(args, "fingerprint", None),
        )
        if args.json:
            data = _key_json(info)
            data["released"] = released.to_json() if released else None
            _emit(out, data)
        else:
            out.write(
                _("Key {keyid}: {status}.").format(keyid=info.keyid[:16], status=info.status) + "\n"
            )
            if released is not None and released.items:
                out.write(
                    _("{count} held packages were merged.").format(count=len(released.items)) + "\n"
                )
        return 0

    return handler


def cmd_plan_export(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import export_plan_packages

    files = export_plan_packages(
        ctx,
        plan_id=_default_plan(ctx, args.plan),
        out_dir=Path(args.out),
        unit_codes=[c.strip() for c in args.units.split(",")] if args.units else None,
    )
    if args.json:
        _emit(
            out,
            [
                {"file": str(f.path), "unit_code": f.unit_code, "hash": f.package_hash}
                for f in files
            ],
        )
    else:
        out.write(
            _("{count} plan packages written to {folder}.").format(
                count=len(files), folder=args.out
            )
            + "\n"
        )
    return 0


def cmd_plan_import(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import import_plan_package, inspect_plan_package

    path = Path(args.file)
    fingerprint = args.accept_fingerprint
    if fingerprint is None:
        info = inspect_plan_package(ctx, path=path)
        if not info.federation_pinned:
            if not sys.stdin.isatty():
                raise UserError(
                    N_(
                        "Confirm the federation's fingerprint {fingerprint} before importing "
                        "its first plan package."
                    ),
                    params={"fingerprint": info.federation_fingerprint},
                )
            out.write(
                _("Federation: {name}\nFingerprint: {fingerprint}\n").format(
                    name=info.federation_name, fingerprint=info.federation_fingerprint
                )
            )
            fingerprint = input(_("Type the fingerprint from the federation's letter: "))
    info = import_plan_package(ctx, path=path, confirmed_fingerprint=fingerprint)
    if args.json:
        _emit(
            out,
            {
                "plan": info.plan_id,
                "unit_code": info.unit_code,
                "unit_name": info.unit_name,
                "federation": info.federation_name,
                "federation_fingerprint": info.federation_fingerprint,
            },
        )
    else:
        out.write(
            _("Plan {plan} imported for {unit}.").format(plan=info.plan_id, unit=info.unit_name)
            + "\n"
        )
    return 0


def cmd_fill(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import fill_from_json, fill_from_workbook

    path = Path(args.file)
    if path.suffix.lower() == ".json":
        fill_from_json(ctx, path=path)
    else:
        converted = fill_from_workbook(ctx, path=path, plan_id=_default_plan(ctx, args.plan))
        _report_conversions(converted, out)
    out.write(_("Values saved.") + "\n")
    return 0


def _report_conversions(converted: dict[str, int], out: TextIO) -> None:
    for encoding, count in sorted(converted.items()):
        out.write(
            _("{count} cells were converted from {encoding} to Unicode.").format(
                count=count, encoding=encoding
            )
            + "\n"
        )


def cmd_template(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import write_template

    path = write_template(
        ctx, plan_id=_default_plan(ctx, args.plan), stream=args.kind, out=Path(args.out)
    )
    out.write(_("Template written to {path}.").format(path=path) + "\n")
    return 0


def _report_export(export: Any, args: argparse.Namespace, out: TextIO) -> None:
    if getattr(args, "json", False):
        _emit(
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


def cmd_export(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import export_enrolment, export_report

    target = Path(args.out) if args.out else None
    if args.kind == "enrolment":
        export = export_enrolment(ctx, out=target, passphrase=_passphrase(args))
    else:
        export = export_report(
            ctx,
            plan_id=_default_plan(ctx, args.plan),
            stream=args.kind,
            out=target,
            passphrase=_passphrase(args),
        )
    _report_export(export, args, out)
    return 0


def cmd_bundle(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import iter_package_files
    from app.unit import make_bundle

    found = list(iter_package_files([Path(p) for p in args.inputs]))
    for entry in found:
        if entry.problem:
            raise InputError(entry.problem, detail=entry.name)
    inputs = [entry.path for entry in found]
    export = make_bundle(ctx, inputs=inputs, out=Path(args.out), passphrase=_passphrase(args))
    _report_export(export, args, out)
    return 0


def cmd_verify(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import Outcome, examine_file

    results = examine_file(ctx, Path(args.file))
    if args.json:
        _emit(out, [r.to_json() for r in results])
    else:
        for r in results:
            out.write(f"{r.file_name}: {r.outcome.value} {r.reason_text()}\n")
    return 0 if all(r.outcome is not Outcome.REJECTED for r in results) else 1


def cmd_import(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import import_packages

    summary = import_packages(
        ctx, paths=[Path(p) for p in args.paths], dry_run=args.dry_run, batch_size=args.batch_size
    )
    if args.csv:
        from app.plans import get_plan

        with ctx.reading() as session:
            plans = {
                plan_id: get_plan(session, plan_id)
                for plan_id in {item.plan_id for item in summary.items if item.plan_id}
            }
        from app.exchange import unit_names

        summary.write_csv(Path(args.csv), plans=plans, names=unit_names(ctx))
    if args.json:
        _emit(out, summary.to_json())
    else:
        for item in summary.items:
            out.write(
                f"{item.file_name}\t{item.unit_code}\t{item.kind}\t{item.stream}\t"
                f"r{item.revision}\t{item.outcome.value}\t{item.reason_text()}\n"
            )
        counts = summary.counts
        out.write(
            _(
                "New {new}, updated {updated}, duplicate {duplicate}, older {older}, "
                "conflict {conflict}, pending key {pending_key}, rejected {rejected}."
            ).format(**counts)
            + "\n"
        )
    return 0


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


def cmd_receipt_import(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import import_receipt

    status = import_receipt(ctx, path=Path(args.file))
    if args.json:
        _emit(
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
        out.write(f"{status.stream} r{status.revision}: {status.status}\n")
    return 0


def cmd_status(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.unit import stream_statuses

    statuses = stream_statuses(ctx)
    if args.json:
        _emit(
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
            out.write(f"{s.plan_id}\t{s.stream}\tr{s.revision}\t{s.status}\n")
    return 0


def cmd_conflicts(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import list_conflicts, resolve_conflict

    if args.resolve is not None:
        info = resolve_conflict(ctx, conflict_id=args.resolve, keep=args.keep)
        out.write(
            _("Conflict {id} resolved: kept {keep}.").format(id=info.id, keep=args.keep) + "\n"
        )
        return 0
    conflicts = list_conflicts(ctx)
    if args.json:
        _emit(out, [c.__dict__ for c in conflicts])
    else:
        for c in conflicts:
            out.write(f"{c.id}\t{c.unit_id}\t{c.stream}\t{c.reason}\t{c.package_hash[:16]}\n")
    return 0


def cmd_rebuild(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.exchange import rebuild

    count = rebuild(ctx)
    out.write(_("Rebuilt {count} streams from the archive.").format(count=count) + "\n")
    return 0


def cmd_demo(ctx: AppContext | None, args: argparse.Namespace, out: TextIO) -> int:
    if args.national:
        return _national_demo(args, out)
    if args.packages is not None:
        raise UserError(N_("--packages is for the national demo (--national)."))
    from app.demo import make_demo

    units = 200 if args.units is None else args.units
    if units < 1:
        raise UserError(N_("The number of units must be at least 1."))
    demo = make_demo(out_dir=Path(args.out), units=units, seed=args.seed)
    if args.json:
        _emit(
            out,
            {
                "database": str(demo.database),
                "packages": str(demo.packages_dir),
                "units": len(demo.units),
                "files": len(demo.files),
            },
        )
    else:
        out.write(
            _(
                "Demo province: {units} units, {files} packages in {folder}; "
                "federation database {database}."
            ).format(
                units=len(demo.units),
                files=len(demo.files),
                folder=demo.packages_dir,
                database=demo.database,
            )
            + "\n"
        )
    return 0


def _national_demo(args: argparse.Namespace, out: TextIO) -> int:
    from app.demo import NATIONAL_GRASSROOTS, NATIONAL_PACKAGES, make_national_demo

    grassroots = NATIONAL_GRASSROOTS if args.units is None else args.units
    packages = NATIONAL_PACKAGES if args.packages is None else args.packages
    if grassroots < 1:
        raise UserError(N_("The number of units must be at least 1."))
    if packages < 0:
        raise UserError(N_("The number of packages cannot be negative."))
    folder = Path(args.out)
    if (folder / "federation.db").exists():
        raise UserError(
            N_("{path} already exists; choose an empty folder."),
            params={"path": str(folder / "federation.db")},
        )
    demo = make_national_demo(
        out_dir=folder, grassroots=grassroots, packages=packages, seed=args.seed
    )
    if args.json:
        _emit(
            out,
            {
                "database": demo.database,
                "packages": str(demo.packages_dir),
                "provinces": len(demo.provinces),
                "units": len(demo.units),
                "grassroots": grassroots,
                "clusters": len(demo.clusters),
                "files": len(demo.files),
            },
        )
    else:
        out.write(
            _(
                "National demo: {provinces} provincial federations, {units} units "
                "({grassroots} grassroots unions), {clusters} clusters; {files} packages "
                "from a sample of units in {folder}; federation database {database}."
            ).format(
                provinces=len(demo.provinces),
                units=len(demo.units),
                grassroots=grassroots,
                clusters=len(demo.clusters),
                files=len(demo.files),
                folder=demo.packages_dir,
                database=demo.database,
            )
            + "\n"
        )
    return 0


# --- printing ---------------------------------------------------------------------


def _printed(args: argparse.Namespace, out: TextIO, path: Path) -> int:
    if args.json:
        _emit(out, {"file": str(path)})
    else:
        out.write(_("PDF written to {path}.").format(path=path) + "\n")
    return 0


def cmd_print_registration(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.printing import print_registration_form

    path = print_registration_form(ctx, plan_id=args.plan, unit=args.unit, out=Path(args.out))
    return _printed(args, out, path)


def cmd_print_results(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.printing import print_results_report

    path = print_results_report(
        ctx, plan_id=args.plan, period=args.period, unit=args.unit, out=Path(args.out)
    )
    return _printed(args, out, path)


def cmd_print_covenant(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.printing import print_cluster_covenant

    path = print_cluster_covenant(ctx, plan_id=args.plan, cluster=args.cluster, out=Path(args.out))
    return _printed(args, out, path)


def cmd_print_summary(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.printing import print_province_summary
    from app.rollup import resolve_scope

    plan_id = _default_plan(ctx, args.plan)
    with ctx.reading() as session:
        from app.plans import get_plan

        year = get_plan(session, plan_id).year
        scope = resolve_scope(session, year=year, unit=args.unit, cluster=args.cluster)
    path = print_province_summary(ctx, plan_id=plan_id, out=Path(args.out), scope=scope)
    return _printed(args, out, path)


def cmd_print_plan(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.printing import print_plan

    path = print_plan(ctx, plan_id=args.plan_id, out=Path(args.out))
    return _printed(args, out, path)


def cmd_print_batch(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.printing import print_registration_forms_batch

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{done}/{total}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    result = print_registration_forms_batch(
        ctx,
        plan_id=args.plan,
        out=Path(args.out),
        single_file=args.single_file,
        unit_codes=[c.strip() for c in args.units.split(",")] if args.units else None,
        progress=progress,
    )
    if args.json:
        _emit(
            out,
            {
                "files": [str(p) for p in result.paths],
                "printed": result.printed,
                "total": result.total,
            },
        )
    else:
        out.write(
            _("{count} registration forms printed to {path}.").format(
                count=result.printed, path=args.out
            )
            + "\n"
        )
    return 0


# --- parser ---------------------------------------------------------------------


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(_("a whole number of at least 1 is needed"))
    return number


def _scope_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--unit", help=_("code of an upper-level union: its area only (default: the province)")
    )
    command.add_argument("--cluster", help=_("code or name of a cluster: its units only"))


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
    rexport = add(
        roster,
        "export",
        cmd_roster_export,
        _("write the roster of a year as a workbook in the template's layout"),
    )
    rexport.add_argument("--out", required=True, help=_("the .xlsx file to write"))
    rexport.add_argument("--year", type=int, help=_("plan year (default: newest plan)"))

    db = commands.add_parser("db", help=_("database maintenance")).add_subparsers(
        dest="db_command", required=True, metavar="ACTION"
    )
    add(db, "check", cmd_db_check, _("check integrity and schema version"))

    roll = add(commands, "rollup", cmd_rollup, _("targets against registered and achieved totals"))
    roll.add_argument("plan_id")
    _scope_arguments(roll)

    report = commands.add_parser("report", help=_("reports for the federation")).add_subparsers(
        dest="report_command", required=True, metavar="ACTION"
    )
    xlsx = add(
        report,
        "xlsx",
        cmd_report_xlsx,
        _("write the province workbook: a summary of formulas and one sheet per indicator"),
    )
    xlsx.add_argument("--out", required=True, help=_("the .xlsx file to write"))
    xlsx.add_argument("--plan", help=_("plan id (default: newest plan)"))
    _scope_arguments(xlsx)
    pexport = add(plan, "export", cmd_plan_export, _("write signed plan packages for the units"))
    pexport.add_argument("--out", required=True, help=_("folder"))
    pexport.add_argument("--plan", help=_("plan id (default: newest plan)"))
    pexport.add_argument("--units", help=_("comma-separated unit codes (default: all)"))
    pimport = add(plan, "import", cmd_plan_import, _("import the federation's plan package"))
    pimport.add_argument("file")
    pimport.add_argument("--accept-fingerprint", help=_("the federation fingerprint, confirmed"))

    keys = commands.add_parser("keys", help=_("this installation's signing key")).add_subparsers(
        dest="keys_command", required=True, metavar="ACTION"
    )
    kshow = add(keys, "show", cmd_keys_show, _("show the key's fingerprint (creates it if needed)"))
    kbackup = add(
        keys,
        "backup",
        cmd_keys_backup,
        _("write a passphrase-protected key backup"),
        json_flag=False,
    )
    kbackup.add_argument("--out", required=True)
    krestore = add(
        keys, "restore", cmd_keys_restore, _("restore the key from a backup"), json_flag=False
    )
    krestore.add_argument("file")
    krotate = add(
        keys, "rotate", cmd_keys_rotate, _("replace the key; writes the rotation package")
    )
    krotate.add_argument("--out")
    for command in (kshow, kbackup, krestore, krotate):
        command.add_argument(
            "--passphrase-env", help=_("environment variable holding the key's passphrase")
        )
    for command in (kbackup, krestore):
        command.add_argument(
            "--backup-passphrase-env",
            default="THIDUA_BACKUP_PASSPHRASE",
            help=_("environment variable holding the backup's passphrase"),
        )

    enrol = commands.add_parser("enrol", help=_("unit keys at the federation")).add_subparsers(
        dest="enrol_command", required=True, metavar="ACTION"
    )
    elist = add(enrol, "list", cmd_enrol_list, _("list unit keys"))
    elist.add_argument("--status", choices=["pending", "accepted", "refused", "revoked", "retired"])
    for name, help_text in (
        ("accept", _("accept a pending key")),
        ("refuse", _("refuse a pending key")),
        ("revoke", _("revoke a key")),
    ):
        decision = {"accept": "accepted", "refuse": "refused", "revoke": "revoked"}[name]
        command = add(enrol, name, _cmd_decide(decision), help_text)
        command.add_argument("keyid")
        command.add_argument("--evidence", help=_("stamped form reference or phone check note"))
        if name == "accept":
            command.add_argument("--fingerprint", help=_("fingerprint read from the stamped form"))

    fill = add(
        commands,
        "fill",
        cmd_fill,
        _("enter a statement from the Excel template or JSON"),
        json_flag=False,
    )
    fill.add_argument("file")
    fill.add_argument("--plan")
    template = add(
        commands,
        "template",
        cmd_template,
        _("write the Excel template of a registration or report"),
        json_flag=False,
    )
    template.add_argument("--kind", required=True, help=_("registration, h1 or year"))
    template.add_argument("--out", required=True)
    template.add_argument("--plan")
    export = add(commands, "export", cmd_export, _("sign and write a package for the federation"))
    export.add_argument("--kind", required=True, help=_("registration, h1, year or enrolment"))
    export.add_argument("--out")
    export.add_argument("--plan")
    export.add_argument("--passphrase-env")
    bundle = add(commands, "bundle", cmd_bundle, _("relay member units' packages in one file"))
    bundle.add_argument("inputs", nargs="+")
    bundle.add_argument("--out", required=True)
    bundle.add_argument("--passphrase-env")
    verify = add(commands, "verify", cmd_verify, _("check a package file without importing it"))
    verify.add_argument("file")
    imp = add(commands, "import", cmd_import, _("import package files and folders"))
    imp.add_argument("paths", nargs="+")
    imp.add_argument("--dry-run", action="store_true", help=_("only show what would happen"))
    imp.add_argument("--csv", help=_("also write the per-file outcome as CSV"))
    imp.add_argument(
        "--batch-size",
        type=_positive_int,
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
    ret.add_argument("package", help=_("package hash (or its first 8+ characters)"))
    ret.add_argument("--out", required=True)
    ret.add_argument("--comment")
    ret.add_argument("--field", action="append", help=_("CODE=comment on one indicator"))
    receipt = commands.add_parser("receipt", help=_("the federation's receipts")).add_subparsers(
        dest="receipt_command", required=True, metavar="ACTION"
    )
    rimp = add(receipt, "import", cmd_receipt_import, _("import a receipt or return"))
    rimp.add_argument("file")
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
    demo = add(commands, "demo", cmd_demo, _("make a synthetic province"), needs_db=False)
    demo.add_argument(
        "--units",
        type=int,
        help=_(
            "units of the province (default 200); with --national, grassroots unions "
            "(default 125,000)"
        ),
    )
    demo.add_argument("--out", required=True, help=_("folder for the database and packages"))
    demo.add_argument("--seed", type=int, default=2017, help=_("seed of the random values"))
    demo.add_argument(
        "--national",
        action="store_true",
        help=_("the whole country: 63 provincial federations under the national federation"),
    )
    demo.add_argument(
        "--packages",
        type=int,
        help=_(
            "with --national: how many packages to write, from a sample of units (default 20,000)"
        ),
    )

    printing = commands.add_parser("print", help=_("printed forms as PDF")).add_subparsers(
        dest="print_command", required=True, metavar="DOCUMENT"
    )
    pregistration = add(
        printing, "registration", cmd_print_registration, _("a unit's registration form")
    )
    presults = add(printing, "results", cmd_print_results, _("a unit's results of a period"))
    presults.add_argument("--period", required=True, help=_("h1 or year"))
    for command in (pregistration, presults):
        command.add_argument(
            "--unit", help=_("unit code (at the federation; default: this unit database's own)")
        )
    pcovenant = add(printing, "covenant", cmd_print_covenant, _("a cluster's covenant"))
    pcovenant.add_argument("--cluster", required=True, help=_("cluster name or code"))
    psummary = add(
        printing, "summary", cmd_print_summary, _("the province summary against the targets")
    )
    _scope_arguments(psummary)
    pplan = add(printing, "plan", cmd_print_plan, _("the plan as issued"))
    pplan.add_argument("plan_id", nargs="?", help=_("plan id (default: newest plan)"))
    pbatch = add(
        printing, "batch", cmd_print_batch, _("every registered unit's form (at the federation)")
    )
    pbatch.add_argument(
        "--single-file", action="store_true", help=_("one PDF instead of one file per unit")
    )
    pbatch.add_argument("--units", help=_("comma-separated unit codes (default: all)"))
    for command in (pregistration, presults, pcovenant, psummary, pbatch):
        command.add_argument("--plan", help=_("plan id (default: newest plan)"))
    for command in (pregistration, presults, pcovenant, psummary, pplan):
        command.add_argument("--out", required=True, help=_("the PDF file to write"))
    pbatch.add_argument(
        "--out", required=True, help=_("folder (one file per unit) or the PDF file")
    )
    from app.cli.scoring import register as register_scoring

    register_scoring(commands, add)
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
            ctx = open_context(chosen_database(args.db))
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

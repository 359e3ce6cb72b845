"""Federation-side package work: plan packages, receipts and returns,
held packages after a key is accepted, conflicts, and rebuilding the merged
tables from the archive.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import utc_now_text
from app.core.context import AppContext
from app.core.errors import N_, InputError, NotFoundError, UserError
from app.core.files import write_output
from app.core.format import file_slug
from app.core.i18n import vietnamese
from app.core.installation import require_federation_installation
from app.exchange.age_keys import ensure_identity, plain_until, seal_for_unit, unit_recipient
from app.exchange.bodies import receipt_to_json
from app.exchange.flags import refresh_flags
from app.exchange.format import (
    FILE_SUFFIX,
    Header,
    Kind,
    new_package_id,
    now_text,
    seal,
)
from app.exchange.key_status import KeyStatus
from app.exchange.keys import KeyInfo, ensure_own_key, own_epoch, record_key_decision
from app.exchange.labels import stream_label
from app.exchange.lookup import find_package
from app.exchange.merge_decide import Importer
from app.exchange.merge_state import MergeState, serialise_merges
from app.exchange.merge_write import settle_and_write
from app.exchange.outcomes import ImportSummary
from app.exchange.statement_rows import archived_statement_rows, replace_statements
from app.plans import get_plan, plan_document
from db import models


def _federation(session: Session) -> tuple[str, str]:
    installation = require_federation_installation(session)
    return installation.own_unit_id, installation.own_unit_name


def _safe(text: str) -> str:
    return re.sub(r"[^\w\-]+", "-", text).strip("-") or "unit"


# --- plan packages ---------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedFile:
    path: Path
    unit_code: str
    package_hash: str


def export_plan_packages(
    ctx: AppContext,
    *,
    plan_id: str,
    out_dir: Path,
    unit_codes: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[ExportedFile]:
    """One signed plan package per unit of the plan year's roster (or the codes given).

    Each carries the plan, the unit's roster entry, the federation's id and
    key, and the unit's keys as the federation has decided them.

    ``cancelled`` is asked before each file; when it answers True the export
    stops there and returns the files written so far. Each file is written
    under a temporary name and renamed into place, so a file of the folder is
    always whole. The export is audited (with how many were written, and
    whether it was cancelled) and from then on the plan is *published*: its
    content no longer changes (:func:`app.plans.lock.lock_reason`).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with ctx.unit_of_work() as session:
        federation_id, federation_name = _federation(session)
        keypair = ensure_own_key(session)
        epoch = own_epoch(session)
        recipient = ensure_identity(session, keypair)
        last_plain_day = plain_until(session)
        plan = get_plan(session, plan_id)
        document = plan_document(plan)
        rows = session.execute(
            select(models.Unit, models.RosterEntry)
            .join(models.RosterEntry, models.RosterEntry.unit_id == models.Unit.id)
            .where(models.RosterEntry.year == plan.year, models.Unit.id != federation_id)
            .order_by(models.Unit.code)
        ).all()
        if unit_codes:
            wanted = set(unit_codes)
            rows = [r for r in rows if r[0].code in wanted]
            missing = wanted - {r[0].code for r in rows}
            if missing:
                raise NotFoundError(
                    N_("No unit with code {code} in the roster."),
                    params={"code": sorted(missing)[0]},
                )
        # Who else may read a unit's packages: its upper-level union, once enrolled.
        readers = {
            unit.id: unit_recipient(session, entry.parent_id)
            for unit, entry in rows
            if entry.parent_id
        }
        parents: dict[str, str | None] = {}
        parent_names: dict[str, str] = {}
        for unit_id, code, name in session.execute(
            select(models.Unit.id, models.Unit.code, models.Unit.name)
        ):
            parents[unit_id] = code
            parent_names[unit_id] = name
        clusters = {
            c.id: c.name
            for c in session.scalars(select(models.Cluster).where(models.Cluster.year == plan.year))
        }
        unit_keys: dict[str, list[dict[str, Any]]] = {}
        for key in session.scalars(
            select(models.SigningKey).where(models.SigningKey.role == "unit")
        ):
            unit_keys.setdefault(key.unit_id, []).append(
                {"keyid": key.keyid, "epoch": key.epoch, "status": key.status}
            )
        written: list[ExportedFile] = []
        stopped = False
        for index, (unit, entry) in enumerate(rows, start=1):
            if cancelled is not None and cancelled():
                stopped = True
                break
            header = Header(
                package_id=new_package_id(),
                kind=Kind.PLAN,
                audience=unit.id,
                unit_id=unit.id,
                unit_code=unit.code or "",
                signer=keypair.key_id,
                epoch=epoch,
                plan_id=plan.id,
                stream="plan",
                revision=1,
                supersedes=None,
                plan_ref=plan.content_hash,
                created_at=now_text(),
            )
            body = {
                "plan": document,
                "federation": {
                    "id": federation_id,
                    "name": federation_name,
                    "public_key": base64.b64encode(keypair.public_raw).decode("ascii"),
                    "age_recipient": recipient,
                    "plain_until": last_plain_day,
                },
                "readers": [r for r in [readers.get(unit.id)] if r],
                "unit": {
                    "id": unit.id,
                    "code": unit.code or "",
                    "name": unit.name,
                    "kind": unit.kind.value,
                    "sector": entry.sector.value if entry.sector else None,
                    "parent_code": parents.get(entry.parent_id or "") or "",
                    "parent_name": parent_names.get(entry.parent_id or "", ""),
                    "cluster": clusters.get(entry.cluster_id or "", ""),
                    "members": entry.member_count,
                    "workers": entry.worker_count,
                },
                "keys": unit_keys.get(unit.id, []),
            }
            data, digest = seal(header, body, [keypair.private_key])
            path = out_dir / f"{_safe(unit.code or unit.id)}_plan_{plan.year}{FILE_SUFFIX}"
            write_output(path, data)
            written.append(ExportedFile(path, unit.code or "", digest))
            if progress is not None:
                progress(index, len(rows))
        audit.record(
            session,
            action="plan.export",
            subject=plan_id,
            detail={
                "units": len(written),
                "of": len(rows),
                "folder": str(out_dir),
                "cancelled": stopped,
            },
        )
    return written


# --- receipts and returns ---------------------------------------------------------------


def _receipt(
    session: Session,
    package: models.Package,
    *,
    returned: bool,
    general_comment: str,
    comments: dict[str, str],
) -> tuple[bytes, str]:
    _federation(session)
    keypair = ensure_own_key(session)
    unit = session.get(models.Unit, package.unit_id)
    header = Header(
        package_id=new_package_id(),
        kind=Kind.RETURN if returned else Kind.RECEIPT,
        audience=package.unit_id,
        unit_id=package.unit_id,
        unit_code=(unit.code or "") if unit else "",
        signer=keypair.key_id,
        epoch=own_epoch(session),
        plan_id=package.plan_id,
        stream=package.stream,
        revision=package.revision,
        supersedes=None,
        plan_ref="",
        created_at=now_text(),
    )
    body = receipt_to_json(
        package_hash=package.hash,
        revision=package.revision,
        returned=returned,
        general_comment=general_comment,
        comments=comments,
    )
    data, digest = seal(header, body, [keypair.private_key])
    return seal_for_unit(session, package.unit_id, data), digest


def _owed(session: Session, run_id: int | None = None, *, again: bool = False) -> Select[Any]:
    """Merged reports whose receipt is not written yet (a returned one is owed none);
    ``again``: every merged report not returned, its receipt written or not.

    A stream head is a merged report by definition; which heads were returned or
    acknowledged is read from the small indexes on ``returned_at`` and
    ``receipt_at`` (migration 0013), never from the package rows, whose signed
    bytes come first: reading a column after them walked every overflow page.
    """
    head = models.StreamHead
    package = models.Package
    # A statement staff entered is owed none either: the unit signed nothing.
    settled = [
        select(package.hash).where(package.returned_at > ""),
        select(package.hash).where(package.source > ""),
    ]
    if not again:
        settled.append(select(package.hash).where(package.receipt_at > ""))
    query = select(head.package_hash).order_by(head.unit_id, head.plan_id, head.stream)
    for done in settled:
        query = query.where(head.package_hash.not_in(done))
    if run_id is not None:
        query = query.where(
            head.package_hash.in_(
                select(models.ImportItem.package_hash).where(models.ImportItem.run_id == run_id)
            )
        )
    return query


def owed_receipts(ctx: AppContext) -> int:
    """How many receipts are owed: every merged report's, by whatever path it
    was merged (import, key acceptance, conflict resolution), until written."""
    with ctx.reading() as session:
        return session.scalar(select(func.count()).select_from(_owed(session).subquery())) or 0


def write_receipts(
    ctx: AppContext, *, out_dir: Path, run_id: int | None = None, again: bool = False
) -> list[Path]:
    """A signed receipt for every report merged whose receipt is still owed
    (or only those of one import run); each is written once. ``again``: the
    receipts of every merged report, written before or not (the USB stick
    they went on was lost)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with ctx.unit_of_work() as session:
        now = utc_now_text()
        plans: dict[str, Any] = {}
        for package_hash in list(session.scalars(_owed(session, run_id, again=again))):
            package = session.get(models.Package, package_hash)
            assert package is not None
            data, _digest = _receipt(
                session, package, returned=False, general_comment="", comments={}
            )
            unit = session.get(models.Unit, package.unit_id)
            code = _safe((unit.code if unit else None) or package.unit_id)
            if package.plan_id not in plans:
                plans[package.plan_id] = get_plan(session, package.plan_id)
            stream = file_slug(stream_label(package.stream, plans[package.plan_id], vietnamese))
            # Named for the people who carry it: CS-0001_dang-ky_lan2_giay-bao-nhan.thidua
            path = out_dir / f"{code}_{stream}_lan{package.revision}_giay-bao-nhan{FILE_SUFFIX}"
            write_output(path, data)
            package.receipt_at = now
            written.append(path)
        audit.record(session, action="receipt.export", detail={"count": len(written)})
    return written


def return_package(
    ctx: AppContext,
    *,
    package_hash: str,
    out: Path,
    general_comment: str,
    comments: dict[str, str],
) -> Path:
    """Return a unit's package for correction: a signed return with comments."""
    if not general_comment.strip() and not comments:
        raise InputError(N_("Write at least one comment for the unit."))
    with ctx.unit_of_work() as session:
        package = find_package(session, package_hash)
        if package.source:
            raise InputError(
                N_(
                    "This statement was entered by staff on the unit's behalf: correct the "
                    "entry instead of returning it."
                )
            )
        data, _digest = _receipt(
            session,
            package,
            returned=True,
            general_comment=general_comment.strip(),
            comments=comments,
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        write_output(out, data)
        package.returned_at = utc_now_text()
        audit.record(
            session,
            action="package.return",
            subject=package.hash,
            detail={"comment": general_comment, "fields": sorted(comments)},
        )
    return out


# --- enrolment decisions and held packages ----------------------------------------------


def decide_key(
    ctx: AppContext,
    *,
    keyid: str,
    decision: KeyStatus,
    evidence: str = "",
    fingerprint: str | None = None,
) -> tuple[KeyInfo, ImportSummary | None]:
    """Accept, refuse or revoke a unit key (:func:`~app.exchange.keys.record_key_decision`);
    on acceptance merge the packages held for that key."""
    with ctx.unit_of_work() as session:
        info = record_key_decision(
            session, keyid=keyid, decision=decision, evidence=evidence, fingerprint=fingerprint
        )
    if decision is not KeyStatus.ACCEPTED:
        return info, None
    return info, release_held(ctx, keyid=info.keyid)


def release_held(ctx: AppContext, *, keyid: str) -> ImportSummary:
    """Re-decide the packages held for a key that is now accepted."""
    with ctx.unit_of_work() as session:
        serialise_merges(session)
        held = list(
            session.scalars(
                select(models.Package)
                .where(models.Package.keyid == keyid, models.Package.status == "pending_key")
                .order_by(models.Package.epoch, models.Package.revision)
            )
        )
        raw = [(p.hash, p.raw, p.file_name) for p in held]
        # The files arrived when they were first imported, not now: deadlines count from then.
        arrived = {p.hash: p.received_at for p in held}
        session.execute(
            delete(models.Package).where(models.Package.hash.in_([h for h, _r, _f in raw]))
        )
        state = MergeState(session)
        importer = Importer(state)
        actions = []
        for _hash, data, file_name in raw:
            actions.extend(importer.examine(data, file_name))
        settle_and_write(session, actions, state)
        for package_hash, received_at in arrived.items():
            session.execute(
                update(models.Package)
                .where(models.Package.hash == package_hash)
                .values(received_at=received_at)
            )
    return ImportSummary(None, False, tuple(a.result for a in actions))


# --- conflicts --------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictInfo:
    id: int
    unit_id: str
    plan_id: str
    stream: str
    reason: str
    package_hash: str
    head_hash: str | None
    status: str


def _info(c: models.Conflict) -> ConflictInfo:
    return ConflictInfo(
        c.id, c.unit_id, c.plan_id, c.stream, c.reason, c.package_hash, c.head_hash, c.status
    )


def list_conflicts(ctx: AppContext, *, open_only: bool = True) -> list[ConflictInfo]:
    with ctx.reading() as session:
        query = select(models.Conflict).order_by(models.Conflict.id)
        if open_only:
            query = query.where(models.Conflict.status == "open")
        return [_info(c) for c in session.scalars(query)]


def resolve_conflict(ctx: AppContext, *, conflict_id: int, keep: str) -> ConflictInfo:
    """Staff choose: ``keep="incoming"`` makes the quarantined package the
    stream's head, ``keep="current"`` discards it. Audited either way.

    The choice is one more fact the stream is settled from
    (:mod:`app.exchange.streams`), so a later import cannot undo it, and it
    cannot undo what arrived since: a version below the stream's head can
    only be discarded (or returned to the unit), never brought back.
    """
    if keep not in ("incoming", "current"):
        raise InputError(N_("Choose which version to keep: incoming or current."))
    with ctx.unit_of_work() as session:
        serialise_merges(session)
        conflict = session.get(models.Conflict, conflict_id)
        if conflict is None or conflict.status != "open":
            raise NotFoundError(
                N_("No open conflict {id}: it may have been settled since."),
                params={"id": conflict_id},
            )
        package = session.get(models.Package, conflict.package_hash)
        assert package is not None
        key = (package.unit_id, package.plan_id, package.stream)
        head = session.get(models.StreamHead, key)
        if (
            keep == "incoming"
            and head is not None
            and (package.epoch, package.revision) < (head.epoch, head.revision)
        ):
            raise InputError(
                N_(
                    "A later revision ({revision}) has been merged since: this version can "
                    "only be discarded or returned to the unit."
                ),
                params={"revision": head.revision},
            )
        if keep == "current":
            package.status = "discarded"
        conflict.status = "resolved"
        conflict.resolution = keep
        conflict.resolved_at = utc_now_text()
        conflict.resolved_by = audit.current_actor(session)
        session.flush()
        state = MergeState(session)
        settle_and_write(session, [], state, extra=[key])
        audit.record(
            session,
            action="conflict.resolve",
            subject=str(conflict_id),
            detail={"keep": keep, "package": package.hash},
        )
        return _info(conflict)


# --- rebuild ------------------------------------------------------------------------------


def rebuild(ctx: AppContext) -> int:
    """Rebuild statements and stream heads from the archive's applied packages.

    Every merged value comes back from the verbatim packages; returns the
    number of streams rebuilt. One transaction: all or nothing.
    """
    with ctx.unit_of_work() as session:
        serialise_merges(session)
        _federation(session)
        plans = {p: get_plan(session, p) for p in session.scalars(select(models.Plan.id))}
        applied = list(
            session.scalars(
                select(models.Package).where(
                    models.Package.status == "applied", models.Package.kind == Kind.REPORT.value
                )
            )
        )
        session.execute(delete(models.StreamHead))
        heads: dict[tuple[str, str, str], models.Package] = {}
        for package in applied:
            key = (package.unit_id, package.plan_id, package.stream)
            if key in heads:
                raise UserError(
                    N_("The archive has two applied packages for one stream."), detail=str(key)
                )
            heads[key] = package
        statements = []
        for (unit_id, plan_id, stream), package in heads.items():
            statements.append(archived_statement_rows(package, plans[plan_id]))
            session.add(
                models.StreamHead(
                    unit_id=unit_id,
                    plan_id=plan_id,
                    stream=stream,
                    package_hash=package.hash,
                    epoch=package.epoch,
                    revision=package.revision,
                )
            )
        replace_statements(session, statements, updated_at=utc_now_text())
        session.flush()
        refresh_flags(session, ((p, u, s, h.hash) for (u, p, s), h in heads.items()))
        audit.record(session, action="rebuild", detail={"streams": len(heads)})
        return len(heads)


__all__ = [
    "ConflictInfo",
    "ExportedFile",
    "decide_key",
    "export_plan_packages",
    "list_conflicts",
    "owed_receipts",
    "rebuild",
    "release_held",
    "resolve_conflict",
    "return_package",
    "write_receipts",
]

"""Writing a decided and settled batch: the archive rows, new and retired keys,
the stream changes (package statuses, conflicts, statements, heads, the flags on
suspicious values) and the run's log, with bulk statements inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, delete, update
from sqlalchemy.orm import Session

from app.core.audit import utc_now_text
from app.exchange.bulk import chunks, insert_rows
from app.exchange.flags import refresh_flags
from app.exchange.key_status import KeyStatus
from app.exchange.merge_actions import Action
from app.exchange.merge_settle import StreamChanges, settle_streams
from app.exchange.merge_state import MergeState, StreamKey
from app.exchange.statement_rows import replace_statements
from db import models


def settle_and_write(
    session: Session,
    actions: list[Action],
    state: MergeState,
    *,
    run_id: int | None = None,
    extra: Iterable[StreamKey] = (),
) -> None:
    """Settle the streams of decided ``actions`` (and ``extra`` ones) and write it all
    with bulk statements inside the caller's transaction (logged under ``run_id``)."""
    _write_batch(session, run_id, actions, settle_streams(session, actions, state, extra=extra))


def _write_batch(
    session: Session, run_id: int | None, actions: list[Action], changes: StreamChanges
) -> None:
    """Apply decided actions; their reports settled into ``changes``."""
    now = utc_now_text()
    archive_rows = []
    new_keys = []
    retire = []
    items = []
    for action in actions:
        result = action.result
        if run_id is not None:
            items.append(
                {
                    "run_id": run_id,
                    "file_name": result.file_name[:400],
                    "package_hash": result.package_hash,
                    "unit_id": result.unit_id,
                    "unit_code": result.unit_code[:32],
                    "kind": result.kind,
                    "stream": (
                        f"{result.plan_id}/{result.stream}" if result.plan_id else result.stream
                    )[:100],
                    "revision": result.revision,
                    "fingerprint": result.fingerprint,
                    "outcome": result.outcome.value,
                    "reason": result.reason,
                    "params_json": result.params_json(),
                    "warning": result.warning,
                }
            )
        package = action.package
        if package is None or not action.archive_status:
            continue
        if action.archive_status == "candidate":
            raise ValueError("a report written before its stream was settled")
        header = package.header
        archive_rows.append(
            {
                "hash": package.payload_hash,
                "raw": package.raw,
                "kind": header.kind.value,
                "unit_id": header.unit_id,
                "plan_id": header.plan_id,
                "stream": header.stream,
                "epoch": header.epoch,
                "revision": header.revision,
                "supersedes": header.supersedes,
                "keyid": header.signer,
                "status": action.archive_status,
                "received_at": now,
                "file_name": result.file_name[:400],
                "created_at": header.created_at[:40],
            }
        )
        if action.new_key is not None:
            key = action.new_key
            code, name, evidence = action.key_unit or ("", "", "")
            new_keys.append(
                {
                    "keyid": key.keyid,
                    "public_key": key.public_key,
                    "unit_id": key.unit_id,
                    "unit_code": code[:32],
                    "unit_name": name[:300],
                    "epoch": key.epoch,
                    "status": key.status.value,
                    "role": "unit",
                    "received_at": now,
                    "decided_at": now if key.status is KeyStatus.ACCEPTED else "",
                    "decided_by": "rotation" if key.status is KeyStatus.ACCEPTED else "",
                    "evidence": evidence,
                    "replaces": action.retire_key,
                    "package_hash": package.payload_hash,
                }
            )
        if action.retire_key:
            retire.append(action.retire_key)
    if archive_rows:
        insert_rows(session, models.Package, archive_rows)
    if new_keys:
        insert_rows(session, models.SigningKey, new_keys)
    if retire:
        session.execute(
            update(models.SigningKey)
            .where(models.SigningKey.keyid.in_(retire))
            .values(status=KeyStatus.RETIRED.value, decided_at=now, decided_by="rotation")
        )
    _write_changes(session, changes, now)
    if items:
        insert_rows(session, models.ImportItem, items)


def _write_changes(session: Session, changes: StreamChanges, now: str) -> None:
    by_status: dict[str, list[str]] = {}
    for package_hash, status in changes.status.items():
        by_status.setdefault(status, []).append(package_hash)
    for status, hashes in by_status.items():
        for chunk in chunks(hashes):
            session.execute(
                update(models.Package).where(models.Package.hash.in_(chunk)).values(status=status)
            )
    if changes.open_conflicts:
        insert_rows(session, models.Conflict, changes.open_conflicts)
    for row in changes.update_conflicts:
        values = {k: v for k, v in row.items() if k != "id"}
        session.execute(
            update(models.Conflict).where(models.Conflict.id == row["id"]).values(**values)
        )
    replace_statements(session, changes.statements.values(), updated_at=now)
    if changes.heads:
        head_table = models.Base.metadata.tables[models.StreamHead.__tablename__]
        session.execute(
            delete(head_table).where(
                head_table.c.unit_id == bindparam("key_unit"),
                head_table.c.plan_id == bindparam("key_plan"),
                head_table.c.stream == bindparam("key_stream"),
            ),
            [{"key_unit": u, "key_plan": p, "key_stream": s} for u, p, s in changes.heads],
        )
        insert_rows(session, models.StreamHead, list(changes.heads.values()))
    refresh_flags(
        session,
        (
            (rows[0]["plan_id"], rows[0]["unit_id"], rows[0]["stream"], package_hash)
            for package_hash, rows in changes.statements.items()
        ),
        written={rows[0]["id"]: rows[1] for rows in changes.statements.values()},
    )


__all__ = ["settle_and_write"]

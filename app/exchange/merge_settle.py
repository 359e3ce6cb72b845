"""Settling the streams a batch's reports belong to: each report's archive
status and outcome, and what changes for the packages, conflicts, heads and
statements already stored (:mod:`app.exchange.streams` decides; this reads
the stream from the archive and says what to write).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.audit import utc_now_text
from app.core.errors import N_
from app.exchange import streams
from app.exchange.archived import EXCEL, PAPER, archived_statement, signed_statement
from app.exchange.bulk import chunks
from app.exchange.format import Kind
from app.exchange.merge_actions import Action
from app.exchange.merge_state import MergeState, StreamKey
from app.exchange.outcomes import ItemResult, Outcome
from app.exchange.statement_rows import StatementRows, archived_statement_rows
from db import models

_SETTLED_STATUSES = (streams.APPLIED, streams.SUPERSEDED, streams.QUARANTINED)
_CONFLICT_MESSAGES = {
    streams.SAME_REVISION: N_(
        "Same revision as recorded but different content: two exports of unit {unit}."
    ),
    streams.BROKEN_CHAIN: N_(
        "The revision does not follow the one recorded: two exports of unit {unit}."
    ),
    streams.RETIRED_KEY: N_(
        "Signed by a key the unit replaced (dead-PC recovery): held for staff."
    ),
}


@dataclass
class _StreamNow:
    """A stream as the archive holds it, before this batch."""

    entries: list[streams.Entry] = field(default_factory=list)
    status: dict[str, str] = field(default_factory=dict)
    returned: set[str] = field(default_factory=set)
    #: Conflict rows by package hash: (id, status, resolution, reason, head).
    conflicts: dict[str, tuple[int, str, str, str, str | None]] = field(default_factory=dict)
    head: str | None = None
    #: Statements staff entered (hash → source: paper | excel).
    staff: dict[str, str] = field(default_factory=dict)


@dataclass
class StreamChanges:
    """What settling the streams of a batch writes besides the new packages."""

    status: dict[str, str] = field(default_factory=dict)
    open_conflicts: list[dict[str, Any]] = field(default_factory=list)
    update_conflicts: list[dict[str, Any]] = field(default_factory=list)
    heads: dict[StreamKey, dict[str, Any]] = field(default_factory=dict)
    statements: dict[str, StatementRows] = field(default_factory=dict)


def _load_streams(session: Session, keys: set[StreamKey]) -> dict[StreamKey, _StreamNow]:
    """Every settled package, return and conflict of the given streams."""
    found: dict[StreamKey, _StreamNow] = {key: _StreamNow() for key in keys}
    unit_ids = {unit_id for unit_id, _plan, _stream in keys}
    table = models.Package
    conflict = models.Conflict
    for chunk in chunks(unit_ids):
        rows = session.execute(
            select(
                table.hash,
                table.unit_id,
                table.plan_id,
                table.stream,
                table.epoch,
                table.revision,
                table.supersedes,
                table.status,
                table.returned_at,
                table.created_at,
                table.source,
            ).where(table.unit_id.in_(chunk), table.kind == Kind.REPORT.value)
        ).all()
        conflicts = session.execute(
            select(
                conflict.package_hash,
                conflict.unit_id,
                conflict.plan_id,
                conflict.stream,
                conflict.id,
                conflict.status,
                conflict.resolution,
                conflict.reason,
                conflict.head_hash,
            ).where(conflict.unit_id.in_(chunk))
        ).all()
        for c in conflicts:
            stream = found.get((c.unit_id, c.plan_id, c.stream))
            if stream is not None:
                stream.conflicts[c.package_hash] = (
                    c.id,
                    c.status,
                    c.resolution,
                    c.reason,
                    c.head_hash,
                )
        for row in rows:
            stream = found.get((row.unit_id, row.plan_id, row.stream))
            if stream is None:
                continue
            if row.returned_at:
                stream.returned.add(row.hash)
            if row.status not in _SETTLED_STATUSES:
                continue
            known = stream.conflicts.get(row.hash)
            stream.entries.append(
                streams.Entry(
                    row.hash,
                    row.epoch,
                    row.revision,
                    row.supersedes,
                    retired=known is not None and known[3] == streams.RETIRED_KEY,
                    forced=known is not None and known[1] == "resolved" and known[2] == "incoming",
                    held=row.status == streams.QUARANTINED,
                    created=streams.utc_created(row.created_at),
                    staff=bool(row.source),
                )
            )
            if row.source:
                stream.staff[row.hash] = row.source
            stream.status[row.hash] = row.status
            if row.status == streams.APPLIED:
                stream.head = row.hash
    return found


def settle_streams(
    session: Session,
    actions: list[Action],
    state: MergeState,
    *,
    extra: Iterable[StreamKey] = (),
) -> StreamChanges:
    """Settle every stream the batch's reports belong to (and ``extra`` ones).

    Sets each candidate's archive status and outcome, and returns what
    changes for the packages, conflicts, heads and statements already
    stored. Pure reading: the caller writes (or, for a dry run, does not).
    """
    candidates: dict[StreamKey, list[Action]] = {}
    for action in actions:
        if action.archive_status == "candidate" and action.package is not None:
            header = action.package.header
            candidates.setdefault((header.unit_id, header.plan_id, header.stream), []).append(
                action
            )
    keys = set(candidates) | set(extra)
    if not keys:
        return StreamChanges()
    loaded = _load_streams(session, keys)
    changes = StreamChanges()
    now = utc_now_text()
    for key in sorted(keys):
        current = loaded[key]
        mine = candidates.get(key, [])
        state.run_heads.setdefault(key, current.head)
        new_entries = [a.entry for a in mine if a.entry is not None]
        settled = streams.settle(current.entries + new_entries, current.returned)
        head = settled.head
        for action in mine:
            assert action.entry is not None
            if action.entry.hash in settled.too_far:
                action.archive_status = ""
                state.archived.pop(action.entry.hash, None)
                action.result = replace(
                    action.result,
                    outcome=Outcome.REJECTED,
                    reason=N_("The revision number jumps too far ahead ({revision})."),
                    params={"revision": action.entry.revision},
                )
                continue
            action.archive_status = settled.status[action.entry.hash]
            state.archived[action.entry.hash] = action.archive_status
        for entry in current.entries:
            status = settled.status.get(entry.hash, current.status[entry.hash])
            if status != current.status[entry.hash]:
                changes.status[entry.hash] = status
        for package_hash, (reason, against) in settled.conflicts.items():
            row = current.conflicts.get(package_hash)
            if row is None:
                changes.open_conflicts.append(
                    {
                        "package_hash": package_hash,
                        "head_hash": against,
                        "unit_id": key[0],
                        "plan_id": key[1],
                        "stream": key[2],
                        "reason": reason,
                        "status": "open",
                        "created_at": now,
                    }
                )
            elif row[1] == "open" and (row[3], row[4]) != (reason, against):
                changes.update_conflicts.append(
                    {"id": row[0], "reason": reason, "head_hash": against}
                )
            elif row[1] == "resolved" and row[2] in (streams.CORRECTED, streams.SETTLED):
                changes.update_conflicts.append(
                    {
                        "id": row[0],
                        "reason": reason,
                        "head_hash": against,
                        "status": "open",
                        "resolution": "",
                        "resolved_at": "",
                    }
                )
        for package_hash, row in current.conflicts.items():
            if row[1] == "open" and package_hash not in settled.conflicts:
                changes.update_conflicts.append(
                    {
                        "id": row[0],
                        "status": "resolved",
                        "resolution": streams.CORRECTED
                        if package_hash in settled.answered
                        else streams.SETTLED,
                        "resolved_at": now,
                    }
                )
        if head is not None and head.hash != current.head:
            changes.heads[key] = {
                "unit_id": key[0],
                "plan_id": key[1],
                "stream": key[2],
                "package_hash": head.hash,
                "epoch": head.epoch,
                "revision": head.revision,
            }
            chosen = next(
                (a for a in mine if a.entry is not None and a.entry.hash == head.hash), None
            )
            if chosen is not None:
                if chosen.statement is not None:
                    changes.statements[head.hash] = chosen.statement
            elif state.plans.get(key[1]) is not None:
                archived = session.get(models.Package, head.hash)
                assert archived is not None
                changes.statements[head.hash] = archived_statement_rows(
                    archived, state.plans[archived.plan_id]
                )
        for action in mine:
            if action.archive_status:
                action.result = label_settled(
                    action.result, action.archive_status, state, key, head, settled
                )
            if action.archive_status == streams.APPLIED and current.head in current.staff:
                action.result = _took_over(session, action, current, state.plans.get(key[1]))
    return changes


_TAKEOVER_MESSAGES = {
    PAPER: N_(
        "Takes over the statement staff entered from the unit's paper form "
        "({count} values differ: {codes})."
    ),
    EXCEL: N_(
        "Takes over the statement staff entered from the unit's Excel file "
        "({count} values differ: {codes})."
    ),
}


def _took_over(
    session: Session, action: Action, current: _StreamNow, plan: domain.Plan | None
) -> ItemResult:
    """The outcome of the unit's report that takes over a statement staff entered:
    which values differ between the entry and the report (compare the two in the
    unit's history for the whole difference)."""
    assert current.head is not None and action.package is not None
    entry = session.get(models.Package, current.head)
    assert entry is not None
    old = archived_statement(entry).values
    new = signed_statement(action.package.raw).values
    empty = domain.UnitValue()
    order = [i.code for i in plan.indicators] if plan is not None else []
    codes = sorted(
        (c for c in set(old) | set(new) if old.get(c, empty) != new.get(c, empty)),
        key=lambda c: (order.index(c) if c in order else len(order), c),
    )
    return replace(
        action.result,
        reason=_TAKEOVER_MESSAGES[current.staff[current.head]],
        params={
            "count": len(codes),
            "codes": ", ".join(codes) or "—",
            "entry": current.head,
        },
    )


def label_settled(
    result: ItemResult,
    status: str,
    state: MergeState,
    key: StreamKey,
    head: streams.Entry | None,
    settled: streams.Settled,
) -> ItemResult:
    """A settled report's outcome, from its status and the stream's head before the run."""
    if status == streams.APPLIED:
        outcome = Outcome.NEW if state.run_heads.get(key) is None else Outcome.UPDATED
        if result.reason in _TAKEOVER_MESSAGES.values():  # it stays the one that took over
            return replace(result, outcome=Outcome.UPDATED)
        if result.outcome is outcome and not result.reason and not result.params:
            return result  # labelled so already (a run's last look at its reports)
        return replace(result, outcome=outcome, reason="", params={})
    if status == streams.SUPERSEDED:
        return replace(
            result,
            outcome=Outcome.OLDER,
            reason=N_("Older than the revision already recorded ({revision})."),
            params={"revision": head.revision if head else 0},
        )
    reason = settled.conflicts.get(result.package_hash, (streams.BROKEN_CHAIN, None))[0]
    return replace(
        result,
        outcome=Outcome.CONFLICT,
        reason=_CONFLICT_MESSAGES[reason],
        params={"unit": result.unit_code or result.unit_id},
    )


__all__ = ["StreamChanges", "label_settled", "settle_streams"]

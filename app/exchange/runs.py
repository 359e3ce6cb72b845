"""Past import runs, read back from the database for review and CSV export.

``import_packages`` saves every applied run (``import_run``) and one row per
package (``import_item``) with the reason as its English msgid and the
parameters as JSON; this module turns them back into the same
:class:`~app.exchange.outcomes.ImportSummary` the run returned, so a summary can
be reopened (and exported as CSV) in any language later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select

from app.core.context import AppContext
from app.core.errors import N_, NotFoundError
from app.exchange.bulk import chunks
from app.exchange.outcomes import ImportSummary, ItemResult, Outcome, stored_params
from db import models


@dataclass(frozen=True)
class ImportRunInfo:
    """One saved run: when, by whom, and its counts by outcome."""

    id: int
    started_at: str
    finished_at: str
    actor: str
    counts: dict[str, int]

    @property
    def files(self) -> int:
        return sum(self.counts.values())

    @property
    def finished(self) -> bool:
        return bool(self.finished_at)


def _counts(summary_json: str) -> dict[str, int]:
    try:
        data = json.loads(summary_json or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    return {o.value: int(data.get(o.value, 0) or 0) for o in Outcome}


def list_import_runs(ctx: AppContext, *, limit: int = 500) -> list[ImportRunInfo]:
    """The newest runs first.

    A run interrupted before its end (the PC lost power) has no summary
    saved; its counts are then read from its items.
    """
    with ctx.reading() as session:
        runs = list(
            session.scalars(
                select(models.ImportRun).order_by(models.ImportRun.id.desc()).limit(limit)
            )
        )
        unfinished = [r.id for r in runs if not r.finished_at]
        partial: dict[int, dict[str, int]] = {}
        if unfinished:
            for run_id, outcome, count in session.execute(
                select(models.ImportItem.run_id, models.ImportItem.outcome, func.count())
                .where(models.ImportItem.run_id.in_(unfinished))
                .group_by(models.ImportItem.run_id, models.ImportItem.outcome)
            ):
                partial.setdefault(run_id, {o.value: 0 for o in Outcome})[outcome] = int(count)
        return [
            ImportRunInfo(
                id=run.id,
                started_at=run.started_at,
                finished_at=run.finished_at,
                actor=run.actor,
                counts=partial.get(run.id, {o.value: 0 for o in Outcome})
                if not run.finished_at
                else _counts(run.summary_json),
            )
            for run in runs
        ]


def load_import_run(ctx: AppContext, *, run_id: int) -> ImportSummary:
    """The saved run as the summary it produced (items in their original order)."""
    with ctx.reading() as session:
        run = session.get(models.ImportRun, run_id)
        if run is None:
            raise NotFoundError(N_("No import run {id}."), params={"id": run_id})
        items = []
        for row in session.scalars(
            select(models.ImportItem)
            .where(models.ImportItem.run_id == run_id)
            .order_by(models.ImportItem.id)
        ):
            plan_id, _sep, stream = row.stream.rpartition("/")
            items.append(
                ItemResult(
                    file_name=row.file_name,
                    outcome=Outcome(row.outcome),
                    reason=row.reason,
                    params=stored_params(row.params_json),
                    package_hash=row.package_hash,
                    unit_id=row.unit_id,
                    unit_code=row.unit_code,
                    kind=row.kind,
                    plan_id=plan_id,
                    stream=stream,
                    revision=row.revision,
                    fingerprint=row.fingerprint,
                    warning=row.warning,
                )
            )
    return ImportSummary(run_id, False, tuple(items), cancelled=False)


#: What became of a held or disputed package since its run, by its archive status.
SINCE = {
    "applied": N_("merged since"),
    "superseded": N_("merged since, then replaced"),
    "discarded": N_("discarded by staff"),
    "quarantined": N_("now in conflict"),
}


def since_the_run(ctx: AppContext, summary: ImportSummary) -> dict[str, str]:
    """Package hash → what happened to it after the run (an msgid of :data:`SINCE`),
    for the packages the run held for a key or left in conflict: a run's
    summary is its record, and this keeps it from reading as the present."""
    waiting = {
        item.package_hash
        for item in summary.items
        if item.outcome.value in ("pending_key", "conflict") and item.package_hash
    }
    if not waiting:
        return {}
    found: dict[str, str] = {}
    with ctx.reading() as session:
        for chunk in chunks(sorted(waiting)):
            for package_hash, status in session.execute(
                select(models.Package.hash, models.Package.status).where(
                    models.Package.hash.in_(chunk)
                )
            ):
                found[package_hash] = status
    outcomes = {i.package_hash: i.outcome.value for i in summary.items}
    return {
        package_hash: SINCE[status]
        for package_hash, status in found.items()
        if status in SINCE
        and not (status == "quarantined" and outcomes.get(package_hash) == "conflict")
    }


def unit_names(ctx: AppContext) -> dict[str, str]:
    """Every unit's name by id (the import table shows names, packages carry ids)."""
    with ctx.reading() as session:
        return {
            unit_id: name
            for unit_id, name in session.execute(select(models.Unit.id, models.Unit.name))
        }


__all__ = [
    "SINCE",
    "ImportRunInfo",
    "list_import_runs",
    "load_import_run",
    "since_the_run",
    "unit_names",
]

"""Reading the audit log back: filtered, newest first.

The log is append-only (:mod:`app.audit`); this module only reads it. The
filters are the ones staff ask for: a group of actions (imports, decisions
on conflicts and returns, key events, roster and plan changes), words in the
subject, actor or detail, and a date range.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db import models


class ActionGroup(StrEnum):
    IMPORTS = "imports"
    DECISIONS = "decisions"
    KEYS = "keys"
    ROSTER_AND_PLANS = "roster_and_plans"
    OTHER = "other"


#: Action name prefixes of each group; an action matches the first group it fits.
GROUP_PREFIXES: dict[ActionGroup, tuple[str, ...]] = {
    ActionGroup.IMPORTS: ("import", "receipt.", "rebuild"),
    ActionGroup.DECISIONS: ("conflict.", "package."),
    ActionGroup.KEYS: ("key.",),
    ActionGroup.ROSTER_AND_PLANS: ("roster.", "plan.", "plan"),
}


def action_group(action: str) -> ActionGroup:
    for group, prefixes in GROUP_PREFIXES.items():
        if any(action == p.rstrip(".") or action.startswith(p) for p in prefixes):
            return group
    return ActionGroup.OTHER


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str  # ISO 8601, UTC
    actor: str
    action: str
    subject: str
    detail: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def group(self) -> ActionGroup:
        return action_group(self.action)

    def detail_text(self) -> str:
        return ", ".join(f"{key}: {value}" for key, value in self.detail.items())


def list_audit(
    session: Session,
    *,
    groups: set[ActionGroup] | None = None,
    text: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 20_000,
) -> list[AuditRow]:
    """Entries newest first. ``since``/``until`` are inclusive calendar days (UTC)."""
    query = select(models.AuditEntry).order_by(models.AuditEntry.id.desc())
    if since is not None:
        query = query.where(models.AuditEntry.at >= since.isoformat())
    if until is not None:
        query = query.where(models.AuditEntry.at < (until + dt.timedelta(days=1)).isoformat())
    words = text.strip()
    if words:
        pattern = f"%{words}%"
        query = query.where(
            or_(
                models.AuditEntry.subject.ilike(pattern),
                models.AuditEntry.actor.ilike(pattern),
                models.AuditEntry.action.ilike(pattern),
                models.AuditEntry.detail_json.ilike(pattern),
            )
        )
    rows = []
    for entry in session.scalars(query):
        if groups is not None and action_group(entry.action) not in groups:
            continue
        try:
            detail = json.loads(entry.detail_json or "{}")
        except ValueError:
            detail = {"detail": entry.detail_json}
        rows.append(
            AuditRow(
                id=entry.id,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                subject=entry.subject,
                detail=detail if isinstance(detail, dict) else {"detail": detail},
            )
        )
        if len(rows) >= limit:
            break
    return rows


__all__ = ["ActionGroup", "AuditRow", "action_group", "list_audit"]

"""The audit log as the screens read it, each read in its own transaction."""

from __future__ import annotations

import datetime as dt

from app.audit.view import ActionGroup, AuditRow, list_audit
from app.core.context import AppContext


def read_audit(
    ctx: AppContext,
    *,
    groups: set[ActionGroup] | None = None,
    text: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[AuditRow]:
    """Entries newest first, filtered as :func:`app.audit.view.list_audit` filters them."""
    with ctx.reading() as session:
        return list_audit(session, groups=groups, text=text, since=since, until=until)

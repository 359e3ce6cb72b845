"""The audit log: an append-only record of what changed the data."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Mapping

from sqlalchemy.orm import Session

from db import models


def utc_now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def current_actor() -> str:
    """Who is acting: the staff member's name set on this PC (``THIDUA_STAFF_NAME``
    for the command line, else the preference), or the OS account when none is set."""
    import os

    from app.core.preferences import clean_staff_name, load_preferences

    named = clean_staff_name(os.environ.get("THIDUA_STAFF_NAME", "")) or (
        load_preferences().staff_name
    )
    if named:
        return named
    try:
        return getpass.getuser()
    except Exception:
        return ""


def record(
    session: Session,
    *,
    action: str,
    subject: str = "",
    detail: Mapping[str, object] | None = None,
    actor: str | None = None,
) -> None:
    """Append one entry inside the caller's transaction."""
    session.add(
        models.AuditEntry(
            at=utc_now_text(),
            actor=current_actor() if actor is None else actor,
            action=action,
            subject=subject,
            detail_json=json.dumps(dict(detail or {}), ensure_ascii=False, default=str),
        )
    )

"""The audit log: an append-only record of what changed the data."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Mapping

from sqlalchemy import text
from sqlalchemy.orm import Session

from db import models


def utc_now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def staff_name() -> str:
    """The staff member named for this run or on this PC; "" when nobody is."""
    import os

    from app.core.preferences import clean_staff_name, load_preferences

    return clean_staff_name(os.environ.get("THIDUA_STAFF_NAME", "")) or (
        load_preferences().staff_name
    )


def current_actor(session: Session | None = None) -> str:
    """Who is acting, the one answer for every writer: the staff member's name for this
    run (``THIDUA_STAFF_NAME``, or ``--staff`` on the command line), else the name set on
    this PC (the preference), else on PostgreSQL the database role (a server names its
    staff by their logins), else the OS account."""
    named = staff_name()
    if named:
        return named
    if session is not None and session.get_bind().dialect.name == "postgresql":
        role = session.execute(text("SELECT current_user")).scalar()
        if role:
            return str(role)
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
            actor=current_actor(session) if actor is None else actor,
            action=action,
            subject=subject,
            detail_json=json.dumps(dict(detail or {}), ensure_ascii=False, default=str),
        )
    )

"""Words for the import's codes, one definition for the screen, CSV and workbooks.

Outcomes, package kinds and statuses, streams and key statuses are stored as English
codes (``pending_key``, ``enrolment``, ``h1``); people read them through
these functions, in the interface language (Vietnamese by default). Times
are stored in UTC and shown in the PC's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from app.core import domain
from app.core.errors import N_
from app.core.i18n import gettext as _
from db.enums import REGISTRATION_STREAM

OUTCOMES = {
    "new": N_("New"),
    "updated": N_("Updated"),
    "duplicate": N_("Duplicate"),
    "older": N_("Older"),
    "conflict": N_("Conflict"),
    "pending_key": N_("Pending key"),
    "rejected": N_("Rejected"),
    "skipped": N_("Skipped"),
}
KINDS = {
    "report": N_("Report"),
    "enrolment": N_("Key enrolment"),
    "bundle": N_("Bundle"),
    "plan": N_("Plan"),
    "receipt": N_("Receipt"),
    "return": N_("Return"),
}
KEY_STATUSES = {
    "pending": N_("Pending"),
    "accepted": N_("Accepted"),
    "refused": N_("Refused"),
    "revoked": N_("Revoked"),
    "retired": N_("Retired"),
}

#: A package's place in the archive (the ``package.status`` column).
PACKAGE_STATUSES = {
    "applied": N_("Merged"),
    "superseded": N_("Replaced by a later revision"),
    "quarantined": N_("In conflict"),
    "discarded": N_("Discarded by staff"),
    "pending_key": N_("Pending key"),
}

#: Why a report waits in the conflicts list (the ``conflict.reason`` column).
CONFLICT_REASONS = {
    "same_revision": N_("Same revision, different content"),
    "broken_chain": N_("Revision does not follow the one recorded"),
    "retired_key": N_("Signed by a retired key"),
}


#: A translation function: the interface language's by default, or one fixed
#: language's (``app.core.i18n.translator("vi")`` for what is written for people).
Tr = Callable[[str], str] | None


def outcome_label(outcome: str, tr: Tr = None) -> str:
    return (tr or _)(OUTCOMES[str(outcome)])


def kind_label(kind: str, tr: Tr = None) -> str:
    return (tr or _)(KINDS[kind]) if kind in KINDS else kind


def key_status_label(status: str, tr: Tr = None) -> str:
    return (tr or _)(KEY_STATUSES[status]) if status in KEY_STATUSES else status


def package_status_label(status: str, tr: Tr = None) -> str:
    return (tr or _)(PACKAGE_STATUSES[status]) if status in PACKAGE_STATUSES else status


def conflict_reason_label(reason: str, tr: Tr = None) -> str:
    return (tr or _)(CONFLICT_REASONS[reason]) if reason in CONFLICT_REASONS else reason


def stream_label(stream: str, plan: domain.Plan | None, tr: Tr = None) -> str:
    if stream == REGISTRATION_STREAM:
        return (tr or _)(N_("Registration"))
    if plan is not None:
        for period in plan.periods:
            if period.code == stream:
                return period.name
    return stream


def local_time(iso: str) -> str:
    """``2017-07-05T01:00:00+00:00`` → ``05/07/2017 08:00`` in the PC's time zone."""
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%d/%m/%Y %H:%M")


__all__ = [
    "CONFLICT_REASONS",
    "KEY_STATUSES",
    "KINDS",
    "OUTCOMES",
    "PACKAGE_STATUSES",
    "conflict_reason_label",
    "key_status_label",
    "kind_label",
    "local_time",
    "outcome_label",
    "package_status_label",
    "stream_label",
]

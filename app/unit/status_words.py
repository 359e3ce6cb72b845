"""Where a unit's report stands, in words: one definition for the unit's screens and
``thidua-cli status`` (the ``outbox.status`` codes, plus ``changed`` for a report
edited after it was sent)."""

from __future__ import annotations

from collections.abc import Callable

from app.core.errors import N_
from app.core.i18n import gettext

SEND_STATUSES = {
    "draft": N_("not sent"),
    "sent": N_("sent, revision {revision}"),
    "changed": N_("changed after sending revision {revision}"),
    "received": N_("received by the federation (revision {revision})"),
    "returned": N_("returned for correction (revision {revision})"),
}


def send_status_text(status: str, revision: int, tr: Callable[[str], str] | None = None) -> str:
    """``sent`` → "đã gửi, lần 2"; an unknown code is shown as it is."""
    template = SEND_STATUSES.get(status)
    if template is None:
        return status
    return (tr or gettext)(template).format(revision=revision)


__all__ = ["SEND_STATUSES", "send_status_text"]

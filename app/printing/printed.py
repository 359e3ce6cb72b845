"""The unit's own forms recorded as printed: the registration form and the key card are
signed and stamped on paper, so they count as printed (and the quick start ticks them)
when the chair prints or saves the PDF from the preview, or writes it from the command
line — not when it is only made to be looked at."""

from __future__ import annotations

from enum import StrEnum

from app.core import audit
from app.core.context import AppContext
from app.plans import plan_or_newest


class PrintedForm(StrEnum):
    """A form of the unit's own whose printing is recorded (its audit action)."""

    REGISTRATION = "print.registration"
    KEY_CARD = "print.key_card"


def record_printed(ctx: AppContext, *, form: PrintedForm, plan_id: str | None = None) -> None:
    """Record that the unit printed or saved ``form`` (the registration form of
    ``plan_id``, else of the newest plan; the key card of its key now)."""
    from app.exchange import own_key_info

    with ctx.unit_of_work() as session:
        if form is PrintedForm.REGISTRATION:
            subject = plan_or_newest(session, plan_id)
        else:
            info = own_key_info(session)
            subject = info.keyid if info is not None else ""
        audit.record(session, action=form.value, subject=subject)


__all__ = ["PrintedForm", "record_printed"]

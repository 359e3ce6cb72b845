"""At the federation: a unit's statements as the chair's statement screen shows them, for
staff entering them on the unit's behalf.

The screen the chair types into (``ui.unit``) reads a :class:`~app.unit.Workspace`;
:func:`load_entry_workspace` makes one for any unit of the federation's roster from
what the federation holds (its merged statements, values and details), and says for
each report whether the federation holds it from the unit itself (``signed``, also
while it waits in a conflict or for its key: staff may not enter it), from staff
(``paper`` | ``excel``) or not at all (""). What staff type is saved through
:func:`app.exchange.enter_statement`, never through the unit's own savers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.core.context import AppContext
from app.core.errors import N_, InputError, NotFoundError
from app.core.installation import get_setting, require_federation_installation
from app.exchange import signed_streams, staff_entered
from app.plans import get_plan, plan_or_newest
from app.statements import statement_values
from app.unit.workspace import (
    StreamState,
    UnitInfo,
    Workspace,
    statement_details,
)
from db import models

#: A report the federation holds from the unit's own signed package.
SIGNED = "signed"


@dataclass(frozen=True)
class EntryWorkspace:
    """A unit's statements at the federation, and who each report comes from."""

    workspace: Workspace
    #: stream → "signed" | "paper" | "excel" | "" (nothing held yet).
    sources: dict[str, str]


def load_entry_workspace(
    ctx: AppContext, *, unit_code: str, plan_id: str | None = None
) -> EntryWorkspace:
    """What the federation holds for ``unit_code`` in ``plan_id`` (default the newest
    plan), as the statement screen reads it."""
    with ctx.reading() as session:
        require_federation_installation(session)
        plan = get_plan(session, plan_or_newest(session, plan_id))
        unit = session.scalar(select(models.Unit).where(models.Unit.code == unit_code.strip()))
        if unit is None:
            raise NotFoundError(N_("No unit with code {code}."), params={"code": unit_code})
        entry = session.scalar(
            select(models.RosterEntry).where(
                models.RosterEntry.unit_id == unit.id, models.RosterEntry.year == plan.year
            )
        )
        if entry is None:
            raise InputError(
                N_("Unit {code} is not on the roster of {year}."),
                params={"code": unit_code, "year": plan.year},
            )
        info = UnitInfo(
            unit.id,
            unit.code or "",
            unit.name,
            unit.kind,
            entry.sector,
            unit.chair_name,
            unit.phone,
            unit.email,
        )
        streams = plan.streams
        values = {
            s: statement_values(session, plan_id=plan.id, unit_id=unit.id, stream=s)
            for s in streams
        }
        details = {s: statement_details(session, plan.id, unit.id, s) for s in streams}
        entered = staff_entered(session, plan.id)
        signed = signed_streams(session, unit_id=unit.id, plan_id=plan.id)
        sources = {s: SIGNED if s in signed else entered.get((unit.id, s), "") for s in streams}
        workspace = Workspace(
            unit=info,
            plan=plan,
            values=values,
            details=details,
            states={s: StreamState(s) for s in streams},
            federation_name=get_setting(session, "federation_name") or "",
            federation_pinned=True,
            key_fingerprint="",
            last_backup_at="",
        )
    return EntryWorkspace(workspace, sources)


__all__ = ["SIGNED", "EntryWorkspace", "load_entry_workspace"]

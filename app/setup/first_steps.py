"""The quick start: the first steps of a chair (or of federation staff), each ticked once
the database shows it was done, each pointing at its section of the user guide.

What was done is read from the data itself and from the audit log (the unit's own
registration form and key card are recorded there when printed or saved from their
preview, or written from the command line — not when merely previewed), so the list ticks
itself as the work goes on, whichever screen or command did it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.core.errors import N_
from app.core.installation import require_installation
from app.unit import load_workspace
from db import models
from db.enums import REGISTRATION_STREAM, Role

#: What staff do to issue the plan as their own (its number and date, its text, its
#: indicators and targets, or a copy for another year).
PLAN_ISSUING = frozenset(
    {
        "plan.number",
        "plan.edit",
        "plan.clone",
        "plan.indicator.add",
        "plan.indicator.edit",
        "plan.indicator.remove",
    }
)


@dataclass(frozen=True)
class Step:
    """One line of the quick start: its key, its words (an English msgid), the guide's
    anchor that explains it, and whether it is done."""

    key: str
    label: str
    anchor: str
    done: bool


@dataclass(frozen=True)
class QuickStart:
    """The steps of this installation's role, in the order they are done."""

    role: Role
    steps: tuple[Step, ...]

    @property
    def finished(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)


def _actions(session: Session) -> set[str]:
    """Every action the audit log holds at least once."""
    return set(session.scalars(select(models.AuditEntry.action).distinct()))


def _unit_steps(ctx: AppContext, actions: set[str]) -> tuple[Step, ...]:
    workspace = load_workspace(ctx)
    details = workspace.details.get(REGISTRATION_STREAM)
    values = workspace.values.get(REGISTRATION_STREAM, {})
    return (
        Step(
            "details",
            N_("Fill in who signs, the date and the place"),
            "unit-details",
            details is not None
            and bool(details.signer_name.strip())
            and details.signed_on is not None
            and bool(details.place.strip()),
        ),
        Step(
            "plan",
            N_("Import the plan package the federation sent"),
            "unit-plan",
            workspace.federation_pinned,
        ),
        Step(
            "registration",
            N_("Enter the registration"),
            "unit-registration",
            any(not value.is_empty() for value in values.values()),
        ),
        Step(
            "registration-form",
            N_("Print the registration form, sign and stamp it"),
            "printing",
            "print.registration" in actions,
        ),
        Step(
            "key-card",
            N_("Print the key card, sign and stamp it"),
            "unit-fingerprint",
            "print.key_card" in actions,
        ),
        Step(
            "sent",
            N_("Send the package to the federation"),
            "unit-sending",
            "report.export" in actions,
        ),
        Step(
            "backup",
            N_("Back up to a USB stick"),
            "backup",
            bool(workspace.last_backup_at),
        ),
    )


def _federation_steps(actions: set[str]) -> tuple[Step, ...]:
    return (
        Step("roster", N_("Import the roster of units"), "fed-roster", "roster.import" in actions),
        Step(
            "plan",
            N_("Issue the plan: its number, date and targets"),
            "fed-plan",
            bool(actions & PLAN_ISSUING),
        ),
        Step(
            "plan-packages",
            N_("Write the plan packages for the units"),
            "fed-plan",
            "plan.export" in actions,
        ),
        Step("keys", N_("Accept the units' keys"), "fed-keys", "key.accepted" in actions),
        Step("import", N_("Import the first packages"), "fed-import", "import" in actions),
        Step("backup", N_("Back up the database"), "backup", "database.backup" in actions),
    )


def quick_start(ctx: AppContext) -> QuickStart:
    """This installation's quick start, each step ticked from what the database shows."""
    with ctx.reading() as session:
        role = require_installation(session).role
        actions = _actions(session)
        if role is Role.FEDERATION:
            return QuickStart(role, _federation_steps(actions))
    return QuickStart(role, _unit_steps(ctx, actions))

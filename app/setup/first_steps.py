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


#: A chair's steps in order: key, words (an English msgid), the guide's section. The
#: guide's "Bắt đầu nhanh" lists the same, in the same order and words.
UNIT_STEPS: tuple[tuple[str, str, str], ...] = (
    ("details", N_("Fill in who signs, the date and the place"), "unit-details"),
    ("plan", N_("Import the plan package the federation sent"), "unit-plan"),
    ("registration", N_("Enter the registration"), "unit-registration"),
    ("registration-form", N_("Print the registration form, sign and stamp it"), "printing"),
    ("key-card", N_("Print the key card, sign and stamp it"), "unit-fingerprint"),
    ("sent", N_("Send the package to the federation"), "unit-sending"),
    ("backup", N_("Back up to a USB stick"), "backup"),
)
#: Federation staff's steps, the same way.
FEDERATION_STEPS: tuple[tuple[str, str, str], ...] = (
    ("roster", N_("Import the roster of units"), "fed-roster"),
    ("plan", N_("Issue the plan: its number, date and targets"), "fed-plan"),
    ("plan-packages", N_("Write the plan packages for the units"), "fed-plan"),
    ("keys", N_("Accept the units' keys"), "fed-keys"),
    ("import", N_("Import the first packages"), "fed-import"),
    ("backup", N_("Back up the database"), "backup"),
)


def _steps(table: tuple[tuple[str, str, str], ...], done: dict[str, bool]) -> tuple[Step, ...]:
    return tuple(Step(key, label, anchor, done[key]) for key, label, anchor in table)


def _unit_steps(ctx: AppContext, actions: set[str]) -> tuple[Step, ...]:
    workspace = load_workspace(ctx)
    details = workspace.details.get(REGISTRATION_STREAM)
    values = workspace.values.get(REGISTRATION_STREAM, {})
    done = {
        "details": details is not None
        and bool(details.signer_name.strip())
        and details.signed_on is not None
        and bool(details.place.strip()),
        "plan": workspace.federation_pinned,
        "registration": any(not value.is_empty() for value in values.values()),
        "registration-form": "print.registration" in actions,
        "key-card": "print.key_card" in actions,
        "sent": "report.export" in actions,
        "backup": bool(workspace.last_backup_at),
    }
    return _steps(UNIT_STEPS, done)


def _federation_steps(actions: set[str]) -> tuple[Step, ...]:
    done = {
        "roster": "roster.import" in actions,
        "plan": bool(actions & PLAN_ISSUING),
        "plan-packages": "plan.export" in actions,
        "keys": "key.accepted" in actions,
        "import": "import" in actions,
        "backup": "database.backup" in actions,
    }
    return _steps(FEDERATION_STEPS, done)


def quick_start(ctx: AppContext) -> QuickStart:
    """This installation's quick start, each step ticked from what the database shows."""
    with ctx.reading() as session:
        role = require_installation(session).role
        actions = _actions(session)
        if role is Role.FEDERATION:
            return QuickStart(role, _federation_steps(actions))
    return QuickStart(role, _unit_steps(ctx, actions))

"""The words the audit log is shown in: each action the application records, and the
fields of an entry's detail, in the interface language (one table for every screen
and export; :func:`action_label`, :func:`field_label`)."""

from __future__ import annotations

from app.core.errors import N_
from app.core.i18n import gettext as _

#: Every action :func:`app.core.audit.record` is called with, in words.
ACTION_LABELS: dict[str, str] = {
    "init": N_("Database set up"),
    "import": N_("Packages imported"),
    "conflict.resolve": N_("Conflict resolved"),
    "package.return": N_("Package returned for correction"),
    "key.create": N_("Own key created"),
    "key.rotate": N_("Own key replaced"),
    "key.backup": N_("Own key backed up"),
    "key.restore": N_("Own key restored"),
    "key.share": N_("Own key shared with another staff computer"),
    "key.accepted": N_("Unit key accepted"),
    "key.refused": N_("Unit key refused"),
    "key.revoked": N_("Unit key revoked"),
    "roster.import": N_("Roster imported"),
    "plan.export": N_("Plan packages written"),
    "plan.clone": N_("Plan copied for another year"),
    "plan.edit": N_("Plan header edited"),
    "plan.import": N_("Plan received"),
    "plan.indicator.add": N_("Indicator added"),
    "plan.indicator.edit": N_("Indicator changed"),
    "plan.indicator.remove": N_("Indicator removed"),
    "roster.leader": N_("Cluster leader changed"),
    "roster.unit.add": N_("Unit added to the roster"),
    "roster.unit.edit": N_("Unit changed in the roster"),
    "roster.unit.retire": N_("Unit taken out of the roster"),
    "scoring.rules.save": N_("Scoring rules saved"),
    "scoring.rules.reset": N_("Scoring rules reset"),
    "scoring.flag.set": N_("Scoring flag set"),
    "scoring.flag.clear": N_("Scoring flag cleared"),
    "proposal.set": N_("Commendation proposed"),
    "proposal.clear": N_("Commendation proposal withdrawn"),
    "receipt.export": N_("Receipts written"),
    "receipt.import": N_("Receipt from the federation read"),
    "return.import": N_("Return from the federation read"),
    "rebuild": N_("Merged data rebuilt from the archive"),
    "value_flag.verify": N_("Suspicious value verified"),
    "value_flag.unverify": N_("Suspicious value opened again"),
    "value_checks.save": N_("Checks for suspicious values saved"),
    "value_checks.reset": N_("Checks for suspicious values reset"),
    "deadline.set": N_("Deadline set"),
    "deadline.clear": N_("Deadline cleared"),
    "deadline.extend": N_("Extension granted"),
    "deadline.withdraw": N_("Extension withdrawn"),
    "statement.enter": N_("Report entered on a unit's behalf"),
    "statement.save": N_("Values saved"),
    "report.export": N_("Report package written"),
    "enrolment.export": N_("Key enrolment package written"),
    "bundle.export": N_("Bundle of member packages written"),
    "cluster.member.import": N_("Cluster member's package read"),
    "cluster.member.trust": N_("Cluster member's key trusted"),
    "database.backup": N_("Database backed up"),
    "database.move": N_("Data moved into this database"),
    "age.create": N_("Decryption key created"),
    "age.export": N_("Decryption key written to a file"),
    "person.export": N_("A person's data exported on request"),
    "person.erase": N_("A person's data erased on request"),
    "plan.number": N_("Plan number and date set"),
    "print.registration": N_("Registration form printed"),
    "print.key_card": N_("Key card printed"),
}

#: The fields of an entry's detail the log shows most, in words.
FIELD_LABELS: dict[str, str] = {
    "unit": N_("unit"),
    "plan": N_("plan"),
    "stream": N_("report"),
    "due_on": N_("deadline"),
    "before": N_("before"),
    "reason": N_("reason"),
    "revision": N_("revision"),
    "supersedes": N_("corrects"),
    "source": N_("entered from"),
    "values": N_("values"),
    "file": N_("file"),
    "folder": N_("folder"),
    "received_at": N_("received"),
    "note": N_("note"),
    "year": N_("year"),
    "count": N_("count"),
    "code": N_("code"),
    "name": N_("name"),
    "target": N_("to"),
    "source_database": N_("from"),
}


def action_label(action: str) -> str:
    """The action in words (the code itself for an action this version does not know)."""
    label = ACTION_LABELS.get(action)
    return _(label) if label else action


def field_label(key: str) -> str:
    """A detail's field in words (its key when not a common one)."""
    label = FIELD_LABELS.get(key)
    return _(label) if label else key


__all__ = ["ACTION_LABELS", "FIELD_LABELS", "action_label", "field_label"]

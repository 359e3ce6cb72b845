"""Reading the audit log back: filtered, newest first.

The log is append-only (:mod:`app.core.audit`); this module only reads it. The
filters are the ones staff ask for: a group of actions (imports, decisions
on conflicts and returns, key events, roster and plan changes), words (any
case, diacritics optional) in the subject, actor, action or detail, and a date range.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.text import fold, found, search_words
from db import models
from db.parameters import in_chunks


class ActionGroup(StrEnum):
    IMPORTS = "imports"
    DECISIONS = "decisions"
    KEYS = "keys"
    ROSTER_AND_PLANS = "roster_and_plans"
    OTHER = "other"


#: Action name prefixes of each group; an action matches the first group it fits.
GROUP_PREFIXES: dict[ActionGroup, tuple[str, ...]] = {
    ActionGroup.IMPORTS: ("import", "receipt.", "rebuild"),
    ActionGroup.DECISIONS: ("conflict.", "package.", "value_flag."),
    ActionGroup.KEYS: ("key.",),
    ActionGroup.ROSTER_AND_PLANS: ("roster.", "plan.", "plan", "value_checks."),
}


def action_group(action: str) -> ActionGroup:
    for group, prefixes in GROUP_PREFIXES.items():
        if any(action == p.rstrip(".") or action.startswith(p) for p in prefixes):
            return group
    return ActionGroup.OTHER


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str  # ISO 8601, UTC
    actor: str
    action: str
    subject: str
    detail: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    #: "code name" of the unit the entry's detail names by id ("" when none or unknown).
    unit_label: str = ""

    @property
    def group(self) -> ActionGroup:
        return action_group(self.action)

    def subject_text(self) -> str:
        """What the entry is about, in words: an import run by its number, not "run 7"."""
        from app.core.i18n import gettext as _

        if self.action == "import" and self.subject.startswith("run "):
            return _("Import run {number}").format(number=self.subject[4:])
        if self.action == "statement.enter":
            # The subject is the entry's hash: the unit and its report say more.
            return " · ".join(
                _text(self.detail.get(k)) for k in ("unit", "stream") if k in self.detail
            )
        if self.unit_label and self.action.startswith("deadline."):
            return f"{self.subject.rsplit('/', 1)[0]} · {self.unit_label}"
        return self.subject

    def detail_text(self) -> str:
        """The entry as a sentence in the current language (see :func:`describe`)."""
        return describe(self)


# --- sentences ------------------------------------------------------------------------------


def _text(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _number(value: object) -> str:
    from app.core.format import format_number

    return format_number(value) if isinstance(value, int) and not isinstance(value, bool) else "0"


def _import_sentence(detail: dict[str, object]) -> str:
    from app.core.i18n import gettext as _

    parts = [
        _("{count} new").format(count=_number(detail.get("new"))),
        _("{count} updated").format(count=_number(detail.get("updated"))),
        _("{count} duplicates").format(count=_number(detail.get("duplicate"))),
        _("{count} older").format(count=_number(detail.get("older"))),
        _("{count} conflicts").format(count=_number(detail.get("conflict"))),
        _("{count} waiting for a key").format(count=_number(detail.get("pending_key"))),
        _("{count} rejected").format(count=_number(detail.get("rejected"))),
    ]
    if detail.get("skipped"):
        parts.append(_("{count} skipped").format(count=_number(detail.get("skipped"))))
    text = _("{files} files checked: {outcomes}.").format(
        files=_number(detail.get("files")), outcomes=", ".join(parts)
    )
    if detail.get("cancelled"):
        text += " " + _("The run was cancelled; the rest was not imported.")
    return text


def describe(row: AuditRow) -> str:
    """What the entry records, as a sentence in the current language.

    Each action the application writes has its own sentence built from the
    entry's detail; an action this version does not know (an older or newer
    one) falls back to its detail's fields as written.
    """
    from app.core.i18n import gettext as _

    d = row.detail
    action = row.action
    unit = row.unit_label or _text(d.get("unit"))
    evidence = _text(d.get("evidence"))
    if action == "import":
        return _import_sentence(d)
    if action == "init":
        role = _("a federation") if d.get("role") == "federation" else _("a reporting unit")
        return _("Database set up for “{name}” as {role}.").format(name=row.subject, role=role)
    if action == "conflict.resolve":
        if d.get("keep") == "incoming":
            return _("Staff took the version that came in; it replaced the merged one.")
        return _("Staff kept the version already merged; the one that came in was set aside.")
    if action == "package.return":
        comment = _text(d.get("comment"))
        fields = _text(d.get("fields"))
        if fields:
            return _("Returned to the unit for correction of {fields}: “{comment}”.").format(
                fields=fields, comment=comment
            )
        return _("Returned to the unit for correction: “{comment}”.").format(comment=comment)
    if action == "key.accepted":
        if d.get("replaced"):
            text = _("Key of {unit} accepted in place of its previous key (key change).")
        else:
            text = _("Key of {unit} accepted.")
        text = text.format(unit=unit)
        if evidence:
            text += " " + _("Checked against: {evidence}.").format(evidence=evidence)
        return text
    if action in ("key.refused", "key.revoked"):
        text = (
            _("Key of {unit} refused.") if action == "key.refused" else _("Key of {unit} revoked.")
        ).format(unit=unit)
        if evidence:
            text += " " + _("Reason: {evidence}.").format(evidence=evidence)
        return text
    if action == "key.create":
        return _("Own signing key created; fingerprint {fingerprint}.").format(
            fingerprint=_text(d.get("fingerprint"))
        )
    if action == "key.rotate":
        return _("Own signing key replaced by a new one (epoch {epoch}).").format(
            epoch=_text(d.get("epoch"))
        )
    if action == "key.backup":
        return _("Own signing key backed up to {file}.").format(file=_text(d.get("file")))
    if action == "key.restore":
        return _("Own signing key restored from a backup.")
    if action == "plan.export":
        if d.get("cancelled"):
            return _("Cancelled after {count} of {total} plan packages, in {folder}.").format(
                count=_number(d.get("units")),
                total=_number(d.get("of")),
                folder=_text(d.get("folder")),
            )
        return _("{count} plan packages written to {folder}.").format(
            count=_number(d.get("units")), folder=_text(d.get("folder"))
        )
    if action == "plan.clone":
        return _("Copied from plan {plan} as the plan of {year}.").format(
            plan=_text(d.get("from")), year=_text(d.get("year"))
        )
    if action == "plan.edit":
        return _("Plan header edited (number {number}).").format(
            number=_text(d.get("number")) or "—"
        )
    if action == "plan.import":
        return _("Plan received from {federation}.").format(federation=_text(d.get("federation")))
    if action in ("plan.indicator.add", "plan.indicator.edit"):
        code, targets = _text(d.get("code")), _number(d.get("targets"))
        if action == "plan.indicator.add":
            return _("Indicator {code} added with {targets} targets.").format(
                code=code, targets=targets
            )
        if d.get("was"):
            return _("Indicator {was} changed and renumbered {code} ({targets} targets).").format(
                was=_text(d.get("was")), code=code, targets=targets
            )
        return _("Indicator {code} changed ({targets} targets).").format(code=code, targets=targets)
    if action == "plan.indicator.remove":
        return _("Indicator {code} removed with its targets.").format(code=_text(d.get("code")))
    if action == "roster.import":
        text = _("Roster {year} imported from {file}: {created} new units, {updated} updated.")
        text = text.format(
            year=_text(d.get("year")),
            file=row.subject,
            created=_number(d.get("created")),
            updated=_number(d.get("updated")),
        )
        if d.get("unchanged"):
            text += " " + _("{count} unchanged.").format(count=_number(d.get("unchanged")))
        if d.get("leaders_cleared"):
            text += " " + _("Clusters left without their leader: {clusters}.").format(
                clusters=_text(d.get("leaders_cleared"))
            )
        return text
    if action in ("roster.unit.add", "roster.unit.edit"):
        from app.roster import FIELD_WORDS

        text = (
            _("{code} {name} added to the {year} roster.")
            if action == "roster.unit.add"
            else _("{code} {name} changed in the {year} roster.")
        ).format(code=row.subject, name=_text(d.get("name")), year=_text(d.get("year")))
        changes = d.get("changes")
        if isinstance(changes, dict) and changes:
            parts = [
                _("{field}: {old} → {new}").format(
                    field=_(FIELD_WORDS[key]) if key in FIELD_WORDS else key,
                    old=_text(pair[0]) or "—",
                    new=_text(pair[1]) or "—",
                )
                for key, pair in changes.items()
                if isinstance(pair, list) and len(pair) == 2
            ]
            text += " " + "; ".join(parts) + "."
        return text
    if action == "roster.unit.retire":
        return _("{code} {name} taken out of the {year} roster.").format(
            code=row.subject, name=_text(d.get("name")), year=_text(d.get("year"))
        )
    if action == "roster.leader":
        leader, previous = _text(d.get("leader")), _text(d.get("previous"))
        if leader:
            text = _("{code} made leader of {cluster} for {year}.").format(
                code=leader, cluster=row.subject, year=_text(d.get("year"))
            )
        else:
            text = _("{cluster} left without a leader for {year}.").format(
                cluster=row.subject, year=_text(d.get("year"))
            )
        if previous:
            text += " " + _("(It was {previous}.)").format(previous=previous)
        return text
    if action == "receipt.export":
        return _("{count} receipts written for the units.").format(count=_number(d.get("count")))
    if action == "rebuild":
        return _("Merged tables rebuilt from the package archive ({count} streams).").format(
            count=_number(d.get("streams"))
        )
    if action == "scoring.rules.save":
        return _("Scoring rules of plan {plan} saved (revision {revision}).").format(
            plan=row.subject, revision=_text(d.get("revision"))
        )
    if action == "scoring.rules.reset":
        return _("Scoring rules of plan {plan} reset to the example.").format(plan=row.subject)
    if action in ("scoring.flag.set", "scoring.flag.clear"):
        text = (
            _("Flag “{flag}” set on {unit}.")
            if action == "scoring.flag.set"
            else _("Flag “{flag}” cleared on {unit}.")
        ).format(flag=_text(d.get("flag")), unit=row.subject)
        note = _text(d.get("note"))
        return f"{text} {note}".strip()
    if action == "proposal.set":
        from app.plans import STANDARD_AWARDS

        code = _text(d.get("award"))
        award = _text(d.get("award_label")) or dict(STANDARD_AWARDS).get(code, code)
        return _("Commendation proposed for {unit}: {award} (score {score}).").format(
            unit=row.subject, award=award or "—", score=_text(d.get("score"))
        )
    if action == "proposal.clear":
        return _("Commendation proposal for {unit} withdrawn.").format(unit=row.subject)
    if action == "statement.save":
        return _("Values saved ({stream}).").format(stream=row.subject)
    if action == "report.export":
        return _("Report package written: revision {revision}, {file}.").format(
            revision=_text(d.get("revision")), file=_text(d.get("file"))
        )
    if action == "enrolment.export":
        return _("Key enrolment package written: {file}.").format(file=_text(d.get("file")))
    if action == "bundle.export":
        return _("Bundle of {count} member packages written.").format(count=_number(d.get("items")))
    if action in ("deadline.set", "deadline.clear", "deadline.extend", "deadline.withdraw"):
        return _deadline_sentence(row)
    if action == "statement.enter":
        return _(
            "Version {revision} of {stream} entered for {unit} from {source} ({count} values)."
        ).format(
            revision=_text(d.get("revision")),
            stream=_text(d.get("stream")),
            unit=unit,
            source=_("the paper form") if d.get("source") == "paper" else _("the Excel file"),
            count=_number(d.get("values")),
        )
    return fields_text(row)


def _day_text(value: object) -> str:
    """An ISO day as ``15/07/2017`` (anything else as written)."""
    from app.core.days import short_date

    try:
        return short_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return _text(value)


def _deadline_sentence(row: AuditRow) -> str:
    from app.core.i18n import gettext as _

    d = row.detail
    due, before = _day_text(d.get("due_on")), _day_text(d.get("before")) if d.get("before") else ""
    if row.action == "deadline.set":
        if before:
            return _("Deadline moved from {before} to {date}.").format(before=before, date=due)
        return _("Deadline set: {date}.").format(date=due)
    if row.action == "deadline.clear":
        return _("Deadline cleared (it was {before}).").format(before=before or "—")
    unit = row.unit_label or _text(d.get("unit"))
    if row.action == "deadline.extend":
        return _("{unit} has until {date}: {reason}").format(
            unit=unit, date=due, reason=_text(d.get("reason"))
        )
    return _("Extension of {unit} withdrawn.").format(unit=unit)


def fields_text(row: AuditRow) -> str:
    """An entry's detail as "field: value" in words, a unit by code and name, a day
    as DD/MM/YYYY: for the actions that have no sentence of their own."""
    from app.audit.labels import field_label

    parts = []
    for key, value in row.detail.items():
        if key == "unit" and row.unit_label:
            text = row.unit_label
        elif key in ("due_on", "before") and value:
            text = _day_text(value)
        else:
            text = _text(value) or "—"
        parts.append(f"{field_label(key)}: {text}")
    return ", ".join(parts)


def list_audit(
    session: Session,
    *,
    groups: set[ActionGroup] | None = None,
    text: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 20_000,
) -> list[AuditRow]:
    """Entries newest first. ``since``/``until`` are inclusive calendar days (UTC)."""
    query = select(models.AuditEntry).order_by(models.AuditEntry.id.desc())
    if since is not None:
        query = query.where(models.AuditEntry.at >= since.isoformat())
    if until is not None:
        query = query.where(models.AuditEntry.at < (until + dt.timedelta(days=1)).isoformat())
    words = search_words(text)
    rows: list[AuditRow] = []
    for entry in session.scalars(query):
        if groups is not None and action_group(entry.action) not in groups:
            continue
        try:
            detail = json.loads(entry.detail_json or "{}")
        except ValueError:
            detail = {"detail": entry.detail_json}
        rows.append(
            AuditRow(
                id=entry.id,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                subject=entry.subject,
                detail=detail if isinstance(detail, dict) else {"detail": detail},
            )
        )
        if not words and len(rows) >= limit:
            break
    if not words:
        return _with_unit_labels(session, rows)
    # Words are matched on what the log shows and holds, folded (any case, diacritics
    # optional: "nhap ho" finds "nhập hộ"), so the search runs here and not in SQL.
    rows = [r for r in _with_unit_labels(session, rows) if found(words, _searched_text(r))]
    return rows[:limit]


def _searched_text(row: AuditRow) -> str:
    """Everything a search of the log looks in, folded (:func:`app.core.text.fold`)."""
    from app.audit.labels import action_label

    shown = (row.actor, row.action, action_label(row.action), row.subject, row.subject_text())
    stored = json.dumps(row.detail, ensure_ascii=False)
    return fold(" ".join((*shown, row.unit_label, describe(row), stored)))


def _with_unit_labels(session: Session, rows: list[AuditRow]) -> list[AuditRow]:
    """Name the units the entries refer to by id ("CS-001 Công đoàn …")."""
    ids = {str(r.detail["unit"]) for r in rows if isinstance(r.detail.get("unit"), str)}
    if not ids:
        return rows
    labels = {
        unit_id: f"{code} {name}".strip() if code else name
        for chunk in in_chunks(sorted(ids))
        for unit_id, code, name in session.execute(
            select(models.Unit.id, models.Unit.code, models.Unit.name).where(
                models.Unit.id.in_(chunk)
            )
        )
    }
    return [
        replace(r, unit_label=labels.get(str(r.detail.get("unit")), ""))
        if isinstance(r.detail.get("unit"), str)
        else r
        for r in rows
    ]


__all__ = ["ActionGroup", "AuditRow", "action_group", "describe", "fields_text", "list_audit"]

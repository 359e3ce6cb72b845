"""What the import page's status line says in each of its states: the counts by
outcome, whether anything is imported yet, the saved run, and links to the
conflicts and the keys that need staff.
"""

from __future__ import annotations

from app.core.i18n import gettext as _
from app.exchange import ImportSummary, Outcome

from ui.federation.import_models import ImportModel


def status_text(mode: str, model: ImportModel, summary: ImportSummary | None) -> str:
    """The status line (rich text) for ``mode`` (idle, checking, checked, applying,
    applied, reopened), the rows of ``model`` and the check's or run's ``summary``."""
    counts = model.outcome_counts()
    total = sum(counts.values())
    line = _(
        "New {new}, updated {updated}, duplicate {duplicate}, older {older}, "
        "conflict {conflict}, pending key {pending_key}, rejected {rejected}."
    ).format(**counts)
    if counts.get(Outcome.SKIPPED.value):
        line += " " + _("Skipped {count} files the federation wrote itself.").format(
            count=counts[Outcome.SKIPPED.value]
        )
    if mode == "idle":
        return ""
    if mode == "checking":
        return _("Checking {count} packages…").format(count=total)
    if mode == "checked":
        cancelled = summary is not None and summary.cancelled
        lead = (
            _("Check stopped after {count} packages.")
            if cancelled
            else _("Checked {count} packages; nothing is imported yet.")
        ).format(count=total)
        text = f"<b>{lead}</b> {line}"
        if summary is not None and not model.has_work():
            text += " " + _("There is nothing new to import.")
        return text
    if mode == "applying":
        return _("Importing… {count} packages so far.").format(count=total)
    run = summary.run_id if summary is not None else None
    cancelled = summary is not None and summary.cancelled
    if mode == "reopened":
        lead = _("Import run {run} (saved).").format(run=run)
    elif cancelled:
        lead = _("Import run {run} stopped; the packages before it are imported.").format(run=run)
    else:
        lead = _("Import run {run} finished and saved.").format(run=run)
    text = f"<b>{lead}</b> {line}"
    links = []
    if counts["conflict"]:
        review = _("Review the conflicts")
        links.append(f'<a href="conflicts">{review}</a>')
    if counts["pending_key"]:
        keys = _("Confirm the new keys")
        links.append(f'<a href="keys">{keys}</a>')
    if links:
        text += " " + " · ".join(links)
    return text

"""What an import reports: each package's outcome, the run's summary, and its CSV.

:class:`Outcome` codes are stored (``import_item.outcome``) and read through
:func:`app.exchange.labels.outcome_label`; reasons are English msgids with
their parameters, translated when shown, so a saved run reads in any language.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.core import domain
from app.core.errors import N_
from app.core.files import write_output
from app.core.i18n import gettext, translator
from app.core.text import inert_csv
from app.exchange.labels import kind_label, outcome_label, stream_label


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    DUPLICATE = "duplicate"
    OLDER = "older"
    CONFLICT = "conflict"
    PENDING_KEY = "pending_key"
    REJECTED = "rejected"
    SKIPPED = "skipped"  # the federation's own file (plan, receipt, return)


@dataclass(frozen=True)
class ItemResult:
    """One package's outcome (a bundle contributes one row per inner package)."""

    file_name: str
    outcome: Outcome
    reason: str = ""  # English msgid; translated for display
    params: dict[str, Any] = field(default_factory=dict)
    package_hash: str = ""
    unit_id: str = ""
    unit_code: str = ""
    kind: str = ""
    plan_id: str = ""
    stream: str = ""
    revision: int = 0
    fingerprint: str = ""
    warning: str = ""

    def reason_text(self, tr: Callable[[str], str] | None = None) -> str:
        """The reason in the interface language (or through ``tr``: a CSV's Vietnamese)."""
        tr = tr or gettext
        if not self.reason:
            return ""
        # A "problem" parameter is itself a msgid (a value check's message).
        params = {k: tr(v) if k == "problem" else v for k, v in self.params.items()}
        return tr(self.reason).format(**params)

    def words(
        self, plans: dict[str, domain.Plan], tr: Callable[[str], str] | None = None
    ) -> tuple[str, str, str]:
        """Its kind, stream and outcome as people read them (``plans`` names the periods)."""
        return (
            kind_label(self.kind, tr) if self.kind else "",
            stream_label(self.stream, plans.get(self.plan_id), tr) if self.stream else "",
            outcome_label(self.outcome.value, tr),
        )

    def params_json(self) -> str:
        """``params`` as an ``import_item`` row stores them (read back by :func:`stored_params`)."""
        return json.dumps(self.params, ensure_ascii=False, default=str)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "outcome": self.outcome.value,
            "reason": self.reason_text(),
            "package_hash": self.package_hash,
            "unit_id": self.unit_id,
            "unit_code": self.unit_code,
            "kind": self.kind,
            "plan": self.plan_id,
            "stream": self.stream,
            "revision": self.revision,
            "fingerprint": self.fingerprint,
            "warning": self.warning,
        }


def stored_params(text: str) -> dict[str, Any]:
    """The ``params`` an ``import_item`` row stored (:meth:`ItemResult.params_json`);
    empty when they cannot be read."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class ImportSummary:
    run_id: int | None
    dry_run: bool
    items: tuple[ItemResult, ...]
    cancelled: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(item.outcome.value for item in self.items)
        return {outcome.value: counter.get(outcome.value, 0) for outcome in Outcome}

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "dry_run": self.dry_run,
            "cancelled": self.cancelled,
            "counts": self.counts,
            "items": [item.to_json() for item in self.items],
        }

    def write_csv(
        self,
        path: Path,
        *,
        plans: dict[str, domain.Plan] | None = None,
        names: dict[str, str] | None = None,
    ) -> None:
        """The outcome of every file, for people: Vietnamese headers and words
        (whatever the interface language, like the printed forms), UTF-8 with a
        BOM and ";" between cells, which is what Excel reads into columns under
        Vietnamese regional settings (where "," is the decimal separator)."""
        _ = translator("vi")
        plans = plans or {}
        names = names or {}
        handle = io.StringIO(newline="")
        writer = csv.writer(handle, delimiter=CSV_DELIMITER)
        writer.writerow([_(header) for header in CSV_HEADERS])
        for item in self.items:
            kind, stream, outcome = item.words(plans, _)
            # Every text here may come from a sender: none may run as a formula.
            writer.writerow(
                inert_csv(cell)
                for cell in [
                    item.file_name,
                    item.unit_code,
                    names.get(item.unit_id, ""),
                    kind,
                    plans[item.plan_id].title if item.plan_id in plans else item.plan_id,
                    stream,
                    item.revision or "",
                    item.fingerprint,
                    outcome,
                    item.reason_text(_),
                    _(item.warning) if item.warning else "",
                    item.package_hash,
                ]
            )
        write_output(path, handle.getvalue().encode("utf-8-sig"))


#: Excel under Vietnamese regional settings splits CSV cells on ";".
CSV_DELIMITER = ";"
CSV_HEADERS = (
    N_("File"),
    N_("Unit code"),
    N_("Unit name"),
    N_("Kind"),
    N_("Plan"),
    N_("Stream"),
    N_("Revision"),
    N_("Signer's key fingerprint"),
    N_("Outcome"),
    N_("Reason"),
    N_("Warning"),
    N_("Package hash"),
)


__all__ = [
    "CSV_DELIMITER",
    "CSV_HEADERS",
    "ImportSummary",
    "ItemResult",
    "Outcome",
]

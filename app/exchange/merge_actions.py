"""What deciding a file produces: an :class:`Action` (its result, and what
applying it writes), or a rejection with its reason."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from app.core.errors import N_
from app.exchange import streams
from app.exchange.format import Package
from app.exchange.merge_state import KnownKey
from app.exchange.outcomes import ItemResult, Outcome
from app.exchange.signing import fingerprint_groups
from app.exchange.statement_rows import StatementRows

#: Why a file signed by no key the federation knows is rejected (read again, in
#: the same run, once an enrolment brings its key).
UNKNOWN_SIGNER = N_(
    "The package is signed by a key this federation does not know. "
    "The unit must send its enrolment first."
)


class Rejected(Exception):
    """A check failed: the package is rejected for ``reason`` (an msgid)."""

    def __init__(self, reason: str, params: dict[str, Any] | None = None, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params or {}
        self.detail = detail


@dataclass
class Action:
    """What applying one decided package writes."""

    result: ItemResult
    package: Package | None = None
    archive_status: str = ""
    new_key: KnownKey | None = None
    key_unit: tuple[str, str, str] | None = None  # code, name, evidence for a new key
    retire_key: str | None = None
    #: A report waiting for its stream to be settled (archive status "candidate").
    entry: streams.Entry | None = None
    #: The statement's rows when the stream is merged (see ``statement_rows``),
    #: made when the package is decided so its parsed values are freed at
    #: once; the statement row's ``updated_at`` is filled in when written.
    statement: StatementRows | None = None


def package_result(file_name: str, package: Package, *, fingerprint: str = "") -> ItemResult:
    """A package's row, rejected until decided otherwise."""
    header = package.header
    return ItemResult(
        file_name=file_name,
        outcome=Outcome.REJECTED,
        package_hash=package.payload_hash,
        unit_id=header.unit_id,
        unit_code=header.unit_code,
        kind=header.kind.value,
        plan_id=header.plan_id,
        stream=header.stream,
        revision=header.revision,
        fingerprint=fingerprint,
    )


def rejection(
    file_name: str,
    reason: str,
    params: dict[str, Any] | None = None,
    *,
    package: Package | None = None,
    signer: KnownKey | None = None,
) -> Action:
    """A file refused for ``reason`` (an msgid), with what is known of it."""
    if package is not None:
        result = replace(package_result(file_name, package), reason=reason, params=params or {})
    else:
        result = ItemResult(
            file_name=file_name,
            outcome=Outcome.REJECTED,
            reason=reason,
            params=dict(params or {}),
        )
    if signer is not None:
        result = replace(
            result,
            fingerprint=fingerprint_groups(signer.public_key),
            unit_id=signer.unit_id,
        )
    return Action(result)


__all__ = ["UNKNOWN_SIGNER", "Action", "Rejected", "package_result", "rejection"]

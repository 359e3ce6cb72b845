"""Deciding one file at the federation: envelope, key, signature, header and
values checked, then what the package is (a key enrolment, a report that is a
candidate for its stream, a duplicate, held for a pending key, rejected).

A report's final outcome is its stream's to say (:mod:`app.exchange.merge_settle`).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from app.core import domain
from app.core.errors import N_, UserError
from app.exchange import streams
from app.exchange.bodies import (
    PlanChecks,
    movements_not_offered,
    parse_enrolment,
    parse_statement,
    statement_problems,
)
from app.exchange.format import (
    MAX_BUNDLE_BYTES,
    MAX_ENROLMENT_BYTES,
    MAX_PACKAGE_BYTES,
    Kind,
    Package,
    parse_payload,
)
from app.exchange.key_status import KeyStatus
from app.exchange.merge_actions import (
    UNKNOWN_SIGNER,
    Action,
    Rejected,
    package_result,
    rejection,
)
from app.exchange.merge_state import KnownKey, MergeState
from app.exchange.outcomes import ItemResult, Outcome
from app.exchange.signing import (
    VerifyingKey,
    WeakKeyError,
    check_public_key,
    fingerprint_groups,
    key_id,
    open_envelope,
    payload_format_version,
    verify_envelope,
    verifying_key,
)
from app.exchange.statement_rows import statement_id, statement_rows, value_rows
from app.roster import SECTOR_LABELS
from db.enums import REGISTRATION_STREAM

#: Clock skew tolerated before a creation time is called "in the future".
FUTURE_TOLERANCE = dt.timedelta(days=2)


_V = TypeVar("_V")


class Importer:
    """Decides outcomes for a sequence of files; see the module docstring."""

    def __init__(self, state: MergeState, *, writing: bool = True) -> None:
        self.state = state
        #: Whether actions carry the rows to write (not for a dry run).
        self.writing = writing
        #: Trusted keys checked and loaded once per run, not once per package.
        self._verifying_keys: dict[bytes, VerifyingKey] = {}
        #: The signers' fingerprints, as each package's row shows them.
        self._fingerprints: dict[bytes, str] = {}
        #: Results of the costly, state-free steps (envelope, signature, parsing,
        #: value checks) by their input, kept while ``remember`` is on, so that
        #: deciding a batch again under the merge lock repeats none of them.
        self.remember = False
        self._memo: dict[tuple[Any, ...], Any] = {}
        #: Each file's signed envelope from what was read (decrypts age files):
        #: :mod:`app.exchange.sealing`; plain files pass through unless set.
        self.unseal: Callable[[bytes], bytes] | None = None

    def forget(self) -> None:
        """Drop the remembered results (after a batch is written)."""
        self._memo.clear()

    def _recall(self, key: tuple[Any, ...], compute: Callable[[], _V]) -> _V:
        if not self.remember:
            return compute()
        if key in self._memo:
            return self._memo[key]  # type: ignore[no-any-return]
        value = compute()  # an exception is not remembered: it is computed again
        self._memo[key] = value
        return value

    def _verify(self, envelope: Any, public_raw: bytes) -> bytes:
        """``verify_envelope`` with a known key, checked once per run."""

        def verify() -> bytes:
            checked = self._verifying_keys.get(public_raw)
            if checked is None:
                checked = verifying_key(public_raw)  # a weak key raises and is not kept
                self._verifying_keys[public_raw] = checked
            return verify_envelope(envelope, checked)

        return self._recall(("verify", envelope, public_raw), verify)

    def _checked_statement(self, package: Package, plan: domain.Plan) -> tuple[Any, Any, Any]:
        """The package's statement, its problems against the plan and, when it
        has none, its value rows (remembered).

        The values are read and checked straight into rows (``value_rows``); only
        a statement with a value that is wrong is read whole, to say what is.
        """
        state = self.state
        checks = state.plan_checks.get(plan.id)
        if checks is None:
            checks = state.plan_checks[plan.id] = PlanChecks.of(plan)
        header = package.header

        def check() -> tuple[Any, Any, Any]:
            sid = statement_id(plan.id, header.unit_id, header.stream)
            rows = value_rows(package.body, checks, sid)
            parsed = parse_statement(package.body, values=rows is None)
            return parsed, statement_problems(plan, parsed, checks), rows

        return self._recall(("statement", package.payload_hash, plan.id), check)

    def _unsealed(self, data: bytes) -> bytes:
        """The signed envelope inside the file (remembered)."""
        unseal = self.unseal
        return data if unseal is None else self._recall(("unseal", data), lambda: unseal(data))

    def _envelope(self, data: bytes) -> Any:
        """The file's envelope, in a payload format this version reads (remembered)."""
        envelope = self._recall(
            ("envelope", data), lambda: open_envelope(data, max_size=MAX_BUNDLE_BYTES)
        )
        payload_format_version(envelope.payload_type)
        return envelope

    def _signer(self, envelope: Any) -> KnownKey | None:
        """The key of the first signature whose keyid the federation knows."""
        known = [sig.keyid for sig in envelope.signatures if sig.keyid in self.state.keys]
        return self.state.keys[known[0]] if known else None

    def _package(self, envelope: Any, data: bytes, key: KnownKey) -> Package:
        """What ``key``'s signature proves: the package, verified and parsed (remembered)."""
        payload = self._verify(envelope, key.public_key)
        limit = MAX_BUNDLE_BYTES if len(data) > MAX_PACKAGE_BYTES else MAX_PACKAGE_BYTES
        return self._recall(
            ("payload", data, key.public_key),
            lambda: parse_payload(payload, data, max_bytes=limit),
        )

    # --- one file ----------------------------------------------------------------

    def prepare(self, data: bytes, file_name: str, *, in_bundle: bool = False) -> int:
        """Apply's first pass over a file, outside the merge lock; how many packages.

        Does the costly steps that do not depend on the database (envelope,
        signature, parsing, value checks; remembered for :meth:`examine`) and
        notes what deciding will read (the key, the stream's head, the archive
        entry), so the batch, decided once under the lock, reads fresh rows.
        Whatever goes wrong here is found again, and reported, by :meth:`examine`.
        """
        state = self.state
        try:
            data = self._unsealed(data)
            envelope = self._envelope(data)
            key = self._signer(envelope)
            if key is None:
                return 1
            package = self._package(envelope, data, key)
        except UserError:
            return 1
        header = package.header
        if header.kind is Kind.BUNDLE:
            items = package.body.get("items")
            if in_bundle or not isinstance(items, list) or not items:
                return 1
            count = 0
            for index, item in enumerate(items, start=1):
                inner = _bundle_item(item) or b""
                count += self.prepare(inner, f"{file_name}#{index}", in_bundle=True)
            return count
        state.archived.get(package.payload_hash)
        # Deciding compares the header's unit code with the unit's: without this
        # note every batch was decided twice (its units read but not reloaded).
        state.units.get(header.unit_id)
        plan = state.plans.get(header.plan_id)
        if plan is not None and header.kind is Kind.REPORT:
            with contextlib.suppress(UserError):
                self._checked_statement(package, plan)
        return 1

    def examine(self, data: bytes, file_name: str, *, in_bundle: bool = False) -> list[Action]:
        try:
            data = self._unsealed(data)
            envelope = self._envelope(data)
        except UserError as error:
            return [rejection(file_name, error.message, error.params)]
        key = self._signer(envelope)
        if key is None:
            if any(sig.keyid in self.state.own_keys for sig in envelope.signatures):
                return [
                    Action(
                        ItemResult(
                            file_name=file_name,
                            outcome=Outcome.SKIPPED,
                            reason=N_(
                                "A file this federation wrote itself (a plan, receipt or "
                                "return): there is nothing to import."
                            ),
                        )
                    )
                ]
            return [self._unknown_signer(envelope, data, file_name)]
        try:
            package = self._package(envelope, data, key)
        except UserError as error:
            return [rejection(file_name, error.message, error.params, signer=key)]
        if package.header.kind is Kind.BUNDLE:
            if in_bundle:
                return [
                    rejection(
                        file_name,
                        N_("A bundle cannot contain another bundle."),
                        package=package,
                        signer=key,
                    )
                ]
            return self._bundle(package, key, file_name)
        if len(data) > MAX_PACKAGE_BYTES:
            return [rejection(file_name, N_("The file is too large for a single package."))]
        action = self._decide(package, key, file_name)
        if action.package is not None:
            # Only the header, hash and raw bytes are written: let the parsed
            # body go now rather than hold it until the batch is committed.
            kept = action.package
            action.package = Package(kept.header, {}, kept.payload_hash, kept.raw)
        return [action]

    def _unknown_signer(self, envelope: Any, data: bytes, file_name: str) -> Action:
        """No known key signed it: only a self-signed enrolment is acceptable."""
        if len(data) > MAX_ENROLMENT_BYTES or len(envelope.signatures) != 1:
            return rejection(file_name, UNKNOWN_SIGNER)
        try:
            package = parse_payload(envelope.payload, data, max_bytes=MAX_ENROLMENT_BYTES)
        except UserError:
            package = None
        if package is None or package.header.kind is not Kind.ENROLMENT:
            return rejection(file_name, UNKNOWN_SIGNER)
        try:
            enrolment = parse_enrolment(package.body)
            check_public_key(enrolment.public_key)
            if key_id(enrolment.public_key) != envelope.signatures[0].keyid:
                raise Rejected(N_("The enrolment is not signed by the key it carries."))
            verify_envelope(envelope, enrolment.public_key)
        except WeakKeyError as error:
            return rejection(file_name, error.message, error.params, package=package)
        except Rejected as rejected:
            return rejection(file_name, rejected.reason, rejected.params, package=package)
        except UserError as error:
            return rejection(file_name, error.message, error.params, package=package)
        return self._enrolment(package, enrolment, file_name)

    def _enrolment(self, package: Package, enrolment: Any, file_name: str) -> Action:
        header = package.header
        state = self.state
        new_keyid = key_id(enrolment.public_key)
        base = package_result(
            file_name, package, fingerprint=fingerprint_groups(enrolment.public_key)
        )
        try:
            self._check_common(package, expect_signer=new_keyid)
        except Rejected as rejected:
            return Action(
                replace(
                    base, outcome=Outcome.REJECTED, reason=rejected.reason, params=rejected.params
                )
            )
        if header.unit_id not in state.units:
            return Action(
                replace(
                    base,
                    outcome=Outcome.REJECTED,
                    reason=N_("The unit is not in the federation's roster."),
                )
            )
        if package.payload_hash in state.archived:
            return Action(replace(base, outcome=Outcome.DUPLICATE, reason=N_("Already imported.")))
        # A rotation signed by the unit's current accepted key as well is accepted
        # without staff (the old key vouches for the new one).
        status = KeyStatus.PENDING
        retire: str | None = None
        if enrolment.replaces is not None:
            old = state.keys.get(enrolment.replaces)
            envelope = open_envelope(package.raw, max_size=MAX_ENROLMENT_BYTES)
            if (
                old is not None
                and old.status is KeyStatus.ACCEPTED
                and old.unit_id == header.unit_id
                and any(sig.keyid == old.keyid for sig in envelope.signatures)
            ):
                try:
                    self._verify(envelope, old.public_key)
                    status = KeyStatus.ACCEPTED
                    retire = old.keyid
                except UserError:
                    status = KeyStatus.PENDING
        key = KnownKey(new_keyid, enrolment.public_key, header.unit_id, header.epoch, status)
        state.keys[new_keyid] = key
        state.archived[package.payload_hash] = "enrolment"
        if retire is not None:
            state.keys[retire].status = KeyStatus.RETIRED
            state.keys[retire].retired_since = streams.utc_created(header.created_at)
        outcome = Outcome.NEW if status is KeyStatus.ACCEPTED else Outcome.PENDING_KEY
        reason = (
            N_("Key rotation accepted: the unit's previous key signed the new one.")
            if status is KeyStatus.ACCEPTED
            else N_("New key waiting for confirmation of its fingerprint {fingerprint}.")
        )
        return Action(
            replace(
                base,
                outcome=outcome,
                reason=reason,
                params={"fingerprint": fingerprint_groups(enrolment.public_key)},
            ),
            package=package,
            archive_status="enrolment",
            new_key=key,
            key_unit=(enrolment.code, enrolment.name, ""),
            retire_key=retire,
        )

    def _rotation(self, package: Package, file_name: str) -> Action:
        """An enrolment signed by a known key: a new key vouched for by the old one."""
        enrolment = parse_enrolment(package.body)
        check_public_key(enrolment.public_key)
        if key_id(enrolment.public_key) in self.state.keys:
            raise Rejected(N_("This key is already enrolled."))
        envelope = open_envelope(package.raw, max_size=MAX_ENROLMENT_BYTES)
        verify_envelope(envelope, enrolment.public_key)  # proof of possession
        return self._enrolment(package, enrolment, file_name)

    def _bundle(self, package: Package, relay: KnownKey, file_name: str) -> list[Action]:
        """Each inner package stands on its own signature; one bad item stops nothing."""
        items = package.body.get("items")
        if relay.status is not KeyStatus.ACCEPTED:
            return [rejection(file_name, N_("The bundle is signed by a key that is not accepted."))]
        try:
            # The bundle's own header is held to what its signature proves.
            self._check_common(package, expect_signer=relay.keyid)
            if package.header.unit_id != relay.unit_id:
                raise Rejected(N_("The key that signed this package belongs to another unit."))
            if package.header.epoch != relay.epoch:
                raise Rejected(N_("The package's key epoch does not match the key."))
        except Rejected as refusal:
            return [rejection(file_name, refusal.reason, refusal.params, package=package)]
        if set(package.body) != {"items"} or not isinstance(items, list) or not items:
            return [
                rejection(
                    file_name,
                    N_("The package content is invalid: {field}."),
                    {"field": "body.items"},
                )
            ]
        actions: list[Action] = []
        for index, item in enumerate(items, start=1):
            name = f"{file_name}#{index}"
            inner = _bundle_item(item)
            if inner is None:
                actions.append(
                    rejection(
                        name,
                        N_("The package content is invalid: {field}."),
                        {"field": f"body.items[{index}]"},
                    )
                )
                continue
            actions.extend(self.examine(inner, name, in_bundle=True))
        return actions

    # --- decisions ----------------------------------------------------------------

    def _check_common(self, package: Package, *, expect_signer: str) -> None:
        header = package.header
        if header.signer != expect_signer:
            raise Rejected(N_("The package names a different signer than the key that signed it."))
        if header.audience != self.state.federation_id:
            raise Rejected(N_("The package is addressed to another federation."))

    def _decide(self, package: Package, key: KnownKey, file_name: str) -> Action:
        header = package.header
        state = self.state
        fingerprint = self._fingerprints.get(key.public_key)
        if fingerprint is None:  # once per signer, not once per package
            fingerprint = self._fingerprints[key.public_key] = fingerprint_groups(key.public_key)
        result = package_result(file_name, package, fingerprint=fingerprint)
        try:
            if header.kind is Kind.ENROLMENT:
                if package.payload_hash in state.archived:
                    return Action(
                        replace(result, outcome=Outcome.DUPLICATE, reason=N_("Already imported."))
                    )
                return self._rotation(package, file_name)
            self._check_common(package, expect_signer=key.keyid)
            if header.kind in (Kind.PLAN, Kind.RECEIPT, Kind.RETURN):
                raise Rejected(
                    N_("A unit cannot send this kind of package ({kind})."),
                    {"kind": header.kind.value},
                )
            if header.unit_id != key.unit_id:
                raise Rejected(N_("The key that signed this package belongs to another unit."))
            known_code = state.units.get(header.unit_id)
            if known_code and header.unit_code != known_code:
                # The log, summary and CSV show the code: it must be the signer's unit's.
                raise Rejected(
                    N_(
                        "The package names unit code {claimed}, but the key that signed it "
                        "is unit {code}'s."
                    ),
                    {"claimed": header.unit_code, "code": known_code},
                )
            if key.status is KeyStatus.REVOKED:
                raise Rejected(N_("The package is signed by a revoked key."))
            if key.status is KeyStatus.REFUSED:
                raise Rejected(N_("The package is signed by a key the federation refused."))
            if header.epoch != key.epoch:
                raise Rejected(N_("The package's key epoch does not match the key."))
            plan = state.plans.get(header.plan_id)
            if plan is None:
                raise Rejected(
                    N_("The package refers to a plan this federation does not have ({plan})."),
                    {"plan": header.plan_id},
                )
            if header.plan_ref != plan.content_hash:
                raise Rejected(N_("The package was made for another version of the plan."))
            if header.stream != REGISTRATION_STREAM and header.stream not in {
                p.code for p in plan.periods
            }:
                raise Rejected(N_("Unknown reporting period {period}."), {"period": header.stream})
            if header.revision < 1:
                raise Rejected(N_("The package has no revision number."))
            statement, problems, values = self._checked_statement(package, plan)
            if problems:
                first = problems[0]
                raise Rejected(
                    N_("The package contains {count} invalid values (first: {code}: {problem})"),
                    {
                        "count": len(problems),
                        "code": first.indicator_code,
                        "problem": first.message,
                    },
                )
            sector = state.sector_of(plan, header.unit_id)
            not_offered = movements_not_offered(plan, statement.movements, sector)
            if sector is not None and not_offered:
                raise Rejected(
                    N_(
                        "The package registers the movement “{name}”, which the plan does not "
                        "offer to units of sector {sector}: nothing in it was imported."
                    ),
                    {"name": not_offered[0].name, "sector": SECTOR_LABELS[sector]},
                )
        except Rejected as rejected:
            return Action(
                replace(
                    result, outcome=Outcome.REJECTED, reason=rejected.reason, params=rejected.params
                )
            )
        except UserError as error:
            return Action(
                replace(result, outcome=Outcome.REJECTED, reason=error.message, params=error.params)
            )

        warning = self._clock_warning(header.created_at)
        if warning:
            result = replace(result, warning=warning)
        if package.payload_hash in state.archived:
            return Action(
                replace(result, outcome=Outcome.DUPLICATE, reason=N_("Already imported."))
            )
        if key.status is KeyStatus.PENDING:
            state.archived[package.payload_hash] = "pending_key"
            return Action(
                replace(
                    result,
                    outcome=Outcome.PENDING_KEY,
                    reason=N_("Held until the unit's key is confirmed."),
                ),
                package=package,
                archive_status="pending_key",
            )
        retired = key.status is KeyStatus.RETIRED and (
            not key.retired_since or streams.utc_created(header.created_at) > key.retired_since
        )
        return self._candidate(package, statement, values, result, retired=retired)

    def _candidate(
        self,
        package: Package,
        statement: Any,
        values: Any,
        result: ItemResult,
        *,
        retired: bool,
    ) -> Action:
        """A report that passed every check: its stream decides what it becomes
        (:func:`~app.exchange.merge_settle.settle_streams`), with every other
        package of the stream."""
        header = package.header
        self.state.archived[package.payload_hash] = "candidate"
        rows = (
            self._recall(
                ("rows", package.payload_hash, header.plan_id),
                lambda: statement_rows(
                    header.plan_id,
                    header.unit_id,
                    header.stream,
                    header.revision,
                    statement,
                    self.state.plans[header.plan_id],
                    values=values,
                ),
            )
            if self.writing
            else None
        )
        return Action(
            replace(result, outcome=Outcome.NEW),
            package=package,
            archive_status="candidate",
            entry=streams.Entry(
                package.payload_hash,
                header.epoch,
                header.revision,
                header.supersedes,
                retired=retired,
                new=True,
                created=streams.utc_created(header.created_at),
            ),
            statement=rows,
        )

    # --- helpers ------------------------------------------------------------------

    def _clock_warning(self, created_at: str) -> str:
        try:
            created = dt.datetime.fromisoformat(created_at)
        except ValueError:
            return ""
        if created.tzinfo is None:
            created = created.replace(tzinfo=dt.UTC)
        if created > self.state.now + FUTURE_TOLERANCE:
            return N_("Created in the future: the unit's computer clock may be wrong.")
        return ""


def _bundle_item(item: Any) -> bytes | None:
    """A bundle item's package bytes; None unless it is base64 text."""
    if not isinstance(item, str):
        return None
    try:
        return base64.b64decode(item, validate=True)
    except ValueError:
        return None


__all__ = ["FUTURE_TOLERANCE", "Importer"]

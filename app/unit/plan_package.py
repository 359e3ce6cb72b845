"""The federation's plan package opened at the unit: what it says (shown to the
chair before anything changes), and installing it (the plan, the unit's
roster entry and id, the federation's key pinned at first contact).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import utc_now_text
from app.core.context import AppContext
from app.core.errors import N_, InputError
from app.core.files import read_limited
from app.core.installation import get_setting, require_unit_installation, set_setting
from app.core.strictjson import loads_strict
from app.core.text import nfc
from app.exchange import (
    MAX_PACKAGE_BYTES,
    Header,
    Kind,
    PayloadError,
    check_public_key,
    check_recipient,
    decode_base64_canonical,
    fingerprint_groups,
    fingerprint_matches,
    keep_plan_recipients,
    key_id,
    open_envelope,
    parse_payload,
    payload_format_version,
    verify_envelope,
)
from app.plans import install_plan_document
from app.unit.enrolment import record_key_statuses
from app.unit.packages import (
    archive_received,
    open_from_federation,
    pinned_federation_key,
)
from db import models
from db.enums import Sector, UnitKind


@dataclass(frozen=True)
class PlanPackageInfo:
    """What a plan package says before it is accepted (shown to the chair)."""

    federation_name: str
    federation_fingerprint: str
    federation_pinned: bool
    unit_code: str
    unit_name: str
    plan_id: str
    plan_title: str
    #: Values typed on the built-in practice plan before the federation's plan came.
    practice_values: int = 0


def practice_values(session: Session) -> int:
    """How many values a unit typed on the built-in plans while practising."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(models.StatementValue)
            .join(models.Statement, models.Statement.id == models.StatementValue.statement_id)
            .join(models.Plan, models.Plan.id == models.Statement.plan_id)
            .where(models.Plan.builtin.is_(True))
        )
        or 0
    )


def _discard_practice(session: Session) -> int:
    """Delete what was typed on the built-in plans (their statements and send status)."""
    builtin = select(models.Plan.id).where(models.Plan.builtin.is_(True))
    statements = list(
        session.scalars(select(models.Statement).where(models.Statement.plan_id.in_(builtin)))
    )
    for statement in statements:
        session.delete(statement)
    session.execute(delete(models.Outbox).where(models.Outbox.plan_id.in_(builtin)))
    session.flush()
    return len(statements)


@dataclass(frozen=True)
class _PlanBody:
    """A plan package's body with every field's type checked before it is used."""

    plan: dict[str, Any]
    federation_id: str
    federation_name: str
    unit_code: str
    unit_name: str
    unit_kind: UnitKind
    sector: Sector | None
    keys: list[dict[str, str]]
    #: Who may read the unit's packages: the federation's age recipient ("" for a plan
    #: of an older version: packages then go plain) and the further readers allowed.
    age_recipient: str = ""
    readers: tuple[str, ...] = ()


def _body_text(
    obj: dict[str, Any], name: str, where: str, limit: int, *, empty: bool = True
) -> str:
    value = obj.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > limit or (not empty and not value):
        raise PayloadError(
            N_("The package content is invalid: {field}."), params={"field": f"{where}.{name}"}
        )
    return nfc(value)


def _parse_plan_body(body: dict[str, Any]) -> _PlanBody:
    """Check a (signed) plan package body field by field: a federation's tool may be
    wrong or its key misused, and nothing here may fail other than with a message."""

    def bad(field: str) -> PayloadError:
        return PayloadError(N_("The package content is invalid: {field}."), params={"field": field})

    for name in ("plan", "federation", "unit"):
        if not isinstance(body.get(name), dict):
            raise bad(f"body.{name}")
    federation, unit = body["federation"], body["unit"]
    try:
        kind = UnitKind(unit.get("kind"))
        sector = Sector(unit["sector"]) if unit.get("sector") else None
    except (ValueError, TypeError) as exc:
        raise bad("body.unit") from exc
    keys = body.get("keys", [])
    if not isinstance(keys, list) or len(keys) > 1000:
        raise bad("body.keys")
    checked_keys = []
    for key in keys:
        if not isinstance(key, dict):
            raise bad("body.keys")
        checked_keys.append(
            {
                "keyid": _body_text(key, "keyid", "body.keys", 128),
                "status": _body_text(key, "status", "body.keys", 32),
            }
        )
    readers = body.get("readers", [])
    if not isinstance(readers, list) or len(readers) > 8:
        raise bad("body.readers")
    try:
        recipient = _body_text(federation, "age_recipient", "body.federation", 128)
        checked_readers = tuple(check_recipient(r) for r in readers)
        if recipient:
            check_recipient(recipient)
    except InputError as exc:
        raise bad("body.readers" if readers else "body.federation.age_recipient") from exc
    return _PlanBody(
        age_recipient=recipient,
        readers=checked_readers,
        plan=body["plan"],
        federation_id=_body_text(federation, "id", "body.federation", 64, empty=False),
        federation_name=_body_text(federation, "name", "body.federation", 300),
        unit_code=_body_text(unit, "code", "body.unit", 32),
        unit_name=_body_text(unit, "name", "body.unit", 300),
        unit_kind=kind,
        sector=sector,
        keys=checked_keys,
    )


def _read_plan_package(
    session: Session, data: bytes
) -> tuple[Any, _PlanBody, bytes, PlanPackageInfo]:
    envelope = open_envelope(data, max_size=MAX_PACKAGE_BYTES)
    payload_format_version(envelope.payload_type)
    pinned = pinned_federation_key(session)
    if pinned is not None:
        payload = verify_envelope(envelope, pinned.public_key)
        federation_key = pinned.public_key
    else:
        # First contact: the key is inside; verify with it, then the chair
        # must confirm its fingerprint (read from the federation's letter).
        if len(envelope.signatures) != 1:
            raise PayloadError(
                N_("The package content is invalid: {field}."), params={"field": "signatures"}
            )
        document = loads_strict(
            envelope.payload, max_bytes=MAX_PACKAGE_BYTES, max_depth=16, allow_floats=False
        )
        try:
            federation_key = decode_base64_canonical(document["body"]["federation"]["public_key"])
        except (KeyError, TypeError, ValueError) as exc:
            raise PayloadError(
                N_("The package content is invalid: {field}."),
                params={"field": "body.federation.public_key"},
            ) from exc
        check_public_key(federation_key)
        if key_id(federation_key) != envelope.signatures[0].keyid:
            raise PayloadError(
                N_("The plan package is not signed by the federation key it carries.")
            )
        payload = verify_envelope(envelope, federation_key)
    package = parse_payload(payload, data)
    if package.header.kind is not Kind.PLAN:
        raise PayloadError(N_("This is not a plan package from the federation."))
    for name in ("plan", "federation", "unit", "keys"):
        if name not in package.body:
            raise PayloadError(
                N_("The package content is invalid: {field}."), params={"field": f"body.{name}"}
            )
    body = _parse_plan_body(package.body)
    if body.plan.get("id") != package.header.plan_id:
        # Installed under its own id, the unit's current plan named one that did not exist.
        raise PayloadError(
            N_("The package content is invalid: {field}."), params={"field": "body.plan.id"}
        )
    plan_title = body.plan.get("title", "")
    info = PlanPackageInfo(
        federation_name=body.federation_name,
        federation_fingerprint=fingerprint_groups(federation_key),
        federation_pinned=pinned is not None,
        unit_code=body.unit_code,
        unit_name=body.unit_name,
        plan_id=package.header.plan_id,
        plan_title=plan_title if isinstance(plan_title, str) else "",
        practice_values=practice_values(session) if pinned is None else 0,
    )
    _check_addressed_here(session, package.header, body, pinned=pinned is not None)
    return package, body, federation_key, info


def _check_addressed_here(
    session: Session, header: Header, body: _PlanBody, *, pinned: bool
) -> None:
    """Refuse a package meant for another unit or from another federation.

    Checked when the package is first read, before the chair is asked to
    confirm a fingerprint or about practice values.
    """
    installation = require_unit_installation(session)
    own = session.get(models.Unit, installation.own_unit_id)
    assert own is not None
    if header.audience != installation.own_unit_id and (
        get_setting(session, "federation_id") is not None
        or (own.code and own.code != body.unit_code)
    ):
        code = body.unit_code or header.unit_code
        if own.code:
            raise InputError(
                N_(
                    "This plan package is meant for another unit ({code}). Ask the federation "
                    "to send the plan package of your own unit (code {own})."
                ),
                params={"code": code, "own": own.code},
            )
        raise InputError(
            N_(
                "This plan package is meant for another unit ({code}). Ask the federation "
                "to send the plan package of your own unit."
            ),
            params={"code": code},
        )
    if pinned and body.federation_id != get_setting(session, "federation_id"):
        raise InputError(
            N_(
                "The plan package comes from another federation. Ask your own federation "
                "for its plan package."
            )
        )


def inspect_plan_package(ctx: AppContext, *, path: Path) -> PlanPackageInfo:
    data = read_limited(path, MAX_PACKAGE_BYTES)
    with ctx.reading() as session:
        require_unit_installation(session)
        return _read_plan_package(session, data)[3]


def import_plan_package(
    ctx: AppContext,
    *,
    path: Path,
    confirmed_fingerprint: str | None = None,
    discard_practice: bool = False,
) -> PlanPackageInfo:
    """Install the federation's plan package at a unit.

    The first one pins the federation key, and only after the chair confirms
    its fingerprint (``confirmed_fingerprint``); later ones must be signed by
    the pinned key. A package addressed to another unit is refused. Nothing
    is changed unless everything checks out. With ``discard_practice`` the
    first one also deletes what was typed on the built-in plans while
    practising (the chair is asked, :attr:`PlanPackageInfo.practice_values`);
    otherwise those values stay, to be checked before they are sent. The
    imported plan becomes the plan the unit works on.
    """
    data = read_limited(path, MAX_PACKAGE_BYTES)
    with ctx.unit_of_work() as session:
        installation = require_unit_installation(session)
        package, body, federation_key, info = _read_plan_package(session, data)
        if not info.federation_pinned:
            if confirmed_fingerprint is None:
                raise InputError(
                    N_(
                        "Confirm the federation's fingerprint {fingerprint} before importing "
                        "its first plan package."
                    ),
                    params={"fingerprint": info.federation_fingerprint},
                )
            if not fingerprint_matches(federation_key, confirmed_fingerprint):
                raise InputError(
                    N_(
                        "The fingerprint you entered does not match the federation's key; "
                        "nothing was imported."
                    )
                )
        header = package.header
        if discard_practice and not info.federation_pinned:
            _discard_practice(session)
        adopting = header.audience != installation.own_unit_id
        existing_plan = session.get(models.Plan, header.plan_id)
        if existing_plan is None or existing_plan.content_hash != header.plan_ref:
            install_plan_document(session, body.plan, known_hash=header.plan_ref)
        if adopting:
            _adopt_unit_id(session, installation.own_unit_id, header.audience)
        own = session.get(models.Unit, header.audience)
        assert own is not None
        own.code = body.unit_code or own.code
        own.name = body.unit_name or own.name
        own.kind = body.unit_kind
        set_setting(session, "own_unit_id", own.id)
        if body.sector is not None:
            set_setting(session, "own_sector", body.sector.value)
        set_setting(session, "federation_id", body.federation_id)
        set_setting(session, "federation_name", body.federation_name)
        keep_plan_recipients(session, body.age_recipient, list(body.readers))
        if not info.federation_pinned:
            session.add(
                models.SigningKey(
                    keyid=key_id(federation_key),
                    public_key=federation_key,
                    unit_id=body.federation_id,
                    unit_name=info.federation_name,
                    epoch=header.epoch,
                    status="accepted",
                    role="federation",
                    received_at=utc_now_text(),
                    decided_at=utc_now_text(),
                    decided_by=audit.current_actor(session),
                    evidence=confirmed_fingerprint or "",
                )
            )
        for key in body.keys:
            session.execute(
                update(models.SigningKey)
                .where(models.SigningKey.keyid == key["keyid"], models.SigningKey.role == "own")
                .values(decided_at=key["status"])
            )
        record_key_statuses(session, body.keys)
        archive_received(session, package, unit_id=own.id, stream="plan", path=path)
        set_setting(session, "current_plan", header.plan_id)
        audit.record(
            session,
            action="plan.import",
            subject=header.plan_id,
            detail={
                "federation": info.federation_name,
                "unit": own.code,
                **({"practice_discarded": True} if discard_practice else {}),
            },
        )
    return info


def _adopt_unit_id(session: Session, old_id: str, new_id: str) -> None:
    """Take the id the federation gives this unit, moving anything typed before."""
    old = session.get(models.Unit, old_id)
    assert old is not None
    if session.get(models.Unit, new_id) is None:
        session.add(
            models.Unit(
                id=new_id,
                code=None,
                name=old.name,
                kind=old.kind,
                phone=old.phone,
                email=old.email,
                address=old.address,
                chair_name=old.chair_name,
            )
        )
        session.flush()
    session.execute(
        update(models.Statement).where(models.Statement.unit_id == old_id).values(unit_id=new_id)
    )
    session.execute(
        update(models.SigningKey).where(models.SigningKey.unit_id == old_id).values(unit_id=new_id)
    )
    session.execute(
        update(models.RosterEntry)
        .where(models.RosterEntry.unit_id == old_id)
        .values(unit_id=new_id)
    )
    session.flush()
    session.delete(old)
    session.flush()


def federation_file_kind(ctx: AppContext, *, path: Path) -> tuple[str, PlanPackageInfo | None]:
    """What a file from the federation is: ``plan`` (with what it says) or ``receipt``.

    Before the federation key is pinned only a plan package can be opened.
    The signature is verified before anything in the file is looked at.
    """
    data = read_limited(path, MAX_PACKAGE_BYTES)
    with ctx.reading() as session:
        require_unit_installation(session)
        pinned = pinned_federation_key(session)
        if pinned is None:
            return "plan", _read_plan_package(session, data)[3]
        package = open_from_federation(session, data, pinned)
        if package.header.kind is Kind.PLAN:
            return "plan", _read_plan_package(session, data)[3]
        if package.header.kind in (Kind.RECEIPT, Kind.RETURN):
            return "receipt", None
        raise PayloadError(N_("This is not a plan package from the federation."))


__all__ = [
    "PlanPackageInfo",
    "federation_file_kind",
    "import_plan_package",
    "inspect_plan_package",
    "practice_values",
]

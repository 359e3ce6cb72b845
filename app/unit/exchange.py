"""Unit-side package work: the federation's plan package, enrolment and
report export, receipts and returns, and relay bundles of upper-level unions.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.core import audit, domain
from app.core.audit import utc_now_text
from app.core.context import AppContext
from app.core.errors import N_, InputError, UserError
from app.core.files import display_name, write_output
from app.core.installation import get_installation, get_setting, set_setting
from app.core.text import nfc
from app.exchange import (
    MAX_BUNDLE_BYTES,
    MAX_PACKAGE_BYTES,
    Header,
    Kind,
    PayloadError,
    check_public_key,
    decode_base64_canonical,
    enrolment_to_json,
    ensure_own_key,
    fingerprint_groups,
    fingerprint_matches,
    key_id,
    new_package_id,
    now_text,
    open_envelope,
    own_epoch,
    own_key_row,
    parse_payload,
    parse_receipt,
    payload_format_version,
    rotate_own_key,
    seal,
    statement_to_json,
    suggested_file_name,
    verify_envelope,
)
from app.plans import get_plan, install_plan_document
from app.statements import StatementInput, save_statement, statement_values
from db import models
from db.enums import REGISTRATION_STREAM, Role, Sector, UnitKind


def _unit(session: Session) -> domain.Installation:
    installation = get_installation(session)
    if installation is None or installation.role is not Role.UNIT:
        raise UserError(N_("This needs a unit database."))
    return installation


# --- the federation's plan package ----------------------------------------------------


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
    return _PlanBody(
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
    pinned = session.scalar(
        select(models.SigningKey).where(
            models.SigningKey.role == "federation", models.SigningKey.status == "accepted"
        )
    )
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
        from app.core.strictjson import loads_strict

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
    return package, body, federation_key, info


def inspect_plan_package(ctx: AppContext, *, path: Path) -> PlanPackageInfo:
    data = _read_file(path, MAX_PACKAGE_BYTES)
    with ctx.reading() as session:
        _unit(session)
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
    data = _read_file(path, MAX_PACKAGE_BYTES)
    with ctx.unit_of_work() as session:
        installation = _unit(session)
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
        own = session.get(models.Unit, installation.own_unit_id)
        assert own is not None
        if discard_practice and not info.federation_pinned:
            _discard_practice(session)
        adopting = header.audience != installation.own_unit_id
        if adopting and (
            get_setting(session, "federation_id") is not None
            or (own.code and own.code != body.unit_code)
        ):
            raise InputError(
                N_("This plan package is meant for another unit ({code})."),
                params={"code": body.unit_code or header.unit_code},
            )
        if info.federation_pinned and body.federation_id != get_setting(session, "federation_id"):
            raise InputError(N_("The plan package comes from another federation."))
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
                    decided_by=audit.current_actor(),
                    evidence=confirmed_fingerprint or "",
                )
            )
        for key in body.keys:
            session.execute(
                update(models.SigningKey)
                .where(models.SigningKey.keyid == key["keyid"], models.SigningKey.role == "own")
                .values(decided_at=key["status"])
            )
        set_setting(session, "enrolment_status", json.dumps(body.keys))
        if session.get(models.Package, package.payload_hash) is None:
            session.add(
                models.Package(
                    hash=package.payload_hash,
                    raw=data,
                    kind=Kind.PLAN.value,
                    unit_id=own.id,
                    plan_id=header.plan_id,
                    stream="plan",
                    epoch=header.epoch,
                    revision=header.revision,
                    supersedes=None,
                    keyid=header.signer,
                    status="applied",
                    received_at=utc_now_text(),
                    file_name=display_name(path.name)[:400],
                    created_at=header.created_at,
                )
            )
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


# --- exports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    path: Path
    package_hash: str
    revision: int
    fingerprint: str
    kind: str
    stream: str


def _federation_id(session: Session) -> str:
    federation_id = get_setting(session, "federation_id")
    if not federation_id:
        raise InputError(
            N_("Import the federation's plan package first: it says where to send packages.")
        )
    return federation_id


def _unit_header(
    session: Session,
    unit: models.Unit,
    keypair: Any,
    *,
    kind: Kind,
    stream: str,
    plan_id: str = "",
    revision: int = 1,
    supersedes: str | None = None,
    plan_ref: str = "",
) -> Header:
    """The signed header of a package this unit sends to its federation."""
    return Header(
        package_id=new_package_id(),
        kind=kind,
        audience=_federation_id(session),
        unit_id=unit.id,
        unit_code=unit.code or "",
        signer=keypair.key_id,
        epoch=own_epoch(session),
        plan_id=plan_id,
        stream=stream,
        revision=revision,
        supersedes=supersedes,
        plan_ref=plan_ref,
        created_at=now_text(),
    )


def export_enrolment(
    ctx: AppContext, *, out: Path | None = None, passphrase: str | None = None
) -> Export:
    """The enrolment package introducing this unit's key to the federation."""
    with ctx.unit_of_work() as session:
        installation = _unit(session)
        keypair = ensure_own_key(session, passphrase=passphrase)
        row = own_key_row(session)
        assert row is not None
        return _write_enrolment(
            session, installation, keypair, [keypair.private_key], replaces=row.replaces, out=out
        )


def rotate_key(
    ctx: AppContext, *, out: Path | None = None, passphrase: str | None = None
) -> Export:
    """New key; the enrolment is signed by both keys so the federation accepts it."""
    with ctx.unit_of_work() as session:
        installation = _unit(session)
        old, new = rotate_own_key(session, passphrase=passphrase)
        return _write_enrolment(
            session,
            installation,
            new,
            [new.private_key, old.private_key],
            replaces=old.key_id,
            out=out,
        )


def _write_enrolment(
    session: Session,
    installation: domain.Installation,
    keypair: Any,
    signers: list[Any],
    *,
    replaces: str | None,
    out: Path | None,
) -> Export:
    unit = session.get(models.Unit, installation.own_unit_id)
    assert unit is not None
    header = _unit_header(session, unit, keypair, kind=Kind.ENROLMENT, stream="enrolment")
    body = enrolment_to_json(
        base64.b64encode(keypair.public_raw).decode("ascii"),
        name=unit.name,
        code=unit.code or "",
        chair=unit.chair_name,
        phone=unit.phone,
        email=unit.email,
        replaces=replaces,
    )
    payload_data, digest = seal(header, body, signers)
    path = out or Path(suggested_file_name(header))
    write_output(path, payload_data)
    audit.record(
        session,
        action="enrolment.export",
        subject=keypair.key_id,
        detail={"file": display_name(path)},
    )
    return Export(path, digest, 1, fingerprint_groups(keypair.public_raw), "enrolment", "enrolment")


def export_report(
    ctx: AppContext,
    *,
    plan_id: str,
    stream: str,
    out: Path | None = None,
    out_dir: Path | None = None,
    passphrase: str | None = None,
) -> Export:
    """Sign the unit's current statement of ``stream`` as the next revision."""
    with ctx.unit_of_work() as session:
        installation = _unit(session)
        _federation_id(session)  # refuse before signing when no plan package was imported
        plan = get_plan(session, plan_id)
        if stream != REGISTRATION_STREAM and stream not in {p.code for p in plan.periods}:
            raise InputError(N_("Unknown reporting period {period}."), params={"period": stream})
        statement = session.scalar(
            select(models.Statement).where(
                models.Statement.plan_id == plan_id,
                models.Statement.unit_id == installation.own_unit_id,
                models.Statement.stream == stream,
            )
        )
        values = statement_values(
            session, plan_id=plan_id, unit_id=installation.own_unit_id, stream=stream
        )
        if statement is None or not values:
            raise InputError(N_("There is nothing to send yet: enter the values first."))
        keypair = ensure_own_key(session, passphrase=passphrase)
        epoch = own_epoch(session)
        outbox = session.get(models.Outbox, (plan_id, stream))
        if outbox is None:
            outbox = models.Outbox(plan_id=plan_id, stream=stream, revision=0, epoch=epoch)
            session.add(outbox)
        movements = [
            m
            for (m,) in session.execute(
                select(models.Movement.code)
                .join(
                    models.StatementMovement,
                    models.StatementMovement.movement_id == models.Movement.id,
                )
                .where(models.StatementMovement.statement_id == statement.id)
            )
        ]
        titles = [
            (t.collective, t.person_name, t.position, t.title)
            for t in session.scalars(
                select(models.StatementTitle)
                .where(models.StatementTitle.statement_id == statement.id)
                .order_by(models.StatementTitle.sort_order)
            )
        ]
        works = [
            (w.name, w.occasion)
            for w in session.scalars(
                select(models.StatementWork)
                .where(models.StatementWork.statement_id == statement.id)
                .order_by(models.StatementWork.sort_order)
            )
        ]
        body = {
            "statement": statement_to_json(
                StatementInput(
                    plan_id=plan_id,
                    unit_id=installation.own_unit_id,
                    stream=stream,
                    values=values,
                    signer_name=statement.signer_name,
                    signer_title=statement.signer_title,
                    signed_on=statement.signed_on,
                    place=statement.place,
                    notes=statement.notes,
                    movement_codes=tuple(sorted(movements)),
                    titles=tuple(titles),
                    works=tuple(works),
                    narrative=domain.Narrative(
                        statement.assessment, statement.shortcomings, statement.direction
                    ),
                )
            )
        }
        unit = session.get(models.Unit, installation.own_unit_id)
        assert unit is not None
        revision = (outbox.revision or 0) + 1
        header = _unit_header(
            session,
            unit,
            keypair,
            kind=Kind.REPORT,
            stream=stream,
            plan_id=plan_id,
            revision=revision,
            supersedes=outbox.last_hash,
            plan_ref=plan.content_hash,
        )
        data, digest = seal(header, body, [keypair.private_key])
        path = out or (out_dir or Path(".")) / suggested_file_name(header)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_output(path, data)
        outbox.revision = revision
        outbox.epoch = epoch
        outbox.last_hash = digest
        outbox.exported_at = utc_now_text()
        outbox.status = "sent"
        outbox.sent_values_json = json.dumps(
            body["statement"]["values"], ensure_ascii=False, sort_keys=True
        )
        outbox.comments_json = "{}"
        statement.revision = revision
        audit.record(
            session,
            action="report.export",
            subject=f"{plan_id}/{stream}",
            detail={"revision": revision, "hash": digest, "file": display_name(path)},
        )
    return Export(path, digest, revision, keypair.fingerprint, Kind.REPORT.value, stream)


def make_bundle(
    ctx: AppContext, *, inputs: list[Path], out: Path, passphrase: str | None = None
) -> Export:
    """Relay member units' package files, byte for byte, under this union's signature."""
    if not inputs:
        raise InputError(N_("Name at least one package file to bundle."))
    items = []
    total = 0
    for path in inputs:
        data = _read_file(path, MAX_PACKAGE_BYTES)
        total += len(data)
        if total > MAX_BUNDLE_BYTES // 2:
            raise InputError(N_("The bundle would be too large; make several."))
        items.append(base64.b64encode(data).decode("ascii"))
    with ctx.unit_of_work() as session:
        installation = _unit(session)
        keypair = ensure_own_key(session, passphrase=passphrase)
        unit = session.get(models.Unit, installation.own_unit_id)
        assert unit is not None
        header = _unit_header(session, unit, keypair, kind=Kind.BUNDLE, stream="bundle")
        data, digest = seal(header, {"items": items}, [keypair.private_key])
        write_output(out, data)
        audit.record(session, action="bundle.export", detail={"items": len(items)})
    return Export(out, digest, 1, keypair.fingerprint, Kind.BUNDLE.value, "bundle")


# --- receipts and returns ----------------------------------------------------------------


@dataclass(frozen=True)
class StreamStatus:
    plan_id: str
    stream: str
    revision: int
    status: str  # draft | sent | received | returned
    general_comment: str
    comments: dict[str, str]


def import_receipt(ctx: AppContext, *, path: Path) -> StreamStatus:
    """Apply the federation's receipt or return to the stream's status."""
    data = _read_file(path, MAX_PACKAGE_BYTES)
    with ctx.unit_of_work() as session:
        installation = _unit(session)
        pinned = session.scalar(
            select(models.SigningKey).where(
                models.SigningKey.role == "federation", models.SigningKey.status == "accepted"
            )
        )
        if pinned is None:
            raise InputError(
                N_("Import the federation's plan package first: it says where to send packages.")
            )
        envelope = open_envelope(data, max_size=MAX_PACKAGE_BYTES)
        payload_format_version(envelope.payload_type)
        package = parse_payload(verify_envelope(envelope, pinned.public_key), data)
        header = package.header
        if header.kind not in (Kind.RECEIPT, Kind.RETURN):
            raise PayloadError(N_("This is not a receipt or return from the federation."))
        if header.audience != installation.own_unit_id:
            raise InputError(
                N_("This package is meant for another unit ({code})."),
                params={"code": header.unit_code},
            )
        receipt = parse_receipt(package.body)
        outbox = session.get(models.Outbox, (header.plan_id, header.stream))
        if outbox is None:
            raise InputError(N_("This receipt is for a stream this unit never sent."))
        if not receipt.returned:
            _note_key_accepted(session)  # a receipt means the federation trusts this key
        # A return wins over a receipt of the same revision, whichever is read first.
        overruled = (
            not receipt.returned
            and receipt.revision == outbox.revision
            and outbox.status == "returned"
        )
        if receipt.revision >= outbox.revision and not overruled:
            outbox.status = "returned" if receipt.returned else "received"
            outbox.comments_json = json.dumps(
                {"general": receipt.general_comment, "fields": receipt.comments}, ensure_ascii=False
            )
        if session.get(models.Package, package.payload_hash) is None:
            session.add(
                models.Package(
                    hash=package.payload_hash,
                    raw=data,
                    kind=header.kind.value,
                    unit_id=installation.own_unit_id,
                    plan_id=header.plan_id,
                    stream=header.stream,
                    epoch=header.epoch,
                    revision=header.revision,
                    supersedes=None,
                    keyid=header.signer,
                    status="applied",
                    received_at=utc_now_text(),
                    file_name=display_name(path.name)[:400],
                    created_at=header.created_at,
                )
            )
        audit.record(
            session,
            action=f"{header.kind.value}.import",
            subject=f"{header.plan_id}/{header.stream}",
            detail={"revision": receipt.revision},
        )
        return _status(outbox)


def _note_key_accepted(session: Session) -> None:
    """Remember that the federation accepted this unit's key (its receipt is signed proof),
    so exports stop writing the enrolment beside each package."""
    row = own_key_row(session)
    if row is None:
        return
    listed = json.loads(get_setting(session, "enrolment_status") or "[]")
    if not isinstance(listed, list):
        listed = []
    if not any(isinstance(k, dict) and k.get("keyid") == row.keyid for k in listed):
        listed.append({"keyid": row.keyid, "status": "accepted"})
    for key in listed:
        if isinstance(key, dict) and key.get("keyid") == row.keyid:
            key["status"] = "accepted"
    set_setting(session, "enrolment_status", json.dumps(listed))


def _status(outbox: models.Outbox) -> StreamStatus:
    comments = json.loads(outbox.comments_json or "{}")
    return StreamStatus(
        outbox.plan_id,
        outbox.stream,
        outbox.revision,
        outbox.status,
        comments.get("general", ""),
        comments.get("fields", {}),
    )


def stream_statuses(ctx: AppContext) -> list[StreamStatus]:
    with ctx.reading() as session:
        return [_status(o) for o in session.scalars(select(models.Outbox))]


# --- fill ---------------------------------------------------------------------------------


def fill_from_json(ctx: AppContext, *, path: Path) -> str:
    """Enter a statement from a JSON file (same checks as the screen)."""
    from app.core.strictjson import loads_strict

    document = loads_strict(
        _read_file(path, MAX_PACKAGE_BYTES),
        max_bytes=MAX_PACKAGE_BYTES,
        max_depth=8,
        allow_floats=False,
    )
    if not isinstance(document, dict) or not {"plan", "stream", "statement"} <= set(document):
        raise InputError(N_("The file must hold plan, stream and statement."))
    from app.exchange import parse_statement

    parsed = parse_statement({"statement": document["statement"]})
    with ctx.unit_of_work() as session:
        installation = _unit(session)
        return save_statement(
            session,
            StatementInput(
                plan_id=str(document["plan"]),
                unit_id=installation.own_unit_id,
                stream=str(document["stream"]),
                values=parsed.values,
                signer_name=parsed.signer_name,
                signer_title=parsed.signer_title,
                signed_on=parsed.signed_on,
                place=parsed.place,
                notes=parsed.notes,
                movement_codes=parsed.movements,
                titles=parsed.titles,
                works=parsed.works,
            ),
        )


def _read_file(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit`` (:func:`app.core.files.read_limited`)."""
    from app.core.files import read_limited

    return read_limited(path, limit)


def write_template(ctx: AppContext, *, plan_id: str, stream: str, out: Path) -> Path:
    """The Excel template for this unit's statement, pre-filled with what is saved."""
    from app.unit.template import write_statement_template

    with ctx.reading() as session:
        installation = _unit(session)
        plan = get_plan(session, plan_id)
        if stream != REGISTRATION_STREAM and stream not in {p.code for p in plan.periods}:
            raise InputError(N_("Unknown reporting period {period}."), params={"period": stream})
        own = session.get(models.Unit, installation.own_unit_id)
        assert own is not None
        sector_text = get_setting(session, "own_sector")
        sector = Sector(sector_text) if sector_text else None
        applicable = {i.code for i in plan.indicators if i.applies_to(own.kind, sector)}
        values = statement_values(session, plan_id=plan_id, unit_id=own.id, stream=stream)
        unit_code, unit_name = own.code or "", own.name
    write_statement_template(
        out,
        plan=plan,
        stream=stream,
        unit_code=unit_code,
        unit_name=unit_name,
        values=values,
        applicable=applicable,
    )
    return out


@dataclass(frozen=True)
class ValueChange:
    """One indicator an import would change: what is saved now, and what it would be."""

    code: str
    title: str
    old: domain.UnitValue | None
    new: domain.UnitValue


@dataclass(frozen=True)
class WorkbookPreview:
    """What importing a filled template would change, before anything is written."""

    path: Path
    plan_id: str
    stream: str
    changes: tuple[ValueChange, ...]
    #: Values the workbook holds that equal what is saved already.
    unchanged: int
    #: Cells converted from a legacy encoding, per encoding.
    conversions: dict[str, int]


def merged_value(old: domain.UnitValue | None, held: domain.UnitValue) -> domain.UnitValue:
    """What a workbook's row makes of a saved value: it changes only what it holds.

    Figures the row has replace the saved figures; a note it has replaces the
    saved note. An empty figure or note cell keeps what is saved.
    """
    if old is None:
        return held
    figures = held if not held.is_empty() else old
    return domain.UnitValue(
        amount=figures.amount,
        numerator=figures.numerator,
        denominator=figures.denominator,
        flag=figures.flag,
        grade=figures.grade,
        text=figures.text,
        note=held.note or old.note,
    )


def preview_workbook(ctx: AppContext, *, path: Path, plan_id: str) -> WorkbookPreview:
    """Read a filled template and say what importing it would change (old → new).

    Every row is checked first (:func:`app.unit.template.read_statement_workbook`);
    a bad one raises and nothing is read further. The workbook carries values
    and notes only: the movements, titles, works and signer are never touched.
    """
    from app.unit.template import read_statement_workbook

    with ctx.reading() as session:
        installation = _unit(session)
        plan = get_plan(session, plan_id)
        conversions: dict[str, int] = {}
        stream, held = read_statement_workbook(path, plan=plan, conversions=conversions)
        saved = statement_values(
            session, plan_id=plan_id, unit_id=installation.own_unit_id, stream=stream
        )
    changes: list[ValueChange] = []
    unchanged = 0
    for indicator in plan.indicators:
        if indicator.code not in held:
            continue
        old = saved.get(indicator.code)
        new = merged_value(old, held[indicator.code])
        if old == new:
            unchanged += 1
        else:
            changes.append(ValueChange(indicator.code, indicator.title, old, new))
    return WorkbookPreview(path, plan_id, stream, tuple(changes), unchanged, conversions)


def apply_workbook(ctx: AppContext, *, preview: WorkbookPreview) -> int:
    """Write the changes a preview showed, in one transaction; returns how many.

    Refused (nothing written) when a value changed since the preview was made.
    """
    from app.unit.workspace import set_values

    with ctx.reading() as session:
        installation = _unit(session)
        saved = statement_values(
            session,
            plan_id=preview.plan_id,
            unit_id=installation.own_unit_id,
            stream=preview.stream,
        )
    if any(saved.get(change.code) != change.old for change in preview.changes):
        raise InputError(
            N_("The values changed since the workbook was read; import it again to see them.")
        )
    set_values(
        ctx,
        plan_id=preview.plan_id,
        stream=preview.stream,
        values={change.code: change.new for change in preview.changes},
    )
    return len(preview.changes)


def fill_from_workbook(ctx: AppContext, *, path: Path, plan_id: str) -> dict[str, int]:
    """Import a filled template at once (the CLI): only the values it holds change.

    Returns the number of cells converted from a legacy encoding, per encoding.
    """
    preview = preview_workbook(ctx, path=path, plan_id=plan_id)
    apply_workbook(ctx, preview=preview)
    return preview.conversions


def federation_file_kind(ctx: AppContext, *, path: Path) -> tuple[str, PlanPackageInfo | None]:
    """What a file from the federation is: ``plan`` (with what it says) or ``receipt``.

    Before the federation key is pinned only a plan package can be opened.
    The signature is verified before anything in the file is looked at.
    """
    data = _read_file(path, MAX_PACKAGE_BYTES)
    with ctx.reading() as session:
        _unit(session)
        pinned = session.scalar(
            select(models.SigningKey).where(
                models.SigningKey.role == "federation", models.SigningKey.status == "accepted"
            )
        )
        if pinned is None:
            return "plan", _read_plan_package(session, data)[3]
        envelope = open_envelope(data, max_size=MAX_PACKAGE_BYTES)
        payload_format_version(envelope.payload_type)
        package = parse_payload(verify_envelope(envelope, pinned.public_key), data)
        if package.header.kind is Kind.PLAN:
            return "plan", _read_plan_package(session, data)[3]
        if package.header.kind in (Kind.RECEIPT, Kind.RETURN):
            return "receipt", None
        raise PayloadError(N_("This is not a plan package from the federation."))


def own_key_accepted(ctx: AppContext) -> bool:
    """Whether the federation's latest plan package lists this unit's key as accepted."""
    with ctx.reading() as session:
        row = own_key_row(session)
        if row is None:
            return False
        listed = json.loads(get_setting(session, "enrolment_status") or "[]")
        return any(
            isinstance(k, dict) and k.get("keyid") == row.keyid and k.get("status") == "accepted"
            for k in listed
        )


def export_with_enrolment(
    ctx: AppContext, *, plan_id: str, stream: str, out: Path, passphrase: str | None = None
) -> tuple[Export, Export | None]:
    """Export a report; beside it, the key's enrolment until the federation accepted it."""
    report = export_report(ctx, plan_id=plan_id, stream=stream, out=out, passphrase=passphrase)
    enrolment = None
    if not own_key_accepted(ctx):
        code = re.sub(r"[^\w\-]+", "-", out.stem.split("_")[0]) or "unit"
        enrolment = export_enrolment(
            ctx, out=out.with_name(f"{code}_enrolment{out.suffix}"), passphrase=passphrase
        )
    return report, enrolment

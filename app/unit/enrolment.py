"""The unit's key introduced to its federation: the enrolment package (and the
rotation to a new key, signed by both), whether the federation accepted the
key yet, and a report sent with the enrolment beside it until it has.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.core import audit, domain
from app.core.context import AppContext
from app.core.files import display_name, write_output
from app.core.installation import get_setting, require_unit_installation, set_setting
from app.exchange import (
    Kind,
    enrolment_to_json,
    ensure_identity,
    ensure_own_key,
    fingerprint_groups,
    own_key_row,
    rotate_own_key,
    seal,
    seal_outgoing,
    suggested_file_name,
)
from app.unit.sending import Export, export_report, unit_header
from db import models

#: The setting that holds the unit's keys as the federation last listed them.
_KEY_STATUSES = "enrolment_status"


def export_enrolment(
    ctx: AppContext, *, out: Path | None = None, passphrase: str | None = None
) -> Export:
    """The enrolment package introducing this unit's key to the federation."""
    with ctx.unit_of_work() as session:
        installation = require_unit_installation(session)
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
        installation = require_unit_installation(session)
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
    header = unit_header(session, unit, keypair, kind=Kind.ENROLMENT, stream="enrolment")
    body = enrolment_to_json(
        base64.b64encode(keypair.public_raw).decode("ascii"),
        name=unit.name,
        code=unit.code or "",
        chair=unit.chair_name,
        phone=unit.phone,
        email=unit.email,
        replaces=replaces,
        age_recipient=ensure_identity(session, keypair),
    )
    payload_data, digest = seal(header, body, signers)
    path = out or Path(suggested_file_name(header))
    write_output(path, seal_outgoing(session, payload_data))
    audit.record(
        session,
        action="enrolment.export",
        subject=keypair.key_id,
        detail={"file": display_name(path)},
    )
    return Export(path, digest, 1, fingerprint_groups(keypair.public_raw), "enrolment", "enrolment")


def record_key_statuses(session: Session, keys: list[dict[str, str]]) -> None:
    """The unit's keys and their status as the federation's plan package lists them."""
    set_setting(session, _KEY_STATUSES, json.dumps(keys))


def _listed_keys(session: Session) -> list[Any]:
    listed = json.loads(get_setting(session, _KEY_STATUSES) or "[]")
    return listed if isinstance(listed, list) else []


def note_key_accepted(session: Session) -> None:
    """Remember that the federation accepted this unit's key (its receipt is signed proof),
    so exports stop writing the enrolment beside each package."""
    row = own_key_row(session)
    if row is None:
        return
    listed = _listed_keys(session)
    if not any(isinstance(k, dict) and k.get("keyid") == row.keyid for k in listed):
        listed.append({"keyid": row.keyid, "status": "accepted"})
    for key in listed:
        if isinstance(key, dict) and key.get("keyid") == row.keyid:
            key["status"] = "accepted"
    record_key_statuses(session, listed)


def own_key_accepted(ctx: AppContext) -> bool:
    """Whether the federation's latest plan package lists this unit's key as accepted."""
    with ctx.reading() as session:
        row = own_key_row(session)
        if row is None:
            return False
        return any(
            isinstance(k, dict) and k.get("keyid") == row.keyid and k.get("status") == "accepted"
            for k in _listed_keys(session)
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


__all__ = [
    "export_enrolment",
    "export_with_enrolment",
    "note_key_accepted",
    "own_key_accepted",
    "record_key_statuses",
    "rotate_key",
]

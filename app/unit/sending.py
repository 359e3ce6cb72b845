"""The unit's own packages sent to its federation: the signed header they share,
the report of a stream (its next revision), and relay bundles of upper-level
unions. The key's enrolment is :mod:`app.unit.enrolment`'s.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import utc_now_text
from app.core.context import AppContext
from app.core.errors import N_, InputError
from app.core.files import display_name, read_limited, write_output
from app.core.installation import get_setting, require_unit_installation
from app.exchange import (
    MAX_BUNDLE_BYTES,
    MAX_PACKAGE_BYTES,
    Header,
    Kind,
    ensure_own_key,
    new_package_id,
    now_text,
    own_epoch,
    seal,
    seal_outgoing,
    statement_to_json,
    suggested_file_name,
)
from app.plans import get_plan
from app.statements import statement_input, statement_values
from app.unit.workspace import check_stream, statement_details
from db import models


@dataclass(frozen=True)
class Export:
    """A package file the unit wrote: where, its hash and revision, the key's fingerprint."""

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


def unit_header(
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
        installation = require_unit_installation(session)
        _federation_id(session)  # refuse before signing when no plan package was imported
        plan = get_plan(session, plan_id)
        check_stream(plan, stream)
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
        details = statement_details(session, plan_id, installation.own_unit_id, stream)
        body = {
            "statement": statement_to_json(
                statement_input(
                    plan_id=plan_id,
                    unit_id=installation.own_unit_id,
                    stream=stream,
                    values=values,
                    details=details,
                )
            )
        }
        unit = session.get(models.Unit, installation.own_unit_id)
        assert unit is not None
        revision = (outbox.revision or 0) + 1
        header = unit_header(
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
        write_output(path, seal_outgoing(session, data))
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
        data = read_limited(path, MAX_PACKAGE_BYTES)
        total += len(data)
        if total > MAX_BUNDLE_BYTES // 2:
            raise InputError(N_("The bundle would be too large; make several."))
        items.append(base64.b64encode(data).decode("ascii"))
    with ctx.unit_of_work() as session:
        installation = require_unit_installation(session)
        keypair = ensure_own_key(session, passphrase=passphrase)
        unit = session.get(models.Unit, installation.own_unit_id)
        assert unit is not None
        header = unit_header(session, unit, keypair, kind=Kind.BUNDLE, stream="bundle")
        data, digest = seal(header, {"items": items}, [keypair.private_key])
        write_output(out, seal_outgoing(session, data))
        audit.record(session, action="bundle.export", detail={"items": len(items)})
    return Export(out, digest, 1, keypair.fingerprint, Kind.BUNDLE.value, "bundle")


__all__ = ["Export", "export_report", "make_bundle", "unit_header"]

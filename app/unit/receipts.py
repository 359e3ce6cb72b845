"""The federation's receipts and returns read at the unit: each stream's send
status (draft, sent, received, returned) and the comments of a return."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.core import audit
from app.core.context import AppContext
from app.core.errors import N_, InputError
from app.core.files import read_limited
from app.core.installation import require_unit_installation
from app.exchange import MAX_PACKAGE_BYTES, Kind, PayloadError, parse_receipt
from app.unit.enrolment import note_key_accepted
from app.unit.packages import (
    archive_received,
    open_from_federation,
    pinned_federation_key,
)
from db import models


@dataclass(frozen=True)
class StreamStatus:
    plan_id: str
    stream: str
    revision: int
    status: str  # draft | sent | received | returned
    general_comment: str
    comments: dict[str, str]


def import_receipt(ctx: AppContext, *, path: Path, passphrase: str | None = None) -> StreamStatus:
    """Apply the federation's receipt or return to the stream's status (``passphrase``
    unlocks a protected key, whose decryption key opens an encrypted receipt)."""
    data = read_limited(path, MAX_PACKAGE_BYTES)
    with ctx.unit_of_work() as session:
        installation = require_unit_installation(session)
        pinned = pinned_federation_key(session)
        if pinned is None:
            raise InputError(
                N_("Import the federation's plan package first: it says where to send packages.")
            )
        package = open_from_federation(session, data, pinned, passphrase=passphrase)
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
            note_key_accepted(session)  # a receipt means the federation trusts this key
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
        archive_received(
            session, package, unit_id=installation.own_unit_id, stream=header.stream, path=path
        )
        audit.record(
            session,
            action=f"{header.kind.value}.import",
            subject=f"{header.plan_id}/{header.stream}",
            detail={"revision": receipt.revision},
        )
        return _status(outbox)


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


__all__ = ["StreamStatus", "import_receipt", "stream_statuses"]

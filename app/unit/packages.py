"""What the unit's package work shares: the federation key it pinned, a file
from the federation opened with that key, and the archive row of a package it
received (a plan package, a receipt or a return)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.audit import utc_now_text
from app.core.files import display_name
from app.exchange import (
    MAX_PACKAGE_BYTES,
    Package,
    installation_unsealer,
    open_envelope,
    parse_payload,
    payload_format_version,
    verify_envelope,
)
from db import models


def pinned_federation_key(session: Session) -> models.SigningKey | None:
    """The federation's key the chair confirmed with the first plan package (None before)."""
    return session.scalar(
        select(models.SigningKey).where(
            models.SigningKey.role == "federation", models.SigningKey.status == "accepted"
        )
    )


def open_from_federation(
    session: Session, data: bytes, pinned: models.SigningKey, *, passphrase: str | None = None
) -> Package:
    """A package the pinned federation key signed, decrypted when it came encrypted
    to this unit (``passphrase``: of a protected key), verified before it is parsed."""
    data = installation_unsealer(session, passphrase)(data)
    envelope = open_envelope(data, max_size=MAX_PACKAGE_BYTES)
    payload_format_version(envelope.payload_type)
    return parse_payload(verify_envelope(envelope, pinned.public_key), data)


def archive_received(
    session: Session, package: Package, *, unit_id: str, stream: str, path: Path
) -> None:
    """Keep a package from the federation, byte for byte, once (the unit's archive)."""
    if session.get(models.Package, package.payload_hash) is not None:
        return
    header = package.header
    session.add(
        models.Package(
            hash=package.payload_hash,
            raw=package.raw,
            kind=header.kind.value,
            unit_id=unit_id,
            plan_id=header.plan_id,
            stream=stream,
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


__all__ = [
    "archive_received",
    "open_from_federation",
    "pinned_federation_key",
]

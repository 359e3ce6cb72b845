"""This installation's age identity (to read encrypted packages), kept like its signing key.

The X25519 identity lives in the database's ``setting`` rows, never in the clear: the
row ``age_identity`` holds the identity encrypted with age to the installation's own
Ed25519 signing key (age's ``ssh-ed25519`` recipient), so whoever can unlock the
signing key — with its passphrase, on any staff PC of a shared federation database —
can read it, and no one else. Copies and backups of the database carry it locked with
the key; a key rotation wraps every identity to the new key (the old identities stay,
as ``retired_age_identity.<n>``, so earlier files still open). ``age_recipient`` is the
public half, what the federation's plan packages and a unit's enrolment announce.
"""

from __future__ import annotations

import pyrage
from cryptography.hazmat.primitives import serialization
from pyrage import ssh, x25519
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.days import today_local
from app.core.errors import N_, InputError
from app.core.installation import get_setting, set_setting
from app.core.strictjson import loads_strict
from app.exchange.format import MAX_ENROLMENT_BYTES
from app.exchange.keystore import KeyPair
from app.exchange.sealing import (
    Unsealer,
    check_recipient,
    encrypt_to,
    identity_from_text,
    new_identity,
    recipient_of,
)
from app.exchange.signing import open_envelope
from db import models

IDENTITY_SETTING = "age_identity"
RECIPIENT_SETTING = "age_recipient"
RETIRED_PREFIX = "retired_age_identity."
#: The last day plain (signed, unencrypted) packages are still accepted here.
PLAIN_UNTIL_SETTING = "plain_packages_until"


def _ssh_recipient(keypair: KeyPair) -> ssh.Recipient:
    public = keypair.private_key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return ssh.Recipient.from_str(public.decode("ascii"))


def _ssh_identity(keypair: KeyPair) -> ssh.Identity:
    pem = keypair.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    return ssh.Identity.from_buffer(pem)


def _wrap(identity: x25519.Identity, keypair: KeyPair) -> str:
    locked = pyrage.encrypt(str(identity).encode("ascii"), [_ssh_recipient(keypair)])
    return bytes(locked).hex()


def _unwrap(text: str, keypair: KeyPair) -> x25519.Identity:
    try:
        plain = pyrage.decrypt(bytes.fromhex(text), [_ssh_identity(keypair)])
        return identity_from_text(bytes(plain).decode("ascii"))
    except (ValueError, pyrage.DecryptError, pyrage.IdentityError) as exc:
        raise InputError(
            N_("The decryption key kept in the database does not match the signing key.")
        ) from exc


def own_recipient(session: Session) -> str | None:
    """The public half of this installation's age identity, if it has one."""
    return get_setting(session, RECIPIENT_SETTING)


def ensure_identity(session: Session, keypair: KeyPair) -> str:
    """This installation's age recipient, creating its identity (locked to ``keypair``)
    the first time; audited ``age.create``."""
    current = own_recipient(session)
    if current and get_setting(session, IDENTITY_SETTING):
        return current
    identity = new_identity()
    recipient = recipient_of(identity)
    set_setting(session, IDENTITY_SETTING, _wrap(identity, keypair))
    set_setting(session, RECIPIENT_SETTING, recipient)
    audit.record(session, action="age.create", subject=recipient)
    return recipient


def identities(session: Session, keypair: KeyPair) -> list[x25519.Identity]:
    """Every identity of this installation (current first, then retired), unlocked with
    its signing key."""
    texts = [get_setting(session, IDENTITY_SETTING)]
    texts += list(
        session.scalars(
            select(models.Setting.value)
            .where(models.Setting.key.startswith(RETIRED_PREFIX))
            .order_by(models.Setting.key.desc())
        )
    )
    return [_unwrap(text, keypair) for text in texts if text]


def rewrap_on_rotation(session: Session, old: KeyPair, new: KeyPair) -> None:
    """After a key rotation: a new identity for the new key, the old ones kept (retired)
    and every one locked to the new key."""
    kept = identities(session, old)
    if not kept:
        return
    for number, identity in enumerate(reversed(kept), start=1):
        set_setting(session, f"{RETIRED_PREFIX}{number:04d}", _wrap(identity, new))
    set_setting(session, IDENTITY_SETTING, "")
    ensure_identity(session, new)


def export_identity(session: Session, keypair: KeyPair) -> str:
    """The current identity as age writes it (``AGE-SECRET-KEY-1…``), for ``age -d -i``
    on a PC that must read the federation's files by hand; audited ``age.export``."""
    found = identities(session, keypair)
    if not found:
        raise InputError(N_("This installation has no decryption key yet."))
    audit.record(session, action="age.export", subject=own_recipient(session) or "")
    return str(found[0])


def unsealer(session: Session, keypair: KeyPair | None) -> Unsealer:
    """How this installation reads incoming files now: its identities (none while the
    signing key is locked) and the transition's last day for plain files."""
    found = identities(session, keypair) if keypair is not None else []
    return Unsealer(
        identities=tuple(found),
        plain_until=get_setting(session, PLAIN_UNTIL_SETTING),
        today=today_local().isoformat(),
        locked=keypair is None and bool(get_setting(session, IDENTITY_SETTING)),
    )


#: At a unit: the federation's age recipient, from its signed plan package.
FEDERATION_RECIPIENT_SETTING = "federation_age_recipient"
#: At a unit: the further recipients its plan package allows, one per line.
READERS_SETTING = "plan_readers"


def keep_plan_recipients(session: Session, federation: str, readers: list[str]) -> None:
    """At a unit: who may read what it sends, as its plan package says (signed)."""
    if federation:
        set_setting(session, FEDERATION_RECIPIENT_SETTING, check_recipient(federation))
        set_setting(session, READERS_SETTING, "\n".join(check_recipient(r) for r in readers))


def seal_outgoing(session: Session, data: bytes) -> bytes:
    """A unit's signed package encrypted to its federation and the readers its plan
    allows; as it is while no plan package has named a recipient (older plans)."""
    federation = get_setting(session, FEDERATION_RECIPIENT_SETTING)
    if not federation:
        return data
    readers = [r for r in (get_setting(session, READERS_SETTING) or "").split("\n") if r]
    return encrypt_to(data, [federation, *readers])


def plain_until(session: Session) -> str:
    """At the federation: the last day plain packages are accepted, set the first time a
    plan package is exported (a transition year from that day)."""
    found = get_setting(session, PLAIN_UNTIL_SETTING)
    if found:
        return found
    day = today_local()
    try:
        last = day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        last = day.replace(year=day.year + 1, day=28)
    set_setting(session, PLAIN_UNTIL_SETTING, last.isoformat())
    return last.isoformat()


def unit_recipient(session: Session, unit_id: str) -> str | None:
    """At the federation: the age recipient a unit's latest archived enrolment announced
    (signed, checked on import), or None for a unit of an older version."""
    raw = session.scalar(
        select(models.Package.raw)
        .where(models.Package.unit_id == unit_id, models.Package.kind == "enrolment")
        .order_by(models.Package.epoch.desc(), models.Package.received_at.desc())
        .limit(1)
    )
    if raw is None:
        return None
    envelope = open_envelope(bytes(raw), max_size=MAX_ENROLMENT_BYTES)
    body = loads_strict(envelope.payload, max_bytes=MAX_ENROLMENT_BYTES).get("body", {})
    found = body.get("age_recipient") if isinstance(body, dict) else None
    return found if isinstance(found, str) and found else None


def seal_for_unit(session: Session, unit_id: str, data: bytes) -> bytes:
    """The federation's signed file for a unit (receipt, return) encrypted to the unit;
    as it is for a unit whose enrolment announced no recipient (an older version)."""
    recipient = unit_recipient(session, unit_id)
    return encrypt_to(data, [recipient]) if recipient else data

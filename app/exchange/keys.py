"""This installation's own signing key, and the federation's trust decisions.

A unit's private key lives in the user data directory (``keys/<installation>.json``),
never in the database, and leaves the PC only as a passphrase-protected backup. The
federation's key, once a passphrase protects it, lives in its database instead
(:mod:`app.exchange.key_custody`) so that every staff PC can unlock it: the first
unlock moves a key file of the user folder there (the file is kept) or, with no key
yet, creates the key there. The database records the public half (``signing_key``
rows with role ``own``) so the history of rotations survives.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import utc_now_text
from app.core.errors import N_, InputError, NotFoundError
from app.core.files import display_name
from app.core.installation import (
    get_installation,
    get_setting,
    require_installation,
    set_setting,
)
from app.core.paths import user_data_dir
from app.exchange.age_keys import rewrap_on_rotation, unsealer
from app.exchange.bulk import chunks
from app.exchange.key_custody import remember, store_key, stored_key_text, unlocked_key
from app.exchange.key_status import KeyStatus
from app.exchange.keystore import (
    KeyPair,
    KeyStoreError,
    PassphraseRequiredError,
    export_backup,
    generate_keypair,
    key_from_text,
    load_private_key,
    restore_backup,
    save_private_key,
)
from app.exchange.sealing import Unsealer
from app.exchange.signing import fingerprint_groups, fingerprint_matches
from db import models
from db.enums import Role

MSG_KEY_LOCKED = N_(
    "The federation's signing key is locked. Enter its passphrase to unlock it on this computer."
)
MSG_KEY_ELSEWHERE = N_(
    "The federation's signing key is still a file on the computer that set the federation "
    "up. Unlock it there once with a passphrase; from then on every staff computer can "
    "unlock it."
)
MSG_ALREADY_PROTECTED = N_(
    "The federation's signing key is already kept protected in its database; nothing to do."
)
MSG_ROTATE_FILE_FIRST = N_(
    "The federation's signing key is still an unprotected file: protect it first "
    "(File → Protect the key for every staff computer, or thidua-cli keys protect)."
)
MSG_KEY_NEW = N_(
    "The federation has no signing key yet. Choose the passphrase that will protect it "
    "(at least 8 characters); every staff computer unlocks it with that passphrase."
)


@dataclass(frozen=True)
class KeyInfo:
    """A key as shown to people (no private material)."""

    keyid: str
    fingerprint: str
    unit_id: str
    unit_code: str
    unit_name: str
    epoch: int
    status: str
    role: str
    received_at: str
    decided_at: str
    evidence: str
    replaces: str | None


def _info(row: models.SigningKey) -> KeyInfo:
    return KeyInfo(
        keyid=row.keyid,
        fingerprint=fingerprint_groups(row.public_key),
        unit_id=row.unit_id,
        unit_code=row.unit_code,
        unit_name=row.unit_name,
        epoch=row.epoch,
        status=row.status,
        role=row.role,
        received_at=row.received_at,
        decided_at=row.decided_at,
        evidence=row.evidence,
        replaces=row.replaces,
    )


def installation_id(session: Session) -> str:
    """A stable id of this installation (names its key file)."""
    value = get_setting(session, "installation_id")
    if value is None:
        value = str(uuid.uuid4())
        set_setting(session, "installation_id", value)
    return value


def key_directory() -> Path:
    return user_data_dir() / "keys"


def own_key_path(session: Session) -> Path:
    return key_directory() / f"{installation_id(session)}.json"


def own_key_row(session: Session) -> models.SigningKey | None:
    keyid = get_setting(session, "own_keyid")
    return None if keyid is None else session.get(models.SigningKey, keyid)


def _record_own(session: Session, keypair: KeyPair, epoch: int, replaces: str | None) -> None:
    installation = require_installation(session)
    unit = session.get(models.Unit, installation.own_unit_id)
    if session.get(models.SigningKey, keypair.key_id) is None:
        session.add(
            models.SigningKey(
                keyid=keypair.key_id,
                public_key=keypair.public_raw,
                unit_id=installation.own_unit_id,
                unit_code=(unit.code or "") if unit else "",
                unit_name=unit.name if unit else "",
                epoch=epoch,
                status="own",
                role="own",
                received_at=utc_now_text(),
                replaces=replaces,
            )
        )
    set_setting(session, "own_keyid", keypair.key_id)
    set_setting(session, "own_epoch", str(epoch))


def _kept_in_database(session: Session, passphrase: str | None) -> bool:
    """Whether this installation's key is (or is now to be) the database's: a
    federation's, unless it is an older federation's unprotected key file."""
    installation = get_installation(session)
    if installation is None or installation.role is not Role.FEDERATION:
        return False
    if passphrase is not None or stored_key_text(session) is not None:
        return True
    return own_key_row(session) is None


def key_is_unprotected_file(session: Session) -> bool:
    """Whether this is an older federation whose key is still an unprotected file (to be
    protected in the database, :func:`protect_federation_key`)."""
    installation = get_installation(session)
    if installation is None or installation.role is not Role.FEDERATION:
        return False
    return stored_key_text(session) is None and own_key_row(session) is not None


def protect_federation_key(session: Session, passphrase: str) -> KeyPair:
    """Move an older federation's unprotected key file into the database, protected by
    ``passphrase`` (at least 8 characters; the file stays where it was); audited."""
    if not key_is_unprotected_file(session):
        raise InputError(MSG_ALREADY_PROTECTED)
    return unlock_federation_key(session, passphrase)


def _own_file_key(session: Session) -> KeyPair | None:
    """The key file of this PC, if it is still the current key and needs no passphrase."""
    path = own_key_path(session)
    try:
        keypair = load_private_key(path, None)
    except KeyStoreError:
        return None
    return keypair if keypair.key_id == get_setting(session, "own_keyid") else None


def unlock_federation_key(session: Session, passphrase: str | None) -> KeyPair:
    """The federation's key from its database, unlocked once per context.

    Without a key in the database yet, ``passphrase`` (required) protects the one
    put there: this PC's key file (kept, audited ``key.share``) or, with none, a new
    key (``key.create``). Raises :class:`PassphraseRequiredError` while locked and
    :class:`~app.exchange.keystore.WrongPassphraseError` for a wrong passphrase.
    """
    cached = unlocked_key(session)
    if cached is not None:
        return cached
    text = stored_key_text(session)
    if text is not None:
        try:
            keypair = key_from_text(text, passphrase)
        except PassphraseRequiredError:
            found = _own_file_key(session)
            if found is None:
                raise PassphraseRequiredError(MSG_KEY_LOCKED) from None
            keypair = found
        remember(session, keypair)
        return keypair
    if passphrase is None:
        raise PassphraseRequiredError(MSG_KEY_LOCKED if own_key_row(session) else MSG_KEY_NEW)
    if own_key_row(session) is None:
        return create_kept_key(session, passphrase=passphrase)
    if not own_key_path(session).exists():
        raise KeyStoreError(MSG_KEY_ELSEWHERE)
    keypair = load_private_key(own_key_path(session), passphrase)
    store_key(session, keypair, passphrase)
    audit.record(
        session,
        action="key.share",
        subject=keypair.key_id,
        detail={"fingerprint": keypair.fingerprint},
    )
    return keypair


def _new_own_key(session: Session, keep: Callable[[KeyPair], object]) -> KeyPair:
    """A new key of this installation: ``keep`` stores its private half; audited."""
    keypair = generate_keypair()
    keep(keypair)
    _record_own(session, keypair, 1, None)
    audit.record(
        session,
        action="key.create",
        subject=keypair.key_id,
        detail={"fingerprint": keypair.fingerprint},
    )
    return keypair


def create_kept_key(session: Session, *, passphrase: str | None) -> KeyPair:
    """A new federation key kept in the database, protected by ``passphrase`` (None only
    for the throwaway demo, whose database is its own and whose key signs nothing real)."""
    return _new_own_key(session, lambda keypair: store_key(session, keypair, passphrase))


def ensure_own_key(session: Session, *, passphrase: str | None = None) -> KeyPair:
    """Load this installation's key, creating it at the first call."""
    if _kept_in_database(session, passphrase):
        return unlock_federation_key(session, passphrase)
    path = own_key_path(session)
    if own_key_row(session) is not None:
        return load_private_key(path, passphrase)
    return _new_own_key(
        session,
        lambda keypair: save_private_key(
            keypair, path.parent, passphrase=passphrase, file_name=path.name
        ),
    )


def unlocked_own_key(session: Session) -> KeyPair | None:
    """This installation's key if it is usable without asking (unlocked earlier in
    this context, or a file needing no passphrase), else None; writes nothing."""
    text = stored_key_text(session)
    if text is not None:
        cached = unlocked_key(session)
        if cached is not None:
            return cached
        try:
            return key_from_text(text, None)  # the demo's, unprotected
        except KeyStoreError:
            pass
    if get_setting(session, "installation_id") is None:
        return None  # without an id no key file was ever named
    if text is not None:
        return _own_file_key(session)
    try:
        return load_private_key(own_key_path(session), None)
    except KeyStoreError:
        return None


def installation_unsealer(session: Session, passphrase: str | None = None) -> Unsealer:
    """How this installation opens the files it receives (:mod:`app.exchange.sealing`):
    with its age identities once its signing key is unlocked (by ``passphrase`` if
    given: a unit's protected key file)."""
    keypair: KeyPair | None = None
    if own_key_row(session) is not None:
        keypair = unlocked_own_key(session)
        if keypair is None and passphrase is not None:
            keypair = ensure_own_key(session, passphrase=passphrase)
    return unsealer(session, keypair)


def own_epoch(session: Session) -> int:
    return int(get_setting(session, "own_epoch") or "1")


def rotate_own_key(
    session: Session,
    *,
    passphrase: str | None = None,
    epoch_floor: int = 0,
    new_passphrase: str | None = None,
) -> tuple[KeyPair, KeyPair]:
    """Make a new key with a higher epoch; returns (old, new).

    The old key file is kept (renamed) so packages it signed can still be
    explained; the caller sends a rotation enrolment signed by both keys. The
    federation's key kept in the database needs its passphrase, and the new key is
    protected by ``new_passphrase`` (else the same); the old one stays as retired.
    """
    epoch = max(own_epoch(session), epoch_floor) + 1
    new = generate_keypair()
    text = stored_key_text(session)
    if text is not None:
        # The federation's key in the database: its passphrase must unlock the old one.
        old = key_from_text(text, passphrase)
        store_key(session, new, new_passphrase or passphrase)
    else:
        if key_is_unprotected_file(session):
            raise InputError(MSG_ROTATE_FILE_FIRST)
        old = ensure_own_key(session, passphrase=passphrase)
        path = own_key_path(session)
        path.replace(path.with_name(f"{path.stem}.epoch{epoch - 1}.json"))
        save_private_key(new, path.parent, passphrase=passphrase, file_name=path.name)
    session.execute(
        update(models.SigningKey)
        .where(models.SigningKey.keyid == old.key_id)
        .values(status="retired", decided_at=utc_now_text())
    )
    _record_own(session, new, epoch, old.key_id)
    rewrap_on_rotation(session, old, new)
    audit.record(
        session, action="key.rotate", subject=new.key_id, detail={"old": old.key_id, "epoch": epoch}
    )
    return old, new


def backup_own_key(
    session: Session, *, path: Path, passphrase: str, current_passphrase: str | None = None
) -> KeyInfo:
    keypair = ensure_own_key(session, passphrase=current_passphrase)
    export_backup(keypair, path, passphrase)
    audit.record(
        session,
        action="key.backup",
        subject=keypair.key_id,
        detail={"file": display_name(path.name)},
    )
    row = own_key_row(session)
    assert row is not None
    return _info(row)


def restore_own_key(
    session: Session, *, path: Path, passphrase: str, key_passphrase: str | None = None
) -> KeyInfo:
    """Put a backed-up key back as this installation's key (same PC or a new one).

    At a federation whose key is the database's (or given ``key_passphrase``), the key
    goes back into the database, protected by ``key_passphrase`` (else the backup's).
    """
    keypair = restore_backup(path, passphrase)
    if _kept_in_database(session, key_passphrase):
        store_key(session, keypair, key_passphrase or passphrase)
    else:
        target = own_key_path(session)
        save_private_key(
            keypair, target.parent, passphrase=None, file_name=target.name, overwrite=True
        )
    existing = session.get(models.SigningKey, keypair.key_id)
    epoch = existing.epoch if existing is not None else own_epoch(session)
    _record_own(session, keypair, epoch, None)
    audit.record(session, action="key.restore", subject=keypair.key_id)
    row = own_key_row(session)
    assert row is not None
    return _info(row)


def own_key_info(session: Session) -> KeyInfo | None:
    row = own_key_row(session)
    return None if row is None else _info(row)


# --- the federation's decisions -------------------------------------------------------


def list_keys(
    session: Session, *, status: str | None = None, units: Iterable[str] | None = None
) -> list[KeyInfo]:
    """The unit keys (those with ``status``, those of ``units``), oldest first."""
    conditions = [models.SigningKey.role == "unit"]
    if status:
        conditions.append(models.SigningKey.status == status)
    order = (models.SigningKey.received_at, models.SigningKey.unit_code, models.SigningKey.keyid)
    if units is None:
        query = select(models.SigningKey).where(*conditions).order_by(*order)
        return [_info(row) for row in session.scalars(query)]
    found: list[KeyInfo] = []
    for chunk in chunks(sorted(set(units))):  # a country's first season: 100,000 units
        query = select(models.SigningKey).where(*conditions, models.SigningKey.unit_id.in_(chunk))
        found.extend(_info(row) for row in session.scalars(query))
    found.sort(key=lambda k: (k.received_at, k.unit_code, k.keyid))
    return found


def _find_key(session: Session, keyid: str) -> models.SigningKey:
    """By full keyid or an unambiguous prefix of it (≥ 8 hex digits)."""
    keyid = keyid.strip().lower()
    row = session.get(models.SigningKey, keyid)
    if row is None and len(keyid) >= 8:
        matches = list(
            session.scalars(
                select(models.SigningKey).where(
                    models.SigningKey.keyid.startswith(keyid), models.SigningKey.role == "unit"
                )
            )
        )
        if len(matches) == 1:
            row = matches[0]
    if row is None or row.role != "unit":
        raise NotFoundError(N_("No unit key {keyid}."), params={"keyid": keyid})
    return row


def record_key_decision(
    session: Session,
    *,
    keyid: str,
    decision: KeyStatus,
    evidence: str = "",
    fingerprint: str | None = None,
) -> KeyInfo:
    """Accept, refuse or revoke a unit key in ``session`` (audited); what the
    screens and the CLI call is :func:`app.exchange.federation.decide_key`, which
    also merges the packages held for a key it accepts.

    Accepting requires the fingerprint the staff read from the stamped form
    or heard on the phone when ``fingerprint`` is given. Accepting a new key
    for a unit that already has an accepted one is the dead-PC recovery: the
    old key is retired, and whatever it signs from now on is quarantined.
    """
    row = _find_key(session, keyid)
    replaced: list[str] = []
    if decision is KeyStatus.ACCEPTED:
        if row.status not in (KeyStatus.PENDING.value, KeyStatus.REFUSED.value):
            raise InputError(N_("Only a pending or refused key can be accepted."))
        if fingerprint is not None and not fingerprint_matches(row.public_key, fingerprint):
            raise InputError(N_("The fingerprint does not match this key; it was not accepted."))
        for other in session.scalars(
            select(models.SigningKey).where(
                models.SigningKey.unit_id == row.unit_id,
                models.SigningKey.role == "unit",
                models.SigningKey.status == KeyStatus.ACCEPTED.value,
                models.SigningKey.keyid != row.keyid,
            )
        ):
            other.status = KeyStatus.RETIRED.value
            other.decided_at = utc_now_text()
            other.decided_by = "recovery"
            replaced.append(other.keyid)
    elif decision is KeyStatus.REFUSED:
        if row.status != KeyStatus.PENDING.value:
            raise InputError(N_("Only a pending key can be refused."))
    elif decision is KeyStatus.REVOKED:
        if row.status == KeyStatus.REVOKED.value:
            raise InputError(N_("This key is already revoked."))
    else:
        raise InputError(N_("Unknown decision."))
    row.status = decision.value
    row.decided_at = utc_now_text()
    row.decided_by = audit.current_actor(session)
    if evidence:
        row.evidence = evidence
    audit.record(
        session,
        action=f"key.{decision.value}",
        subject=row.keyid,
        detail={"unit": row.unit_id, "evidence": evidence}
        | ({"replaced": replaced} if replaced else {}),
    )
    session.flush()
    return _info(row)

"""Packages encrypted with age: sign, then encrypt; decrypt, then verify.

A package leaves the PC as an age file (the age-encryption.org/v1 format, X25519
recipients, through the ``pyrage`` binding: nothing here is home-made cryptography)
whose plaintext is the signed DSSE envelope, byte for byte, so it still verifies with
any DSSE library once decrypted. Who may read it is decided by the federation and
travels signed in its plan package (:mod:`app.exchange.federation`).

Reading is one step before the envelope is opened (:func:`unseal`): a plain envelope
passes through (while the plan's transition allows it), an age file is decrypted with
the installation's identities. A file this installation holds no identity for is
reported as *not a recipient*, never as tampered; a damaged age file as damaged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyrage
from pyrage import x25519

from app.core.days import parse_day, short_date
from app.core.errors import N_, InputError
from app.exchange.keystore import WrongPassphraseError

#: The first line of every age file (binary form).
AGE_MAGIC = b"age-encryption.org/v1\n"
#: An X25519 recipient as age writes it.
RECIPIENT_PREFIX = "age1"
IDENTITY_PREFIX = "AGE-SECRET-KEY-1"
#: The most recipients one package names (federation, upper-level union, cluster leader…).
MAX_RECIPIENTS = 16

MSG_NOT_RECIPIENT = N_(
    "Not a recipient: the file is encrypted for others and this installation cannot read it."
)
MSG_DAMAGED = N_("The encrypted file is damaged or incomplete.")
MSG_PLAIN_REFUSED = N_(
    "The file is not encrypted: unencrypted packages were accepted only until {date}."
)
MSG_NO_IDENTITY = N_(
    "The file is encrypted, but this installation has no decryption key yet: unlock the "
    "signing key first."
)


class SealingError(InputError):
    """An encrypted file that cannot be read here."""


class WrongBackupPassphraseError(SealingError, WrongPassphraseError):
    """The passphrase does not open a backup's data: the same "try again" as a key's."""


class NotRecipientError(SealingError):
    """Encrypted for others: none of this installation's identities opens it."""


def is_encrypted(data: bytes) -> bool:
    """Whether ``data`` is an age file (binary or ASCII-armored)."""
    return data.startswith(AGE_MAGIC) or data.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")


def check_recipient(text: str) -> str:
    """``text`` if it is an X25519 age recipient, else :class:`InputError`."""
    try:
        if not isinstance(text, str) or not text.startswith(RECIPIENT_PREFIX):
            raise ValueError(text)
        x25519.Recipient.from_str(text)
    except (ValueError, pyrage.RecipientError) as exc:
        raise InputError(
            N_("The package content is invalid: {field}."), params={"field": "recipient"}
        ) from exc
    return text


def new_identity() -> x25519.Identity:
    return x25519.Identity.generate()


def identity_from_text(text: str) -> x25519.Identity:
    return x25519.Identity.from_str(text.strip())


def recipient_of(identity: x25519.Identity) -> str:
    return str(identity.to_public())


def encrypt_to(data: bytes, recipients: Sequence[str]) -> bytes:
    """``data`` encrypted to every recipient named (duplicates once)."""
    unique = list(dict.fromkeys(check_recipient(r) for r in recipients))
    if not unique or len(unique) > MAX_RECIPIENTS:
        raise InputError(
            N_("The package content is invalid: {field}."), params={"field": "recipients"}
        )
    return bytes(pyrage.encrypt(data, [x25519.Recipient.from_str(r) for r in unique]))


def decrypt(data: bytes, identities: Sequence[x25519.Identity], *, locked: bool = False) -> bytes:
    """An age file's plaintext; :class:`NotRecipientError` when no identity opens it
    (``locked``: the identities are not at hand until the signing key is unlocked)."""
    if locked:
        raise NotRecipientError(MSG_NO_IDENTITY)
    # With no identity of its own, a throwaway one still has the header read: a damaged
    # file is told from one for others.
    tried = list(identities) or [x25519.Identity.generate()]
    try:
        return bytes(pyrage.decrypt(data, tried))
    except pyrage.DecryptError as exc:
        if "no matching keys" in str(exc).lower():
            raise NotRecipientError(MSG_NOT_RECIPIENT) from None
        raise SealingError(MSG_DAMAGED) from None
    except Exception:
        raise SealingError(MSG_DAMAGED) from None


@dataclass(frozen=True)
class Unsealer:
    """How this installation reads incoming files: its identities, and until when
    (``plain_until``, a day's ISO text, or None for no end yet) plain files are accepted.
    ``today`` is that same calendar's day, as ISO text."""

    identities: tuple[x25519.Identity, ...]
    plain_until: str | None
    today: str
    #: The signing key is locked: the identities cannot be read yet.
    locked: bool = False

    def __call__(self, data: bytes) -> bytes:
        return unseal(data, self)


def unseal(data: bytes, policy: Unsealer) -> bytes:
    """The signed envelope inside ``data``: decrypted when it is an age file, as it is
    when plain and the transition still allows it."""
    if is_encrypted(data):
        return decrypt(data, policy.identities, locked=policy.locked)
    if policy.plain_until is not None and policy.today > policy.plain_until:
        raise SealingError(
            MSG_PLAIN_REFUSED, params={"date": short_date(parse_day(policy.plain_until))}
        )
    return data


# --- backups: age's scrypt recipient ------------------------------------------------------

MSG_WRONG_BACKUP_PASSPHRASE = N_(
    "The passphrase does not open this backup's data: check it and type it again."
)


def encrypt_with_passphrase(data: bytes, passphrase: str) -> bytes:
    """``data`` encrypted with age's scrypt recipient under ``passphrase``."""
    return bytes(pyrage.passphrase.encrypt(data, passphrase))


def decrypt_with_passphrase(data: bytes, passphrase: str) -> bytes:
    """What :func:`encrypt_with_passphrase` encrypted; :class:`SealingError` saying so
    when the passphrase is wrong, or the file damaged."""
    try:
        return bytes(pyrage.passphrase.decrypt(data, passphrase))
    except pyrage.DecryptError as exc:
        if "decryption failed" in str(exc).lower():
            raise WrongBackupPassphraseError(MSG_WRONG_BACKUP_PASSPHRASE) from None
        raise SealingError(MSG_DAMAGED) from None
    except Exception:
        raise SealingError(MSG_DAMAGED) from None

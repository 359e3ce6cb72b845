"""Ed25519 signing keys of a unit or federation: generation, storage, backup.

Each installation generates its key at first run (docs/reference.md, "Signed
packages"). The private key never leaves the PC except as a passphrase-protected
backup, so this module stores it in one of two small versioned JSON files:

Key file (:data:`KEY_FILE_NAME` in the user data directory, mode 0600), with
``"protection"`` either

- ``"none"``: the raw 32-byte Ed25519 seed in base64. The file mode is then
  the only protection, as for an SSH key without passphrase; or
- ``"scrypt-aes-256-gcm"``: the seed encrypted with AES-256-GCM under a key
  derived from the passphrase by scrypt.

Backup file (anywhere, e.g. a USB stick): always encrypted, passphrase of at
least :data:`MIN_PASSPHRASE_LENGTH` characters; a different ``"format"`` so a
backup and a live key file are never mistaken for one another.

Encryption: scrypt(NFC(passphrase) as UTF-8, salt 16 random bytes, stored
n/r/p) yields 48 bytes; the first 32 are the AES-256-GCM key, the next 16 a
passphrase check value stored in the file. The check tells a wrong
passphrase apart from a damaged file (GCM alone cannot), and costs an
attacker nothing extra: testing a guess against it takes the same scrypt
run as testing it against the GCM tag. (A damaged check value itself reads
as a wrong passphrase.) New passphrases, for key files and backups alike,
need at least :data:`MIN_PASSPHRASE_LENGTH` characters after normalisation.
The associated data binds the file format and the public key, so a
ciphertext cannot be moved under another public key. After decryption the
public key is recomputed from the seed and compared with the stored one.

Passphrases are NFC-normalised first: "Mật khẩu" typed with a Telex or VNI
input method that emits combining marks (NFD) must unlock a key protected
from a keyboard that emits precomposed letters.

Files are written atomically (temporary file in the same directory, fsync,
``os.replace`` or ``os.link``, directory fsync): a crash leaves either the
old file or the new one, never half a key. On Windows the 0600 mode is
ignored; the user profile directory's ACL is the protection there.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import os
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.core.errors import N_, InputError
from app.core.files import FileTooLargeError, read_limited
from app.core.strictjson import MalformedJSONError, dumps_canonical, loads_strict
from app.exchange.signing import (
    WeakKeyError,
    check_public_key,
    decode_base64_canonical,
    fingerprint_groups,
    key_id,
)

__all__ = [
    "BACKUP_FORMAT",
    "DEFAULT_SCRYPT",
    "KEY_FILE_FORMAT",
    "KEY_FILE_NAME",
    "MIN_PASSPHRASE_LENGTH",
    "CorruptKeyFileError",
    "KeyFileInfo",
    "KeyPair",
    "KeyStoreError",
    "PassphraseRequiredError",
    "ScryptParams",
    "WeakPassphraseError",
    "WrongPassphraseError",
    "export_backup",
    "generate_keypair",
    "key_from_text",
    "key_text",
    "load_private_key",
    "read_key_file_info",
    "restore_backup",
    "save_private_key",
]

KEY_FILE_NAME = "signing-key.json"
KEY_FILE_FORMAT = "thidua-signing-key"
BACKUP_FORMAT = "thidua-signing-key-backup"
FORMAT_VERSION = 1
MIN_PASSPHRASE_LENGTH = 8

PROTECTION_NONE = "none"
PROTECTION_SCRYPT_AES_GCM = "scrypt-aes-256-gcm"

SEED_SIZE = 32
_SALT_SIZE = 16
_NONCE_SIZE = 12
_CHECK_SIZE = 16
_MAX_FILE_SIZE = 16 * 1024
# Bounds on parameters read from a file, so a damaged or hostile file cannot
# make us allocate gigabytes: 128·r·n bytes of memory at most 1 GiB.
_MAX_SCRYPT_MEMORY = 1 << 30
_MAX_SCRYPT_R = 32
_MAX_SCRYPT_P = 16

MSG_FILE_MISSING = N_("The key file does not exist.")
MSG_FILE_UNREADABLE = N_("The key file cannot be read.")
MSG_FILE_UNWRITABLE = N_("The key file cannot be written.")
MSG_FILE_EXISTS = N_("A key file already exists there; it was not replaced.")
MSG_CORRUPT = N_("The key file is damaged or is not a Thi Đua key file.")
MSG_TOO_NEW = N_("The key file was made by a newer version of Thi Đua.")
MSG_IS_BACKUP = N_("This file is a key backup: restore it instead of opening it as a key file.")
MSG_NOT_BACKUP = N_("This file is not a key backup.")
MSG_PASSPHRASE_REQUIRED = N_("This key is protected by a passphrase. Enter it to unlock the key.")
MSG_WRONG_PASSPHRASE = N_("The passphrase is wrong.")
MSG_PASSPHRASE_TOO_SHORT = N_("The passphrase must be at least {minimum} characters long.")


class KeyStoreError(InputError):
    """A key file or backup cannot be read or written."""


class CorruptKeyFileError(KeyStoreError):
    """The file is damaged, altered, or not a key file of ours."""


class PassphraseRequiredError(KeyStoreError):
    """The key is encrypted and no passphrase was given: ask for one."""


class WrongPassphraseError(KeyStoreError):
    """The passphrase does not unlock this key: let the user try again."""


class WeakPassphraseError(KeyStoreError):
    """A new passphrase is too short to protect a key."""


def _valid_scrypt(n: int, r: int, p: int) -> bool:
    return (
        n >= 2
        and n & (n - 1) == 0
        and 1 <= r <= _MAX_SCRYPT_R
        and 1 <= p <= _MAX_SCRYPT_P
        and 128 * r * n <= _MAX_SCRYPT_MEMORY
    )


@dataclass(frozen=True, slots=True)
class ScryptParams:
    """scrypt cost: ``n`` (power of two), block size ``r``, parallelism ``p``.

    Memory is 128·r·n bytes. Tests pass tiny values to stay fast; production
    uses :data:`DEFAULT_SCRYPT`.
    """

    n: int
    r: int
    p: int

    def __post_init__(self) -> None:
        if not _valid_scrypt(self.n, self.r, self.p):
            raise ValueError(f"unsupported scrypt parameters n={self.n} r={self.r} p={self.p}")


#: n = 2**17, r = 8, p = 1: 128 MiB and ~0.23 s on the development machine
#: (a few hundred ms to ~1 s on an older office PC). Unlocking is rare (once
#: per export or per session), a backup is exposed on a USB stick, so the
#: cost is set higher than the interactive-login 2**15.
DEFAULT_SCRYPT = ScryptParams(n=2**17, r=8, p=1)


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A private key with its public key and key id.

    Equality compares the public half only; the private key is kept out of
    ``repr`` so it never lands in a log.
    """

    private_key: Ed25519PrivateKey = field(repr=False, compare=False)
    public_raw: bytes
    key_id: str

    def __post_init__(self) -> None:
        if self.private_key.public_key().public_bytes_raw() != self.public_raw:
            raise ValueError("public_raw does not belong to private_key")
        if key_id(self.public_raw) != self.key_id:
            raise ValueError("key_id does not match public_raw")

    @classmethod
    def from_private_key(cls, private_key: Ed25519PrivateKey) -> KeyPair:
        public_raw = private_key.public_key().public_bytes_raw()
        return cls(private_key=private_key, public_raw=public_raw, key_id=key_id(public_raw))

    @property
    def fingerprint(self) -> str:
        """The phone-readable fingerprint (:func:`app.exchange.signing.fingerprint_groups`)."""
        return fingerprint_groups(self.public_raw)


@dataclass(frozen=True, slots=True)
class KeyFileInfo:
    """What a key file or backup says about itself, readable without the passphrase."""

    path: Path
    public_raw: bytes
    key_id: str
    protected: bool
    is_backup: bool


def generate_keypair() -> KeyPair:
    """A fresh Ed25519 key pair from the operating system's CSPRNG."""
    return KeyPair.from_private_key(Ed25519PrivateKey.generate())


def save_private_key(
    keypair: KeyPair,
    directory: Path,
    *,
    passphrase: str | None,
    file_name: str = KEY_FILE_NAME,
    overwrite: bool = False,
    scrypt: ScryptParams = DEFAULT_SCRYPT,
) -> Path:
    """Write the key file into ``directory`` (created 0700 if missing); return its path.

    ``passphrase=None`` stores the seed unencrypted (mode 0600); otherwise it
    must have at least :data:`MIN_PASSPHRASE_LENGTH` characters after NFC
    normalisation (:class:`WeakPassphraseError`). An existing key file is
    never replaced unless ``overwrite`` is true (:class:`KeyStoreError`),
    because losing a key means re-enrolling the unit.
    """
    document = _key_document(keypair, passphrase, scrypt)
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise KeyStoreError(MSG_FILE_UNWRITABLE, detail=f"{directory}: {exc}") from exc
    path = directory / file_name
    _write_atomic(path, dumps_canonical(document), overwrite=overwrite)
    return path


def read_key_file_info(path: Path) -> KeyFileInfo:
    """The public key and protection of a key file or backup, without unlocking it.

    Lets the UI show the fingerprint and ask for a passphrase only when
    needed. Raises :class:`KeyStoreError` subclasses like :func:`load_private_key`.
    """
    document = _read_document(path)
    form, public_raw = _check_header(document)
    return KeyFileInfo(
        path=path,
        public_raw=public_raw,
        key_id=key_id(public_raw),
        protected=document.get("protection") == PROTECTION_SCRYPT_AES_GCM,
        is_backup=form == BACKUP_FORMAT,
    )


def load_private_key(path: Path, passphrase: str | None) -> KeyPair:
    """Read the key file at ``path`` and return the unlocked key pair.

    Raises :class:`PassphraseRequiredError` if the key is encrypted and
    ``passphrase`` is None, :class:`WrongPassphraseError` if it does not
    unlock the key, :class:`CorruptKeyFileError` if the file is damaged or a
    backup, and :class:`KeyStoreError` if it is missing or unreadable. A
    passphrase given for an unencrypted key is ignored.
    """
    return _unlock(_read_document(path), passphrase, str(path))


def key_text(
    keypair: KeyPair, passphrase: str | None, *, scrypt: ScryptParams = DEFAULT_SCRYPT
) -> str:
    """What :func:`save_private_key` writes, as text, for keeping elsewhere than in a
    file (the federation's key in its database). ``None`` leaves it unprotected."""
    return dumps_canonical(_key_document(keypair, passphrase, scrypt)).decode("ascii")


def key_from_text(text: str, passphrase: str | None) -> KeyPair:
    """The key pair of a :func:`key_text`; raises as :func:`load_private_key` does."""
    return _unlock(_parse_document(text.encode("utf-8")), passphrase, "key text")


def _key_document(keypair: KeyPair, passphrase: str | None, scrypt: ScryptParams) -> dict[str, Any]:
    if passphrase is not None:
        return _encrypted_document(KEY_FILE_FORMAT, keypair, passphrase, scrypt)
    document = _document(KEY_FILE_FORMAT, keypair)
    document["protection"] = PROTECTION_NONE
    document["seed"] = _b64(_seed(keypair))
    return document


def _unlock(document: dict[str, Any], passphrase: str | None, where: str) -> KeyPair:
    form, public_raw = _check_header(document)
    if form != KEY_FILE_FORMAT:
        raise CorruptKeyFileError(MSG_IS_BACKUP, detail=where)
    protection = document.get("protection")
    if protection == PROTECTION_NONE:
        _require_fields(document, {"seed"})
        return _keypair_from_seed(_field_b64(document, "seed", SEED_SIZE), public_raw)
    if passphrase is None:
        raise PassphraseRequiredError(MSG_PASSPHRASE_REQUIRED, detail=where)
    return _decrypt_document(document, form, public_raw, passphrase)


def export_backup(
    keypair: KeyPair,
    path: Path,
    passphrase: str,
    *,
    scrypt: ScryptParams = DEFAULT_SCRYPT,
) -> None:
    """Write an encrypted backup of ``keypair`` to ``path`` (replacing a file there).

    The passphrase is mandatory and must have at least
    :data:`MIN_PASSPHRASE_LENGTH` characters (:class:`WeakPassphraseError`).
    Replacing is allowed because the path comes from a save dialog that has
    already asked; the write is atomic, so an old backup survives a failure.
    """
    document = _encrypted_document(BACKUP_FORMAT, keypair, passphrase, scrypt)
    _write_atomic(path, dumps_canonical(document), overwrite=True)


def restore_backup(path: Path, passphrase: str) -> KeyPair:
    """Decrypt a backup written by :func:`export_backup`.

    The caller then stores the key with :func:`save_private_key`. Raises
    :class:`WrongPassphraseError`, :class:`CorruptKeyFileError` (also when the
    file is a key file rather than a backup) or :class:`KeyStoreError`.
    """
    document = _read_document(path)
    form, public_raw = _check_header(document)
    if form != BACKUP_FORMAT or document.get("protection") != PROTECTION_SCRYPT_AES_GCM:
        raise CorruptKeyFileError(MSG_NOT_BACKUP, detail=str(path))
    return _decrypt_document(document, form, public_raw, passphrase)


# --- encryption ------------------------------------------------------------


def _normalise_passphrase(passphrase: str) -> bytes:
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _check_new_passphrase(passphrase: str) -> bytes:
    normalised = unicodedata.normalize("NFC", passphrase)
    if len(normalised) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphraseError(
            MSG_PASSPHRASE_TOO_SHORT, params={"minimum": MIN_PASSPHRASE_LENGTH}
        )
    return normalised.encode("utf-8")


def _derive(secret: bytes, salt: bytes, params: ScryptParams) -> tuple[bytes, bytes]:
    """(AES key, passphrase check value) from one scrypt run."""
    output = Scrypt(salt=salt, length=32 + _CHECK_SIZE, n=params.n, r=params.r, p=params.p).derive(
        secret
    )
    return output[:32], output[32:]


def _associated_data(form: str, public_raw: bytes) -> bytes:
    return f"{form} v{FORMAT_VERSION}\n".encode() + public_raw


def _encrypted_document(
    form: str, keypair: KeyPair, passphrase: str, params: ScryptParams
) -> dict[str, Any]:
    secret = _check_new_passphrase(passphrase)
    salt = secrets.token_bytes(_SALT_SIZE)
    nonce = secrets.token_bytes(_NONCE_SIZE)
    aes_key, check = _derive(secret, salt, params)
    ciphertext = AESGCM(aes_key).encrypt(
        nonce, _seed(keypair), _associated_data(form, keypair.public_raw)
    )
    document = _document(form, keypair)
    document.update(
        {
            "protection": PROTECTION_SCRYPT_AES_GCM,
            "scrypt": {"n": params.n, "r": params.r, "p": params.p, "salt": _b64(salt)},
            "check": _b64(check),
            "nonce": _b64(nonce),
            "ciphertext": _b64(ciphertext),
        }
    )
    return document


def _decrypt_document(
    document: dict[str, Any], form: str, public_raw: bytes, passphrase: str
) -> KeyPair:
    _require_fields(document, {"scrypt", "check", "nonce", "ciphertext"})
    kdf = document["scrypt"]
    if not isinstance(kdf, dict) or set(kdf) != {"n", "r", "p", "salt"}:
        raise CorruptKeyFileError(MSG_CORRUPT, detail="scrypt parameters")
    n, r, p = kdf["n"], kdf["r"], kdf["p"]
    if not all(type(value) is int for value in (n, r, p)) or not _valid_scrypt(n, r, p):
        raise CorruptKeyFileError(MSG_CORRUPT, detail="scrypt parameters out of range")
    salt = _field_b64(kdf, "salt", _SALT_SIZE)
    stored_check = _field_b64(document, "check", _CHECK_SIZE)
    nonce = _field_b64(document, "nonce", _NONCE_SIZE)
    ciphertext = _field_b64(document, "ciphertext", SEED_SIZE + 16)
    aes_key, check = _derive(_normalise_passphrase(passphrase), salt, ScryptParams(n, r, p))
    if not hmac.compare_digest(check, stored_check):
        raise WrongPassphraseError(MSG_WRONG_PASSPHRASE)
    try:
        seed = AESGCM(aes_key).decrypt(nonce, ciphertext, _associated_data(form, public_raw))
    except InvalidTag:
        raise CorruptKeyFileError(MSG_CORRUPT, detail="authentication failed") from None
    return _keypair_from_seed(seed, public_raw)


# --- file format -----------------------------------------------------------

_HEADER_FIELDS = frozenset({"format", "version", "algorithm", "public_key", "key_id", "protection"})
_BODY_FIELDS = {
    PROTECTION_NONE: frozenset({"seed"}),
    PROTECTION_SCRYPT_AES_GCM: frozenset({"scrypt", "check", "nonce", "ciphertext"}),
}


def _document(form: str, keypair: KeyPair) -> dict[str, Any]:
    return {
        "format": form,
        "version": FORMAT_VERSION,
        "algorithm": "ed25519",
        "public_key": _b64(keypair.public_raw),
        "key_id": keypair.key_id,
    }


def _check_header(document: dict[str, Any]) -> tuple[str, bytes]:
    """Validate the fields common to key files and backups; (format, public key)."""
    form = document.get("format")
    if form not in (KEY_FILE_FORMAT, BACKUP_FORMAT):
        raise CorruptKeyFileError(MSG_CORRUPT, detail="unknown format")
    version = document.get("version")
    if type(version) is not int or version < 1:
        raise CorruptKeyFileError(MSG_CORRUPT, detail="bad version")
    if version > FORMAT_VERSION:
        raise KeyStoreError(MSG_TOO_NEW, detail=f"version {version}")
    protection = document.get("protection")
    body = _BODY_FIELDS.get(protection) if isinstance(protection, str) else None
    if body is None or set(document) != _HEADER_FIELDS | body:
        raise CorruptKeyFileError(MSG_CORRUPT, detail="unexpected fields")
    if document["algorithm"] != "ed25519":
        raise CorruptKeyFileError(MSG_CORRUPT, detail="unknown algorithm")
    public_raw = _field_b64(document, "public_key", 32)
    try:
        check_public_key(public_raw)
    except WeakKeyError as exc:
        raise CorruptKeyFileError(MSG_CORRUPT, detail=exc.message) from None
    if document["key_id"] != key_id(public_raw):
        raise CorruptKeyFileError(MSG_CORRUPT, detail="key id does not match the public key")
    return form, public_raw


def _require_fields(document: dict[str, Any], names: set[str]) -> None:
    missing = names - set(document)
    if missing:
        raise CorruptKeyFileError(MSG_CORRUPT, detail=f"missing {sorted(missing)}")


def _field_b64(document: dict[str, Any], name: str, size: int) -> bytes:
    value = document.get(name)
    if not isinstance(value, str):
        raise CorruptKeyFileError(MSG_CORRUPT, detail=f"{name}: not a string")
    try:
        raw = decode_base64_canonical(value)
    except ValueError:
        raise CorruptKeyFileError(MSG_CORRUPT, detail=f"{name}: bad base64") from None
    if len(raw) != size:
        raise CorruptKeyFileError(MSG_CORRUPT, detail=f"{name}: {len(raw)} bytes")
    return raw


def _keypair_from_seed(seed: bytes, public_raw: bytes) -> KeyPair:
    keypair = KeyPair.from_private_key(Ed25519PrivateKey.from_private_bytes(seed))
    if not hmac.compare_digest(keypair.public_raw, public_raw):
        raise CorruptKeyFileError(MSG_CORRUPT, detail="private key does not match the public key")
    return keypair


def _seed(keypair: KeyPair) -> bytes:
    return keypair.private_key.private_bytes_raw()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# --- files -----------------------------------------------------------------


def _read_document(path: Path) -> dict[str, Any]:
    """A key file or backup as JSON: a regular file (a FIFO would hang the read) of at
    most ``_MAX_FILE_SIZE`` bytes (:func:`app.core.files.read_limited`)."""
    try:
        data = read_limited(path, _MAX_FILE_SIZE)
    except FileTooLargeError as exc:
        raise CorruptKeyFileError(MSG_CORRUPT, detail=exc.message) from None
    except InputError as exc:
        if isinstance(exc.__cause__, FileNotFoundError):
            raise KeyStoreError(MSG_FILE_MISSING, detail=str(path)) from None
        reason = exc.__cause__ or exc.translated()
        raise KeyStoreError(MSG_FILE_UNREADABLE, detail=f"{path}: {reason}") from None
    return _parse_document(data)


def _parse_document(data: bytes) -> dict[str, Any]:
    try:
        document = loads_strict(data, max_bytes=_MAX_FILE_SIZE, max_depth=2, max_items=32)
    except MalformedJSONError as exc:
        raise CorruptKeyFileError(MSG_CORRUPT, detail=exc.message) from None
    if not isinstance(document, dict):
        raise CorruptKeyFileError(MSG_CORRUPT, detail="not a JSON object")
    return document


def _write_atomic(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one.

    Without ``overwrite``, ``os.link`` publishes the file only if the name is
    free (atomically); where hard links are unsupported (FAT), an existence
    check precedes ``os.replace``.
    """
    try:
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise KeyStoreError(MSG_FILE_UNWRITABLE, detail=f"{path}: {exc}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp, path)
        else:
            _publish_new(temp, path)
        _fsync_directory(path.parent)
    except FileExistsError:
        raise KeyStoreError(MSG_FILE_EXISTS, detail=str(path)) from None
    except OSError as exc:
        raise KeyStoreError(MSG_FILE_UNWRITABLE, detail=f"{path}: {exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _publish_new(temp: Path, path: Path) -> None:
    try:
        os.link(temp, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(temp, path)


def _fsync_directory(directory: Path) -> None:
    """Persist the rename itself, best effort.

    POSIX only (Windows cannot open a directory); a file system that refuses
    it (some network or FAT mounts) has already got the file, so an error
    here is ignored rather than reported as a failed write.
    """
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

"""DSSE v1 envelopes signed with Ed25519: the outer layer of every package.

A package file is the UTF-8 JSON envelope

    {"payload": <base64>, "payloadType": <str>,
     "signatures": [{"keyid": <hex>, "sig": <base64>}]}

as specified by DSSE v1 (https://github.com/secure-systems-lab/dsse). The
signature is Ed25519 (RFC 8032, pure, no pre-hash) over the pre-authentication
encoding :func:`pae` of the payload type and the payload bytes, so any DSSE
implementation given the signer's public key verifies our files, and the
payload type (which carries the format version) is signed too.

Reading is split in two steps so that nothing in the payload is trusted
before the signature is checked:

1. :func:`open_envelope` parses only the outer envelope, strictly (size cap,
   UTF-8, exact field set, canonical base64, 64-byte signatures);
2. the caller chooses the public key it expects (by the signer it already
   knows, or by ``Envelope.signatures[i].keyid`` looked up in its trust
   store) and calls :func:`verify_envelope`, which returns the payload bytes
   only if a signature by that key verifies.

Only then is the payload parsed (see :mod:`app.core.strictjson`) and its version
read from the payload type with :func:`payload_format_version`.

Public keys are identified by ``keyid`` = lowercase hex SHA-256 of the raw
32-byte key, and shown to people as :func:`fingerprint_groups`. Weak public
keys (small-order points, non-canonical or invalid encodings) are refused by
:func:`check_public_key`: with the identity point as "public key", for
instance, one fixed signature verifies for every message.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from app.core.errors import N_, InputError
from app.core.strictjson import dumps_canonical, loads_strict
from app.exchange.legendre import legendre

__all__ = [
    "CURRENT_FORMAT_VERSION",
    "MAX_SIGNATURES",
    "OLDEST_FORMAT_VERSION",
    "PAYLOAD_MEDIA_TYPE",
    "PAYLOAD_TYPE",
    "SMALL_ORDER_CANONICAL",
    "SMALL_ORDER_NONCANONICAL",
    "Envelope",
    "FormatTooNewError",
    "PackageError",
    "SignatureEntry",
    "SignatureError",
    "UnsupportedFormatError",
    "VerifyingKey",
    "WeakKeyError",
    "check_public_key",
    "decode_base64_canonical",
    "fingerprint_groups",
    "fingerprint_matches",
    "key_id",
    "load_public_key",
    "open_envelope",
    "pae",
    "parse_payload_type",
    "payload_format_version",
    "payload_type_for",
    "sign_envelope",
    "sign_envelope_many",
    "verify_envelope",
    "verifying_key",
]

PAYLOAD_MEDIA_TYPE = "application/vnd.thidua.package+json"
#: The newest package format this build reads and the one it writes.
CURRENT_FORMAT_VERSION = 1
PAYLOAD_TYPE = f"{PAYLOAD_MEDIA_TYPE}; version={CURRENT_FORMAT_VERSION}"
#: Oldest format this build still reads.
OLDEST_FORMAT_VERSION = 1
#: A package carries one signature; a few more are tolerated (DSSE allows
#: several), many are refused so a file cannot make us try thousands.
MAX_SIGNATURES = 8

PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64

# Ed25519 constants (RFC 8032 §5.1).
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493  # order of the base point
_D = -121665 * pow(121666, -1, _P) % _P

#: Encodings of the eight points of the small-order (torsion) subgroup E[8]
#: of edwards25519, each of order 1, 2, 4 or 8. As a public key, such a point
#: A makes [h]A take at most 8 values, so a signature can be made to verify
#: without the private key (and "key ownership" means nothing).
#:
#: Derivation (re-done independently in tests/unit/signing/): the
#: identity (x=0, y=1); the order-2 point (0, -1); the two order-4 points
#: (±sqrt(-1), 0); and the four order-8 points [k]T, k odd, where T = [L]Q
#: for any curve point Q with a nonzero order-8 component. Encoding is RFC
#: 8032 §5.1.2: y as 255 bits little-endian, bit 255 = low bit of x. These
#: are the canonical encodings (the list libsodium blocks, with both sign
#: bits where both are canonical).
SMALL_ORDER_CANONICAL: frozenset[bytes] = frozenset(
    bytes.fromhex(h)
    for h in (
        # order 1: identity (0, 1)
        "0100000000000000000000000000000000000000000000000000000000000000",
        # order 2: (0, -1), y = p - 1
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        # order 4: (sqrt(-1), 0) and (-sqrt(-1), 0), y = 0, both x signs
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000080",
        # order 8: y = 2707385501144840649318225287225658788936804267575313519463743609750303402022
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        # order 8: y = 55188659117513257062467267217118295137698188065244968500265048394206261417927
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    )
)

#: Non-canonical encodings of the same points, which lenient decoders accept:
#: x = 0 with the sign bit set ("-0") for the identity and the order-2 point,
#: and y + p for the two torsion y-values below 19 (y = 0 and y = 1), with
#: either sign bit. (The general rules in :func:`check_public_key` refuse
#: these too; they are listed so the blocklist is complete on its own.)
SMALL_ORDER_NONCANONICAL: frozenset[bytes] = frozenset(
    bytes.fromhex(h)
    for h in (
        # identity with sign bit set
        "0100000000000000000000000000000000000000000000000000000000000080",
        # order-2 point with sign bit set
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        # y = p (≡ 0), order 4, both sign bits
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        # y = p + 1 (≡ 1), identity, both sign bits
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    )
)

# Messages (English msgids).
MSG_KEY_LENGTH = N_("A public key must be exactly 32 bytes long.")
MSG_KEY_SMALL_ORDER = N_("This public key is a weak (small-order) point and is refused.")
MSG_KEY_NON_CANONICAL = N_("This public key is not encoded canonically and is refused.")
MSG_KEY_NOT_ON_CURVE = N_("This public key is not a valid Ed25519 key.")

MSG_ENVELOPE_NOT_OBJECT = N_("The file is not a signed package.")
MSG_ENVELOPE_MISSING_FIELD = N_("The signed package lacks the field “{name}”.")
MSG_ENVELOPE_UNKNOWN_FIELD = N_("The signed package has an unexpected field “{name}”.")
MSG_ENVELOPE_FIELD_TYPE = N_("The field “{name}” of the signed package has the wrong type.")
MSG_ENVELOPE_BASE64 = N_("The field “{name}” of the signed package is not valid base64.")
MSG_ENVELOPE_UNSIGNED = N_("The package carries no signature.")
MSG_ENVELOPE_TOO_MANY_SIGNATURES = N_("The package carries more than {limit} signatures.")
MSG_ENVELOPE_KEYID = N_("A signature of the package names its key in an unknown form.")
MSG_ENVELOPE_DUPLICATE_KEYID = N_("The package carries two signatures by the same key.")
MSG_ENVELOPE_SIGNATURE_SIZE = N_("A signature of the package has the wrong length.")

MSG_NOT_SIGNED_BY_KEY = N_("The package is not signed by the expected key.")
MSG_BAD_SIGNATURE = N_(
    "The signature does not match: the file was altered or was not signed by this key."
)

MSG_FORMAT_UNSUPPORTED = N_("This file is not a Thi Đua package, or its format is not supported.")
MSG_FORMAT_TOO_NEW = N_(
    "This package was made by a newer version of Thi Đua (format {version}). "
    "Update the application to read it."
)


class WeakKeyError(InputError):
    """A public key was refused: wrong size, weak, or invalid encoding."""


class PackageError(InputError):
    """A package file is not a well-formed signed envelope."""


class SignatureError(PackageError):
    """No signature by the expected key verifies over the package."""


class UnsupportedFormatError(PackageError):
    """The payload type is not a Thi Đua package format this build reads."""


class FormatTooNewError(PackageError):
    """The package is a Thi Đua format newer than this build reads.

    Distinct from :class:`UnsupportedFormatError` so the import summary can
    tell the user to update rather than that the file is wrong.
    """


@dataclass(frozen=True, slots=True)
class SignatureEntry:
    """One entry of an envelope's ``signatures`` list (decoded, not verified)."""

    keyid: str
    sig: bytes


@dataclass(frozen=True, slots=True)
class Envelope:
    """A parsed DSSE envelope. Nothing in it is trusted until verified."""

    payload_type: str
    payload: bytes
    signatures: tuple[SignatureEntry, ...]

    @property
    def keyids(self) -> tuple[str, ...]:
        """The key ids the signatures claim, in file order."""
        return tuple(entry.keyid for entry in self.signatures)

    def pae(self) -> bytes:
        """The bytes the signatures are over."""
        return pae(self.payload_type, self.payload)


_T = TypeVar("_T")


# --- encoding primitives ---------------------------------------------------


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding.

    ``"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body``, lengths in bytes
    as ASCII decimal without leading zeros, the type encoded as UTF-8.
    """
    type_bytes = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(type_bytes), type_bytes, len(payload), payload)


def decode_base64_canonical(text: str) -> bytes:
    """Decode standard, padded base64 that is in its one canonical form.

    Refuses whitespace, the URL-safe alphabet, missing or extra padding and
    nonzero padding bits (``"QR=="`` for ``"QQ=="``), so one byte string has
    exactly one accepted text and a file cannot be altered without changing
    its meaning. Raises ``ValueError``; callers turn it into their own
    user-facing error. Strict mode refuses any other character and padding not
    at the end; then only the last group of four can hide padding bits.
    """
    if len(text) % 4:
        raise ValueError("not standard padded base64")
    try:
        raw = binascii.a2b_base64(text, strict_mode=True)
    except (binascii.Error, ValueError) as exc:  # ValueError: not ASCII
        raise ValueError(str(exc)) from None
    if raw:
        last = len(raw) % 3 or 3
        if binascii.b2a_base64(raw[-last:], newline=False) != text[-4:].encode("ascii"):
            raise ValueError("non-canonical base64 (padding bits set)")
    return raw


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# --- public keys -----------------------------------------------------------


def key_id(public_raw: bytes) -> str:
    """Lowercase hex SHA-256 of the raw 32-byte public key (docs/reference.md, "Signed
    packages").

    Does not judge the key (a refused key still needs a name in an error
    message); raises :class:`WeakKeyError` only for a length other than 32.
    """
    _require_key_length(public_raw)
    return hashlib.sha256(public_raw).hexdigest()


#: Fingerprint shape: 6 groups of 4 decimal digits.
_FINGERPRINT_GROUPS = 6
_FINGERPRINT_GROUP_SIZE = 4


def fingerprint_groups(public_raw: bytes) -> str:
    """A fingerprint a person can read aloud over the phone, e.g.
    ``"0482-1093-7551-2883-0117-4229"``.

    Digits only: every Vietnamese digit name is one syllable and none is
    confused with a letter name (no "b/đ/d", "i/y" or "0/O" ambiguities as in
    base32), and people already read phone numbers in groups of four. The
    value is SHA-256(public key), taken as a big-endian integer, modulo
    10**24 (uniform to within 2**-176), printed as 24 zero-padded digits in
    six hyphenated groups.

    Margin: 10**24 ≈ 2**79.7. Substituting a key that shows the same
    fingerprint as a given unit's key is a second-preimage search: ~2**79.7
    Ed25519 key generations, far beyond a forger of emulation reports. By
    chance, two of 125,000 units (the whole country) share a fingerprint
    with probability ≈ n²/2·10**-24 ≈ 8·10**-15. Collisions between two keys
    both chosen by one attacker (~2**40 work) gain nothing: the fingerprint
    only confirms one specific pending key, and trust binds the full key.
    """
    value = int.from_bytes(hashlib.sha256(_require_key_length(public_raw)).digest(), "big")
    width = _FINGERPRINT_GROUPS * _FINGERPRINT_GROUP_SIZE
    digits = f"{value % 10**width:0{width}d}"
    size = _FINGERPRINT_GROUP_SIZE
    return "-".join(digits[i : i + size] for i in range(0, width, size))


def fingerprint_matches(public_raw: bytes, typed: str) -> bool:
    """Whether ``typed`` is the fingerprint of ``public_raw``.

    Ignores spaces, hyphens and dots, so staff may type what they hear in any
    grouping; every one of the 24 digits must be there.
    """
    return same_fingerprint(fingerprint_groups(public_raw), typed)


def same_fingerprint(shown: str, typed: str) -> bool:
    """Whether ``typed`` is the fingerprint ``shown`` (any grouping, all 24 digits)."""
    cleaned = re.sub(r"[\s.\-]", "", typed)
    return bool(cleaned) and cleaned == shown.replace("-", "")


def check_public_key(public_raw: bytes) -> None:
    """Refuse a public key that must never be trusted.

    Refused, each with its own message: a length other than 32 bytes; the
    identity and all small-order points in any encoding
    (:data:`SMALL_ORDER_CANONICAL`, :data:`SMALL_ORDER_NONCANONICAL`);
    non-canonical encodings (y >= p; x = 0 with the sign bit set occurs only
    at small-order points); and
    byte strings that are not a curve point at all. Keys made by
    :func:`app.exchange.keystore.generate_keypair` always pass. Points with a mixed
    (small-order plus prime-order) component are not detected: that needs a
    full scalar multiplication, and such a key only makes its owner's own
    signatures verify differently across libraries.
    """
    _require_key_length(public_raw)
    if public_raw in SMALL_ORDER_CANONICAL or public_raw in SMALL_ORDER_NONCANONICAL:
        raise WeakKeyError(MSG_KEY_SMALL_ORDER, detail=public_raw.hex())
    y = int.from_bytes(public_raw, "little") & ((1 << 255) - 1)  # bit 255 is x's sign
    if y >= _P:
        raise WeakKeyError(MSG_KEY_NON_CANONICAL, detail=public_raw.hex())
    # x² = (y² - 1) / (d·y² + 1); the denominator is never 0 (d is not a
    # square). x² = 0 only for y = ±1, the identity and the order-2 point:
    # all their encodings (including "-0", x = 0 with the sign bit set) are
    # in the blocklists above, so only a non-square x² remains to refuse.
    # x² = u / v is a square exactly when u·v is (u·v = x²·v², and v ≠ 0): one
    # Legendre symbol and no modular inverse (a 255-bit exponentiation) per key.
    y2 = y * y % _P
    u = (y2 - 1) % _P
    if u != 0 and legendre(u * (_D * y2 + 1) % _P, _P) != 1:  # not a square: no x
        raise WeakKeyError(MSG_KEY_NOT_ON_CURVE, detail=public_raw.hex())


def load_public_key(public_raw: bytes) -> Ed25519PublicKey:
    """A ``cryptography`` public key object, after :func:`check_public_key`."""
    check_public_key(public_raw)
    return Ed25519PublicKey.from_public_bytes(public_raw)


def _require_key_length(public_raw: bytes) -> bytes:
    if len(public_raw) != PUBLIC_KEY_SIZE:
        raise WeakKeyError(MSG_KEY_LENGTH, detail=f"{len(public_raw)} bytes")
    return public_raw


# --- payload type ----------------------------------------------------------

_PAYLOAD_TYPE_PATTERN = re.compile(
    re.escape(PAYLOAD_MEDIA_TYPE) + r"; version=(?P<version>[1-9][0-9]{0,8})"
)


def payload_type_for(version: int) -> str:
    """The payload type string of a given major format version."""
    return f"{PAYLOAD_MEDIA_TYPE}; version={version}"


def parse_payload_type(payload_type: str) -> int:
    """The major version in a payload type of our exact form, else refuse.

    Only ``"application/vnd.thidua.package+json; version=N"`` with a single
    space and N a positive integer without leading zeros is recognised: the
    string is signed, we write it one way, so no other spelling is needed.
    Raises :class:`UnsupportedFormatError`. Does not judge the version.
    """
    match = _PAYLOAD_TYPE_PATTERN.fullmatch(payload_type)
    if match is None:
        raise UnsupportedFormatError(MSG_FORMAT_UNSUPPORTED, detail=payload_type[:100])
    return int(match["version"])


def payload_format_version(payload_type: str) -> int:
    """The major format version of a package this build can read.

    Raises :class:`FormatTooNewError` for a Thi Đua format newer than
    :data:`CURRENT_FORMAT_VERSION` (the user should update), and
    :class:`UnsupportedFormatError` for anything else that is not a version
    this build reads (another media type, a malformed version, or one older
    than :data:`OLDEST_FORMAT_VERSION`).
    """
    version = parse_payload_type(payload_type)
    if version > CURRENT_FORMAT_VERSION:
        raise FormatTooNewError(
            MSG_FORMAT_TOO_NEW, params={"version": version}, detail=payload_type[:100]
        )
    if version < OLDEST_FORMAT_VERSION:
        raise UnsupportedFormatError(MSG_FORMAT_UNSUPPORTED, detail=payload_type[:100])
    return version


# --- signing and verification ----------------------------------------------


def sign_envelope(private_key: Ed25519PrivateKey, payload_type: str, payload: bytes) -> bytes:
    """Sign ``payload`` and return the envelope file contents.

    The envelope is canonical JSON (sorted names, no whitespace, UTF-8) with
    standard padded base64, one signature, and ``keyid`` = :func:`key_id` of
    the signer's public key. Signing is deterministic (Ed25519), so the same
    key and payload always give the same bytes.
    """
    public_raw = private_key.public_key().public_bytes_raw()
    signature = private_key.sign(pae(payload_type, payload))
    envelope = {
        "payload": _b64encode(payload),
        "payloadType": payload_type,
        "signatures": [{"keyid": key_id(public_raw), "sig": _b64encode(signature)}],
    }
    return dumps_canonical(envelope)


def sign_envelope_many(
    private_keys: Sequence[Ed25519PrivateKey], payload_type: str, payload: bytes
) -> bytes:
    """Like :func:`sign_envelope` with one signature per key, in the given order.

    Used where two keys must vouch for one payload (a key rotation is signed
    by the new key and by the old key it replaces).
    """
    message = pae(payload_type, payload)
    signatures = []
    for private_key in private_keys:
        public_raw = private_key.public_key().public_bytes_raw()
        signatures.append(
            {"keyid": key_id(public_raw), "sig": _b64encode(private_key.sign(message))}
        )
    envelope = {
        "payload": _b64encode(payload),
        "payloadType": payload_type,
        "signatures": signatures,
    }
    return dumps_canonical(envelope)


_ENVELOPE_FIELDS = ("payload", "payloadType", "signatures")
_SIGNATURE_FIELDS = ("keyid", "sig")
_KEYID_PATTERN = re.compile(r"[0-9a-f]{64}")


def open_envelope(data: bytes, *, max_size: int) -> Envelope:
    """Parse the outer envelope of a package, strictly, trusting nothing.

    Raises :class:`app.core.strictjson.MalformedJSONError` if ``data`` is larger
    than ``max_size`` or is not strict UTF-8 JSON, and :class:`PackageError`
    if it is not exactly a DSSE envelope of ours: an object with exactly
    ``payload``, ``payloadType`` and ``signatures``; 1 to
    :data:`MAX_SIGNATURES` signatures, each exactly ``keyid`` (64 lowercase
    hex digits, distinct) and ``sig`` (64 bytes); all base64 canonical. The
    payload type is not judged here: see :func:`payload_format_version`.
    """
    document = loads_strict(
        data,
        max_bytes=max_size,
        max_depth=3,  # envelope object > signatures array > signature object
        max_string=max_size,
        max_items=64,
    )
    if not isinstance(document, dict):
        raise PackageError(MSG_ENVELOPE_NOT_OBJECT)
    _require_exact_fields(document, _ENVELOPE_FIELDS, prefix="")
    payload_type = _require_type(document, "payloadType", str, prefix="")
    payload = _require_base64(document, "payload", prefix="")
    entries = _require_type(document, "signatures", list, prefix="")
    if not entries:
        raise PackageError(MSG_ENVELOPE_UNSIGNED)
    if len(entries) > MAX_SIGNATURES:
        raise PackageError(MSG_ENVELOPE_TOO_MANY_SIGNATURES, params={"limit": MAX_SIGNATURES})
    signatures: list[SignatureEntry] = []
    for index, entry in enumerate(entries):
        prefix = f"signatures[{index}]."
        if not isinstance(entry, dict):
            raise PackageError(MSG_ENVELOPE_FIELD_TYPE, params={"name": f"signatures[{index}]"})
        _require_exact_fields(entry, _SIGNATURE_FIELDS, prefix=prefix)
        keyid = _require_type(entry, "keyid", str, prefix=prefix)
        if not _KEYID_PATTERN.fullmatch(keyid):
            raise PackageError(MSG_ENVELOPE_KEYID, detail=keyid[:80])
        sig = _require_base64(entry, "sig", prefix=prefix)
        if len(sig) != SIGNATURE_SIZE:
            raise PackageError(MSG_ENVELOPE_SIGNATURE_SIZE, detail=f"{len(sig)} bytes")
        if any(previous.keyid == keyid for previous in signatures):
            raise PackageError(MSG_ENVELOPE_DUPLICATE_KEYID, detail=keyid)
        signatures.append(SignatureEntry(keyid=keyid, sig=sig))
    return Envelope(payload_type=payload_type, payload=payload, signatures=tuple(signatures))


@dataclass(frozen=True, slots=True)
class VerifyingKey:
    """A public key that passed :func:`check_public_key`, ready to verify.

    Made only by :func:`verifying_key`. Lets a caller that verifies many
    packages by the same signer (an import run) check and load each key once
    instead of once per package; :func:`verify_envelope` takes it in place of
    the raw bytes.
    """

    raw: bytes
    keyid: str
    key: Ed25519PublicKey


def verifying_key(public_raw: bytes) -> VerifyingKey:
    """Check ``public_raw`` (:class:`WeakKeyError`) and load it for verifying."""
    public_key = load_public_key(public_raw)
    return VerifyingKey(public_raw, key_id(public_raw), public_key)


def verify_envelope(envelope: Envelope, public_raw: bytes | VerifyingKey) -> bytes:
    """Return the payload if a signature by ``public_raw`` verifies over it.

    Only signatures whose ``keyid`` equals :func:`key_id` of ``public_raw``
    are tried. Raw key bytes are first checked with :func:`check_public_key`
    (:class:`WeakKeyError`); a :class:`VerifyingKey` was checked when it was
    made. Raises :class:`SignatureError` with ``MSG_NOT_SIGNED_BY_KEY`` when
    no signature names this key and with ``MSG_BAD_SIGNATURE`` when one does
    but does not verify. Malleated signatures (S >= L, RFC 8032 §5.1.7) are
    refused here explicitly as well as by OpenSSL, so one signed file has
    exactly one valid signature.
    """
    checked = public_raw if isinstance(public_raw, VerifyingKey) else verifying_key(public_raw)
    expected = checked.keyid
    candidates = [entry for entry in envelope.signatures if entry.keyid == expected]
    if not candidates:
        raise SignatureError(MSG_NOT_SIGNED_BY_KEY, detail=expected)
    message = envelope.pae()
    for entry in candidates:
        if _verify_one(checked.key, entry.sig, message):
            return envelope.payload
    raise SignatureError(MSG_BAD_SIGNATURE, detail=expected)


def _verify_one(public_key: Ed25519PublicKey, sig: bytes, message: bytes) -> bool:
    if len(sig) != SIGNATURE_SIZE or int.from_bytes(sig[32:], "little") >= _L:
        return False
    try:
        public_key.verify(sig, message)
    except InvalidSignature:
        return False
    return True


def _require_exact_fields(obj: dict[str, Any], fields: Sequence[str], *, prefix: str) -> None:
    for name in obj:
        if name not in fields:
            raise PackageError(MSG_ENVELOPE_UNKNOWN_FIELD, params={"name": prefix + name[:60]})
    for name in fields:
        if name not in obj:
            raise PackageError(MSG_ENVELOPE_MISSING_FIELD, params={"name": prefix + name})


def _require_type(obj: dict[str, Any], name: str, kind: type[_T], *, prefix: str) -> _T:
    value = obj[name]
    if not isinstance(value, kind):
        raise PackageError(MSG_ENVELOPE_FIELD_TYPE, params={"name": prefix + name})
    return value


def _require_base64(obj: dict[str, Any], name: str, *, prefix: str) -> bytes:
    text = _require_type(obj, name, str, prefix=prefix)
    try:
        return decode_base64_canonical(text)
    except ValueError as exc:
        raise PackageError(
            MSG_ENVELOPE_BASE64, params={"name": prefix + name}, detail=str(exc)
        ) from None

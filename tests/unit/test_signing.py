"""DSSE envelopes with Ed25519: real keys, real signatures, an independent
DSSE implementation (securesystemslib), and an independent pure-Python
Ed25519 reference used to derive the weak-key list and to show that the
malleability check is not vacuous."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from securesystemslib.dsse import Envelope as SslibEnvelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import CryptoSigner, SSlibKey

from app.core.errors import UserError
from app.core.strictjson import MalformedJSONError
from app.exchange import signing
from app.exchange.signing import (
    PAYLOAD_TYPE,
    SMALL_ORDER_CANONICAL,
    SMALL_ORDER_NONCANONICAL,
    Envelope,
    FormatTooNewError,
    PackageError,
    SignatureEntry,
    SignatureError,
    UnsupportedFormatError,
    WeakKeyError,
    check_public_key,
    decode_base64_canonical,
    fingerprint_groups,
    fingerprint_matches,
    key_id,
    load_public_key,
    open_envelope,
    pae,
    parse_payload_type,
    payload_format_version,
    payload_type_for,
    sign_envelope,
    verify_envelope,
)

MAX = 1 << 20

# --- an independent Ed25519 reference (RFC 8032 §5.1, extended coordinates) --

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, -1, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
Point = tuple[int, int, int, int]
IDENTITY: Point = (0, 1, 1, 0)


def point_add(a: Point, b: Point) -> Point:
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % P
    bb = (y1 + x1) * (y2 + x2) % P
    cc = 2 * t1 * t2 * D % P
    dd = 2 * z1 * z2 % P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def point_mul(scalar: int, point: Point) -> Point:
    result = IDENTITY
    while scalar > 0:
        if scalar & 1:
            result = point_add(result, point)
        point = point_add(point, point)
        scalar >>= 1
    return result


def point_equal(a: Point, b: Point) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def decode_point(raw: bytes) -> Point | None:
    """RFC 8032 §5.1.3 decoding (refuses y >= p and "-0")."""
    value = int.from_bytes(raw, "little")
    sign, y = value >> 255, value & ((1 << 255) - 1)
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, -1, P) % P
    if x2 == 0:
        if sign:
            return None
        return (0, y, 1, 0)
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


def encode_point(point: Point) -> bytes:
    z_inv = pow(point[2], -1, P)
    x, y = point[0] * z_inv % P, point[1] * z_inv % P
    return (y | (x & 1) << 255).to_bytes(32, "little")


BASE = decode_point((4 * pow(5, -1, P) % P).to_bytes(32, "little"))
assert BASE is not None


def naive_verify(public_raw: bytes, message: bytes, sig: bytes) -> bool:
    """RFC 8032 verification *without* the S < L check (cofactorless)."""
    a, r = decode_point(public_raw), decode_point(sig[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(sig[32:], "little")
    digest = hashlib.sha512(sig[:32] + public_raw + message).digest()
    h = int.from_bytes(digest, "little") % L
    assert BASE is not None
    return point_equal(point_mul(s, BASE), point_add(r, point_mul(h, a)))


# --- fixtures ------------------------------------------------------------------

# RFC 8032 §7.1, TEST 1
RFC_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC_SIG_EMPTY = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = KEY.public_key().public_bytes_raw()
OTHER_KEY = Ed25519PrivateKey.generate()
OTHER_PUBLIC = OTHER_KEY.public_key().public_bytes_raw()
PAYLOAD = '{"kind":"report","unit":"CĐCS-0042","values":[1,2,3,4]}'.encode()
SIGNED = sign_envelope(KEY, PAYLOAD_TYPE, PAYLOAD)


def envelope_dict() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SIGNED)
    return result


def encode(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def package_error(data: bytes) -> PackageError:
    with pytest.raises(PackageError) as info:
        open_envelope(data, max_size=MAX)
    return info.value


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# --- primitives ------------------------------------------------------------------


def test_pae_matches_the_dsse_specification_example() -> None:
    # protocol.md of secure-systems-lab/dsse
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_pae_counts_bytes_not_characters() -> None:
    assert pae("đ", b"") == b"DSSEv1 2 \xc4\x91 0 "
    assert pae("", b"\x00" * 10) == b"DSSEv1 0  10 " + b"\x00" * 10


def test_signatures_are_pure_ed25519_rfc8032() -> None:
    key = Ed25519PrivateKey.from_private_bytes(RFC_SEED)
    assert key.public_key().public_bytes_raw() == RFC_PUBLIC
    assert key.sign(b"") == RFC_SIG_EMPTY
    assert naive_verify(RFC_PUBLIC, b"", RFC_SIG_EMPTY)  # the reference is right
    assert key_id(RFC_PUBLIC) == hashlib.sha256(RFC_PUBLIC).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", key_id(RFC_PUBLIC))


def test_key_id_requires_32_bytes() -> None:
    for size in (0, 31, 33, 64):
        with pytest.raises(WeakKeyError) as info:
            key_id(b"\x01" * size)
        assert info.value.message == "A public key must be exactly 32 bytes long."


def test_fingerprint_format_and_value() -> None:
    fingerprint = fingerprint_groups(RFC_PUBLIC)
    assert re.fullmatch(r"\d{4}(-\d{4}){5}", fingerprint)
    expected = int(hashlib.sha256(RFC_PUBLIC).hexdigest(), 16) % 10**24
    assert fingerprint.replace("-", "") == f"{expected:024d}"
    assert fingerprint_groups(OTHER_PUBLIC) != fingerprint


def test_fingerprint_matches_what_staff_type() -> None:
    fingerprint = fingerprint_groups(PUBLIC)
    digits = fingerprint.replace("-", "")
    assert fingerprint_matches(PUBLIC, fingerprint)
    assert fingerprint_matches(PUBLIC, " ".join(digits[i : i + 3] for i in range(0, 24, 3)))
    assert fingerprint_matches(PUBLIC, digits[:12] + ". " + digits[12:])
    assert not fingerprint_matches(PUBLIC, digits[:-1])
    wrong_digit = str((int(digits[5]) + 1) % 10)
    assert not fingerprint_matches(PUBLIC, digits[:5] + wrong_digit + digits[6:])
    assert not fingerprint_matches(PUBLIC, "")


def test_canonical_base64() -> None:
    assert decode_base64_canonical("") == b""
    assert decode_base64_canonical("QQ==") == b"A"
    assert decode_base64_canonical("+/8=") == b"\xfb\xff"
    for text in ["QR==", "QQ=", "QQ", "QQ===", "Q Q==", "QQ==\n", "-_8=", "QUJD\r\n", "Q==="]:
        with pytest.raises(ValueError):
            decode_base64_canonical(text)


# --- weak and invalid public keys ------------------------------------------------


def derive_torsion_points() -> list[Point]:
    """E[8], from any point whose order-8 component is nonzero: T = [L]Q."""
    for y in itertools.count(2):
        q = decode_point(y.to_bytes(32, "little"))
        if q is None:
            continue
        t = point_mul(L, q)
        if not point_equal(point_mul(4, t), IDENTITY):  # T has order exactly 8
            return [point_mul(k, t) for k in range(8)]
    raise AssertionError("unreachable")


def test_small_order_constants_are_exactly_the_torsion_encodings() -> None:
    torsion = derive_torsion_points()
    for point in torsion:
        assert point_equal(point_mul(8, point), IDENTITY)
    orders = sorted(
        next(n for n in (1, 2, 4, 8) if point_equal(point_mul(n, t), IDENTITY)) for t in torsion
    )
    assert orders == [1, 2, 4, 4, 8, 8, 8, 8]

    canonical = {encode_point(t) for t in torsion}
    assert canonical == SMALL_ORDER_CANONICAL

    noncanonical: set[bytes] = set()
    for encoded in canonical:
        value = int.from_bytes(encoded, "little")
        y = value & ((1 << 255) - 1)
        decoded = decode_point(encoded)
        assert decoded is not None
        if decoded[0] == 0:  # x = 0: "-0" is the same point with the sign bit set
            noncanonical.add((value | 1 << 255).to_bytes(32, "little"))
        if y + P < 1 << 255:  # y + p still fits in 255 bits
            for sign in (0, 1):
                noncanonical.add((y + P | sign << 255).to_bytes(32, "little"))
    assert noncanonical == SMALL_ORDER_NONCANONICAL
    for encoded in noncanonical:
        assert decode_point(encoded) is None  # a strict decoder refuses them anyway


@pytest.mark.parametrize("encoded", sorted(SMALL_ORDER_CANONICAL | SMALL_ORDER_NONCANONICAL))
def test_refuses_small_order_keys(encoded: bytes) -> None:
    with pytest.raises(WeakKeyError) as info:
        check_public_key(encoded)
    assert info.value.message == "This public key is a weak (small-order) point and is refused."


def test_identity_key_would_accept_a_universal_forgery() -> None:
    """Why the blocklist matters: OpenSSL verifies (R = identity, S = 0) under
    the identity "public key" for every message; we refuse the key."""
    identity = bytes.fromhex("01" + "00" * 31)
    forged = identity + bytes(32)
    Ed25519PublicKey.from_public_bytes(identity).verify(forged, b"any message at all")
    document = {
        "payload": b64(b"{}"),
        "payloadType": PAYLOAD_TYPE,
        "signatures": [{"keyid": key_id(identity), "sig": b64(forged)}],
    }
    envelope = open_envelope(encode(document), max_size=MAX)
    with pytest.raises(WeakKeyError) as info:
        verify_envelope(envelope, identity)
    assert info.value.message == signing.MSG_KEY_SMALL_ORDER


@pytest.mark.parametrize(
    "encoded",
    [
        (P + 2).to_bytes(32, "little"),  # y = p + 2 ≡ 2
        (P + 18 | 1 << 255).to_bytes(32, "little"),
        b"\xff" * 31 + b"\x7f",  # y = 2**255 - 1
        b"\xff" * 32,
    ],
)
def test_refuses_non_canonical_keys(encoded: bytes) -> None:
    with pytest.raises(WeakKeyError) as info:
        check_public_key(encoded)
    assert info.value.message == "This public key is not encoded canonically and is refused."


def test_refuses_bytes_that_are_not_a_curve_point() -> None:
    off_curve = next(
        y.to_bytes(32, "little")
        for y in itertools.count(2)
        if decode_point(y.to_bytes(32, "little")) is None
    )
    with pytest.raises(WeakKeyError) as info:
        check_public_key(off_curve)
    assert info.value.message == "This public key is not a valid Ed25519 key."


def test_refuses_wrong_length_keys() -> None:
    with pytest.raises(WeakKeyError) as info:
        load_public_key(PUBLIC + b"\x00")
    assert info.value.message == signing.MSG_KEY_LENGTH


def test_accepts_real_keys() -> None:
    for _ in range(50):
        public_raw = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
        check_public_key(public_raw)
    assert load_public_key(RFC_PUBLIC).public_bytes_raw() == RFC_PUBLIC


# --- signing and verifying ---------------------------------------------------------


def test_envelope_is_canonical_dsse_json() -> None:
    sig = KEY.sign(pae(PAYLOAD_TYPE, PAYLOAD))
    assert (
        '{"payload":"' + b64(PAYLOAD) + '","payloadType":"' + PAYLOAD_TYPE + '",'
        '"signatures":[{"keyid":"' + key_id(PUBLIC) + '","sig":"' + b64(sig) + '"}]}'
    ).encode() == SIGNED
    assert sign_envelope(KEY, PAYLOAD_TYPE, PAYLOAD) == SIGNED  # deterministic


def test_round_trip() -> None:
    envelope = open_envelope(SIGNED, max_size=MAX)
    assert envelope.payload_type == PAYLOAD_TYPE
    assert envelope.keyids == (key_id(PUBLIC),)
    assert verify_envelope(envelope, PUBLIC) == PAYLOAD


def test_verified_by_securesystemslib() -> None:
    document = json.loads(SIGNED)
    envelope = SslibEnvelope.from_dict(document)
    key = SSlibKey.from_crypto(KEY.public_key(), keyid=key_id(PUBLIC))
    assert set(envelope.verify([key], 1)) == {key_id(PUBLIC)}
    assert envelope.payload == PAYLOAD
    assert envelope.payload_type == PAYLOAD_TYPE
    assert envelope.pae() == pae(PAYLOAD_TYPE, PAYLOAD)

    tampered = json.loads(SIGNED)
    tampered["payload"] = b64(PAYLOAD + b" ")
    with pytest.raises(VerificationError):
        SslibEnvelope.from_dict(tampered).verify([key], 1)


def test_securesystemslib_envelope_verified_by_us() -> None:
    private_key = Ed25519PrivateKey.generate()
    public_raw = private_key.public_key().public_bytes_raw()
    public = SSlibKey.from_crypto(private_key.public_key(), keyid=key_id(public_raw))
    signer = CryptoSigner(private_key, public)
    theirs = SslibEnvelope(payload=PAYLOAD, payload_type=PAYLOAD_TYPE, signatures={})
    theirs.sign(signer)
    data = json.dumps(theirs.to_dict()).encode()  # with the standard library's spacing
    envelope = open_envelope(data, max_size=MAX)
    assert verify_envelope(envelope, public_raw) == PAYLOAD
    with pytest.raises(SignatureError):
        verify_envelope(envelope, PUBLIC)


def test_not_signed_by_the_expected_key() -> None:
    envelope = open_envelope(SIGNED, max_size=MAX)
    with pytest.raises(SignatureError) as info:
        verify_envelope(envelope, OTHER_PUBLIC)
    assert info.value.message == "The package is not signed by the expected key."


def test_signature_by_another_key_under_our_keyid() -> None:
    forged = OTHER_KEY.sign(pae(PAYLOAD_TYPE, PAYLOAD))
    document = envelope_dict()
    document["signatures"][0]["sig"] = b64(forged)
    envelope = open_envelope(encode(document), max_size=MAX)
    with pytest.raises(SignatureError) as info:
        verify_envelope(envelope, PUBLIC)
    assert info.value.message == (
        "The signature does not match: the file was altered or was not signed by this key."
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(payload=b64(PAYLOAD.replace(b"0042", b"0043"))),
        lambda d: d.update(payloadType=payload_type_for(2)),
        lambda d: d.update(payloadType=PAYLOAD_TYPE + " "),
    ],
)
def test_altered_content_fails(change: Any) -> None:
    document = envelope_dict()
    change(document)
    envelope = open_envelope(encode(document), max_size=MAX)
    with pytest.raises(SignatureError) as info:
        verify_envelope(envelope, PUBLIC)
    assert info.value.message == signing.MSG_BAD_SIGNATURE


def test_malleated_signature_s_plus_l_is_rejected() -> None:
    message = pae(PAYLOAD_TYPE, PAYLOAD)
    sig = KEY.sign(message)
    s = int.from_bytes(sig[32:], "little")
    assert s < L
    malleated = sig[:32] + (s + L).to_bytes(32, "little")
    # The reference verifier without the S < L rule accepts it: the test is real.
    assert naive_verify(PUBLIC, message, sig)
    assert naive_verify(PUBLIC, message, malleated)
    # OpenSSL (via cryptography) refuses it ...
    with pytest.raises(InvalidSignature):
        KEY.public_key().verify(malleated, message)
    # ... and so do we.
    document = envelope_dict()
    document["signatures"][0]["sig"] = b64(malleated)
    envelope = open_envelope(encode(document), max_size=MAX)
    with pytest.raises(SignatureError) as info:
        verify_envelope(envelope, PUBLIC)
    assert info.value.message == signing.MSG_BAD_SIGNATURE


def test_our_signature_among_several() -> None:
    message = pae(PAYLOAD_TYPE, PAYLOAD)
    document = envelope_dict()
    ours = document["signatures"][0]
    document["signatures"] = [
        {"keyid": key_id(OTHER_PUBLIC), "sig": b64(OTHER_KEY.sign(message))},
        ours,
    ]
    envelope = open_envelope(encode(document), max_size=MAX)
    assert verify_envelope(envelope, PUBLIC) == PAYLOAD
    assert verify_envelope(envelope, OTHER_PUBLIC) == PAYLOAD


def test_envelope_values_are_frozen() -> None:
    envelope = Envelope(PAYLOAD_TYPE, b"", (SignatureEntry("0" * 64, bytes(64)),))
    with pytest.raises(AttributeError):
        envelope.payload = b"x"  # type: ignore[misc]
    assert envelope.pae() == pae(PAYLOAD_TYPE, b"")


# --- strict envelope parsing ------------------------------------------------------


def test_size_cap_applies_before_parsing() -> None:
    with pytest.raises(MalformedJSONError) as info:
        open_envelope(SIGNED, max_size=len(SIGNED) - 1)
    assert info.value.message == "The file is too large ({size} bytes; the limit is {limit} bytes)."
    open_envelope(SIGNED, max_size=len(SIGNED))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\xef\xbb\xbf" + SIGNED,
            "The file starts with a byte order mark; only plain UTF-8 is accepted.",
        ),
        (
            SIGNED.decode().encode("utf-16"),
            "The file is encoded in UTF-16 or UTF-32; only UTF-8 is accepted.",
        ),
        (
            SIGNED.decode().encode("utf-16-le"),
            "The file is encoded in UTF-16 or UTF-32; only UTF-8 is accepted.",
        ),
        (
            SIGNED.replace(b'{"payload"', b'{"payload":"","payload"', 1),
            "The name “{name}” appears twice in the same object.",
        ),
        (SIGNED[:-1], "The file is not valid JSON."),
    ],
)
def test_refuses_bad_text(data: bytes, message: str) -> None:
    with pytest.raises(MalformedJSONError) as info:
        open_envelope(data, max_size=MAX)
    assert info.value.message == message


def test_refuses_non_object() -> None:
    assert package_error(b"[]").message == "The file is not a signed package."
    assert package_error(b'"x"').message == signing.MSG_ENVELOPE_NOT_OBJECT


@pytest.mark.parametrize("name", ["payload", "payloadType", "signatures"])
def test_refuses_missing_field(name: str) -> None:
    document = envelope_dict()
    del document[name]
    error = package_error(encode(document))
    assert error.message == "The signed package lacks the field “{name}”."
    assert error.params == {"name": name}


@pytest.mark.parametrize("path", [(), (0,)])
def test_refuses_unknown_field(path: tuple[int, ...]) -> None:
    document = envelope_dict()
    target = document["signatures"][0] if path else document
    target["publicKey"] = "x"
    error = package_error(encode(document))
    assert error.message == "The signed package has an unexpected field “{name}”."
    assert error.params == {"name": "signatures[0].publicKey" if path else "publicKey"}


def test_refuses_missing_keyid() -> None:
    document = envelope_dict()
    del document["signatures"][0]["keyid"]
    error = package_error(encode(document))
    assert error.message == signing.MSG_ENVELOPE_MISSING_FIELD
    assert error.params == {"name": "signatures[0].keyid"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("payload", 1),
        ("payload", None),
        ("payloadType", ["a"]),
        ("payloadType", 1),
        ("signatures", {"keyid": "x"}),
        ("signatures", "sig"),
    ],
)
def test_refuses_wrong_field_types(field: str, value: Any) -> None:
    document = envelope_dict()
    document[field] = value
    error = package_error(encode(document))
    assert error.message == "The field “{name}” of the signed package has the wrong type."
    assert error.params == {"name": field}


def test_refuses_signature_entries_of_wrong_type() -> None:
    document = envelope_dict()
    document["signatures"] = ["abc"]
    assert package_error(encode(document)).params == {"name": "signatures[0]"}
    document = envelope_dict()
    document["signatures"][0]["keyid"] = 7
    assert package_error(encode(document)).params == {"name": "signatures[0].keyid"}


def with_base64(field: str, text: str) -> bytes:
    document = envelope_dict()
    if field == "sig":
        document["signatures"][0]["sig"] = text
    else:
        document[field] = text
    return encode(document)


def corrupt_variants(text: str) -> list[str]:
    """Texts that lenient decoders map to (nearly) the same bytes."""
    stripped = text.rstrip("=")
    variants = [
        text[:4] + "\n" + text[4:],  # embedded newline
        " " + text,  # leading whitespace
        text + "\n",  # trailing newline
        text.replace("+", "-").replace("/", "_") if "+" in text or "/" in text else "-" + text[1:],
        stripped,  # padding removed
        text + "====",  # extra padding
    ]
    if stripped != text:
        # set a padding bit: the last data character encodes unused bits
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        last = alphabet.index(stripped[-1])
        variants.append(stripped[:-1] + alphabet[last ^ 1] + text[len(stripped) :])
    return variants


@pytest.mark.parametrize("field", ["payload", "sig"])
def test_refuses_non_canonical_base64(field: str) -> None:
    document = envelope_dict()
    original = document["signatures"][0]["sig"] if field == "sig" else document["payload"]
    assert original.endswith("=")  # the padding-bit variant is exercised
    for text in corrupt_variants(original):
        error = package_error(with_base64(field, text))
        assert error.message == "The field “{name}” of the signed package is not valid base64."
        assert error.params == {"name": "signatures[0].sig" if field == "sig" else field}


def test_padding_bit_variant_decodes_leniently_to_the_same_bytes() -> None:
    """The padding-bit variant above is a real malleation, not just garbage."""
    original = envelope_dict()["payload"]
    variant = corrupt_variants(original)[-1]
    assert variant != original
    assert base64.b64decode(variant) == base64.b64decode(original)


def test_refuses_unsigned_envelope() -> None:
    document = envelope_dict()
    document["signatures"] = []
    assert package_error(encode(document)).message == "The package carries no signature."


def test_refuses_too_many_signatures() -> None:
    document = envelope_dict()
    document["signatures"] = [
        {"keyid": f"{i:064x}", "sig": document["signatures"][0]["sig"]} for i in range(9)
    ]
    error = package_error(encode(document))
    assert error.message == "The package carries more than {limit} signatures."
    assert error.params == {"limit": 8}


@pytest.mark.parametrize(
    "keyid", ["", "abc", key_id(PUBLIC).upper(), key_id(PUBLIC) + "0", "g" * 64, " " + "0" * 63]
)
def test_refuses_malformed_keyid(keyid: str) -> None:
    document = envelope_dict()
    document["signatures"][0]["keyid"] = keyid
    error = package_error(encode(document))
    assert error.message == "A signature of the package names its key in an unknown form."


def test_refuses_duplicate_keyid() -> None:
    document = envelope_dict()
    document["signatures"] = document["signatures"] * 2
    error = package_error(encode(document))
    assert error.message == "The package carries two signatures by the same key."


@pytest.mark.parametrize("size", [0, 32, 63, 65, 128])
def test_refuses_signature_of_wrong_length(size: int) -> None:
    document = envelope_dict()
    document["signatures"][0]["sig"] = b64(b"\x01" * size)
    error = package_error(encode(document))
    assert error.message == "A signature of the package has the wrong length."


def test_refuses_deeper_nesting_than_an_envelope_has() -> None:
    document = envelope_dict()
    document["signatures"][0]["sig"] = [document["signatures"][0]["sig"]]
    with pytest.raises(MalformedJSONError) as info:
        open_envelope(encode(document), max_size=MAX)
    assert info.value.message == "The data is nested more than {limit} levels deep."


# --- payload type ------------------------------------------------------------------


def test_payload_type_version() -> None:
    assert PAYLOAD_TYPE == "application/vnd.thidua.package+json; version=1"
    assert payload_format_version(PAYLOAD_TYPE) == 1
    assert parse_payload_type(payload_type_for(7)) == 7


@pytest.mark.parametrize("version", [2, 10, 999_999_999])
def test_payload_type_too_new(version: int) -> None:
    with pytest.raises(FormatTooNewError) as info:
        payload_format_version(payload_type_for(version))
    assert info.value.message == (
        "This package was made by a newer version of Thi Đua (format {version}). "
        "Update the application to read it."
    )
    assert info.value.params == {"version": version}


@pytest.mark.parametrize(
    "payload_type",
    [
        "",
        "application/json",
        "application/vnd.in-toto+json",
        "application/vnd.thidua.package+json",
        "application/vnd.thidua.package+json; version=0",
        "application/vnd.thidua.package+json; version=01",
        "application/vnd.thidua.package+json; version=-1",
        "application/vnd.thidua.package+json; version=1.0",
        "application/vnd.thidua.package+json;version=1",
        "application/vnd.thidua.package+json;  version=1",
        "application/vnd.thidua.package+json; version=1 ",
        "APPLICATION/VND.THIDUA.PACKAGE+JSON; version=1",
        "application/vnd.thidua.package+json; version=1; charset=utf-8",
        "application/vnd.thidua.package+json; version=1\n",
        "application/vnd.thidua.package+json; version=١",  # Arabic-Indic digit one
        "application/vnd.thidua.package+json; version=1234567890",
    ],
)
def test_payload_type_unsupported(payload_type: str) -> None:
    with pytest.raises(UnsupportedFormatError) as info:
        payload_format_version(payload_type)
    assert info.value.message == (
        "This file is not a Thi Đua package, or its format is not supported."
    )
    assert not isinstance(info.value, FormatTooNewError)


# --- properties ----------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(payload=st.binary(max_size=2048), payload_type=st.text(max_size=60))
def test_property_round_trip(payload: bytes, payload_type: str) -> None:
    data = sign_envelope(KEY, payload_type, payload)
    envelope = open_envelope(data, max_size=MAX)
    assert envelope.payload_type == payload_type
    assert verify_envelope(envelope, PUBLIC) == payload


def open_and_verify(data: bytes) -> bytes:
    return verify_envelope(open_envelope(data, max_size=MAX), PUBLIC)


def flipped(data: bytes, position: int, mask: int) -> bytes:
    return data[:position] + bytes([data[position] ^ mask]) + data[position + 1 :]


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_property_any_flipped_byte_fails(data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=len(SIGNED) - 1))
    mask = data.draw(st.integers(min_value=1, max_value=255))
    with pytest.raises(UserError):
        open_and_verify(flipped(SIGNED, position, mask))


@pytest.mark.parametrize("mask", [0x01, 0x20, 0x80])
def test_every_position_flipped_fails(mask: int) -> None:
    assert open_and_verify(SIGNED) == PAYLOAD
    for position in range(len(SIGNED)):
        with pytest.raises(UserError):
            open_and_verify(flipped(SIGNED, position, mask))

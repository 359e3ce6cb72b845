"""Primitives (PAE, signatures, key ids, fingerprints, base64) and weak or invalid
public keys.

DSSE envelopes with Ed25519: real keys, real signatures, an independent DSSE
implementation (securesystemslib), and the independent Ed25519 reference of
``ed25519_reference.py``; the sample keys and envelope are in ``samples.py``."""

from __future__ import annotations

import hashlib
import itertools
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from app.exchange import signing
from app.exchange.signing import (
    PAYLOAD_TYPE,
    SMALL_ORDER_CANONICAL,
    SMALL_ORDER_NONCANONICAL,
    WeakKeyError,
    check_public_key,
    decode_base64_canonical,
    fingerprint_groups,
    fingerprint_matches,
    key_id,
    load_public_key,
    open_envelope,
    pae,
    verify_envelope,
)
from tests.unit.signing.ed25519_reference import (
    IDENTITY,
    L,
    P,
    Point,
    decode_point,
    encode_point,
    naive_verify,
    point_equal,
    point_mul,
)
from tests.unit.signing.samples import (
    MAX,
    OTHER_PUBLIC,
    PUBLIC,
    RFC_PUBLIC,
    RFC_SEED,
    RFC_SIG_EMPTY,
    b64,
    encode,
)

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

"""Signing and verifying, the payload type, and properties over any payload and any
flipped byte.

DSSE envelopes with Ed25519: real keys, real signatures, an independent DSSE
implementation (securesystemslib), and the independent Ed25519 reference of
``ed25519_reference.py``; the sample keys and envelope are in ``samples.py``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from securesystemslib.dsse import Envelope as SslibEnvelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import CryptoSigner, SSlibKey

from app.core.errors import UserError
from app.exchange import signing
from app.exchange.signing import (
    PAYLOAD_TYPE,
    Envelope,
    FormatTooNewError,
    SignatureEntry,
    SignatureError,
    UnsupportedFormatError,
    key_id,
    open_envelope,
    pae,
    parse_payload_type,
    payload_format_version,
    payload_type_for,
    sign_envelope,
    verify_envelope,
)
from tests.unit.signing.ed25519_reference import (
    L,
    naive_verify,
)
from tests.unit.signing.samples import (
    KEY,
    MAX,
    OTHER_KEY,
    OTHER_PUBLIC,
    PAYLOAD,
    PUBLIC,
    SIGNED,
    b64,
    encode,
    envelope_dict,
)

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

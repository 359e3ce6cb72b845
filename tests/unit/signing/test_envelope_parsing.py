"""Strict envelope parsing: size, text, fields, base64, signatures, nesting.

DSSE envelopes with Ed25519: real keys, real signatures, an independent DSSE
implementation (securesystemslib), and the independent Ed25519 reference of
``ed25519_reference.py``; the sample keys and envelope are in ``samples.py``."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from app.core.strictjson import MalformedJSONError
from app.exchange import signing
from app.exchange.signing import (
    key_id,
    open_envelope,
)
from tests.unit.signing.samples import (
    MAX,
    PUBLIC,
    SIGNED,
    b64,
    encode,
    envelope_dict,
    package_error,
)

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

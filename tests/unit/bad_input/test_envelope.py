"""Bad input to the federation import: each file is refused with its own clear message,
no exception escapes, and the merged data is exactly as before (every table but the import's
own bookkeeping; a dry run first predicts the same and writes nothing).

The file and its envelope, refused before or at the signature."""

from __future__ import annotations

import random
from typing import Any

import pytest

from app.core.strictjson import (
    MSG_BOM,
    MSG_DUPLICATE_KEY,
    MSG_NOT_UTF8,
    MSG_SURROGATE,
    MSG_SYNTAX,
    MSG_TOO_DEEP,
    MSG_UTF16,
)
from app.exchange.keystore import generate_keypair
from app.exchange.signing import (
    MAX_SIGNATURES,
    MSG_BAD_SIGNATURE,
    MSG_ENVELOPE_BASE64,
    MSG_ENVELOPE_DUPLICATE_KEYID,
    MSG_ENVELOPE_FIELD_TYPE,
    MSG_ENVELOPE_KEYID,
    MSG_ENVELOPE_MISSING_FIELD,
    MSG_ENVELOPE_NOT_OBJECT,
    MSG_ENVELOPE_SIGNATURE_SIZE,
    MSG_ENVELOPE_TOO_MANY_SIGNATURES,
    MSG_ENVELOPE_UNKNOWN_FIELD,
    MSG_ENVELOPE_UNSIGNED,
    MSG_FORMAT_TOO_NEW,
    MSG_FORMAT_UNSUPPORTED,
    PAYLOAD_MEDIA_TYPE,
    payload_type_for,
)
from tests.unit.package_forge import (
    MSG_UNKNOWN_KEY,
    Env,
    b64,
    dump,
    duplicate_envelope_key,
    edit,
    envelope,
    envelope_deep,
    expect_rejected,
    flip_payload_byte,
    keyid_of_other_unit,
    line_wrapped_payload,
    malleated,
    padding_bits_set,
    report,
    resigned_type,
    too_many_signatures,
    two_signatures_same_key,
    valid,
    with_envelope,
    with_signature,
)

#: Refused input changes nothing on either backend.
pytestmark = pytest.mark.both_backends


ENVELOPE_CASES = [
    pytest.param(lambda env: b"", MSG_SYNTAX, {}, id="empty-file"),
    pytest.param(
        lambda env: random.Random(2017).randbytes(4096),
        MSG_NOT_UTF8,
        {},
        id="random-bytes",
    ),
    pytest.param(
        lambda env: b"Bao cao thi dua 6 thang dau nam 2017\r\n", MSG_SYNTAX, {}, id="plain-text"
    ),
    pytest.param(lambda env: valid(env)[: len(valid(env)) // 2], MSG_SYNTAX, {}, id="truncated"),
    pytest.param(lambda env: valid(env)[:-1], MSG_SYNTAX, {}, id="truncated-last-byte"),
    pytest.param(lambda env: b"\xef\xbb\xbf" + valid(env), MSG_BOM, {}, id="utf8-bom"),
    pytest.param(
        lambda env: valid(env).decode("utf-8").encode("utf-16"), MSG_UTF16, {}, id="utf16-resave"
    ),
    pytest.param(
        lambda env: valid(env).decode("utf-8").encode("utf-16-le"),
        MSG_UTF16,
        {},
        id="utf16le-without-bom",
    ),
    pytest.param(
        lambda env: valid(env)[:1] + b" \xff " + valid(env)[1:], MSG_NOT_UTF8, {}, id="stray-byte"
    ),
    pytest.param(lambda env: b"[]", MSG_ENVELOPE_NOT_OBJECT, {}, id="json-array"),
    pytest.param(envelope_deep, MSG_TOO_DEEP, {"limit": 3}, id="envelope-deep-nesting"),
    pytest.param(
        duplicate_envelope_key,
        MSG_DUPLICATE_KEY,
        {"name": "payloadType"},
        id="envelope-duplicate-key",
    ),
    pytest.param(
        lambda env: with_envelope(env, alg="none"),
        MSG_ENVELOPE_UNKNOWN_FIELD,
        {"name": "alg"},
        id="envelope-alg-none",
    ),
    pytest.param(
        lambda env: dump({k: v for k, v in envelope(valid(env)).items() if k != "signatures"}),
        MSG_ENVELOPE_MISSING_FIELD,
        {"name": "signatures"},
        id="envelope-missing-signatures",
    ),
    pytest.param(
        lambda env: with_envelope(env, payload=12345),
        MSG_ENVELOPE_FIELD_TYPE,
        {"name": "payload"},
        id="payload-not-a-string",
    ),
    pytest.param(
        lambda env: edit(valid(env).decode(), '"payloadType":"', '"payloadType":"\\ud800').encode(),
        MSG_SURROGATE,
        {},
        id="envelope-lone-surrogate",
    ),
    pytest.param(
        line_wrapped_payload, MSG_ENVELOPE_BASE64, {"name": "payload"}, id="base64-line-wrapped"
    ),
    pytest.param(
        padding_bits_set, MSG_ENVELOPE_BASE64, {"name": "payload"}, id="base64-padding-bits"
    ),
    pytest.param(
        lambda env: with_envelope(env, signatures=[]), MSG_ENVELOPE_UNSIGNED, {}, id="no-signatures"
    ),
    pytest.param(
        too_many_signatures,
        MSG_ENVELOPE_TOO_MANY_SIGNATURES,
        {"limit": MAX_SIGNATURES},
        id="too-many-signatures",
    ),
    pytest.param(
        lambda env: with_signature(env, sig=b64(bytes(63))),
        MSG_ENVELOPE_SIGNATURE_SIZE,
        {},
        id="signature-63-bytes",
    ),
    pytest.param(
        lambda env: with_signature(
            env, keyid=envelope(valid(env))["signatures"][0]["keyid"].upper()
        ),
        MSG_ENVELOPE_KEYID,
        {},
        id="keyid-uppercase",
    ),
    pytest.param(
        two_signatures_same_key, MSG_ENVELOPE_DUPLICATE_KEYID, {}, id="same-signature-twice"
    ),
    pytest.param(
        lambda env: flip_payload_byte(valid(env)), MSG_BAD_SIGNATURE, {}, id="flipped-payload-byte"
    ),
    pytest.param(malleated, MSG_BAD_SIGNATURE, {}, id="malleated-signature-s-plus-l"),
    pytest.param(keyid_of_other_unit, MSG_BAD_SIGNATURE, {}, id="keyid-of-another-unit"),
    pytest.param(
        resigned_type("application/vnd.in-toto+json"),
        MSG_FORMAT_UNSUPPORTED,
        {},
        id="payload-type-other-media-type",
    ),
    pytest.param(
        resigned_type(payload_type_for(2)),
        MSG_FORMAT_TOO_NEW,
        {"version": 2},
        id="payload-type-version-2",
    ),
    pytest.param(
        resigned_type(f"{PAYLOAD_MEDIA_TYPE}; version=0"),
        MSG_FORMAT_UNSUPPORTED,
        {},
        id="payload-type-version-0",
    ),
    pytest.param(
        resigned_type(f"{PAYLOAD_MEDIA_TYPE}; version=01"),
        MSG_FORMAT_UNSUPPORTED,
        {},
        id="payload-type-version-leading-zero",
    ),
    pytest.param(
        lambda env: report(env, env.unit("CS-00001"), key=generate_keypair()),
        MSG_UNKNOWN_KEY,
        {},
        id="unknown-key",
    ),
]


@pytest.mark.parametrize(("build", "reason", "params"), ENVELOPE_CASES)
def test_file_refused_before_or_at_the_signature(
    env: Env, build: Any, reason: str, params: dict[str, Any]
) -> None:
    expect_rejected(env, env.write("bad.thidua", build(env)), reason, params)

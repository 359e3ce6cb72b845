"""Bad input to the federation import: each file is refused with its own clear message,
no exception escapes, and the merged data is exactly as before (every table but the import's
own bookkeeping; a dry run first predicts the same and writes nothing).

The payload: signed correctly, but not strict JSON."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.strictjson import (
    MSG_DUPLICATE_KEY,
    MSG_FLOAT_NOT_ALLOWED,
    MSG_INT_RANGE,
    MSG_NON_FINITE,
    MSG_NOT_UTF8,
    MSG_SURROGATE,
    MSG_TOO_DEEP,
    SAFE_INTEGER_MAX,
)
from tests.unit.package_forge import (
    MSG_INVALID,
    Env,
    edit,
    expect_rejected,
    payload_text,
    resign,
    resigned_edit,
)

#: Refused input changes nothing on either backend.
pytestmark = pytest.mark.both_backends


# --- the payload: signed correctly, but not strict JSON --------------------------------------


def payload_not_utf8(env: Env) -> bytes:
    unit = env.unit("CS-00001")
    raw = payload_text(env, unit).encode("utf-8")
    ee = "ễ".encode()
    assert raw.count(ee) == 1
    return resign(unit, raw.replace(ee, ee[:2]))  # a truncated 3-byte sequence


def payload_deep(env: Env) -> bytes:
    unit = env.unit("CS-00001")
    nested = "[" * 40 + "]" * 40
    return resign(unit, edit(payload_text(env, unit), '"notes":""', f'"notes":{nested}'))


SAFE = {"minimum": -SAFE_INTEGER_MAX, "maximum": SAFE_INTEGER_MAX}

PAYLOAD_CASES = [
    pytest.param(
        resigned_edit('"revision":1', '"revision":1,"revision":2'),
        MSG_DUPLICATE_KEY,
        {"name": "revision"},
        id="payload-duplicate-key",
    ),
    pytest.param(payload_deep, MSG_TOO_DEEP, {"limit": 16}, id="payload-deep-nesting"),
    pytest.param(
        resigned_edit('"revision":1', '"revision":' + "9" * 60),
        MSG_INT_RANGE,
        SAFE,
        id="payload-huge-integer",
    ),
    pytest.param(
        resigned_edit('"revision":1', f'"revision":{2**53}'),
        MSG_INT_RANGE,
        SAFE,
        id="payload-integer-2-53",
    ),
    pytest.param(
        resigned_edit('"revision":1', '"revision":NaN'), MSG_NON_FINITE, {}, id="payload-nan"
    ),
    pytest.param(
        resigned_edit('"epoch":1', '"epoch":-Infinity'),
        MSG_NON_FINITE,
        {},
        id="payload-infinity",
    ),
    pytest.param(
        resigned_edit('"epoch":1', '"epoch":1e400'),
        MSG_FLOAT_NOT_ALLOWED,
        {},
        id="payload-overflowing-float",
    ),
    pytest.param(
        resigned_edit('"revision":1', '"revision":1.0'),
        MSG_FLOAT_NOT_ALLOWED,
        {},
        id="float-where-integer-required",
    ),
    pytest.param(
        resigned_edit('"signer_name":"Nguyễn Văn An"', '"signer_name":"\\ud800"'),
        MSG_SURROGATE,
        {},
        id="payload-lone-surrogate",
    ),
    pytest.param(payload_not_utf8, MSG_NOT_UTF8, {}, id="payload-not-utf8"),
]


@pytest.mark.parametrize(("build", "reason", "params"), PAYLOAD_CASES)
def test_signed_payload_that_is_not_strict_json(
    env: Env, build: Any, reason: str, params: dict[str, Any]
) -> None:
    expect_rejected(env, env.write("bad.thidua", build(env)), reason, params)


def test_payload_that_is_not_an_object(env: Env) -> None:
    data = resign(env.unit("CS-00001"), "[]")
    expect_rejected(env, env.write("bad.thidua", data), MSG_INVALID, {"field": "payload"})

"""Bad input to the federation import: each file is refused with its own clear message,
no exception escapes, and the merged data is exactly as before (every table but the import's
own bookkeeping; a dry run first predicts the same and writes nothing).

Enrolments and weak keys."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.exchange.format import (
    build_payload,
    seal,
)
from app.exchange.keystore import generate_keypair
from app.exchange.signing import (
    MSG_KEY_NON_CANONICAL,
    MSG_KEY_NOT_ON_CURVE,
    MSG_KEY_SMALL_ORDER,
    PAYLOAD_TYPE,
    SMALL_ORDER_CANONICAL,
    key_id,
)
from tests.unit.package_forge import (
    IDENTITY_POINT,
    MSG_ALREADY_ENROLLED,
    MSG_AUDIENCE,
    MSG_ENROLMENT_KEY,
    MSG_NOT_IN_ROSTER,
    Env,
    b64,
    dump,
    enrolment,
    expect_rejected,
)

#: Refused input changes nothing on either backend.
pytestmark = pytest.mark.both_backends


# --- enrolments and weak keys -----------------------------------------------------------------


def weak_enrolment(env: Env, point: bytes) -> bytes:
    """An enrolment whose key is ``point`` and whose keyid matches it.

    The signature is R = identity, S = 0, which satisfies the (cofactorless)
    verification equation [S]B = R + [h]A for A = identity and every message:
    with that key, anyone could sign anything.
    """
    unit = env.unit("CS-00004")
    head, content = enrolment(env, unit, point)
    payload = build_payload(head, content)
    return dump(
        {
            "payload": b64(payload),
            "payloadType": PAYLOAD_TYPE,
            "signatures": [{"keyid": key_id(point), "sig": b64(IDENTITY_POINT + bytes(32))}],
        }
    )


@pytest.mark.parametrize(
    "point", sorted(SMALL_ORDER_CANONICAL), ids=lambda p: f"small-order-{p.hex()[:8]}"
)
def test_enrolment_with_a_small_order_key(env: Env, point: bytes) -> None:
    expect_rejected(env, env.write("weak.thidua", weak_enrolment(env, point)), MSG_KEY_SMALL_ORDER)


def _not_on_curve() -> bytes:
    """The smallest y whose x² = (y² - 1)/(d·y² + 1) has no square root mod p."""
    p = 2**255 - 19
    d = -121665 * pow(121666, -1, p) % p
    for y in range(2, 1000):
        x2 = (y * y - 1) * pow(d * y * y + 1, -1, p) % p
        if pow(x2, (p - 1) // 2, p) == p - 1:
            return y.to_bytes(32, "little")
    raise AssertionError("no such y below 1000")


def test_enrolment_with_a_key_not_on_the_curve(env: Env) -> None:
    data = weak_enrolment(env, _not_on_curve())
    expect_rejected(env, env.write("weak.thidua", data), MSG_KEY_NOT_ON_CURVE)


def test_enrolment_with_a_non_canonical_key(env: Env) -> None:
    y = 2**255 - 19 + 2  # y + p for y = 2: a value >= p
    data = weak_enrolment(env, y.to_bytes(32, "little"))
    expect_rejected(env, env.write("weak.thidua", data), MSG_KEY_NON_CANONICAL)


def test_enrolment_not_signed_by_the_key_it_carries(env: Env) -> None:
    carried, signer = generate_keypair(), generate_keypair()
    head, content = enrolment(env, env.unit("CS-00004"), carried.public_raw)
    data, _hash = seal(replace(head, signer=signer.key_id), content, [signer.private_key])
    expect_rejected(env, env.write("enrol.thidua", data), MSG_ENROLMENT_KEY)


def test_enrolment_for_a_unit_not_in_the_roster(env: Env) -> None:
    fresh = generate_keypair()
    head, content = enrolment(
        env, env.unit("CS-00004"), fresh.public_raw, unit_id="11111111-2222-4333-8444-555555555555"
    )
    data, _hash = seal(head, content, [fresh.private_key])
    expect_rejected(env, env.write("enrol.thidua", data), MSG_NOT_IN_ROSTER)


def test_enrolment_for_another_federation(env: Env) -> None:
    fresh = generate_keypair()
    head, content = enrolment(
        env, env.unit("CS-00004"), fresh.public_raw, audience="00000000-0000-4000-8000-000000000000"
    )
    data, _hash = seal(head, content, [fresh.private_key])
    expect_rejected(env, env.write("enrol.thidua", data), MSG_AUDIENCE)


def test_enrolment_of_a_key_already_enrolled(env: Env) -> None:
    unit = env.unit("CS-00004")
    head, content = enrolment(env, unit, unit.keypair.public_raw)
    data, _hash = seal(head, content, [unit.keypair.private_key])
    expect_rejected(env, env.write("enrol.thidua", data), MSG_ALREADY_ENROLLED)

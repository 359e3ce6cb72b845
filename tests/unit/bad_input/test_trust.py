"""Bad input to the federation import: each file is refused with its own clear message,
no exception escapes, and the merged data is exactly as before (every table but the import's
own bookkeeping; a dry run first predicts the same and writes nothing).

Who signed it, for whom: keys of other units, revoked and refused keys, revisions."""

from __future__ import annotations

from typing import Any

import pytest

from app.exchange import federation
from app.exchange.format import (
    MAX_REVISION,
    Kind,
    seal,
)
from app.exchange.key_status import KeyStatus
from app.exchange.keystore import generate_keypair
from app.exchange.outcomes import Outcome
from app.exchange.streams import MAX_REVISION_JUMP
from tests.unit.package_forge import (
    MSG_AUDIENCE,
    MSG_EPOCH,
    MSG_JUMP,
    MSG_NO_REVISION,
    MSG_OTHER_SIGNER,
    MSG_OTHER_UNIT,
    MSG_PENDING,
    MSG_PLAN_REF,
    MSG_REFUSED,
    MSG_REVOKED,
    MSG_UNIT_KIND,
    MSG_UNKNOWN_PERIOD,
    MSG_UNKNOWN_PLAN,
    Env,
    body,
    enrolment,
    expect_rejected,
    hash_of,
    header,
    import_items,
    report,
    resigned_report,
)

#: Refused input changes nothing on either backend.
pytestmark = pytest.mark.both_backends


# --- who signed it, for whom ------------------------------------------------------------------


def signed_by_other_unit(env: Env) -> bytes:
    """CS-00001's real key signs a report that claims to be CS-00002's."""
    a, b = env.unit("CS-00001"), env.unit("CS-00002")
    return report(env, b, key=a.keypair)


def names_other_signer(env: Env) -> bytes:
    """CS-00001's key signs, but the signed header names CS-00002's key as signer."""
    a, b = env.unit("CS-00001"), env.unit("CS-00002")
    data, _hash = seal(
        header(env, a, signer=b.keypair.key_id), body(env, a), [a.keypair.private_key]
    )
    return data


TRUST_CASES = [
    pytest.param(signed_by_other_unit, MSG_OTHER_UNIT, {}, id="key-of-a-signs-for-b"),
    pytest.param(names_other_signer, MSG_OTHER_SIGNER, {}, id="header-names-another-signer"),
    pytest.param(resigned_report(epoch=2), MSG_EPOCH, {}, id="epoch-mismatch"),
    pytest.param(
        resigned_report(audience="00000000-0000-4000-8000-000000000000"),
        MSG_AUDIENCE,
        {},
        id="wrong-audience",
    ),
    pytest.param(
        resigned_report(kind=Kind.PLAN), MSG_UNIT_KIND, {"kind": "plan"}, id="unit-key-signs-plan"
    ),
    pytest.param(
        resigned_report(kind=Kind.RECEIPT),
        MSG_UNIT_KIND,
        {"kind": "receipt"},
        id="unit-key-signs-receipt",
    ),
    pytest.param(
        resigned_report(kind=Kind.RETURN),
        MSG_UNIT_KIND,
        {"kind": "return"},
        id="unit-key-signs-return",
    ),
    pytest.param(
        resigned_report(plan_id="ha-giang-2017"),
        MSG_UNKNOWN_PLAN,
        {"plan": "ha-giang-2017"},
        id="unknown-plan",
    ),
    pytest.param(resigned_report(plan_ref="0" * 64), MSG_PLAN_REF, {}, id="plan-ref-mismatch"),
    pytest.param(
        resigned_report(stream="q3"), MSG_UNKNOWN_PERIOD, {"period": "q3"}, id="unknown-period"
    ),
    pytest.param(resigned_report(revision=0), MSG_NO_REVISION, {}, id="revision-zero"),
    pytest.param(
        resigned_report(revision=MAX_REVISION),
        MSG_JUMP,
        {"revision": MAX_REVISION},
        id="revision-2-31-minus-1",
    ),
]


@pytest.mark.parametrize(("build", "reason", "params"), TRUST_CASES)
def test_signed_package_refused_by_the_federation(
    env: Env, build: Any, reason: str, params: dict[str, Any]
) -> None:
    expect_rejected(env, env.write("bad.thidua", build(env)), reason, params)


def test_revoked_key(env: Env) -> None:
    unit = env.unit("CS-00003")
    federation.decide_key(env.ctx, keyid=unit.keypair.key_id, decision=KeyStatus.REVOKED)
    path = env.write("after-revocation.thidua", report(env, unit))
    expect_rejected(env, path, MSG_REVOKED)


def test_refused_key(env: Env) -> None:
    unit = env.unit("CS-00003")
    fresh = generate_keypair()
    head, content = enrolment(env, unit, fresh.public_raw)
    data, _hash = seal(head, content, [fresh.private_key])
    items, _before = import_items(env, env.write("enrol.thidua", data))
    assert [(i.outcome, i.reason) for i in items] == [(Outcome.PENDING_KEY, MSG_PENDING)]
    federation.decide_key(env.ctx, keyid=fresh.key_id, decision=KeyStatus.REFUSED)
    path = env.write("refused.thidua", report(env, unit, key=fresh))
    expect_rejected(env, path, MSG_REFUSED)


def test_revision_jump_over_the_head(env: Env) -> None:
    unit = env.unit("CS-00001")
    first = env.file("CS-00001")
    items, _before = import_items(env, first)
    assert [i.outcome for i in items] == [Outcome.NEW]
    revision = 1 + MAX_REVISION_JUMP + 1
    data = report(env, unit, revision=revision, supersedes=hash_of(first.read_bytes()))
    expect_rejected(env, env.write("jump.thidua", data), MSG_JUMP, {"revision": revision})

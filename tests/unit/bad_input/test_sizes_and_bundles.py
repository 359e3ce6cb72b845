"""Bad input to the federation import: each file is refused with its own clear message,
no exception escapes, and the merged data is exactly as before (every table but the import's
own bookkeeping; a dry run first predicts the same and writes nothing).

Sizes, unreadable files, bundles, and the one accepted case: a clock in the future."""

from __future__ import annotations

import base64
import json

import pytest

from app.core.strictjson import (
    MSG_TOO_LARGE,
)
from app.exchange import federation
from app.exchange.format import (
    MAX_BUNDLE_BYTES,
    MAX_PACKAGE_BYTES,
    seal,
)
from app.exchange.key_status import KeyStatus
from app.exchange.keystore import generate_keypair
from app.exchange.outcomes import Outcome
from app.exchange.signing import (
    MSG_BAD_SIGNATURE,
)
from tests.digest import changed_tables
from tests.unit.package_forge import (
    MSG_BUNDLE_KEY,
    MSG_FUTURE,
    MSG_INVALID,
    MSG_NESTED_BUNDLE,
    MSG_TOO_LARGE_SINGLE,
    MSG_UNKNOWN_KEY,
    MSG_UNREADABLE,
    Env,
    b64,
    body,
    bundle,
    dump,
    envelope,
    expect_rejected,
    flip_payload_byte,
    hash_of,
    header,
    import_items,
    invalid,
    report,
    resign,
    stored_hashes,
    table_digests,
    valid,
)

#: Refused input changes nothing on either backend.
pytestmark = pytest.mark.both_backends


# --- sizes and unreadable files ---------------------------------------------------------------


def test_oversize_single_package_padded_with_whitespace(env: Env) -> None:
    """The signature still verifies (whitespace is outside the signed bytes)."""
    data = valid(env)
    padded = data[:1] + b" " * (MAX_PACKAGE_BYTES + 1 - len(data)) + data[1:]
    assert len(padded) == MAX_PACKAGE_BYTES + 1
    expect_rejected(env, env.write("big.thidua", padded), MSG_TOO_LARGE_SINGLE)


def test_oversize_single_package_with_a_large_signed_payload(env: Env) -> None:
    unit = env.unit("CS-00001")
    content = body(env, unit)
    content["attachments"] = ["x" * 150_000] * 25  # 3.75 MB, 5 MB once in base64
    data, _hash = seal(header(env, unit), content, [unit.keypair.private_key])
    assert len(data) > MAX_PACKAGE_BYTES
    expect_rejected(env, env.write("big.thidua", data), MSG_TOO_LARGE_SINGLE)


def test_file_larger_than_any_bundle(env: Env) -> None:
    path = env.dir / "huge.thidua"
    with path.open("wb") as handle:
        handle.truncate(MAX_BUNDLE_BYTES + 1)  # sparse: nothing is written or read
    expect_rejected(
        env, path, MSG_TOO_LARGE, {"size": MAX_BUNDLE_BYTES + 1, "limit": MAX_BUNDLE_BYTES}
    )


def test_missing_file(env: Env) -> None:
    expect_rejected(
        env, env.dir / "gone.thidua", MSG_UNREADABLE, {"detail": "No such file or directory"}
    )


# --- bundles -----------------------------------------------------------------------------------


def test_bundle_with_one_tampered_item(env: Env) -> None:
    good = [valid(env, "CS-00001"), valid(env, "CS-00002")]
    tampered = flip_payload_byte(valid(env, "CS-00003"))
    path = env.write("bundle.thidua", bundle(env, env.unit("CT-001"), [good[0], tampered, good[1]]))
    items, before = import_items(env, path)
    assert [(i.file_name, i.outcome, i.reason) for i in items] == [
        ("bundle.thidua#1", Outcome.NEW, ""),
        ("bundle.thidua#2", Outcome.REJECTED, MSG_BAD_SIGNATURE),
        ("bundle.thidua#3", Outcome.NEW, ""),
    ]
    assert stored_hashes(env) == {hash_of(data) for data in good}
    assert "package" in changed_tables(before, table_digests(env))


def test_bundle_whose_outer_signature_no_longer_matches(env: Env) -> None:
    """An item swapped after the relay signed: the whole bundle is refused."""
    data = bundle(env, env.unit("CT-001"), [valid(env, "CS-00001"), valid(env, "CS-00002")])
    doc = envelope(data)
    payload = json.loads(base64.b64decode(doc["payload"]))
    payload["body"]["items"][1] = b64(report(env, env.unit("CS-00002"), revision=2))
    doc["payload"] = b64(dump(payload))
    expect_rejected(env, env.write("bundle.thidua", dump(doc)), MSG_BAD_SIGNATURE)


def test_bundle_inside_a_bundle(env: Env) -> None:
    relay = env.unit("CT-001")
    inner = bundle(env, relay, [valid(env, "CS-00001")])
    path = env.write("bundle.thidua", bundle(env, relay, [inner]))
    item = expect_rejected(env, path, MSG_NESTED_BUNDLE)
    assert item.file_name == "bundle.thidua#1"


def test_bundle_inside_a_bundle_beside_a_good_item(env: Env) -> None:
    relay = env.unit("CT-001")
    inner = bundle(env, relay, [valid(env, "CS-00001")])
    path = env.write("bundle.thidua", bundle(env, relay, [valid(env, "CS-00002"), inner]))
    items, _before = import_items(env, path)
    assert [(i.outcome, i.reason) for i in items] == [
        (Outcome.NEW, ""),
        (Outcome.REJECTED, MSG_NESTED_BUNDLE),
    ]
    assert stored_hashes(env) == {hash_of(valid(env, "CS-00002"))}


def test_bundle_item_that_is_not_base64(env: Env) -> None:
    data = bundle(env, env.unit("CT-001"), [valid(env, "CS-00001")])
    doc = envelope(data)
    payload = json.loads(base64.b64decode(doc["payload"]))
    payload["body"]["items"] = ["not base64!"]
    relay = env.unit("CT-001")
    data = resign(relay, dump(payload))
    expect_rejected(env, env.write("bundle.thidua", data), MSG_INVALID, invalid("body.items[1]"))


def test_bundle_signed_by_a_revoked_relay(env: Env) -> None:
    relay = env.unit("CT-001")
    federation.decide_key(env.ctx, keyid=relay.keypair.key_id, decision=KeyStatus.REVOKED)
    path = env.write("bundle.thidua", bundle(env, relay, [valid(env, "CS-00001")]))
    expect_rejected(env, path, MSG_BUNDLE_KEY)


def test_bundle_signed_by_an_unknown_key(env: Env) -> None:
    path = env.write(
        "bundle.thidua",
        bundle(env, env.unit("CT-001"), [valid(env, "CS-00001")], signer=generate_keypair()),
    )
    expect_rejected(env, path, MSG_UNKNOWN_KEY)


# --- the one accepted case: a clock in the future only warns ----------------------------------


def test_far_future_created_at_is_accepted_with_a_warning(env: Env) -> None:
    data = report(env, env.unit("CS-00005"), created_at="2999-12-31T23:59:59+07:00")
    items, before = import_items(env, env.write("future.thidua", data))
    assert [(i.outcome, i.warning) for i in items] == [(Outcome.NEW, MSG_FUTURE)]
    changed = changed_tables(before, table_digests(env))
    assert {"package", "statement", "statement_value", "stream_head"} <= set(changed)
    assert stored_hashes(env) == {hash_of(data)}

"""Bad input to the federation import: each file is refused with its own clear message,
no exception escapes, and the merged data is exactly as before (every table but the import's
own bookkeeping; a dry run first predicts the same and writes nothing).

What a signature cannot make harmless (issue 14): characters no database keeps alike,
a unit code that is not the signer's, a bundle's own header."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from app.exchange.merge import import_packages
from app.exchange.outcomes import Outcome
from tests.unit.package_forge import (
    MSG_AUDIENCE,
    MSG_EPOCH,
    MSG_OTHER_SIGNER,
    MSG_OTHER_UNIT,
    Env,
    bundle,
    dump,
    envelope,
    expect_rejected,
    hash_of,
    report,
    resign,
    resigned_edit,
    stored_hashes,
    valid,
)

#: Refused input changes nothing on either backend.
pytestmark = pytest.mark.both_backends


# --- what a signature cannot make harmless (issue 14) -------------------------------------------

MSG_CHARACTER = (
    "The package contains a character that is not allowed ({character}) in {field}; "
    "nothing from it was imported."
)
MSG_OTHER_CODE = (
    "The package names unit code {claimed}, but the key that signed it is unit {code}'s."
)


@pytest.mark.parametrize(
    ("character", "where"),
    [
        ("\\u0000", "body.statement.notes"),  # PostgreSQL refused it: the whole batch rolled back
        ("\\u0007", "body.statement.notes"),
        ("\\u001b", "body.statement.notes"),
        ("\\u009b", "body.statement.notes"),
        ("\\u202e", "body.statement.notes"),  # right-to-left override
        ("\\u2066", "body.statement.notes"),  # left-to-right isolate
        ("\\ufeff", "body.statement.notes"),
    ],
)
def test_signed_text_with_a_character_no_database_keeps_alike(
    env: Env, character: str, where: str
) -> None:
    """A unit's real key signs a note holding a control or direction character: refused
    alike on SQLite and PostgreSQL, with the character and where it is."""
    build = resigned_edit('"notes":""', f'"notes":"abc{character}def"')
    expect_rejected(
        env,
        env.write("bad.thidua", build(env)),
        MSG_CHARACTER,
        {"character": f"U+{int(character[2:], 16):04X}", "field": where},
    )


def test_a_nul_in_one_package_leaves_the_rest_of_the_batch_merged(env: Env) -> None:
    """Before, PostgreSQL's DataError rolled back every package of the batch."""
    bad = resigned_edit('"notes":""', '"notes":"a\\u0000b"', code="CS-00002")(env)
    folder = env.dir / "batch"
    folder.mkdir()
    (folder / "1.thidua").write_bytes(valid(env, "CS-00001"))
    (folder / "2.thidua").write_bytes(bad)
    (folder / "3.thidua").write_bytes(valid(env, "CS-00003"))
    dry = import_packages(env.ctx, paths=[folder], dry_run=True)
    applied = import_packages(env.ctx, paths=[folder], dry_run=False)
    assert dry.items == applied.items
    assert [(i.file_name, i.outcome) for i in applied.items] == [
        ("1.thidua", Outcome.NEW),
        ("2.thidua", Outcome.REJECTED),
        ("3.thidua", Outcome.NEW),
    ]
    assert stored_hashes(env) == {hash_of(valid(env, "CS-00001")), hash_of(valid(env, "CS-00003"))}


def test_header_unit_code_must_be_the_signers(env: Env) -> None:
    """The data went to the signer's unit, but the log, summary and CSV showed the claimed
    code; now the claim is checked against the unit the key belongs to."""
    unit = env.unit("CS-00001")
    data = report(env, unit, unit_code="CS-00002")
    item = expect_rejected(
        env,
        env.write("bad.thidua", data),
        MSG_OTHER_CODE,
        {"claimed": "CS-00002", "code": "CS-00001"},
    )
    assert item.unit_code == "CS-00002"  # what the file claims, shown beside the refusal


def _bundle_with(env: Env, **changes: Any) -> bytes:
    relay = env.unit("CT-001")
    data = bundle(env, relay, [valid(env, "CS-00001")])
    doc = envelope(data)
    payload = json.loads(base64.b64decode(doc["payload"]))
    for name, value in changes.items():
        if name == "unit_code":
            payload["header"]["unit"]["code"] = value
        elif name == "unit_id":
            payload["header"]["unit"]["id"] = value
        else:
            payload["header"][name] = value
    return resign(relay, dump(payload))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"audience": "00000000-0000-4000-8000-000000000000"}, MSG_AUDIENCE),
        ({"epoch": 2}, MSG_EPOCH),
        ({"signer": "0" * 64}, MSG_OTHER_SIGNER),
        ({"unit_id": "00000000-0000-4000-8000-000000000001"}, MSG_OTHER_UNIT),
    ],
    ids=["another-federation", "other-epoch", "other-signer", "other-unit"],
)
def test_a_bundles_own_header_is_checked(env: Env, changes: dict[str, Any], reason: str) -> None:
    """Bundles addressed to another federation were relayed and merged."""
    expect_rejected(env, env.write("bundle.thidua", _bundle_with(env, **changes)), reason)

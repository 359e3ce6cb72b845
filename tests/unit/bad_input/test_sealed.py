"""Bad input to the federation import: each file is refused with its own clear message,
no exception escapes, and the merged data is exactly as before (every table but the import's
own bookkeeping; a dry run first predicts the same and writes nothing).

Encrypted files: truncated age headers, a file for another recipient, swapped or spliced
stanzas, a well-formed age file holding garbage or a package signed by another unit, an
unencrypted file after the transition year, and a bundle relaying such files."""

from __future__ import annotations

import random
from collections.abc import Callable

import pyrage
import pytest

from app.core.installation import set_setting
from app.core.strictjson import MSG_NOT_UTF8, MSG_SYNTAX
from app.exchange.age_keys import PLAIN_UNTIL_SETTING, ensure_identity
from app.exchange.keys import ensure_own_key
from app.exchange.outcomes import Outcome
from app.exchange.sealing import (
    MSG_DAMAGED,
    MSG_NOT_RECIPIENT,
    MSG_PLAIN_REFUSED,
    encrypt_to,
    new_identity,
    recipient_of,
)
from tests.unit.package_forge import (
    MSG_OTHER_UNIT,
    Env,
    bundle,
    expect_rejected,
    import_items,
    report,
    valid,
)

#: Refused input changes nothing on either backend.
pytestmark = pytest.mark.both_backends

STRANGER = recipient_of(new_identity())


def federation_recipient(env: Env) -> str:
    with env.ctx.unit_of_work() as session:
        return ensure_identity(session, ensure_own_key(session))


def sealed(env: Env, data: bytes | None = None, *others: str) -> bytes:
    """``data`` (default: a valid report) encrypted to the federation and ``others``."""
    return encrypt_to(valid(env) if data is None else data, [federation_recipient(env), *others])


def header_end(data: bytes) -> int:
    """Where the age header ends (after the MAC line)."""
    return data.index(b"\n", data.index(b"\n--- ") + 1) + 1


def stanzas(data: bytes) -> tuple[bytes, list[bytes], bytes]:
    """(the version line, each recipient stanza, the MAC line and payload)."""
    head, rest = data.split(b"\n--- ", 1)
    version, *lines = head.split(b"\n")
    found: list[bytes] = []
    for line in lines:
        if line.startswith(b"-> "):
            found.append(line)
        else:
            found[-1] += b"\n" + line
    return version, found, b"--- " + rest


def swapped_stanzas(env: Env) -> bytes:
    version, found, rest = stanzas(sealed(env, None, STRANGER))
    return b"\n".join([version, *reversed(found), rest])


def spliced_stanza(env: Env) -> bytes:
    """The federation's stanza of another file put in place of this file's."""
    version, _mine, rest = stanzas(sealed(env))
    _version, theirs, _rest = stanzas(sealed(env))
    return b"\n".join([version, *theirs, rest])


def signed_by_other_unit(env: Env) -> bytes:
    """CS-00001's report, signed (and its header naming) CS-00002's key."""
    return report(env, env.unit("CS-00001"), key=env.unit("CS-00002").keypair)


def armored_garbage(env: Env) -> bytes:
    return (
        b"-----BEGIN AGE ENCRYPTED FILE-----\nbm90IGFuIGFnZSBmaWxl\n"
        b"-----END AGE ENCRYPTED FILE-----\n"
    )


SEALED_CASES = [
    pytest.param(lambda env: sealed(env)[:25], MSG_DAMAGED, id="header-cut-in-version"),
    pytest.param(lambda env: sealed(env)[:60], MSG_DAMAGED, id="header-cut-in-stanza"),
    pytest.param(
        lambda env: sealed(env)[: header_end(sealed(env)) - 10], MSG_DAMAGED, id="header-cut-in-mac"
    ),
    pytest.param(
        lambda env: sealed(env)[: header_end(sealed(env)) + 20], MSG_DAMAGED, id="payload-cut"
    ),
    pytest.param(lambda env: sealed(env)[:-1], MSG_DAMAGED, id="last-byte-cut"),
    pytest.param(
        lambda env: encrypt_to(valid(env), [STRANGER]), MSG_NOT_RECIPIENT, id="wrong-recipient"
    ),
    pytest.param(swapped_stanzas, MSG_DAMAGED, id="swapped-stanzas"),
    pytest.param(spliced_stanza, MSG_DAMAGED, id="stanza-of-another-file"),
    pytest.param(
        lambda env: bytes(
            pyrage.encrypt(valid(env), [pyrage.x25519.Recipient.from_str(STRANGER)])
        ).replace(b"X25519", b"scrypt", 1),
        MSG_DAMAGED,
        id="stanza-type-changed",
    ),
    pytest.param(armored_garbage, MSG_DAMAGED, id="armored-garbage"),
    pytest.param(
        lambda env: sealed(env, b"Bao cao thi dua 2017\r\n"), MSG_SYNTAX, id="garbage-inside"
    ),
    pytest.param(
        lambda env: sealed(env, random.Random(2017).randbytes(4096)),
        MSG_NOT_UTF8,
        id="binary-inside",
    ),
    pytest.param(
        lambda env: sealed(env, signed_by_other_unit(env)),
        MSG_OTHER_UNIT,
        id="signed-by-another-unit-inside",
    ),
]


@pytest.mark.parametrize(("build", "reason"), SEALED_CASES)
def test_a_hostile_encrypted_file_is_refused_with_its_reason(
    env: Env, build: Callable[[Env], bytes], reason: str
) -> None:
    expect_rejected(env, env.write("sealed.thidua", build(env)), reason)


def test_a_plain_file_after_the_transition_year_is_refused(env: Env) -> None:
    with env.ctx.unit_of_work() as session:
        set_setting(session, PLAIN_UNTIL_SETTING, "2017-06-30")
    expect_rejected(
        env, env.write("plain.thidua", valid(env)), MSG_PLAIN_REFUSED, {"date": "30/06/2017"}
    )


def test_a_valid_encrypted_report_is_imported(env: Env) -> None:
    items, _before = import_items(env, env.write("sealed.thidua", sealed(env)))
    assert [i.outcome for i in items] == [Outcome.NEW]


def test_a_bundle_relaying_hostile_encrypted_files_refuses_each_on_its_own(env: Env) -> None:
    relay = env.unit("CS-00003")
    inner = [
        sealed(env, valid(env, "CS-00001")),
        encrypt_to(valid(env, "CS-00002"), [STRANGER]),
        sealed(env)[:60],
    ]
    data = sealed(env, bundle(env, relay, inner))
    items, _before = import_items(env, env.write("bundle.thidua", data))
    assert [(i.outcome, i.reason) for i in items] == [
        (Outcome.NEW, items[0].reason),
        (Outcome.REJECTED, MSG_NOT_RECIPIENT),
        (Outcome.REJECTED, MSG_DAMAGED),
    ]

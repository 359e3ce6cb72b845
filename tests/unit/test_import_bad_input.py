"""Bad input to the federation import: each file is refused with its own clear
message, no exception escapes, and the merged data is exactly as before.

"Exactly as before" is checked by a content hash of every table, except the
import bookkeeping tables (``import_run``, ``import_item``, ``audit_log``):
those record every attempt, refused ones included, by design (README, "Import and merge": the
run ends with a summary and an audit log entry). Every case first runs a dry
run, which must predict the same result and write nothing at all, not even
the bookkeeping.

One small demo province is built per module; each test starts from a fresh
copy of its database (and of the federation's key folder under
``THIDUA_HOME``). Tampered packages are made with the demo units' real keys,
so a re-signed package is wrong in exactly one respect.
"""

from __future__ import annotations

import base64
import json
import os
import random
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from app.core import domain
from app.core.context import AppContext, open_context
from app.core.errors import DatabaseError
from app.core.strictjson import (
    MSG_BOM,
    MSG_DUPLICATE_KEY,
    MSG_FLOAT_NOT_ALLOWED,
    MSG_INT_RANGE,
    MSG_NON_FINITE,
    MSG_NOT_UTF8,
    MSG_SURROGATE,
    MSG_SYNTAX,
    MSG_TOO_DEEP,
    MSG_TOO_LARGE,
    MSG_UTF16,
    SAFE_INTEGER_MAX,
)
from app.demo.province import Demo, DemoUnit, make_demo
from app.exchange import federation
from app.exchange.bodies import enrolment_to_json, statement_to_json
from app.exchange.format import (
    MAX_BUNDLE_BYTES,
    MAX_PACKAGE_BYTES,
    MAX_REVISION,
    Header,
    Kind,
    build_payload,
    new_package_id,
    payload_hash,
    seal,
)
from app.exchange.key_status import KeyStatus
from app.exchange.keystore import KeyPair, generate_keypair
from app.exchange.merge import import_packages
from app.exchange.outcomes import ItemResult, Outcome
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
    MSG_KEY_NON_CANONICAL,
    MSG_KEY_NOT_ON_CURVE,
    MSG_KEY_SMALL_ORDER,
    PAYLOAD_MEDIA_TYPE,
    PAYLOAD_TYPE,
    SMALL_ORDER_CANONICAL,
    key_id,
    payload_type_for,
    sign_envelope,
    sign_envelope_many,
)
from app.exchange.streams import MAX_REVISION_JUMP
from app.statements.records import StatementInput
from db import models
from db.enums import REGISTRATION_STREAM
from tests import digest
from tests.digest import changed_tables, combine

#: Refused input changes nothing on either backend.
pytestmark = pytest.mark.both_backends

#: Tables that record the import attempt itself (by design, also for refused
#: files); every other table must be byte-for-byte unchanged.
BOOKKEEPING = frozenset({"import_run", "import_item", "audit_log"})

# The import engine's own messages (English msgids, inline N_ in merge.py).
MSG_UNKNOWN_KEY = (
    "The package is signed by a key this federation does not know. "
    "The unit must send its enrolment first."
)
MSG_INVALID = "The package content is invalid: {field}."
MSG_INVALID_VALUES = "The package contains {count} invalid values (first: {code}: {problem})"
MSG_TOO_LARGE_SINGLE = "The file is too large for a single package."
MSG_UNREADABLE = "The file cannot be read or written: {detail}"
MSG_OTHER_UNIT = "The key that signed this package belongs to another unit."
MSG_OTHER_SIGNER = "The package names a different signer than the key that signed it."
MSG_REVOKED = "The package is signed by a revoked key."
MSG_REFUSED = "The package is signed by a key the federation refused."
MSG_EPOCH = "The package's key epoch does not match the key."
MSG_UNIT_KIND = "A unit cannot send this kind of package ({kind})."
MSG_AUDIENCE = "The package is addressed to another federation."
MSG_UNKNOWN_PLAN = "The package refers to a plan this federation does not have ({plan})."
MSG_PLAN_REF = "The package was made for another version of the plan."
MSG_UNKNOWN_PERIOD = "Unknown reporting period {period}."
MSG_NO_REVISION = "The package has no revision number."
MSG_JUMP = "The revision number jumps too far ahead ({revision})."
MSG_FUTURE = "Created in the future: the unit's computer clock may be wrong."
MSG_NESTED_BUNDLE = "A bundle cannot contain another bundle."
MSG_BUNDLE_KEY = "The bundle is signed by a key that is not accepted."
MSG_ENROLMENT_KEY = "The enrolment is not signed by the key it carries."
MSG_NOT_IN_ROSTER = "The unit is not in the federation's roster."
MSG_ALREADY_ENROLLED = "This key is already enrolled."
MSG_PENDING = "New key waiting for confirmation of its fingerprint {fingerprint}."
MSG_DB_WRITE = "The database could not be written."

#: Order of the edwards25519 base point (RFC 8032 §5.1).
ED25519_L = 2**252 + 27742317777372353535851937790883648493
IDENTITY_POINT = bytes.fromhex("01" + "00" * 31)
CREATED_AT = "2017-07-05T08:00:00+07:00"


# --- database content hashes ------------------------------------------------------------


def table_digests(env: Env) -> dict[str, str]:
    """SHA-256 of every table's column names and rows (see ``tests/digest.py``)."""
    return digest.table_digests(env.ctx.engine)


def table_digest(env: Env, *, exclude: frozenset[str] = frozenset()) -> str:
    """One hash over every table not in ``exclude``."""
    return combine(table_digests(env), exclude=exclude)


# --- the province ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Province:
    demo: Demo
    golden: Path  # the demo database, checkpointed into one file
    keys: Path  # the federation's own key folder (THIDUA_HOME/keys when it was built)


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    root = tmp_path_factory.mktemp("province")
    home = root / "home"
    # The autouse THIDUA_HOME fixture is per test; point this build at its own
    # folder so the federation key is never written to the real user data dir.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THIDUA_HOME", str(home))
        demo = make_demo(out_dir=root / "demo", units=6)
    golden = root / "golden.db"
    # The backup API copies the database with its WAL content into one
    # self-contained file; each test then copies that closed file.
    source = sqlite3.connect(demo.database)
    target = sqlite3.connect(golden)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return Province(demo=demo, golden=golden, keys=home / "keys")


@dataclass
class Env:
    ctx: AppContext
    backend: str
    dir: Path
    demo: Demo

    @property
    def plan(self) -> domain.Plan:
        return self.demo.plan

    @property
    def federation_id(self) -> str:
        return self.demo.federation_id

    def unit(self, code: str) -> DemoUnit:
        return self.demo.unit(code)

    def file(self, code: str, stream: str = REGISTRATION_STREAM) -> Path:
        """The demo's own (valid) package of a unit's stream."""
        return next(p for p in self.demo.files if p.name == f"{code}_{stream}_r1.thidua")

    def write(self, name: str, data: bytes) -> Path:
        path = self.dir / name
        path.write_bytes(data)
        return path


@pytest.fixture
def env(
    province: Province, tmp_path: Path, backend: str, on_backend: Callable[[Path], str]
) -> Iterator[Env]:
    if backend == "sqlite":
        where = str(tmp_path / "federation.db")
        shutil.copyfile(province.golden, where)
    else:
        where = on_backend(province.golden)
    shutil.copytree(province.keys, Path(os.environ["THIDUA_HOME"]) / "keys")
    files = tmp_path / "files"
    files.mkdir()
    ctx = open_context(where)
    try:
        yield Env(ctx=ctx, backend=backend, dir=files, demo=province.demo)
    finally:
        ctx.close()


# --- running an import ------------------------------------------------------------------------


def import_items(env: Env, path: Path) -> tuple[tuple[ItemResult, ...], dict[str, str]]:
    """Dry run then apply; returns the items and the table digests before.

    The dry run must write nothing at all and predict apply exactly.
    """
    before = table_digests(env)
    dry = import_packages(env.ctx, paths=[path], dry_run=True)
    assert changed_tables(before, table_digests(env)) == [], "a dry run writes nothing"
    applied = import_packages(env.ctx, paths=[path], dry_run=False)
    assert dry.items == applied.items, "the dry run predicts apply"
    for item in applied.items:
        item.reason_text()  # every placeholder of the message is filled
    with env.ctx.reading() as session:
        recorded = [
            tuple(row)
            for row in session.execute(
                select(models.ImportItem.outcome, models.ImportItem.reason)
                .where(models.ImportItem.run_id == applied.run_id)
                .order_by(models.ImportItem.id)
            )
        ]
    assert recorded == [(i.outcome.value, i.reason) for i in applied.items]
    return applied.items, before


def expect_rejected(
    env: Env, path: Path, reason: str, params: dict[str, Any] | None = None
) -> ItemResult:
    """Exactly one item, rejected with ``reason``; only bookkeeping tables changed."""
    items, before = import_items(env, path)
    assert [(i.outcome, i.reason) for i in items] == [(Outcome.REJECTED, reason)]
    if params is not None:
        assert items[0].params == params
    assert table_digest(env, exclude=BOOKKEEPING) == combine(before, exclude=BOOKKEEPING), (
        f"changed: {changed_tables(before, table_digests(env))}"
    )
    return items[0]


# --- building packages -----------------------------------------------------------------------


def header(env: Env, unit: DemoUnit, **changes: Any) -> Header:
    """A valid report header of ``unit``'s registration, with ``changes``."""
    base = Header(
        package_id=new_package_id(),
        kind=Kind.REPORT,
        audience=env.federation_id,
        unit_id=unit.id,
        unit_code=unit.code,
        signer=unit.keypair.key_id,
        epoch=1,
        plan_id=env.plan.id,
        stream=REGISTRATION_STREAM,
        revision=1,
        supersedes=None,
        plan_ref=env.plan.content_hash,
        created_at=CREATED_AT,
    )
    return replace(base, **changes)


def body(
    env: Env, unit: DemoUnit, values: dict[str, domain.UnitValue] | None = None
) -> dict[str, Any]:
    statement = StatementInput(
        plan_id=env.plan.id,
        unit_id=unit.id,
        stream=REGISTRATION_STREAM,
        values=unit.values[REGISTRATION_STREAM] if values is None else values,
        signer_name="Nguyễn Văn An",
        signer_title="Chủ tịch",
        movement_codes=tuple(m.code for m in env.plan.movements[:3]),
    )
    return {"statement": statement_to_json(statement)}


def report(
    env: Env,
    unit: DemoUnit,
    key: KeyPair | None = None,
    values: dict[str, domain.UnitValue] | None = None,
    **changes: Any,
) -> bytes:
    """A report of ``unit`` signed by ``key`` (default: the unit's own key); the
    header names the key that signs unless ``changes`` says otherwise."""
    key = key or unit.keypair
    changes.setdefault("signer", key.key_id)
    stream = changes.get("stream", REGISTRATION_STREAM)
    if values is None:
        values = unit.values.get(stream, unit.values[REGISTRATION_STREAM])
    data, _hash = seal(
        header(env, unit, **changes), body(env, unit, values=values), [key.private_key]
    )
    return data


def payload_text(env: Env, unit: DemoUnit, **changes: Any) -> str:
    """The canonical payload of a valid report, as text to edit."""
    return build_payload(header(env, unit, **changes), body(env, unit)).decode("utf-8")


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def resign(unit: DemoUnit, payload: str | bytes, payload_type: str = PAYLOAD_TYPE) -> bytes:
    """Sign edited payload bytes with the unit's real key (the signature is good)."""
    raw = payload.encode("utf-8") if isinstance(payload, str) else payload
    return sign_envelope(unit.keypair.private_key, payload_type, raw)


def envelope(data: bytes) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(data)
    return value


def dump(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def enrolment(
    env: Env,
    unit: DemoUnit,
    public_raw: bytes,
    *,
    unit_id: str | None = None,
    audience: str | None = None,
) -> tuple[Header, dict[str, Any]]:
    head = Header(
        package_id=new_package_id(),
        kind=Kind.ENROLMENT,
        audience=audience or env.federation_id,
        unit_id=unit_id or unit.id,
        unit_code=unit.code,
        signer=key_id(public_raw),
        epoch=1,
        plan_id="",
        stream="enrolment",
        revision=1,
        supersedes=None,
        plan_ref="",
        created_at=CREATED_AT,
    )
    content = enrolment_to_json(
        b64(public_raw),
        name=unit.name,
        code=unit.code,
        chair="Nguyễn Văn An",
        phone="0207 3822 000",
        email="cd@example.vn",
        replaces=None,
    )
    return head, content


def bundle(env: Env, relay: DemoUnit, items: list[bytes], signer: KeyPair | None = None) -> bytes:
    head = Header(
        package_id=new_package_id(),
        kind=Kind.BUNDLE,
        audience=env.federation_id,
        unit_id=relay.id,
        unit_code=relay.code,
        signer=(signer or relay.keypair).key_id,
        epoch=1,
        plan_id="",
        stream="bundle",
        revision=1,
        supersedes=None,
        plan_ref="",
        created_at=CREATED_AT,
    )
    data, _hash = seal(
        head, {"items": [b64(item) for item in items]}, [(signer or relay.keypair).private_key]
    )
    return data


def flip_payload_byte(data: bytes, index: int = 40) -> bytes:
    """The same envelope with one bit of the payload changed (not re-signed)."""
    doc = envelope(data)
    payload = bytearray(base64.b64decode(doc["payload"]))
    payload[index] ^= 0x01
    doc["payload"] = b64(bytes(payload))
    return dump(doc)


def stored_hashes(env: Env) -> set[str]:
    with env.ctx.reading() as session:
        return set(session.scalars(select(models.Package.hash)))


def hash_of(data: bytes) -> str:
    return payload_hash(base64.b64decode(envelope(data)["payload"]))


def valid(env: Env, code: str = "CS-00001") -> bytes:
    return env.file(code).read_bytes()


def with_envelope(env: Env, **fields: Any) -> bytes:
    """A valid package's envelope with some fields replaced (not re-signed)."""
    doc = envelope(valid(env))
    doc.update(fields)
    return dump(doc)


def with_signature(env: Env, **fields: Any) -> bytes:
    doc = envelope(valid(env))
    doc["signatures"][0].update(fields)
    return dump(doc)


def line_wrapped_payload(env: Env) -> bytes:
    """Base64 wrapped at 76 columns, as MIME encoders write it: not canonical."""
    text = envelope(valid(env))["payload"]
    return with_envelope(env, payload="\n".join(text[i : i + 76] for i in range(0, len(text), 76)))


def padding_bits_set(env: Env) -> bytes:
    """The payload's base64 with a nonzero padding bit ("QR==" for "QQ=="): same
    bytes once decoded, same valid signature, but not the one canonical text."""
    unit = env.unit("CS-00001")
    text = payload_text(env, unit)
    while len(text.encode("utf-8")) % 3 == 0:
        text += " "  # trailing whitespace keeps the JSON valid and forces padding
    doc = envelope(resign(unit, text))
    encoded = doc["payload"]
    position = len(encoded.rstrip("=")) - 1
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    value = alphabet.index(encoded[position]) | 1  # the lowest bit is always padding
    assert alphabet[value] != encoded[position]
    doc["payload"] = encoded[:position] + alphabet[value] + encoded[position + 1 :]
    assert base64.b64decode(doc["payload"]) == base64.b64decode(encoded)
    return dump(doc)


def malleated(env: Env) -> bytes:
    """S replaced by S + L: verifies under a lax check, refused by RFC 8032."""
    doc = envelope(valid(env))
    sig = base64.b64decode(doc["signatures"][0]["sig"])
    s = int.from_bytes(sig[32:], "little")
    assert s < ED25519_L
    doc["signatures"][0]["sig"] = b64(sig[:32] + (s + ED25519_L).to_bytes(32, "little"))
    return dump(doc)


def duplicate_envelope_key(env: Env) -> bytes:
    """A second "payloadType" before the real one: outside the signed bytes."""
    text = valid(env).decode("utf-8")
    return ('{"payloadType":"text/plain",' + text[1:]).encode("utf-8")


def envelope_deep(env: Env) -> bytes:
    depth = 100_000  # far beyond the C parser's recursion limit
    return b'{"x":' + b"[" * depth + b"]" * depth + b"," + valid(env)[1:]


def too_many_signatures(env: Env) -> bytes:
    doc = envelope(valid(env))
    payload = base64.b64decode(doc["payload"])
    keys = [generate_keypair().private_key for _ in range(MAX_SIGNATURES + 1)]
    return sign_envelope_many(keys, doc["payloadType"], payload)


def two_signatures_same_key(env: Env) -> bytes:
    doc = envelope(valid(env))
    doc["signatures"] = doc["signatures"] * 2
    return dump(doc)


def keyid_of_other_unit(env: Env) -> bytes:
    """Signed by CS-00001's key, but the signature names CS-00002's key."""
    return with_signature(env, keyid=env.unit("CS-00002").keypair.key_id)


def resigned_type(payload_type: str) -> Any:
    def build(env: Env) -> bytes:
        unit = env.unit("CS-00001")
        return resign(unit, payload_text(env, unit), payload_type)

    return build


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


# --- the payload: signed correctly, but not strict JSON --------------------------------------


def resigned_edit(old: str, new: str, code: str = "CS-00001") -> Any:
    """A valid report whose payload text is edited, then signed by the unit's real key."""

    def build(env: Env) -> bytes:
        unit = env.unit(code)
        return resign(unit, edit(payload_text(env, unit), old, new))

    return build


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


# --- the header -------------------------------------------------------------------------------


def resigned_report(code: str = "CS-00001", **changes: Any) -> Any:
    def build(env: Env) -> bytes:
        return report(env, env.unit(code), **changes)

    return build


def invalid(field: str) -> dict[str, str]:
    return {"field": field}


HEADER_CASES = [
    pytest.param(
        resigned_edit('"epoch":1,', ""), MSG_INVALID, invalid("header.epoch"), id="header-missing"
    ),
    pytest.param(
        resigned_edit('"header":{', '"header":{"alg":"none",'),
        MSG_INVALID,
        invalid("header.alg"),
        id="header-unknown-field",
    ),
    pytest.param(
        resigned_edit('"format":"thidua.package/1"', '"format":"thidua.package/2"'),
        MSG_INVALID,
        invalid("header.format"),
        id="header-format",
    ),
    pytest.param(
        resigned_edit('"kind":"report"', '"kind":"statement"'),
        MSG_INVALID,
        invalid("header.kind"),
        id="kind-unknown",
    ),
    pytest.param(
        resigned_report(supersedes="not-a-hash"),
        MSG_INVALID,
        invalid("header.supersedes"),
        id="supersedes-not-hex",
    ),
    pytest.param(
        resigned_report(supersedes="AB" * 32),
        MSG_INVALID,
        invalid("header.supersedes"),
        id="supersedes-uppercase-hex",
    ),
    pytest.param(
        resigned_report(package_id="report-2017-001"),
        MSG_INVALID,
        invalid("header.package_id"),
        id="package-id-not-uuid",
    ),
    pytest.param(
        resigned_report(package_id="6F1D2B0E-6A53-4F4E-9A53-7D3C5E0B8A11"),
        MSG_INVALID,
        invalid("header.package_id"),
        id="package-id-uppercase-uuid",
    ),
    pytest.param(
        resigned_report(created_at="hôm qua"),
        MSG_INVALID,
        invalid("header.created_at"),
        id="created-at-not-a-time",
    ),
    pytest.param(
        resigned_report(revision=MAX_REVISION + 1),
        MSG_INVALID,
        invalid("header.revision"),
        id="revision-2-31",
    ),
    pytest.param(
        resigned_report(revision=-1),
        MSG_INVALID,
        invalid("header.revision"),
        id="revision-negative",
    ),
    pytest.param(resigned_report(epoch=0), MSG_INVALID, invalid("header.epoch"), id="epoch-zero"),
    pytest.param(
        resigned_edit('"statement":{', '"statement":{"score":100,'),
        MSG_INVALID,
        invalid("statement.score"),
        id="statement-unknown-field",
    ),
]


@pytest.mark.parametrize(("build", "reason", "params"), HEADER_CASES)
def test_malformed_header_or_body(
    env: Env, build: Any, reason: str, params: dict[str, Any]
) -> None:
    expect_rejected(env, env.write("bad.thidua", build(env)), reason, params)


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


# --- values ------------------------------------------------------------------------------------


def with_value(code: str, value: domain.UnitValue, unit_code: str = "CS-00001") -> Any:
    def build(env: Env) -> bytes:
        unit = env.unit(unit_code)
        values = dict(unit.values[REGISTRATION_STREAM])
        values[code] = value
        return report(env, unit, values=values)

    return build


def unknown_movement(env: Env) -> bytes:
    unit = env.unit("CS-00001")
    text = payload_text(env, unit)
    first = env.plan.movements[0].code
    return resign(unit, edit(text, f'"movements":["{first}"', '"movements":["PT-99"'))


VALUE_CASES = [
    pytest.param(
        with_value("1", domain.UnitValue(numerator=120, denominator=100)),
        MSG_INVALID_VALUES,
        {
            "count": 1,
            "code": "1",
            "problem": "The number achieved cannot be larger than the total.",
        },
        id="numerator-above-denominator",
    ),
    pytest.param(
        with_value("2.1", domain.UnitValue(amount=-5)),
        MSG_INVALID,
        invalid("statement.values[2.1].amount"),
        id="negative-amount",
    ),
    pytest.param(
        with_value("4", domain.UnitValue(grade="xuat_sac")),
        MSG_INVALID_VALUES,
        {"count": 1, "code": "4", "problem": "Choose a grade from the year's scale."},
        id="grade-not-in-scale",
    ),
    pytest.param(
        with_value("99.9", domain.UnitValue(amount=3)),
        MSG_INVALID_VALUES,
        {"count": 1, "code": "99.9", "problem": "This indicator is not in the plan."},
        id="unknown-indicator",
    ),
    pytest.param(
        with_value("2.1", domain.UnitValue(flag=True)),
        MSG_INVALID_VALUES,
        {
            "count": 1,
            "code": "2.1",
            "problem": "This value does not fit the kind of the indicator.",
        },
        id="value-of-the-wrong-kind",
    ),
    pytest.param(
        unknown_movement,
        MSG_INVALID_VALUES,
        {"count": 1, "code": "PT-99", "problem": "This movement is not in the plan."},
        id="unknown-movement",
    ),
]


@pytest.mark.parametrize(("build", "reason", "params"), VALUE_CASES)
def test_invalid_values_in_a_signed_report(
    env: Env, build: Any, reason: str, params: dict[str, Any]
) -> None:
    expect_rejected(env, env.write("bad.thidua", build(env)), reason, params)


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


# --- a database the import cannot write to ----------------------------------------------------


def fail_fast_when_locked(ctx: AppContext) -> None:
    """The application waits up to 10 s for a lock (SQLite's busy_timeout,
    PostgreSQL's lock_timeout, in db/engine.py); wait 50 ms here. Registered
    after the application's own connect settings, so it wins; disposing the
    pool makes new connections."""

    @event.listens_for(ctx.engine, "connect")
    def _short_lock_timeout(dbapi_connection: Any, _record: Any) -> None:
        if ctx.engine.dialect.name == "sqlite":
            dbapi_connection.execute("PRAGMA busy_timeout=50")
        else:
            dbapi_connection.execute("SET lock_timeout = '50ms'")
            dbapi_connection.commit()

    ctx.engine.dispose()


class WriteLock:
    """Another program (a second Thi Đua window, a backup tool) writing.

    SQLite: an exclusive transaction on the file. PostgreSQL: a transaction
    holding every application table in EXCLUSIVE mode (reads go on, writes wait).
    """

    def __init__(self, env: Env) -> None:
        if env.backend == "sqlite":
            path = env.ctx.engine.url.database
            self._sqlite = sqlite3.connect(str(path), isolation_level=None, timeout=0)
            self._sqlite.execute("BEGIN EXCLUSIVE")
        else:
            import psycopg

            from tests.postgres import _libpq

            url = env.ctx.engine.url.render_as_string(hide_password=False)
            self._pg = psycopg.connect(_libpq(url))
            names = ", ".join(f'"{name}"' for name in models.Base.metadata.tables)
            self._pg.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")

    def release(self) -> None:
        connection = getattr(self, "_sqlite", None) or self._pg
        connection.rollback()
        connection.close()


#: What the database says when it gave up waiting for the other program.
LOCKED_WORDS = {"sqlite": "locked", "postgresql": "lock timeout"}


def test_database_locked_by_another_program(env: Env) -> None:
    fail_fast_when_locked(env.ctx)
    path = env.file("CS-00001")
    before = table_digests(env)
    lock = WriteLock(env)
    try:
        # Reading still works (WAL): the dry run tells what would happen.
        dry = import_packages(env.ctx, paths=[path], dry_run=True)
        assert [i.outcome for i in dry.items] == [Outcome.NEW]
        with pytest.raises(DatabaseError) as info:
            import_packages(env.ctx, paths=[path], dry_run=False)
    finally:
        lock.release()
    assert info.value.message == MSG_DB_WRITE
    assert LOCKED_WORDS[env.backend] in info.value.detail
    assert changed_tables(before, table_digests(env)) == [], "nothing at all was written"
    # Once the other program is done, the same file imports normally.
    summary = import_packages(env.ctx, paths=[path], dry_run=False)
    assert [i.outcome for i in summary.items] == [Outcome.NEW]


def test_database_locked_between_deciding_and_writing(env: Env) -> None:
    """The lock is taken after the file was checked, before its batch is written:
    the package is not merged at all, only the started run is on record."""
    fail_fast_when_locked(env.ctx)
    path = env.file("CS-00002")
    before = table_digests(env)
    locks: list[WriteLock] = []
    try:
        with pytest.raises(DatabaseError) as info:
            import_packages(
                env.ctx,
                paths=[path],
                dry_run=False,
                progress=lambda _done, _total: locks.append(WriteLock(env)),
            )
    finally:
        for lock in locks:
            lock.release()
    assert len(locks) == 1
    assert info.value.message == MSG_DB_WRITE
    assert set(changed_tables(before, table_digests(env))) <= BOOKKEEPING
    assert stored_hashes(env) == set()
    with env.ctx.reading() as session:
        assert list(session.scalars(select(models.ImportRun.finished_at))) == [""]
    summary = import_packages(env.ctx, paths=[path], dry_run=False)
    assert [i.outcome for i in summary.items] == [Outcome.NEW]


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

"""Building packages for the import's hostile-input tests.

One small demo province is built (see ``build_province``); each test starts from a fresh
copy of its database (and of the federation's key folder under ``THIDUA_HOME``), the
``env`` fixture of ``tests/unit/conftest.py``. Tampered packages are made with the demo
units' real keys, so a re-signed package is wrong in exactly one respect. Running an import
checks that a dry run predicts it and writes nothing, and ``expect_rejected`` that a refused
file changed nothing but the import's own bookkeeping."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.core import domain
from app.core.context import AppContext, open_context
from app.demo.province import Demo, DemoUnit
from app.exchange.bodies import statement_to_json
from app.exchange.format import (
    Header,
    Kind,
    build_payload,
    new_package_id,
    payload_hash,
    seal,
)
from app.exchange.keystore import KeyPair, generate_keypair
from app.exchange.merge import import_packages
from app.exchange.outcomes import ItemResult, Outcome
from app.exchange.signing import (
    MAX_SIGNATURES,
    PAYLOAD_TYPE,
    sign_envelope,
    sign_envelope_many,
)
from app.statements.records import StatementInput
from db import models
from db.enums import REGISTRATION_STREAM
from tests import digest
from tests.digest import changed_tables, combine
from tests.helpers import enrolment_parts, golden_province

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


def build_province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    """A demo province of six units, its database checkpointed into one file."""
    built = golden_province(tmp_path_factory, "province", units=6)
    return Province(demo=built.demo, golden=built.database, keys=built.keys)


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


def open_env(
    province: Province, tmp_path: Path, backend: str, fresh_copy: Callable[[Path, Path], str]
) -> Iterator[Env]:
    """A fresh copy of ``province``'s database on ``backend`` and of its key folder."""
    where = fresh_copy(province.golden, province.keys)
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


def offered_movements(env: Env, unit: DemoUnit) -> tuple[str, ...]:
    """The codes of the first three movements the plan offers to ``unit``'s sector."""
    return tuple(m.code for m in env.plan.movements if m.offered_to(unit.sector))[:3]


def movement_for_another_sector(env: Env, unit: DemoUnit) -> str:
    """The code of a movement the plan limits to sectors other than ``unit``'s."""
    return next(m.code for m in env.plan.movements if not m.offered_to(unit.sector))


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
        movement_codes=offered_movements(env, unit),
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
    return enrolment_parts(
        audience=audience or env.federation_id,
        unit_id=unit_id or unit.id,
        code=unit.code,
        name=unit.name,
        public_raw=public_raw,
        created_at=CREATED_AT,
        chair="Nguyễn Văn An",
        phone="0207 3822 000",
        email="cd@example.vn",
    )


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


def resigned_edit(old: str, new: str, code: str = "CS-00001") -> Any:
    """A valid report whose payload text is edited, then signed by the unit's real key."""

    def build(env: Env) -> bytes:
        unit = env.unit(code)
        return resign(unit, edit(payload_text(env, unit), old, new))

    return build


def resigned_report(code: str = "CS-00001", **changes: Any) -> Any:
    def build(env: Env) -> bytes:
        return report(env, env.unit(code), **changes)

    return build


def invalid(field: str) -> dict[str, str]:
    return {"field": field}

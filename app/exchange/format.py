"""The package payload: a signed header and a body per kind.

Reading order is fixed: open the envelope (nothing trusted), verify the
signature with a key the caller chose, then :func:`parse_payload` strictly.
Only enrolment packages are parsed before verification (their key is inside
them, as in a certificate request), under much tighter limits.

Payload (canonical JSON, version 1)::

    {"header": {"format": "thidua.package/1", "package_id": <uuid>,
                "kind": "report", "audience": <federation id>,
                "unit": {"id": <uuid>, "code": "CS-0001"},
                "signer": <keyid>, "epoch": 1,
                "stream": {"plan": "tuyen-quang-2017", "name": "registration"},
                "revision": 3, "supersedes": <hash of revision 2> | null,
                "plan_ref": <plan content hash> | "",
                "created_at": "2017-03-01T08:00:00+07:00"},
     "body": {...}}

The package hash is the SHA-256 of the payload bytes: it names a package
whatever file it travels in, and ``supersedes`` chains a stream's revisions.
``created_at`` is informational; ordering is by (epoch, revision) only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.core.errors import N_, InputError
from app.core.strictjson import dumps_canonical, loads_strict
from app.core.text import first_unclean_json
from app.exchange.signing import PAYLOAD_TYPE, sign_envelope, sign_envelope_many

PACKAGE_FORMAT = "thidua.package/1"
FILE_SUFFIX = ".thidua"

#: A single package file: a plan with its indicators is the largest, ~100 KB.
MAX_PACKAGE_BYTES = 4 * 1024 * 1024
#: A relay bundle of an upper-level union's units.
MAX_BUNDLE_BYTES = 256 * 1024 * 1024
#: An enrolment is parsed before it is verified: keep it small.
MAX_ENROLMENT_BYTES = 64 * 1024
MAX_REVISION = 2**31 - 1
MAX_EPOCH = 1_000_000

_HEX64 = re.compile(r"[0-9a-f]{64}")
#: A UUID as ``str(uuid.UUID(...))`` spells it: lowercase, hyphens 8-4-4-4-12.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CODE = re.compile(r"[\w.\-/]{0,32}")


class Kind(StrEnum):
    PLAN = "plan"  # federation → unit
    ENROLMENT = "enrolment"  # unit → federation
    REPORT = "report"  # unit → federation: registration or a period's results
    BUNDLE = "bundle"  # upper-level union relays its units' packages
    RECEIPT = "receipt"  # federation → unit: received
    RETURN = "return"  # federation → unit: returned for correction


class PayloadError(InputError):
    """The signed payload is not a well-formed package of this version."""


def _bad(field: str) -> PayloadError:
    return PayloadError(N_("The package content is invalid: {field}."), params={"field": field})


@dataclass(frozen=True)
class Header:
    package_id: str
    kind: Kind
    audience: str
    unit_id: str
    unit_code: str
    signer: str
    epoch: int
    plan_id: str
    stream: str
    revision: int
    supersedes: str | None
    plan_ref: str
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "format": PACKAGE_FORMAT,
            "package_id": self.package_id,
            "kind": self.kind.value,
            "audience": self.audience,
            "unit": {"id": self.unit_id, "code": self.unit_code},
            "signer": self.signer,
            "epoch": self.epoch,
            "stream": {"plan": self.plan_id, "name": self.stream},
            "revision": self.revision,
            "supersedes": self.supersedes,
            "plan_ref": self.plan_ref,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class Package:
    """A verified, parsed package."""

    header: Header
    body: dict[str, Any]
    payload_hash: str
    raw: bytes


def payload_hash(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def new_package_id() -> str:
    return str(uuid.uuid4())


def build_payload(header: Header, body: Mapping[str, Any]) -> bytes:
    return dumps_canonical({"header": header.to_json(), "body": dict(body)})


def seal(
    header: Header, body: Mapping[str, Any], keys: list[Ed25519PrivateKey]
) -> tuple[bytes, str]:
    """The signed file bytes and the package hash."""
    payload = build_payload(header, body)
    if len(keys) == 1:
        data = sign_envelope(keys[0], PAYLOAD_TYPE, payload)
    else:
        data = sign_envelope_many(keys, PAYLOAD_TYPE, payload)
    return data, payload_hash(payload)


# --- strict parsing of the payload ------------------------------------------------


def _exact(obj: Any, fields: set[str], where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise _bad(where or "payload")
    extra = set(obj) - fields
    missing = fields - set(obj)
    if extra:
        raise _bad(f"{where}{sorted(extra)[0]}")
    if missing:
        raise _bad(f"{where}{sorted(missing)[0]}")
    return obj


def _str(
    obj: dict[str, Any],
    name: str,
    where: str,
    pattern: re.Pattern[str] | None = None,
    *,
    limit: int = 300,
    empty: bool = False,
) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or len(value) > limit or (not empty and not value):
        raise _bad(f"{where}{name}")
    if "\n" in value or "\r" in value or "\t" in value:
        raise _bad(f"{where}{name}")  # a header field is one line (it is printed in summaries)
    if pattern is not None and value and not pattern.fullmatch(value):
        raise _bad(f"{where}{name}")
    return value


def _int(obj: dict[str, Any], name: str, where: str, low: int, high: int) -> int:
    value = obj.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(f"{where}{name}")
    return value


def _uuid(obj: dict[str, Any], name: str, where: str) -> str:
    """A UUID in its one canonical spelling (what ``str(uuid.UUID(...))`` gives)."""
    return _str(obj, name, where, _UUID, limit=36)


def parse_header(document: Any) -> Header:
    root = _exact(document, {"header", "body"}, "")
    head = _exact(
        root["header"],
        {
            "format",
            "package_id",
            "kind",
            "audience",
            "unit",
            "signer",
            "epoch",
            "stream",
            "revision",
            "supersedes",
            "plan_ref",
            "created_at",
        },
        "header.",
    )
    if head["format"] != PACKAGE_FORMAT:
        raise _bad("header.format")
    try:
        kind = Kind(head["kind"])
    except ValueError as exc:
        raise _bad("header.kind") from exc
    unit = _exact(head["unit"], {"id", "code"}, "header.unit.")
    stream = _exact(head["stream"], {"plan", "name"}, "header.stream.")
    supersedes = head["supersedes"]
    if supersedes is not None and (
        not isinstance(supersedes, str) or not _HEX64.fullmatch(supersedes)
    ):
        raise _bad("header.supersedes")
    created_at = _str(head, "created_at", "header.", limit=40)
    try:
        dt.datetime.fromisoformat(created_at)
    except ValueError as exc:
        raise _bad("header.created_at") from exc
    if not isinstance(head["audience"], str) or not head["audience"]:
        raise _bad("header.audience")
    return Header(
        package_id=_uuid(head, "package_id", "header."),
        kind=kind,
        audience=_uuid(head, "audience", "header."),
        unit_id=_uuid(unit, "id", "header.unit."),
        unit_code=_str(unit, "code", "header.unit.", _CODE, limit=32, empty=True),
        signer=_str(head, "signer", "header.", _HEX64, limit=64),
        epoch=_int(head, "epoch", "header.", 1, MAX_EPOCH),
        plan_id=_str(stream, "plan", "header.stream.", limit=64, empty=True),
        stream=_str(stream, "name", "header.stream.", limit=32),
        revision=_int(head, "revision", "header.", 0, MAX_REVISION),
        supersedes=supersedes,
        plan_ref=_str(
            head, "plan_ref", "header.", re.compile(r"[0-9a-f]{64}"), limit=64, empty=True
        ),
        created_at=created_at,
    )


def parse_payload(payload: bytes, raw: bytes, *, max_bytes: int = MAX_PACKAGE_BYTES) -> Package:
    """Parse verified payload bytes strictly into a :class:`Package`."""
    document = loads_strict(
        payload,
        max_bytes=max_bytes,
        max_depth=16,
        max_string=200_000,
        max_items=50_000,
        allow_floats=False,
    )
    unclean = first_unclean_json(payload, document)
    if unclean is not None:
        where, character = unclean
        raise PayloadError(
            N_(
                "The package contains a character that is not allowed ({character}) in "
                "{field}; nothing from it was imported."
            ),
            params={"character": character, "field": where[:80]},
        )
    header = parse_header(document)
    body = document["body"]
    if not isinstance(body, dict):
        raise _bad("body")
    return Package(header=header, body=body, payload_hash=payload_hash(payload), raw=raw)


def suggested_file_name(header: Header) -> str:
    """``CS-0001_registration_r3.thidua``: unit code, stream, revision."""
    code = re.sub(r"[^\w\-]+", "-", header.unit_code or header.unit_id[:8]).strip("-")
    label = header.stream if header.kind is Kind.REPORT else header.kind.value
    return f"{code}_{label}_r{header.revision}{FILE_SUFFIX}"

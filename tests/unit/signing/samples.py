"""Sample keys and a signed envelope for the DSSE tests: the RFC 8032 test vector, a fixed
key, another (fresh) key, and helpers that build, encode and refuse envelopes."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)

from app.exchange.signing import (
    PAYLOAD_TYPE,
    PackageError,
    open_envelope,
    sign_envelope,
)

MAX = 1 << 20


# --- fixtures ------------------------------------------------------------------

# RFC 8032 §7.1, TEST 1
RFC_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC_SIG_EMPTY = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = KEY.public_key().public_bytes_raw()
OTHER_KEY = Ed25519PrivateKey.generate()
OTHER_PUBLIC = OTHER_KEY.public_key().public_bytes_raw()
PAYLOAD = '{"kind":"report","unit":"CĐCS-0042","values":[1,2,3,4]}'.encode()
SIGNED = sign_envelope(KEY, PAYLOAD_TYPE, PAYLOAD)


def envelope_dict() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SIGNED)
    return result


def encode(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def package_error(data: bytes) -> PackageError:
    with pytest.raises(PackageError) as info:
        open_envelope(data, max_size=MAX)
    return info.value


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()

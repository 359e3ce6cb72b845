"""Bad input to the federation import: each file is refused with its own clear message,
no exception escapes, and the merged data is exactly as before (every table but the import's
own bookkeeping; a dry run first predicts the same and writes nothing).

The header and the body: malformed, or naming what the federation does not have."""

from __future__ import annotations

from typing import Any

import pytest

from app.exchange.format import (
    MAX_REVISION,
)
from tests.unit.package_forge import (
    MSG_INVALID,
    Env,
    expect_rejected,
    invalid,
    resigned_edit,
    resigned_report,
)

#: Refused input changes nothing on either backend.
pytestmark = pytest.mark.both_backends


# --- the header -------------------------------------------------------------------------------


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

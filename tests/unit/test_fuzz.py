"""The project's fuzzing harness (issue 14): hypothesis drives structure-aware
mutations through every reader of outside files, for a bounded number of
examples in CI (``THIDUA_FUZZ_EXAMPLES``, default 40 per target; raise it for a
longer hunt).

- the package reader (envelope and payload), on byte mutations of a real package;
- the federation's import (dry run and apply), on payloads mutated as JSON trees
  and re-signed with the demo units' real keys, so every mutation reaches the
  checks behind the signature;
- the unit's plan import, on plan packages mutated the same way and re-signed with
  the federation's real key;
- the two workbook readers (fill template, roster), on mutations of their XML.

The one property everywhere: a clear refusal (a :class:`UserError`, or a rejected
item with its reason) or success, nothing else, and a refusal changes nothing.
Cases the fuzzer found are kept in ``tests/fuzz_corpus`` and replayed first.
"""

from __future__ import annotations

import base64
import io
import json
import os
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import unit as unit_side
from app.core.context import AppContext, open_context
from app.core.errors import UserError
from app.exchange import federation
from app.exchange.format import MAX_PACKAGE_BYTES, parse_payload
from app.exchange.keys import ensure_own_key
from app.exchange.merge import import_packages
from app.exchange.signing import PAYLOAD_TYPE, fingerprint_groups, open_envelope, sign_envelope
from app.roster.template import write_roster_template
from app.roster.workbook_import import read_roster_rows
from app.setup.first_run import initialize
from app.unit.template import read_statement_workbook, write_statement_template
from db.enums import Role
from tests import digest
from tests.unit.package_forge import Env, valid

#: Subprocesses and whole provinces: left out of `make test-fast`.
pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("THIDUA_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("THIDUA_FUZZ_RANDOM") != "1",  # CI repeats itself
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CORPUS = Path(__file__).parent.parent / "fuzz_corpus"

# --- hostile values and tree mutations ----------------------------------------------------------

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b",
            "\u202eevil",
            '=HYPERLINK("x")',
            "x" * 5000,
            "../../etc/passwd",
            "ngày\r\n\t",
            "\ufeff",
            "9" * 400,
            "registration",
            "h1",
            "year",
            "tuyen-quang-2017",
        ]
    ),
)
HOSTILE_VALUE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**63),
        st.sampled_from([0, -1, 1, 2**53, 2**53 + 1, 10**15 + 1]),
        HOSTILE_TEXT,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(HOSTILE_TEXT, inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


@st.composite
def mutated(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with one to three of its nodes replaced, removed or added to."""
    copy: dict[str, Any] = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(copy) if p]
        path = draw(st.sampled_from(paths))
        parent = _parent(copy, path)
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(HOSTILE_VALUE)
        elif action == "remove":
            if isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent.pop(path[-1])
        elif isinstance(parent, dict):
            parent[draw(HOSTILE_TEXT)] = draw(HOSTILE_VALUE)
        else:
            parent.append(draw(HOSTILE_VALUE))
    return copy


def _payload(data: bytes) -> dict[str, Any]:
    envelope = json.loads(data)
    payload: dict[str, Any] = json.loads(base64.b64decode(envelope["payload"]))
    return payload


def _resign(private_key: Any, document: Any) -> bytes:
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return sign_envelope(private_key, PAYLOAD_TYPE, payload)


# --- the package reader -------------------------------------------------------------------------


def _read_package(data: bytes) -> None:
    envelope = open_envelope(data, max_size=MAX_PACKAGE_BYTES)
    parse_payload(envelope.payload, data)


@FUZZ
@given(data=st.data())
def test_fuzz_package_reader_on_byte_mutations(env: Env, data: st.DataObject) -> None:
    raw = bytearray(valid(env))
    for _ in range(data.draw(st.integers(1, 8))):
        index = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if action == "flip":
            raw[index] ^= 1 << data.draw(st.integers(0, 7))
        elif action == "insert":
            raw[index:index] = data.draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del raw[index]
        else:
            del raw[index:]
            break
    try:
        _read_package(bytes(raw))
    except UserError as error:
        error.translated()


def test_fuzz_corpus_replays(tmp_path: Path) -> None:
    """Every input kept from earlier hunts is still refused with a message."""
    files = sorted(CORPUS.glob("*"))
    assert files, "the corpus is kept with the tests"
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".thidua":
            with pytest.raises(UserError):
                _read_package(data)
        elif path.suffix == ".xlsx":
            copy = tmp_path / path.name
            copy.write_bytes(data)
            with pytest.raises(UserError):
                read_roster_rows(copy)


# --- the federation's import ---------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_fuzz_federation_import_of_resigned_payloads(env: Env, data: st.DataObject) -> None:
    # Mostly the unit's own key; sometimes another unit's or an upper union's.
    signer = env.unit(data.draw(st.sampled_from(["CS-00001"] * 4 + ["CS-00002", "CT-001"])))
    document = data.draw(mutated(_payload(valid(env, "CS-00001"))))
    path = env.write("fuzz.thidua", _resign(signer.keypair.private_key, document))
    dry = import_packages(env.ctx, paths=[path], dry_run=True)
    applied = import_packages(env.ctx, paths=[path], dry_run=False)
    assert dry.items == applied.items
    for item in applied.items:
        item.reason_text()


# --- the unit's plan import ---------------------------------------------------------------------


@pytest.fixture
def plan_source(env: Env, tmp_path: Path) -> tuple[bytes, Any, str, Path]:
    """A real plan package, the federation key, its fingerprint and a fresh unit database."""
    files = federation.export_plan_packages(
        env.ctx, plan_id=env.plan.id, out_dir=tmp_path / "plans", unit_codes=["CS-00001"]
    )
    with env.ctx.unit_of_work() as session:
        keypair = ensure_own_key(session)
    golden = tmp_path / "unit-golden.db"
    ctx = open_context(golden)
    with ctx.unit_of_work() as session:
        initialize(session, role=Role.UNIT, name="CĐ cơ sở", code="CS-00001")
    ctx.close()
    return files[0].path.read_bytes(), keypair, fingerprint_groups(keypair.public_raw), golden


def _unit_copy(golden: Path, where: Path) -> AppContext:
    where.unlink(missing_ok=True)
    source = sqlite3.connect(golden)
    with sqlite3.connect(where) as target:
        source.backup(target)
    source.close()
    return open_context(where)


@FUZZ
@given(data=st.data())
def test_fuzz_unit_plan_import_of_resigned_plans(
    plan_source: tuple[bytes, Any, str, Path], tmp_path: Path, data: st.DataObject
) -> None:
    raw, keypair, fingerprint, golden = plan_source
    document = data.draw(mutated(_payload(raw)))
    if data.draw(st.booleans()) and isinstance(document.get("header"), dict):
        document["header"]["plan_ref"] = "f" * 64  # a new version: its document is installed
    path = tmp_path / "plan.thidua"
    path.write_bytes(_resign(keypair.private_key, document))
    ctx = _unit_copy(golden, tmp_path / "unit.db")
    try:
        before = digest.combine(digest.table_digests(ctx.engine))
        try:
            unit_side.import_plan_package(ctx, path=path, confirmed_fingerprint=fingerprint)
        except UserError as error:
            error.translated()
            assert digest.combine(digest.table_digests(ctx.engine)) == before
    finally:
        ctx.close()


# --- the workbook readers -----------------------------------------------------------------------


@st.composite
def damaged_xml(draw: st.DrawFn, xml: bytes) -> bytes:
    text = bytearray(xml)
    for _ in range(draw(st.integers(1, 6))):
        index = draw(st.integers(0, len(text) - 1))
        piece = draw(
            st.one_of(
                st.sampled_from(
                    [
                        b'<c r="A1" t="s"><v>999</v></c>',
                        b"<v>NaN</v>",
                        b"<v>1e999</v>",
                        b' t="b"',
                        b' t="d"',
                        b' t="e"',
                        b' r="XFD1048576"',
                        b"</row>",
                        b"<row>",
                        b"&#0;",
                        b"\x00",
                    ]
                ),
                st.binary(max_size=6),
            )
        )
        if draw(st.booleans()):
            text[index:index] = piece
        else:
            del text[index : index + draw(st.integers(1, 40))]
    return bytes(text)


def _rezip(parts: dict[str, bytes], path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    path.write_bytes(buffer.getvalue())


@FUZZ
@given(data=st.data())
def test_fuzz_workbook_readers(env: Env, tmp_path: Path, data: st.DataObject) -> None:
    which = data.draw(st.sampled_from(["roster", "fill"]))
    source = tmp_path / f"{which}.xlsx"
    if not source.exists():
        if which == "roster":
            write_roster_template(source)
        else:
            write_statement_template(
                source, plan=env.plan, stream="registration", unit_code="CS-00001", unit_name="CĐ"
            )
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    name = data.draw(st.sampled_from(sorted(p for p in parts if p.endswith(".xml"))))
    parts[name] = data.draw(damaged_xml(parts[name]))
    target = tmp_path / "damaged.xlsx"
    _rezip(parts, target)
    try:
        if which == "roster":
            read_roster_rows(target)
        else:
            read_statement_workbook(target, plan=env.plan)
    except UserError as error:
        error.translated()


# --- named regressions of the plan import (issue 14, item 10) ------------------------------------


def _edit(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(document))
    node: Any = copy  # a dict or a list, down the path
    *parents, last = path.split(".")
    for step in parents:
        node = node[int(step)] if isinstance(node, list) else node[step]
    if value is _DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return copy


_DELETE = object()


def _new_plan(document: dict[str, Any]) -> dict[str, Any]:
    """A plan version the unit does not have yet, so its document is installed (a
    version it has is recognised by its reference and its document not read again)."""
    return _edit(document, "header.plan_ref", "f" * 64)


def _duplicate_indicator(document: dict[str, Any]) -> dict[str, Any]:
    copy = _new_plan(document)
    indicators = copy["body"]["plan"]["indicators"]
    indicators.append(json.loads(json.dumps(indicators[0])))
    return copy


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda d: _edit(d, "body.federation", ["not", "an", "object"]), id="federation-a-list"
        ),
        pytest.param(lambda d: _edit(d, "body.federation.id", 7), id="federation-id-a-number"),
        pytest.param(
            lambda d: _edit(d, "body.federation.name", {"x": 1}), id="federation-name-an-object"
        ),
        pytest.param(lambda d: _edit(d, "body.unit", "CS-00001"), id="unit-a-string"),
        pytest.param(lambda d: _edit(d, "body.unit.kind", "commune"), id="unit-kind-unknown"),
        pytest.param(lambda d: _edit(d, "body.unit.kind", ["grassroots"]), id="unit-kind-a-list"),
        pytest.param(lambda d: _edit(d, "body.unit.sector", 3), id="sector-a-number"),
        pytest.param(lambda d: _edit(d, "body.unit.code", None), id="unit-code-null"),
        pytest.param(lambda d: _edit(d, "body.keys", {"keyid": "x"}), id="keys-an-object"),
        pytest.param(lambda d: _edit(d, "body.keys", [1, 2]), id="keys-of-numbers"),
        pytest.param(lambda d: _edit(d, "body.plan", []), id="plan-a-list"),
        pytest.param(
            lambda d: _edit(_new_plan(d), "body.plan.title", 12), id="plan-title-a-number"
        ),
        pytest.param(
            lambda d: _edit(_new_plan(d), "body.plan.indicators", "all"), id="indicators-a-string"
        ),
        pytest.param(lambda d: _edit(_new_plan(d), "body.plan.periods", _DELETE), id="no-periods"),
        pytest.param(_duplicate_indicator, id="an-indicator-twice"),
    ],
)
def test_a_hostile_plan_package_is_refused_with_nothing_changed(
    plan_source: tuple[bytes, Any, str, Path], tmp_path: Path, change: Any
) -> None:
    """Signed by the real federation key, each once raised AttributeError, TypeError,
    KeyError or IntegrityError at the unit (some before the fingerprint was asked)."""
    raw, keypair, fingerprint, golden = plan_source
    path = tmp_path / "plan.thidua"
    path.write_bytes(_resign(keypair.private_key, change(_payload(raw))))
    ctx = _unit_copy(golden, tmp_path / "unit.db")
    try:
        before = digest.combine(digest.table_digests(ctx.engine))
        with pytest.raises(UserError) as info:
            unit_side.inspect_plan_package(ctx, path=path)
            unit_side.import_plan_package(ctx, path=path, confirmed_fingerprint=fingerprint)
        assert info.value.translated()
        assert digest.combine(digest.table_digests(ctx.engine)) == before
    finally:
        ctx.close()

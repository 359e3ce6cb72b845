"""The import's cheaper spellings say exactly what the plain definitions say.

- ``decode_base64_canonical`` (strict decoder, last group re-encoded) accepts and
  refuses exactly the texts the full re-encoding did;
- ``row_id`` is ``uuid5`` in the statement namespace.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from app.exchange.signing import decode_base64_canonical
from app.exchange.statement_rows import STATEMENT_NAMESPACE, row_id, statement_id

_ALPHABET = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def _reference(text: str) -> bytes | None:
    """The definition: standard padded base64 that encodes back to itself."""
    if len(text) % 4 or not _ALPHABET.fullmatch(text):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        return None
    return raw if base64.b64encode(raw).decode("ascii") == text else None


def _decoded(text: str) -> bytes | None:
    try:
        return decode_base64_canonical(text)
    except ValueError:
        return None


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="AQgwBCDE01+/=-_ \n\x00é", max_size=13))
def test_canonical_base64_refuses_exactly_what_the_definition_refuses(text: str) -> None:
    assert _decoded(text) == _reference(text)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=12), st.data())
def test_every_one_letter_change_of_a_canonical_text_is_judged_alike(
    raw: bytes, data: st.DataObject
) -> None:
    text = base64.b64encode(raw).decode("ascii")
    assert _decoded(text) == raw
    if text:
        where = data.draw(st.integers(0, len(text) - 1))
        letter = data.draw(st.sampled_from("AQgw=B/+R"))
        changed = text[:where] + letter + text[where + 1 :]
        assert _decoded(changed) == _reference(changed)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80))
def test_row_ids_are_uuid5_in_the_statement_namespace(name: str) -> None:
    assert row_id(name) == str(uuid.uuid5(STATEMENT_NAMESPACE, name))


def test_statement_ids_did_not_change() -> None:
    # Ids already in databases: the same plan, unit and stream give the same row.
    assert statement_id("p", "u", "registration") == str(
        uuid.uuid5(STATEMENT_NAMESPACE, "p|u|registration")
    )

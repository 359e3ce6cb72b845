"""The fast paths of strict JSON parsing and clean-text checks refuse what the slow ones do.

``loads_strict`` lets the C parser read integers and skips the string walk
when the text itself proves them harmless; ``first_unclean_json`` answers from
the text when it is clean. Each case here sits just past the edge of a fast
path, so the full check must run and refuse.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.core.strictjson import SAFE_INTEGER_MAX, MalformedJSONError, loads_strict
from app.core.text import first_unclean, first_unclean_json


@pytest.mark.parametrize(
    ("text", "kwargs", "refusal"),
    [
        (f"[{SAFE_INTEGER_MAX + 1}]", {}, "outside the range"),
        (f"[{-SAFE_INTEGER_MAX - 1}]", {}, "outside the range"),
        ("[100]", {"int_min": 0, "int_max": 99}, "outside the range"),
        ("[10]", {"int_min": -9, "int_max": 9}, "outside the range"),
        ('["\\ud800"]', {}, "surrogate"),
        ('["\\uDBFF"]', {}, "surrogate"),
        ('["abcd"]', {"max_string": 3}, "longer than"),
        ('{"abcd": 1}', {"max_string": 3}, "longer than"),
        ("[[[1]]]", {"max_depth": 2}, "nested more than"),
        ('{"a": {"b": [1, 2, 3]}}', {"max_items": 2}, "more than {limit} entries"),
        ('{"a": 1, "a": 2}', {}, "appears twice"),
    ],
)
def test_refusals_past_each_fast_path(text: str, kwargs: dict[str, Any], refusal: str) -> None:
    with pytest.raises(MalformedJSONError) as caught:
        loads_strict(text.encode(), max_bytes=1000, **kwargs)
    assert refusal in caught.value.message


def test_values_inside_the_limits_parse_the_same() -> None:
    text = '{"n": [9007199254740991, -9007199254740991, 0], "s": "Công đoàn \\u00e9"}'
    assert loads_strict(text.encode(), max_bytes=1000) == json.loads(text)


@pytest.mark.parametrize(
    "text",
    ['{"a": "x\\u0000"}', '{"a": "x\\b"}', '{"a": "\\f"}', '{"\\u202e": 1}', '["\u202e"]'],
)
def test_unclean_text_is_found_through_escapes(text: str) -> None:
    document = json.loads(text)
    assert first_unclean(document) is not None
    assert first_unclean_json(text, document) == first_unclean(document)
    assert first_unclean_json(text.encode(), document) == first_unclean(document)


def test_clean_text_with_harmless_escapes() -> None:
    text = '{"a": "tab\\there \\\\b and \\n"}'
    document = json.loads(text)
    assert first_unclean_json(text, document) is None


def test_the_bytes_of_every_character_say_what_the_text_says() -> None:
    """Each character alone in a payload, as UTF-8 bytes: forbidden exactly when the
    decoded text says so (control, C1, bidirectional and byte-order characters)."""
    points = [*range(0x3000), *range(0xFE00, 0x10000), 0x1EA0, 0x1F600, 0x10FFFF]
    for point in points:
        if 0xD800 <= point <= 0xDFFF:
            continue  # no UTF-8 for a surrogate: only an escape makes one
        document = {"a": f"Công {chr(point)} đoàn"}
        text = json.dumps(document, ensure_ascii=False)
        expected = first_unclean(document)
        assert first_unclean_json(text.encode(), document) == expected, hex(point)
        assert first_unclean_json(text, document) == expected, hex(point)

"""Strict JSON: every rejection rule, canonical output, and fuzzing."""

from __future__ import annotations

import contextlib
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import i18n, strictjson
from app.core.i18n import gettext
from app.core.strictjson import (
    SAFE_INTEGER_MAX,
    MalformedJSONError,
    dumps_canonical,
    loads_strict,
)

LIMIT = 1 << 20


def rejected(data: bytes, **limits: Any) -> MalformedJSONError:
    limits.setdefault("max_bytes", LIMIT)
    with pytest.raises(MalformedJSONError) as info:
        loads_strict(data, **limits)
    return info.value


def test_accepts_ordinary_json() -> None:
    data = '{"tên": "Công đoàn Cơ sở", "số": [1, -2, 3.5, true, false, null], "x": {}}'
    assert loads_strict(data.encode(), max_bytes=LIMIT) == {
        "tên": "Công đoàn Cơ sở",
        "số": [1, -2, 3.5, True, False, None],
        "x": {},
    }


def test_accepts_paired_surrogate_escape() -> None:
    assert loads_strict(b'["\\ud83d\\ude00"]', max_bytes=LIMIT) == ["\U0001f600"]


def test_size_cap() -> None:
    error = rejected(b"[1, 2]", max_bytes=5)
    assert error.message == strictjson.MSG_TOO_LARGE
    assert error.message == "The file is too large ({size} bytes; the limit is {limit} bytes)."
    assert error.params == {"size": 6, "limit": 5}
    assert loads_strict(b"[1,2]", max_bytes=5) == [1, 2]


def test_rejects_utf8_bom() -> None:
    error = rejected(b"\xef\xbb\xbf{}")
    assert error.message == "The file starts with a byte order mark; only plain UTF-8 is accepted."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"])
def test_rejects_utf16_and_utf32(encoding: str) -> None:
    error = rejected('{"a": 1}'.encode(encoding))
    assert error.message == "The file is encoded in UTF-16 or UTF-32; only UTF-8 is accepted."


@pytest.mark.parametrize(
    "data",
    [b'["\xff"]', b'["\xc3"]', b'["\xed\xa0\x80"]', b'["\xc0\xaf"]', b'["caf\xe9"]'],
)
def test_rejects_invalid_utf8(data: bytes) -> None:
    # includes an encoded surrogate (ED A0 80) and an overlong "/" (C0 AF)
    error = rejected(data)
    assert error.message == "The file is not valid UTF-8 text."
    assert error.detail.startswith("byte offset ")
    # Said to staff as a damaged file, as a file that is not JSON is (a walkthrough did not
    # know what "UTF-8" meant).
    i18n.set_language("vi")
    said = gettext(error.message)
    assert "UTF" not in said and said.startswith("Tệp bị hỏng hoặc chưa chép hết")


@pytest.mark.parametrize(
    "data", [b"", b"{", b"[1,]", b"{'a': 1}", b'{"a" 1}', b"[1] [2]", b'["tab\tinside"]', b"01"]
)
def test_rejects_syntax_errors(data: bytes) -> None:
    error = rejected(data)
    assert error.message == "The file is not valid JSON."
    assert "line 1" in error.detail


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": 1, "a": 1}',
        b'{"x": [{"b": 1, "a": 2, "b": 3}]}',
        b'[[[{"k": {"": 0, "": 0}}]]]',
        # equal after escape decoding: "a" and "\u0061"
        b'{"a": 1, "\\u0061": 2}',
    ],
)
def test_rejects_duplicate_names_at_any_level(data: bytes) -> None:
    error = rejected(data)
    assert error.message == "The name “{name}” appears twice in the same object."
    assert error.params["name"] in {"a", "b", ""}


def test_same_name_in_different_objects_is_fine() -> None:
    assert loads_strict(b'[{"a": 1}, {"a": 2}]', max_bytes=LIMIT) == [{"a": 1}, {"a": 2}]


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_rejects_non_finite_literals(literal: bytes) -> None:
    error = rejected(b'{"v": ' + literal + b"}")
    assert error.message == "The data contains NaN or Infinity, which are not allowed."


@pytest.mark.parametrize("literal", [b"1e400", b"-1e309", b"1" + b"0" * 400 + b".0"])
def test_rejects_float_overflow(literal: bytes) -> None:
    error = rejected(b"[" + literal + b"]")
    assert error.message == "The data contains a number too large to represent."


@pytest.mark.parametrize("literal", [b"1.5", b"1e3", b"-0.0", b"2E-1"])
def test_floats_can_be_refused(literal: bytes) -> None:
    assert isinstance(loads_strict(literal, max_bytes=LIMIT), float)
    error = rejected(literal, allow_floats=False)
    assert (
        error.message == "The data contains a decimal number where only whole numbers are allowed."
    )


def test_integer_range_default_is_the_safe_range() -> None:
    top = str(SAFE_INTEGER_MAX).encode()
    assert loads_strict(b"[" + top + b", -" + top + b"]", max_bytes=LIMIT) == [
        SAFE_INTEGER_MAX,
        -SAFE_INTEGER_MAX,
    ]
    for literal in (str(SAFE_INTEGER_MAX + 1).encode(), b"-" + str(2**53).encode()):
        error = rejected(b"[" + literal + b"]")
        assert (
            error.message
            == "The data contains a whole number outside the range {minimum} to {maximum}."
        )
        assert error.params == {"minimum": -SAFE_INTEGER_MAX, "maximum": SAFE_INTEGER_MAX}


def test_integer_range_is_configurable() -> None:
    assert loads_strict(b"[0, 100]", max_bytes=LIMIT, int_min=0, int_max=100) == [0, 100]
    error = rejected(b"[-1]", int_min=0, int_max=100)
    assert error.params == {"minimum": 0, "maximum": 100}


def test_huge_integer_literal_refused_before_conversion() -> None:
    # 100,000 digits: int() would hit CPython's 4,300-digit guard (ValueError)
    error = rejected(b"[" + b"9" * 100_000 + b"]")
    assert error.message == strictjson.MSG_INT_RANGE


@pytest.mark.parametrize(
    "data",
    [
        b'["\\ud800"]',
        b'["\\udfff"]',
        b'["x\\ude00y"]',
        b'{"\\ud83d": 1}',  # in a name
        b'["\\ude00\\ud83d"]',  # reversed pair
        b'"\\udbff"',  # top level
    ],
)
def test_rejects_lone_surrogates(data: bytes) -> None:
    error = rejected(data)
    assert error.message == "The data contains an invalid Unicode escape (a lone surrogate)."


def test_escaped_backslash_before_u_is_not_a_surrogate() -> None:
    assert loads_strict(b'["\\\\ud800"]', max_bytes=LIMIT) == ["\\ud800"]


def test_depth_limit_exact() -> None:
    ok = b"[" * 32 + b"]" * 32
    assert loads_strict(ok, max_bytes=LIMIT) is not None
    error = rejected(b"[" * 33 + b"]" * 33)
    assert error.message == "The data is nested more than {limit} levels deep."
    assert error.params == {"limit": 32}
    error = rejected(b'{"a":' * 4 + b"1" + b"}" * 4, max_depth=3)
    assert error.params == {"limit": 3}


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 200_000 + b"]" * 200_000,
        b'{"a":' * 200_000 + b"0" + b"}" * 200_000,
        b"[" * 1_000_000,  # unterminated
    ],
)
def test_deep_nesting_is_refused_without_recursion_error(data: bytes) -> None:
    error = rejected(data, max_bytes=len(data))
    assert error.message == strictjson.MSG_TOO_DEEP


def test_brackets_inside_strings_do_not_count() -> None:
    text = b'["' + b"[{" * 1000 + b'\\"' + b"[" * 10 + b'"]'
    assert loads_strict(text, max_bytes=LIMIT) == ["[{" * 1000 + '"' + "[" * 10]


def test_brackets_inside_strings_neither_hide_nor_add_depth() -> None:
    """What the text's brackets say of the depth leaves out those inside strings."""
    hiding = b'["]]]]]]]]",' + b"[" * 5 + b"]" * 5 + b"]"
    assert rejected(hiding, max_depth=5).params == {"limit": 5}
    assert loads_strict(hiding, max_bytes=LIMIT, max_depth=6) is not None
    assert loads_strict(b'["[[[[[[[[","{{{{{{"]', max_bytes=LIMIT, max_depth=1) is not None
    # Counting the strings' brackets too would pair them with real ones: depth 3, not 4.
    pairing = b'["]", 1, [[["]", ["x", 1]], "[["], "x"]]'
    assert rejected(pairing, max_depth=3).params == {"limit": 3}


def test_string_length_limit_counts_characters() -> None:
    assert loads_strict('["ệệệ"]'.encode(), max_bytes=LIMIT, max_string=3) == ["ệệệ"]
    error = rejected('["ệệệệ"]'.encode(), max_string=3)
    assert error.message == "The data contains a text longer than {limit} characters."
    assert error.params == {"limit": 3}
    error = rejected(b'{"abcd": 1}', max_string=3)
    assert error.message == strictjson.MSG_STRING_TOO_LONG


@pytest.mark.parametrize("data", [b"[1,2,3,4]", b'{"a":1,"b":2,"c":3,"d":4}', b"[[1,2,3,4]]"])
def test_item_limit(data: bytes) -> None:
    error = rejected(data, max_items=3)
    assert error.message == "The data contains a list or object with more than {limit} entries."
    assert error.params == {"limit": 3}


def test_every_rejection_has_its_own_message() -> None:
    messages = [value for name, value in vars(strictjson).items() if name.startswith("MSG_")]
    assert len(messages) == len(set(messages)) == 14


# --- canonical output --------------------------------------------------------


def test_dumps_canonical_format() -> None:
    value = {"b": [1, 2.5, None, True], "a": {"đ": "Đoàn viên", "z": ""}, "A": -0}
    assert dumps_canonical(value) == (
        '{"A":0,"a":{"z":"","đ":"Đoàn viên"},"b":[1,2.5,null,true]}'.encode()
    )


def test_dumps_canonical_refuses_what_cannot_round_trip() -> None:
    with pytest.raises(ValueError):
        dumps_canonical({"x": math.nan})
    with pytest.raises(ValueError):
        dumps_canonical({"x": math.inf})
    with pytest.raises(TypeError):
        dumps_canonical({1: "a"})
    with pytest.raises(TypeError):
        dumps_canonical([{"ok": {None: 1}}])
    with pytest.raises(ValueError):
        dumps_canonical(["\ud800"])
    circular: list[Any] = []
    circular.append(circular)
    with pytest.raises(ValueError):
        dumps_canonical(circular)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-SAFE_INTEGER_MAX, max_value=SAFE_INTEGER_MAX)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)


@given(json_values)
def test_canonical_round_trip(value: Any) -> None:
    encoded = dumps_canonical(value)
    assert loads_strict(encoded, max_bytes=LIMIT) == value
    assert dumps_canonical(loads_strict(encoded, max_bytes=LIMIT)) == encoded
    # agrees with the standard library
    assert json.loads(encoded) == value


bracket_texts = st.text(alphabet='[]{}"\\aệ', max_size=6)
nested_values = st.recursive(
    st.integers() | bracket_texts,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(bracket_texts, children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300)
@given(nested_values, st.integers(1, 6), st.integers(1, 6), st.booleans())
def test_the_brackets_never_pass_what_the_walk_refuses(
    value: Any, max_depth: int, max_items: int, ascii_only: bool
) -> None:
    """The text's brackets let a value through only when the walk of it would."""
    data = json.dumps(value, ensure_ascii=ascii_only).encode()
    if strictjson._within_limits(data, max_depth=max_depth, max_items=max_items):
        strictjson._check_containers(value, max_depth=max_depth, max_items=max_items)


@given(st.dictionaries(st.text(max_size=5), st.integers(), min_size=2, max_size=8))
def test_canonical_ignores_insertion_order(value: dict[str, int]) -> None:
    reordered = dict(reversed(list(value.items())))
    assert dumps_canonical(reordered) == dumps_canonical(value)


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_parse_or_raise_malformed(data: bytes) -> None:
    with contextlib.suppress(MalformedJSONError):
        loads_strict(data, max_bytes=LIMIT, max_depth=4, max_items=8, max_string=16)


json_ish = st.text(alphabet='[]{}",:0123456789.eE-+ \\utrnfalsebd\u1ec7\ud800', max_size=80)


@settings(max_examples=500)
@given(json_ish)
def test_json_like_text_parses_or_raises_malformed(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    with contextlib.suppress(MalformedJSONError):
        loads_strict(data, max_bytes=LIMIT, max_depth=4, max_items=8, max_string=16)


# --- linear time on hostile text (issue 14, item 1) ---------------------------------------------


def _hostile(kind: str, size: int) -> bytes:
    """Inputs that made the old depth pre-scan quadratic, ``size`` bytes long."""
    if kind == "unclosed-after-escaped-quotes":
        return b'{"a":"' + b'\\"' * (size // 2)
    if kind == "escaped-quotes-closed":
        return b'{"a":"' + b'\\"' * (size // 2) + b'"}'
    if kind == "brackets-in-strings":
        return b'["' + b"[{" * (size // 2) + b'"]'
    return b"[" * size  # deep nesting, refused at the depth limit


def _seconds(data: bytes) -> float:
    import time

    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        with contextlib.suppress(strictjson.MalformedJSONError):
            strictjson.loads_strict(data, max_bytes=10_000_000, max_string=10_000_000)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize(
    "kind",
    ["unclosed-after-escaped-quotes", "escaped-quotes-closed", "brackets-in-strings", "deep"],
)
def test_parsing_time_grows_linearly_with_size(kind: str) -> None:
    """8× the bytes costs about 8× the time, not 64× (the old pre-scan took 33 s on 100 KB).

    A ratio of two timings of the same machine and run, not a wall-clock limit: a
    quadratic parser fails it by a factor of eight."""
    small, large = _seconds(_hostile(kind, 100_000)), _seconds(_hostile(kind, 800_000))
    assert large / max(small, 1e-4) < 24, (kind, small, large)

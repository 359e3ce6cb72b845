"""Strict JSON parsing for untrusted files, and canonical JSON for hashing.

Every package, key file and backup the application reads arrives from
outside (a USB stick, an e-mail attachment), so the parser refuses anything
that two JSON readers could interpret differently or that could exhaust
memory or the stack:

- only UTF-8, without a byte order mark (UTF-16/UTF-32 are named as such);
- no duplicate names in an object, at any level (readers disagree on which
  one wins, which lets a signed file mean two things);
- no ``NaN``/``Infinity`` and no number that overflows to infinity;
- integers within a range (default the IEEE-754 safe range ±(2**53 - 1), so
  a value means the same in a JavaScript or spreadsheet reader); floats can
  be refused altogether;
- no lone UTF-16 surrogate escapes (``"\\ud800"``), which cannot be stored
  or encoded as UTF-8 later;
- bounded nesting depth, string length, and array/object size.

Everything runs in time linear in the input: the C scanner of :func:`json.loads`
reads the text once (an unclosed string with thousands of escaped quotes costs
no more than any other string — a regular-expression pre-scan made that
quadratic, a minute for 100 KB), duplicate names are caught during that parse
(``object_pairs_hook``), and the limits are checked by one iterative walk over
the result: over its containers only when the text is no longer than
``max_string`` and has no surrogate escape, as no string can then break a rule.
Integers are read by the C parser itself when no run of digits in the text is
long enough to leave the range. Nesting deeper than the interpreter's recursion
limit stops the C scanner with a ``RecursionError``, refused as too deep; the walk
refuses anything deeper than ``max_depth``.

:func:`dumps_canonical` is the deterministic encoding used whenever bytes are
hashed or signed; its output always parses back with :func:`loads_strict`
(given large enough limits).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from app.core.errors import N_, InputError

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_ITEMS",
    "DEFAULT_MAX_STRING",
    "SAFE_INTEGER_MAX",
    "MalformedJSONError",
    "dumps_canonical",
    "loads_strict",
]

#: Largest integer every IEEE-754 double reader represents exactly.
SAFE_INTEGER_MAX = 2**53 - 1
DEFAULT_MAX_DEPTH = 32
#: Code points per string (names included).
DEFAULT_MAX_STRING = 1_000_000
#: Elements per array, members per object. A country-wide roster has
#: ~125,000 grassroots unions, hence the generous default; callers that know
#: their data should pass a tighter bound.
DEFAULT_MAX_ITEMS = 200_000

# Messages: English msgids, each rejection distinct so a user (or a test)
# can tell what was wrong.
MSG_TOO_LARGE = N_("The file is too large ({size} bytes; the limit is {limit} bytes).")
MSG_BOM = N_("The file starts with a byte order mark; only plain UTF-8 is accepted.")
MSG_UTF16 = N_("The file is encoded in UTF-16 or UTF-32; only UTF-8 is accepted.")
MSG_NOT_UTF8 = N_("The file is not valid UTF-8 text.")
MSG_SYNTAX = N_("The file is not valid JSON.")
MSG_TOO_DEEP = N_("The data is nested more than {limit} levels deep.")
MSG_DUPLICATE_KEY = N_("The name “{name}” appears twice in the same object.")
MSG_NON_FINITE = N_("The data contains NaN or Infinity, which are not allowed.")
MSG_FLOAT_OVERFLOW = N_("The data contains a number too large to represent.")
MSG_FLOAT_NOT_ALLOWED = N_(
    "The data contains a decimal number where only whole numbers are allowed."
)
MSG_INT_RANGE = N_("The data contains a whole number outside the range {minimum} to {maximum}.")
MSG_SURROGATE = N_("The data contains an invalid Unicode escape (a lone surrogate).")
MSG_STRING_TOO_LONG = N_("The data contains a text longer than {limit} characters.")
MSG_TOO_MANY_ITEMS = N_("The data contains a list or object with more than {limit} entries.")


class MalformedJSONError(InputError):
    """Untrusted JSON was refused; ``message`` says which rule it broke."""


_SURROGATE = re.compile("[\ud800-\udfff]")
#: The only way to a surrogate in strictly decoded UTF-8 JSON (or an escaped
#: backslash before "uD8..": then the full walk decides).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
#: Byte → "0" for an ASCII digit, " " for anything else (:func:`_has_digit_run`).
_DIGIT_OR_SPACE = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))
#: Every byte but JSON's brackets, quote and backslash (:func:`_within_limits`).
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in b'{}[]"\\')
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
# Longest decimal literal that may still be inside any sane integer range;
# longer ones are refused before int() parses them (quadratic in CPython).
_MAX_INT_DIGITS = 40


def loads_strict(
    data: bytes,
    *,
    max_bytes: int,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_string: int = DEFAULT_MAX_STRING,
    max_items: int = DEFAULT_MAX_ITEMS,
    int_min: int = -SAFE_INTEGER_MAX,
    int_max: int = SAFE_INTEGER_MAX,
    allow_floats: bool = True,
) -> Any:
    """Parse untrusted UTF-8 JSON, refusing anything ambiguous or oversized.

    Returns plain ``dict``/``list``/``str``/``int``/``float``/``bool``/``None``
    values. Raises :class:`MalformedJSONError` whose ``message`` names the
    rule that was broken; ``detail`` carries the position when known.
    ``max_depth`` counts nested arrays and objects (a scalar is depth 0,
    ``[]`` is depth 1); ``max_string`` counts code points.
    """
    if len(data) > max_bytes:
        raise MalformedJSONError(MSG_TOO_LARGE, params={"size": len(data), "limit": max_bytes})
    text = _decode_utf8(data)

    def parse_int(literal: str) -> int:
        digits = literal.lstrip("-")
        if len(digits) > _MAX_INT_DIGITS:
            raise _int_range_error(int_min, int_max, detail=f"{literal[:20]}…")
        value = int(literal)
        if not int_min <= value <= int_max:
            raise _int_range_error(int_min, int_max, detail=literal)
        return value

    def parse_float(literal: str) -> float:
        if not allow_floats:
            raise MalformedJSONError(MSG_FLOAT_NOT_ALLOWED, detail=literal[:40])
        value = float(literal)
        if not math.isfinite(value):
            raise MalformedJSONError(MSG_FLOAT_OVERFLOW, detail=literal[:40])
        return value

    def parse_constant(name: str) -> Any:
        raise MalformedJSONError(MSG_NON_FINITE, detail=name)

    # Integers of fewer digits than the narrower bound has are inside the range:
    # when the text has no longer run of digits, the C parser reads them itself.
    safe_digits = len(str(max(min(-int_min, int_max), 0))) - 1
    long_digits = safe_digits < 1 or _has_digit_run(data, safe_digits + 1)
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_int=parse_int if long_digits else None,
            parse_float=parse_float,
            parse_constant=parse_constant,
        )
    except json.JSONDecodeError as exc:
        raise MalformedJSONError(
            MSG_SYNTAX, detail=f"{exc.msg}: line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:  # nested deeper than the interpreter allows: far too deep
        raise MalformedJSONError(MSG_TOO_DEEP, params={"limit": max_depth}) from None
    if len(text) <= max_string and not _SURROGATE_ESCAPE.search(text):
        # No string can be longer than the whole text, and a lone surrogate can
        # only come from a "\\uD8.." escape: only containers are left to check,
        # and the text's brackets alone mostly show that they keep to the limits.
        if not _within_limits(data, max_depth=max_depth, max_items=max_items):
            _check_containers(value, max_depth=max_depth, max_items=max_items)
    else:
        _check_values(value, max_depth=max_depth, max_string=max_string, max_items=max_items)
    return value


def dumps_canonical(obj: Any) -> bytes:
    """Encode ``obj`` deterministically: the bytes that get hashed or signed.

    Sorted names, no insignificant whitespace, non-ASCII kept as UTF-8
    (``ensure_ascii=False``). Equal values always give equal bytes within
    this application; it is *not* RFC 8785 (JCS): names are sorted by code
    point, not UTF-16 unit, and floats use Python's shortest ``repr``, so
    hashed payloads should prefer integers and strings.

    Raises ``TypeError`` for a non-string object name or a non-JSON value and
    ``ValueError`` for NaN/Infinity or a lone surrogate: these are programming
    errors (the value was built by our code), not user errors. Non-string
    names are refused because ``json.dumps`` would silently turn ``{1: …,
    "1": …}`` into a duplicate name.
    """
    # json.dumps first: it refuses circular structures, which the name walk
    # below would loop on.
    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    _check_names_are_strings(obj)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("cannot encode a lone surrogate as UTF-8") from exc


def _has_digit_run(data: bytes, length: int) -> bool:
    """Whether ``data`` has ``length`` ASCII digits in a row (a JSON number's
    digits are ASCII; other digits can only be inside strings).

    Every byte mapped to "0" (a digit) or " " and the run searched as a
    substring: ~15× faster than a regular expression such as ``\\d{16}``,
    which is tried again at every digit of the text.
    """
    return b"0" * length in data.translate(_DIGIT_OR_SPACE)


def _decode_utf8(data: bytes) -> str:
    if data.startswith(_UTF8_BOM):
        raise MalformedJSONError(MSG_BOM)
    # JSON text starts with an ASCII character, so a NUL among the first four
    # bytes means UTF-16/UTF-32 (RFC 4627 §3 detection), BOM or not.
    if data.startswith(_UTF16_32_BOMS) or b"\x00" in data[:4]:
        raise MalformedJSONError(MSG_UTF16)
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise MalformedJSONError(MSG_NOT_UTF8, detail=f"byte offset {exc.start}") from None


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for name, _value in pairs:
            if name in seen:
                raise MalformedJSONError(MSG_DUPLICATE_KEY, params={"name": _shorten(name)})
            seen.add(name)
    return result


def _check_values(value: Any, *, max_depth: int, max_string: int, max_items: int) -> None:
    """Walk the parsed value iteratively: depth, string lengths, entry counts."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_string(item, max_string)
            continue
        if not isinstance(item, list | dict):
            continue
        depth += 1
        if depth > max_depth:
            raise MalformedJSONError(MSG_TOO_DEEP, params={"limit": max_depth})
        if len(item) > max_items:
            raise MalformedJSONError(MSG_TOO_MANY_ITEMS, params={"limit": max_items})
        if isinstance(item, list):
            stack.extend((member, depth) for member in item)
        else:
            for name, member in item.items():
                _check_string(name, max_string)
                stack.append((member, depth))


def _within_limits(data: bytes, *, max_depth: int, max_items: int) -> bool:
    """True when the JSON text ``data`` (already parsed) surely has no container
    deeper than ``max_depth`` or with more than ``max_items`` entries; False when
    only the walk of the parsed value (:func:`_check_containers`) can tell.

    Read from the text at C speed, for a package a third of the walk's cost. A
    container of n entries takes at least 2n + 1 bytes, so a text of at most
    ``2 * max_items + 1`` bytes has none too large. With no backslash in it, a
    string is exactly what lies between two quotes, and every bracket outside
    the strings opens or closes a container (UTF-8 puts no ASCII byte inside a
    character). Each ``replace`` of the brackets left removes only containers
    holding no other: the depth is at most the number of those that removed
    anything (one more at times, which at worst sends the text to the walk).
    """
    if len(data) > 2 * max_items + 1:
        return False
    marks = data.translate(None, _NOT_STRUCTURE)
    if b"\\" in marks:
        return False
    brackets = b"".join(marks.split(b'"')[::2])
    depth = 0
    while brackets:
        size = len(brackets)
        brackets = brackets.replace(b"{}", b"")
        depth += len(brackets) != size
        left = len(brackets)
        brackets = brackets.replace(b"[]", b"")
        depth += len(brackets) != left
        if depth > max_depth or len(brackets) == size:
            return False
    return True


def _check_containers(value: Any, *, max_depth: int, max_items: int) -> None:
    """The walk of :func:`_check_values` for containers only: depth and entry counts."""
    if type(value) is not dict and type(value) is not list:
        return
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            raise MalformedJSONError(MSG_TOO_DEEP, params={"limit": max_depth})
        if len(item) > max_items:
            raise MalformedJSONError(MSG_TOO_MANY_ITEMS, params={"limit": max_items})
        deeper = depth + 1
        for member in item.values() if type(item) is dict else item:
            if type(member) is dict or type(member) is list:
                stack.append((member, deeper))


def _check_string(text: str, max_string: int) -> None:
    if len(text) > max_string:
        raise MalformedJSONError(MSG_STRING_TOO_LONG, params={"limit": max_string})
    # The input was strict UTF-8, so a surrogate can only come from a
    # "\uXXXX" escape that json did not pair with its partner.
    if _SURROGATE.search(text):
        raise MalformedJSONError(MSG_SURROGATE, detail=_shorten(text.encode("unicode_escape")))


def _int_range_error(minimum: int, maximum: int, *, detail: str) -> MalformedJSONError:
    return MalformedJSONError(
        MSG_INT_RANGE, params={"minimum": minimum, "maximum": maximum}, detail=detail
    )


def _check_names_are_strings(obj: Any) -> None:
    stack: list[Any] = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for name, member in item.items():
                if not isinstance(name, str):
                    raise TypeError(f"object names must be str, not {type(name).__name__}")
                stack.append(member)
        elif isinstance(item, list | tuple):
            stack.extend(item)


def _shorten(text: str | bytes, limit: int = 60) -> str:
    if isinstance(text, bytes):
        text = text.decode("ascii", errors="replace")
    return text if len(text) <= limit else text[: limit - 1] + "…"

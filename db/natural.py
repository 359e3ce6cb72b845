"""The natural order of codes (``CS-2`` before ``CS-10``), as a Python sort key and as
text the database sorts in the same order (stored beside each unit's code)."""

from __future__ import annotations

import re
from typing import Any

_DIGITS = re.compile(r"(\d+)")

#: Ends a text part of a stored key: below every character stored text may hold
#: (app.core.text.FORBIDDEN refuses U+0000 to U+0008).
_END = "\x01"


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key reading digit runs as numbers: ``CS-2`` before ``CS-10``."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in _DIGITS.split(text)
        if part
    )


def natural_text(text: str) -> str:
    """:func:`natural_key` as text compared character by character (SQLite's binary
    collation, PostgreSQL's "C"): a digit run is ``0``, its length in three digits and
    its value, any other run ``1``, its case-folded text and U+0001; two texts compare
    as their natural keys do."""
    encoded = []
    for kind, part in natural_key(text):
        if kind == 0:
            digits = str(part)
            encoded.append(f"0{len(digits):03d}{digits}")
        else:
            encoded.append(f"1{part}{_END}")
    return "".join(encoded)


def code_order(code: str | None) -> str | None:
    """What ``unit.code_order`` holds for a unit coded ``code`` (None without one)."""
    return None if code is None else natural_text(code)


def code_order_default(context: Any) -> str | None:
    """Column default: the stored order of the code being inserted (Core inserts,
    one row or many, included)."""
    return code_order(context.get_current_parameters().get("code"))


__all__ = ["code_order", "code_order_default", "natural_key", "natural_text"]

"""Statements: a unit's registration (commitments) and period results, and their values.

Its names load on first use (:mod:`app.core.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.lazy import lazy_exports

if TYPE_CHECKING:
    from app.statements.entry import ParseError, parse_text
    from app.statements.records import (
        StatementDetails,
        StatementInput,
        details_problems,
        save_statement,
        saved_value,
        statement_input,
        statement_values,
        touch_statement,
        write_details,
    )

#: Where each name is defined (a test checks it against the imports above).
_SOURCES: dict[str, tuple[str, ...]] = {
    "app.statements.entry": (
        "ParseError",
        "parse_text",
    ),
    "app.statements.records": (
        "StatementDetails",
        "StatementInput",
        "details_problems",
        "save_statement",
        "saved_value",
        "statement_input",
        "statement_values",
        "touch_statement",
        "write_details",
    ),
}

__getattr__ = lazy_exports(__name__, _SOURCES)

__all__ = [
    "ParseError",
    "StatementDetails",
    "StatementInput",
    "details_problems",
    "parse_text",
    "save_statement",
    "saved_value",
    "statement_input",
    "statement_values",
    "touch_statement",
    "write_details",
]

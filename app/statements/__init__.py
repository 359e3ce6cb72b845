"""Statements: a unit's registration (commitments) and period results, and their values."""

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

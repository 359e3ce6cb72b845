"""What a value may be: one check of one typed value, and the limits of every text.

``check_value`` is the single validation of one typed value, used by the screen
as you type, by the Excel and JSON fill, by plan targets and by package import,
so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.core import domain
from app.core.errors import N_
from app.core.text import FORBIDDEN, nfc
from db.enums import IndicatorKind

MAX_AMOUNT = 10**15  # VND; far above any union's fund, far below int64
MAX_COUNT = 10**9
#: The largest amount of each amount kind (a count of people or things, a sum of money).
AMOUNT_LIMITS = {IndicatorKind.COUNT: MAX_COUNT, IndicatorKind.MONEY: MAX_AMOUNT}
MAX_TEXT = 4000
#: The longest each free text of a statement may be: the screen, the Excel fill,
#: the package reader and the printed form all hold to these.
LIMITS = {
    "signer_name": 200,
    "signer_title": 200,
    "place": 100,
    "notes": MAX_TEXT,
    "narrative": MAX_TEXT,
    "person": 200,
    "position": 200,
    "title": 300,
    "work": 2000,
    "occasion": 1000,
}
#: The most titles or works one statement may list.
MAX_ROWS = 500
MSG_FORBIDDEN_CHARACTER = N_(
    "The text holds a character that cannot be kept (a control or text-direction character)."
)


@dataclass(frozen=True)
class Problem:
    """A validation problem with one indicator's value (English msgid)."""

    indicator_code: str
    message: str
    params: tuple[tuple[str, object], ...] = ()

    def translated(self) -> str:
        from app.core.i18n import gettext

        return gettext(self.message).format(**dict(self.params))


#: The one field group each kind of indicator uses (see :func:`check_value`).
_EXPECTED_FIELD = {
    IndicatorKind.COUNT: "amount",
    IndicatorKind.MONEY: "amount",
    IndicatorKind.RATIO: "ratio",
    IndicatorKind.YES_NO: "flag",
    IndicatorKind.GRADE: "grade",
    IndicatorKind.TEXT: "text",
}


def check_value(
    indicator: domain.Indicator, value: domain.UnitValue, grade_codes: tuple[str, ...] = ()
) -> list[Problem]:
    """Everything wrong with ``value`` for ``indicator``; empty when fine.

    An empty value is fine here (required fields are checked before export).
    A value using a field of another kind is refused first; otherwise at
    most one problem of the indicator's own kind is reported. Called once
    per value of every imported package: no per-call allocations beyond the
    returned list.
    """
    kind = indicator.kind
    expected = _EXPECTED_FIELD[kind]
    amount = value.amount
    numerator, denominator = value.numerator, value.denominator
    ratio_used = numerator is not None or denominator is not None
    if (
        (amount is not None and expected != "amount")
        or (ratio_used and expected != "ratio")
        or (value.flag is not None and expected != "flag")
        or (value.grade is not None and expected != "grade")
        or (value.text and expected != "text")
    ):
        return [Problem(indicator.code, N_("This value does not fit the kind of the indicator."))]
    message: str | None = None
    if expected == "amount":
        if amount is not None:
            limit = AMOUNT_LIMITS[kind]
            if amount < 0:
                message = N_("The value cannot be negative.")
            elif amount > limit:
                message = N_("The value is too large.")
    elif expected == "ratio":
        if ratio_used:
            if numerator is None or denominator is None:
                message = N_("Enter both the number achieved and the total.")
            elif numerator < 0 or denominator < 0:
                message = N_("The value cannot be negative.")
            elif numerator > denominator:
                message = N_("The number achieved cannot be larger than the total.")
            elif denominator > MAX_COUNT:
                message = N_("The value is too large.")
    elif expected == "grade":
        if value.grade is not None and value.grade not in grade_codes:
            message = N_("Choose a grade from the year's scale.")
    elif expected == "text" and value.text and len(value.text) > MAX_TEXT:
        message = N_("The text is too long (at most 4,000 characters).")
    if message is None:
        problem = text_problem(value.text) or text_problem(value.note)
        return [] if problem is None else [replace(problem, indicator_code=indicator.code)]
    return [Problem(indicator.code, message)]


def text_problem(text: str | None, limit: int = MAX_TEXT) -> Problem | None:
    """Why a free text cannot be stored, or None: longer than ``limit``, or holding
    a character no database keeps alike (:data:`app.core.text.FORBIDDEN`)."""
    if not text:
        return None
    if len(text) > limit or len(nfc(text)) > limit:  # stored composed: measured so
        return Problem(
            "", N_("The text is too long (at most {limit} characters)."), (("limit", limit),)
        )
    if FORBIDDEN.search(text):
        return Problem("", MSG_FORBIDDEN_CHARACTER)
    return None

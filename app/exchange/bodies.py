"""Package bodies: statements, enrolments, receipts — to and from JSON.

Every reader is strict (exact fields, types, ranges) and every value of a
statement goes through :func:`app.statements.records.check_value`, the same check
the screen and the Excel fill use.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core import domain
from app.core.errors import N_, InputError
from app.core.text import nfc
from app.core.values import AMOUNT_LIMITS, LIMITS, MAX_AMOUNT, MAX_ROWS, Problem, check_value
from app.exchange.format import PayloadError
from app.exchange.sealing import check_recipient
from app.exchange.signing import decode_base64_canonical
from app.statements import StatementInput
from db.enums import IndicatorKind, Sector

_VALUE_FIELDS = frozenset({"amount", "numerator", "denominator", "flag", "grade", "text", "note"})
_MAX_TEXT = 4000
_MAX_ROWS = MAX_ROWS
#: The longest indicator code, and grade code, a value may name.
MAX_CODE = 32


def _bad(field: str) -> PayloadError:
    return PayloadError(N_("The package content is invalid: {field}."), params={"field": field})


def _text(value: Any, field: str, limit: int = 1000) -> str:
    """A text field as it will be stored: composed (NFC) first, then measured — some
    characters grow threefold when composed, past the database column."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 4 * limit:
        raise _bad(field)
    composed: str = nfc(value)
    if len(composed) > limit:
        raise _bad(field)
    return composed


# --- statements -------------------------------------------------------------------


def value_to_json(value: domain.UnitValue) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in ("amount", "numerator", "denominator", "flag", "grade", "text"):
        field_value = getattr(value, name)
        if field_value is not None and field_value != "":
            data[name] = field_value
    if value.note:
        data["note"] = value.note
    return data


def statement_to_json(statement: StatementInput) -> dict[str, Any]:
    data: dict[str, Any] = {
        "values": {code: value_to_json(v) for code, v in sorted(statement.values.items())},
        "signer_name": statement.signer_name,
        "signer_title": statement.signer_title,
        "signed_on": statement.signed_on.isoformat() if statement.signed_on else None,
        "place": statement.place,
        "notes": statement.notes,
        "movements": list(statement.movement_codes),
        "titles": [
            {"collective": c, "person": p, "position": pos, "title": t}
            for c, p, pos, t in statement.titles
        ],
        "works": [{"name": n, "occasion": o} for n, o in statement.works],
    }
    narrative = statement.narrative
    if not narrative.is_empty():  # a registration carries none: its body is as before
        data["narrative"] = {
            "assessment": narrative.assessment,
            "shortcomings": narrative.shortcomings,
            "direction": narrative.direction,
        }
    return data


@dataclass(frozen=True)
class ParsedStatement:
    values: dict[str, domain.UnitValue]
    signer_name: str
    signer_title: str
    signed_on: dt.date | None
    place: str
    notes: str
    movements: tuple[str, ...]
    titles: tuple[tuple[bool, str, str, str], ...]
    works: tuple[tuple[str, str], ...]
    narrative: domain.Narrative = field(default_factory=domain.Narrative)


_NARRATIVE_FIELDS = frozenset({"assessment", "shortcomings", "direction"})
_STATEMENT_FIELDS = frozenset(
    {
        "values",
        "signer_name",
        "signer_title",
        "signed_on",
        "place",
        "notes",
        "movements",
        "titles",
        "works",
    }
)


def _int_bad(value: Any) -> bool:
    """Whether an amount field is neither absent nor a whole number in range."""
    return value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT
    )


def parse_values(raw_values: Any) -> dict[str, domain.UnitValue]:
    """The values of a statement as a package carries them (``statement.values``)."""
    if not isinstance(raw_values, dict) or len(raw_values) > _MAX_ROWS:
        raise _bad("statement.values")
    return {code: parse_value(code, item) for code, item in raw_values.items()}


def parse_value(code: str, item: Any) -> domain.UnitValue:
    """One value of ``statement.values``; the field names of errors are made
    only when one is raised. An import reads most values through
    :func:`app.exchange.statement_rows.value_rows` and only the others here."""
    if not isinstance(item, dict) or not _VALUE_FIELDS.issuperset(item) or len(code) > MAX_CODE:
        raise _bad(f"statement.values[{code}]")
    get = item.get
    flag = get("flag")
    if flag is not None and not isinstance(flag, bool):
        raise _bad(f"statement.values[{code}].flag")
    grade = get("grade")
    if grade is not None and (not isinstance(grade, str) or len(grade) > MAX_CODE):
        raise _bad(f"statement.values[{code}].grade")
    amount = get("amount")
    numerator = get("numerator")
    denominator = get("denominator")
    # The common case in one test (JSON integers are exactly ``int``; a bool is not).
    if not (
        (amount is None or (type(amount) is int and 0 <= amount <= MAX_AMOUNT))
        and (numerator is None or (type(numerator) is int and 0 <= numerator <= MAX_AMOUNT))
        and (denominator is None or (type(denominator) is int and 0 <= denominator <= MAX_AMOUNT))
    ):
        for name, number in (
            ("amount", amount),
            ("numerator", numerator),
            ("denominator", denominator),
        ):
            if _int_bad(number):
                raise _bad(f"statement.values[{code}].{name}")
    text = get("text")
    if text is not None:
        text = _text(text, f"statement.values[{code}].text", _MAX_TEXT) or None
    note = get("note")
    note = "" if note is None else _text(note, f"statement.values[{code}].note", _MAX_TEXT)
    return domain.UnitValue(
        amount=amount,
        numerator=numerator,
        denominator=denominator,
        flag=flag,
        grade=grade,
        text=text,
        note=note,
    )


def parse_statement(body: Mapping[str, Any], *, values: bool = True) -> ParsedStatement:
    """The statement of a report's body, strictly read.

    ``values=False`` leaves ``values`` empty, unread: for a caller that has read
    and checked them already as rows (:func:`app.exchange.statement_rows.value_rows`).
    """
    if set(body) != {"statement"} or not isinstance(body["statement"], dict):
        raise _bad("body")
    data = body["statement"]
    if data.keys() - {"narrative"} != _STATEMENT_FIELDS:
        extra = sorted((set(data) - {"narrative"}) ^ _STATEMENT_FIELDS)
        raise _bad(f"statement.{extra[0]}")
    narrative = domain.Narrative()
    if "narrative" in data:
        raw = data["narrative"]
        if not isinstance(raw, dict) or set(raw) != _NARRATIVE_FIELDS:
            raise _bad("statement.narrative")
        narrative = domain.Narrative(
            assessment=_text(raw["assessment"], "statement.narrative.assessment", _MAX_TEXT),
            shortcomings=_text(raw["shortcomings"], "statement.narrative.shortcomings", _MAX_TEXT),
            direction=_text(raw["direction"], "statement.narrative.direction", _MAX_TEXT),
        )
    read_values = parse_values(data["values"]) if values else {}
    signed_on = data["signed_on"]
    parsed_date: dt.date | None = None
    if signed_on is not None:
        if not isinstance(signed_on, str):
            raise _bad("statement.signed_on")
        try:
            parsed_date = dt.date.fromisoformat(signed_on)
        except ValueError as exc:
            raise _bad("statement.signed_on") from exc
    movements = data["movements"]
    if (
        not isinstance(movements, list)
        or len(movements) > _MAX_ROWS
        or not all(isinstance(m, str) and len(m) <= 32 for m in movements)
    ):
        raise _bad("statement.movements")
    titles = []
    raw_titles = data["titles"]
    if not isinstance(raw_titles, list) or len(raw_titles) > _MAX_ROWS:
        raise _bad("statement.titles")
    for item in raw_titles:
        if not isinstance(item, dict) or set(item) != {"collective", "person", "position", "title"}:
            raise _bad("statement.titles")
        if not isinstance(item["collective"], bool):
            raise _bad("statement.titles.collective")
        titles.append(
            (
                item["collective"],
                _text(item["person"], "statement.titles.person", LIMITS["person"]),
                _text(item["position"], "statement.titles.position", LIMITS["position"]),
                _text(item["title"], "statement.titles.title", LIMITS["title"]),
            )
        )
    works = []
    raw_works = data["works"]
    if not isinstance(raw_works, list) or len(raw_works) > _MAX_ROWS:
        raise _bad("statement.works")
    for item in raw_works:
        if not isinstance(item, dict) or set(item) != {"name", "occasion"}:
            raise _bad("statement.works")
        works.append(
            (
                _text(item["name"], "statement.works.name", LIMITS["work"]),
                _text(item["occasion"], "statement.works.occasion", LIMITS["occasion"]),
            )
        )
    return ParsedStatement(
        values=read_values,
        signer_name=_text(data["signer_name"], "statement.signer_name", LIMITS["signer_name"]),
        signer_title=_text(data["signer_title"], "statement.signer_title", LIMITS["signer_title"]),
        signed_on=parsed_date,
        place=_text(data["place"], "statement.place", LIMITS["place"]),
        notes=_text(data["notes"], "statement.notes", _MAX_TEXT),
        movements=tuple(movements),
        titles=tuple(titles),
        works=tuple(works),
        narrative=narrative,
    )


@dataclass(frozen=True)
class PlanChecks:
    """What checking a statement against one plan looks up, built once per plan.

    An import run checks thousands of statements against a handful of plans:
    it keeps one of these per plan (see :class:`app.exchange.merge_state.MergeState`).
    """

    indicators: dict[str, domain.Indicator]
    grade_codes: tuple[str, ...]
    movement_codes: frozenset[str]
    #: Indicator code → (its id, its kind, its amount limit or 0): how
    #: :func:`app.exchange.statement_rows.value_rows` reads its plain values.
    plain: dict[str, tuple[str, IndicatorKind, int]]

    @classmethod
    def of(cls, plan: domain.Plan) -> PlanChecks:
        return cls(
            indicators={i.code: i for i in plan.indicators},
            grade_codes=tuple(g.code for g in plan.grade_levels),
            movement_codes=frozenset(m.code for m in plan.movements),
            plain={
                i.code: (i.id, i.kind, AMOUNT_LIMITS.get(i.kind, 0))
                for i in plan.indicators
                if len(i.code) <= MAX_CODE  # a longer code is refused: parse_value says so
            },
        )


#: A movement the plan limits to some sectors, joined by a unit of another (English msgid).
MOVEMENT_NOT_FOR_SECTOR = N_("The movement “{name}” is not for units of this sector.")


def movements_not_offered(
    plan: domain.Plan, codes: Iterable[str], sector: Sector | None
) -> list[domain.Movement]:
    """The plan's movements among ``codes`` it does not offer to a unit of ``sector``
    (LĐG-HCSN to an enterprise's union); a unit of no known sector is offered all."""
    wanted = set(codes)
    return [m for m in plan.movements if m.code in wanted and not m.offered_to(sector)]


def statement_problems(
    plan: domain.Plan,
    statement: ParsedStatement,
    checks: PlanChecks | None = None,
    *,
    sector: Sector | None = None,
) -> list[Problem]:
    """Every value checked against the plan, as the screen checks it.

    ``checks`` is ``PlanChecks.of(plan)``, when the caller keeps one;
    ``sector`` the unit's sector that year (its movements must be offered to it).
    """
    if checks is None:
        checks = PlanChecks.of(plan)
    indicators = checks.indicators
    grades = checks.grade_codes
    problems: list[Problem] = []
    for code, value in statement.values.items():
        indicator = indicators.get(code)
        if indicator is None:
            problems.append(Problem(code, N_("This indicator is not in the plan.")))
        else:
            found = check_value(indicator, value, grades)
            if found:
                problems.extend(found)
    movement_codes = checks.movement_codes
    problems.extend(
        Problem(code, N_("This movement is not in the plan."))
        for code in statement.movements
        if code not in movement_codes
    )
    problems.extend(
        Problem(movement.code, MOVEMENT_NOT_FOR_SECTOR, (("name", movement.name),))
        for movement in movements_not_offered(plan, statement.movements, sector)
    )
    return problems


# --- enrolment ----------------------------------------------------------------------

_KEY_FIELDS = {"public_key", "unit", "replaces"}
_UNIT_FIELDS = {"name", "code", "chair", "phone", "email"}


@dataclass(frozen=True)
class Enrolment:
    public_key: bytes
    name: str
    code: str
    chair: str
    phone: str
    email: str
    replaces: str | None
    #: The unit's age recipient (files for it are encrypted to it); "" from older versions.
    age_recipient: str = ""


def enrolment_to_json(
    public_key_b64: str,
    *,
    name: str,
    code: str,
    chair: str,
    phone: str,
    email: str,
    replaces: str | None,
    age_recipient: str = "",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "public_key": public_key_b64,
        "unit": {"name": name, "code": code, "chair": chair, "phone": phone, "email": email},
        "replaces": replaces,
    }
    if age_recipient:
        body["age_recipient"] = age_recipient
    return body


def parse_enrolment(body: Mapping[str, Any]) -> Enrolment:
    if set(body) - {"age_recipient"} != _KEY_FIELDS:
        raise _bad("body")
    recipient = body.get("age_recipient", "")
    if not isinstance(recipient, str) or len(recipient) > 128:
        raise _bad("body.age_recipient")
    if recipient:
        try:
            check_recipient(recipient)
        except InputError as exc:
            raise _bad("body.age_recipient") from exc
    unit = body["unit"]
    if not isinstance(unit, dict) or set(unit) != _UNIT_FIELDS:
        raise _bad("body.unit")
    public_key_text = body["public_key"]
    if not isinstance(public_key_text, str):
        raise _bad("body.public_key")
    try:
        public_key = decode_base64_canonical(public_key_text)
    except ValueError as exc:
        raise _bad("body.public_key") from exc
    replaces = body["replaces"]
    if replaces is not None and (
        not isinstance(replaces, str) or not re.fullmatch(r"[0-9a-f]{64}", replaces)
    ):
        raise _bad("body.replaces")
    return Enrolment(
        public_key=public_key,
        name=_text(unit["name"], "body.unit.name", 300),
        code=_text(unit["code"], "body.unit.code", 32),
        chair=_text(unit["chair"], "body.unit.chair", 200),
        phone=_text(unit["phone"], "body.unit.phone", 64),
        email=_text(unit["email"], "body.unit.email", 200),
        replaces=replaces,
        age_recipient=recipient,
    )


# --- receipts and returns -----------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    package_hash: str
    revision: int
    returned: bool
    general_comment: str
    comments: dict[str, str]


def receipt_to_json(
    *,
    package_hash: str,
    revision: int,
    returned: bool,
    general_comment: str,
    comments: Mapping[str, str],
) -> dict[str, Any]:
    return {
        "package_hash": package_hash,
        "revision": revision,
        "status": "returned" if returned else "received",
        "general_comment": general_comment,
        "comments": dict(comments),
    }


def parse_receipt(body: Mapping[str, Any]) -> Receipt:
    if set(body) != {"package_hash", "revision", "status", "general_comment", "comments"}:
        raise _bad("body")
    package_hash = body["package_hash"]
    if not isinstance(package_hash, str) or not re.fullmatch(r"[0-9a-f]{64}", package_hash):
        raise _bad("body.package_hash")
    revision = body["revision"]
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 0:
        raise _bad("body.revision")
    if body["status"] not in ("received", "returned"):
        raise _bad("body.status")
    comments = body["comments"]
    if not isinstance(comments, dict) or len(comments) > _MAX_ROWS:
        raise _bad("body.comments")
    return Receipt(
        package_hash=package_hash,
        revision=revision,
        returned=body["status"] == "returned",
        general_comment=_text(body["general_comment"], "body.general_comment", _MAX_TEXT),
        comments={
            str(code)[:32]: _text(text, "body.comments", _MAX_TEXT)
            for code, text in comments.items()
        },
    )

"""Reading a ``thidua.scoring/1`` document against its plan: :func:`parse_rules`.

Every field is checked — codes, labels, numbers within their limits, the
indicators, grades, periods and flags named — and the first bad one is named
in an :class:`InputError`; a bad document changes nothing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from app.core import domain
from app.core.errors import N_, InputError
from app.core.text import nfc
from app.plans.rules import (
    DEFAULT_BANDS,
    HUNDRED,
    SCORING_FORMAT,
    AwardRule,
    Band,
    FlagRule,
    GradeThreshold,
    GroupRule,
    IndicatorRule,
    Method,
    Rules,
    TieBreaker,
    UpperGrade,
    VetoCondition,
    VetoRule,
)
from db.enums import IndicatorKind

MAX_POINTS = Fraction(1000)
MAX_WEIGHT = Fraction(100)
MAX_CAP = Fraction(1000)
_CODE = re.compile(r"[\w.\-]{1,32}")


def _bad(field: str) -> InputError:
    return InputError(N_("The scoring rules are invalid: {field}."), params={"field": field})


def _fraction(
    value: Any,
    field: str,
    *,
    low: Fraction = Fraction(0),
    high: Fraction = MAX_POINTS,
) -> Fraction:
    """An exact number from an int, a decimal string or a float (taken as written)."""
    if isinstance(value, bool) or not isinstance(value, (int, str, float)):
        raise _bad(field)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise _bad(field) from exc
    if not number.is_finite():
        raise _bad(field)
    result = Fraction(number)
    if not low <= result <= high:
        raise _bad(field)
    return result


def _code(value: Any, field: str) -> str:
    if not isinstance(value, str) or not _CODE.fullmatch(nfc(value.strip())):
        raise _bad(field)
    return nfc(value.strip())


def _label(data: Mapping[str, Any], key: str, field: str, *, required: bool = True) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > 1000 or (required and not value.strip()):
        raise _bad(field)
    return nfc(value.strip())


def _list(data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _bad(key)
    return value


def _bands(value: Any, field: str) -> tuple[Band, ...]:
    if not isinstance(value, list) or not value or len(value) > 50:
        raise _bad(field)
    bands: list[Band] = []
    for item in value:
        if not isinstance(item, dict):
            raise _bad(field)
        bands.append(
            Band(
                start=_fraction(item.get("from"), f"{field}.from", high=MAX_CAP),
                share=_fraction(item.get("share"), f"{field}.share", high=HUNDRED),
            )
        )
    bands.sort(key=lambda b: b.start, reverse=True)
    if len({b.start for b in bands}) != len(bands):
        raise _bad(f"{field}.from")
    return tuple(bands)


def parse_rules(document: Mapping[str, Any], plan: domain.Plan) -> Rules:
    """Validate a ``thidua.scoring/1`` document against ``plan``.

    Raises :class:`InputError` naming the first bad field; nothing is
    changed by a bad document.
    """
    if not isinstance(document, Mapping) or document.get("format") != SCORING_FORMAT:
        raise InputError(N_("This is not a scoring rules document this version understands."))
    if document.get("plan") != plan.id:
        raise InputError(
            N_("These scoring rules are for plan {other}, not {plan_id}."),
            params={"other": str(document.get("plan")), "plan_id": plan.id},
        )
    periods = [p.code for p in plan.periods]
    period = document.get("period") or (periods[-1] if periods else "")
    if period not in periods:
        raise _bad("period")
    grade_codes = [g.code for g in plan.grade_levels]
    indicators = {i.code: i for i in plan.indicators}
    default_bands = (
        _bands(document["default_bands"], "default_bands")
        if document.get("default_bands") is not None
        else tuple(Band(Fraction(a), Fraction(b)) for a, b in DEFAULT_BANDS)
    )

    groups: list[GroupRule] = []
    seen_groups: set[str] = set()
    seen_indicators: set[str] = set()
    for item in _list(document, "groups"):
        code = _code(item.get("code"), "groups.code")
        if code in seen_groups:
            raise _bad(f"groups[{code}].code")
        seen_groups.add(code)
        where = f"groups[{code}]"
        rules: list[IndicatorRule] = []
        raw_indicators = item.get("indicators") or []
        if not isinstance(raw_indicators, list):
            raise _bad(f"{where}.indicators")
        for raw in raw_indicators:
            if not isinstance(raw, dict):
                raise _bad(f"{where}.indicators")
            rule = _indicator_rule(raw, where, indicators, grade_codes)
            if rule.code in seen_indicators:
                raise InputError(
                    N_("Indicator {code} is scored twice in the rules."),
                    params={"code": rule.code},
                )
            seen_indicators.add(rule.code)
            rules.append(rule)
        groups.append(
            GroupRule(
                code=code,
                title=_label(item, "title", f"{where}.title", required=False) or code,
                weight=_fraction(item.get("weight", 1), f"{where}.weight", high=MAX_WEIGHT),
                indicators=tuple(rules),
            )
        )
    if not seen_indicators:
        raise _bad("groups")

    flags: list[FlagRule] = []
    for item in _list(document, "flags"):
        code = _code(item.get("code"), "flags.code")
        if any(f.code == code for f in flags):
            raise _bad(f"flags[{code}].code")
        flags.append(FlagRule(code, _label(item, "label", f"flags[{code}].label")))
    flag_codes = {f.code for f in flags}

    vetoes: list[VetoRule] = []
    for item in _list(document, "vetoes"):
        code = _code(item.get("code"), "vetoes.code")
        where = f"vetoes[{code}]"
        if any(v.code == code for v in vetoes):
            raise _bad(f"{where}.code")
        try:
            when = VetoCondition(str(item.get("when")))
        except ValueError as exc:
            raise _bad(f"{where}.when") from exc
        flag = indicator = level = None
        if when is VetoCondition.FLAG:
            flag = item.get("flag")
            if flag not in flag_codes:
                raise _bad(f"{where}.flag")
        elif when is VetoCondition.GRADE:
            indicator = item.get("indicator")
            if indicator not in indicators or indicators[indicator].kind is not IndicatorKind.GRADE:
                raise _bad(f"{where}.indicator")
            level = item.get("at_or_below")
            if level not in grade_codes:
                raise _bad(f"{where}.at_or_below")
        max_grade = item.get("max_grade")
        if max_grade is not None and max_grade not in grade_codes:
            raise _bad(f"{where}.max_grade")
        no_award = item.get("no_award", True)
        if not isinstance(no_award, bool):
            raise _bad(f"{where}.no_award")
        if not no_award and max_grade is None:
            raise _bad(f"{where}.no_award")
        vetoes.append(
            VetoRule(
                code=code,
                label=_label(item, "label", f"{where}.label"),
                when=when,
                flag=flag,
                indicator=indicator,
                at_or_below=level,
                no_award=no_award,
                max_grade=max_grade,
            )
        )

    grades: list[GradeThreshold] = []
    for item in _list(document, "grades"):
        grade = item.get("grade")
        if grade not in grade_codes or any(g.grade == grade for g in grades):
            raise _bad("grades.grade")
        grades.append(
            GradeThreshold(grade, _fraction(item.get("min_score"), f"grades[{grade}].min_score"))
        )
    rank = {code: index for index, code in enumerate(grade_codes)}
    grades.sort(key=lambda g: rank[g.grade])
    for better, worse in itertools.pairwise(grades):
        if better.min_score <= worse.min_score:
            raise InputError(
                N_("Each grade must need a higher score than the next one ({grade})."),
                params={"grade": better.grade},
            )

    upper_grades = _upper_grades(document, len(grade_codes), set(grade_codes))

    awards: list[AwardRule] = []
    for item in _list(document, "awards"):
        code = _code(item.get("code"), "awards.code")
        where = f"awards[{code}]"
        if any(a.code == code for a in awards):
            raise _bad(f"{where}.code")
        min_grade = item.get("min_grade")
        if min_grade is not None and min_grade not in grade_codes:
            raise _bad(f"{where}.min_grade")
        max_rank = item.get("max_cluster_rank")
        if max_rank is not None and (
            isinstance(max_rank, bool) or not isinstance(max_rank, int) or not 1 <= max_rank <= 1000
        ):
            raise _bad(f"{where}.max_cluster_rank")
        min_score = item.get("min_score")
        awards.append(
            AwardRule(
                code=code,
                label=_label(item, "label", f"{where}.label"),
                min_score=(
                    _fraction(min_score, f"{where}.min_score") if min_score is not None else None
                ),
                min_grade=min_grade,
                max_cluster_rank=max_rank,
            )
        )

    breakers = document.get("tie_breakers", [t.value for t in TieBreaker])
    if not isinstance(breakers, list):
        raise _bad("tie_breakers")
    try:
        tie_breakers = tuple(TieBreaker(b) for b in breakers)
    except ValueError as exc:
        raise _bad("tie_breakers") from exc
    if len(set(tie_breakers)) != len(tie_breakers):
        raise _bad("tie_breakers")
    normalise = document.get("normalise", True)
    example = document.get("example", False)
    if not isinstance(normalise, bool):
        raise _bad("normalise")
    if not isinstance(example, bool):
        raise _bad("example")
    return Rules(
        plan_id=plan.id,
        period=period,
        example=example,
        note=_label(document, "note", "note", required=False),
        normalise=normalise,
        default_bands=default_bands,
        groups=tuple(groups),
        flags=tuple(flags),
        vetoes=tuple(vetoes),
        grades=tuple(grades),
        awards=tuple(awards),
        tie_breakers=tie_breakers,
        upper_grades=upper_grades,
    )


def _upper_grades(
    document: Mapping[str, Any], levels: int, plan_codes: set[str]
) -> tuple[UpperGrade, ...]:
    """The upper-level unions' scale: as many levels as the plan's, best first."""
    items = _list(document, "upper_grades")
    if not items:
        return ()
    if len(items) != levels:
        raise InputError(
            N_("The upper-level unions' scale needs {count} levels, as the plan's grades."),
            params={"count": levels},
        )
    grades: list[UpperGrade] = []
    for item in items:
        code = _code(item.get("grade"), "upper_grades.grade")
        if code in plan_codes or any(g.grade == code for g in grades):
            raise _bad("upper_grades.grade")
        where = f"upper_grades[{code}]"
        grades.append(
            UpperGrade(
                code,
                _label(item, "label", f"{where}.label"),
                _fraction(item.get("min_score"), f"{where}.min_score"),
            )
        )
    for better, worse in itertools.pairwise(grades):
        if better.min_score <= worse.min_score:
            raise InputError(
                N_("Each grade must need a higher score than the next one ({grade})."),
                params={"grade": better.grade},
            )
    return tuple(grades)


def _indicator_rule(
    raw: Mapping[str, Any],
    where: str,
    indicators: Mapping[str, domain.Indicator],
    grade_codes: list[str],
) -> IndicatorRule:
    code = str(raw.get("code"))
    if code not in indicators:
        raise InputError(
            N_("The scoring rules name indicator {code}, which is not in the plan."),
            params={"code": str(code)},
        )
    indicator = indicators[code]
    field = f"{where}.indicators[{code}]"
    natural = {
        IndicatorKind.GRADE: Method.GRADE,
        IndicatorKind.TEXT: Method.REPORTED,
    }.get(indicator.kind, Method.ATTAINMENT)
    try:
        method = Method(raw.get("method", natural.value))
    except ValueError as exc:
        raise _bad(f"{field}.method") from exc
    allowed = {
        IndicatorKind.GRADE: (Method.GRADE, Method.REPORTED),
        IndicatorKind.TEXT: (Method.REPORTED,),
    }.get(indicator.kind, (Method.ATTAINMENT, Method.REPORTED))
    if method not in allowed:
        raise _bad(f"{field}.method")
    bands: tuple[Band, ...] = ()
    if raw.get("bands") is not None:
        bands = _bands(raw["bands"], f"{field}.bands")
    cap = _fraction(raw.get("cap", 100), f"{field}.cap", low=HUNDRED, high=MAX_CAP)
    bonus = _fraction(raw.get("bonus_per_percent", 0), f"{field}.bonus_per_percent")
    shares: tuple[tuple[str, Fraction], ...] = ()
    if method is Method.GRADE:
        raw_shares = raw.get("grade_shares")
        if not isinstance(raw_shares, dict) or set(raw_shares) - set(grade_codes):
            raise _bad(f"{field}.grade_shares")
        shares = tuple(
            (
                grade,
                _fraction(raw_shares.get(grade, 0), f"{field}.grade_shares", high=HUNDRED),
            )
            for grade in grade_codes
        )
    return IndicatorRule(
        code=code,
        points=_fraction(raw.get("points"), f"{field}.points"),
        method=method,
        bands=bands,
        cap=cap,
        bonus_per_percent=bonus,
        grade_shares=shares,
    )

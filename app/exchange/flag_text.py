"""Flags on suspicious values in words: the check's name and the figures that raised
it, one definition for the screen and the command line."""

from __future__ import annotations

from decimal import Decimal

from app.core import domain
from app.core.errors import N_
from app.core.figure_display import value_text_of
from app.core.format import format_number
from app.core.i18n import Translate
from app.core.i18n import gettext as _
from app.exchange.flags import FlagInfo
from app.plans import CheckKind
from db.enums import IndicatorKind

CHECK_LABELS = {
    CheckKind.ABOVE_REGISTRATION: N_("Far above the registration"),
    CheckKind.BELOW_REGISTRATION: N_("Far below the registration"),
    CheckKind.MEMBERS_OVER_WORKERS: N_("More members than workers"),
    CheckKind.PER_WORKER: N_("Too large for the unit's size"),
    CheckKind.YEAR_JUMP: N_("A big jump from last year"),
}


def check_label(kind: CheckKind, tr: Translate = _) -> str:
    return tr(CHECK_LABELS[kind])


def flag_values_text(flag: FlagInfo, tr: Translate = _) -> str:
    """The figures that raised the flag, e.g. "1.250 > 3 × đăng ký 300"."""
    values = flag.values
    kind = flag.indicator_kind or IndicatorKind.COUNT

    def amount(name: str) -> str:
        number = values.get(name)
        if not isinstance(number, int):
            return "?"
        return value_text_of(kind, (), domain.UnitValue(amount=number), tr)

    def people(name: str) -> str:
        number = values.get(name)
        if not isinstance(number, int):
            return "?"
        return value_text_of(IndicatorKind.COUNT, (), domain.UnitValue(amount=number), tr)

    def factor(name: str) -> str:
        number = values.get(name)
        return "?" if number is None else format_number(Decimal(str(number)))

    if flag.kind is CheckKind.ABOVE_REGISTRATION:
        text = N_("{value}: more than {factor} × the registration ({reference})")
    elif flag.kind is CheckKind.BELOW_REGISTRATION:
        text = N_("{value}: less than 1/{factor} of the registration ({reference})")
    elif flag.kind is CheckKind.MEMBERS_OVER_WORKERS:
        text = N_("{members} members, {workers} workers")
    elif flag.kind is CheckKind.PER_WORKER:
        text = N_("{value} for {workers} workers (at most {limit} per worker)")
    else:
        text = N_("{value} against {reference} last year (more than {factor} times apart)")
    return tr(text).format(
        value=amount("value"),
        reference=amount("reference"),
        factor=factor("factor"),
        limit=factor("limit"),
        members=people("members"),
        workers=people("workers"),
    )


__all__ = ["CHECK_LABELS", "check_label", "flag_values_text"]

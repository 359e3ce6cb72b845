"""What every printed form shares: who signs, whom it is sent to, the plan it
answers, and the indicator table grouped as the plan groups its targets.

Each form (registration_form, results_report, covenant, province_summary,
plan_form) is a reportlab story built from frozen values only: no database
there, :mod:`app.printing.documents` reads the values and calls them.
Wording is Vietnamese and literal: printed forms are always Vietnamese,
whatever the interface language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from reportlab.platypus import Flowable

from app.core import domain, figures
from app.core.days import short_date
from app.core.format import cluster_label
from app.core.i18n import vietnamese
from app.printing.furniture import body
from app.printing.sources import StatementDoc, UnitInfo
from app.printing.typesetting import vn_upper
from db.enums import UnitKind


def authority_for(kind: UnitKind) -> str:
    """Who signs "on behalf of": a federation's standing committee, else the executive."""
    return "TM. BAN THƯỜNG VỤ" if kind is UnitKind.FEDERATION else "TM. BAN CHẤP HÀNH"


#: The issuer's part of a document's ký hiệu, by the level of the union that issues it.
ISSUER_SIGNS = {
    UnitKind.FEDERATION: "LĐLĐ",
    UnitKind.UPPER: "CĐCT",
    UnitKind.GRASSROOTS: "CĐCS",
}


def document_number(kind_sign: str, issuer: UnitKind) -> str:
    """ "Số" of a document as Nghị định 30/2020 composes it (Phụ lục I, mục II.3): the
    number left to write by hand, the kind of document and its issuer, joined by a
    hyphen ("…/ĐKTĐ-CĐCS")."""
    return f"…/{kind_sign}-{ISSUER_SIGNS[issuer]}"


def signer_title(statement: StatementDoc | None) -> str:
    title = (statement.signer_title if statement else "").strip()
    return vn_upper(title) if title else "CHỦ TỊCH"


#: What a statement staff entered on a unit's behalf was entered from, as forms say it.
ENTERED_FROM = {"paper": "bản giấy", "excel": "tệp Excel"}


def entry_note(statement: StatementDoc | None, federation_name: str) -> list[Flowable]:
    """The line a form carries above its signature when staff entered its figures on
    the unit's behalf (the unit signed nothing); none for a statement the unit sent."""
    if statement is None or not statement.entered_from:
        return []
    source = ENTERED_FROM.get(statement.entered_from, statement.entered_from)
    return [
        body(
            f"Số liệu do {federation_name} nhập hộ từ {source} của đơn vị; "
            "đây không phải bản đơn vị ký gửi qua phần mềm."
        )
    ]


def plan_reference(plan: domain.Plan, issuer: str = "") -> str:
    """``Kế hoạch số …/KH-LĐLĐ ngày 07/02/2017 của Ban Thường vụ LĐLĐ tỉnh Tuyên Quang``."""
    number = f" số {plan.number}" if plan.number else ""
    day = f" ngày {short_date(plan.issued_on)}" if plan.issued_on else ""
    return f"Kế hoạch{number}{day}" + (f" của {issuer}" if issuer else "")


def addressees(unit: UnitInfo) -> list[str]:
    items = [f"Ban Thường vụ {unit.federation_name};"]
    if unit.parent_name and unit.parent_name != unit.federation_name:
        items.append(f"Ban Thường vụ {unit.parent_name};")
    if unit.cluster_name:
        items.append(f"{cluster_label(unit.cluster_name)}.")
    items[-1] = items[-1].rstrip(";.") + "."
    return items


def unit_recipients() -> list[tuple[str, str]]:
    return [("Như Kính gửi;", ""), ("Lưu: VT, BCH.", "")]


def applicable_indicators(
    plan: domain.Plan, units: Iterable[UnitInfo], values: Iterable[dict[str, domain.UnitValue]]
) -> list[domain.Indicator]:
    """Indicators any of ``units`` reports, plus any that carry a value, in plan order."""
    unit_list = list(units)
    with_values = {code for v in values for code, value in v.items() if not value.is_empty()}
    return [
        i
        for i in plan.indicators
        if i.code in with_values or any(i.applies_to(u.kind, u.sector) for u in unit_list)
    ]


def grouped(
    plan: domain.Plan,
    indicators: Sequence[domain.Indicator],
    row: Callable[[domain.Indicator], list[list[str]]],
    columns: int,
) -> tuple[list[list[str]], list[int]]:
    """Table rows in the plan's grouping, with group heading rows where they help.

    A group gets a heading row when it has sub-groups ("9" over "9a"…) or
    more than one indicator in the table; a group with a single indicator
    of the same code is that indicator's row. Returns (rows, group indexes).
    """
    groups = {g.code: g for g in plan.groups}
    has_children = {g.parent_code for g in plan.groups if g.parent_code}
    per_group: dict[str, int] = {}
    for indicator in indicators:
        per_group[indicator.group_code] = per_group.get(indicator.group_code, 0) + 1
    rows: list[list[str]] = []
    group_rows: list[int] = []
    shown: set[str] = set()

    def heading(code: str) -> None:
        group = groups.get(code)
        if group is None or code in shown:
            return
        if group.parent_code:
            heading(group.parent_code)
        shown.add(code)
        single = per_group.get(code, 0) == 1 and any(
            i.code == code for i in indicators if i.group_code == code
        )
        if code in has_children or (per_group.get(code, 0) > 1) or not single:
            group_rows.append(len(rows))
            rows.append([code, group.text] + [""] * (columns - 2))

    for indicator in indicators:
        heading(indicator.group_code)
        rows.extend(row(indicator))
    return rows, group_rows


def measure(indicator: domain.Indicator) -> str:
    """The unit of measure of one unit's value (:func:`app.core.figures.measure_text`)."""
    return figures.measure_text(indicator, vietnamese)


def indicator_heading(indicator: domain.Indicator) -> str:
    """The indicator's title, with the goal each unit must reach set smaller beneath it."""
    goal = figures.unit_goal_text(indicator, vietnamese)
    return f"{indicator.title}\x1f{goal}" if goal else indicator.title

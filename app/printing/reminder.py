"""The reminder letter (công văn đôn đốc): from the federation to an upper-level union
about the units of its area that have not sent a report (listed in a table), or to
one unit about its own report.

A letter after Nghị định 30/2020, Phụ lục I: no title, its trích yếu ("V/v đôn đốc
gửi …") under its number, "Kính gửi", the body citing the plan and the deadline,
ending "./.", signed on behalf of the federation's standing committee, "Nơi nhận".
The values come from :mod:`app.rollup.reminders`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.platypus import Flowable

from app.core import domain
from app.core.days import short_date
from app.core.text import lower_first
from app.printing.form_parts import authority_for, plan_reference
from app.printing.furniture import addressee_block, body, header_block, signature_block
from app.printing.tables import Column, data_table
from app.printing.values import DASH
from app.rollup import LateUnit, ReminderLetter, Reminders, not_overdue_words
from db.enums import REGISTRATION_STREAM, UnitKind

#: Số và ký hiệu: numbered by the clerk; drafted by the policy and legal department.
NUMBER = "…/LĐLĐ-CSPL"


@dataclass(frozen=True)
class ReminderForm:
    """One letter with what it says around its units."""

    reminders: Reminders
    federation_name: str
    letter: ReminderLetter
    #: The last day asked for.
    reply_by: dt.date


def report_name(plan: domain.Plan, stream: str) -> str:
    """``báo cáo kết quả thi đua 6 tháng đầu năm 2017``, ``bản đăng ký thi đua năm 2017``."""
    if stream == REGISTRATION_STREAM:
        return f"bản đăng ký thi đua năm {plan.year}"
    period = next((p for p in plan.periods if p.code == stream), None)
    return f"báo cáo kết quả thi đua {lower_first(period.name)}" if period else f"báo cáo {stream}"


def board(unit_kind: UnitKind, name: str) -> str:
    """Whom a letter to a union is addressed to: an upper level's standing committee,
    a grassroots union's executive committee."""
    return f"Ban Chấp hành {name}" if unit_kind is UnitKind.GRASSROOTS else f"Ban Thường vụ {name}"


def overdue_text(unit: LateUnit) -> str:
    """``5 ngày`` past the unit's last day, else ``Chưa đến hạn`` / ``Chưa đặt hạn``."""
    return f"{unit.days_late} ngày" if unit.days_late > 0 else not_overdue_words(unit)


def _due_text(unit: LateUnit) -> str:
    if unit.due_on is None:
        return DASH
    return short_date(unit.due_on) + (" (gia hạn)" if unit.extended else "")


def _units_table(units: tuple[LateUnit, ...]) -> Flowable:
    rows = [
        [str(n), u.unit.code, u.unit.name, _due_text(u), overdue_text(u)]
        for n, u in enumerate(units, start=1)
    ]
    return data_table(
        [
            Column("STT", 1, "center"),
            Column("Mã đơn vị", 2.2, "center"),
            Column("Tên đơn vị", 6),
            Column("Hạn gửi", 2.8, "center"),
            Column("Số ngày quá hạn", 2.4, "center"),
        ],
        rows,
    )


def _about_unit(unit: LateUnit) -> str:
    """What the letter to one unit says of its own report's deadline."""
    if unit.due_on is None:
        return ""
    extended = ", đã được gia hạn" if unit.extended else ""
    if unit.days_late > 0:
        return (
            f", đã quá hạn {unit.days_late} ngày (hạn gửi ngày {short_date(unit.due_on)}{extended})"
        )
    return f" (hạn gửi ngày {short_date(unit.due_on)}{extended})"


def reminder_story(form: ReminderForm) -> list[Flowable]:
    """One công văn đôn đốc: header with V/v, Kính gửi, body, units, signature."""
    found, letter, fed = form.reminders, form.letter, form.federation_name
    plan = found.plan
    report = report_name(plan, found.stream)
    recipient = letter.recipient
    addressed = board(recipient.kind, recipient.name)
    deadline = f" chậm nhất ngày {short_date(found.due_on)}" if found.due_on else ""
    story: list[Flowable] = [
        header_block(
            parent=plan.parent_issuer,
            issuer=fed,
            number=NUMBER,
            place=plan.place,
            date=found.as_of,
            year=plan.year,
            subject=f"V/v đôn đốc gửi {report}",
        ),
        addressee_block([addressed]),
        body(
            f"Thực hiện {plan_reference(plan, 'Ban Thường vụ ' + fed)} về việc "
            f"{lower_first(plan.title)}, các đơn vị gửi {report} về {fed}{deadline}."
        ),
    ]
    send_by = f"gửi {report} về {fed} chậm nhất ngày {short_date(form.reply_by)}./."
    as_of = short_date(found.as_of)
    if letter.for_area:
        itself = " và báo cáo của chính đơn vị" if letter.own is not None else ""
        story += [
            body(
                f"Đến hết ngày {as_of}, {fed} chưa nhận được {report} của "
                f"{len(letter.units)} đơn vị thuộc {recipient.name}{itself}, cụ thể như sau:"
            ),
            _units_table(letter.reminded),
            body(
                f"Ban Thường vụ {fed} đề nghị {addressed} đôn đốc các đơn vị trên "
                f"khẩn trương hoàn thành, {send_by}"
            ),
        ]
    else:
        (unit,) = letter.units
        story += [
            body(
                f"Đến hết ngày {as_of}, {fed} chưa nhận được {report} của "
                f"{recipient.name} (mã đơn vị {recipient.code}){_about_unit(unit)}."
            ),
            body(f"Ban Thường vụ {fed} đề nghị {addressed} khẩn trương hoàn thành, {send_by}"),
        ]
    recipients = [("Như Kính gửi;", "")]
    if letter.upper is not None:
        recipients.append((f"{board(UnitKind.UPPER, letter.upper.name)} (để đôn đốc);", ""))
    recipients += [("TT LĐLĐ tỉnh;", ""), ("Lưu: VT, CS-PL.", "")]
    story.append(
        signature_block(
            authority=authority_for(UnitKind.FEDERATION),
            title=plan.signer_title or "CHỦ TỊCH",
            signer_name=plan.signer_name,
            recipients=recipients,
        )
    )
    return story


__all__ = ["ReminderForm", "board", "overdue_text", "reminder_story", "report_name"]

"""The registration form: ``BẢN ĐĂNG KÝ THI ĐUA NĂM …`` of one unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.platypus import Flowable, Spacer

from app.core import domain
from app.core.text import lower_first
from app.printing.form_parts import (
    addressees,
    applicable_indicators,
    authority_for,
    document_number,
    entry_note,
    grouped,
    indicator_heading,
    measure,
    plan_reference,
    signer_title,
    unit_recipients,
)
from app.printing.furniture import (
    addressee_block,
    body,
    body_plain,
    header_block,
    keep_with_next,
    section_heading,
    signature_block,
    title_block,
)
from app.printing.sources import StatementDoc, UnitInfo, Verification
from app.printing.tables import Column, data_table
from app.printing.values import format_unit_value, unit_target_text
from app.printing.verification_box import verification_box


def _numbered(items: Sequence[str]) -> list[list[str]]:
    return [[str(n), item] for n, item in enumerate(items, start=1)]


@dataclass(frozen=True)
class RegistrationForm:
    plan: domain.Plan
    unit: UnitInfo
    statement: StatementDoc | None
    verification: Verification


def registration_story(form: RegistrationForm) -> list[Flowable]:
    """``BẢN ĐĂNG KÝ THI ĐUA NĂM …`` of one unit."""
    plan, unit, statement = form.plan, form.unit, form.statement
    values = statement.values if statement else {}
    story: list[Flowable] = [
        header_block(
            parent=unit.parent_name,
            issuer=unit.name,
            number=document_number("ĐKTĐ", unit.kind),
            place=(statement.place if statement and statement.place else plan.place),
            date=statement.signed_on if statement else None,
            year=plan.year,
        ),
        *title_block(
            f"BẢN ĐĂNG KÝ THI ĐUA NĂM {plan.year}",
            f"Thực hiện {plan_reference(plan)}",
        ),
        addressee_block(addressees(unit)),
        body(
            f"Căn cứ {plan_reference(plan, 'Ban Thường vụ ' + unit.federation_name)} "
            f"về việc {lower_first(plan.title)}; "
            f"Ban Chấp hành {unit.name} đăng ký thi đua năm {plan.year} như sau:"
        ),
    ]

    # I. Movements
    movements = {m.code: m for m in plan.movements if m.offered_to(unit.sector)}
    joined = [
        movements[c].name for c in (statement.movement_codes if statement else ()) if c in movements
    ]
    story += keep_with_next(section_heading("I. ĐĂNG KÝ THAM GIA CÁC PHONG TRÀO THI ĐUA"))
    if joined:
        story.append(
            data_table(
                [Column("STT", 1, "center"), Column("Tên phong trào", 12)], _numbered(joined)
            )
        )
    else:
        story.append(body("Chưa đăng ký phong trào thi đua."))

    # II. Indicators
    indicators = applicable_indicators(plan, [unit], [values])

    def row(indicator: domain.Indicator) -> list[list[str]]:
        value = values.get(indicator.code)
        return [
            [
                indicator.code,
                indicator_heading(indicator),
                measure(indicator),
                unit_target_text(indicator, unit),
                format_unit_value(plan, indicator, value),
                value.note if value else "",
            ]
        ]

    rows, groups = grouped(plan, indicators, row, 6)
    story += keep_with_next(section_heading("II. ĐĂNG KÝ CÁC CHỈ TIÊU THI ĐUA"))
    story.append(Spacer(1, 2))
    story.append(
        data_table(
            [
                Column("STT", 1.3, "center"),
                Column("Nội dung chỉ tiêu", 6),
                Column("Đơn vị tính", 1.9, "center"),
                Column("Chỉ tiêu giao", 3.2),
                Column("Đăng ký", 2.8, "right"),
                Column("Ghi chú", 2),
            ],
            rows,
            group_rows=groups,
        )
    )

    # III. Titles and commendations
    titles = statement.titles if statement else ()
    collective = [t.title for t in titles if t.collective]
    people = [t for t in titles if not t.collective]
    story += keep_with_next(
        section_heading("III. ĐĂNG KÝ DANH HIỆU THI ĐUA VÀ HÌNH THỨC KHEN THƯỞNG")
    )
    story.append(body_plain("1. Tập thể:"))
    if collective:
        story.append(
            data_table(
                [Column("STT", 1, "center"), Column("Danh hiệu, hình thức khen thưởng", 12)],
                _numbered(collective),
            )
        )
    else:
        story.append(body("Không đăng ký."))
    story.append(Spacer(1, 4))
    story.append(body_plain("2. Cá nhân:"))
    if people:
        story.append(
            data_table(
                [
                    Column("STT", 1, "center"),
                    Column("Họ và tên", 4),
                    Column("Chức vụ", 3.5),
                    Column("Danh hiệu, hình thức khen thưởng", 5),
                ],
                [[str(n), t.person_name, t.position, t.title] for n, t in enumerate(people, 1)],
            )
        )
    else:
        story.append(body("Không đăng ký."))

    # IV. Works and products: kept on the page of the signature, so the signature
    # never stands apart from the form's last table
    works = statement.works if statement else ()
    last: list[Flowable] = [
        section_heading("IV. CÔNG TRÌNH, SẢN PHẨM, VIỆC LÀM THIẾT THỰC CHÀO MỪNG")
    ]
    if works:
        last.append(
            data_table(
                [
                    Column("STT", 1, "center"),
                    Column("Tên công trình, sản phẩm, việc làm", 8),
                    Column("Chào mừng", 4),
                ],
                [[str(n), name, occasion] for n, (name, occasion) in enumerate(works, 1)],
            )
        )
    else:
        last.append(body("Không đăng ký."))
    if statement and statement.notes:
        last.append(body(statement.notes))
    closing = body(
        f"Ban Chấp hành {unit.name} quyết tâm phấn đấu hoàn thành và hoàn thành vượt mức "
        "các chỉ tiêu đã đăng ký./."
    )
    story.append(
        signature_block(
            authority=authority_for(unit.kind),
            title=signer_title(statement),
            signer_name=statement.signer_name if statement else "",
            recipients=unit_recipients(),
            before=[*last, Spacer(1, 4), closing, *entry_note(statement, unit.federation_name)],
            after=verification_box(form.verification),
        )
    )
    return story

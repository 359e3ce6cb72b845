"""The results report: ``BÁO CÁO`` of one unit for a period, its achieved values
against what it registered."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from app.core import domain, figures
from app.core.figures import Verdict
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
    header_block,
    keep_with_next,
    section_heading,
    signature_block,
    title_block,
)
from app.printing.sources import StatementDoc, UnitInfo
from app.printing.tables import Column, data_table
from app.printing.values import DASH, format_unit_value, verdict_word


@dataclass(frozen=True)
class ResultsReport:
    plan: domain.Plan
    unit: UnitInfo
    period: domain.Period
    registration: StatementDoc | None
    report: StatementDoc | None


def results_story(report: ResultsReport) -> list[Flowable]:
    """``BÁO CÁO`` of a period: registered, achieved, % of registered, verdict."""
    plan, unit, period = report.plan, report.unit, report.period
    registered = report.registration.values if report.registration else {}
    achieved = report.report.values if report.report else {}
    statement = report.report
    story: list[Flowable] = [
        header_block(
            parent=unit.parent_name,
            issuer=unit.name,
            number=document_number("BC", unit.kind),
            place=statement.place if statement and statement.place else plan.place,
            date=statement.signed_on if statement else None,
            year=plan.year,
        ),
        *title_block(
            "BÁO CÁO",
            f"Kết quả thực hiện đăng ký thi đua {lower_first(period.name)}",
        ),
        addressee_block(addressees(unit)),
        body(
            f"Thực hiện {plan_reference(plan, 'Ban Thường vụ ' + unit.federation_name)}, "
            f"Ban Chấp hành {unit.name} báo cáo kết quả thực hiện các chỉ tiêu đã đăng ký "
            f"thi đua {lower_first(period.name)} như sau:"
        ),
    ]
    indicators = applicable_indicators(plan, [unit], [registered, achieved])
    readings = {
        indicator.code: figures.read_unit_result(
            plan,
            indicator,
            registered.get(indicator.code),
            achieved.get(indicator.code),
            stream=period.code,
            unit_id=unit.id,
            kind=unit.kind,
            sector=unit.sector,
        )
        for indicator in indicators
    }
    final = period.code == plan.final_period
    judged = final or any(figures.is_verdict(r.verdict) for r in readings.values())
    counts = {Verdict.MET: 0, Verdict.NOT_MET: 0}

    def row(indicator: domain.Indicator) -> list[list[str]]:
        reading = readings[indicator.code]
        if reading.verdict in counts:
            counts[reading.verdict] += 1
        cells = [
            indicator.code,
            indicator_heading(indicator),
            measure(indicator),
            format_unit_value(plan, indicator, registered.get(indicator.code)) or DASH,
            format_unit_value(plan, indicator, achieved.get(indicator.code)) or DASH,
            figures.commitment_progress_text(indicator, reading) or DASH,
        ]
        if judged:
            cells.append(verdict_word(reading.verdict) or DASH)
        return [cells]

    columns = [
        Column("STT", 1.3, "center"),
        Column("Chỉ tiêu", 5.6 if judged else 7.5),
        Column("ĐVT", 1.8, "center"),
        Column("Đăng ký", 2.8, "right"),
        Column("Thực hiện", 2.8, "right"),
        Column("% so với đăng ký" if final else "% so với đăng ký cả năm", 1.9, "right"),
    ]
    if judged:
        columns.append(Column("Đánh giá", 1.9, "center"))
    rows, groups = grouped(plan, indicators, row, len(columns))
    story += keep_with_next(section_heading("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"))
    story.append(data_table(columns, rows, group_rows=groups, small=True))
    story.append(Spacer(1, 4))
    if final:
        story.append(
            body(
                f"Tổng hợp: {counts[Verdict.MET]} chỉ tiêu đạt, "
                f"{counts[Verdict.NOT_MET]} chỉ tiêu không đạt so với đăng ký."
            )
        )
    else:
        story.append(
            body(
                f"Số liệu {lower_first(period.name)} so với mức đăng ký cả năm; "
                "việc đánh giá đạt, không đạt thực hiện khi tổng kết năm."
                + (
                    f" Chỉ tiêu kế hoạch giao cho kỳ này: {counts[Verdict.MET]} đạt, "
                    f"{counts[Verdict.NOT_MET]} không đạt."
                    if judged
                    else ""
                )
            )
        )
    notes = [
        (i.code, achieved[i.code].note)
        for i in indicators
        if i.code in achieved and achieved[i.code].note
    ]
    numerals = iter(("II", "III", "IV", "V", "VI"))
    narrative = statement.narrative if statement else domain.Narrative()
    for heading, words in (
        ("ĐÁNH GIÁ CHUNG", narrative.assessment),
        ("TỒN TẠI, HẠN CHẾ", narrative.shortcomings),
        ("PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", narrative.direction),
    ):
        if words.strip():
            story += keep_with_next(section_heading(f"{next(numerals)}. {heading}"), room=25 * mm)
            story += [
                body(paragraph) for paragraph in words.strip().split("\n") if paragraph.strip()
            ]
    if notes or (statement and statement.notes):
        story += keep_with_next(
            section_heading(f"{next(numerals)}. GHI CHÚ, GIẢI TRÌNH"), room=25 * mm
        )
        for code, note in notes:
            story.append(body(f"- Chỉ tiêu {code}: {note}"))
        if statement and statement.notes:
            story.append(body(statement.notes))
    signed = statement or report.registration
    closing = body(
        f"Trên đây là báo cáo kết quả thực hiện đăng ký thi đua "
        f"{lower_first(period.name)} của Ban Chấp hành {unit.name}./."
    )
    story.append(
        signature_block(
            authority=authority_for(unit.kind),
            title=signer_title(signed),
            signer_name=signed.signer_name if signed else "",
            recipients=unit_recipients(),
            # the signature never sits alone on a page
            before=[Spacer(1, 4), closing, *entry_note(statement, unit.federation_name)],
        )
    )
    return story

"""The province summary: ``BÁO CÁO TỔNG HỢP`` of the figures against the plan's
targets, then how many units registered and reported, by area and by cluster."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from app.core import domain, figures
from app.core.format import format_number
from app.core.text import lower_first
from app.printing.form_parts import grouped, indicator_heading, plan_reference
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
from app.printing.tables import Column, data_table
from app.printing.typesetting import para, styles, vn_upper
from app.printing.values import DASH, format_figure, verdict
from app.rollup import TargetRollup
from db.enums import REGISTRATION_STREAM


@dataclass(frozen=True)
class CoverageRow:
    name: str
    units: int
    registered: int
    reported: dict[str, int]  # by period code


@dataclass(frozen=True)
class Summary:
    plan: domain.Plan
    federation_name: str
    rollups: list[TargetRollup]
    by_upper: list[CoverageRow]
    by_cluster: list[CoverageRow]
    printed_on: dt.date | None
    #: "Phạm vi: toàn tỉnh", or the area / cluster the summary covers.
    scope_text: str = "Phạm vi: toàn tỉnh"
    whole: bool = True


#: The parent body's presidium a province federation reports to, by its short name.
_PRESIDIUMS = {"TỔNG LĐLĐ VIỆT NAM": "Đoàn Chủ tịch Tổng Liên đoàn Lao động Việt Nam"}


def addressee(plan: domain.Plan) -> str:
    """Whom the summary is sent to ("Kính gửi"): the parent body's presidium."""
    parent = plan.parent_issuer.strip()
    return _PRESIDIUMS.get(vn_upper(parent), f"Ban Thường vụ {parent}" if parent else "")


def scope_phrase(scope_text: str) -> str:
    """The scope as the title says it: "toàn tỉnh", "Cụm 1", "… và các đơn vị trực thuộc"."""
    return "; ".join(
        part.split(": ", 1)[-1] if part.startswith(("Phạm vi: ", "Cụm thi đua: ")) else part
        for part in scope_text.split("; ")
    )


def summary_story(summary: Summary) -> list[Flowable]:
    """``BÁO CÁO TỔNG HỢP`` against the plan's targets, then coverage by group."""
    plan = summary.plan
    story: list[Flowable] = [
        header_block(
            parent=plan.parent_issuer,
            issuer=plan.issuer,
            number="…/BC-LĐLĐ",
            place=plan.place,
            date=summary.printed_on,
            year=plan.year,
        ),
        *title_block(
            "BÁO CÁO TỔNG HỢP",
            f"Kết quả đăng ký và thực hiện các chỉ tiêu thi đua năm {plan.year} "
            f"({scope_phrase(summary.scope_text)})",
        ),
        addressee_block([addressee(plan)]),
        body(
            f"Thực hiện {plan_reference(plan, 'Ban Thường vụ ' + summary.federation_name)} "
            f"về việc {lower_first(plan.title)}, trên cơ sở đăng ký và báo cáo "
            "của các đơn vị, kết quả tổng hợp như sau:"
        ),
    ]
    periods = list(plan.periods)
    by_indicator: dict[str, list[TargetRollup]] = {}
    for item in summary.rollups:
        by_indicator.setdefault(item.indicator.code, []).append(item)

    def row(indicator: domain.Indicator) -> list[list[str]]:
        result = []
        for index, item in enumerate(by_indicator.get(indicator.code, [])):
            target = figures.target_text(plan, indicator, item.target) if item.target else DASH
            judged = (
                item.figures.get(figures.judged_stream(plan, item.target))
                if item.target is not None
                else None
            )
            result.append(
                [
                    indicator.code if index == 0 else "",
                    indicator_heading(indicator) if index == 0 else "",
                    target,
                    format_figure(indicator, item.figures.get(REGISTRATION_STREAM)),
                    *(format_figure(indicator, item.figures.get(p.code)) for p in periods),
                    verdict(judged) if item.target else DASH,
                ]
            )
        return result

    columns = [
        Column("STT", 1.1, "center"),
        Column("Chỉ tiêu", 3.5),
        Column("Mục tiêu kế hoạch", 2.6),
        Column("Tổng đăng ký", 2.3, "right"),
        *(Column(f"Thực hiện {lower_first(p.name)}", 2.3, "right") for p in periods),
        Column("Đánh giá", 2.4, "center"),
    ]
    indicators = [i for i in plan.indicators if i.code in by_indicator]
    rows, groups = grouped(plan, indicators, row, len(columns))
    # Several targets of one indicator: its number and title span their rows.
    spans: list[tuple[int, int, int]] = []
    index = 0
    while index < len(rows):
        end = index
        while end + 1 < len(rows) and end + 1 not in groups and rows[end + 1][0] == "":
            end += 1
        if end > index and index not in groups:
            spans += [(0, index, end), (1, index, end)]
        index = end + 1
    story += keep_with_next(
        section_heading(
            f"I. KẾT QUẢ THEO CHỈ TIÊU CỦA KẾ HOẠCH ({vn_upper(scope_phrase(summary.scope_text))})"
        )
    )
    story.append(data_table(columns, rows, group_rows=groups, spans=spans, small=True))
    story.append(
        para(
            "Tỷ lệ tính trên tổng tử số/tổng mẫu số của các đơn vị; chỉ tiêu theo đơn vị tính "
            "trên số đơn vị thuộc đối tượng; đánh giá theo số liệu của kỳ mà chỉ tiêu đặt ra "
            f"({periods[-1].name.lower() if periods else ''} nếu kế hoạch không nói khác)"
            + (
                "; chỉ tiêu tổng số của tỉnh ở phạm vi này là phần đóng góp vào chỉ tiêu của tỉnh."
                if not summary.whole
                else "."
            ),
            styles().note,
        )
    )
    story += keep_with_next(section_heading("II. TÌNH HÌNH ĐĂNG KÝ, BÁO CÁO CỦA CÁC ĐƠN VỊ"))
    for heading, rows_in, label in (
        ("1. Theo công đoàn cấp trên trực tiếp cơ sở", summary.by_upper, "Đơn vị"),
        ("2. Theo cụm thi đua", summary.by_cluster, "Cụm thi đua"),
    ):
        story += keep_with_next(body_plain(heading), room=30 * mm)
        story.append(_coverage_table(rows_in, periods, label))
        story.append(Spacer(1, 6))
    story.append(
        signature_block(
            authority="TM. BAN THƯỜNG VỤ",
            title=plan.signer_title or "CHỦ TỊCH",
            signer_name=plan.signer_name,
            recipients=[
                ("Như Kính gửi;", ""),
                ("TT LĐLĐ tỉnh;", ""),
                ("Các Cụm thi đua;", ""),
                ("Lưu: VT, CS-PL.", ""),
            ],
        )
    )
    return story


def _coverage_table(rows: list[CoverageRow], periods: list[domain.Period], label: str) -> Table:
    def percent(part: int, whole: int) -> str:
        return figures.percent_text(figures.percent_of(part, whole))

    total = CoverageRow(
        "Tổng cộng",
        sum(r.units for r in rows),
        sum(r.registered for r in rows),
        {p.code: sum(r.reported.get(p.code, 0) for r in rows) for p in periods},
    )
    data = [
        [
            str(n) if n else "",
            r.name,
            format_number(r.units),
            format_number(r.registered),
            percent(r.registered, r.units),
            *(format_number(r.reported.get(p.code, 0)) for p in periods),
        ]
        for n, r in [*enumerate(rows, start=1), (0, total)]
    ]
    return data_table(
        [
            Column("STT", 1, "center"),
            Column(label, 5),
            Column("Số đơn vị", 1.6, "right"),
            Column("Đã đăng ký", 1.7, "right"),
            Column("Tỷ lệ đăng ký", 1.7, "right"),
            *(Column(f"Đã báo cáo {lower_first(p.name)}", 2, "right") for p in periods),
        ],
        data,
        small=True,
    )

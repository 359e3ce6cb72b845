"""The printed forms as reportlab stories, built from frozen values only.

No database here: :mod:`app.printing.documents` reads the values and calls
these. Wording is Vietnamese and literal: printed forms are always
Vietnamese, whatever the interface language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from app.core import domain, figures
from app.core.figures import Verdict
from app.printing.fonts import REGULAR
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
from app.printing.qr import QrCode
from app.printing.sources import StatementDoc, UnitInfo, Verification
from app.printing.tables import Column, data_table
from app.printing.typesetting import frame_width, markup, para, short_date, styles, text, vn_upper
from app.printing.values import (
    DASH,
    format_figure,
    format_unit_value,
    unit_target_text,
    verdict,
    verdict_word,
)
from app.rollup import TargetRollup
from db.enums import REGISTRATION_STREAM, UnitKind

#: Member units per covenant table (landscape A4): more go to further tables.
COVENANT_UNITS_PER_TABLE = 6


# --- shared pieces -------------------------------------------------------------------------


def authority_for(kind: UnitKind) -> str:
    """Who signs "on behalf of": a federation's standing committee, else the executive."""
    return "TM. BAN THƯỜNG VỤ" if kind is UnitKind.FEDERATION else "TM. BAN CHẤP HÀNH"


def signer_title(statement: StatementDoc | None) -> str:
    title = (statement.signer_title if statement else "").strip()
    return vn_upper(title) if title else "CHỦ TỊCH"


def plan_reference(plan: domain.Plan, issuer: str = "") -> str:
    """``Kế hoạch số …/KH-LĐLĐ ngày 07/02/2017 của Ban Thường vụ LĐLĐ tỉnh Tuyên Quang``."""
    number = f" số {plan.number}" if plan.number else ""
    day = f" ngày {short_date(plan.issued_on)}" if plan.issued_on else ""
    return f"Kế hoạch{number}{day}" + (f" của {issuer}" if issuer else "")


def cluster_label(name: str) -> str:
    return name if name.casefold().startswith("cụm") else f"Cụm thi đua {name}"


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
    from app.core.i18n import vietnamese

    return figures.measure_text(indicator, vietnamese)


def _numbered(items: Sequence[str]) -> list[list[str]]:
    return [[str(n), item] for n, item in enumerate(items, start=1)]


# --- verification box ------------------------------------------------------------------------


def _grouped_hex(value: str) -> str:
    return " ".join(value[i : i + 8] for i in range(0, len(value), 8))


def verification_box(check: Verification, *, kind: str = "đăng ký") -> list[Flowable]:
    """Key fingerprint and package hash as text and QR, to match paper and package."""
    s = styles()
    lines = [
        markup("<b>XÁC THỰC GÓI DỮ LIỆU ĐIỆN TỬ</b>", s.note),
        para(f"Mã đơn vị: {check.unit_code or DASH}", s.note),
        para(
            f"Dấu vân tay khóa của đơn vị: {check.fingerprint or 'Chưa tạo khóa'}",
            s.note,
        ),
    ]
    if check.package_hash:
        lines += [
            para(f"Gói {kind} đã xuất: lần thứ {check.revision}", s.note),
            para(f"Mã gói (SHA-256): {_grouped_hex(check.package_hash)}", s.note),
        ]
    else:
        lines.append(para(f"Gói {kind}: Chưa xuất gói", s.note))
    lines.append(
        para(
            "Cán bộ tiếp nhận đối chiếu dấu vân tay và mã gói trên bản giấy có dấu "
            "với gói dữ liệu nhận được.",
            s.note,
        )
    )
    qr_size = 30 * mm
    width = frame_width()
    table = Table(
        [[lines, QrCode(check.payload(), qr_size)]],
        colWidths=[width - qr_size - 6 * mm, qr_size + 6 * mm],
        hAlign="LEFT",
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        ),
    )
    return [Spacer(1, 6 * mm), table]


# --- (a) registration form ----------------------------------------------------------------------


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
            number="…/ĐKTĐ",
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
            f"về việc {plan.title[:1].lower()}{plan.title[1:]}; "
            f"Ban Chấp hành {unit.name} đăng ký thi đua năm {plan.year} như sau:"
        ),
    ]

    # I. Movements
    movements = {m.code: m for m in plan.movements}
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
                indicator.title,
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

    # IV. Works and products
    works = statement.works if statement else ()
    story += keep_with_next(
        section_heading("IV. CÔNG TRÌNH, SẢN PHẨM, VIỆC LÀM THIẾT THỰC CHÀO MỪNG")
    )
    if works:
        story.append(
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
        story.append(body("Không đăng ký."))
    if statement and statement.notes:
        story.append(body(statement.notes))
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
            before=[Spacer(1, 4), closing],
            after=verification_box(form.verification),
        )
    )
    return story


# --- (b) results report ------------------------------------------------------------


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
            number="…/BC-CĐ",
            place=statement.place if statement and statement.place else plan.place,
            date=statement.signed_on if statement else None,
            year=plan.year,
        ),
        *title_block(
            "BÁO CÁO",
            f"Kết quả thực hiện đăng ký thi đua {period.name[:1].lower()}{period.name[1:]}",
        ),
        addressee_block(addressees(unit)),
        body(
            f"Thực hiện {plan_reference(plan, 'Ban Thường vụ ' + unit.federation_name)}, "
            f"Ban Chấp hành {unit.name} báo cáo kết quả thực hiện các chỉ tiêu đã đăng ký "
            f"thi đua {period.name[:1].lower()}{period.name[1:]} như sau:"
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
            indicator.title,
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
                f"Số liệu {period.name[:1].lower()}{period.name[1:]} so với mức đăng ký cả năm; "
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
        f"{period.name[:1].lower()}{period.name[1:]} của Ban Chấp hành {unit.name}./."
    )
    story.append(
        signature_block(
            authority=authority_for(unit.kind),
            title=signer_title(signed),
            signer_name=signed.signer_name if signed else "",
            recipients=unit_recipients(),
            before=[Spacer(1, 4), closing],  # the signature never sits alone on a page
        )
    )
    return story


# --- (c) cluster covenant ------------------------------------------------------------------------


@dataclass(frozen=True)
class Covenant:
    plan: domain.Plan
    cluster: domain.Cluster
    federation_name: str
    members: list[UnitInfo]
    registrations: dict[str, StatementDoc]


def covenant_story(covenant: Covenant) -> list[Flowable]:
    """``GIAO ƯỚC THI ĐUA`` of a cluster: one column per member, then the signatures."""
    plan, cluster = covenant.plan, covenant.cluster
    label = cluster_label(cluster.name)
    leader = next((u for u in covenant.members if u.id == cluster.leader_unit_id), None)
    story: list[Flowable] = [
        header_block(
            parent=covenant.federation_name,
            issuer=label,
            number="…/GƯTĐ",
            place=plan.place,
            date=None,
            year=plan.year,
            wide=True,
        ),
        *title_block(f"GIAO ƯỚC THI ĐUA NĂM {plan.year}", label),
        body(
            f"Căn cứ {plan_reference(plan, 'Ban Thường vụ ' + covenant.federation_name)} "
            f"về việc {plan.title[:1].lower()}{plan.title[1:]}; các đơn vị thành viên "
            f"{label}{f' (Cụm trưởng: {leader.name})' if leader else ''} thống nhất "
            f"ký kết giao ước thi đua năm {plan.year} với các chỉ tiêu đăng ký của từng "
            "đơn vị như sau:"
        ),
    ]
    members = covenant.members
    values = {
        u.id: covenant.registrations[u.id].values for u in members if u.id in covenant.registrations
    }
    chunks = [
        members[i : i + COVENANT_UNITS_PER_TABLE]
        for i in range(0, len(members), COVENANT_UNITS_PER_TABLE)
    ] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        if len(chunks) > 1:
            first = (number - 1) * COVENANT_UNITS_PER_TABLE + 1
            story += keep_with_next(
                section_heading(
                    f"Bảng {number}/{len(chunks)}: đơn vị thứ {first} đến {first + len(chunk) - 1}"
                ),
                room=60 * mm,
            )
        elif number == 1:
            story.append(Spacer(1, 2))

        def row(indicator: domain.Indicator, chunk: list[UnitInfo] = chunk) -> list[list[str]]:
            return [
                [indicator.code, indicator.title, measure(indicator)]
                + [
                    format_unit_value(plan, indicator, values.get(u.id, {}).get(indicator.code))
                    or (DASH if not indicator.applies_to(u.kind, u.sector) else "")
                    for u in chunk
                ]
            ]

        indicators = applicable_indicators(plan, chunk, (values.get(u.id, {}) for u in chunk))
        rows, groups = grouped(plan, indicators, row, 3 + len(chunk))
        columns = [
            Column("STT", 1.1, "center"),
            Column("Chỉ tiêu", 6.5 if chunk else 12),
            Column("ĐVT", 1.7, "center"),
        ] + [Column(u.name, 2.5, "right") for u in chunk]
        story.append(data_table(columns, rows, group_rows=groups, wide=True, small=True))
        story.append(Spacer(1, 6))
    story.append(
        body(
            "Các đơn vị thành viên cam kết tổ chức thực hiện đạt và vượt các chỉ tiêu đã "
            "giao ước; định kỳ 6 tháng, năm báo cáo kết quả về Cụm trưởng để tổng hợp, "
            f"báo cáo Ban Thường vụ {covenant.federation_name}./."
        )
    )
    story.append(_signature_grid(covenant))
    return story


def _signature_grid(covenant: Covenant, per_row: int = 3) -> Flowable:
    """Each member's name, "CHỦ TỊCH", room to sign and stamp, the chair's name.

    One table row per line, so names and titles line up across a row of
    members, and a row of members is never split across pages.
    """
    s = styles()
    width = frame_width(wide=True)
    members = covenant.members
    rows: list[list[object]] = []
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    for start in range(0, len(members), per_row):
        chunk = members[start : start + per_row]
        pad: list[object] = [""] * (per_row - len(chunk))
        statements = [covenant.registrations.get(u.id) for u in chunk]
        first = len(rows)
        leader_note = markup(f"<i>{text('(Cụm trưởng)')}</i>", s.cell_center)
        heads: list[object] = [
            [para(vn_upper(u.name), s.sign_authority)]
            + ([leader_note] if u.id == covenant.cluster.leader_unit_id else [])
            for u in chunk
        ]
        rows.append(heads + pad)
        rows.append([para(signer_title(st), s.sign_authority) for st in statements] + pad)
        rows.append([""] * per_row)
        names = [st.signer_name if st else "" for st in statements]
        rows.append([para(name, s.sign_name) if name else "" for name in names] + pad)
        commands += [
            ("NOSPLIT", (0, first), (-1, first + 3)),
            ("TOPPADDING", (0, first), (-1, first), 16),
        ]
    if not rows:
        return Spacer(1, 1)
    heights: list[float | None] = [None, None, 22 * mm, None] * (len(rows) // 4)
    grid = Table(
        rows,
        colWidths=[width / per_row] * per_row,
        rowHeights=heights,
        hAlign="LEFT",
        style=TableStyle(commands),
    )
    heading = markup(f"<b>{text('ĐẠI DIỆN CÁC ĐƠN VỊ THÀNH VIÊN')}</b>", s.title)
    return KeepTogether([Spacer(1, 6), heading, grid])


# --- (d) province summary -------------------------------------------------------------------------


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
            f"Kết quả đăng ký và thực hiện các chỉ tiêu thi đua năm {plan.year}",
        ),
        body(
            f"Thực hiện {plan_reference(plan, 'Ban Thường vụ ' + summary.federation_name)} "
            f"về việc {plan.title[:1].lower()}{plan.title[1:]}, trên cơ sở đăng ký và báo cáo "
            "của các đơn vị, kết quả tổng hợp như sau:"
        ),
        para(f"{summary.scope_text}.", styles().note),
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
                    indicator.title if index == 0 else "",
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
        *(Column(f"Thực hiện {p.name[:1].lower()}{p.name[1:]}", 2.3, "right") for p in periods),
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
    story += keep_with_next(section_heading("I. KẾT QUẢ THEO CHỈ TIÊU CỦA KẾ HOẠCH"))
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
            recipients=[("TT LĐLĐ tỉnh;", ""), ("Các Cụm thi đua;", ""), ("Lưu: VT, CS-PL.", "")],
        )
    )
    return story


def _coverage_table(rows: list[CoverageRow], periods: list[domain.Period], label: str) -> Table:
    from app.core.format import format_number

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
            *(Column(f"Đã báo cáo {p.name[:1].lower()}{p.name[1:]}", 2, "right") for p in periods),
        ],
        data,
        small=True,
    )


# --- (e) the plan ------------------------------------------------------------------


def plan_story(plan: domain.Plan) -> list[Flowable]:
    """The federation's plan as issued: header, KẾ HOẠCH, sections I–IV, signature."""
    s = styles()
    story: list[Flowable] = [
        header_block(
            parent=plan.parent_issuer,
            issuer=plan.issuer,
            number=plan.number,
            place=plan.place,
            date=plan.issued_on,
            year=plan.year,
        ),
        *title_block("KẾ HOẠCH", plan.title),
    ]
    preamble = plan.body.get("preamble")
    if isinstance(preamble, str) and preamble:
        story.append(body(preamble))
    sections = plan.body.get("sections")
    for section in sections if isinstance(sections, list) else []:
        if not isinstance(section, dict):
            continue
        story += keep_with_next(section_heading(str(section.get("heading", ""))), room=25 * mm)
        paragraphs = section.get("paragraphs")
        for paragraph in paragraphs if isinstance(paragraphs, list) else []:
            story.append(body(str(paragraph)))
        if section.get("targets"):
            story += _target_items(plan)
    recipients_data = plan.body.get("recipients")
    recipients: list[tuple[str, str]] = []
    for item in recipients_data if isinstance(recipients_data, list) else []:
        if isinstance(item, list) and item:
            recipients.append((str(item[0]), str(item[1]) if len(item) > 1 else ""))
        elif isinstance(item, str):
            recipients.append((item, ""))
    story.append(
        signature_block(
            authority="TM. BAN THƯỜNG VỤ",
            title=plan.signer_title or "CHỦ TỊCH",
            signer_name=plan.signer_name,
            recipients=recipients,
        )
    )
    del s
    return story


def _target_items(plan: domain.Plan) -> list[Flowable]:
    """Section II's numbered items: "1- …" … "9. …" with "a- …" to "đ- …" below."""
    story: list[Flowable] = []
    for group in plan.groups:
        if group.parent_code:
            letter = group.code[len(group.parent_code) :] or group.code
            story.append(body(f"{letter}- {group.text}"))
        else:
            story.append(body(f"{group.code}- {group.text}"))
    return story

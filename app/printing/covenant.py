"""The cluster covenant: ``GIAO ƯỚC THI ĐUA`` with one column per member unit,
then every member's signature."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from app.core import domain
from app.core.format import cluster_label
from app.core.text import lower_first
from app.printing.fonts import REGULAR
from app.printing.form_parts import (
    applicable_indicators,
    authority_for,
    grouped,
    indicator_heading,
    measure,
    plan_reference,
    signer_title,
)
from app.printing.furniture import (
    body,
    header_block,
    keep_with_next,
    recipients_block,
    section_heading,
    title_block,
)
from app.printing.sources import StatementDoc, UnitInfo
from app.printing.tables import Column, data_table
from app.printing.typesetting import frame_width, markup, para, styles, text, vn_upper
from app.printing.values import DASH, format_unit_value

#: Member units per covenant table (landscape A4): more go to further tables.
COVENANT_UNITS_PER_TABLE = 6


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
            f"về việc {lower_first(plan.title)}; các đơn vị thành viên "
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
                [indicator.code, indicator_heading(indicator), measure(indicator)]
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
    closing = body(
        "Các đơn vị thành viên cam kết tổ chức thực hiện đạt và vượt các chỉ tiêu đã "
        "giao ước; định kỳ 6 tháng, năm báo cáo kết quả về Cụm trưởng để tổng hợp, "
        f"báo cáo Ban Thường vụ {covenant.federation_name}./."
    )
    story += _signatures(covenant, closing)
    return story


def covenant_recipients(covenant: Covenant) -> list[tuple[str, str]]:
    """Nơi nhận of a covenant: the federation, every member, the cluster's file."""
    return [
        (f"Ban Thường vụ {covenant.federation_name};", "(b/c)"),
        ("Các đơn vị thành viên cụm;", "(t/h)"),
        (f"Lưu: {cluster_label(covenant.cluster.name)}.", ""),
    ]


def _signatures(covenant: Covenant, closing: Flowable, per_row: int = 3) -> list[Flowable]:
    """The closing paragraph, every member's signature, then Nơi nhận.

    Each member signs as its executive committee does on any document
    ("TM. BAN CHẤP HÀNH" over "CHỦ TỊCH", :func:`authority_for`). The closing
    paragraph is kept with the first row of signatures; further rows repeat the
    caption on each page they run onto, so no page holds signatures that do not
    say what they sign; Nơi nhận is kept with the last row.
    """
    members = covenant.members
    chunks = [members[i : i + per_row] for i in range(0, len(members), per_row)]
    if not chunks:
        return [closing]
    recipients = recipients_block(covenant_recipients(covenant), wide=True)
    first = _grid(covenant, chunks[:1], per_row)
    story: list[Flowable] = [KeepTogether([closing, Spacer(1, 6), first])]
    if len(chunks) == 1:
        return [KeepTogether([*story, Spacer(1, 8), recipients])]
    if len(chunks) > 2:
        story.append(_grid(covenant, chunks[1:-1], per_row, continued=True))
    last = _grid(covenant, chunks[-1:], per_row, continued=True)
    story.append(KeepTogether([last, Spacer(1, 8), recipients]))
    return story


def _grid(
    covenant: Covenant, chunks: list[list[UnitInfo]], per_row: int, *, continued: bool = False
) -> Table:
    """Rows of members' signatures under a caption row repeated on every page.

    One table row per line, so names and titles line up across a row of
    members, and a row of members is never split across pages.
    """
    s = styles()
    width = frame_width(wide=True)
    words = "ĐẠI DIỆN CÁC ĐƠN VỊ THÀNH VIÊN KÝ GIAO ƯỚC"
    label = f"Giao ước thi đua năm {covenant.plan.year} - {cluster_label(covenant.cluster.name)}"
    if continued:
        label += ", tiếp theo"
    caption = markup(f"<b>{text(words)}</b><br/><i>{text(f'({label})')}</i>", s.cell_center)
    rows: list[list[object]] = [[caption] + [""] * (per_row - 1)]
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("SPAN", (0, 0), (-1, 0)),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
    ]
    heights: list[float | None] = [None]
    leader_note = markup(f"<i>{text('(Cụm trưởng)')}</i>", s.cell_center)
    for chunk in chunks:
        pad: list[object] = [""] * (per_row - len(chunk))
        statements = [covenant.registrations.get(u.id) for u in chunk]
        first = len(rows)
        heads: list[object] = [
            [para(vn_upper(u.name), s.sign_authority)]
            + ([leader_note] if u.id == covenant.cluster.leader_unit_id else [])
            for u in chunk
        ]
        rows.append(heads + pad)
        rows.append([para(authority_for(u.kind), s.sign_authority) for u in chunk] + pad)
        rows.append([para(signer_title(st), s.sign_authority) for st in statements] + pad)
        rows.append([""] * per_row)
        names = [st.signer_name if st else "" for st in statements]
        rows.append([para(name, s.sign_name) if name else "" for name in names] + pad)
        heights += [None, None, None, 22 * mm, None]
        commands += [
            ("NOSPLIT", (0, first), (-1, first + 4)),
            ("TOPPADDING", (0, first), (-1, first), 12),
        ]
    return Table(
        rows,
        colWidths=[width / per_row] * per_row,
        rowHeights=heights,
        repeatRows=1,
        hAlign="LEFT",
        style=TableStyle(commands),
    )

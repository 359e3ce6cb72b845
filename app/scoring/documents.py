"""Printed and Excel documents of the year-end scoring: proposals and rankings.

The proposal list (``DANH SÁCH đề nghị khen thưởng``) groups the proposed
units by award in the rules' order, then the units proposed for a grade
only, then each unit's short achievement summary; it is laid out with
:mod:`app.printing.furniture` after Nghị định 30/2020 and is always Vietnamese.
A ranking (one cluster or one upper-level union) prints the same way. The
workbook has the proposal list, every unit's score and ranks, and the
points of every indicator with its explanation.

When the rules are still the shipped example, every document says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from app.core.context import AppContext
from app.core.errors import N_, UserError
from app.core.files import check_output
from app.core.format import cluster_label
from app.core.installation import get_installation, get_setting, require_installation
from app.core.text import natural_key
from app.core.workbooks import save_workbook
from app.exchange import local_time
from app.printing import (
    Column,
    body,
    body_plain,
    build_pdf,
    data_table,
    header_block,
    keep_with_next,
    markup,
    plan_reference,
    section_heading,
    signature_block,
    styles,
    text,
    title_block,
)
from app.scoring.board import ProposalInfo, Scoreboard
from app.scoring.engine import UnitScore
from app.scoring.numbers import score_text
from app.scoring.paper_parts import (
    award_with_level,
    ranking_recipients,
    ranking_signer,
    scale_note,
)
from app.scoring.ranking import Placing
from app.scoring.sources import scoreboard_in
from db.enums import Role

EXAMPLE_NOTE = (
    "Ghi chú: điểm được chấm theo bộ quy tắc chấm điểm mẫu đi kèm phần mềm, "
    "chưa được Liên đoàn xem xét, thông qua."
)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
DASH = "—"


def _score_text(score: UnitScore) -> str:
    return score_text(score.score)


def _rank_text(placing: Placing | None) -> str:
    if placing is None or placing.rank is None:
        return DASH
    shared = " (đồng hạng)" if placing.shared_with else ""
    return f"{placing.rank}/{placing.ranked_units}{shared}"


def _plan_words(board: Scoreboard, federation: str) -> str:
    return plan_reference(board.plan, f"Ban Thường vụ {federation}")


def _federation_name(board: Scoreboard, own_name: str) -> str:
    return own_name or board.plan.issuer


# --- proposals -------------------------------------------------------------------------------


def proposal_groups(
    board: Scoreboard, federation: str = ""
) -> list[tuple[str, list[tuple[UnitScore, ProposalInfo]]]]:
    """(heading, proposals) per award in the rules' order, then grading-only proposals."""
    rows = [
        (board.score_of(unit_id), proposal)
        for unit_id, proposal in board.proposals.items()
        if any(s.unit.id == unit_id for s in board.scores)
    ]
    rows.sort(
        key=lambda r: (
            -(r[0].score or 0),
            natural_key(r[0].unit.code),
        )
    )
    groups: list[tuple[str, list[tuple[UnitScore, ProposalInfo]]]] = []
    known = {a.code for a in board.rules.rules.awards}
    for award in board.rules.rules.awards:
        chosen = [r for r in rows if r[1].award == award.code]
        if chosen:
            groups.append((award_with_level(board.plan, award.label, federation), chosen))
    other = [r for r in rows if r[1].award and r[1].award not in known]
    if other:
        groups.append(("Hình thức khen thưởng khác", other))
    grading = [r for r in rows if not r[1].award]
    if grading:
        groups.append(("Đề nghị công nhận xếp loại", grading))
    return groups


def proposals_story(board: Scoreboard, federation: str) -> list[Flowable]:
    """``DANH SÁCH đề nghị khen thưởng``: the list by award, then the summaries."""
    plan = board.plan
    s = styles()
    story: list[Flowable] = [
        header_block(
            parent=plan.parent_issuer,
            issuer=federation,
            number="…/DS-LĐLĐ",
            place=plan.place,
            date=None,
            wide=True,
        ),
        *title_block(
            "DANH SÁCH",
            f"Đề nghị khen thưởng, xếp loại các tập thể trong phong trào thi đua năm {plan.year}",
        ),
        body(
            f"Căn cứ {_plan_words(board, federation)} về việc "
            f"{plan.title[:1].lower()}{plan.title[1:]}; căn cứ kết quả chấm điểm, xếp hạng thi "
            f"đua năm {plan.year} của các Cụm thi đua, Ban Thường vụ {federation} đề nghị khen "
            "thưởng, công nhận xếp loại các tập thể sau:"
        ),
    ]
    if board.rules.rules.example:
        story.append(markup(f"<i>{text(EXAMPLE_NOTE)}</i>", s.note))
        story.append(Spacer(1, 4))
    groups = proposal_groups(board, federation)
    if not groups:
        story.append(body_plain("(Chưa có đơn vị nào được đề nghị.)"))
    columns = [
        Column("STT", 0.9, "center"),
        Column("Mã đơn vị", 1.6, "center"),
        Column("Tên đơn vị", 6.0),
        Column("Cụm thi đua", 2.4),
        Column("Điểm", 1.4, "right"),
        Column("Xếp hạng trong cụm", 1.8, "center"),
        Column("Xếp loại", 1.9, "center"),
    ]
    for index, (heading, rows) in enumerate(groups):
        number = ROMAN[index] if index < len(ROMAN) else str(index + 1)
        story += keep_with_next(
            section_heading(f"{number}. {heading} ({len(rows)} tập thể)"), room=35 * mm
        )
        table_rows = [
            [
                str(position),
                score.unit.code,
                score.unit.name,
                score.unit.cluster_name or DASH,
                proposal.score or _score_text(score),
                str(proposal.cluster_rank) if proposal.cluster_rank is not None else DASH,
                board.grade_label(proposal.grade) if proposal.grade else DASH,
            ]
            for position, (score, proposal) in enumerate(rows, start=1)
        ]
        story.append(data_table(columns, table_rows, wide=True, small=True))
        story.append(Spacer(1, 6))
    if groups:
        story += keep_with_next(section_heading("TÓM TẮT THÀNH TÍCH CỦA CÁC TẬP THỂ"), room=30 * mm)
        position = 0
        for _heading, rows in groups:
            for score, proposal in rows:
                position += 1
                award = (
                    award_with_level(board.plan, proposal.award_label, federation)
                    or "công nhận xếp loại"
                )
                story.append(
                    markup(
                        f"<b>{position}. {text(score.unit.name)}</b> ({text(score.unit.code)}"
                        f"; đề nghị: {text(award)}): {text(proposal.summary or DASH)}",
                        s.body_plain,
                    )
                )
    story.append(
        signature_block(
            authority="TM. BAN THƯỜNG VỤ",
            title=plan.signer_title or "CHỦ TỊCH",
            signer_name=plan.signer_name,
            recipients=[
                ("Ban Thi đua - Khen thưởng tỉnh;", "(Phối hợp)"),
                ("Lưu VT, CS-PL.", ""),
            ],
            wide=True,
            before=[
                body(scale_note(board.scores, normalised=board.rules.rules.normalise)),
                body(f"Danh sách gồm {position if groups else 0} tập thể./."),
            ],
        )
    )
    return story


def print_proposals(ctx: AppContext, *, plan_id: str, out: Path) -> Path:
    """The federation's proposal list with each unit's summary, as a PDF (landscape)."""
    with ctx.reading() as session:
        installation = get_installation(session)
        if installation is None or installation.role is not Role.FEDERATION:
            raise UserError(N_("This needs a federation database."))
        board = scoreboard_in(session, plan_id)
    federation = _federation_name(board, installation.own_unit_name)
    return build_pdf(
        out,
        proposals_story(board, federation),
        title=f"Danh sách đề nghị khen thưởng năm {board.plan.year}",
        author=federation,
        wide=True,
    )


# --- rankings -------------------------------------------------------------------------------


def ranking_story(
    board: Scoreboard,
    placings: Sequence[Placing],
    scope: str,
    issuer: str,
    parent: str,
    *,
    cluster: bool = True,
) -> list[Flowable]:
    """``BẢNG XẾP HẠNG THI ĐUA`` of one cluster or upper-level union."""
    plan = board.plan
    s = styles()
    story: list[Flowable] = [
        header_block(
            parent=parent,
            issuer=issuer,
            number="…/BXH",
            place=plan.place,
            date=None,
            wide=True,
        ),
        *title_block("BẢNG XẾP HẠNG THI ĐUA", f"Năm {plan.year} — {scope}"),
    ]
    if board.rules.rules.example:
        story.append(markup(f"<i>{text(EXAMPLE_NOTE)}</i>", s.note))
        story.append(Spacer(1, 4))
    columns = [
        Column("Hạng", 1.0, "center"),
        Column("Mã đơn vị", 1.6, "center"),
        Column("Tên đơn vị", 5.0),
        Column("Điểm", 1.3, "right"),
        Column("Chỉ tiêu đạt", 1.4, "center"),
        Column("Xếp loại", 1.7, "center"),
        Column("Ghi chú", 4.5),
    ]
    rows = []
    for placing in placings:
        score = board.score_of(placing.unit_id)
        note = ""
        if placing.rank is None:
            reasons = "; ".join(placing.reasons) or "không có chỉ tiêu để chấm"
            note = f"Không xếp hạng: {reasons}"
        elif placing.shared_with:
            note = "Đồng hạng với " + ", ".join(placing.shared_with)
        elif placing.tied_with:
            note = "Bằng điểm với " + ", ".join(placing.tied_with) + "; xếp theo tiêu chí phụ"
        rows.append(
            [
                str(placing.rank) if placing.rank is not None else DASH,
                score.unit.code,
                score.unit.name,
                _score_text(score),
                f"{score.attained_count}/{score.counted_count}",
                board.grade_label(score.grade),
                note,
            ]
        )
    story.append(data_table(columns, rows, wide=True, small=True))
    story.append(Spacer(1, 6))
    shown = [board.score_of(p.unit_id) for p in placings]
    authority, title = ranking_signer(cluster=cluster, directly_under_federation=issuer == parent)
    story.append(
        signature_block(
            authority=authority,
            title=title,
            signer_name="",
            recipients=ranking_recipients(parent, cluster=cluster),
            wide=True,
            before=[
                body(scale_note(shown, normalised=board.rules.rules.normalise)),
                body(f"Bảng xếp hạng gồm {len(placings)} đơn vị./."),
            ],
        )
    )
    return story


def print_ranking(
    ctx: AppContext,
    *,
    plan_id: str,
    out: Path,
    cluster: str | None = None,
    upper: str | None = None,
) -> Path:
    """One cluster's (or upper-level union's) ranking as a PDF.

    ``cluster`` is a name or id (default: the first cluster); ``upper`` an
    upper-level union's code, name or id, or "" for the units directly under
    the federation.
    """
    with ctx.reading() as session:
        installation = require_installation(session)
        board = scoreboard_in(session, plan_id)
        federation = (
            installation.own_unit_name
            if installation.role is Role.FEDERATION
            else get_setting(session, "federation_name") or board.plan.issuer
        )
    if upper is not None:
        # "" is the units directly under the federation.
        parent_id = board.find_parent(upper) if upper else None
        placings = board.by_parent.get(parent_id, [])
        scope = board.parent_names.get(parent_id, "") or federation
        issuer, parent = scope, federation
    else:
        cluster_id = (
            board.find_cluster(cluster)
            if cluster is not None
            else next(iter(board.by_cluster), None)
        )
        placings = board.by_cluster.get(cluster_id, [])
        name = board.cluster_names.get(cluster_id, "")
        scope = cluster_label(name)
        issuer = scope
        parent = federation
    return build_pdf(
        out,
        ranking_story(board, placings, scope, issuer, parent, cluster=upper is None),
        title=f"Bảng xếp hạng thi đua năm {board.plan.year} - {scope}",
        author=issuer,
        wide=True,
    )


# --- the workbook -----------------------------------------------------------------------------


def _sheet(workbook: Any, title: str, headers: Sequence[str], widths: Sequence[int]) -> Any:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    thin = Side(style="thin", color="999999")
    for column, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "C2"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.oddFooter.center.text = "Trang &P/&N"
    return sheet


def _row(sheet: Any, values: Sequence[object]) -> None:
    from openpyxl.styles import Alignment

    from app.core.sheets import put

    row = sheet.max_row + 1
    for column, value in enumerate(values, start=1):
        cell = put(sheet, row, column, value)  # text stays text, never a formula
        if isinstance(value, str):
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _number(value: Any) -> float | None:
    """A score for a cell: two decimals, as the screen and the paper show it."""
    return round(float(value), 2) if value is not None else None


def export_scoring_workbook(ctx: AppContext, *, plan_id: str, out: Path) -> Path:
    """Proposals, every unit's score and ranks, and every indicator's points (.xlsx)."""
    from openpyxl import Workbook

    check_output(out, suffix=".xlsx")
    with ctx.reading() as session:
        board = scoreboard_in(session, plan_id)
    workbook = Workbook()
    workbook.remove(workbook.active)
    example = board.rules.rules.example

    proposals = _sheet(
        workbook,
        "Đề nghị khen thưởng",
        (
            "STT",
            "Mã đơn vị",
            "Tên đơn vị",
            "Cụm thi đua",
            "Đề nghị",
            "Xếp loại",
            "Điểm",
            "Xếp hạng trong cụm",
            "Tóm tắt thành tích",
            "Người đề nghị",
            "Thời điểm",
        ),
        (6, 12, 40, 16, 16, 14, 9, 10, 70, 16, 20),
    )
    position = 0
    for heading, rows in proposal_groups(board):
        for score, proposal in rows:
            position += 1
            _row(
                proposals,
                [
                    position,
                    score.unit.code,
                    score.unit.name,
                    score.unit.cluster_name,
                    proposal.award_label or heading,
                    board.grade_label(proposal.grade) if proposal.grade else "",
                    _number(score.score),
                    proposal.cluster_rank,
                    proposal.summary,
                    proposal.updated_by,
                    local_time(proposal.updated_at),  # the PC's time, not UTC
                ],
            )

    scores = _sheet(
        workbook,
        "Điểm và xếp hạng",
        (
            "Mã đơn vị",
            "Tên đơn vị",
            "Cụm thi đua",
            "Công đoàn cấp trên",
            "Điểm",
            "Điểm đạt (có trọng số)",
            "Điểm tối đa (có trọng số)",
            "Chỉ tiêu đạt",
            "Xếp loại theo điểm",
            "Xếp loại",
            "Hạng trong cụm",
            "Hạng trong CĐ cấp trên",
            "Loại trừ",
            "Gợi ý khen thưởng",
            "Đề nghị",
        ),
        (12, 40, 16, 30, 9, 12, 12, 10, 14, 14, 10, 10, 40, 16, 16),
    )
    for score in board.scores:
        cluster = board.cluster_placing(score.unit.id)
        parent = board.parent_placing(score.unit.id)
        suggestion = board.suggestion(score.unit.id)
        proposed = board.proposals.get(score.unit.id)
        _row(
            scores,
            [
                score.unit.code,
                score.unit.name,
                score.unit.cluster_name,
                score.unit.parent_name,
                _number(score.score),
                round(float(score.earned), 2),  # 82.97, not 82.96540849512171
                round(float(score.possible), 2),
                f"{score.attained_count}/{score.counted_count}",
                board.grade_label(score.grade_by_score),
                board.grade_label(score.grade),
                cluster.rank if cluster else None,
                parent.rank if parent else None,
                "; ".join(v.label for v in score.vetoes),
                suggestion.label if suggestion else "",
                (proposed.award_label or board.grade_label(proposed.grade)) if proposed else "",
            ],
        )
        scores.cell(row=scores.max_row, column=6).number_format = "0.00"
        scores.cell(row=scores.max_row, column=7).number_format = "0.00"
        scores.cell(row=scores.max_row, column=5).number_format = "0.00"

    details = _sheet(
        workbook,
        "Chi tiết điểm",
        (
            "Mã đơn vị",
            "Tên đơn vị",
            "Nhóm",
            "Chỉ tiêu",
            "Tình trạng",
            "Đăng ký",
            "Thực hiện",
            "Tỷ lệ so với đăng ký (%)",
            "Điểm tối đa",
            "Điểm",
            "Điểm thưởng",
            "Giải thích",
        ),
        (12, 30, 7, 8, 14, 18, 18, 12, 9, 9, 9, 80),
    )
    status_words = {
        "scored": "Chấm điểm",
        "not_applicable": "Không áp dụng",
        "no_base": "Không có cơ sở tính",
        "not_registered": "Chưa đăng ký",
        "not_reported": "Chưa báo cáo",
    }
    for score in board.scores:
        for item in score.indicators:
            _row(
                details,
                [
                    score.unit.code,
                    score.unit.name,
                    item.group_code,
                    item.code,
                    status_words[item.status.value],
                    item.registered_text,
                    item.achieved_text,
                    round(float(item.attainment), 2) if item.attainment is not None else None,
                    round(float(item.max_points), 2),
                    round(float(item.base), 2),
                    round(float(item.bonus), 2),
                    item.explain(),
                ],
            )
    if example:
        for sheet in (proposals, scores, details):
            sheet.oddHeader.center.text = EXAMPLE_NOTE
    save_workbook(workbook, out)
    return out

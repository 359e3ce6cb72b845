"""The federation's decisions at year end, audited: flags on units, commendation proposals.

A custom flag (a fatal workplace accident) may bring a veto with it. A
proposal keeps the score, the cluster rank and the rules' hash it was made
with, so the screen can show that a score changed after the unit was
proposed; its achievement summary is printed on the proposal list as is.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit, domain
from app.core.audit import utc_now_text
from app.core.context import AppContext
from app.core.errors import N_, InputError, NotFoundError, UserError
from app.core.format import cluster_label
from app.core.i18n import gettext as _
from app.core.text import nfc
from app.plans import get_plan, scale_of
from app.scoring.board import ProposalInfo, Scoreboard, build_scoreboard
from app.scoring.engine import HUNDRED
from app.scoring.numbers import percent_text, score_text
from app.scoring.rules import RulesInfo, get_rules
from app.scoring.scale import above_hundred
from app.scoring.sources import federation_inputs, load_proposals, role_of
from db import models
from db.enums import Role


def _federation_unit(session: Session, unit: str) -> models.Unit:
    if role_of(session) is not Role.FEDERATION:
        raise UserError(N_("This needs a federation database."))
    row = session.scalar(select(models.Unit).where(models.Unit.code == unit))
    if row is None:
        row = session.get(models.Unit, unit)
    if row is None:
        raise NotFoundError(N_("No unit with code {code}."), params={"code": unit})
    return row


def set_flag(ctx: AppContext, *, plan_id: str, unit: str, flag: str, note: str = "") -> None:
    """Set a custom flag (e.g. a fatal accident) on a unit; vetoes may follow from it."""
    with ctx.unit_of_work() as session:
        plan = get_plan(session, plan_id)
        rules = get_rules(session, plan).rules
        if flag not in {f.code for f in rules.flags}:
            raise InputError(N_("The scoring rules have no flag {flag}."), params={"flag": flag})
        row_unit = _federation_unit(session, unit)
        row = session.get(models.ScoringFlag, (plan_id, row_unit.id, flag))
        if row is None:
            row = models.ScoringFlag(plan_id=plan_id, unit_id=row_unit.id, code=flag)
            session.add(row)
        row.note = nfc(note.strip())
        row.set_at = utc_now_text()
        row.set_by = audit.current_actor(session)
        audit.record(
            session,
            action="scoring.flag.set",
            subject=row_unit.code or row_unit.id,
            detail={"plan": plan_id, "flag": flag, "note": row.note},
        )


def clear_flag(ctx: AppContext, *, plan_id: str, unit: str, flag: str) -> bool:
    with ctx.unit_of_work() as session:
        row_unit = _federation_unit(session, unit)
        row = session.get(models.ScoringFlag, (plan_id, row_unit.id, flag))
        if row is None:
            return False
        session.delete(row)
        audit.record(
            session,
            action="scoring.flag.clear",
            subject=row_unit.code or row_unit.id,
            detail={"plan": plan_id, "flag": flag},
        )
        return True


def set_proposal(
    ctx: AppContext,
    *,
    plan_id: str,
    unit: str,
    award: str = "",
    grade: str | None = None,
    summary: str | None = None,
) -> ProposalInfo:
    """Propose a unit for an award and/or a grade (audited, replacing its earlier proposal).

    The current score, cluster rank and rules' hash are kept with it. A unit
    a veto bars from commendation cannot be proposed for an award. Without
    ``summary`` the generated achievement summary is kept.
    """
    with ctx.unit_of_work() as session:
        row_unit = _federation_unit(session, unit)
        plan = get_plan(session, plan_id)
        info = get_rules(session, plan)
        rules = info.rules
        award_rule = rules.award(award) if award else None
        if award and award_rule is None:
            raise InputError(
                N_("The scoring rules have no award {award}."), params={"award": award}
            )
        scale = {code for code, _label in scale_of(plan, rules, row_unit.kind)}
        if grade is not None and grade not in scale:
            raise InputError(N_("Choose a grade from the year's scale."))
        if not award and grade is None:
            raise InputError(N_("Choose an award or a grade to propose."))
        board = _cluster_board(session, plan, info, row_unit.id)
        score = board.score_of(row_unit.id)
        if award and not score.eligible:
            reasons = "; ".join(v.label for v in score.vetoes if v.no_award) or _("no score")
            raise InputError(
                N_("Unit {code} cannot be proposed for an award: {reasons}."),
                params={"code": row_unit.code or row_unit.id, "reasons": reasons},
            )
        placing = board.cluster_placing(row_unit.id)
        row = session.get(models.CommendationProposal, (plan_id, row_unit.id))
        previous = (
            None if row is None else {"award": row.award, "grade": row.grade, "score": row.score}
        )
        if row is None:
            row = models.CommendationProposal(plan_id=plan_id, unit_id=row_unit.id)
            session.add(row)
        row.award = award
        row.award_label = award_rule.label if award_rule else ""
        row.grade = grade
        if summary is not None:
            row.summary = nfc(summary.strip())
        elif not row.summary:
            row.summary = achievement_summary(board, row_unit.id)
        row.score = score_text(score.score) if score.score is not None else ""
        row.cluster_rank = placing.rank if placing is not None else None
        row.rules_hash = info.content_hash
        row.updated_at = utc_now_text()
        row.updated_by = audit.current_actor(session)
        audit.record(
            session,
            action="proposal.set",
            subject=row_unit.code or row_unit.id,
            detail={
                "plan": plan_id,
                "award": award,
                "award_label": row.award_label,
                "grade": grade,
                "score": row.score,
                "cluster_rank": row.cluster_rank,
                "rules_hash": info.content_hash,
                "previous": previous,
            },
        )
        session.flush()
        return load_proposals(session, plan_id)[row_unit.id]


def clear_proposal(ctx: AppContext, *, plan_id: str, unit: str) -> bool:
    with ctx.unit_of_work() as session:
        row_unit = _federation_unit(session, unit)
        row = session.get(models.CommendationProposal, (plan_id, row_unit.id))
        if row is None:
            return False
        audit.record(
            session,
            action="proposal.clear",
            subject=row_unit.code or row_unit.id,
            detail={"plan": plan_id, "award": row.award, "grade": row.grade, "score": row.score},
        )
        session.delete(row)
        return True


def _cluster_board(
    session: Session, plan: domain.Plan, info: RulesInfo, unit_id: str
) -> Scoreboard:
    """The scoreboard of one unit's cluster (enough for its score and cluster rank)."""
    entry = session.scalar(
        select(models.RosterEntry).where(
            models.RosterEntry.year == plan.year, models.RosterEntry.unit_id == unit_id
        )
    )
    if entry is None:
        raise NotFoundError(N_("Unknown unit."), detail=unit_id)
    if entry.cluster_id is None:
        ids = [unit_id]
    else:
        ids = list(
            session.scalars(
                select(models.RosterEntry.unit_id).where(
                    models.RosterEntry.year == plan.year,
                    models.RosterEntry.cluster_id == entry.cluster_id,
                )
            )
        )
    inputs = federation_inputs(session, plan, info.rules, ids)
    return build_scoreboard(plan, info, inputs)


def achievement_summary(board: Scoreboard, unit_id: str) -> str:
    """A short Vietnamese summary of a unit's year for the proposal list (printed as is)."""
    score = board.score_of(unit_id)
    placing = board.cluster_placing(unit_id)
    parts: list[str] = []
    if score.score is not None:
        text = f"Đạt {score_text(score.score)} điểm"
        if above_hundred(score.score, normalised=score.normalised):
            text += " (thang 100, cộng điểm thưởng cho chỉ tiêu vượt mức)"
        if placing is not None and placing.rank is not None and score.unit.cluster_name:
            text += (
                f", xếp thứ {placing.rank}/{placing.ranked_units} "
                f"{cluster_label(score.unit.cluster_name)}"
            )
        parts.append(text)
    attained = [i for i in score.indicators if i.attained]
    counted = [i for i in score.indicators if i.counts]
    if counted:
        parts.append(f"hoàn thành {len(attained)}/{len(counted)} chỉ tiêu đăng ký")
    exceeded = sorted(
        (i for i in score.indicators if i.attainment is not None and i.attainment > HUNDRED),
        key=lambda i: -(i.attainment or 0),
    )[:2]
    for item in exceeded:
        parts.append(
            f"chỉ tiêu {item.code} đạt {percent_text(item.attainment or HUNDRED, 0)} so với đăng ký"
        )
    if score.grade:
        parts.append(f"xếp loại {board.grade_label(score.grade).lower()}")
    return nfc("; ".join(parts) + ("." if parts else ""))

"""The scoreboard a database can make, and where its figures come from.

At the federation: every unit of the plan year's roster, from the merged
statements, with the federation's flags and proposals. At a unit that leads
its cluster: the unit itself and the members' packages it imported and
verified (:func:`app.scoring.cluster_leader.leader_inputs`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.context import AppContext
from app.core.installation import require_installation
from app.core.text import natural_key
from app.plans import Rules, get_plan, plan_or_newest
from app.scoring.board import ProposalInfo, Scoreboard, build_scoreboard
from app.scoring.cluster_leader import leader_inputs
from app.scoring.engine import ScoreInput, UnitFacts
from app.scoring.rules import get_rules
from db import models
from db.enums import REGISTRATION_STREAM, Role, UnitKind


def _stream_values(
    session: Session, plan: domain.Plan, stream: str, unit_ids: Sequence[str] | None
) -> tuple[dict[str, dict[str, domain.UnitValue]], set[str]]:
    """(unit → indicator code → value, units with a statement) for one stream."""
    value = models.StatementValue
    statement = models.Statement
    conditions = [statement.plan_id == plan.id, statement.stream == stream]
    if unit_ids is not None:
        conditions.append(statement.unit_id.in_(list(unit_ids)))
    with_statement = set(session.scalars(select(statement.unit_id).where(*conditions)))
    codes = {i.id: i.code for i in plan.indicators}
    values: dict[str, dict[str, domain.UnitValue]] = defaultdict(dict)
    rows = session.execute(
        select(
            statement.unit_id,
            value.indicator_id,
            value.amount,
            value.numerator,
            value.denominator,
            value.flag,
            value.grade,
            value.text,
            value.note,
        )
        .join(statement, statement.id == value.statement_id)
        .where(*conditions)
    )
    for unit_id, indicator_id, amount, numerator, denominator, flag, grade, text, note in rows:
        values[unit_id][codes.get(indicator_id, indicator_id)] = domain.UnitValue(
            amount=amount,
            numerator=numerator,
            denominator=denominator,
            flag=flag,
            grade=grade,
            text=text,
            note=note,
        )
    return values, with_statement


def roster_facts(
    session: Session, plan: domain.Plan, unit_ids: Sequence[str] | None = None
) -> list[UnitFacts]:
    """The plan year's reporting units (the federation itself aside), by code."""
    entry = models.RosterEntry
    query = (
        select(models.Unit, entry)
        .join(entry, entry.unit_id == models.Unit.id)
        .where(entry.year == plan.year, models.Unit.kind != UnitKind.FEDERATION)
    )
    if unit_ids is not None:
        query = query.where(models.Unit.id.in_(list(unit_ids)))
    rows = session.execute(query).all()
    names = dict(session.execute(select(models.Unit.id, models.Unit.name)).all())
    clusters = {
        c.id: c.name
        for c in session.scalars(select(models.Cluster).where(models.Cluster.year == plan.year))
    }
    facts = [
        UnitFacts(
            id=unit.id,
            code=unit.code or "",
            name=unit.name,
            kind=unit.kind,
            sector=row.sector,
            parent_id=row.parent_id,
            parent_name=names.get(row.parent_id or "", ""),
            cluster_id=row.cluster_id,
            cluster_name=clusters.get(row.cluster_id or "", ""),
        )
        for unit, row in rows
    ]
    facts.sort(key=lambda f: natural_key(f.code))
    return facts


def federation_inputs(
    session: Session, plan: domain.Plan, rules: Rules, unit_ids: Sequence[str] | None = None
) -> list[ScoreInput]:
    """What to score at the federation: the roster and the merged statements."""
    facts = roster_facts(session, plan, unit_ids)
    ids = [f.id for f in facts] if unit_ids is not None else None
    registered, _registered_units = _stream_values(session, plan, REGISTRATION_STREAM, ids)
    achieved, reported = _stream_values(session, plan, rules.period, ids)
    flags = load_flags(session, plan.id)
    return [
        ScoreInput(
            unit=f,
            registered=registered.get(f.id, {}),
            achieved=achieved.get(f.id, {}),
            reported=f.id in reported,
            flags=frozenset(flags.get(f.id, {})),
        )
        for f in facts
    ]


def load_flags(session: Session, plan_id: str) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = defaultdict(dict)
    for row in session.scalars(
        select(models.ScoringFlag).where(models.ScoringFlag.plan_id == plan_id)
    ):
        result[row.unit_id][row.code] = row.note
    return dict(result)


def load_proposals(session: Session, plan_id: str) -> dict[str, ProposalInfo]:
    return {
        row.unit_id: ProposalInfo(
            unit_id=row.unit_id,
            award=row.award,
            award_label=row.award_label,
            grade=row.grade,
            summary=row.summary,
            score=row.score,
            cluster_rank=row.cluster_rank,
            rules_hash=row.rules_hash,
            updated_at=row.updated_at,
            updated_by=row.updated_by,
        )
        for row in session.scalars(
            select(models.CommendationProposal).where(
                models.CommendationProposal.plan_id == plan_id
            )
        )
    }


def role_of(session: Session) -> Role:
    return require_installation(session).role


def scoreboard_in(session: Session, plan_id: str) -> Scoreboard:
    """The scoreboard this database can make.

    At the federation: every unit of the roster from the merged statements.
    At a unit (a cluster leader): the unit itself and the member packages it
    imported and verified (see :mod:`app.scoring.cluster_leader`).
    """
    plan = get_plan(session, plan_id)
    info = get_rules(session, plan)
    if role_of(session) is Role.UNIT:
        inputs = leader_inputs(session, plan, info.rules)
        return build_scoreboard(plan, info, inputs, source="cluster_leader")
    return build_scoreboard(
        plan,
        info,
        federation_inputs(session, plan, info.rules),
        proposals=load_proposals(session, plan.id),
        flags=load_flags(session, plan.id),
    )


def scoreboard(ctx: AppContext, *, plan_id: str) -> Scoreboard:
    with ctx.reading() as session:
        return scoreboard_in(session, plan_id)


def default_plan_id(ctx: AppContext) -> str:
    """The plan to score when none is named: at a unit, the plan it works on (the one
    its chair chose, else the newest); elsewhere the newest."""
    with ctx.reading() as session:
        if role_of(session) is Role.UNIT:
            from app.unit import working_plan_id

            return working_plan_id(session)
        return plan_or_newest(session, None)

"""The scoreboard a database can make, and where its figures come from.

At the federation: every unit of the plan year's roster, from the merged
statements, with the federation's flags and proposals. At a unit that leads
its cluster: the unit itself and the members' packages it imported and
verified (:func:`app.scoring.cluster_leader.leader_inputs`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.collection import kept_objects
from app.core.context import AppContext
from app.core.installation import require_installation
from app.plans import Rules, get_plan, plan_or_newest
from app.scoring.board import ProposalInfo, Scoreboard, build_scoreboard
from app.scoring.cluster_leader import leader_inputs
from app.scoring.engine import ScoreInput, UnitFacts
from app.scoring.rules import get_rules
from db import models
from db.enums import REGISTRATION_STREAM, Role, Sector, UnitKind
from db.plain_rows import plain_flag, plain_row_batches, plain_rows

NO_FLAGS: frozenset[str] = frozenset()


def _stream_values(
    session: Session, plan: domain.Plan, streams: Sequence[str], unit_ids: Sequence[str] | None
) -> dict[str, tuple[dict[str, dict[str, domain.UnitValue]], set[str]]]:
    """Each stream's (unit → indicator code → value, units with a statement).

    Two plain queries for all the streams (rows, no ORM objects): scoring a
    province reads tens of thousands of values.
    """
    value = models.StatementValue
    statement = models.Statement
    conditions = [statement.plan_id == plan.id, statement.stream.in_(list(streams))]
    if unit_ids is not None:
        conditions.append(statement.unit_id.in_(list(unit_ids)))
    connection = session.connection()
    result: dict[str, tuple[dict[str, dict[str, domain.UnitValue]], set[str]]] = {
        stream: ({}, set()) for stream in streams
    }
    # Each statement's values go straight to its unit's dict: the values' query then
    # reads the statement's id alone (not its stream and unit, text repeated per value).
    values_of: dict[str, dict[str, domain.UnitValue]] = {}
    for statement_id, stream, unit_id in plain_rows(
        connection,
        select(statement.id, statement.stream, statement.unit_id).where(*conditions),
    ):
        units, reported = result[stream]
        reported.add(unit_id)
        values_of[statement_id] = units.setdefault(unit_id, {})
    codes = {i.id: i.code for i in plan.indicators}
    query = (
        select(
            value.statement_id,
            value.indicator_id,
            value.amount,
            value.numerator,
            value.denominator,
            value.flag,
            value.grade,
            value.text,
        )
        .join(statement, statement.id == value.statement_id)
        .where(*conditions)
    )
    # Values are frozen: units that gave the same figures share one object (a
    # province's tens of thousands of values hold a third as many distinct ones).
    # An empty value is left out, as scoring reads a value it lacks; no note is
    # read, as scoring shows none.
    # A statement's values come one after another as the database reads them (not
    # relied on: it only spares looking the statement up again).
    shared: dict[tuple[Any, ...], domain.UnitValue | None] = {}
    known = shared.get
    last_id: str | None = None
    into: dict[str, domain.UnitValue] = {}
    for rows in plain_row_batches(connection, query):  # millions at national scale
        for row in rows:
            figures = row[2:]
            made = known(figures, _UNSEEN)
            if made is _UNSEEN:
                made = shared[figures] = _unit_value(figures)
            if made is not None:
                if row[0] != last_id:
                    last_id = row[0]
                    into = values_of[last_id]
                indicator_id = row[1]
                into[codes.get(indicator_id, indicator_id)] = made
    return result


#: What a value's figures are mapped to before they are first seen.
_UNSEEN: Any = object()


def _unit_value(figures: tuple[Any, ...]) -> domain.UnitValue | None:
    """A value from its figures as read, None when empty."""
    amount, numerator, denominator, flag, grade, text = figures
    made = domain.UnitValue(
        amount,
        numerator,
        denominator,
        plain_flag(flag),
        grade,
        text,
    )
    return None if made.is_empty() else made


def roster_facts(
    session: Session, plan: domain.Plan, unit_ids: Sequence[str] | None = None
) -> list[UnitFacts]:
    """The plan year's reporting units (the federation itself aside), in their order.

    Plain rows (a country has 126,000 units), with each unit's stored code order
    and the names of the parents and clusters alone.
    """
    entry = models.RosterEntry
    unit = models.Unit
    in_year = entry.year == plan.year
    query = (
        select(
            unit.id,
            unit.code,
            unit.name,
            unit.kind,
            entry.sector,
            entry.parent_id,
            entry.cluster_id,
            unit.code_order,
        )
        .join(entry, entry.unit_id == unit.id)
        .where(in_year, unit.kind != UnitKind.FEDERATION.value)
    )
    if unit_ids is not None:
        query = query.where(unit.id.in_(list(unit_ids)))
    connection = session.connection()
    rows = plain_rows(connection, query)
    parents = select(entry.parent_id).where(in_year, entry.parent_id.is_not(None))
    names = dict(plain_rows(connection, select(unit.id, unit.name).where(unit.id.in_(parents))))
    clusters = dict(
        plain_rows(
            connection,
            select(models.Cluster.id, models.Cluster.name).where(models.Cluster.year == plan.year),
        )
    )
    kinds = {k.value: k for k in UnitKind}
    sectors: dict[str | None, Sector | None] = {s.value: s for s in Sector}
    sectors[None] = None
    facts = [
        UnitFacts(
            unit_id,
            code or "",
            name,
            kinds[kind],
            sectors[sector],
            parent_id,
            names.get(parent_id, "") if parent_id else "",
            cluster_id,
            clusters.get(cluster_id, "") if cluster_id else "",
            code_order,
        )
        for unit_id, code, name, kind, sector, parent_id, cluster_id, code_order in rows
    ]
    facts.sort(key=_order)
    return facts


def _order(facts: UnitFacts) -> tuple[str, str]:
    return facts.order


def federation_inputs(
    session: Session, plan: domain.Plan, rules: Rules, unit_ids: Sequence[str] | None = None
) -> list[ScoreInput]:
    """What to score at the federation: the roster and the merged statements."""
    facts = roster_facts(session, plan, unit_ids)
    ids = [f.id for f in facts] if unit_ids is not None else None
    streams = _stream_values(session, plan, (REGISTRATION_STREAM, rules.period), ids)
    registered, _registered_units = streams[REGISTRATION_STREAM]
    achieved, reported = streams[rules.period]
    flags = load_flags(session, plan.id)
    return [
        ScoreInput(
            unit=f,
            registered=registered.get(f.id, {}),
            achieved=achieved.get(f.id, {}),
            reported=f.id in reported,
            flags=frozenset(flags[f.id]) if f.id in flags else NO_FLAGS,
            filled=True,  # read without the empty values
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
    # Millions of small acyclic objects kept at national scale (values, outcomes, scores):
    # the collector scanning them young, thrice, cost a fifth of the time.
    with kept_objects():
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

"""What scoring does to be fast at national scale, shown to change nothing: empty values
left out as they are read, each ranking made when first read, units listed in the stored
order of their codes.

The cluster is ``cluster.py``'s (the ``cluster`` fixture of this folder's conftest)."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from app.core.context import AppContext
from app.core.domain import UnitValue
from app.scoring.engine import ScoreInput, UnitFacts, score_unit
from app.scoring.indicator_score import Status
from app.scoring.ranking import Rankings
from db import models
from db.enums import UnitKind
from db.natural import natural_key
from tests.unit.scoring.cluster import ADMIN, PLAN, board_of, count, plan_with_rules, yes


def _achieved_value(ctx: AppContext, code: str, indicator: str) -> tuple[str, str]:
    """(statement id, indicator id) of unit ``code``'s year value for ``indicator``."""
    with ctx.reading() as session:
        unit_id = session.scalar(select(models.Unit.id).where(models.Unit.code == code))
        statement_id = session.scalar(
            select(models.Statement.id).where(
                models.Statement.unit_id == unit_id, models.Statement.stream == "year"
            )
        )
        indicator_id = session.scalar(
            select(models.Indicator.id).where(
                models.Indicator.plan_id == PLAN, models.Indicator.code == indicator
            )
        )
    assert statement_id is not None and indicator_id is not None
    return statement_id, indicator_id


def test_an_empty_value_stored_scores_as_a_value_not_given(cluster: AppContext) -> None:
    before = board_of(cluster).by_code("A")
    assert before.indicator("9a.1").status is Status.SCORED
    statement_id, indicator_id = _achieved_value(cluster, "A", "9a.1")
    value = models.StatementValue
    where = (value.statement_id == statement_id, value.indicator_id == indicator_id)
    with cluster.unit_of_work() as session:  # left with a note and no figure
        session.execute(update(value).where(*where).values(flag=None, note="chưa rõ"))
    emptied = board_of(cluster).by_code("A")
    with cluster.unit_of_work() as session:
        session.execute(delete(value).where(*where))
    removed = board_of(cluster).by_code("A")
    assert emptied.indicator("9a.1").status is Status.NOT_REPORTED
    assert emptied.indicator("9a.1").achieved_text == "—"
    assert emptied.exact == removed.exact != before.exact
    assert emptied.outcomes == removed.outcomes
    assert emptied.explain() == removed.explain()


def test_empty_values_given_to_the_engine_score_as_values_not_given(ctx: AppContext) -> None:
    plan, rules = plan_with_rules(ctx)
    unit = UnitFacts("x", "X", "X", UnitKind.GRASSROOTS, ADMIN)
    given = ScoreInput(
        unit,
        registered={"2.1": count(10), "6.2": UnitValue(note="không")},
        achieved={"2.1": count(12), "9a.1": UnitValue(), "6.2": UnitValue(text="")},
        reported=True,
    )
    lacking = ScoreInput(
        unit, registered={"2.1": count(10)}, achieved={"2.1": count(12)}, reported=True
    )
    with_empty, without = score_unit(plan, rules, given), score_unit(plan, rules, lacking)
    assert with_empty.outcomes == without.outcomes
    assert with_empty.exact == without.exact
    assert with_empty.indicator("9a.1").status is Status.NOT_REPORTED
    assert [i.explain() for i in with_empty.indicators] == [i.explain() for i in without.indicators]
    reported = score_unit(
        plan, rules, ScoreInput(unit, {}, {"9a.1": yes(True)}, reported=True, filled=True)
    )
    assert reported.indicator("9a.1").status is Status.SCORED


def test_each_ranking_is_made_once_when_first_read(cluster: AppContext) -> None:
    board = board_of(cluster)
    rankings = board.by_parent
    assert isinstance(rankings, Rankings)
    parents = {s.unit.parent_id for s in board.scores}
    assert set(rankings) == parents and len(rankings) == len(parents)
    assert "no such union" not in rankings and rankings.get("no such union") is None
    first = next(iter(parents))
    assert rankings[first] is rankings[first]  # ranked once, then kept
    listed = sorted(p.unit_id for placings in rankings.values() for p in placings)
    assert listed == sorted(s.unit.id for s in board.scores)


def test_units_are_listed_in_the_natural_order_of_their_codes() -> None:
    codes = ["CS-10", "cs-2", "CS-2", "CS-002", "B", "", "a1", "A01b", "Đ-3", "D-3"]
    facts = [
        UnitFacts(f"id-{i}", code, code, UnitKind.GRASSROOTS, ADMIN) for i, code in enumerate(codes)
    ]
    by_text = sorted(facts, key=lambda f: f.order)
    by_key = sorted(facts, key=lambda f: (natural_key(f.code), f.id))
    assert [f.id for f in by_text] == [f.id for f in by_key]

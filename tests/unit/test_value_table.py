"""The value table (migration 0022): no foreign key from a value to its indicator, and
on SQLite its rows kept in primary-key order (``WITHOUT ROWID``).

Deleting a plan still takes its statements' values, through the statement, and leaves
no value without its indicator.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from app.core.context import open_context
from app.exchange.merge import import_packages
from db import models
from tests.unit.package_forge import Env


def _values_by_plan(env: Env) -> dict[str, int]:
    with env.ctx.reading() as session:
        return {
            plan_id: count
            for plan_id, count in session.execute(
                select(models.Statement.plan_id, func.count())
                .join(models.StatementValue)
                .group_by(models.Statement.plan_id)
            )
        }


@pytest.mark.both_backends
def test_deleting_a_plan_takes_its_values_and_no_others(env: Env) -> None:
    if not _values_by_plan(env):
        import_packages(env.ctx, paths=list(env.demo.files), dry_run=False)
    before = _values_by_plan(env)
    assert before.get(env.plan.id, 0) > 0
    with env.ctx.unit_of_work() as session:
        session.execute(delete(models.Plan).where(models.Plan.id == env.plan.id))
    with env.ctx.reading() as session:
        orphans = session.scalar(
            select(func.count())
            .select_from(models.StatementValue)
            .outerjoin(models.Indicator, models.Indicator.id == models.StatementValue.indicator_id)
            .where(models.Indicator.id.is_(None))
        )
    assert _values_by_plan(env) == {p: n for p, n in before.items() if p != env.plan.id}
    assert orphans == 0


def test_the_value_table_is_kept_by_its_primary_key_on_sqlite(tmp_path: Path) -> None:
    ctx = open_context(tmp_path / "f.db")
    try:
        with ctx.engine.connect() as conn:
            sql = str(
                conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = 'statement_value'"
                ).scalar()
            )
            keys = conn.exec_driver_sql("PRAGMA foreign_key_list(statement_value)").all()
            indexes = conn.exec_driver_sql("PRAGMA index_list(statement_value)").all()
    finally:
        ctx.close()
    assert "WITHOUT ROWID" in sql
    assert [row[2] for row in keys] == ["statement"]
    assert [row[1] for row in indexes] == ["sqlite_autoindex_statement_value_1"]

"""db.plain_rows: a Core query's rows straight from the driver, on either database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.context import AppContext
from db import models
from db.plain_rows import plain_rows


@pytest.mark.both_backends
def test_plain_rows_are_the_rows_sqlalchemy_reads(ctx: AppContext) -> None:
    plan = models.Plan
    query = (
        select(plan.id, plan.year, plan.issuer)
        .where(plan.year.in_([2016, 2017, 2018]), plan.id != "")
        .order_by(plan.id)
    )
    with ctx.reading() as session:
        connection = session.connection()
        rows = plain_rows(connection, query)
        assert rows and rows == [tuple(row) for row in connection.execute(query)]
        assert all(type(row) is tuple for row in rows)
        assert plain_rows(connection, query.where(plan.year == 1900)) == []

"""The statement values' table: its SQLite form (migration 0023), the upgrade that makes
it, and what deleting an indicator does to the values, on both backends."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, delete, func, select

import db.engine as engine_module
from app.core.context import open_context
from app.demo.province import Demo, make_demo
from app.exchange.merge import import_packages
from db import models
from db.engine import MIGRATIONS_DIR
from db.schema import HEAD_REVISION

BEFORE = "0022_rollup_cell_unique"
VALUES = (
    "SELECT statement_id, indicator_id, amount, numerator, denominator, flag, grade, text, "
    "note FROM statement_value ORDER BY statement_id, indicator_id"
)


@pytest.fixture(scope="module")
def merged_demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """A small province with every package imported: values of every kind merged."""
    demo = make_demo(out_dir=tmp_path_factory.mktemp("values") / "demo", units=6, seed=23)
    ctx = open_context(demo.database)
    try:
        summary = import_packages(ctx, paths=[demo.packages_dir], dry_run=False)
        assert summary.counts["new"] > 0
    finally:
        ctx.close()
    return demo


def _table_sql(path: Path, name: str) -> str:
    connection = sqlite3.connect(path)
    try:
        row = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    finally:
        connection.close()
    return "" if row is None else str(row[0])


def _rows(path: Path) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(VALUES).fetchall()
    finally:
        connection.close()


def test_sqlite_keeps_each_value_once_in_its_statement_order(merged_demo: Demo) -> None:
    table = _table_sql(merged_demo.database, "statement_value")
    assert table.rstrip().endswith("WITHOUT ROWID")
    assert "REFERENCES indicator" not in table
    assert _table_sql(merged_demo.database, "ix_statement_value_indicator") == ""
    assert "AFTER DELETE ON indicator" in _table_sql(
        merged_demo.database, "statement_value_indicator_delete"
    )


def test_an_older_database_is_upgraded_with_every_value_kept(
    merged_demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Down to 0022 (the rowid table, its two indexes, the foreign key), then opened: the
    upgrade rebuilds the table with the very same rows, and gives the old one's pages back
    (here whatever their share: in a real province's file the values are most of it)."""
    monkeypatch.setattr(engine_module, "COMPACT_FREE_SHARE", 0.0)
    path = tmp_path / "older.db"
    shutil.copyfile(merged_demo.database, path)
    expected = _rows(path)
    assert len(expected) > 100
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, BEFORE)
    engine.dispose()
    older = _table_sql(path, "statement_value")
    assert "WITHOUT ROWID" not in older and "REFERENCES indicator" in older
    assert _table_sql(path, "ix_statement_value_indicator") != ""
    assert _table_sql(path, "statement_value_indicator_delete") == ""
    assert _rows(path) == expected

    ctx = open_context(path)
    try:
        assert ctx.schema.upgraded_from == BEFORE
        assert ctx.schema.revision == HEAD_REVISION
        assert ctx.schema.backup_path is not None and ctx.schema.backup_path.exists()
    finally:
        ctx.close()
    assert _table_sql(path, "statement_value").rstrip().endswith("WITHOUT ROWID")
    assert _rows(path) == expected
    connection = sqlite3.connect(path)
    try:
        free = connection.execute("PRAGMA freelist_count").fetchone()[0]
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    finally:
        connection.close()
    assert pages > 0 and free == 0, "the old table's pages were given back"


@pytest.mark.both_backends
def test_deleting_an_indicator_deletes_its_values_and_no_other(
    merged_demo: Demo, on_backend: Callable[[Path], str]
) -> None:
    """The foreign key's cascade on PostgreSQL, the trigger on SQLite: the same result."""
    ctx = open_context(on_backend(merged_demo.database))
    value = models.StatementValue
    try:
        with ctx.reading() as session:
            by_indicator = dict(
                session.execute(
                    select(value.indicator_id, func.count()).group_by(value.indicator_id)
                ).all()
            )
        gone = max(by_indicator, key=lambda k: (by_indicator[k], k))
        assert by_indicator[gone] > 0
        with ctx.unit_of_work() as session:
            session.execute(delete(models.Indicator).where(models.Indicator.id == gone))
        with ctx.reading() as session:
            after = dict(
                session.execute(
                    select(value.indicator_id, func.count()).group_by(value.indicator_id)
                ).all()
            )
    finally:
        ctx.close()
    del by_indicator[gone]
    assert after == by_indicator

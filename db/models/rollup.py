"""The roll-up cache (derived data): pre-aggregated values per bucket of units, and
what changed since they were computed."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class RollupCell(Base):
    """Pre-aggregated statement values of one bucket of units.

    Derived from ``statement``, ``statement_value``, ``roster_entry``,
    ``unit`` and ``indicator``, grouped as the roll-up groups them, in three
    families of buckets: ``plan`` (every unit of the plan year, one bucket
    ``""``), ``parent`` (the children of one parent; ``""`` for the top of
    the tree) and ``cluster`` (the units of one cluster). A roll-up reads a
    few hundred or thousand cells instead of every value. Never edited by
    hand: database triggers record in :class:`RollupDirty` what changed and
    ``app.rollup.cache`` recomputes the affected buckets.
    """

    __tablename__ = "rollup_cell"
    #: A cell's whole key: one cell per key.
    KEY: ClassVar[tuple[str, ...]] = (
        *("plan_id", "family", "bucket_id", "stream", "indicator_id"),
        *("sector", "kind", "grade", "goal_met"),
    )
    #: A bucket's cells (the dashboard's reads), and one cell found by its whole key (a
    #: refresh; on PostgreSQL its INSERT … ON CONFLICT, a missing sector or grade one value).
    #: PostgreSQL's NULLS NOT DISTINCT is added by :func:`add_postgresql_options` when a
    #: PostgreSQL engine is made: naming it here made SQLAlchemy import its whole
    #: PostgreSQL dialect (asyncio, ssl: ~25 ms of CPU) in every process, SQLite's too.
    __table_args__ = (Index("ix_rollup_cell_key", *KEY, unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(64))
    family: Mapped[str] = mapped_column(String(8))
    bucket_id: Mapped[str] = mapped_column(String(36))
    stream: Mapped[str] = mapped_column(String(32))
    indicator_id: Mapped[str] = mapped_column(String(36))
    sector: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    grade: Mapped[str | None] = mapped_column(String(32))
    goal_met: Mapped[int] = mapped_column(Integer)  # 0 or 1
    units: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    numerator: Mapped[int] = mapped_column(BigInteger)
    denominator: Mapped[int] = mapped_column(BigInteger)
    yes: Mapped[int] = mapped_column(BigInteger)


class RollupDirty(Base):
    """A (plan, unit) whose statements changed since the cache was computed.

    Written only by triggers; ``unit_id`` ``*`` marks the whole plan (its
    roster, indicators or units' kinds changed).
    """

    __tablename__ = "rollup_dirty"

    plan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class RollupUnit(Base):
    """What one unit adds to the roll-up cells, per (stream, indicator, grade, goal met).

    Derived like :class:`RollupCell`, one level finer: the cells are the sums of
    these rows (a parent bucket's over its children, a cluster's over its members,
    the plan's over all), so a refresh subtracts a changed unit's old rows and adds
    its new ones. ``bucket_id``, ``cluster_id``, ``sector`` and ``kind`` are what the
    rows were applied under; ``amount`` is the unit's part in its parent's bucket
    and the plan's, ``cluster_amount`` in its cluster's (they differ when the parent
    reported the indicator's area total); ``amounts`` counts its values with an
    amount (what makes an upper-level union's area total reported).
    """

    __tablename__ = "rollup_unit"
    __table_args__ = (Index("ix_rollup_unit_unit", "plan_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[str] = mapped_column(String(36))
    bucket_id: Mapped[str] = mapped_column(String(36))
    cluster_id: Mapped[str | None] = mapped_column(String(36))
    sector: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    stream: Mapped[str] = mapped_column(String(32))
    indicator_id: Mapped[str] = mapped_column(String(36))
    grade: Mapped[str | None] = mapped_column(String(32))
    goal_met: Mapped[int] = mapped_column(Integer)  # 0 or 1
    units: Mapped[int] = mapped_column(BigInteger)
    amounts: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    cluster_amount: Mapped[int] = mapped_column(BigInteger)
    numerator: Mapped[int] = mapped_column(BigInteger)
    denominator: Mapped[int] = mapped_column(BigInteger)
    yes: Mapped[int] = mapped_column(BigInteger)


def add_postgresql_options() -> None:
    """The models' PostgreSQL-only index options (migration 0022 creates them so), for
    what compares the models with a PostgreSQL database or creates tables from them.
    Called when a PostgreSQL engine is made, its dialect already imported; idempotent."""
    table = RollupCell.__table__
    for index in table.indexes:  # type: ignore[attr-defined]
        if index.name == "ix_rollup_cell_key":
            index.dialect_options["postgresql"]["nulls_not_distinct"] = True

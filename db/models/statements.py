"""What units declared: registrations and period reports, their values, movements joined,
titles registered and works dedicated."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, new_id


class Statement(Base):
    """What a unit declared for a plan in one stream.

    ``stream`` is ``registration`` (commitments) or a period code of the plan
    (``h1``, ``year``) for results. One current statement per
    (plan, unit, stream); ``revision`` rises with every export.
    """

    __tablename__ = "statement"
    __table_args__ = (
        UniqueConstraint("plan_id", "unit_id", "stream"),
        Index("ix_statement_plan_stream", "plan_id", "stream"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    stream: Mapped[str] = mapped_column(String(32))
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: A period report's narrative (0009_narrative_and_awards); empty for a registration.
    assessment: Mapped[str] = mapped_column(Text, default="", server_default="")
    shortcomings: Mapped[str] = mapped_column(Text, default="", server_default="")
    direction: Mapped[str] = mapped_column(Text, default="", server_default="")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[str] = mapped_column(String(40), default="")


class StatementValue(Base):
    """A unit's value for one indicator in one statement.

    Which columns are used depends on the indicator's kind: ``amount`` for
    count and money, ``numerator``/``denominator`` for ratios, ``flag`` for
    yes/no, ``grade`` for grades, ``text`` for text commitments.

    A rowid table with an index by indicator, on purpose. As ``WITHOUT ROWID`` (its key's
    B-tree alone) imports cost 8-15 % less and the file a third less, but the index by
    indicator then holds the whole key and doubles the cost of every insert, and without
    it each read of one indicator's values seeks every statement of the plan: an each-unit
    target counted over the whole country took 5.4 s instead of 60 ms (tried and measured,
    then reverted).
    """

    __tablename__ = "statement_value"
    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_non_negative"),
        CheckConstraint(
            "numerator IS NULL OR denominator IS NULL OR "
            "(numerator >= 0 AND denominator >= 0 AND numerator <= denominator)",
            name="ratio_bounds",
        ),
        Index("ix_statement_value_indicator", "indicator_id"),
    )

    statement_id: Mapped[str] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True
    )
    indicator_id: Mapped[str] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True
    )
    amount: Mapped[int | None] = mapped_column(BigInteger)
    numerator: Mapped[int | None] = mapped_column(BigInteger)
    denominator: Mapped[int | None] = mapped_column(BigInteger)
    flag: Mapped[bool | None] = mapped_column(Boolean)
    grade: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")


class StatementMovement(Base):
    """A movement the unit joins (registration)."""

    __tablename__ = "statement_movement"

    statement_id: Mapped[str] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True
    )
    movement_id: Mapped[str] = mapped_column(
        ForeignKey("movement.id", ondelete="CASCADE"), primary_key=True
    )


class StatementTitle(Base):
    """A title or commendation registered, for the collective or a person."""

    __tablename__ = "statement_title"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    #: Indexed: replacing a statement deletes by it, and so does the cascade
    #: from ``statement`` (SQLite scans an unindexed child table per parent row).
    statement_id: Mapped[str] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), index=True
    )
    collective: Mapped[bool] = mapped_column(Boolean)
    person_name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(300))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class StatementWork(Base):
    """A work or product (công trình, sản phẩm) dedicated to an occasion."""

    __tablename__ = "statement_work"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    #: Indexed, as ``StatementTitle.statement_id``.
    statement_id: Mapped[str] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text)
    occasion: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

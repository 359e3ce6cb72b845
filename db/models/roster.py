"""The organisation: unions, the clusters of a year, and where each union sits in the tree."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from db import natural
from db.enums import Sector, UnitKind
from db.models.base import Base, enum_column, new_id

#: The column type of a stored order (:mod:`db.natural`): compared character by
#: character on PostgreSQL as on SQLite (binary), whatever the database's collation.
ORDER_TYPE = String(200).with_variant(String(200, collation="C"), "postgresql")


class Unit(Base):
    """A union: the federation itself, an upper-level union or a CĐCS.

    Identity only; where it sits in the tree is dated, see :class:`RosterEntry`.
    """

    __tablename__ = "unit"
    __table_args__ = (
        #: Each roster row's unit kind read from the index alone (0019_unit_code_order).
        Index("ix_unit_id_kind", "id", "kind"),
        #: The few units that are not CĐCS found without the others (0020_unit_kind_index).
        Index("ix_unit_kind", "kind"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    #: The code's natural order as text (:func:`db.natural.code_order`): the database
    #: lists the first units of a scope by it. Kept by :meth:`_order_code` (ORM writes)
    #: and the column default (Core inserts); nothing updates ``code`` through Core.
    #: Compared character by character on PostgreSQL too (collation "C").
    code_order: Mapped[str | None] = mapped_column(
        ORDER_TYPE, default=natural.code_order_default, index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind, "unit_kind"))
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(400), default="")
    chair_name: Mapped[str] = mapped_column(String(200), default="")

    @validates("code")
    def _order_code(self, _key: str, code: str | None) -> str | None:
        self.code_order = natural.code_order(code)
        return code


class Cluster(Base):
    """A cụm thi đua of one year, with its leader unit (cụm trưởng)."""

    __tablename__ = "cluster"
    __table_args__ = (UniqueConstraint("year", "code"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(300))
    leader_unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))


class RosterEntry(Base):
    """Where a unit sits in the tree in one year, and its size that year.

    ``parent_id`` is NULL only for the top of the tree (the federation).
    Depth is not fixed: a CĐCS may hang directly under the federation.
    """

    __tablename__ = "roster_entry"
    __table_args__ = (
        UniqueConstraint("year", "unit_id"),
        Index("ix_roster_entry_year_parent", "year", "parent_id"),
        #: A cluster's roll-up counts its units (0007_roster_cluster_index).
        Index("ix_roster_entry_year_cluster", "year", "cluster_id"),
        #: The dashboard counts a year's units by sector and kind from the index alone;
        #: never parent or cluster: SQLite would walk the tree over it (0019_unit_code_order).
        Index("ix_roster_entry_cover", "year", "unit_id", "sector"),
        CheckConstraint("member_count >= 0", name="member_count"),
        CheckConstraint("worker_count >= 0", name="worker_count"),
        CheckConstraint("parent_id IS NULL OR parent_id <> unit_id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    cluster_id: Mapped[str | None] = mapped_column(ForeignKey("cluster.id"))
    sector: Mapped[Sector | None] = mapped_column(enum_column(Sector, "sector"))
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    worker_count: Mapped[int] = mapped_column(Integer, default=0)

"""Scoring, ranking and commendation proposals, and a cluster leader's copies of its
members' keys and report packages."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.enums import Sector, UnitKind
from db.models.base import Base, enum_column


class ScoringRules(Base):
    """A plan's scoring rules (a ``thidua.scoring/1`` document), kept beside the plan.

    No foreign key to ``plan``: reinstalling a built-in plan must not drop
    the federation's rules. Without a row the plan's default rules apply.
    """

    __tablename__ = "scoring_rules"

    plan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_json: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[str] = mapped_column(String(40), default="")
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class ScoringFlag(Base):
    """A custom flag the federation sets on a unit for a plan (a veto may follow)."""

    __tablename__ = "scoring_flag"

    plan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(
        ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    note: Mapped[str] = mapped_column(Text, default="")
    set_at: Mapped[str] = mapped_column(String(40), default="")
    set_by: Mapped[str] = mapped_column(String(200), default="")


class CommendationProposal(Base):
    """The federation's proposal for a unit: an award and/or a grade.

    ``score``, ``cluster_rank`` and ``rules_hash`` are what they were when
    the proposal was made, so a later change of rules or data shows.
    """

    __tablename__ = "commendation_proposal"

    plan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(
        ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True
    )
    award: Mapped[str] = mapped_column(String(32), default="")
    award_label: Mapped[str] = mapped_column(String(200), default="")
    grade: Mapped[str | None] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[str] = mapped_column(String(32), default="")
    cluster_rank: Mapped[int | None] = mapped_column(Integer)
    rules_hash: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[str] = mapped_column(String(40), default="")
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class MemberKey(Base):
    """At a cluster leader's unit database: a member unit's key the leader confirmed.

    Confirmed against the member's stamped form or key card, like the
    federation's enrolment; the kind and sector say which indicators apply.
    """

    __tablename__ = "member_key"

    keyid: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    unit_id: Mapped[str] = mapped_column(String(36), index=True)
    unit_code: Mapped[str] = mapped_column(String(32), default="")
    unit_name: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind, "member_unit_kind"))
    sector: Mapped[Sector | None] = mapped_column(enum_column(Sector, "member_sector"))
    confirmed_at: Mapped[str] = mapped_column(String(40), default="")
    confirmed_by: Mapped[str] = mapped_column(String(200), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")


class MemberPackage(Base):
    """At a cluster leader's unit database: a member's verified report package, verbatim.

    Read-only copies for the covenant and the cluster's ranking; they never
    become this unit's own statements.
    """

    __tablename__ = "member_package"
    __table_args__ = (Index("ix_member_package_stream", "unit_id", "plan_id", "stream"),)

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    unit_id: Mapped[str] = mapped_column(String(36))
    plan_id: Mapped[str] = mapped_column(String(64))
    stream: Mapped[str] = mapped_column(String(32))
    epoch: Mapped[int] = mapped_column(Integer, default=1)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    keyid: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[str] = mapped_column(String(40), default="")
    file_name: Mapped[str] = mapped_column(String(400), default="")

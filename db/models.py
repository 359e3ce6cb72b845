"""SQLAlchemy 2 models: the whole domain of an installation.

The same schema serves the federation and a unit: a unit's database simply
holds one unit's statements. Identifiers created offline are UUID strings;
plans have stable slug identifiers (``tuyen-quang-2017``) because packages
refer to them. Values that must stay exact (targets, percentages) are kept
as decimal text; counts and VND amounts are 64-bit integers.

Never change this file without an Alembic migration under
``db/migrations/versions``; a test compares the two.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.enums import (
    Comparison,
    GradeDirection,
    IndicatorKind,
    Rollup,
    Sector,
    TargetScope,
    UnitKind,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A fresh identifier for a row created on this machine."""
    return str(uuid.uuid4())


def _enum(cls: type, name: str) -> SAEnum:
    return SAEnum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
        length=32,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Setting(Base):
    """Key/value facts about this installation (role, own unit, language)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --- organisation -----------------------------------------------------------


class Unit(Base):
    """A union: the federation itself, an upper-level union or a CĐCS.

    Identity only; where it sits in the tree is dated, see :class:`RosterEntry`.
    """

    __tablename__ = "unit"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind, "unit_kind"))
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(400), default="")
    chair_name: Mapped[str] = mapped_column(String(200), default="")


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
        CheckConstraint("member_count >= 0", name="member_count"),
        CheckConstraint("worker_count >= 0", name="worker_count"),
        CheckConstraint("parent_id IS NULL OR parent_id <> unit_id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id"))
    cluster_id: Mapped[str | None] = mapped_column(ForeignKey("cluster.id"))
    sector: Mapped[Sector | None] = mapped_column(_enum(Sector, "sector"))
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    worker_count: Mapped[int] = mapped_column(Integer, default=0)


# --- plans ------------------------------------------------------------------


class Plan(Base):
    """A year's emulation plan (kế hoạch thi đua) issued by a federation."""

    __tablename__ = "plan"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    parent_issuer: Mapped[str] = mapped_column(String(300), default="")
    number: Mapped[str] = mapped_column(String(64), default="")
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(Text)
    theme: Mapped[str] = mapped_column(Text, default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    #: The plan's prose (purposes, contents, organisation, recipients) as JSON,
    #: kept so the plan can be printed as issued.
    body_json: Mapped[str] = mapped_column(Text, default="{}")
    #: The titles and commendations the plan offers, as JSON (0009_narrative_and_awards).
    awards_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    #: SHA-256 of the canonical plan document; packages refer to it.
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)

    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Indicator.sort_order"
    )


class GradeLevel(Base):
    """One level of the plan year's grade scale; rank 1 is the best."""

    __tablename__ = "grade_level"
    __table_args__ = (UniqueConstraint("plan_id", "rank"),)

    plan_id: Mapped[str] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    rank: Mapped[int] = mapped_column(Integer)


class Period(Base):
    """A reporting period of a plan (6 months, year)."""

    __tablename__ = "period"

    plan_id: Mapped[str] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Movement(Base):
    """A phong trào thi đua launched by the plan."""

    __tablename__ = "movement"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    goal: Mapped[str] = mapped_column(Text, default="")
    #: Comma-separated :class:`Sector` values, empty for every sector.
    sectors: Mapped[str] = mapped_column(String(200), default="")
    launched_on: Mapped[dt.date | None] = mapped_column(Date)
    review_on: Mapped[dt.date | None] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class IndicatorGroup(Base):
    """A numbered item of the plan's targets section ("2", "9", "9a").

    Holds the item's full wording; the measurable parts are indicators.
    """

    __tablename__ = "indicator_group"

    plan_id: Mapped[str] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Indicator(Base):
    """One measurable chỉ tiêu of a plan, with one kind of value."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    group_code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[IndicatorKind] = mapped_column(_enum(IndicatorKind, "indicator_kind"))
    rollup: Mapped[Rollup] = mapped_column(_enum(Rollup, "rollup"))
    unit_of_measure: Mapped[str] = mapped_column(String(64), default="")
    numerator_label: Mapped[str] = mapped_column(String(300), default="")
    denominator_label: Mapped[str] = mapped_column(String(300), default="")
    #: Comma-separated :class:`Sector` values the indicator applies to; empty = all.
    sectors: Mapped[str] = mapped_column(String(200), default="")
    #: Comma-separated :class:`UnitKind` values that report it; empty = all.
    unit_kinds: Mapped[str] = mapped_column(String(100), default="")
    #: For ``share_of_units`` over a ratio: when one unit counts as meeting it.
    unit_goal_comparison: Mapped[Comparison | None] = mapped_column(
        _enum(Comparison, "unit_goal_comparison")
    )
    unit_goal_value: Mapped[str | None] = mapped_column(String(32))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[Plan] = relationship(back_populates="indicators")
    targets: Mapped[list[Target]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="Target.sort_order"
    )


class Target(Base):
    """A target on an indicator, for a set of sectors/kinds or one unit.

    ``value`` is decimal text: a percentage for ratio and share roll-ups, a
    count or VND amount for sums, a per-unit figure for averages.
    """

    __tablename__ = "target"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    comparison: Mapped[Comparison] = mapped_column(_enum(Comparison, "comparison"))
    value: Mapped[str] = mapped_column(String(32))
    scope: Mapped[TargetScope] = mapped_column(
        _enum(TargetScope, "target_scope"), default=TargetScope.AGGREGATE
    )
    sectors: Mapped[str] = mapped_column(String(200), default="")
    unit_kinds: Mapped[str] = mapped_column(String(100), default="")
    #: Set when the target is given down to one unit.
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    grade_level: Mapped[str | None] = mapped_column(String(32))
    grade_direction: Mapped[GradeDirection | None] = mapped_column(
        _enum(GradeDirection, "grade_direction")
    )
    #: The plan's own words for this target, e.g. "trên 85%".
    wording: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    #: The period code the target is set for; NULL is the year (0008_target_period).
    period: Mapped[str | None] = mapped_column(String(32))

    indicator: Mapped[Indicator] = relationship(back_populates="targets")


# --- statements: registrations and period reports -----------------------------


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


# --- audit ------------------------------------------------------------------


class AuditEntry(Base):
    """Append-only record of what changed the data and who did it."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(40), index=True)
    actor: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(300), default="")
    detail_json: Mapped[str] = mapped_column(Text, default="{}")


# --- packages, keys and imports (federation and unit) ---------------------------


class SigningKey(Base):
    """A public key known to this installation and what staff decided about it.

    At the federation: one row per unit key (pending until staff confirm the
    fingerprint, then accepted; refused, revoked or retired later). At a
    unit: its own key(s) and the pinned federation key.
    """

    __tablename__ = "signing_key"
    __table_args__ = (Index("ix_signing_key_unit", "unit_id", "status"),)

    keyid: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    unit_id: Mapped[str] = mapped_column(String(36))
    unit_code: Mapped[str] = mapped_column(String(32), default="")
    unit_name: Mapped[str] = mapped_column(String(300), default="")
    epoch: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16), default="unit")  # unit | federation
    received_at: Mapped[str] = mapped_column(String(40), default="")
    decided_at: Mapped[str] = mapped_column(String(40), default="")
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    #: The stamped paper form's reference or a note on the phone check.
    evidence: Mapped[str] = mapped_column(Text, default="")
    #: For a rotation: the key this one replaces (which signed the new one).
    replaces: Mapped[str | None] = mapped_column(String(64))
    #: The enrolment package that introduced the key.
    package_hash: Mapped[str | None] = mapped_column(String(64))


class Package(Base):
    """The append-only archive: every package accepted or held, byte for byte.

    ``hash`` is the SHA-256 of the signed payload. The merged tables can be
    rebuilt from the rows whose status is ``applied`` or ``superseded``.
    """

    __tablename__ = "package"
    __table_args__ = (
        Index("ix_package_stream", "unit_id", "plan_id", "stream", "epoch", "revision"),
        # Covering: which packages were returned or acknowledged, without reading
        # rows whose signed bytes come first (0013_package_return_indexes).
        Index("ix_package_returned", "returned_at", "hash"),
        Index("ix_package_receipt", "receipt_at", "hash"),
    )

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    kind: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[str] = mapped_column(String(36))
    plan_id: Mapped[str] = mapped_column(String(64), default="")
    stream: Mapped[str] = mapped_column(String(32), default="")
    epoch: Mapped[int] = mapped_column(Integer, default=1)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    supersedes: Mapped[str | None] = mapped_column(String(64))
    keyid: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    received_at: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[str] = mapped_column(String(40), default="")
    #: When staff returned it to the unit for correction (0011_stream_life).
    returned_at: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: When its receipt was written; owed while empty for a merged report.
    receipt_at: Mapped[str] = mapped_column(String(40), default="", server_default="")


class StreamHead(Base):
    """The package currently merged for a stream (unit, plan, stream)."""

    __tablename__ = "stream_head"

    unit_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    package_hash: Mapped[str] = mapped_column(String(64))
    epoch: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)


class Conflict(Base):
    """A quarantined package waiting for staff to choose."""

    __tablename__ = "conflict"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_hash: Mapped[str] = mapped_column(String(64), unique=True)
    head_hash: Mapped[str | None] = mapped_column(String(64))
    unit_id: Mapped[str] = mapped_column(String(36))
    plan_id: Mapped[str] = mapped_column(String(64))
    stream: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    resolution: Mapped[str] = mapped_column(String(32), default="")
    resolved_at: Mapped[str] = mapped_column(String(40), default="")
    resolved_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[str] = mapped_column(String(40))


class ImportRun(Base):
    """One import (dry run or applied) with its summary."""

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[str] = mapped_column(String(40))
    finished_at: Mapped[str] = mapped_column(String(40), default="")
    actor: Mapped[str] = mapped_column(String(200), default="")
    summary_json: Mapped[str] = mapped_column(Text, default="{}")


class ImportItem(Base):
    """One file's outcome in an import run."""

    __tablename__ = "import_item"
    __table_args__ = (
        Index("ix_import_item_run", "run_id", "outcome"),
        Index("ix_import_item_package", "run_id", "package_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(400))
    package_hash: Mapped[str] = mapped_column(String(64), default="")
    unit_id: Mapped[str] = mapped_column(String(36), default="")
    unit_code: Mapped[str] = mapped_column(String(32), default="")
    kind: Mapped[str] = mapped_column(String(16), default="")
    stream: Mapped[str] = mapped_column(String(100), default="")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    fingerprint: Mapped[str] = mapped_column(String(40), default="")
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    warning: Mapped[str] = mapped_column(Text, default="")


class Outbox(Base):
    """A unit's export state per stream: revision counter, last hash, status."""

    __tablename__ = "outbox"

    plan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    epoch: Mapped[int] = mapped_column(Integer, default=1)
    last_hash: Mapped[str | None] = mapped_column(String(64))
    exported_at: Mapped[str] = mapped_column(String(40), default="")
    #: The values last sent, as the package carried them (0009_narrative_and_awards).
    sent_values_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    #: draft | sent | received | returned
    status: Mapped[str] = mapped_column(String(16), default="draft")
    comments_json: Mapped[str] = mapped_column(Text, default="{}")


# --- scoring, ranking and commendation proposals ----------------------------------


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
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind, "member_unit_kind"))
    sector: Mapped[Sector | None] = mapped_column(_enum(Sector, "member_sector"))
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


# --- roll-up cache (derived data) -----------------------------------------------


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
    __table_args__ = (Index("ix_rollup_cell_bucket", "plan_id", "family", "bucket_id"),)

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

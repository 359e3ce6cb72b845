"""Packages, keys and imports, at the federation and at a unit: the signing keys known,
the package archive, what is merged, conflicts, import runs and a unit's outbox."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


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

    ``hash`` is the SHA-256 of the signed payload (of the canonical entry for a
    statement staff entered, ``source`` set). The merged tables can be rebuilt
    from the rows whose status is ``applied`` or ``superseded``.
    """

    __tablename__ = "package"
    __table_args__ = (
        Index("ix_package_stream", "unit_id", "plan_id", "stream", "epoch", "revision"),
        # Covering: which packages were returned or acknowledged, without reading
        # rows whose signed bytes come first (0013_package_return_indexes).
        Index("ix_package_returned", "returned_at", "hash"),
        Index("ix_package_receipt", "receipt_at", "hash"),
        # Covering: which reports staff entered on a unit's behalf (0015_staff_entries).
        Index("ix_package_source", "source", "hash"),
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
    #: A statement staff entered on the unit's behalf (0015_staff_entries): from its
    #: paper form or its Excel template (paper | excel); empty for a signed package.
    #: Such a row carries no signature (``keyid`` empty, ``raw`` the canonical entry).
    source: Mapped[str] = mapped_column(String(16), default="", server_default="")
    #: Who entered it (the audit log's actor); empty for a signed package.
    entered_by: Mapped[str] = mapped_column(String(200), default="", server_default="")


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

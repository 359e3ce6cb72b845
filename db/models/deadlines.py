"""When reports are due at the federation: a deadline per (plan, stream) and the
extensions granted to single units.

A deadline is a calendar date in the federation's local calendar, the last
day a report of that stream may arrive; an extension moves that last day for
one unit. Neither is part of the plan document (whose hash packages quote), so
staff may set and change them at any time (0014_deadlines).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class Deadline(Base):
    """The last day a report of ``stream`` may arrive for ``plan_id``."""

    __tablename__ = "deadline"

    plan_id: Mapped[str] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True
    )
    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    due_on: Mapped[dt.date] = mapped_column(Date)
    set_at: Mapped[str] = mapped_column(String(40))
    set_by: Mapped[str] = mapped_column(String(200), default="")


class DeadlineExtension(Base):
    """A later last day for one unit's report of ``stream`` (gia hạn), and why."""

    __tablename__ = "deadline_extension"

    plan_id: Mapped[str] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True
    )
    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit_id: Mapped[str] = mapped_column(
        ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True
    )
    due_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[str] = mapped_column(String(40))
    granted_by: Mapped[str] = mapped_column(String(200), default="")

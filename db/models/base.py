"""The declarative base every model derives from, and the column helpers they share.

Constraint and index names follow :data:`NAMING`, so Alembic migrations name
them the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Enum as SAEnum
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

__all__ = ["NAMING", "Base", "enum_column", "new_id"]

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


def enum_column(cls: type, name: str) -> SAEnum:
    """An enum stored by its values as a checked string (no native database enum)."""
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

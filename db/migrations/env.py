"""Alembic environment: always driven from code with an open connection.

``db.engine.upgrade`` passes the connection in ``config.attributes``; the
``alembic`` command line is not used by the application.
"""

from __future__ import annotations

from alembic import context

from db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by a misused CLI
    raise RuntimeError("Run migrations through db.engine.open_database().")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

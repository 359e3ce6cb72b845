"""Roll-up cache: cells per parent, and triggers that mark what changed

``rollup_cell`` holds the roll-up's sums for the whole plan year, per parent
in the tree and per cluster;
``rollup_dirty`` lists the (plan, unit) pairs whose statements changed since
the cells were computed (``*``: the whole plan). The triggers write those
marks whatever code changes the data, so the cells can never silently go
stale: ``app.rollup.cache`` recomputes marked parents, and treats them as
stale until it has. Every existing plan starts marked whole.

Triggers are on statement rows, not on each value: every writer of values
rewrites or touches its statement row, and a trigger per value would cost
an import about a third more time.

Revision ID: 0006_rollup_cache
Revises: 0005_statement_child_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_rollup_cache"
down_revision = "0005_statement_child_indexes"
branch_labels = None
depends_on = None

# Columns of roster_entry whose change moves a unit between roll-up cells.
_ROSTER_COLUMNS = ("year", "unit_id", "parent_id", "cluster_id", "sector")

_SQLITE_TRIGGERS = [
    # A statement written, rewritten or removed: its (plan, unit).
    """CREATE TRIGGER rollup_mark_statement_insert AFTER INSERT ON statement BEGIN
        INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id) VALUES (NEW.plan_id, NEW.unit_id);
    END""",
    """CREATE TRIGGER rollup_mark_statement_update AFTER UPDATE ON statement BEGIN
        INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id) VALUES (OLD.plan_id, OLD.unit_id);
        INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id) VALUES (NEW.plan_id, NEW.unit_id);
    END""",
    """CREATE TRIGGER rollup_mark_statement_delete AFTER DELETE ON statement BEGIN
        INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id) VALUES (OLD.plan_id, OLD.unit_id);
    END""",
    # The roster of a year: every plan of that year, whole.
    """CREATE TRIGGER rollup_mark_roster_insert AFTER INSERT ON roster_entry BEGIN
        INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id)
            SELECT id, '*' FROM plan WHERE year = NEW.year;
    END""",
    """CREATE TRIGGER rollup_mark_roster_delete AFTER DELETE ON roster_entry BEGIN
        INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id)
            SELECT id, '*' FROM plan WHERE year = OLD.year;
    END""",
    """CREATE TRIGGER rollup_mark_roster_update AFTER UPDATE ON roster_entry
    WHEN """
    + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _ROSTER_COLUMNS)
    + """ BEGIN
        INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id)
            SELECT id, '*' FROM plan WHERE year IN (OLD.year, NEW.year);
    END""",
    # A unit's kind: every plan.
    """CREATE TRIGGER rollup_mark_unit_kind AFTER UPDATE OF kind ON unit
    WHEN OLD.kind IS NOT NEW.kind BEGIN
        INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id) SELECT id, '*' FROM plan;
    END""",
    # The plan's indicators (unit goals decide which cell a ratio falls in) or year.
    """CREATE TRIGGER rollup_mark_indicator_insert AFTER INSERT ON indicator BEGIN
        INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id) VALUES (NEW.plan_id, '*');
    END""",
    """CREATE TRIGGER rollup_mark_indicator_update AFTER UPDATE ON indicator BEGIN
        INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id) VALUES (OLD.plan_id, '*');
        INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id) VALUES (NEW.plan_id, '*');
    END""",
    """CREATE TRIGGER rollup_mark_indicator_delete AFTER DELETE ON indicator BEGIN
        INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id) VALUES (OLD.plan_id, '*');
    END""",
    """CREATE TRIGGER rollup_mark_plan_year AFTER UPDATE OF year ON plan
    WHEN OLD.year IS NOT NEW.year BEGIN
        INSERT OR IGNORE INTO rollup_dirty (plan_id, unit_id) VALUES (NEW.id, '*');
    END""",
]

# DO UPDATE, not DO NOTHING: the no-op update locks an existing mark until this
# transaction ends, so a refresh cannot take (delete) the mark and recompute
# without this transaction's changes, leaving them unmarked once it commits.
_PG_MARK = (
    "INSERT INTO rollup_dirty (plan_id, unit_id) {source} "
    "ON CONFLICT (plan_id, unit_id) DO UPDATE SET unit_id = EXCLUDED.unit_id;"
)

_PG_FUNCTIONS = {
    "thidua_rollup_mark_statement": (
        "IF TG_OP <> 'INSERT' THEN "
        + _PG_MARK.format(source="VALUES (OLD.plan_id, OLD.unit_id)")
        + " END IF; IF TG_OP <> 'DELETE' THEN "
        + _PG_MARK.format(source="VALUES (NEW.plan_id, NEW.unit_id)")
        + " END IF;"
    ),
    "thidua_rollup_mark_roster": (
        "IF TG_OP <> 'INSERT' THEN "
        + _PG_MARK.format(source="SELECT id, '*' FROM plan WHERE year = OLD.year")
        + " END IF; IF TG_OP <> 'DELETE' THEN "
        + _PG_MARK.format(source="SELECT id, '*' FROM plan WHERE year = NEW.year")
        + " END IF;"
    ),
    "thidua_rollup_mark_all_plans": _PG_MARK.format(source="SELECT id, '*' FROM plan"),
    "thidua_rollup_mark_indicator": (
        "IF TG_OP <> 'INSERT' THEN "
        + _PG_MARK.format(source="VALUES (OLD.plan_id, '*')")
        + " END IF; IF TG_OP <> 'DELETE' THEN "
        + _PG_MARK.format(source="VALUES (NEW.plan_id, '*')")
        + " END IF;"
    ),
    "thidua_rollup_mark_plan": _PG_MARK.format(source="VALUES (NEW.id, '*')"),
}

_PG_TRIGGERS = [
    "CREATE TRIGGER rollup_mark_statement AFTER INSERT OR UPDATE OR DELETE ON statement "
    "FOR EACH ROW EXECUTE FUNCTION thidua_rollup_mark_statement()",
    "CREATE TRIGGER rollup_mark_roster_change AFTER INSERT OR DELETE ON roster_entry "
    "FOR EACH ROW EXECUTE FUNCTION thidua_rollup_mark_roster()",
    "CREATE TRIGGER rollup_mark_roster_update AFTER UPDATE ON roster_entry FOR EACH ROW WHEN ("
    + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _ROSTER_COLUMNS)
    + ") EXECUTE FUNCTION thidua_rollup_mark_roster()",
    "CREATE TRIGGER rollup_mark_unit_kind AFTER UPDATE OF kind ON unit FOR EACH ROW "
    "WHEN (OLD.kind IS DISTINCT FROM NEW.kind) EXECUTE FUNCTION thidua_rollup_mark_all_plans()",
    "CREATE TRIGGER rollup_mark_indicator AFTER INSERT OR UPDATE OR DELETE ON indicator "
    "FOR EACH ROW EXECUTE FUNCTION thidua_rollup_mark_indicator()",
    "CREATE TRIGGER rollup_mark_plan_year AFTER UPDATE OF year ON plan FOR EACH ROW "
    "WHEN (OLD.year IS DISTINCT FROM NEW.year) EXECUTE FUNCTION thidua_rollup_mark_plan()",
]

_PG_TRIGGER_TABLES = {
    "rollup_mark_statement": "statement",
    "rollup_mark_roster_change": "roster_entry",
    "rollup_mark_roster_update": "roster_entry",
    "rollup_mark_unit_kind": "unit",
    "rollup_mark_indicator": "indicator",
    "rollup_mark_plan_year": "plan",
}


def upgrade() -> None:
    op.create_table(
        "rollup_cell",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("family", sa.String(length=8), nullable=False),
        sa.Column("bucket_id", sa.String(length=36), nullable=False),
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("indicator_id", sa.String(length=36), nullable=False),
        sa.Column("sector", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("grade", sa.String(length=32), nullable=True),
        sa.Column("goal_met", sa.Integer(), nullable=False),
        sa.Column("units", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("numerator", sa.BigInteger(), nullable=False),
        sa.Column("denominator", sa.BigInteger(), nullable=False),
        sa.Column("yes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_cell")),
    )
    op.create_index(
        "ix_rollup_cell_bucket", "rollup_cell", ["plan_id", "family", "bucket_id"], unique=False
    )
    op.create_table(
        "rollup_dirty",
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "unit_id", name=op.f("pk_rollup_dirty")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for name, body in _PG_FUNCTIONS.items():
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN {body} RETURN NULL; END $$"
            )
        for statement in _PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)
    op.execute("INSERT INTO rollup_dirty (plan_id, unit_id) SELECT id, '*' FROM plan")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for name, table in _PG_TRIGGER_TABLES.items():
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for name in _PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for statement in _SQLITE_TRIGGERS:
            name = statement.split()[2]
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("rollup_dirty")
    op.drop_index("ix_rollup_cell_bucket", table_name="rollup_cell")
    op.drop_table("rollup_cell")

"""Statement values on SQLite: one B-tree by (statement, indicator), no rowid

The values table was a rowid table plus two indexes (its primary key and
``ix_statement_value_indicator``), each holding a copy of the two 36-character
ids: every value was written three times, and a statement's values lay
wherever they arrived. ``WITHOUT ROWID`` keeps each row once, in its primary
key's order: an import writes one tree instead of three (~15 % less work at
20,000 packages), the file holds a third less, and a statement's values are
read in one place.

On SQLite the index by indicator and the foreign key to ``indicator`` go: in a
``WITHOUT ROWID`` table that index would hold the whole key again, and the
foreign key, unindexed, would make SQLite scan every value of every year for
each indicator deleted when a draft plan is edited. The trigger
``statement_value_indicator_delete`` does what the foreign key's cascade did,
through the plan's statements (a value names an indicator of its statement's
plan). PostgreSQL is unchanged.

Revision ID: 0023_values_without_rowid
Revises: 0022_rollup_cell_unique
"""

from __future__ import annotations

from alembic import op

revision = "0023_values_without_rowid"
down_revision = "0022_rollup_cell_unique"
branch_labels = None
depends_on = None

_COLUMNS = "statement_id, indicator_id, amount, numerator, denominator, flag, grade, text, note"
_CHECKS = (
    "CONSTRAINT ck_statement_value_amount_non_negative CHECK (amount IS NULL OR amount >= 0), "
    "CONSTRAINT ck_statement_value_ratio_bounds CHECK (numerator IS NULL OR denominator "
    "IS NULL OR (numerator >= 0 AND denominator >= 0 AND numerator <= denominator))"
)
_STATEMENT_KEY = (
    "CONSTRAINT fk_statement_value_statement_id_statement FOREIGN KEY(statement_id) "
    "REFERENCES statement (id) ON DELETE CASCADE"
)
_INDICATOR_KEY = (
    "CONSTRAINT fk_statement_value_indicator_id_indicator FOREIGN KEY(indicator_id) "
    "REFERENCES indicator (id) ON DELETE CASCADE"
)
_BODY = (
    "statement_id VARCHAR(36) NOT NULL, indicator_id VARCHAR(36) NOT NULL, "
    "amount BIGINT, numerator BIGINT, denominator BIGINT, flag BOOLEAN, "
    "grade VARCHAR(32), text TEXT, note TEXT NOT NULL, "
    "CONSTRAINT pk_statement_value PRIMARY KEY (statement_id, indicator_id)"
)
TRIGGER = "statement_value_indicator_delete"


def _rebuild(constraints: str, suffix: str) -> None:
    """The values copied into a new table of that shape, in key order, then renamed."""
    op.execute(f"CREATE TABLE statement_value_new ({_BODY}, {constraints}){suffix}")
    op.execute(
        f"INSERT INTO statement_value_new ({_COLUMNS}) SELECT {_COLUMNS} FROM statement_value "
        "ORDER BY statement_id, indicator_id"
    )
    op.execute("DROP TABLE statement_value")
    op.execute("ALTER TABLE statement_value_new RENAME TO statement_value")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _rebuild(f"{_CHECKS}, {_STATEMENT_KEY}", " WITHOUT ROWID")
    # The indicator's values, found through its plan's statements (each a seek in the
    # primary key); a plan's draft edit, whose plan has none, finds none at once.
    op.execute(
        f"CREATE TRIGGER {TRIGGER} AFTER DELETE ON indicator BEGIN "
        "DELETE FROM statement_value WHERE indicator_id = OLD.id AND statement_id IN "
        "(SELECT id FROM statement WHERE plan_id = OLD.plan_id); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    _rebuild(f"{_CHECKS}, {_INDICATOR_KEY}, {_STATEMENT_KEY}", "")
    op.execute("CREATE INDEX ix_statement_value_indicator ON statement_value (indicator_id)")

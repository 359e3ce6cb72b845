"""The schema revisions this version of the application knows.

Kept as constants so opening an up-to-date database needs no Alembic import;
``tests/unit/test_database.py`` checks them against the migration scripts.
"""

from __future__ import annotations

#: Every revision in order, oldest first. Append; never edit or reorder.
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_packages",
    "0004_scoring",
    "0005_statement_child_indexes",
    "0006_rollup_cache",
    "0007_roster_cluster_index",
    "0008_target_period",
    "0009_narrative_and_awards",
    "0010_cluster_name_length",
    "0011_stream_life",
    "0012_import_item_package_index",
    "0013_package_return_indexes",
    "0014_deadlines",
    "0015_value_flags",
    "0016_staff_entries",
    "0017_plan_content",
    "0018_rollup_units",
    "0019_unit_code_order",
    "0020_unit_kind_index",
    "0021_rollup_cell_key",
    "0022_rollup_cell_unique",
)
HEAD_REVISION = KNOWN_REVISIONS[-1]

#: PRAGMA application_id of every Thi Đua SQLite file ("TDua").
APPLICATION_ID = 0x54447561

#: The ``setting`` key that marks a database whose move into it has not finished
#: (``db.transfer``); such a database is refused when opened.
MOVE_MARKER = "database_move_unfinished"

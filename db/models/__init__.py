"""SQLAlchemy 2 models: the whole domain of an installation.

The same schema serves the federation and a unit: a unit's database simply
holds one unit's statements. Identifiers created offline are UUID strings;
plans have stable slug identifiers (``tuyen-quang-2017``) because packages
refer to them. Values that must stay exact (targets, percentages) are kept
as decimal text; counts and VND amounts are 64-bit integers.

The models are grouped by capability in the modules of this package, all on
one :class:`~db.models.base.Base` (one metadata, which Alembic compares with
the migrations); every model is re-exported here, so code says
``from db import models`` and ``models.Unit``.

Never change a model without an Alembic migration under
``db/migrations/versions``; a test compares the two.
"""

from db.models.audit import AuditEntry
from db.models.base import NAMING, Base, new_id
from db.models.deadlines import Deadline, DeadlineExtension
from db.models.exchange import (
    Conflict,
    ImportItem,
    ImportRun,
    Outbox,
    Package,
    SigningKey,
    StreamHead,
)
from db.models.flags import ValueCheckSettings, ValueFlag
from db.models.installation import Setting
from db.models.plans import GradeLevel, Indicator, IndicatorGroup, Movement, Period, Plan, Target
from db.models.rollup import RollupCell, RollupDirty, RollupUnit
from db.models.roster import Cluster, RosterEntry, Unit
from db.models.scoring import (
    CommendationProposal,
    MemberKey,
    MemberPackage,
    ScoringFlag,
    ScoringRules,
)
from db.models.statements import (
    Statement,
    StatementMovement,
    StatementTitle,
    StatementValue,
    StatementWork,
)

__all__ = [
    "NAMING",
    "AuditEntry",
    "Base",
    "Cluster",
    "CommendationProposal",
    "Conflict",
    "Deadline",
    "DeadlineExtension",
    "GradeLevel",
    "ImportItem",
    "ImportRun",
    "Indicator",
    "IndicatorGroup",
    "MemberKey",
    "MemberPackage",
    "Movement",
    "Outbox",
    "Package",
    "Period",
    "Plan",
    "RollupCell",
    "RollupDirty",
    "RollupUnit",
    "RosterEntry",
    "ScoringFlag",
    "ScoringRules",
    "Setting",
    "SigningKey",
    "Statement",
    "StatementMovement",
    "StatementTitle",
    "StatementValue",
    "StatementWork",
    "StreamHead",
    "Target",
    "Unit",
    "ValueCheckSettings",
    "ValueFlag",
    "new_id",
]

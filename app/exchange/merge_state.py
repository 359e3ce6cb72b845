"""What a merge run knows: the keys, units and archived packages its decisions
read, which of them it read (to reload just those under the merge lock), the
streams' heads before the run, and the lock itself (:func:`serialise_merges`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import and_, case, select, text, update
from sqlalchemy.orm import Session, aliased

from app.core import domain
from app.core.errors import N_, UserError
from app.core.installation import get_installation
from app.exchange import streams
from app.exchange.bodies import PlanChecks
from app.exchange.bulk import chunks
from app.exchange.key_status import KeyStatus
from app.plans import get_plan
from db import models
from db.enums import Role, Sector

StreamKey = tuple[str, str, str]  # unit id, plan id, stream


@dataclass
class KnownKey:
    """A unit key as the run knows it (a rotation the run accepts changes it)."""

    keyid: str
    public_key: bytes
    unit_id: str
    epoch: int
    status: KeyStatus
    #: For a key the unit itself replaced (a rotation): when the rotation was made
    #: (UTC, see ``streams.utc_created``). What it signed before is the unit's own
    #: report, whatever order the files are read in; only what it signs after is
    #: held for staff. "" for a key staff retired (a lost PC): everything is held.
    retired_since: str = ""


_K = TypeVar("_K")
_V = TypeVar("_V")


class Tracked(dict[_K, _V]):
    """A dict that remembers every key looked up or written (see ``MergeState.refresh``)."""

    def __init__(self, items: Iterable[tuple[_K, _V]] = ()) -> None:
        super().__init__(items)
        #: Keys used since the last ``reload``.
        self.seen: set[_K] = set()
        #: Keys reloaded from the database in the current transaction.
        self.fresh: set[_K] = set()

    def __getitem__(self, key: _K) -> _V:
        self.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.seen.add(key)  # type: ignore[arg-type]
        return super().__contains__(key)

    def __setitem__(self, key: _K, value: _V) -> None:
        self.seen.add(key)
        super().__setitem__(key, value)

    def get(self, key: _K, default: Any = None) -> Any:
        self.seen.add(key)
        return super().get(key, default)

    def pop(self, key: _K, *default: Any) -> Any:
        self.seen.add(key)
        return super().pop(key, *default)

    def reload(self, fresh: dict[_K, _V]) -> None:
        """Replace every seen key's value by ``fresh`` (absent there: removed)."""
        for key in self.seen:
            if key in fresh:
                super().__setitem__(key, fresh[key])
            else:
                super().pop(key, None)
        self.fresh |= self.seen
        self.seen.clear()

    def stale(self) -> bool:
        """Whether a key was used that was not reloaded in this transaction."""
        return not self.seen <= self.fresh

    def settle(self) -> None:
        """The transaction is over: what it wrote is what the database holds."""
        self.seen.clear()
        self.fresh.clear()


#: Key of the transaction-level advisory lock that serialises merges on PostgreSQL.
MERGE_LOCK_KEY = 0x54447561_0002
#: How long a merge waits for another PC's batch to be committed (PostgreSQL).
MERGE_LOCK_WAIT = "300s"


def serialise_merges(session: Session) -> None:
    """Make the caller's transaction the only one merging packages until it ends.

    PostgreSQL: a transaction-level advisory lock (released at commit or
    rollback). SQLite: the first statement of the transaction is a write, so
    it holds the database's write lock from here on (waiting up to the busy
    timeout for another writer) and every read after it sees the latest data.
    Call it first in the transaction, before reading what decisions depend on.
    """
    if session.get_bind().dialect.name == "postgresql":
        previous = session.execute(text("SELECT current_setting('lock_timeout')")).scalar()
        session.execute(
            text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": MERGE_LOCK_WAIT}
        )
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MERGE_LOCK_KEY})
        session.execute(
            text("SELECT set_config('lock_timeout', :previous, true)"), {"previous": previous}
        )
    else:
        session.execute(
            update(models.Setting)
            .where(models.Setting.key == "merge_lock")
            .values(value=models.Setting.value)
        )


class MergeState:
    """Everything a decision needs, loaded once, updated as the run goes.

    ``keys``, ``units`` and ``archived`` remember which entries the
    decisions looked at, so :meth:`refresh` can reload just those.
    """

    def __init__(self, session: Session) -> None:
        installation = get_installation(session)
        if installation is None or installation.role is not Role.FEDERATION:
            raise UserError(N_("Packages can only be imported into a federation database."))
        self.federation_id = installation.own_unit_id
        # Plain columns, not ORM objects: a national roster has 125,000 keys.
        self.keys: Tracked[str, KnownKey] = Tracked(
            (row.keyid, _key(row))
            for row in session.execute(_KEY_COLUMNS.where(models.SigningKey.role == "unit"))
        )
        self.plans: dict[str, domain.Plan] = {}
        for plan_id in session.scalars(select(models.Plan.id)):
            self.plans[plan_id] = get_plan(session, plan_id)
        #: Per plan, what checking a statement looks up (made on first use).
        self.plan_checks: dict[str, PlanChecks] = {}
        #: Per year of a plan limiting movements to sectors, each unit's sector that year.
        self.sectors: dict[int, dict[str, Sector]] = {
            year: {
                unit_id: sector
                for unit_id, sector in session.execute(
                    select(models.RosterEntry.unit_id, models.RosterEntry.sector).where(
                        models.RosterEntry.year == year, models.RosterEntry.sector.is_not(None)
                    )
                )
                if sector is not None
            }
            for year in {
                plan.year
                for plan in self.plans.values()
                if any(movement.sectors for movement in plan.movements)
            }
        }
        self.units: Tracked[str, str] = Tracked(
            (unit_id, code or "")
            for unit_id, code in session.execute(select(models.Unit.id, models.Unit.code))
        )
        self.archived: Tracked[str, str] = Tracked(
            (package_hash, status)
            for package_hash, status in session.execute(
                select(models.Package.hash, models.Package.status)
            )
        )
        #: The federation's own keys: files it wrote itself are skipped.
        self.own_keys = frozenset(
            session.scalars(
                select(models.SigningKey.keyid).where(models.SigningKey.role.in_(("own",)))
            )
        )
        #: Per stream touched by the run, its head before the run (for the labels).
        self.run_heads: dict[StreamKey, str | None] = {}
        self.now = dt.datetime.now(dt.UTC)

    def sector_of(self, plan: domain.Plan, unit_id: str) -> Sector | None:
        """The unit's sector in the plan's year (None: unknown, or the plan limits no
        movement to sectors)."""
        return self.sectors.get(plan.year, {}).get(unit_id)

    def _tracked(self) -> tuple[Tracked[Any, Any], ...]:
        return (self.keys, self.units, self.archived)

    def stale(self) -> bool:
        """Whether a decision since the last :meth:`refresh` read an entry not reloaded."""
        return any(tracked.stale() for tracked in self._tracked())

    def settle(self) -> None:
        for tracked in self._tracked():
            tracked.settle()

    def refresh(self, session: Session) -> None:
        """Reload from the database every entry decisions used since the last call.

        Called inside a batch's transaction after :func:`serialise_merges`,
        before anything of the batch is written: what another importer
        committed in the meantime replaces what this run had (its own earlier
        batches are committed, so the database is the whole truth), and any
        change this run's decisions made to those entries is undone, so the
        batch can be decided again on it.
        """
        keys: dict[str, KnownKey] = {}
        for chunk in chunks(self.keys.seen):
            for row in session.execute(
                _KEY_COLUMNS.where(
                    models.SigningKey.keyid.in_(chunk), models.SigningKey.role == "unit"
                )
            ):
                keys[row.keyid] = _key(row)
        self.keys.reload(keys)
        units: dict[str, str] = {}
        for chunk in chunks(self.units.seen):
            for unit_id, code in session.execute(
                select(models.Unit.id, models.Unit.code).where(models.Unit.id.in_(chunk))
            ):
                units[unit_id] = code or ""
        self.units.reload(units)
        archived: dict[str, str] = {}
        for chunk in chunks(self.archived.seen):
            for package_hash, status in session.execute(
                select(models.Package.hash, models.Package.status).where(
                    models.Package.hash.in_(chunk)
                )
            ):
                archived[package_hash] = status
        self.archived.reload(archived)


_REPLACER = aliased(models.SigningKey)
#: When the unit rotated a retired key: its new key's enrolment's creation time.
_ROTATED_AT = case(
    (
        and_(
            models.SigningKey.status == KeyStatus.RETIRED.value,
            models.SigningKey.decided_by == "rotation",
        ),
        select(models.Package.created_at)
        .join(_REPLACER, _REPLACER.package_hash == models.Package.hash)
        .where(_REPLACER.replaces == models.SigningKey.keyid)
        .limit(1)
        .scalar_subquery(),
    ),
    else_="",
).label("rotated_at")
_KEY_COLUMNS = select(
    models.SigningKey.keyid,
    models.SigningKey.public_key,
    models.SigningKey.unit_id,
    models.SigningKey.epoch,
    models.SigningKey.status,
    _ROTATED_AT,
)


def _key(row: Any) -> KnownKey:
    return KnownKey(
        row.keyid,
        row.public_key,
        row.unit_id,
        row.epoch,
        KeyStatus(row.status),
        streams.utc_created(row.rotated_at or ""),
    )


__all__ = [
    "MERGE_LOCK_KEY",
    "MERGE_LOCK_WAIT",
    "KnownKey",
    "MergeState",
    "StreamKey",
    "Tracked",
    "serialise_merges",
]

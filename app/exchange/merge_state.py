"""What a merge run knows: the keys, units and archived packages its decisions
read, which of them it read (to reload just those under the merge lock), the
streams' heads before the run, and the lock itself (:func:`serialise_merges`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import String, and_, case, func, select, text, type_coerce, update
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
    """A dict that remembers every key looked up or written (see ``MergeState.refresh``),
    and fills itself from ``source`` with what it does not hold yet.

    ``source`` (the keys asked → the values it has of them) is asked once per key
    missing from the dict; a key it does not have is remembered as absent, so a
    run of a few packages reads the few rows it needs instead of the whole table.
    """

    def __init__(
        self,
        items: Iterable[tuple[_K, _V]] = (),
        source: Callable[[list[_K]], dict[_K, _V]] | None = None,
    ) -> None:
        super().__init__(items)
        #: Where missing keys are looked up (None: the dict holds everything).
        self.source = source
        #: Keys ``source`` did not have, or that were removed.
        self.absent: set[_K] = set()
        #: Keys used since the last ``reload``.
        self.seen: set[_K] = set()
        #: Keys reloaded from the database in the current transaction.
        self.fresh: set[_K] = set()

    def _fill(self, key: _K) -> None:
        if self.source is None or key in self.absent or super().__contains__(key):
            return
        found = self.source([key])
        if key in found:
            super().__setitem__(key, found[key])
        else:
            self.absent.add(key)

    def __getitem__(self, key: _K) -> _V:
        self.seen.add(key)
        self._fill(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.seen.add(key)  # type: ignore[arg-type]
        self._fill(key)  # type: ignore[arg-type]
        return super().__contains__(key)

    def __setitem__(self, key: _K, value: _V) -> None:
        self.seen.add(key)
        self.absent.discard(key)
        super().__setitem__(key, value)

    def get(self, key: _K, default: Any = None) -> Any:
        self.seen.add(key)
        self._fill(key)
        return super().get(key, default)

    def pop(self, key: _K, *default: Any) -> Any:
        self.seen.add(key)
        self._fill(key)
        self.absent.add(key)
        return super().pop(key, *default)

    def reload(self, fresh: dict[_K, _V]) -> None:
        """Replace every seen key's value by ``fresh`` (absent there: removed)."""
        for key in self.seen:
            if key in fresh:
                super().__setitem__(key, fresh[key])
                self.absent.discard(key)
            else:
                super().pop(key, None)
                self.absent.add(key)
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


#: A run reads the whole trust store, roster and archive at once when it has at
#: least one file per this many unit keys; fewer files look up just their rows (a
#: USB stick of 30 packages into the national database of 126,000 keys).
ROWS_PER_FILE_READ_WHOLE = 250


class MergeState:
    """Everything a decision needs, read as it is needed, updated as the run goes.

    ``keys``, ``units`` and ``archived`` remember which entries the
    decisions looked at, so :meth:`refresh` can reload just those. They are
    read entry by entry from the database as decisions ask for them, or, for
    a run of many files (``files``), all at once when it starts.

    ``reading`` (``AppContext.reading``): the state outlives ``session`` (an
    import run), and entries are read in a reading transaction of their own,
    or in the one :meth:`refresh` was last given until :meth:`settle`.
    Without it every entry is read in ``session``.
    """

    def __init__(
        self,
        session: Session,
        *,
        reading: Callable[[], AbstractContextManager[Session]] | None = None,
        files: int = 0,
    ) -> None:
        installation = get_installation(session)
        if installation is None or installation.role is not Role.FEDERATION:
            raise UserError(N_("Packages can only be imported into a federation database."))
        self.federation_id = installation.own_unit_id
        self._reading = reading
        self._session: Session | None = None if reading is not None else session
        self.keys: Tracked[str, KnownKey] = Tracked(source=self._source(_read_keys))
        self.units: Tracked[str, str] = Tracked(source=self._source(_read_units))
        self.archived: Tracked[str, str] = Tracked(source=self._source(_read_archived))
        self.plans: Tracked[str, domain.Plan] = Tracked(source=self._source(_read_plans))
        #: Per plan, what checking a statement looks up (made on first use).
        self.plan_checks: dict[str, PlanChecks] = {}
        #: Each unit's sector in a year, as read (None: no sector), and the years
        #: read whole.
        self._sectors: dict[tuple[int, str], Sector | None] = {}
        self._sector_years: set[int] = set()
        #: Whether the run reads whole (:meth:`_read_whole`).
        self._whole = False
        if files and files * ROWS_PER_FILE_READ_WHOLE >= _unit_keys(session):
            self._read_whole(session)
        #: The federation's own keys: files it wrote itself are skipped.
        self.own_keys = frozenset(
            session.scalars(
                select(models.SigningKey.keyid).where(models.SigningKey.role.in_(("own",)))
            )
        )
        #: Per stream touched by the run, its head before the run (for the labels).
        self.run_heads: dict[StreamKey, str | None] = {}
        self.now = dt.datetime.now(dt.UTC)

    def _source(
        self, read: Callable[[Session, list[Any]], dict[Any, Any]]
    ) -> Callable[[list[Any]], dict[Any, Any]]:
        """``read`` in the session entries are read in (see the class docstring)."""

        def source(wanted: list[Any]) -> dict[Any, Any]:
            if self._session is not None:
                return read(self._session, wanted)
            assert self._reading is not None
            with self._reading() as session:
                return read(session, wanted)

        return source

    def _read_whole(self, session: Session) -> None:
        """Every unit key, unit and archived package at once (a run of many files).

        Plain tuples fetched whole through the Core connection; a key becomes a
        :class:`KnownKey` when a decision first asks for it.
        """
        self._whole = True
        connection = session.connection()
        rows = {row[0]: row for row in connection.execute(_KEY_COLUMNS.where(_UNIT_KEY)).all()}
        self.keys.source = lambda wanted: {k: _key(rows[k]) for k in wanted if k in rows}
        units = connection.execute(select(models.Unit.id, models.Unit.code)).all()
        self.units.update((unit_id, code or "") for unit_id, code in units)
        self.units.source = None
        archived = connection.execute(select(models.Package.hash, models.Package.status)).all()
        self.archived.update((package_hash, status) for package_hash, status in archived)
        self.archived.source = None

    def sector_of(self, plan: domain.Plan, unit_id: str) -> Sector | None:
        """The unit's sector in the plan's year (None: unknown, or the plan limits no
        movement to sectors). A run reading whole reads the year's sectors at once."""
        if not any(movement.sectors for movement in plan.movements):
            return None
        key = (plan.year, unit_id)
        if key in self._sectors or plan.year in self._sector_years:
            return self._sectors.get(key)
        if self._whole:
            self._sector_years.add(plan.year)
            self._sectors.update(self._source(_read_year_sectors)([plan.year]))
        else:
            self._sectors.update(self._source(_read_sector)([key]))
        return self._sectors.get(key)

    def _tracked(self) -> tuple[Tracked[Any, Any], ...]:
        return (self.keys, self.units, self.archived)

    def stale(self) -> bool:
        """Whether a decision since the last :meth:`refresh` read an entry not reloaded."""
        return any(tracked.stale() for tracked in self._tracked())

    def settle(self) -> None:
        for tracked in self._tracked():
            tracked.settle()
        if self._reading is not None:
            self._session = None

    def refresh(self, session: Session) -> None:
        """Reload from the database every entry decisions used since the last call.

        Called inside a batch's transaction after :func:`serialise_merges`,
        before anything of the batch is written: what another importer
        committed in the meantime replaces what this run had (its own earlier
        batches are committed, so the database is the whole truth), and any
        change this run's decisions made to those entries is undone, so the
        batch can be decided again on it. Entries first asked for after this
        are read in ``session`` too, until :meth:`settle`.
        """
        self._session = session
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

_UNIT_KEY = models.SigningKey.role == "unit"


def _unit_keys(session: Session) -> int:
    """How many unit keys the trust store holds."""
    return session.scalar(select(func.count()).where(_UNIT_KEY)) or 0


def _read_keys(session: Session, keyids: list[str]) -> dict[str, KnownKey]:
    rows = session.connection().execute(
        _KEY_COLUMNS.where(models.SigningKey.keyid.in_(keyids), _UNIT_KEY)
    )
    return {row.keyid: _key(row) for row in rows}


def _read_units(session: Session, unit_ids: list[str]) -> dict[str, str]:
    rows = session.connection().execute(
        select(models.Unit.id, models.Unit.code).where(models.Unit.id.in_(unit_ids))
    )
    return {unit_id: code or "" for unit_id, code in rows}


def _read_archived(session: Session, hashes: list[str]) -> dict[str, str]:
    rows = session.connection().execute(
        select(models.Package.hash, models.Package.status).where(models.Package.hash.in_(hashes))
    )
    return {package_hash: status for package_hash, status in rows}


def _read_plans(session: Session, plan_ids: list[str]) -> dict[str, domain.Plan]:
    known = session.scalars(select(models.Plan.id).where(models.Plan.id.in_(plan_ids)))
    return {plan_id: get_plan(session, plan_id) for plan_id in known}


def _read_sector(
    session: Session, wanted: list[tuple[int, str]]
) -> dict[tuple[int, str], Sector | None]:
    entry = models.RosterEntry
    return {
        (year, unit_id): session.scalar(
            select(entry.sector).where(entry.year == year, entry.unit_id == unit_id)
        )
        for year, unit_id in wanted
    }


def _read_year_sectors(session: Session, years: list[int]) -> dict[tuple[int, str], Sector]:
    entry = models.RosterEntry
    # The stored values, mapped to members here: the enum type's own processing
    # costs more than the read at the size of the country.
    rows = session.connection().execute(
        select(entry.year, entry.unit_id, type_coerce(entry.sector, String)).where(
            entry.year.in_(years), entry.sector.is_not(None)
        )
    )
    members = {sector.value: sector for sector in Sector}
    return {(year, unit_id): members[value] for year, unit_id, value in rows.all()}


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

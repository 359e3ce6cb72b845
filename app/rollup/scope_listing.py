"""The units of one scope as the dashboard lists them, without the roster read into
memory: their ids, their contacts when named, and the first of them in the natural
order of codes as the database keeps it (``unit.code_order``, indexed).

At national size (126,000 units) reading and indexing the whole roster cost more
than the rest of the dashboard. Two codes that sort alike (``CS-7`` and ``cs-07``)
or a listed unit without a code (sorted by its name) are ordered as
:class:`app.rollup.scope_roster.ScopeRoster` orders them: the roster is then read
after all, so the order never differs.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from app.core.id_sets import id_set
from app.core.installation import get_installation
from app.core.text import natural_key
from app.rollup.query import Scope, scope_rows, scope_units
from app.rollup.scope_roster import Outside, ScopeRoster, read_scope_roster, scope_contact_rows
from db import models
from db.enums import Sector, UnitKind
from db.plain_rows import plain_rows

#: At most this many units are ordered from their own codes; more, from the database's
#: order of every code.
_SMALL = 2_000
#: Rows of the database's order read at a time.
_BATCH = 1_000
_CHUNK = 500


class ScopeListing:
    """The reporting units of ``scope`` in the ``year`` roster (never the federation)."""

    def __init__(self, session: Session, year: int, scope: Scope) -> None:
        self._session = session
        self._year = year
        self._scope = scope
        installation = get_installation(session)
        self.federation_id = installation.own_unit_id if installation is not None else ""
        #: The scope's units by (sector, kind), never the federation (None: not counted
        #: here, the whole roster: the roll-up counts it from the roster's index).
        self.unit_counts: dict[tuple[Sector | None, UnitKind], int] | None = None
        #: A subtree's root and every unit of it with a child in it: the buckets of
        #: parent cells its roll-up reads (None: not a subtree alone).
        self.parents: list[str] | None = None
        #: SELECT of the scope's ids as read here (the federation too when in scope), for
        #: the dashboard's other queries: the subtree is walked once (None: the whole roster).
        self.scope_units: Select[str] | None = None
        #: A scope's (unit, code order) as read, and sorted when first walked.
        self._scope_codes: list[tuple[str, str]] | None = None
        self._scope_order: list[tuple[str, str]] | None = None
        if scope.root_unit_id is None and scope.cluster_id is None:
            query = scope_units(year, scope)
            ids = [unit_id for (unit_id,) in plain_rows(session.connection(), query)]
        else:
            ids = self._read_scope()
            self.scope_units = id_set(session, ids)
        #: The units in scope, in no particular order.
        self.units = [u for u in ids if u != self.federation_id]
        self.contacts = scope_contact_rows(session, year, scope, self.units)
        self._roster: ScopeRoster | None = None
        self._uncoded: set[str] | None = None
        #: The first rows of every unit's order of codes read so far, and whether all are.
        self._walked: list[tuple[str, str]] = []
        self._walk_done = False
        self._members: set[str] | None = None

    def _read_scope(self) -> list[str]:
        """The ids of the scope's roster rows (:func:`app.rollup.query.scope_rows`), and
        from the same rows its units counted by (sector, kind), a subtree's parents, and
        its order of codes: each would otherwise send the ids back to the database (a
        province's 21,000)."""
        rows = scope_rows(self._session, self._year, self._scope)
        self.unit_counts = rows.unit_counts(self.federation_id)
        if self._scope.cluster_id is None:
            self.parents = rows.parents()
        self._scope_codes = [
            (unit_id, str(key))
            for unit_id, _parent, _sector, _kind, key in rows.rows
            if key is not None
        ]
        return rows.ids

    def _read_roster(self) -> ScopeRoster:
        """The scope's roster read as :func:`read_scope_roster` reads it (ties, names)."""
        if self._roster is None:
            self._roster = read_scope_roster(self._session, self._year, self._scope)
        return self._roster

    def ordered(self, unit_ids: Iterable[str]) -> list[str]:
        """``unit_ids`` in the natural order of their codes (names when no code)."""
        wanted = list(unit_ids)
        if len(wanted) > _SMALL:
            return self._read_roster().ordered(wanted)
        in_order = self._stored_order(wanted)
        if in_order is not None:
            return in_order
        texts = self._sort_texts(wanted)
        keys = {u: natural_key(texts[u]) for u in wanted}
        if len(set(keys.values())) < len(keys):  # two alike: the roster's order decides
            return self._read_roster().ordered(wanted)
        return sorted(wanted, key=keys.__getitem__)

    def first(self, unit_ids: Iterable[str], count: int | None) -> list[str]:
        """The first ``count`` of ``unit_ids`` in that order (all when None)."""
        wanted = list(unit_ids)
        if count is None or len(wanted) <= max(count, _SMALL):
            return self.ordered(wanted)[:count]
        first = self._first_in_order(set(wanted), count)
        return first if first is not None else self._read_roster().first(wanted, count)

    def first_outside(
        self, unit_ids: list[str], excluded: Collection[str], count: int | None
    ) -> list[str]:
        """:meth:`first` of the ``unit_ids`` not in ``excluded`` (a set or dict): when
        most are wanted (the early weeks of a year: most units have not sent), the
        order of codes is walked until the first ``count`` are met, without the list of
        the wanted made (126,000 units of the country, per stream)."""
        members = self.members if unit_ids is self.units else set(unit_ids)
        left = len(members) - sum(1 for u in excluded if u in members)
        if count is None or left <= max(count, _SMALL):
            return self.first([u for u in unit_ids if u not in excluded], count)
        first = self._first_in_order(Outside(members, excluded), count)
        if first is not None:
            return first
        return self._read_roster().first([u for u in unit_ids if u not in excluded], count)

    @property
    def members(self) -> set[str]:
        """The units in scope as a set (made when first asked for)."""
        if self._members is None:
            self._members = set(self.units)
        return self._members

    def _stored_order(self, unit_ids: list[str]) -> list[str] | None:
        """``unit_ids`` sorted by the database on their stored order of codes, in one
        query; None when one has no code or two sort alike (the texts decide then)."""
        if len(set(unit_ids)) < len(unit_ids):
            return None
        unit = models.Unit
        rows = self._session.execute(
            select(unit.id, unit.code_order)
            .where(unit.id.in_(unit_ids))  # at most _SMALL: a bound value each
            .order_by(unit.code_order)
        ).all()
        keys = [key for _unit_id, key in rows]
        if len(rows) != len(unit_ids) or not all(keys) or len(set(keys)) < len(keys):
            return None
        return [unit_id for unit_id, _key in rows]

    def _sort_texts(self, unit_ids: list[str]) -> dict[str, str]:
        unit = models.Unit
        texts: dict[str, str] = {}
        for start in range(0, len(unit_ids), _CHUNK):
            chunk = unit_ids[start : start + _CHUNK]
            for unit_id, code, name in self._session.execute(
                select(unit.id, unit.code, unit.name).where(unit.id.in_(chunk))
            ):
                texts[unit_id] = code or name
        return texts

    def _first_in_order(self, wanted: Container[str], count: int) -> list[str] | None:
        """The first ``count`` of ``wanted`` walking the units in the order of their
        codes (the scope's, else every unit's); None when a wanted unit has no code or
        two codes met sort alike."""
        unit = models.Unit
        if self._uncoded is None:
            uncoded = select(unit.id).where(unit.code_order.is_(None))
            self._uncoded = set(self._session.scalars(uncoded))
        if any(unit_id in wanted for unit_id in self._uncoded):
            return None
        chosen: list[str] = []
        previous: str | None = None
        for unit_id, key in self._in_order():
            if key == previous:
                return None
            previous = key
            if len(chosen) == count:  # the row after the last checked for a tie
                break
            if unit_id in wanted:
                chosen.append(unit_id)
        return chosen

    def _in_order(self) -> Iterator[tuple[str, str]]:
        """(unit, its code order) in that order: the scope's units (their codes read
        with their ids), else every unit's, read as far as the caller walks."""
        unit = models.Unit
        query = select(unit.id, unit.code_order).where(unit.code_order.is_not(None))
        if self._scope_codes is not None:  # a scope's codes, read with its units
            if self._scope_order is None:
                # Sorted here: the database would walk every unit's order of codes to
                # find a province's, which sit together far into the country's order.
                self._scope_order = sorted(self._scope_codes, key=lambda row: row[1])
            yield from self._scope_order
            return
        walked = 0
        while True:
            yield from self._walked[walked:]
            walked = len(self._walked)
            if self._walk_done:
                return
            self._walk_page(query)

    def _walk_page(self, query: Select[str, str | None]) -> None:
        """Read the next rows of every unit's order of codes (kept: the lists of each
        stream walk the same first rows), a page from the last key read: the database
        never sends more of the country's 126,000 rows than the walks reach."""
        unit = models.Unit
        if self._walked:
            # From the last key again: its own row is dropped, a tie with it is kept.
            query = query.where(unit.code_order >= self._walked[-1][1])
        rows = plain_rows(
            self._session.connection(),
            query.order_by(unit.code_order).limit(_BATCH + (1 if self._walked else 0)),
        )
        if self._walked:
            rows = rows[1:]
        self._walk_done = len(rows) < _BATCH
        self._walked.extend((unit_id, str(key)) for unit_id, key in rows)


__all__ = ["ScopeListing"]

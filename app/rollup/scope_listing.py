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

from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.installation import get_installation
from app.core.text import natural_key
from app.rollup.query import Scope, scope_units
from app.rollup.scope_roster import ScopeRoster, read_scope_roster, scope_contact_rows
from db import models

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
        ids = session.connection().scalars(scope_units(year, scope)).all()
        #: The units in scope, in no particular order.
        self.units = [u for u in ids if u != self.federation_id]
        self.contacts = scope_contact_rows(session, year, scope, self.units)
        self._roster: ScopeRoster | None = None
        self._scope_order: list[tuple[str, str]] | None = None

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

    def _first_in_order(self, wanted: set[str], count: int) -> list[str] | None:
        """The first ``count`` of ``wanted`` walking the units in the order of their
        codes (the scope's, else every unit's); None when a wanted unit has no code or
        two codes met sort alike."""
        unit = models.Unit
        uncoded = self._session.scalars(select(unit.id).where(unit.code_order.is_(None)))
        if not wanted.isdisjoint(uncoded):
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
        """(unit, its code order) in that order: the scope's units, read once (a
        province's codes sit together, far into the country's order), else every
        unit's, read as far as the caller walks."""
        unit = models.Unit
        query = select(unit.id, unit.code_order).where(unit.code_order.is_not(None))
        if self._scope.root_unit_id is not None or self._scope.cluster_id is not None:
            if self._scope_order is None:
                in_scope = query.where(unit.id.in_(scope_units(self._year, self._scope)))
                rows = self._session.execute(in_scope.order_by(unit.code_order))
                self._scope_order = [(unit_id, str(key)) for unit_id, key in rows]
            yield from self._scope_order
            return
        result = self._session.connection().execute(query.order_by(unit.code_order))
        try:
            while batch := result.fetchmany(_BATCH):
                for unit_id, key in batch:
                    yield unit_id, str(key)
        finally:
            result.close()


__all__ = ["ScopeListing"]

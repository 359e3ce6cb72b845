"""The year's roster read once and indexed for every scope: each reporting unit's
contact, its upper level and cluster, and the units of a scope in the natural
order of their codes.

The dashboard, the units behind a figure, the clusters' standing and the
on-time rates (:mod:`app.rollup.timeliness`) all count units from here, so
they count the same units.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from app.core.installation import get_installation
from app.core.text import natural_key
from app.rollup.query import Scope, scope_units
from db import models
from db.enums import Sector, UnitKind

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class UnitContact:
    id: str
    code: str
    name: str
    kind: UnitKind
    sector: Sector | None
    cluster: str
    parent_name: str
    chair: str
    phone: str
    email: str


#: A roster row as read: code, name, kind, chair, phone, email, parent, cluster, sector.
_Row = tuple[Any, ...]

#: The natural orders last computed (a roster's sort texts → its units in order, and
#: each unit's position): a dashboard refreshed over the same roster sorts its codes
#: once per process.
_ORDERS: list[tuple[dict[str, str], list[str], dict[str, int]]] = []
_ORDERS_KEPT = 4


def natural_order(sort_text: dict[str, str]) -> tuple[list[str], dict[str, int]]:
    """The units of ``sort_text`` in the natural order of their texts (code, else name),
    and unit id → its position in it; the last few orders are kept and reused while
    the texts are the same."""
    for texts, ordered, order in _ORDERS:
        if texts == sort_text:
            return ordered, order
    ordered = sorted(sort_text, key=lambda u: natural_key(sort_text[u]))
    order = {unit_id: index for index, unit_id in enumerate(ordered)}
    _ORDERS.insert(0, (dict(sort_text), ordered, order))
    del _ORDERS[_ORDERS_KEPT:]
    return ordered, order


class _Contacts(Mapping[str, UnitContact]):
    """The scope's contacts, each made from its row the first time it is asked for
    (a national dashboard names a few hundred units of 126,000). The rows are read
    when first needed: those of a few units (:meth:`preload`), else all at once."""

    def __init__(
        self,
        units: Iterable[str],
        read: Callable[[list[str] | None], dict[str, _Row]],
        make: Callable[[str, _Row], UnitContact],
    ) -> None:
        self._units = units if isinstance(units, dict) else dict.fromkeys(units)
        self._read = read
        self._rows: dict[str, _Row] = {}
        self._complete = False
        self._make = make
        self._made: dict[str, UnitContact] = {}

    def preload(self, unit_ids: Iterable[str]) -> None:
        """Read the rows of ``unit_ids`` (the few a caller will name) in a few queries."""
        wanted = [u for u in unit_ids if u in self._units and u not in self._rows]
        if wanted and not self._complete:
            self._rows.update(self._read(wanted))

    def __getitem__(self, unit_id: str) -> UnitContact:
        contact = self._made.get(unit_id)
        if contact is None:
            if unit_id not in self._units:
                raise KeyError(unit_id)
            if unit_id not in self._rows and not self._complete:
                self._rows.update(self._read(None))
                self._complete = True
            contact = self._made[unit_id] = self._make(unit_id, self._rows[unit_id])
        return contact

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._units

    def __iter__(self) -> Iterator[str]:
        return iter(self._units)

    def __len__(self) -> int:
        return len(self._units)


class Outside(Container[str]):
    """The units of a set that are not in another, tested one by one (never made: a
    national scope holds 126,000 units)."""

    def __init__(self, members: Container[str], excluded: Container[str]) -> None:
        self._members = members
        self._excluded = excluded

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._members and unit_id not in self._excluded


class UnitOrder(Protocol):
    """What lists the first units of a scope: the roster read (:class:`ScopeRoster`),
    or the database's order of codes (:class:`app.rollup.scope_listing.ScopeListing`)."""

    contacts: _Contacts

    def ordered(self, unit_ids: Iterable[str]) -> list[str]:
        """``unit_ids`` in the natural order of their codes."""
        ...

    def first(self, unit_ids: Iterable[str], count: int | None) -> list[str]:
        """The first ``count`` of ``unit_ids`` in that order (all when None)."""
        ...

    def first_outside(
        self, unit_ids: list[str], excluded: Collection[str], count: int | None
    ) -> list[str]:
        """:meth:`first` of the ``unit_ids`` not in ``excluded`` (a set or dict)."""
        ...


@dataclass
class ScopeRoster:
    federation_id: str
    contacts: _Contacts
    parents: dict[str, str | None]
    clusters: dict[str, tuple[str, str]]  # id → (code, name)
    cluster_of: dict[str, str | None]
    children: dict[str | None, list[str]]
    members: dict[str | None, list[str]]  # cluster id → its units
    #: unit id → (code or name); what the natural order sorts by
    sort_text: dict[str, str]
    _order: dict[str, int] | None = field(default=None, repr=False)
    _ordered: list[str] = field(default_factory=list, repr=False)

    @property
    def order(self) -> dict[str, int]:
        """unit id → its position in the natural order of codes (names when no code);
        sorted the first time it is asked for (:func:`natural_order`)."""
        if self._order is None:
            self._ordered, self._order = natural_order(self.sort_text)
        return self._order

    def ordered(self, unit_ids: Iterable[str]) -> list[str]:
        """``unit_ids`` in the natural order of their codes; a few units of a large
        roster are sorted on their own, without sorting the roster."""
        wanted = list(unit_ids)
        if self._order is not None or len(wanted) * 4 > len(self.sort_text):
            return sorted(wanted, key=self.order.__getitem__)
        keys = {u: natural_key(self.sort_text[u]) for u in wanted}
        if len(set(keys.values())) == len(keys):  # no two alike: the roster's order not needed
            return sorted(wanted, key=keys.__getitem__)
        position = {unit_id: index for index, unit_id in enumerate(self.sort_text)}
        return sorted(wanted, key=lambda u: (keys[u], position[u]))

    def first(self, unit_ids: Iterable[str], count: int | None) -> list[str]:
        """The first ``count`` of ``unit_ids`` in the natural order of their codes
        (all when ``count`` is None)."""
        wanted = list(unit_ids)
        if count is None or len(wanted) <= count:
            return self.ordered(wanted)
        if len(wanted) * 4 <= len(self.sort_text) and self._order is None:
            return self.ordered(wanted)[:count]
        if self._order is None:
            self._ordered, self._order = natural_order(self.sort_text)
        chosen, first = set(wanted), []
        for unit_id in self._ordered:  # many wanted: the first are met early
            if unit_id in chosen:
                first.append(unit_id)
                if len(first) == count:
                    break
        return first

    def first_outside(
        self, unit_ids: list[str], excluded: Collection[str], count: int | None
    ) -> list[str]:
        """:meth:`first` of the ``unit_ids`` not in ``excluded``."""
        return self.first([u for u in unit_ids if u not in excluded], count)


def read_scope_roster(session: Session, year: int, scope: Scope | None = None) -> ScopeRoster:
    """The year's roster, read once and indexed for every scope; only the units of
    ``scope`` when given (a province of a national roster reads its own rows).

    At national size (126,000 units) this is the dashboard's largest cost after the
    roll-up, so it reads the tree and the codes only; the contacts (name, kind,
    chair, phone, e-mail, sector) are read when first asked for: those of the few
    units a caller names (:meth:`_Contacts.preload`), else all in one query.
    """
    installation = get_installation(session)
    federation_id = installation.own_unit_id if installation is not None else ""
    within = _within(year, scope)
    rows = _tree_rows(session, year, within)
    names = {row[0]: row[2] for row in rows}
    clusters = _clusters(session, year)
    parents: dict[str, str | None] = {}
    cluster_of: dict[str, str | None] = {}
    children: dict[str | None, list[str]] = defaultdict(list)
    members: dict[str | None, list[str]] = defaultdict(list)
    sort_text: dict[str, str] = {}
    for unit_id, code, name, parent, cluster in rows:
        parents[unit_id] = parent
        children[parent].append(unit_id)
        cluster_of[unit_id] = cluster
        members[cluster].append(unit_id)
        sort_text[unit_id] = code or name
    return ScopeRoster(
        federation_id,
        scope_contact_rows(session, year, scope, sort_text, clusters, names),
        parents,
        clusters,
        cluster_of,
        children,
        members,
        sort_text,
    )


def _clusters(session: Session, year: int) -> dict[str, tuple[str, str]]:
    """The year's clusters: id → (code, name)."""
    cluster = models.Cluster
    return {
        cluster_id: (code, name)
        for cluster_id, code, name in session.execute(
            select(cluster.id, cluster.code, cluster.name).where(cluster.year == year)
        )
    }


def scope_contact_rows(
    session: Session,
    year: int,
    scope: Scope | None,
    units: Iterable[str],
    clusters: dict[str, tuple[str, str]] | None = None,
    names: dict[str, str] | None = None,
) -> _Contacts:
    """The contacts of ``units`` (of ``scope``'s roster), each row read when first needed
    (``names``: the upper levels' names already read; the others are read with the rows)."""
    entry = models.RosterEntry
    unit = models.Unit
    within = _within(year, scope)
    known = names or {}
    if clusters is None:
        clusters = _clusters(session, year)
    kinds = {k.value: k for k in UnitKind}  # stored by value (db.models.base.enum_column)
    sectors: dict[str | None, Sector | None] = {s.value: s for s in Sector}
    sectors.update({None: None, "": None})
    cluster_names = {cid: name for cid, (_code, name) in clusters.items()}
    outside: dict[str, str] = {}

    def read(unit_ids: list[str] | None) -> dict[str, _Row]:
        query = select(
            unit.id,
            unit.code,
            unit.name,
            type_coerce(unit.kind, String),
            unit.chair_name,
            unit.phone,
            unit.email,
            entry.parent_id,
            entry.cluster_id,
            type_coerce(entry.sector, String),
        ).join(entry, entry.unit_id == unit.id)
        if unit_ids is None:
            read_rows = session.execute(query.where(entry.year == year, *within)).all()
        else:
            read_rows = []
            for start in range(0, len(unit_ids), _CHUNK):
                chunk = unit_ids[start : start + _CHUNK]
                read_rows.extend(
                    session.execute(query.where(entry.year == year, unit.id.in_(chunk))).all()
                )
        result = {row[0]: row[1:] for row in read_rows}
        wanted = {row[7] for row in read_rows if row[7]} - known.keys() - outside.keys()
        outside.update(_names_outside(session, wanted))
        return result

    def make(unit_id: str, row: _Row) -> UnitContact:
        code, name, kind, chair, phone, email, parent, cluster, sector = row
        return UnitContact(
            id=unit_id,
            code=code or "",
            name=name,
            kind=kinds[kind],
            sector=sectors[sector],
            cluster=cluster_names.get(cluster, "") if cluster else "",
            # Units directly under the federation name it (a blank read as "no upper level").
            parent_name=known.get(parent or "", outside.get(parent or "", "")),
            chair=chair or "",
            phone=phone or "",
            email=email or "",
        )

    return _Contacts(units, read, make)


def _tree_rows(
    session: Session, year: int, within: list[ColumnElement[bool]]
) -> list[tuple[Any, ...]]:
    """(id, code, name, parent, cluster) of the roster's units in scope.

    The whole roster is read as two plain scans joined here: at national size a
    join looks every one of 126,000 units up by its id, twice as slow.
    """
    entry, unit = models.RosterEntry, models.Unit
    if within:
        return [
            tuple(row)
            for row in session.execute(
                select(unit.id, unit.code, unit.name, entry.parent_id, entry.cluster_id)
                .join(entry, entry.unit_id == unit.id)
                .where(entry.year == year, *within)
            )
        ]
    connection = session.connection()  # plain rows, without the ORM's per-row work
    units = {
        unit_id: (code, name)
        for unit_id, code, name in connection.execute(select(unit.id, unit.code, unit.name)).all()
    }
    rows = []
    for unit_id, parent, cluster in connection.execute(
        select(entry.unit_id, entry.parent_id, entry.cluster_id).where(entry.year == year)
    ).all():
        found = units.get(unit_id)
        if found is not None:
            code, name = found
            rows.append((unit_id, code, name, parent, cluster))
    return rows


def _within(year: int, scope: Scope | None) -> list[ColumnElement[bool]]:
    """The roster rows of ``scope`` (none to add for the whole roster)."""
    if scope is None or (scope.root_unit_id is None and scope.cluster_id is None):
        return []
    if scope.root_unit_id is not None:  # the whole subtree: in_scope walks it from the root
        scope = Scope(root_unit_id=scope.root_unit_id)
    return [models.RosterEntry.unit_id.in_(scope_units(year, scope))]


def _names_outside(session: Session, unit_ids: set[str]) -> dict[str, str]:
    """Names of upper levels outside the scope read (a subtree root's own parent)."""
    wanted = sorted(unit_ids)
    names: dict[str, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = session.execute(
            select(models.Unit.id, models.Unit.name).where(models.Unit.id.in_(chunk))
        )
        names.update({unit_id: name for unit_id, name in rows})
    return names


def subtree(roster: ScopeRoster, root: str) -> set[str]:
    """``root`` and every unit under it (a cycle in bad data ends the walk)."""
    units: set[str] = set()
    stack = [root] if root in roster.contacts else []
    while stack:
        current = stack.pop()
        if current in units:
            continue
        units.add(current)
        stack.extend(roster.children.get(current, ()))
    return units


def scope_members(roster: ScopeRoster, scope: Scope) -> list[str]:
    """Reporting units in scope in the roster's order (cheaper than :func:`in_scope`'s
    natural order of codes for a caller that orders only what it lists); never the
    federation itself (it sends no packages, and the roll-up does not count it)."""
    units: set[str] | list[str]
    if scope.root_unit_id is not None:
        units = subtree(roster, scope.root_unit_id)
        if scope.cluster_id is not None:
            units = {u for u in units if roster.cluster_of.get(u) == scope.cluster_id}
    elif scope.cluster_id is not None:
        units = roster.members.get(scope.cluster_id, [])
    else:
        units = list(roster.contacts)
    return [u for u in units if u != roster.federation_id]


def in_scope(roster: ScopeRoster, scope: Scope) -> list[str]:
    """Reporting units in scope in the natural order of their codes; never the
    federation itself (it sends no packages, and the roll-up does not count it)."""
    return roster.ordered(scope_members(roster, scope))


def scope_contacts(session: Session, *, year: int, scope: Scope) -> list[UnitContact]:
    """The reporting units in scope, as the dashboard counts them: every unit of the
    ``year`` roster in scope but the federation, in the natural order of their codes."""
    roster = read_scope_roster(session, year, scope)
    return [roster.contacts[u] for u in in_scope(roster, scope)]


__all__ = [
    "Outside",
    "ScopeRoster",
    "UnitContact",
    "UnitOrder",
    "in_scope",
    "natural_order",
    "read_scope_roster",
    "scope_contact_rows",
    "scope_contacts",
    "scope_members",
    "subtree",
]

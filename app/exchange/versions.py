"""Two archived versions of a unit's statement, lined up: what each says and what differs.

A version is a report read back from the verbatim archive (:func:`read_version`);
:func:`compare_statements` lines two of them up indicator by indicator and detail by
detail (signer, notes, movements, titles, works, narrative). The conflicts page
(:mod:`app.exchange.conflicts`) and a unit's history (:mod:`app.exchange.history`)
both compare through it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.errors import N_
from app.exchange.archived import archived_statement
from app.exchange.bodies import ParsedStatement
from app.exchange.signing import fingerprint_groups
from db import models
from db.enums import Sector, UnitKind


@dataclass(frozen=True)
class Version:
    """One archived report as it was signed."""

    package_hash: str
    revision: int
    epoch: int
    received_at: str
    file_name: str
    fingerprint: str
    statement: ParsedStatement


@dataclass(frozen=True)
class ComparedValue:
    indicator: domain.Indicator
    current: domain.UnitValue | None
    incoming: domain.UnitValue | None

    @property
    def differs(self) -> bool:
        empty = domain.UnitValue()
        return (self.current or empty) != (self.incoming or empty)


@dataclass(frozen=True)
class ComparedField:
    """A statement detail other than a value (signer, date, notes, movements, works)."""

    label: str  # English msgid
    current: str
    incoming: str

    @property
    def differs(self) -> bool:
        return self.current != self.incoming


def read_version(package: models.Package, public_keys: dict[str, bytes]) -> Version:
    """An archived report parsed back, signed package or staff entry (``public_keys``:
    key id → key, for its fingerprint)."""
    key = public_keys.get(package.keyid)
    return Version(
        package_hash=package.hash,
        revision=package.revision,
        epoch=package.epoch,
        received_at=package.received_at,
        file_name=package.file_name,
        fingerprint=fingerprint_groups(key) if key is not None else "",
        statement=archived_statement(package),
    )


def public_keys_of(session: Session, packages: list[models.Package]) -> dict[str, bytes]:
    """The public keys that signed these packages, by key id."""
    keyids = {p.keyid for p in packages}
    return dict(
        session.execute(
            select(models.SigningKey.keyid, models.SigningKey.public_key).where(
                models.SigningKey.keyid.in_(keyids)
            )
        ).all()
    )


def unit_kind_and_sector(
    session: Session, unit_id: str, year: int
) -> tuple[UnitKind | None, Sector | None]:
    """What decides which indicators a unit reports: its kind, and its sector that year."""
    unit = session.get(models.Unit, unit_id)
    entry = session.scalar(
        select(models.RosterEntry).where(
            models.RosterEntry.unit_id == unit_id, models.RosterEntry.year == year
        )
    )
    return (
        unit.kind if unit is not None else None,
        entry.sector if entry is not None else None,
    )


def _works(statement: ParsedStatement | None) -> str:
    if statement is None:
        return ""
    return "\n".join(
        f"{name} ({occasion})" if occasion else name for name, occasion in statement.works
    )


def _titles(statement: ParsedStatement | None) -> str:
    if statement is None:
        return ""
    return "\n".join(
        " — ".join(p for p in (person, position, title) if p)
        for _collective, person, position, title in statement.titles
    )


def _fields(
    plan: domain.Plan, current: ParsedStatement | None, incoming: ParsedStatement
) -> tuple[ComparedField, ...]:
    movements = {m.code: m.name for m in plan.movements}

    def movement_text(statement: ParsedStatement | None) -> str:
        if statement is None:
            return ""
        return "\n".join(movements.get(c, c) for c in statement.movements)

    def text(statement: ParsedStatement | None, attribute: str) -> str:
        if statement is None:
            return ""
        value = getattr(statement, attribute)
        return "" if value is None else str(value)

    def narrative(statement: ParsedStatement | None, attribute: str) -> str:
        return "" if statement is None else str(getattr(statement.narrative, attribute))

    return (
        ComparedField(
            N_("Signed by"),
            text(current, "signer_name"),
            text(incoming, "signer_name"),
        ),
        ComparedField(
            N_("Position"), text(current, "signer_title"), text(incoming, "signer_title")
        ),
        ComparedField(N_("Signed on"), text(current, "signed_on"), text(incoming, "signed_on")),
        ComparedField(N_("Place"), text(current, "place"), text(incoming, "place")),
        ComparedField(N_("Notes"), text(current, "notes"), text(incoming, "notes")),
        ComparedField(N_("Movements joined"), movement_text(current), movement_text(incoming)),
        ComparedField(N_("Titles registered"), _titles(current), _titles(incoming)),
        ComparedField(N_("Works and products"), _works(current), _works(incoming)),
        ComparedField(
            N_("Assessment"),
            narrative(current, "assessment"),
            narrative(incoming, "assessment"),
        ),
        ComparedField(
            N_("Shortcomings"),
            narrative(current, "shortcomings"),
            narrative(incoming, "shortcomings"),
        ),
        ComparedField(
            N_("Direction ahead"),
            narrative(current, "direction"),
            narrative(incoming, "direction"),
        ),
    )


def compare_statements(
    plan: domain.Plan,
    current: ParsedStatement | None,
    incoming: ParsedStatement,
    *,
    kind: UnitKind | None,
    sector: Sector | None,
) -> tuple[tuple[ComparedValue, ...], tuple[ComparedField, ...]]:
    """Two statements of one unit (``current`` may be missing), indicator by indicator:
    every plan indicator the unit (of ``kind`` and ``sector``) reports, plus any value
    only one of them carries; and detail by detail."""
    values = []
    for indicator in plan.indicators:
        old = current.values.get(indicator.code) if current else None
        new = incoming.values.get(indicator.code)
        applies = kind is None or indicator.applies_to(kind, sector)
        if applies or old is not None or new is not None:
            values.append(ComparedValue(indicator, old, new))
    return tuple(values), _fields(plan, current, incoming)


__all__ = [
    "ComparedField",
    "ComparedValue",
    "Version",
    "compare_statements",
    "public_keys_of",
    "read_version",
    "unit_kind_and_sector",
]

"""A unit's history at the federation: every version of its statements, and what changed.

:func:`unit_history` lists, for each stream of a plan, every report the archive
holds from the unit (received, merged, replaced, held or discarded) in order
of epoch and revision: when the federation received it (its own clock), when
the unit says it made it (the unit's PC clock: informational only), the key
that signed it, its file, and when it was returned or acknowledged.
:func:`compare_versions` lines up two of them value by value and detail by
detail, through the comparison the conflicts page uses
(:func:`app.exchange.versions.compare_statements`). Packages are named by
their hash or a unique beginning of it (:func:`app.exchange.lookup.find_package`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain, figures
from app.core.context import AppContext
from app.core.errors import N_, InputError, NotFoundError
from app.core.i18n import gettext as _
from app.exchange.archived import EXCEL, PAPER
from app.exchange.labels import local_time, package_status_label, stream_label
from app.exchange.lookup import find_package
from app.exchange.signing import fingerprint_groups
from app.exchange.versions import (
    compare_statements,
    public_keys_of,
    read_version,
    unit_kind_and_sector,
)
from app.plans import get_plan
from db import models

#: How a version came to the federation: the unit's signed package, or a statement
#: staff entered on its behalf from its paper form or its Excel file
#: (:mod:`app.exchange.entries`; ``package.source``).
SIGNED_PACKAGE = "signed_package"
SOURCES = {
    SIGNED_PACKAGE: N_("Signed package"),
    PAPER: N_("Entered by staff from the paper form"),
    EXCEL: N_("Entered by staff from the Excel file"),
}


@dataclass(frozen=True)
class HistoryEntry:
    """One version of a unit's statement as the archive holds it.

    Times are stored as received (ISO, UTC for the federation's own) and shown in
    the PC's time zone (``*_local``); ``made_at`` is the unit's PC clock, which
    the federation cannot vouch for.
    """

    package_hash: str
    epoch: int
    revision: int
    supersedes: str | None
    status: str  # applied | superseded | quarantined | discarded | pending_key
    status_label: str
    source: str  # signed_package | paper | excel (SOURCES)
    source_label: str
    entered_by: str  # who entered it on the unit's behalf ("" for a signed package)
    received_at: str
    received_local: str
    made_at: str
    made_local: str
    fingerprint: str  # of the signing key, "" when the key is not known
    file_name: str
    returned_at: str
    returned_local: str
    receipt_at: str
    receipt_local: str

    @property
    def entered(self) -> bool:
        """Whether staff entered it on the unit's behalf (no signature)."""
        return self.source != SIGNED_PACKAGE

    @property
    def made_text(self) -> str:
        """Who made it and when: the unit's PC clock for a package; for an entry, the
        staff member who entered it and when ("Cán bộ X nhập lúc …")."""
        if not self.entered:
            return self.made_local
        if self.entered_by:
            return _("Entered by {staff} at {time}").format(
                staff=self.entered_by, time=self.made_local
            )
        return _("Entered by staff at {time}").format(time=self.made_local)

    @property
    def signer_text(self) -> str:
        """The signing key's fingerprint; an entry has no signature (not a warning)."""
        if self.entered:
            return _("No signature (entered on the unit's behalf)")
        return self.fingerprint or _("(unknown key)")


@dataclass(frozen=True)
class StreamHistory:
    """Every version of one stream (registration or a period) of a plan, oldest first."""

    plan_id: str
    stream: str
    stream_label: str
    entries: tuple[HistoryEntry, ...]


@dataclass(frozen=True)
class UnitHistory:
    unit_id: str
    unit_code: str
    unit_name: str
    streams: tuple[StreamHistory, ...]


@dataclass(frozen=True)
class ValueChange:
    """An indicator whose value differs, as the screens write values ("" for none)."""

    code: str
    title: str
    old_text: str
    new_text: str


@dataclass(frozen=True)
class DetailChange:
    """A statement detail that differs (signer, notes, movements, titles, works, narrative)."""

    label: str  # in the interface language
    old_text: str
    new_text: str


@dataclass(frozen=True)
class VersionComparison:
    """What changed from ``first`` to ``second``: only what differs."""

    unit_code: str
    unit_name: str
    plan_id: str
    stream: str
    stream_label: str
    first: HistoryEntry
    second: HistoryEntry
    values: tuple[ValueChange, ...]
    details: tuple[DetailChange, ...]


def _unit(session: Session, unit_code: str) -> models.Unit:
    unit = session.scalar(select(models.Unit).where(models.Unit.code == unit_code.strip()))
    if unit is None:
        raise NotFoundError(N_("No unit with code {code}."), params={"code": unit_code})
    return unit


def _entry(package: models.Package, public_keys: dict[str, bytes]) -> HistoryEntry:
    key = public_keys.get(package.keyid)
    source = package.source or SIGNED_PACKAGE
    return HistoryEntry(
        package_hash=package.hash,
        epoch=package.epoch,
        revision=package.revision,
        supersedes=package.supersedes,
        status=package.status,
        status_label=package_status_label(package.status),
        source=source,
        source_label=_(SOURCES[source]),
        entered_by=package.entered_by,
        received_at=package.received_at,
        received_local=local_time(package.received_at),
        made_at=package.created_at,
        made_local=local_time(package.created_at),
        fingerprint=fingerprint_groups(key) if key is not None else "",
        file_name=package.file_name,
        returned_at=package.returned_at,
        returned_local=local_time(package.returned_at),
        receipt_at=package.receipt_at,
        receipt_local=local_time(package.receipt_at),
    )


def _reports_of(session: Session, unit_id: str) -> list[models.Package]:
    return list(
        session.scalars(
            select(models.Package)
            .where(models.Package.unit_id == unit_id, models.Package.kind == "report")
            .order_by(models.Package.epoch, models.Package.revision, models.Package.received_at)
        )
    )


def unit_history(
    ctx: AppContext, *, unit_code: str, plan_id: str | None = None, stream: str | None = None
) -> UnitHistory:
    """Every report the federation holds from a unit, stream by stream.

    ``plan_id``: that plan's streams (each listed, received or not); by default
    every plan the unit has sent reports for. ``stream``: that one only
    (:class:`InputError` when no plan in view has it).
    """
    with ctx.reading() as session:
        unit = _unit(session, unit_code)
        packages = _reports_of(session, unit.id)
        plan_ids = [plan_id] if plan_id else list(dict.fromkeys(p.plan_id for p in packages))
        plans = sorted((get_plan(session, pid) for pid in plan_ids), key=lambda p: (p.year, p.id))
        if stream is not None and plans and not any(stream in p.streams for p in plans):
            raise InputError(N_("Unknown reporting period {period}."), params={"period": stream})
        public_keys = public_keys_of(session, packages)
        streams = []
        for plan in plans:
            for code in plan.streams:
                if stream is not None and code != stream:
                    continue
                entries = tuple(
                    _entry(p, public_keys)
                    for p in packages
                    if p.plan_id == plan.id and p.stream == code
                )
                streams.append(StreamHistory(plan.id, code, stream_label(code, plan), entries))
        return UnitHistory(unit.id, unit.code or "", unit.name, tuple(streams))


def _value_changes(
    plan: domain.Plan, first: models.Package, second: models.Package, session: Session
) -> tuple[tuple[ValueChange, ...], tuple[DetailChange, ...]]:
    public_keys: dict[str, bytes] = {}
    old, new = read_version(first, public_keys), read_version(second, public_keys)
    kind, sector = unit_kind_and_sector(session, first.unit_id, plan.year)
    values, fields = compare_statements(
        plan, old.statement, new.statement, kind=kind, sector=sector
    )
    return (
        tuple(
            ValueChange(
                v.indicator.code,
                v.indicator.title,
                figures.value_text(plan, v.indicator, v.current),
                figures.value_text(plan, v.indicator, v.incoming),
            )
            for v in values
            if v.differs
        ),
        tuple(DetailChange(_(f.label), f.current, f.incoming) for f in fields if f.differs),
    )


def compare_versions(
    ctx: AppContext, *, first_hash: str, second_hash: str, unit_code: str | None = None
) -> VersionComparison:
    """What changed from one version of a statement to another (hashes or unique
    prefixes; of ``unit_code``'s reports when given): the values and details that
    differ. Both must be versions of the same stream of one unit."""
    with ctx.reading() as session:
        unit = _unit(session, unit_code) if unit_code is not None else None
        unit_id = unit.id if unit is not None else None
        first = find_package(session, first_hash, unit_id=unit_id, kind="report")
        second = find_package(session, second_hash, unit_id=unit_id, kind="report")
        if (first.unit_id, first.plan_id, first.stream) != (
            second.unit_id,
            second.plan_id,
            second.stream,
        ):
            raise InputError(
                N_(
                    "The reports {first} and {second} are not versions of one report "
                    "(the same unit, plan and reporting period)."
                ),
                params={"first": first_hash, "second": second_hash},
            )
        if unit is None:
            unit = session.get(models.Unit, first.unit_id)
        plan = get_plan(session, first.plan_id)
        public_keys = public_keys_of(session, [first, second])
        values, details = _value_changes(plan, first, second, session)
        return VersionComparison(
            unit_code=(unit.code or "") if unit is not None else "",
            unit_name=unit.name if unit is not None else "",
            plan_id=plan.id,
            stream=first.stream,
            stream_label=stream_label(first.stream, plan),
            first=_entry(first, public_keys),
            second=_entry(second, public_keys),
            values=values,
            details=details,
        )


__all__ = [
    "SIGNED_PACKAGE",
    "SOURCES",
    "DetailChange",
    "HistoryEntry",
    "StreamHistory",
    "UnitHistory",
    "ValueChange",
    "VersionComparison",
    "compare_versions",
    "unit_history",
]

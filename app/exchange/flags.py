"""Flags on suspicious values: recomputed when statements are merged, listed for staff,
verified or unverified (audited).

Every merge recomputes the flags of each unit whose statement changed, for
all its streams of the plan (a new registration changes what its results are
compared with), in the merge's transaction; flagging never blocks the merge.
A flag whose figures are unchanged keeps its verification; a value fixed by a
later revision clears its flag. What is suspicious is
:mod:`app.exchange.value_checks`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core import audit, domain
from app.core.audit import utc_now_text
from app.core.context import AppContext
from app.core.errors import N_, InputError, NotFoundError
from app.exchange.bulk import chunks, insert_rows
from app.exchange.value_checks import Finding, UnitSize, amount_indicators, find_suspicious
from app.plans import CheckKind, get_checks, get_plan
from db import models
from db.enums import IndicatorKind

#: (plan id, unit id, stream, package hash) of a statement just merged (the hash is
#: informational: a flag names the head package of its stream).
Touched = tuple[str, str, str, str]
#: The longest note staff may write on a verification.
MAX_NOTE = 2000


@dataclass(frozen=True)
class FlagInfo:
    """A flag as the screens and the command line show it."""

    id: int
    plan_id: str
    unit_id: str
    unit_code: str
    unit_name: str
    stream: str
    indicator_code: str
    indicator_title: str
    indicator_kind: IndicatorKind | None  # None for a check on the unit itself
    kind: CheckKind
    values: dict[str, int | str]
    package_hash: str
    raised_at: str
    verified_at: str
    verified_by: str
    note: str

    @property
    def verified(self) -> bool:
        return bool(self.verified_at)


# --- recomputing ----------------------------------------------------------------


def _amount_rows(session: Session, *where: Any) -> Iterable[Any]:
    """(plan, unit, stream, indicator code, amount) of the merged values with an
    amount, of the statements ``where`` picks."""
    return session.execute(
        select(
            models.Statement.plan_id,
            models.Statement.unit_id,
            models.Statement.stream,
            models.Indicator.code,
            models.StatementValue.amount,
        )
        .join(models.StatementValue, models.StatementValue.statement_id == models.Statement.id)
        .join(models.Indicator, models.Indicator.id == models.StatementValue.indicator_id)
        .where(*where, models.StatementValue.amount.is_not(None))
    )


def _amounts(
    session: Session, plan_ids: list[str], unit_ids: list[str]
) -> dict[tuple[str, str], dict[str, dict[str, int]]]:
    """(plan, unit) → stream → indicator code → amount, for these plans and units."""
    found: dict[tuple[str, str], dict[str, dict[str, int]]] = defaultdict(dict)
    rows = _amount_rows(
        session, models.Statement.plan_id.in_(plan_ids), models.Statement.unit_id.in_(unit_ids)
    )
    for plan_id, unit_id, stream, code, amount in rows:
        if amount is not None:
            found[plan_id, unit_id].setdefault(stream, {})[code] = amount
    return found


def _plan_amounts(
    session: Session,
    plan: domain.Plan,
    unit_ids: list[str],
    written: Mapping[str, Sequence[tuple[Any, ...]]],
) -> dict[tuple[str, str], dict[str, dict[str, int]]]:
    """:func:`_amounts` of ``plan`` for these units, the statements just ``written``
    taken from their rows in memory rather than read back; the others are read."""
    if not written:
        return _amounts(session, [plan.id], unit_ids)
    codes = {i.id: i.code for i in plan.indicators}
    found: dict[tuple[str, str], dict[str, dict[str, int]]] = defaultdict(dict)
    unread: list[str] = []
    for sid, unit_id, stream in session.execute(
        select(models.Statement.id, models.Statement.unit_id, models.Statement.stream).where(
            models.Statement.plan_id == plan.id, models.Statement.unit_id.in_(unit_ids)
        )
    ):
        rows = written.get(sid)
        if rows is None:
            unread.append(sid)
            continue
        for row in rows:  # VALUE_COLUMNS order: statement, indicator, amount, …
            amount = row[2]
            if amount is not None:
                found[plan.id, unit_id].setdefault(stream, {})[codes[row[1]]] = amount
    for chunk in chunks(unread):
        for plan_id, unit_id, stream, code, amount in _amount_rows(
            session, models.Statement.id.in_(chunk)
        ):
            if amount is not None:
                found[plan_id, unit_id].setdefault(stream, {})[code] = amount
    return found


def _streams(session: Session, plan_id: str, unit_ids: list[str]) -> dict[str, dict[str, str]]:
    """unit → stream → the package hash of its merged statement."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    rows = session.execute(
        select(
            models.StreamHead.unit_id, models.StreamHead.stream, models.StreamHead.package_hash
        ).where(models.StreamHead.plan_id == plan_id, models.StreamHead.unit_id.in_(unit_ids))
    )
    for unit_id, stream, package_hash in rows:
        found[unit_id][stream] = package_hash
    for unit_id, stream in session.execute(
        select(models.Statement.unit_id, models.Statement.stream).where(
            models.Statement.plan_id == plan_id, models.Statement.unit_id.in_(unit_ids)
        )
    ):
        found[unit_id].setdefault(stream, "")
    return found


def _sizes(session: Session, year: int, unit_ids: list[str]) -> dict[str, UnitSize]:
    rows = session.execute(
        select(
            models.RosterEntry.unit_id,
            models.RosterEntry.member_count,
            models.RosterEntry.worker_count,
        ).where(models.RosterEntry.year == year, models.RosterEntry.unit_id.in_(unit_ids))
    )
    return {unit_id: UnitSize(members, workers) for unit_id, members, workers in rows}


def _last_year(
    session: Session, plan: domain.Plan, unit_ids: list[str]
) -> dict[str, dict[str, dict[str, int]]]:
    """unit → stream → amounts in last year's plan (the first, by id, the unit reported in)."""
    earlier = list(
        session.scalars(
            select(models.Plan.id).where(models.Plan.year == plan.year - 1).order_by(models.Plan.id)
        )
    )
    if not earlier:
        return {}
    amounts = _amounts(session, earlier, unit_ids)
    found: dict[str, dict[str, dict[str, int]]] = {}
    for plan_id in earlier:
        for unit_id in unit_ids:
            if unit_id not in found and (plan_id, unit_id) in amounts:
                found[unit_id] = amounts[plan_id, unit_id]
    return found


def _findings_json(finding: Finding) -> str:
    return json.dumps(dict(finding.values), ensure_ascii=False, sort_keys=True)


def refresh_flags(
    session: Session,
    touched: Iterable[Touched],
    *,
    written: Mapping[str, Sequence[tuple[Any, ...]]] | None = None,
) -> None:
    """Recompute the flags of every (plan, unit) with a statement in ``touched``
    (and of those units in the next year's plans), inside the caller's transaction.
    A flag names the package of the statement holding the suspicious value.

    ``written``: the value rows (``VALUE_COLUMNS`` order) of the statements the
    caller has just written, by statement id; their amounts are taken from these
    rather than read back (a merge passes every statement it wrote)."""
    by_plan: dict[str, set[str]] = defaultdict(set)
    for plan_id, unit_id, _stream, _package_hash in touched:
        by_plan[plan_id].add(unit_id)
    # Next year's plans compare with these statements: their flags are recomputed too.
    years: dict[str, int] = {
        plan_id: year
        for plan_id, year in session.execute(
            select(models.Plan.id, models.Plan.year).where(models.Plan.id.in_(by_plan))
        )
    }
    for plan_id, year in session.execute(
        select(models.Plan.id, models.Plan.year).where(
            models.Plan.year.in_({year + 1 for year in years.values()})
        )
    ):
        for earlier, earlier_year in years.items():
            if earlier_year + 1 == year:
                by_plan[plan_id] |= by_plan[earlier]
    now = utc_now_text()
    for plan_id, units in sorted(by_plan.items(), key=lambda item: item[0]):
        plan = get_plan(session, plan_id)
        checks = get_checks(session, plan_id)
        indicators = amount_indicators(plan, checks)
        for chunk in chunks(sorted(units)):
            amounts = _plan_amounts(session, plan, chunk, written or {})
            streams = _streams(session, plan_id, chunk)
            sizes = _sizes(session, plan.year, chunk)
            last_year = _last_year(session, plan, chunk)
            existing: dict[tuple[str, str, str, str], models.ValueFlag] = {
                (f.unit_id, f.stream, f.indicator_code, f.check_kind): f
                for f in session.scalars(
                    select(models.ValueFlag).where(
                        models.ValueFlag.plan_id == plan_id, models.ValueFlag.unit_id.in_(chunk)
                    )
                )
            }
            wanted: dict[tuple[str, str, str, str], tuple[str, str]] = {}
            for unit_id in chunk:
                mine = amounts.get((plan_id, unit_id), {})
                for stream, package_hash in streams.get(unit_id, {}).items():
                    findings = find_suspicious(
                        plan,
                        checks,
                        stream,
                        mine.get(stream, {}),
                        registration=mine.get(domain.REGISTRATION_STREAM, {}),
                        last_year=last_year.get(unit_id, {}).get(stream, {}),
                        size=sizes.get(unit_id),
                        indicators=indicators,
                    )
                    for finding in findings:
                        key = (unit_id, stream, finding.indicator_code, finding.kind.value)
                        wanted[key] = (_findings_json(finding), package_hash)
            _sync(session, plan_id, existing, wanted, now)


def _sync(
    session: Session,
    plan_id: str,
    existing: dict[tuple[str, str, str, str], models.ValueFlag],
    wanted: dict[tuple[str, str, str, str], tuple[str, str]],
    now: str,
) -> None:
    gone = [flag.id for key, flag in existing.items() if key not in wanted]
    for ids in chunks(gone):
        session.execute(delete(models.ValueFlag).where(models.ValueFlag.id.in_(ids)))
    new_rows: list[dict[str, str]] = []
    for key, (values_json, package_hash) in wanted.items():
        flag = existing.get(key)
        if flag is None:
            # New flags in one executemany, not one ORM object each.
            unit_id, stream, code, kind = key
            new_rows.append(
                {
                    "plan_id": plan_id,
                    "unit_id": unit_id,
                    "stream": stream,
                    "indicator_code": code,
                    "check_kind": kind,
                    "values_json": values_json,
                    "package_hash": package_hash,
                    "raised_at": now,
                    "verified_at": "",
                    "verified_by": "",
                    "note": "",
                }
            )
            continue
        if flag.values_json == values_json:
            # Unchanged figures (a revision repeating them): still verified if it was.
            flag.package_hash = package_hash
            continue
        flag.values_json = values_json
        flag.package_hash = package_hash
        flag.raised_at = now
        flag.verified_at = ""
        flag.verified_by = ""
        flag.note = ""
    session.flush()
    insert_rows(session, models.ValueFlag, new_rows)


# --- listing and verifying --------------------------------------------------------


def _info(
    flag: models.ValueFlag,
    unit: models.Unit,
    indicators: dict[tuple[str, str], tuple[str, IndicatorKind]],
) -> FlagInfo:
    title, kind = indicators.get((flag.plan_id, flag.indicator_code), ("", None))
    return FlagInfo(
        id=flag.id,
        plan_id=flag.plan_id,
        unit_id=flag.unit_id,
        unit_code=unit.code or "",
        unit_name=unit.name,
        stream=flag.stream,
        indicator_code=flag.indicator_code,
        indicator_title=title,
        indicator_kind=kind,
        kind=CheckKind(flag.check_kind),
        values=json.loads(flag.values_json),
        package_hash=flag.package_hash,
        raised_at=flag.raised_at,
        verified_at=flag.verified_at,
        verified_by=flag.verified_by,
        note=flag.note,
    )


def flags_of(
    session: Session, *, plan_id: str | None = None, include_verified: bool = False
) -> list[FlagInfo]:
    """The flags (of one plan), open ones only unless ``include_verified``, by unit code."""
    query = select(models.ValueFlag, models.Unit).join(
        models.Unit, models.Unit.id == models.ValueFlag.unit_id
    )
    if plan_id is not None:
        get_plan(session, plan_id)
        query = query.where(models.ValueFlag.plan_id == plan_id)
    if not include_verified:
        query = query.where(models.ValueFlag.verified_at == "")
    rows = session.execute(query).all()
    plans = {flag.plan_id for flag, _unit in rows}
    indicators = {
        (p, code): (title, kind)
        for p, code, title, kind in session.execute(
            select(
                models.Indicator.plan_id,
                models.Indicator.code,
                models.Indicator.title,
                models.Indicator.kind,
            ).where(models.Indicator.plan_id.in_(plans))
        )
    }
    infos = [_info(flag, unit, indicators) for flag, unit in rows]
    return sorted(
        infos, key=lambda f: (f.plan_id, f.unit_code, f.stream, f.indicator_code, f.kind.value)
    )


def list_flags(
    ctx: AppContext, *, plan_id: str | None = None, include_verified: bool = False
) -> list[FlagInfo]:
    """The suspicious values to look at (see :func:`flags_of`)."""
    with ctx.reading() as session:
        return flags_of(session, plan_id=plan_id, include_verified=include_verified)


def _flag(session: Session, flag_id: int) -> models.ValueFlag:
    flag = session.get(models.ValueFlag, flag_id)
    if flag is None:
        raise NotFoundError(
            N_("There is no flagged value with the number {flag_id}."),
            params={"flag_id": flag_id},
        )
    return flag


def verify_flag(ctx: AppContext, *, flag_id: int, note: str = "") -> None:
    """Mark a flagged value as checked with the unit ("đã xác minh"), with an optional note."""
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InputError(
            N_("The note is too long (at most {limit} characters)."), params={"limit": MAX_NOTE}
        )
    with ctx.unit_of_work() as session:
        flag = _flag(session, flag_id)
        if flag.verified_at:
            raise InputError(
                N_("The flagged value {flag_id} is already verified."), params={"flag_id": flag_id}
            )
        flag.verified_at = utc_now_text()
        flag.verified_by = audit.current_actor()
        flag.note = note
        audit.record(
            session,
            action="value_flag.verify",
            subject=str(flag_id),
            detail={
                "plan": flag.plan_id,
                "unit": flag.unit_id,
                "stream": flag.stream,
                "indicator": flag.indicator_code,
                "check": flag.check_kind,
                "note": note,
            },
        )


def unverify_flag(ctx: AppContext, *, flag_id: int) -> None:
    """Open a verified flag again (audited)."""
    with ctx.unit_of_work() as session:
        flag = _flag(session, flag_id)
        if not flag.verified_at:
            raise InputError(
                N_("The flagged value {flag_id} is not verified."), params={"flag_id": flag_id}
            )
        flag.verified_at = ""
        flag.verified_by = ""
        flag.note = ""
        audit.record(
            session,
            action="value_flag.unverify",
            subject=str(flag_id),
            detail={"plan": flag.plan_id, "unit": flag.unit_id, "check": flag.check_kind},
        )


__all__ = [
    "FlagInfo",
    "flags_of",
    "list_flags",
    "refresh_flags",
    "unverify_flag",
    "verify_flag",
]

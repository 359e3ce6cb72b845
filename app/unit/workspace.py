"""The unit's workspace: what its screens show, and one small save per edit.

Every edit is its own short transaction (``set_value``, ``set_details``…),
so nothing typed and committed is lost when the power goes. The screens
validate as the user types with :func:`app.statements.records.check_value`; the
save functions check again and refuse invalid values, changing nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.audit import utc_now_text
from app.core.context import AppContext
from app.core.errors import N_, InputError, UserError
from app.core.installation import (
    get_setting,
    require_unit_installation,
    set_setting,
)
from app.core.text import nfc
from app.core.values import check_value
from app.plans import get_plan, plan_or_newest
from app.statements import (
    StatementDetails as StatementDetails,  # the details panel's, named here as before
)
from app.statements import (
    details_problems,
    statement_values,
    touch_statement,
    write_details,
)
from db import models
from db.enums import (
    REGISTRATION_STREAM,
    Comparison,
    IndicatorKind,
    Rollup,
    Sector,
    TargetScope,
    UnitKind,
)


@dataclass(frozen=True)
class UnitInfo:
    id: str
    code: str
    name: str
    kind: UnitKind
    sector: Sector | None
    chair_name: str
    phone: str
    email: str


@dataclass(frozen=True)
class StreamState:
    """Export status of one stream as the unit sees it."""

    stream: str
    revision: int = 0
    status: str = "draft"  # draft | sent | received | returned
    exported_at: str = ""
    general_comment: str = ""
    comments: dict[str, str] = field(default_factory=dict)
    last_hash: str | None = None
    #: The values last sent (as the package carried them), by indicator code.
    sent_values: dict[str, domain.UnitValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Workspace:
    unit: UnitInfo
    plan: domain.Plan
    values: dict[str, dict[str, domain.UnitValue]]  # stream → code → value
    details: dict[str, StatementDetails]
    states: dict[str, StreamState]
    federation_name: str
    federation_pinned: bool
    key_fingerprint: str
    last_backup_at: str

    @property
    def streams(self) -> tuple[str, ...]:
        return self.plan.streams

    def applies(self, indicator: domain.Indicator) -> bool:
        return indicator.applies_to(self.unit.kind, self.unit.sector)

    def unit_targets(self, indicator: domain.Indicator) -> tuple[domain.Target, ...]:
        """Targets given down to this unit (empty when the plan gives none)."""
        return tuple(t for t in indicator.targets if t.unit_id == self.unit.id)


def _own(session: Session) -> models.Unit:
    installation = require_unit_installation(session)
    unit = session.get(models.Unit, installation.own_unit_id)
    if unit is None:
        raise UserError(N_("This needs a unit database."))
    return unit


def _chosen_plan_id(session: Session) -> str | None:
    """The plan the chair chose to work on, if it is still there."""
    chosen = get_setting(session, "current_plan")
    if chosen and session.get(models.Plan, chosen) is not None:
        return chosen
    return None


def working_plan_id(session: Session, plan_id: str | None = None) -> str:
    """``plan_id`` when given, else the plan the unit works on: the one its chair
    chose, else the newest; :class:`UserError` when there is no plan yet."""
    return plan_or_newest(session, plan_id or _chosen_plan_id(session))


def load_workspace(ctx: AppContext, *, plan_id: str | None = None) -> Workspace:
    with ctx.reading() as session:
        unit = _own(session)
        plan_id = working_plan_id(session, plan_id)
        plan = get_plan(session, plan_id)
        sector_text = get_setting(session, "own_sector")
        info = UnitInfo(
            unit.id,
            unit.code or "",
            unit.name,
            unit.kind,
            Sector(sector_text) if sector_text else None,
            unit.chair_name,
            unit.phone,
            unit.email,
        )
        streams = plan.streams
        values = {
            s: statement_values(session, plan_id=plan_id, unit_id=unit.id, stream=s)
            for s in streams
        }
        details = {s: statement_details(session, plan_id, unit.id, s) for s in streams}
        states = {}
        for stream in streams:
            outbox = session.get(models.Outbox, (plan_id, stream))
            if outbox is None:
                states[stream] = StreamState(stream)
            else:
                comments = json.loads(outbox.comments_json or "{}")
                states[stream] = StreamState(
                    stream,
                    outbox.revision,
                    outbox.status,
                    outbox.exported_at,
                    comments.get("general", ""),
                    dict(comments.get("fields", {})),
                    outbox.last_hash,
                    _sent_values(outbox.sent_values_json),
                )
        from app.exchange import own_key_info

        key = own_key_info(session)
        pinned = session.scalar(
            select(models.SigningKey.keyid).where(
                models.SigningKey.role == "federation", models.SigningKey.status == "accepted"
            )
        )
        return Workspace(
            unit=info,
            plan=plan,
            values=values,
            details=details,
            states=states,
            federation_name=get_setting(session, "federation_name") or "",
            federation_pinned=pinned is not None,
            key_fingerprint=key.fingerprint if key else "",
            last_backup_at=get_setting(session, "last_backup_at") or "",
        )


def statement_details(
    session: Session, plan_id: str, unit_id: str, stream: str
) -> StatementDetails:
    row = _statement(session, plan_id, unit_id, stream, create=False)
    if row is None:
        return StatementDetails()
    movements = tuple(
        sorted(
            code
            for (code,) in session.execute(
                select(models.Movement.code)
                .join(
                    models.StatementMovement,
                    models.StatementMovement.movement_id == models.Movement.id,
                )
                .where(models.StatementMovement.statement_id == row.id)
            )
        )
    )
    titles = tuple(
        (t.collective, t.person_name, t.position, t.title)
        for t in session.scalars(
            select(models.StatementTitle)
            .where(models.StatementTitle.statement_id == row.id)
            .order_by(models.StatementTitle.sort_order)
        )
    )
    works = tuple(
        (w.name, w.occasion)
        for w in session.scalars(
            select(models.StatementWork)
            .where(models.StatementWork.statement_id == row.id)
            .order_by(models.StatementWork.sort_order)
        )
    )
    return StatementDetails(
        row.signer_name,
        row.signer_title,
        row.signed_on,
        row.place,
        row.notes,
        movements,
        titles,
        works,
        row.revision,
        domain.Narrative(row.assessment, row.shortcomings, row.direction),
    )


def _statement(
    session: Session, plan_id: str, unit_id: str, stream: str, *, create: bool = True
) -> models.Statement | None:
    row = session.scalar(
        select(models.Statement).where(
            models.Statement.plan_id == plan_id,
            models.Statement.unit_id == unit_id,
            models.Statement.stream == stream,
        )
    )
    if row is None and create:
        from app.exchange import statement_id

        row = models.Statement(
            id=statement_id(plan_id, unit_id, stream),
            plan_id=plan_id,
            unit_id=unit_id,
            stream=stream,
            updated_at=utc_now_text(),
        )
        session.add(row)
        session.flush()
    return row


def check_stream(plan: domain.Plan, stream: str) -> None:
    if stream != REGISTRATION_STREAM and stream not in {p.code for p in plan.periods}:
        raise InputError(N_("Unknown reporting period {period}."), params={"period": stream})


def set_value(
    ctx: AppContext, *, plan_id: str, stream: str, code: str, value: domain.UnitValue
) -> None:
    """Save one indicator's value (an empty value clears it). Invalid → InputError."""
    set_values(ctx, plan_id=plan_id, stream=stream, values={code: value})


def set_values(
    ctx: AppContext, *, plan_id: str, stream: str, values: Mapping[str, domain.UnitValue]
) -> None:
    """Save several indicators' values in one transaction: all of them, or none.

    Only the indicators named change; the rest of the statement (other values,
    movements, titles, works, signer) is left as it is. An empty value (no
    note either) clears that indicator. The first invalid value raises
    :class:`InputError` and nothing is written.
    """
    with ctx.unit_of_work() as session:
        unit = _own(session)
        plan = get_plan(session, plan_id)
        check_stream(plan, stream)
        grade_codes = tuple(g.code for g in plan.grade_levels)
        indicators = {}
        for code, value in values.items():
            try:
                indicator = plan.indicator(code)
            except KeyError as exc:
                raise InputError(N_("This indicator is not in the plan."), detail=code) from exc
            problems = check_value(indicator, value, grade_codes)
            if problems:
                raise InputError(problems[0].message)
            indicators[code] = indicator
        row = _statement(session, plan_id, unit.id, stream)
        assert row is not None
        for code, value in values.items():
            indicator = indicators[code]
            existing = session.get(models.StatementValue, (row.id, indicator.id))
            if value.is_empty() and not value.note:
                if existing is not None:
                    session.delete(existing)
                continue
            if existing is None:
                existing = models.StatementValue(statement_id=row.id, indicator_id=indicator.id)
                session.add(existing)
            existing.amount = value.amount
            existing.numerator = value.numerator
            existing.denominator = value.denominator
            existing.flag = value.flag
            existing.grade = value.grade
            existing.text = nfc(value.text) if value.text else None
            existing.note = nfc(value.note)
        row.updated_at = utc_now_text()
        touch_statement(session, row.id)
        _mark_changed(session, plan_id, stream)


def refuse_movements_not_offered(session: Session, plan: domain.Plan, codes: Sequence[str]) -> None:
    """:class:`InputError` when ``codes`` name a movement the plan does not offer to this
    unit's sector (LĐG-HCSN to an enterprise's union), as the federation's import would."""
    sector_text = get_setting(session, "own_sector")
    sector = Sector(sector_text) if sector_text else None
    for movement in plan.movements:
        if movement.code in codes and not movement.offered_to(sector):
            raise InputError(
                N_("The movement “{name}” is not for units of this sector."),
                params={"name": movement.name},
            )


def set_details(ctx: AppContext, *, plan_id: str, stream: str, details: StatementDetails) -> None:
    """Save signer, date, place, notes, movements, titles and works of a statement."""
    with ctx.unit_of_work() as session:
        unit = _own(session)
        plan = get_plan(session, plan_id)
        check_stream(plan, stream)
        movement_ids = {m.code: m.id for m in plan.movements}
        unknown = [code for code in details.movements if code not in movement_ids]
        if unknown:
            raise InputError(N_("This movement is not in the plan."), detail=unknown[0])
        refuse_movements_not_offered(session, plan, details.movements)
        problems = details_problems(details)
        if problems:
            raise InputError(
                N_("The statement has {count} invalid values; nothing was saved."),
                params={"count": len(problems)},
                detail="; ".join(f"{p.indicator_code}: {p.translated()}" for p in problems),
            )
        row = _statement(session, plan_id, unit.id, stream)
        assert row is not None
        write_details(
            session, row, details, [movement_ids[c] for c in details.movements], typed=True
        )
        _mark_changed(session, plan_id, stream)


def _mark_changed(session: Session, plan_id: str, stream: str) -> None:
    """An edit after an export means the federation's copy is out of date."""
    outbox = session.get(models.Outbox, (plan_id, stream))
    if outbox is not None and outbox.status != "draft":
        outbox.status = "changed"


def _sent_values(raw: str | None) -> dict[str, domain.UnitValue]:
    from app.exchange import PayloadError, parse_values

    try:
        return parse_values(json.loads(raw or "{}"))
    except (ValueError, AttributeError, PayloadError):
        return {}


@dataclass(frozen=True)
class SendWarning:
    """A soft warning before sending: a reason to look again, never a refusal.

    ``message`` is an English msgid; ``params`` fill its placeholders.
    """

    code: str
    message: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SendingReview:
    """What a package will carry, checked before it is written."""

    stream: str
    revision: int  # the revision about to be written
    values: int  # indicators with a value
    empty: tuple[str, ...]  # applicable indicators without a value (codes)
    #: What changed since the last send: (code, as sent, as now), empty at the first send.
    changes: tuple[tuple[str, domain.UnitValue | None, domain.UnitValue | None], ...]
    warnings: tuple[SendWarning, ...]
    first_send: bool


#: Beyond these a figure is very likely mistyped (an extra zero, a phone number).
IMPLAUSIBLE_COUNT = 100_000
IMPLAUSIBLE_MONEY = 100_000_000_000  # 100 tỷ đồng


def review_before_sending(workspace: Workspace, stream: str) -> SendingReview:
    """Check a stream before it is sent: what is empty, what changed, what looks wrong.

    Soft warnings (never blocking): a commitment below the province's target
    for the unit's own percentage (or below a target given to the unit);
    figures of an implausible size; results ten times the registered value.
    """
    from app.core import figures

    plan, unit = workspace.plan, workspace.unit
    values = workspace.values.get(stream, {})
    registered = workspace.values.get(REGISTRATION_STREAM, {})
    state = workspace.states.get(stream, StreamState(stream))
    applicable = [i for i in plan.indicators if workspace.applies(i)]
    empty = tuple(
        i.code for i in applicable if values.get(i.code) is None or values[i.code].is_empty()
    )
    changes: list[tuple[str, domain.UnitValue | None, domain.UnitValue | None]] = []
    if state.revision:
        for indicator in plan.indicators:
            before, now = state.sent_values.get(indicator.code), values.get(indicator.code)
            if (before or domain.UnitValue()) != (now or domain.UnitValue()):
                changes.append((indicator.code, before, now))
    warnings: list[SendWarning] = []
    for indicator in applicable:
        value = values.get(indicator.code)
        if value is None or value.is_empty():
            continue
        amount = value.amount if value.amount is not None else value.denominator
        limit = IMPLAUSIBLE_MONEY if indicator.kind is IndicatorKind.MONEY else IMPLAUSIBLE_COUNT
        if amount is not None and amount > limit:
            warnings.append(
                SendWarning(
                    indicator.code,
                    N_("{code}: {value} is unusually large; check it."),
                    {"value": figures.value_text(plan, indicator, value)},
                )
            )
        if stream == REGISTRATION_STREAM:
            for target in _targets_for_unit(indicator, unit):
                if indicator.rollup is Rollup.SHARE_OF_UNITS and target.unit_id is None:
                    meets = figures.unit_counts_towards(plan, indicator, target, value)
                elif (
                    indicator.rollup in (Rollup.SUM, Rollup.AVERAGE_PER_UNIT)
                    and target.scope is TargetScope.AGGREGATE
                    and target.unit_id is None
                ):
                    continue  # a province total: a unit's part is not compared with it
                else:
                    meets = figures.unit_value_meets(plan, indicator, target, value)
                if meets is False:
                    warnings.append(
                        SendWarning(
                            indicator.code,
                            N_("{code}: the commitment {value} is below the target ({target})."),
                            {
                                "value": figures.value_text(plan, indicator, value),
                                "target": figures.target_text(plan, indicator, target),
                            },
                        )
                    )
        else:
            base = registered.get(indicator.code)
            if (
                base is not None
                and indicator.kind in (IndicatorKind.COUNT, IndicatorKind.MONEY)
                and base.amount
                and value.amount is not None
                and value.amount > 10 * base.amount
            ):
                warnings.append(
                    SendWarning(
                        indicator.code,
                        N_("{code}: {value} is more than ten times the registered {registered}."),
                        {
                            "value": figures.value_text(plan, indicator, value),
                            "registered": figures.value_text(plan, indicator, base),
                        },
                    )
                )
    return SendingReview(
        stream=stream,
        revision=state.revision + 1,
        values=sum(1 for v in values.values() if not v.is_empty()),
        empty=empty,
        changes=tuple(changes),
        warnings=tuple(warnings),
        first_send=not state.revision,
    )


def _targets_for_unit(indicator: domain.Indicator, unit: UnitInfo) -> list[domain.Target]:
    """The targets that judge this unit's own value: given down to it, else the
    province's targets that cover its kind and sector (for the year)."""
    own = [t for t in indicator.targets if t.unit_id == unit.id and not t.period]
    if own:
        return own
    return [
        t
        for t in indicator.targets
        if t.unit_id is None
        and not t.period
        and (not t.sectors or unit.sector in t.sectors)
        and (not t.unit_kinds or unit.kind in t.unit_kinds)
        and t.comparison not in (Comparison.AT_MOST, Comparison.NONE)
    ]


def missing_before_export(workspace: Workspace, stream: str) -> list[str]:
    """English msgids of what must be filled before the stream can be sent."""
    problems: list[str] = []
    details = workspace.details.get(stream, StatementDetails())
    if not details.signer_name.strip():
        problems.append(N_("Enter the name of the person who signs."))
    if not any(not v.is_empty() for v in workspace.values.get(stream, {}).values()):
        problems.append(N_("Enter at least one value."))
    return problems


def update_unit_details(
    ctx: AppContext, *, name: str, chair_name: str, phone: str, email: str, sector: Sector | None
) -> None:
    if not name.strip():
        raise InputError(N_("Enter the name of the union."))
    with ctx.unit_of_work() as session:
        unit = _own(session)
        unit.name = nfc(name.strip())
        unit.chair_name = nfc(chair_name.strip())
        unit.phone = phone.strip()
        unit.email = email.strip()
        if sector is not None:
            set_setting(session, "own_sector", sector.value)


def record_backup(ctx: AppContext) -> None:
    with ctx.unit_of_work() as session:
        set_setting(session, "last_backup_at", utc_now_text())


def streams_with_values(workspace: Workspace) -> Sequence[str]:
    return [s for s in workspace.streams if workspace.values.get(s)]

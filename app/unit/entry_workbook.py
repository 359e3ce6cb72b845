"""At the federation: a unit's filled Excel template entered on its behalf.

A unit that does not run the program may still fill the template and send the
workbook. Staff read it with the unit's own reader and checks
(:func:`app.unit.template.read_statement_workbook`, for that unit's template
only), see old → new against what the federation holds for the unit as the
unit's own import shows it (:func:`app.unit.filling.merged_value`: only what the
workbook holds changes), then enter it as a statement from the Excel file
(:func:`app.exchange.enter_statement`, source ``excel``), which archives, merges
and audits it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app.core import domain
from app.core.context import AppContext
from app.core.errors import N_, InputError, NotFoundError
from app.core.files import display_name
from app.core.installation import require_federation_installation
from app.core.legacy_repair import LegacyReport
from app.exchange import EXCEL, EntryResult, enter_statement
from app.plans import get_plan
from app.statements import statement_values
from app.unit.filling import ValueChange, merged_value
from app.unit.template import read_statement_workbook
from db import models


@dataclass(frozen=True)
class EntryPreview:
    """What entering a unit's filled template would change, before anything is written."""

    path: Path
    unit_code: str
    unit_name: str
    plan_id: str
    stream: str
    changes: tuple[ValueChange, ...]
    #: Values the workbook holds that equal what the federation holds already.
    unchanged: int
    #: Cells converted from a legacy encoding, per encoding.
    conversions: dict[str, int]
    #: What the federation holds for the unit now (the preview's "old").
    held: dict[str, domain.UnitValue]
    #: Every cell converted from a legacy font, and every one left as it was.
    legacy: LegacyReport = field(default_factory=LegacyReport)


def preview_entry_workbook(
    ctx: AppContext, *, unit_code: str, plan_id: str, path: Path, stream: str | None = None
) -> EntryPreview:
    """Read a unit's filled template and say what entering it would change (old → new).

    Every row is checked first; a bad one, or another unit's or plan's workbook (or
    another period's, ``stream`` given), raises and nothing is written.
    """
    with ctx.reading() as session:
        require_federation_installation(session)
        plan = get_plan(session, plan_id)
        unit = session.scalar(select(models.Unit).where(models.Unit.code == unit_code.strip()))
        if unit is None:
            raise NotFoundError(N_("No unit with code {code}."), params={"code": unit_code})
        conversions: dict[str, int] = {}
        legacy: list[LegacyReport] = []
        stream, workbook = read_statement_workbook(
            path,
            plan=plan,
            stream=stream,
            conversions=conversions,
            legacy=legacy,
            unit_code=unit.code,
        )
        held = statement_values(session, plan_id=plan.id, unit_id=unit.id, stream=stream)
        code, name = unit.code or "", unit.name
    changes: list[ValueChange] = []
    unchanged = 0
    for indicator in plan.indicators:
        if indicator.code not in workbook:
            continue
        old = held.get(indicator.code)
        new = merged_value(old, workbook[indicator.code])
        if old == new:
            unchanged += 1
        else:
            changes.append(ValueChange(indicator.code, indicator.title, old, new))
    return EntryPreview(
        path,
        code,
        name,
        plan.id,
        stream,
        tuple(changes),
        unchanged,
        conversions,
        held,
        legacy[0] if legacy else LegacyReport(),
    )


def apply_entry_workbook(
    ctx: AppContext, *, preview: EntryPreview, received_on: dt.date | None = None
) -> EntryResult:
    """Enter the statement a preview showed, on the unit's behalf (source ``excel``),
    received at the federation on ``received_on`` (None: today).

    Refused (nothing written) when what the federation holds for the unit changed
    since the preview, or when the preview changes nothing.
    """
    with ctx.reading() as session:
        unit = session.scalar(select(models.Unit).where(models.Unit.code == preview.unit_code))
        held = (
            statement_values(
                session, plan_id=preview.plan_id, unit_id=unit.id, stream=preview.stream
            )
            if unit is not None
            else {}
        )
    if held != preview.held:
        raise InputError(
            N_("The values changed since the workbook was read; import it again to see them.")
        )
    if not preview.changes:
        raise InputError(
            N_("Nothing differs from the statement already entered; nothing was saved.")
        )
    values = dict(preview.held)
    values.update({change.code: change.new for change in preview.changes})
    return enter_statement(
        ctx,
        unit_code=preview.unit_code,
        plan_id=preview.plan_id,
        stream=preview.stream,
        source=EXCEL,
        values=values,
        file_name=display_name(preview.path.name),
        received_on=received_on,
    )


def enter_from_workbook(
    ctx: AppContext,
    *,
    unit_code: str,
    plan_id: str,
    path: Path,
    stream: str | None = None,
    received_on: dt.date | None = None,
) -> tuple[EntryPreview, EntryResult]:
    """Enter a unit's filled template at once (the CLI): the preview and the entry."""
    preview = preview_entry_workbook(
        ctx, unit_code=unit_code, plan_id=plan_id, path=path, stream=stream
    )
    return preview, apply_entry_workbook(ctx, preview=preview, received_on=received_on)


__all__ = [
    "EntryPreview",
    "apply_entry_workbook",
    "enter_from_workbook",
    "preview_entry_workbook",
]

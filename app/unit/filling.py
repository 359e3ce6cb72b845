"""A statement entered from a file: a JSON document (the CLI), or the Excel
template round trip (written pre-filled, read back, previewed as old → new,
then applied)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.core import domain
from app.core.context import AppContext
from app.core.errors import N_, InputError
from app.core.files import read_limited
from app.core.installation import get_setting, require_unit_installation
from app.core.legacy_repair import LegacyReport
from app.core.strictjson import loads_strict
from app.exchange import MAX_PACKAGE_BYTES, parse_statement
from app.plans import get_plan
from app.statements import StatementInput, save_statement, statement_values
from app.unit.template import read_statement_workbook, write_statement_template
from app.unit.workspace import check_stream, refuse_movements_not_offered, set_values
from db import models
from db.enums import Sector


def fill_from_json(ctx: AppContext, *, path: Path) -> str:
    """Enter a statement from a JSON file (same checks as the screen)."""
    document = loads_strict(
        read_limited(path, MAX_PACKAGE_BYTES),
        max_bytes=MAX_PACKAGE_BYTES,
        max_depth=8,
        allow_floats=False,
    )
    if not isinstance(document, dict) or not {"plan", "stream", "statement"} <= set(document):
        raise InputError(N_("The file must hold plan, stream and statement."))
    parsed = parse_statement({"statement": document["statement"]})
    with ctx.unit_of_work() as session:
        installation = require_unit_installation(session)
        refuse_movements_not_offered(
            session, get_plan(session, str(document["plan"])), parsed.movements
        )
        return save_statement(
            session,
            StatementInput(
                plan_id=str(document["plan"]),
                unit_id=installation.own_unit_id,
                stream=str(document["stream"]),
                values=parsed.values,
                signer_name=parsed.signer_name,
                signer_title=parsed.signer_title,
                signed_on=parsed.signed_on,
                place=parsed.place,
                notes=parsed.notes,
                movement_codes=parsed.movements,
                titles=parsed.titles,
                works=parsed.works,
            ),
        )


def write_template(ctx: AppContext, *, plan_id: str, stream: str, out: Path) -> Path:
    """The Excel template for this unit's statement, pre-filled with what is saved."""
    with ctx.reading() as session:
        installation = require_unit_installation(session)
        plan = get_plan(session, plan_id)
        check_stream(plan, stream)
        own = session.get(models.Unit, installation.own_unit_id)
        assert own is not None
        sector_text = get_setting(session, "own_sector")
        sector = Sector(sector_text) if sector_text else None
        applicable = {i.code for i in plan.indicators if i.applies_to(own.kind, sector)}
        values = statement_values(session, plan_id=plan_id, unit_id=own.id, stream=stream)
        unit_code, unit_name = own.code or "", own.name
    write_statement_template(
        out,
        plan=plan,
        stream=stream,
        unit_code=unit_code,
        unit_name=unit_name,
        values=values,
        applicable=applicable,
    )
    return out


@dataclass(frozen=True)
class ValueChange:
    """One indicator an import would change: what is saved now, and what it would be."""

    code: str
    title: str
    old: domain.UnitValue | None
    new: domain.UnitValue


@dataclass(frozen=True)
class WorkbookPreview:
    """What importing a filled template would change, before anything is written."""

    path: Path
    plan_id: str
    stream: str
    changes: tuple[ValueChange, ...]
    #: Values the workbook holds that equal what is saved already.
    unchanged: int
    #: Cells converted from a legacy encoding, per encoding.
    conversions: dict[str, int]
    #: Every cell converted from a legacy font, and every one left as it was.
    legacy: LegacyReport = field(default_factory=LegacyReport)


def merged_value(old: domain.UnitValue | None, held: domain.UnitValue) -> domain.UnitValue:
    """What a workbook's row makes of a saved value: it changes only what it holds.

    Figures the row has replace the saved figures; a note it has replaces the
    saved note. An empty figure or note cell keeps what is saved.
    """
    if old is None:
        return held
    figures = held if not held.is_empty() else old
    return domain.UnitValue(
        amount=figures.amount,
        numerator=figures.numerator,
        denominator=figures.denominator,
        flag=figures.flag,
        grade=figures.grade,
        text=figures.text,
        note=held.note or old.note,
    )


def preview_workbook(ctx: AppContext, *, path: Path, plan_id: str) -> WorkbookPreview:
    """Read a filled template and say what importing it would change (old → new).

    Every row is checked first (:func:`app.unit.template.read_statement_workbook`);
    a bad one raises and nothing is read further. The workbook carries values
    and notes only: the movements, titles, works and signer are never touched.
    """
    with ctx.reading() as session:
        installation = require_unit_installation(session)
        plan = get_plan(session, plan_id)
        conversions: dict[str, int] = {}
        legacy: list[LegacyReport] = []
        stream, held = read_statement_workbook(
            path, plan=plan, conversions=conversions, legacy=legacy
        )
        saved = statement_values(
            session, plan_id=plan_id, unit_id=installation.own_unit_id, stream=stream
        )
    changes: list[ValueChange] = []
    unchanged = 0
    for indicator in plan.indicators:
        if indicator.code not in held:
            continue
        old = saved.get(indicator.code)
        new = merged_value(old, held[indicator.code])
        if old == new:
            unchanged += 1
        else:
            changes.append(ValueChange(indicator.code, indicator.title, old, new))
    return WorkbookPreview(path, plan_id, stream, tuple(changes), unchanged, conversions, legacy[0])


def apply_workbook(ctx: AppContext, *, preview: WorkbookPreview) -> int:
    """Write the changes a preview showed, in one transaction; returns how many.

    Refused (nothing written) when a value changed since the preview was made.
    """
    with ctx.reading() as session:
        installation = require_unit_installation(session)
        saved = statement_values(
            session,
            plan_id=preview.plan_id,
            unit_id=installation.own_unit_id,
            stream=preview.stream,
        )
    if any(saved.get(change.code) != change.old for change in preview.changes):
        raise InputError(
            N_("The values changed since the workbook was read; import it again to see them.")
        )
    set_values(
        ctx,
        plan_id=preview.plan_id,
        stream=preview.stream,
        values={change.code: change.new for change in preview.changes},
    )
    return len(preview.changes)


def fill_from_workbook(ctx: AppContext, *, path: Path, plan_id: str) -> LegacyReport:
    """Import a filled template at once (the CLI): only the values it holds change.

    Returns the report of cells converted from a legacy font, and of cells left.
    """
    preview = preview_workbook(ctx, path=path, plan_id=plan_id)
    apply_workbook(ctx, preview=preview)
    return preview.legacy


__all__ = [
    "ValueChange",
    "WorkbookPreview",
    "apply_workbook",
    "fill_from_json",
    "fill_from_workbook",
    "merged_value",
    "preview_workbook",
    "write_template",
]

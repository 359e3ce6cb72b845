"""A unit's filled Excel template entered by staff at the federation: read with the
unit's own reader, previewed old → new against what the federation holds, entered
as a statement from the Excel file; another unit's workbook, and a preview gone
stale, are refused and change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core import domain
from app.core.context import AppContext
from app.core.errors import InputError
from app.core.i18n import translator
from app.demo.province import Demo
from app.exchange import enter_statement, unit_history
from app.unit import apply_entry_workbook, enter_from_workbook, preview_entry_workbook
from app.unit.template import write_statement_template
from db import models
from db.enums import IndicatorKind
from tests.helpers import GoldenProvince

PLAN = "tuyen-quang-2017"
UNIT = "CS-00001"


def _codes(demo: Demo) -> list[str]:
    unit = demo.unit(UNIT)
    return [
        i.code
        for i in demo.plan.indicators
        if i.kind is IndicatorKind.COUNT and i.applies_to(unit.kind, unit.sector)
    ][:2]


def _workbook(demo: Demo, folder: Path, values: dict[str, int], unit_code: str = UNIT) -> Path:
    unit = demo.unit(unit_code)
    path = folder / f"{unit_code}.xlsx"
    write_statement_template(
        path,
        plan=demo.plan,
        stream="h1",
        unit_code=unit_code,
        unit_name=unit.name,
        values={c: domain.UnitValue(amount=n) for c, n in values.items()},
        applicable={i.code for i in demo.plan.indicators},
    )
    return path


def _packages(ctx: AppContext) -> int:
    with ctx.reading() as session:
        return session.scalar(select(func.count()).select_from(models.Package)) or 0


def test_filled_template_previewed_then_entered(
    golden: GoldenProvince, ctx: AppContext, tmp_path: Path
) -> None:
    a, b = _codes(golden.demo)
    enter_statement(
        ctx,
        unit_code=UNIT,
        plan_id=PLAN,
        stream="h1",
        source="paper",
        values={a: domain.UnitValue(amount=10)},
    )
    path = _workbook(golden.demo, tmp_path, {a: 10, b: 7})
    preview = preview_entry_workbook(ctx, unit_code=UNIT, plan_id=PLAN, path=path)
    assert preview.stream == "h1"
    assert [(c.code, c.old, c.new) for c in preview.changes] == [
        (b, None, domain.UnitValue(amount=7))
    ]
    assert preview.unchanged == 1
    entered = apply_entry_workbook(ctx, preview=preview)
    assert (entered.source, entered.revision, entered.file_name) == ("excel", 2, "CS-00001.xlsx")
    (h1,) = unit_history(ctx, unit_code=UNIT, plan_id=PLAN, stream="h1").streams
    assert [e.source for e in h1.entries] == ["paper", "excel"]
    # The preview is spent: applying it again finds the values changed.
    with pytest.raises(InputError):
        apply_entry_workbook(ctx, preview=preview)
    # At once, as the CLI does it.
    _preview, again = enter_from_workbook(
        ctx, unit_code=UNIT, plan_id=PLAN, path=_workbook(golden.demo, tmp_path, {a: 11})
    )
    assert again.revision == 3


def test_another_units_workbook_is_refused(
    golden: GoldenProvince, ctx: AppContext, tmp_path: Path
) -> None:
    a, _b = _codes(golden.demo)
    path = _workbook(golden.demo, tmp_path, {a: 5}, unit_code="CS-00002")
    before = _packages(ctx)
    with pytest.raises(InputError) as refused:
        enter_from_workbook(ctx, unit_code=UNIT, plan_id=PLAN, path=path)
    text = translator("vi")(refused.value.message)
    assert text != refused.value.message
    assert _packages(ctx) == before

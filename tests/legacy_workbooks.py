"""A unit's filled template as an old office file has it: notes typed in old fonts.

Shared by the GUI test of the import preview and the screenshots.
"""

from __future__ import annotations

from pathlib import Path

from app.core.context import AppContext, open_context


def new_unit(database: Path) -> tuple[AppContext, str]:
    """A unit's database, set up: (its context, its own unit's id)."""
    from app.setup.first_run import initialize
    from db.enums import Role, Sector

    ctx = open_context(database)
    with ctx.unit_of_work() as session:
        installation = initialize(
            session,
            role=Role.UNIT,
            name="CĐ Xi măng",
            code="CS-1",
            sector=Sector.NON_STATE_ENTERPRISE,
        )
    return ctx, installation.own_unit_id


def office_template(ctx: AppContext, out: Path) -> Path:
    """A filled registration template: one note in .VnTime (TCVN3), one in VNI-Times,
    one in no legacy font that fits both encodings (left as it was)."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from app.unit import write_template

    path = write_template(ctx, plan_id="tuyen-quang-2017", stream="registration", out=out)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(5, sheet.max_row + 1)}
    codes = [code for code in rows if code]
    notes = [
        (codes[0], 12, "KÕt n¹p ®oµn viªn míi ë ph©n x\xadëng", ".VnTime"),
        (codes[1], None, "Toå 2 vaø toå 3", "VNI-Times"),
        (codes[2], None, "Tæ", "Arial"),
    ]
    for code, amount, note, font in notes:
        if amount is not None:
            sheet.cell(row=rows[code], column=5, value=amount)
        sheet.cell(row=rows[code], column=11, value=note).font = Font(name=font)
    book.save(path)
    return path

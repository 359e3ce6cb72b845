"""The roster exported as a workbook, in the template's layout.

:func:`export_roster_workbook` writes a year's roster with the columns of
:data:`app.roster.columns.COLUMNS`, so the federation can edit it and import
it back with :func:`app.roster.workbook_import.import_roster`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import domain
from app.core.errors import N_, NotFoundError
from app.core.files import check_output
from app.core.installation import get_installation
from app.core.sheets import put
from app.core.workbooks import COUNT_FORMAT, WorkbookExport, print_setup, save_workbook
from app.roster.columns import COLUMNS, KIND_LABELS, ROSTER_SHEET, SECTOR_LABELS, listing_order
from app.roster.tree import list_roster
from db import models
from db.parameters import in_chunks


def _roster_row(
    unit: domain.RosterUnit,
    codes: dict[str, str | None],
    leaders: dict[str, str | None],
    chairs: dict[str, str],
) -> dict[str, object]:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": KIND_LABELS[unit.kind],
        "sector": SECTOR_LABELS[unit.sector] if unit.sector else None,
        "parent": codes.get(unit.parent_id or ""),
        "cluster": unit.cluster_code,
        "leader": "x"
        if unit.cluster_code is not None and leaders.get(unit.cluster_code) == unit.id
        else None,
        "members": unit.member_count,
        "workers": unit.worker_count,
        "chair": chairs.get(unit.id) or None,
        "phone": unit.phone or None,
        "email": unit.email or None,
    }


def export_roster_workbook(session: Session, *, year: int, path: Path) -> WorkbookExport:
    """Write the ``year`` roster in the roster template's columns, ready to edit and import.

    The top of the tree (this federation) is left out, as in the template: a
    unit directly under it has an empty upper-level code. Raises
    :class:`NotFoundError` when the year has no roster and :class:`InputError`
    for a bad output path. Saved whole (:func:`app.core.workbooks.save_workbook`).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    check_output(path, suffix=".xlsx")
    roster = list_roster(session, year=year)
    installation = get_installation(session)
    top = {u.id for u in roster if u.parent_id is None}
    if installation is not None:
        top.add(installation.own_unit_id)
    units = [u for u in roster if u.id not in top]
    if not units:
        raise NotFoundError(N_("There is no roster for {year}."), params={"year": year})
    codes = {u.id: u.code for u in roster if u.id not in top}
    leaders = dict(
        session.execute(
            select(models.Cluster.code, models.Cluster.leader_unit_id).where(
                models.Cluster.year == year
            )
        ).all()
    )
    chairs = {
        unit_id: chair
        for chunk in in_chunks(u.id for u in units)  # a country's 126,000 units
        for unit_id, chair in session.execute(
            select(models.Unit.id, models.Unit.chair_name).where(models.Unit.id.in_(chunk))
        )
    }

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = ROSTER_SHEET
    for column, spec in enumerate(COLUMNS, start=1):
        put(sheet, 1, column, spec.header).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = spec.width
    ordered = sorted(units, key=listing_order)
    for row, unit in enumerate(ordered, start=2):
        record = _roster_row(unit, codes, leaders, chairs)
        for column, spec in enumerate(COLUMNS, start=1):
            cell = put(sheet, row, column, record[spec.key])
            if spec.key in ("members", "workers"):
                cell.number_format = COUNT_FORMAT
    sheet.freeze_panes = "C2"
    print_setup(sheet, "1:1")
    workbook.properties.title = f"Danh sách đơn vị năm {year}"
    workbook.properties.creator = "Thi Đua"
    save_workbook(workbook, path)
    return WorkbookExport(path, tuple(workbook.sheetnames), len(ordered))

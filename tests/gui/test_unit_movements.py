"""The chair's list of movements offers only those for the unit's sector (an enterprise
is not offered the administrative units' LĐG-HCSN, nor an administrative unit the
enterprises' LĐG-DN); one already saved stays listed, so it can be unticked."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from app.plans import get_plan
from app.unit import StatementDetails
from db.enums import Sector, UnitKind
from tests.helpers import PLAN, unit_database

from ui.unit.details import DetailsPanel


def listed(panel: DetailsPanel) -> list[str]:
    return [
        str(panel.movements.item(row).data(Qt.ItemDataRole.UserRole))
        for row in range(panel.movements.count())
    ]


@pytest.mark.parametrize(
    ("sector", "offered", "not_offered"),
    [
        (Sector.STATE_ENTERPRISE, "LDG-DN", "LDG-HCSN"),
        (Sector.NON_STATE_ENTERPRISE, "LDG-DN", "LDG-HCSN"),
        (Sector.ADMINISTRATIVE, "LDG-HCSN", "LDG-DN"),
    ],
)
def test_movements_listed_for_the_units_sector(
    qtbot: QtBot, tmp_path: Path, sector: Sector, offered: str, not_offered: str
) -> None:
    ctx = unit_database(
        tmp_path / "u.db", name="Công đoàn X", code="CS-1", kind=UnitKind.GRASSROOTS, sector=sector
    )
    with ctx.reading() as session:
        plan = get_plan(session, PLAN)
    panel = DetailsPanel(registration=True, save=lambda _d: None, undo_stack=QUndoStack())
    qtbot.addWidget(panel)
    panel.load(plan, StatementDetails(), sector)
    codes = listed(panel)
    assert offered in codes and "NTM" in codes
    assert not_offered not in codes
    # a movement saved before stays listed (ticked) so the chair can untick it
    panel.load(plan, StatementDetails(movements=(not_offered,)), sector)
    assert not_offered in listed(panel)
    ctx.close()

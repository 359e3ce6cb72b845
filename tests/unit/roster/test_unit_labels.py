"""The unit list a dialog chooses from (:func:`app.roster.read_unit_labels`): the roster's
reporting units as (code, name), the federation and code-less units left out, in the order
the full roster read lists them — on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.context import AppContext
from app.roster import read_roster, read_unit_labels
from app.roster.unit_edit import save_roster_unit
from db.enums import UnitKind
from tests.unit.roster.workbooks import GOOD, YEAR, run_import, write_workbook
from tests.unit.test_roster_editor import unit_values


@pytest.mark.both_backends
def test_unit_labels_are_the_roster_read_in_short(ctx: AppContext, tmp_path: Path) -> None:
    run_import(ctx, write_workbook(tmp_path / "roster.xlsx", GOOD))
    with ctx.unit_of_work() as session:
        save_roster_unit(
            session, year=YEAR, values=unit_values(code="CS-0100", name="Công đoàn Ánh Dương"),
            creating=True,
        )  # fmt: skip
    full = read_roster(ctx, year=YEAR)
    labels = read_unit_labels(ctx, year=YEAR)
    assert labels == [
        (u.code, u.name) for u in full if u.kind is not UnitKind.FEDERATION and u.code
    ]
    assert ("CS-0100", "Công đoàn Ánh Dương") in labels and len(labels) > 3
    assert read_unit_labels(ctx, year=YEAR + 5) == []  # another year: its own roster

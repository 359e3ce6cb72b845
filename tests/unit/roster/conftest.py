"""The roster tests' good workbook, imported once into the test's database."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.context import AppContext
from app.roster.rows import RosterImportResult
from tests.unit.roster.workbooks import GOOD, run_import, write_workbook


@pytest.fixture
def imported(ctx: AppContext, tmp_path: Path) -> RosterImportResult:
    """The GOOD workbook imported once."""
    return run_import(ctx, write_workbook(tmp_path / "roster.xlsx", GOOD))

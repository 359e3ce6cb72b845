"""A roster of more units than one SQLite statement binds parameters where it is built by
default (32,766: Python on Windows; every connection here is held to it) — a country's
federation importing its 126,000 units — is imported whole, as a province's is."""

from __future__ import annotations

import time
from pathlib import Path

from app.core.context import AppContext
from app.roster import read_unit_labels
from db.engine import SQLITE_MAX_PARAMETERS
from tests.unit.roster.workbooks import GOOD, YEAR, run_import, write_workbook

UNITS = SQLITE_MAX_PARAMETERS + 500


def test_a_roster_above_the_parameter_limit(ctx: AppContext, tmp_path: Path) -> None:
    run_import(ctx, write_workbook(tmp_path / "province.xlsx", GOOD))
    rows = [
        [f"CS-{n:06}", f"CĐCS số {n}", "CĐCS", "FDI", "LDH-02", "Cụm 2", "", 10, 12]
        for n in range(UNITS)
    ]
    started = time.perf_counter()
    path = write_workbook(tmp_path / "country.xlsx", rows)
    written = time.perf_counter()
    result = run_import(ctx, path)
    print(f"\nworkbook {written - started:.1f} s, import {time.perf_counter() - written:.1f} s")
    assert result.created == UNITS
    labels = dict(read_unit_labels(ctx, year=YEAR))
    assert all(f"CS-{n:06}" in labels for n in range(UNITS))
    # Again, unchanged: every unit found by its code, none made twice.
    again = run_import(ctx, path)
    assert again.created == 0 and len(read_unit_labels(ctx, year=YEAR)) == len(labels)

"""A key rotation and the reports its old key signed before it, read in any order.

A unit rotates its key (the old key signs the new one); its stick then holds a
report the old key signed *before* the rotation, the rotation, and a report the
new key signed. Whatever order the files are read in — a folder reads the
enrolment before the registration by name — and however they are split across
runs, the federation ends in the same state, and a dry run predicts apply.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app import unit
from app.core.context import AppContext, open_context
from app.exchange import unlock_key
from app.exchange.keys import list_keys
from app.exchange.merge import import_packages
from app.exchange.outcomes import Outcome
from db import models
from db.enums import REGISTRATION_STREAM
from tests.helpers import KEY_PASSPHRASE, enrol_unit, federation_with_roster, unit_database
from tests.unit.test_packages_flow import PLAN, enter_registration


def state(ctx: AppContext) -> dict[str, Any]:
    with ctx.reading() as session:
        return {
            "packages": sorted(
                session.execute(
                    select(
                        models.Package.revision,
                        models.Package.epoch,
                        models.Package.status,
                        models.Package.kind,
                    )
                ).all()
            ),
            "keys": sorted((k.epoch, k.status) for k in list_keys(session)),
            "heads": sorted(
                session.execute(select(models.StreamHead.revision, models.StreamHead.epoch)).all()
            ),
            "open conflicts": sorted(
                session.execute(
                    select(models.Conflict.reason).where(models.Conflict.status == "open")
                ).all()
            ),
        }


@pytest.fixture
def rotated(tmp_path: Path) -> tuple[Callable[[], AppContext], Path, Path, Path]:
    """A federation that accepted CS-0001's key, and the unit's three files."""
    fed, plans = federation_with_roster(tmp_path / "fed.db", tmp_path)
    side = unit_database(tmp_path / "unit.db", name="CĐCS Xi măng", code="CS-0001")
    enrol_unit(fed, side, plans, tmp_path)
    enter_registration(side, 10)
    first = unit.export_report(
        side,
        plan_id=PLAN,
        stream=REGISTRATION_STREAM,
        out=tmp_path / "CS-0001_registration_r1.thidua",
    )
    rotation = unit.rotate_key(side, out=tmp_path / "CS-0001_enrolment_r1.thidua")
    enter_registration(side, 11)
    second = unit.export_report(
        side,
        plan_id=PLAN,
        stream=REGISTRATION_STREAM,
        out=tmp_path / "CS-0001_registration_r2.thidua",
    )
    golden = tmp_path / "golden.db"
    source, target = sqlite3.connect(str(tmp_path / "fed.db")), sqlite3.connect(golden)
    source.backup(target)
    target.close()
    source.close()
    fed.close()
    side.close()
    opened: list[AppContext] = []

    def fresh() -> AppContext:
        path = tmp_path / f"copy{len(opened)}.db"
        shutil.copyfile(golden, path)
        opened.append(open_context(str(path)))
        # The federation's key (and the identity that opens encrypted files) is locked
        # in a newly opened database until staff unlock it.
        unlock_key(opened[-1], passphrase=KEY_PASSPHRASE)
        return opened[-1]

    return fresh, first.path, rotation.path, second.path


def test_a_report_signed_before_a_rotation_is_the_units_in_any_order(
    rotated: tuple[Callable[[], AppContext], Path, Path, Path],
) -> None:
    """Review finding: read after the rotation (a folder reads "enrolment" before
    "registration"), the old key's earlier report was quarantined as a retired key's."""
    fresh, first, rotation, _second = rotated
    a, b = fresh(), fresh()
    one = import_packages(a, paths=[first, rotation], dry_run=False)
    other = import_packages(b, paths=[rotation, first], dry_run=False)
    assert state(a) == state(b)
    assert {i.outcome for i in other.items} == {Outcome.NEW}
    assert state(b)["open conflicts"] == [] and one.counts["conflict"] == 0


def test_rotation_split_across_runs_and_in_a_folder(
    rotated: tuple[Callable[[], AppContext], Path, Path, Path], tmp_path: Path
) -> None:
    fresh, first, rotation, second = rotated
    whole = fresh()
    import_packages(whole, paths=[first, rotation, second], dry_run=False)
    split = fresh()
    import_packages(split, paths=[rotation], dry_run=False)
    import_packages(split, paths=[second, first], dry_run=False)
    assert state(split) == state(whole)
    folder = tmp_path / "usb"
    folder.mkdir()
    for path in (first, rotation, second):
        shutil.copy2(path, folder / path.name)
    ctx = fresh()
    dry = import_packages(ctx, paths=[folder], dry_run=True)
    applied = import_packages(ctx, paths=[folder], dry_run=False)
    assert dry.items == applied.items, "the dry run predicts apply"
    assert state(ctx) == state(whole)

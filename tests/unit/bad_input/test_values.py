"""Bad input to the federation import: each file is refused with its own clear message,
no exception escapes, and the merged data is exactly as before (every table but the import's
own bookkeeping; a dry run first predicts the same and writes nothing).

Invalid values in a correctly signed report."""

from __future__ import annotations

from typing import Any

import pytest

from app.core import domain
from app.core.i18n import translator
from app.roster import SECTOR_LABELS
from db.enums import REGISTRATION_STREAM
from tests.unit.package_forge import (
    MSG_INVALID,
    MSG_INVALID_VALUES,
    Env,
    edit,
    expect_rejected,
    invalid,
    movement_for_another_sector,
    offered_movements,
    payload_text,
    report,
    resign,
)

#: Refused input changes nothing on either backend.
pytestmark = pytest.mark.both_backends


# --- values ------------------------------------------------------------------------------------


def with_value(code: str, value: domain.UnitValue, unit_code: str = "CS-00001") -> Any:
    def build(env: Env) -> bytes:
        unit = env.unit(unit_code)
        values = dict(unit.values[REGISTRATION_STREAM])
        values[code] = value
        return report(env, unit, values=values)

    return build


def unknown_movement(env: Env) -> bytes:
    unit = env.unit("CS-00001")
    text = payload_text(env, unit)
    first = offered_movements(env, unit)[0]
    return resign(unit, edit(text, f'"movements":["{first}"', '"movements":["PT-99"'))


VALUE_CASES = [
    pytest.param(
        with_value("1", domain.UnitValue(numerator=120, denominator=100)),
        MSG_INVALID_VALUES,
        {
            "count": 1,
            "code": "1",
            "problem": "The number achieved cannot be larger than the total.",
        },
        id="numerator-above-denominator",
    ),
    pytest.param(
        with_value("2.1", domain.UnitValue(amount=-5)),
        MSG_INVALID,
        invalid("statement.values[2.1].amount"),
        id="negative-amount",
    ),
    pytest.param(
        with_value("4", domain.UnitValue(grade="xuat_sac")),
        MSG_INVALID_VALUES,
        {"count": 1, "code": "4", "problem": "Choose a grade from the year's scale."},
        id="grade-not-in-scale",
    ),
    pytest.param(
        with_value("99.9", domain.UnitValue(amount=3)),
        MSG_INVALID_VALUES,
        {"count": 1, "code": "99.9", "problem": "This indicator is not in the plan."},
        id="unknown-indicator",
    ),
    pytest.param(
        with_value("2.1", domain.UnitValue(flag=True)),
        MSG_INVALID_VALUES,
        {
            "count": 1,
            "code": "2.1",
            "problem": "This value does not fit the kind of the indicator.",
        },
        id="value-of-the-wrong-kind",
    ),
    pytest.param(
        unknown_movement,
        MSG_INVALID_VALUES,
        {"count": 1, "code": "PT-99", "problem": "This movement is not in the plan."},
        id="unknown-movement",
    ),
]


@pytest.mark.parametrize(("build", "reason", "params"), VALUE_CASES)
def test_invalid_values_in_a_signed_report(
    env: Env, build: Any, reason: str, params: dict[str, Any]
) -> None:
    expect_rejected(env, env.write("bad.thidua", build(env)), reason, params)


MSG_NOT_FOR_SECTOR = (
    "The package registers the movement “{name}”, which the plan does not offer to units "
    "of sector {sector}: nothing in it was imported."
)


def test_a_movement_not_for_the_units_sector_refuses_the_whole_package(env: Env) -> None:
    """A correctly signed registration joining a movement the plan limits to other sectors
    (LĐG-HCSN for an enterprise's union, LĐG-DN for an office's): refused whole, its
    values with it, the reason naming the movement and the unit's sector."""
    unit = env.unit("CS-00001")
    assert unit.sector is not None
    other = movement_for_another_sector(env, unit)
    text = payload_text(env, unit)
    first = offered_movements(env, unit)[0]
    data = resign(unit, edit(text, f'"movements":["{first}"', f'"movements":["{other}"'))
    name = next(m.name for m in env.plan.movements if m.code == other)
    item = expect_rejected(
        env,
        env.write("other-sector.thidua", data),
        MSG_NOT_FOR_SECTOR,
        {"name": name, "sector": SECTOR_LABELS[unit.sector]},
    )
    said = item.reason_text(translator("vi"))
    assert f"phong trào “{name}”" in said and SECTOR_LABELS[unit.sector] in said, said

"""UnitValue's constructor (app.core.records.quick_init: it fills the frozen
instance's dict directly, for speed) behaves as the dataclass's generated one would."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from app.core.domain import UnitValue


def test_constructor_takes_every_field_in_order_with_its_default() -> None:
    parameters = list(inspect.signature(UnitValue).parameters.values())
    fields = dataclasses.fields(UnitValue)
    assert [p.name for p in parameters] == [f.name for f in fields]
    assert [p.default for p in parameters] == [f.default for f in fields]


def test_values_are_set_compared_replaced_and_frozen() -> None:
    value = UnitValue(numerator=3, denominator=4, note="ghi chú")
    assert (value.amount, value.numerator, value.denominator, value.note) == (None, 3, 4, "ghi chú")
    assert value == UnitValue(None, 3, 4, None, None, None, "ghi chú")
    assert hash(value) == hash(UnitValue(numerator=3, denominator=4, note="ghi chú"))
    assert dataclasses.replace(value, note="") == UnitValue(numerator=3, denominator=4)
    assert dataclasses.asdict(UnitValue(flag=True))["flag"] is True
    assert UnitValue() != UnitValue(text="x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.amount = 5  # type: ignore[misc]

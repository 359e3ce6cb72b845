"""app.core.records.quick_init: frozen dataclasses built by filling their dict."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from app.core.records import cached, quick_init


@quick_init
@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: int = 2
    label: str = ""


def test_same_parameters_defaults_and_equality() -> None:
    assert str(inspect.signature(Point)) == "(x, y=2, label='')"
    assert Point(1) == Point(x=1, y=2, label="")
    assert Point(1, 3, "a") == Point(1, y=3, label="a")
    assert hash(Point(1)) == hash(Point(1))
    assert Point(1) != Point(2)
    assert repr(Point(1, label="a")) == "Point(x=1, y=2, label='a')"
    assert dataclasses.replace(Point(1), y=5) == Point(1, 5)
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, "a", 4)  # type: ignore[call-arg]


def test_still_frozen() -> None:
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2  # type: ignore[misc]


def test_refuses_what_it_cannot_build() -> None:
    @dataclasses.dataclass
    class Open:
        x: int

    @dataclasses.dataclass(frozen=True)
    class Factory:
        items: list[int] = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(frozen=True)
    class Checked:
        x: int

        def __post_init__(self) -> None:
            pass

    for cls in (Open, Factory, Checked):
        with pytest.raises(TypeError):
            quick_init(cls)


@quick_init
@dataclasses.dataclass(frozen=True)
class Counted:
    x: int
    reads: list[int]

    @cached
    def doubled(self) -> int:
        """Twice x."""
        self.reads.append(self.x)
        return self.x * 2


def test_cached_works_out_once_per_instance() -> None:
    reads: list[int] = []
    one, two = Counted(1, reads), Counted(2, reads)
    assert (one.doubled, one.doubled, two.doubled, one.doubled) == (2, 2, 4, 2)
    assert reads == [1, 2]
    assert one == Counted(1, reads)  # the kept value is no field
    assert [f.name for f in dataclasses.fields(Counted)] == ["x", "reads"]
    assert Counted.doubled.__doc__ == "Twice x."
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.x = 3  # type: ignore[misc]

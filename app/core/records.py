"""Frozen dataclasses built fast (:func:`quick_init`), their values worked out once
(:class:`cached`).

The ``__init__`` a frozen dataclass is given sets each field through
``object.__setattr__``, which costs several times filling the instance's
dict. Where tens of thousands are built at once (a province's values, its
scores and placings) :func:`quick_init` gives the class an ``__init__`` with
the same parameters that fills the dict directly; the instance stays frozen
(assignment still raises), equal, hashed and shown as before.

:class:`cached` is :func:`functools.cached_property` without its lock (Python
3.11 takes one lock per first read, for every instance: a third of the cost of
reading the score of tens of thousands of units). Like it, it keeps the value
in the instance's dict, so later reads are plain attribute reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar, overload

_Class = TypeVar("_Class", bound=type[Any])
_Value = TypeVar("_Value")


class cached(Generic[_Value]):  # lower case: a decorator, as cached_property is
    """A read-only property worked out on first read and kept in the instance's dict."""

    def __init__(self, compute: Callable[[Any], _Value]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> Self: ...

    @overload
    def __get__(self, instance: object, owner: type[Any] | None = None) -> _Value: ...

    def __get__(self, instance: object | None, owner: type[Any] | None = None) -> Self | _Value:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


def quick_init(cls: _Class) -> _Class:
    """Give the frozen dataclass ``cls`` an ``__init__`` filling its dict directly.

    For plain fields only (no ``default_factory``, no ``__post_init__``, no
    keyword-only or init-less field): anything else raises :class:`TypeError`.
    """
    params = getattr(cls, "__dataclass_params__", None)
    if not dataclasses.is_dataclass(cls) or params is None or not params.frozen:
        raise TypeError(f"{cls.__name__} is not a frozen dataclass")
    if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        raise TypeError(f"{cls.__name__}: __post_init__ or __slots__ not supported")
    defaults: dict[str, Any] = {}
    parameters: list[str] = []
    lines: list[str] = []
    for field in dataclasses.fields(cls):
        if field.default_factory is not dataclasses.MISSING or field.kw_only or not field.init:
            raise TypeError(f"{cls.__name__}.{field.name}: not a plain field")
        if field.default is dataclasses.MISSING:
            parameters.append(field.name)
        else:
            defaults[f"_default_{field.name}"] = field.default
            parameters.append(f"{field.name}=_default_{field.name}")
        lines.append(f"    fill[{field.name!r}] = {field.name}")
    source = (
        f"def __init__(self, {', '.join(parameters)}):\n"
        "    fill = self.__dict__\n" + "\n".join(lines) + "\n"
    )
    namespace: dict[str, Any] = {}
    exec(source, defaults, namespace)  # the source is built above from the field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]  # replaced on purpose
    return cls

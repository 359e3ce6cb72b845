"""Packages whose names are loaded on first use (PEP 562).

A capability package re-exports what others use (``from app.exchange import name``);
importing every module of a large package to hand out one name costs the start-up a
third of a second. :func:`lazy_exports` gives such a package a module ``__getattr__``
that imports a name's own module when the name is first asked for, and keeps the
name in the package. The package still lists its names in ``__all__`` and imports
them under ``TYPE_CHECKING``, for the type checker and the import contracts.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence


def lazy_exports(package: str, sources: Mapping[str, Sequence[str]]) -> Callable[[str], object]:
    """The ``__getattr__`` of ``package``, whose names are defined in ``sources``
    (module → names)."""
    where = {name: module for module, names in sources.items() for name in names}

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            # Not one of its names: a submodule is then imported by the import system.
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__

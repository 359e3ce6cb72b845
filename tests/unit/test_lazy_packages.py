"""Packages whose names load on first use (``app.core.lazy``): each lists where every
name of its ``__all__`` comes from exactly as its ``TYPE_CHECKING`` imports say, every
name resolves to its module's object, a submodule still imports, and an unknown name is
an AttributeError. Checked in a fresh interpreter, so that a name is really loaded on
first use, and only its module with it."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAZY = ["app.exchange", "app.plans", "app.rollup", "app.roster", "app.statements"]


def _type_checking_imports(package: str) -> dict[str, tuple[str, ...]]:
    source = (ROOT / package.replace(".", "/") / "__init__.py").read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            return {
                statement.module or "": tuple(alias.name for alias in statement.names)
                for statement in node.body
                if isinstance(statement, ast.ImportFrom)
            }
    raise AssertionError(f"{package} has no TYPE_CHECKING imports")


@pytest.mark.parametrize("package", LAZY)
def test_the_table_is_the_imports(package: str) -> None:
    module = importlib.import_module(package)
    table = {source: tuple(names) for source, names in module._SOURCES.items()}
    assert table == _type_checking_imports(package)
    names = [name for names in table.values() for name in names]
    assert sorted(names) == sorted(module.__all__)
    for source, source_names in table.items():
        for name in source_names:
            assert getattr(module, name) is getattr(importlib.import_module(source), name)


SCRIPT = """
import importlib, json, sys
package, name, submodule = sys.argv[1:]
before = set(sys.modules)
module = importlib.import_module(package)
value = getattr(module, name)
loaded = sorted(m for m in set(sys.modules) - before if m.startswith(package + "."))
try:
    getattr(module, "no_such_name")
    unknown = "found"
except AttributeError:
    unknown = "AttributeError"
exec(f"from {package} import {submodule}")
print(json.dumps({"loaded": loaded, "unknown": unknown, "kept": name in vars(module)}))
"""


@pytest.mark.parametrize(
    ("package", "name", "source", "submodule"),
    [
        ("app.exchange", "key_status_label", "app.exchange.labels", "merge"),
        ("app.rollup", "ScopeKind", "app.rollup.scopes", "reminder_workbook"),
    ],
)
def test_a_name_loads_its_module_only(package: str, name: str, source: str, submodule: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, package, name, submodule],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert source in seen["loaded"]
    assert f"{package}.{submodule}" not in seen["loaded"]
    assert seen["unknown"] == "AttributeError"
    assert seen["kept"] is True

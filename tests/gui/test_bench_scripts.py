"""The benchmarks' child programs still import what they name.

``tests/bench`` runs only under ``make bench``, and each benchmark starts
programs given as source text (the module constants named ``*_SCRIPT``), which
no linter or type checker reads. When a module of ours moves, such a program
dies at once in its child process, and the benchmark fails far from the cause
(the memory benchmark's visit script kept importing ``app.i18n`` after it became
``app.core.i18n``). Here, in the regular suite, every such program is parsed and
each of its imports from our packages resolved, as the child would resolve it.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "tests" / "bench"
#: Our top-level packages: what a move in the code base can break.
OURS = ("app", "db", "ui", "tests")


def _programs() -> list[tuple[str, str]]:
    """``(module.NAME, source)`` of every ``*_SCRIPT`` string of the bench modules."""
    programs = []
    for path in sorted(BENCH.glob("*.py")):
        module = importlib.import_module(f"tests.bench.{path.stem}")
        programs += [
            (f"{path.stem}.{name}", value)
            for name, value in vars(module).items()
            if name.endswith("_SCRIPT") and isinstance(value, str)
        ]
    return programs


PROGRAMS = _programs()


def _resolves(module: str, name: str | None = None) -> bool:
    """Whether ``import module`` (or ``from module import name``) would succeed."""
    try:
        imported = importlib.import_module(module)
        if name is None or hasattr(imported, name):
            return True
        return importlib.util.find_spec(f"{module}.{name}") is not None
    except ImportError:
        return False


def unresolved_imports(source: str) -> list[str]:
    """The imports from our packages in ``source`` that would fail, as written there."""
    missing = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            missing += [
                f"import {alias.name}"
                for alias in node.names
                if alias.name.partition(".")[0] in OURS and not _resolves(alias.name)
            ]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module is not None
            and node.module.partition(".")[0] in OURS
        ):
            module = node.module
            missing += [
                f"from {module} import {alias.name}"
                for alias in node.names
                if not _resolves(module, alias.name)
            ]
    return missing


def test_the_benchmarks_start_programs() -> None:
    # The collection below found them (an empty list would make the check vacuous).
    assert "test_bench_memory.VISIT_SCRIPT" in dict(PROGRAMS)
    assert len(PROGRAMS) >= 10


@pytest.mark.parametrize(
    "source", [source for _name, source in PROGRAMS], ids=[name for name, _source in PROGRAMS]
)
def test_a_benchmark_program_imports_what_exists(source: str) -> None:
    assert unresolved_imports(source) == []


def test_a_moved_module_is_caught() -> None:
    # What the memory benchmark's visit script imported before this check existed.
    stale = (
        "from app import i18n\nfrom app.core.preferences import Preferences\nimport ui.nowhere\n"
    )
    assert unresolved_imports(stale) == ["from app import i18n", "import ui.nowhere"]

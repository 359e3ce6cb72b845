"""The core never depends on Qt or on the GUI (ui → app → db, never back)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"app": ("PySide6", "shiboken6", "ui"), "db": ("PySide6", "shiboken6", "ui", "app")}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_sources_do_not_import_upper_layers() -> None:
    """Every import statement, including ones inside functions, is checked."""
    offenders = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in _imported_modules(path):
                if name.split(".")[0] in forbidden:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_running_the_cli_loads_no_qt(tmp_path: Path) -> None:
    """Importing and running the core end to end leaves PySide6 unloaded."""
    code = (
        "import sys\n"
        "from app.cli import main\n"
        f"main(['--db', {str(tmp_path / 'x.db')!r}, 'init', '--role', 'federation', "
        "'--name', 'LĐLĐ'])\n"
        "from app import rollup, roster, setup, statements\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ui')))\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"

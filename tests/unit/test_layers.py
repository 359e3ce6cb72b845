"""The layers hold: ui → app → db, never back, and the core never loads Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_hold() -> None:
    """ui → app → db, no Qt below ui/, no SQL in ui/, the capability layers, each
    package's surface and no cycle at any depth: the contracts of ``pyproject.toml``
    (``[tool.importlinter]``), checked by import-linter over every import statement,
    including those inside functions."""
    lint = Path(sys.executable).with_name("lint-imports")  # the dev extra installs it
    result = subprocess.run(
        [str(lint), "--no-cache"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


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

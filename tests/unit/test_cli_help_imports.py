"""``thidua-cli --help`` and every command's ``--help`` stay instant.

Argument parsing and help come before any heavy import: each command imports
what it needs when it runs. Checked in a fresh interpreter by inspecting
``sys.modules`` after the help was printed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "reportlab", "openpyxl")

#: Prints the heavy modules loaded after ``thidua-cli ARGS`` (help exits with 0).
SCRIPT = """
import json, sys
from app.cli import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit as exc:
    assert exc.code in (0, None), exc.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r})
print(json.dumps(heavy))
"""


def _heavy_after(args: list[str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(heavy=set(HEAVY)), json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def _commands() -> list[str]:
    from app.cli.program import build_parser

    parser = build_parser()
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        choices = getattr(action, "choices", None)
        if choices:
            return sorted(choices)
    raise AssertionError("thidua-cli has no commands")


def test_the_commands_are_found() -> None:
    commands = _commands()
    assert {"import", "plan", "roster", "print", "export"} <= set(commands), commands


@pytest.mark.parametrize("command", [None, *_commands()])
def test_help_imports_no_heavy_library(command: str | None) -> None:
    args = ["--help"] if command is None else [command, "--help"]
    assert _heavy_after(args) == []


def test_the_check_sees_a_heavy_import() -> None:
    """The probe itself works: a command that opens a database loads SQLAlchemy."""
    script = SCRIPT.replace("main(json.loads(sys.argv[1]))", "import sqlalchemy")
    result = subprocess.run(
        [sys.executable, "-c", script.format(heavy=set(HEAVY)), "[]"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert "sqlalchemy" in json.loads(result.stdout.strip().splitlines()[-1])

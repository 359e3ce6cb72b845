"""Fast start: the first window never waits for the database's or the printers' imports.

Each check runs in a fresh interpreter, since this test process has long
imported everything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "alembic", "reportlab", "openpyxl")


def _run(code: str, tmp_path: Path, *args: str, **env: str) -> str:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", THIDUA_HOME=str(tmp_path), **env)
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_importing_and_building_the_main_window_loads_no_heavy_module(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from app.core.preferences import Preferences\n"
        "import ui.main\n"
        "app = QApplication([])\n"
        "window = ui.main.MainWindow(Path(sys.argv[1]), Preferences())\n"
        "window.show()\n"
        "app.processEvents()\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = _run(code, tmp_path, str(tmp_path / "fed.db"))
    assert out.strip().splitlines()[-1] == "[]"


def test_the_first_paint_comes_before_the_heavy_imports(tmp_path: Path) -> None:
    """``ui.main.main`` as `thidua` runs it, traced: the paint reports no heavy module."""
    code = "import sys\nfrom ui.main import main\nsys.exit(main(sys.argv[1:]))\n"
    out = _run(
        code,
        tmp_path,
        "--db",
        str(tmp_path / "fed.db"),
        THIDUA_TRACE_STARTUP="1",
        THIDUA_EXIT_AFTER_SHOW="1",
    )
    paint = [line for line in out.splitlines() if line.startswith("startup first-paint ")]
    assert len(paint) == 1, out
    assert paint[0].split()[-1] == "heavy=-", paint[0]
    assert "window-shown: " in out


#: Starts the application traced; prints the heavy modules imported at each event.
TRACED = """
import sys
import ui.main
from PySide6.QtWidgets import QApplication

def trace(event, detail=""):
    heavy = sorted(m for m in {heavy!r} if m in sys.modules)
    print("EVENT", event, ",".join(heavy) or "-", flush=True)
    if event == "workspace-shown":
        QApplication.instance().quit()

ui.main.trace_startup = trace
ui.main.main(["--db", sys.argv[1]])
"""


@pytest.mark.parametrize("role", ["federation", "unit"])
def test_the_plan_is_named_before_sqlalchemy_loads(tmp_path: Path, role: str) -> None:
    """The first look (``app.core.first_look``) names the plan right after the first
    paint, before SQLAlchemy or Alembic is imported; the workspace shows it after."""
    database = tmp_path / f"{role}.db"
    options = ["--role", role, "--name", "LĐLĐ tỉnh Tuyên Quang"]
    if role == "unit":
        options = ["--role", role, "--name", "CĐCS Trường Tiểu học Kim Phú", "--kind", "grassroots"]
    environment = dict(os.environ, THIDUA_HOME=str(tmp_path))
    subprocess.run(
        [sys.executable, "-m", "app.cli", "--db", str(database), "init", *options],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        timeout=120,
    )
    code = TRACED.format(heavy=("sqlalchemy", "alembic"))
    out = _run(code, tmp_path, str(database), THIDUA_TRACE_STARTUP="1")
    events = [line.split()[1:] for line in out.splitlines() if line.startswith("EVENT ")]
    assert events[:2] == [["first-paint", "-"], ["data-shown", "-"]], out
    assert events[2] == ["workspace-shown", "sqlalchemy"], out


def test_modules_imported_after_pyside_are_not_read_as_source(tmp_path: Path) -> None:
    """PySide6 reads the source of every module imported after it (its ``__feature__``
    scan, ~200 ms of CPU at start-up); ``ui.main`` turns the scan off before the
    screens' modules, so no source of theirs, SQLAlchemy's or the models' is read."""
    code = (
        "import linecache, pathlib\n"
        "import ui.main\n"
        "import sqlalchemy, db.models\n"
        "from ui.widgets.import_scan import feature_scan_skipped\n"
        "files = [pathlib.Path(f).as_posix() for f in linecache.cache if f.endswith('.py')]\n"
        "read = [f for f in files if 'sqlalchemy/' in f or 'ui/shell/' in f or 'db/models/' in f]\n"
        "print(feature_scan_skipped(), len(read))\n"
    )
    out = _run(code, tmp_path)
    assert out.strip().splitlines()[-1] == "True 0"


def test_without_the_switch_pyside_reads_each_source(tmp_path: Path) -> None:
    """The check above can fail: PySide6 alone reads an imported module's source."""
    code = (
        "import linecache, pathlib\n"
        "import PySide6.QtWidgets\n"
        "import db.models\n"
        "print(any('db/models/' in pathlib.Path(f).as_posix() for f in linecache.cache))\n"
    )
    out = _run(code, tmp_path)
    assert out.strip().splitlines()[-1] == "True"


#: What the federation's workspace must not import before its plan is shown: the
#: dashboard's figures, its dialogs and the package format are loaded by the task
#: runner or when first used.
NOT_BEFORE_THE_PLAN = (
    "app.exchange.bodies",
    "app.rollup.dashboard",
    "app.rollup.services",
    "app.rollup.timeliness",
    "cryptography",
    "openpyxl",
    "reportlab",
    "ui.federation.history_dialog",
    "ui.federation.reminder_dialog",
    "ui.federation.units_behind",
)


def test_the_federation_workspace_module_leaves_the_dashboard_services_to_the_runner(
    tmp_path: Path,
) -> None:
    """The GUI thread imports the workspace between opening the database and the plan."""
    code = (
        "import sys\n"
        "import ui.federation.workspace\n"
        f"print(sorted(m for m in {NOT_BEFORE_THE_PLAN!r} if m in sys.modules))\n"
    )
    out = _run(code, tmp_path)
    assert out.strip().splitlines()[-1] == "[]"

"""The window shows the plan without the printing, spreadsheet and scoring code, nor the
federation's pages other than its dashboard.

Start-up pays only for what the first screen needs: reportlab, openpyxl and pypdf,
and the ``app.printing`` and ``app.scoring`` packages, are imported when something is
printed, exported or scored; the federation workspace's other pages (and the dashboard's
entry dialog, which pulls in the unit's screens) after the plan is shown, as
``app.setup`` (the backup reminder and the quick start checklist ask it); nor the
import engine, whose package (``app.exchange``) hands out the few names the first
screen needs without loading it. Checked in a fresh interpreter: the application (as
the ``thidua`` entry point starts it, offscreen) on a new federation database, stopped
when its workspace shows the plan (``workspace-shown``; the first look names it
earlier, with less imported), lists what it had imported by then.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFERRED = (
    *("reportlab", "openpyxl", "pypdf", "app.printing", "app.scoring", "app.setup"),
    *(f"ui.federation.{page}_page" for page in ("import", "keys", "conflicts", "flags")),
    *(f"ui.federation.{page}_page" for page in ("roster", "plan", "audit")),
    *("ui.federation.entry_dialog", "ui.unit"),
    # The import engine and the federation's package work (app.exchange loads its
    # names on first use, app.core.lazy).
    *("app.exchange.merge", "app.exchange.federation", "app.exchange.entries"),
)

#: Starts the application; when the workspace shows the plan, prints the deferred modules
#: loaded.
SCRIPT = """
import json, sys
from PySide6.QtWidgets import QApplication
import ui.main

def trace(event, detail=""):
    if event == "workspace-shown":
        loaded = sorted(
            {{name for name in {deferred!r} for module in list(sys.modules)
             if module == name or module.startswith(name + ".")}}
        )
        print("LOADED " + json.dumps(loaded), flush=True)
        QApplication.instance().quit()

ui.main.trace_startup = trace
ui.main.main(["--db", sys.argv[1]])
"""


def test_plan_shown_before_printing_spreadsheets_and_scoring(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "THIDUA_HOME": str(tmp_path / "home"),
        "THIDUA_TRACE_STARTUP": "1",
    }
    database = tmp_path / "federation.db"
    subprocess.run(
        [
            *(sys.executable, "-m", "app.cli", "--db", str(database), "init"),
            *("--role", "federation", "--name", "LĐLĐ tỉnh Tuyên Quang"),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(deferred=DEFERRED), str(database)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("LOADED ")]
    assert lines, result.stdout + result.stderr
    assert json.loads(lines[-1].removeprefix("LOADED ")) == []

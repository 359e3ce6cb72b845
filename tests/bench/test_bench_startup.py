"""Benchmark of start-up against a bare PySide6 window (``make bench``).

Collected only when pytest is given this folder (the normal suite ignores
``tests/bench`` through ``addopts``). Prints figures; asserts only what does
not depend on the machine's speed: that the first paint came before
SQLAlchemy, Alembic, reportlab and openpyxl were imported, and that the data
was shown.

Each run is a fresh process, timed from just before it is launched (so the
interpreter's own start is included) with ``time.monotonic()``, which on
Linux and Windows is one clock for every process of the machine:

(a) BASELINE: ``BARE_SCRIPT``, a bare ``QMainWindow`` of the main window's
    size, shown by a bare ``QApplication``; the time to its first painted
    frame;
(b) the application (``ui.main.main`` as the ``thidua`` entry point runs it)
    on a federation database holding the built-in plan, and on a grassroots
    unit's, with ``THIDUA_TRACE_STARTUP=1``: the time to its first painted
    frame, to the plan named on screen (``data-shown``: the first look read with
    ``sqlite3``, ``MainWindow.plan_previewed``), to the workspace showing it
    (``workspace-shown``, the window's ``plan_shown``) and to the plan's
    indicators with their figures on screen (``figures-shown``, the dashboard
    filled; a unit's come with its workspace).

(c) with ``THIDUA_BUNDLE=dist/thidua`` (a bundle built by ``make bundle``),
    the frozen ``thidua`` the same way, also against the bare window frozen
    by PyInstaller here (``freeze_bare_window``, a few seconds);
(d) FLOOR of "plan shown": ``SQLITE_FLOOR_SCRIPT``, the bare window that, once
    painted, reads the plans' titles with the standard library's ``sqlite3``
    (read-only) and paints them: the least any window naming the plan pays,
    with nothing of the project;
(e) for information, ``ORM_FLOOR_SCRIPT``: the bare window that, once painted,
    imports SQLAlchemy's ORM, maps one class of its own over the database's
    ``plan`` table and reads it (the least the workspace, which reads through
    the ORM, pays).

The catalogue is compiled to its ``.mo`` first if it is stale, as ``make run``
does (``compiled_catalogues``).

The runs alternate, after one unmeasured warm-up of each,
``BENCH_STARTUP_RUNS`` times (default 7); medians are printed with the ratio
of the first paints. Goals: first paint ≤ 1.5 × the bare window, plan shown
≤ 3 ×. The medians are written to ``build/bench/startup.json`` (``BENCH_STARTUP_JSON``),
from which ``make bench-readme`` rewrites the README's start-up table.

Run: ``make bench``, or
``QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/bench/test_bench_startup.py
-s -p no:cacheprovider --override-ini addopts=``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", "7"))
GOAL = 1.5
PLAN_GOAL = 3.0
JSON_OUT = Path(
    os.environ.get("BENCH_STARTUP_JSON", str(ROOT / "build" / "bench" / "startup.json"))
)
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
TIMEOUT = 60.0

#: A bare ``QMainWindow`` of the main window's size calling ``after_paint()`` once painted;
#: a script is ``WINDOW_HEAD``, its ``after_paint`` and ``WINDOW_TAIL``.
WINDOW_HEAD = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, after_paint)
        return False
"""
WINDOW_TAIL = """
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1100, 700)
first_paint = FirstPaint()
window.installEventFilter(first_paint)
window.show()
app.exec()
"""

#: The baseline: the same trace line as the application's, from a bare window.
BARE_SCRIPT = (
    WINDOW_HEAD
    + """
def after_paint():
    print(f"startup first-paint {time.monotonic():.6f} heavy=-", flush=True)
    app.quit()
"""
    + WINDOW_TAIL
)

#: The floor of "plan shown": the bare window, then (after its first paint, as the
#: application does) the plans' titles read with ``sqlite3`` and painted.
SQLITE_FLOOR_SCRIPT = (
    WINDOW_HEAD
    + """
def after_paint():
    print(f"startup first-paint {time.monotonic():.6f} heavy=-", flush=True)
    import pathlib, sqlite3
    from PySide6.QtWidgets import QLabel

    uri = pathlib.Path(sys.argv[1]).resolve().as_uri() + "?mode=ro"
    connection = sqlite3.connect(uri, uri=True)
    titles = [row[0] for row in connection.execute("SELECT title FROM plan ORDER BY year DESC")]
    connection.close()
    window.setCentralWidget(QLabel("\\n".join(titles)))
    window.repaint()
    print(f"startup data-shown {time.monotonic():.6f}", flush=True)
    app.quit()
"""
    + WINDOW_TAIL
)

#: For information: the bare window, then (after its first paint) SQLAlchemy's ORM, one
#: mapped class and one read of the plans.
ORM_FLOOR_SCRIPT = (
    WINDOW_HEAD
    + """
def after_paint():
    print(f"startup first-paint {time.monotonic():.6f} heavy=-", flush=True)
    from PySide6.QtWidgets import QLabel
    from sqlalchemy import String, create_engine, select
    from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

    class Base(DeclarativeBase):
        pass

    class Plan(Base):
        __tablename__ = "plan"
        id: Mapped[str] = mapped_column(String(64), primary_key=True)
        title: Mapped[str] = mapped_column(String)

    with Session(create_engine("sqlite:///" + sys.argv[1])) as session:
        titles = [plan.title for plan in session.scalars(select(Plan))]
    window.setCentralWidget(QLabel("\\n".join(titles)))
    print(f"startup data-shown {time.monotonic():.6f}", flush=True)
    app.quit()
"""
    + WINDOW_TAIL
)

#: The application exactly as the ``thidua`` entry point starts it.
APP_SCRIPT = "import sys\nfrom ui.main import main\nsys.exit(main(sys.argv[1:]))\n"


def traced_run(command: list[str], env: dict[str, str], until: str) -> dict[str, tuple[float, str]]:
    """Launch ``command``; the seconds from launch to each ``startup`` line, up to ``until``.

    The process is killed once ``until`` is read (the application would stay open).
    """
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    events: dict[str, tuple[float, str]] = {}
    try:
        assert process.stdout is not None
        for line in process.stdout:
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "startup":
                events[parts[1]] = (float(parts[2]) - started, " ".join(parts[3:]))
                if parts[1] == until:
                    break
            if time.monotonic() - started > TIMEOUT:
                break
    finally:
        process.kill()
        process.wait()
    assert until in events, f"{command[-1]!r} never reported {until}: {events}"
    return events


def freeze_bare_window(folder: Path) -> Path | None:
    """``BARE_SCRIPT`` frozen by PyInstaller (onedir), the frozen build's fair baseline."""
    if importlib.util.find_spec("PyInstaller") is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "bare.py"
    script.write_text(BARE_SCRIPT, encoding="utf-8")
    subprocess.run(
        [
            *(sys.executable, "-m", "PyInstaller", "--noconfirm", "--onedir"),
            *("--log-level", "ERROR", "--distpath", str(folder / "dist")),
            *("--workpath", str(folder / "build"), "--specpath", str(folder), str(script)),
        ],
        check=True,
        capture_output=True,
    )
    return folder / "dist" / "bare" / f"bare{EXE_SUFFIX}"


def compiled_catalogues() -> list[str]:
    """Compile each ``.po`` whose ``.mo`` is missing or older, as ``make run`` does.

    Without it the application compiles the catalogue at every start (~35 ms),
    which a user's installation (``make run``, the bundle) never does.
    """
    from babel.messages import mofile, pofile

    compiled = []
    for po in sorted((ROOT / "resources" / "locale").glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = pofile.read_po(source, locale=po.parent.parent.name)
        temporary = mo.with_suffix(".mo.tmp")
        with temporary.open("wb") as target:
            mofile.write_mo(target, catalog)
        temporary.replace(mo)
        compiled.append(str(mo.relative_to(ROOT)))
    return compiled


def _init(database: Path, env: dict[str, str], *options: str) -> None:
    """A new database set up by ``thidua-cli init`` (the built-in plan included)."""
    subprocess.run(
        [*(sys.executable, "-m", "app.cli", "--db", str(database), "init"), *options],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def test_bench_startup(tmp_path: Path) -> None:
    compiled = compiled_catalogues()
    if compiled:
        print(f"\ncompiled {', '.join(compiled)} (as make run does)")
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"),
        THIDUA_HOME=str(tmp_path / "home"),
        THIDUA_TRACE_STARTUP="1",
    )
    env.pop("THIDUA_EXIT_AFTER_SHOW", None)
    # An installation has its modules compiled (pip, the bundle, any earlier start): let
    # the warm-up write the source tree's __pycache__ even where the shell forbids it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    database = tmp_path / "federation.db"
    _init(database, env, "--role", "federation", "--name", "LĐLĐ tỉnh Tuyên Quang")
    unit_database = tmp_path / "unit.db"
    _init(
        unit_database,
        env,
        *("--role", "unit", "--name", "CĐCS Trường Tiểu học Kim Phú", "--code", "TQ-0001"),
        *("--kind", "grassroots", "--sector", "administrative"),
    )
    baselines = {"bare QMainWindow": [sys.executable, "-c", BARE_SCRIPT]}
    programs = {
        "thidua": [sys.executable, "-c", APP_SCRIPT, "--db", str(database)],
        "thidua (unit)": [sys.executable, "-c", APP_SCRIPT, "--db", str(unit_database)],
    }
    bundle = os.environ.get("THIDUA_BUNDLE")
    if bundle:
        frozen = Path(bundle).resolve() / f"thidua{EXE_SUFFIX}"
        programs["thidua (frozen)"] = [str(frozen), "--db", str(database)]
        frozen_bare = freeze_bare_window(tmp_path / "bare")
        if frozen_bare is not None:
            baselines["bare QMainWindow (frozen)"] = [str(frozen_bare)]

    floors = {
        "floor": [sys.executable, "-c", SQLITE_FLOOR_SCRIPT, str(database)],
        "orm_floor": [sys.executable, "-c", ORM_FLOOR_SCRIPT, str(database)],
    }
    for command in baselines.values():  # warm-ups: disk cache, font cache
        traced_run(command, env, "first-paint")
    for command in floors.values():
        traced_run(command, env, "data-shown")
    for command in programs.values():
        traced_run(command, env, "figures-shown")
    base: dict[str, list[float]] = {name: [] for name in baselines}
    floor: dict[str, list[float]] = {name: [] for name in floors}
    events_of = ("first-paint", "data-shown", "workspace-shown", "figures-shown")
    seen: dict[str, dict[str, list[float]]] = {
        name: {event: [] for event in events_of} for name in programs
    }
    for _ in range(RUNS):
        for name, command in baselines.items():
            base[name].append(traced_run(command, env, "first-paint")["first-paint"][0])
        for name, command in floors.items():
            floor[name].append(traced_run(command, env, "data-shown")["data-shown"][0])
        for name, command in programs.items():
            events = traced_run(command, env, "figures-shown")
            heavy = events["first-paint"][1]
            assert heavy == "heavy=-", f"{name}: the first paint waited for {heavy}"
            for event in events_of:
                seen[name][event].append(events[event][0])

    def spread(values: list[float]) -> str:
        return f"{min(values) * 1000:.0f}–{max(values) * 1000:.0f} ms"

    medians = {name: statistics.median(values) for name, values in base.items()}
    bare_median = medians["bare QMainWindow"]
    floor_medians = {name: statistics.median(values) for name, values in floor.items()}
    floor_median = floor_medians["floor"]
    print()
    print(f"start-up, median of {RUNS} runs each (process launch → event), offscreen:")
    for name, values in base.items():
        label = f"{name}, first paint"
        print(f"  {label:<40}: {medians[name] * 1000:6.0f} ms ({spread(values)})")
    for name, label in (
        ("floor", "floor: bare + sqlite3 read, plan shown"),
        ("orm_floor", "bare + ORM + one read (information)"),
    ):
        print(
            f"  {label:<40}: {floor_medians[name] * 1000:6.0f} ms ({spread(floor[name])}) "
            f"= {floor_medians[name] / bare_median:.2f} × bare"
        )
    shown: dict[str, dict[str, float]] = {}
    for name in programs:
        paint_median = statistics.median(seen[name]["first-paint"])
        data_median = statistics.median(seen[name]["data-shown"])
        ratio = paint_median / bare_median
        verdict = "met" if ratio <= GOAL else "NOT met"
        print(
            f"  {name + ', first paint':<40}: {paint_median * 1000:6.0f} ms "
            f"({spread(seen[name]['first-paint'])}) = {ratio:.2f} × bare "
            f"(goal ≤ {GOAL} ×: {verdict})"
        )
        if "frozen" in name and "bare QMainWindow (frozen)" in medians:
            frozen_ratio = paint_median / medians["bare QMainWindow (frozen)"]
            print(f"  {'':<40}  = {frozen_ratio:.2f} × the frozen bare window")
        plan_ratio = data_median / bare_median
        plan_verdict = "met" if plan_ratio <= PLAN_GOAL else "NOT met"
        print(
            f"  {name + ', plan shown':<40}: {data_median * 1000:6.0f} ms "
            f"({spread(seen[name]['data-shown'])}) = {plan_ratio:.2f} × bare (goal ≤ "
            f"{PLAN_GOAL:g} ×: {plan_verdict}) = {data_median / floor_median:.2f} × its floor"
        )
        for event, label in (
            ("workspace-shown", "workspace shown"),
            ("figures-shown", "figures shown"),
        ):
            median = statistics.median(seen[name][event])
            print(
                f"  {name + ', ' + label:<40}: {median * 1000:6.0f} ms "
                f"({spread(seen[name][event])}) = {median / bare_median:.2f} × bare"
            )
        shown[name] = {
            "first_paint": paint_median,
            "plan_shown": data_median,
            "workspace_shown": statistics.median(seen[name]["workspace-shown"]),
            "figures_shown": statistics.median(seen[name]["figures-shown"]),
        }
    figures = {
        "runs": RUNS,
        "bare": medians,
        "floor": floor_median,
        "orm_floor": floor_medians["orm_floor"],
        "programs": shown,
        "cores": os.cpu_count(),
        # the machine's load when the runs ended (None where the system keeps none)
        "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    JSON_OUT.parent.mkdir(parents=True, exist_ok=True)
    JSON_OUT.write_text(json.dumps(figures, indent=1), encoding="utf-8")

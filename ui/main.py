"""``thidua``: the desktop application.

Start-up order matters on old PCs: the window is shown and painted first;
only after its first paint is the database opened on a worker thread
(SQLAlchemy, Alembic, reportlab and openpyxl are imported only there or on
first use; ``tests/gui/test_startup.py`` checks it). PySide6's scan of the source of every
module imported after it is turned off first (:mod:`ui.widgets.import_scan`).

Environment switches, for smoke tests and benchmarks:

``THIDUA_EXIT_AFTER_SHOW``
    print ``window-shown: <title>`` shortly after the window is shown, then quit.
``THIDUA_TRACE_STARTUP``
    print ``startup first-paint <t> heavy=<modules>`` when the first window has
    been painted, ``startup data-shown <t>`` when the plan is named on screen (by
    the first look, ``MainWindow.plan_previewed``, else by the workspace),
    ``startup workspace-shown <t>`` when the workspace shows it (``plan_shown``) and
    ``startup figures-shown <t>`` when its figures are (the federation's dashboard
    filled; a unit's workspace shows them with its plan), where
    ``<t>`` is ``time.monotonic()`` (one clock for every process on the machine,
    so a parent can subtract its own launch time) and ``<modules>`` lists which
    of SQLAlchemy, Alembic, reportlab and openpyxl were already imported
    (``-`` for none).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from app.core import i18n
from app.core.i18n import gettext as _
from app.core.location import chosen_database
from app.core.preferences import load_preferences

import ui.widgets.import_scan  # noqa: F401  (first: PySide6's per-import scan off)
from ui.shell.main_window import MainWindow
from ui.widgets.fonts import apply_font_scale, load_bundled_fonts
from ui.widgets.qt_translations import install_qt_translations

#: Modules the first paint must not wait for (see the module docstring).
HEAVY_MODULES = ("sqlalchemy", "alembic", "reportlab", "openpyxl")
#: Open the database anyway if no paint comes (a window started minimised).
START_FALLBACK_MS = 1000


class FirstPaint(QObject):
    """Event filter calling ``callback`` once, after the watched widget's first paint.

    The callback runs from the event loop right after the paint event, when the
    frame has been flushed to the screen.
    """

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self._callback: Callable[[], None] | None = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            watched.removeEventFilter(self)
            QTimer.singleShot(0, callback)
        return False


def trace_startup(event: str, detail: str = "") -> None:
    """One ``THIDUA_TRACE_STARTUP`` line (see the module docstring)."""
    if sys.stdout is None:  # a windowed Windows executable has no console
        return
    print(f"startup {event} {time.monotonic():.6f}{detail}", flush=True)


def package_version() -> str:
    """The installed (or bundled) distribution's version."""
    from app.core.crashlog import app_version

    return app_version()


class _VersionAction(argparse.Action):
    """``--version``, reading the package metadata only when asked."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help=_("show the version and exit"))

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        if sys.stdout is not None:  # None in a windowed Windows executable
            print(f"thidua {package_version()}", flush=True)
        parser.exit()


def main(argv: Sequence[str] | None = None) -> int:
    # A frozen program's print workers (app.printing.batch_pool) start as this program:
    # they run their task here and exit. A no-op unless frozen: not imported then (~20 ms).
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()
    preferences = load_preferences()
    i18n.set_language(preferences.language)
    i18n.translate_argparse()
    parser = argparse.ArgumentParser(prog="thidua", description=_("Thi Đua: the application"))
    parser.add_argument(
        "--db",
        "--database-url",
        dest="db",
        metavar="FILE_OR_URL",
        help=_(
            "database file or a shared database's URL (postgresql://user:password@server/db); "
            "default: $THIDUA_DATABASE_URL, else File > Shared database, else the user data folder"
        ),
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "packages",
        nargs="*",
        type=Path,
        metavar="PACKAGE",
        help=_("package files to open (a .thidua file double-clicked in the file manager)"),
    )
    args, qt_args = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))

    app = QApplication([sys.argv[0], *qt_args])
    app.setApplicationName("Thi Đua")
    app.setOrganizationName("ThiDua")
    install_qt_translations(app, i18n.current_language())
    from ui.widgets.errors import install_crash_handler

    install_crash_handler()  # uncaught errors: logged, and a report the user can save
    load_bundled_fonts()
    if preferences.font_scale != 1.0:
        apply_font_scale(preferences.font_scale)

    window = MainWindow(chosen_database(args.db, preferences), preferences)
    trace = bool(os.environ.get("THIDUA_TRACE_STARTUP"))
    started = False

    def start() -> None:
        nonlocal started
        if not started:
            started = True
            window.start()

    def painted() -> None:
        if trace:
            heavy = [name for name in HEAVY_MODULES if name in sys.modules]
            trace_startup("first-paint", f" heavy={','.join(heavy) or '-'}")
        start()

    first_paint = FirstPaint(painted)
    window.installEventFilter(first_paint)
    opened_packages = False
    named = False

    def plan_named(_plan_id: str) -> None:
        nonlocal named
        if trace and not named:
            trace_startup("data-shown")
        named = True

    def workspace_shown(plan_id: str) -> None:
        nonlocal opened_packages
        if opened_packages:
            return
        plan_named(plan_id)
        if trace:
            trace_startup("workspace-shown")
            trace_figures_shown(window)
        opened_packages = True
        open_packages(window, args.packages)

    window.plan_previewed.connect(plan_named)
    window.plan_shown.connect(workspace_shown)
    window.show()
    QTimer.singleShot(START_FALLBACK_MS, start)
    if os.environ.get("THIDUA_EXIT_AFTER_SHOW"):
        # Smoke test of `make run`: report the first window, then quit.
        def report() -> None:
            print(f"window-shown: {window.windowTitle()}", flush=True)
            if window.close():
                app.quit()
            else:  # the database is still being opened (a write): quit once it is done
                window.runner.writes_done.connect(app.quit)

        QTimer.singleShot(200, report)
    return leave(window, app.exec())


def leave(window: MainWindow, code: int) -> int:
    """What ends the program once its window has closed (``closeEvent`` stopped the
    background runner, see :meth:`MainWindow.closeEvent`).

    The usual way out: the interpreter finalises, with the heap frozen first
    (``gc.freeze``): its collections at exit otherwise walk every object the session
    loaded (SQLAlchemy, the models, the figures), ~0.3-0.5 s on a 2,000-unit
    province, for no effect since the process ends. A job still running on the
    worker (a write that outlasted the wait) cannot be finalised under: the process
    ends at once instead, the log flushed first, and the database rolls back the
    transaction the write left open.
    """
    if not window.runner.finish(0):
        import logging

        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        os._exit(code)
    gc.freeze()
    return code


def trace_figures_shown(window: MainWindow) -> None:
    """``startup figures-shown`` once the plan's figures are on screen: the federation's
    dashboard fills them after its plan (its own reads); a unit's come with its plan."""
    workspace = window.federation_workspace
    if workspace is None:
        trace_startup("figures-shown")
        return
    dashboard = workspace.dashboard

    def shown(_board: object) -> None:
        dashboard.refreshed.disconnect(shown)
        trace_startup("figures-shown")

    dashboard.refreshed.connect(shown)


def open_packages(window: MainWindow, packages: Sequence[Path]) -> None:
    """Open the packages given on the command line, once the data is shown.

    This is what double-clicking a ``.thidua`` file does (the installer's file
    association): the federation checks them on its import page (a dry run
    staff then apply); a unit imports each one as *Import from the federation*
    does.
    """
    if not packages:
        return
    if window.federation_workspace is not None:
        window.federation_workspace.import_paths(list(packages))
    elif window.unit_workspace is not None:
        for path in packages:
            window.unit_workspace.import_file(path)


if __name__ == "__main__":
    sys.exit(main())

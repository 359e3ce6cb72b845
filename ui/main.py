"""``thidua``: the desktop application.

Start-up order matters on old PCs: the window is shown first, then the
database is opened on a worker thread (SQLAlchemy, Alembic and reportlab
are imported only there or on first use).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app import i18n
from app.paths import default_database_path, resource_dir
from app.preferences import load_preferences

from ui.main_window import MainWindow

_base_point_size: float | None = None


def load_bundled_fonts() -> None:
    """Register the bundled fonts so a PC without them still shows Vietnamese."""
    fonts = resource_dir() / "fonts"
    if fonts.is_dir():
        for path in sorted(fonts.glob("*.ttf")):
            QFontDatabase.addApplicationFont(str(path))


def apply_font_scale(scale: float) -> None:
    """Enlarge or shrink the whole interface's text from the system size."""
    global _base_point_size
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    font = QFont(app.font())
    if _base_point_size is None:
        _base_point_size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    font.setPointSizeF(_base_point_size * scale)
    app.setFont(font)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="thidua")
    parser.add_argument("--db", help="database file (default: the user data folder)")
    args, qt_args = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    preferences = load_preferences()
    i18n.set_language(preferences.language)

    app = QApplication([sys.argv[0], *qt_args])
    app.setApplicationName("Thi Đua")
    app.setOrganizationName("ThiDua")
    load_bundled_fonts()
    if preferences.font_scale != 1.0:
        apply_font_scale(preferences.font_scale)

    database = Path(args.db) if args.db else default_database_path()
    window = MainWindow(database, preferences)
    window.show()
    QTimer.singleShot(0, window.start)
    if os.environ.get("THIDUA_EXIT_AFTER_SHOW"):
        # Smoke test of `make run`: report the first window, then quit.
        def report() -> None:
            print(f"window-shown: {window.windowTitle()}", flush=True)
            window.close()
            app.quit()

        QTimer.singleShot(200, report)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())

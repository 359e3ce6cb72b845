"""Where the application finds its resources and keeps its data.

Resources sit in ``resources/`` beside the packages in a source checkout and
in the bundle directory of a frozen (PyInstaller) build.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "ThiDua"
APP_AUTHOR = "ThiDua"


def resource_dir() -> Path:
    """The ``resources`` directory of this installation."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def user_data_dir() -> Path:
    """Per-user data directory; ``THIDUA_HOME`` overrides it (tests, portable use)."""
    override = os.environ.get("THIDUA_HOME")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR)


def default_database_path() -> Path:
    """The embedded SQLite database used when no other is chosen."""
    return user_data_dir() / "thidua.db"

"""Per-user preferences kept outside the database (read before it opens).

A small JSON file in the user data directory: the interface language and the
database chosen in the application (a shared database's URL may carry its
password, so the file is readable by its user only). Reading it needs no
SQLAlchemy, so the first window can be painted in the right language before
the heavy imports.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from app.core.paths import user_data_dir


@dataclass(frozen=True)
class Preferences:
    language: str = DEFAULT_LANGUAGE
    database: str = ""
    font_scale: float = 1.0
    #: The main window's size, place and maximised state (Qt's saveGeometry, base64).
    window_geometry: str = ""
    #: The name of the person using this PC, written in the audit log and on
    #: proposals instead of the OS account ("root", "Admin").
    staff_name: str = ""
    #: The database file that was open before a shared database was chosen: File →
    #: Shared database… → *Use the embedded database* goes back to it.
    local_database: str = ""
    #: The quick start at each start while steps remain: "" until the first run shows it,
    #: then "shown"; "hidden" once the user asked not to see it again.
    quick_start: str = ""
    #: The dashboard's tab last shown (one of :data:`DASHBOARD_TABS`; "" for the first).
    dashboard_tab: str = ""

    def with_changes(self, **changes: object) -> Preferences:
        return replace(self, **changes)  # type: ignore[arg-type]


#: What :attr:`Preferences.quick_start` may say.
QUICK_START_STATES = ("", "shown", "hidden")

#: The text sizes View → Larger / Smaller text steps through (125 % among them, as
#: Windows offers it: ×1.1 steps went 1.1, 1.21, … and never reached it).
TEXT_SCALES = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5)


def next_text_scale(current: float, step: int) -> float:
    """The text size one step larger (``step`` > 0) or smaller than ``current`` among
    :data:`TEXT_SCALES`; the largest or smallest stays; 0 gives the normal size."""
    if step == 0:
        return 1.0
    if step > 0:
        return next((s for s in TEXT_SCALES if s > current + 1e-6), TEXT_SCALES[-1])
    return next((s for s in reversed(TEXT_SCALES) if s < current - 1e-6), TEXT_SCALES[0])


#: What :attr:`Preferences.dashboard_tab` may say, in the dashboard's order of tabs.
DASHBOARD_TABS = ("targets", "not-sent", "by-indicator", "by-cluster")


def preferences_path() -> Path:
    return user_data_dir() / "preferences.json"


def load_preferences() -> Preferences:
    """The saved preferences; defaults when the file is missing or unreadable."""
    try:
        raw = json.loads(preferences_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Preferences()
    if not isinstance(raw, dict):
        return Preferences()
    language = raw.get("language")
    database = raw.get("database")
    scale = raw.get("font_scale")
    geometry = raw.get("window_geometry")
    staff = raw.get("staff_name")
    local = raw.get("local_database")
    quick = raw.get("quick_start")
    tab = raw.get("dashboard_tab")
    return Preferences(
        language=language if language in LANGUAGES else DEFAULT_LANGUAGE,
        database=database if isinstance(database, str) else "",
        font_scale=float(scale) if isinstance(scale, (int, float)) and 0.8 <= scale <= 2.5 else 1.0,
        window_geometry=geometry if isinstance(geometry, str) and len(geometry) < 4096 else "",
        staff_name=clean_staff_name(staff) if isinstance(staff, str) else "",
        local_database=local if isinstance(local, str) and "://" not in local else "",
        quick_start=quick if quick in QUICK_START_STATES else "",
        dashboard_tab=tab if tab in DASHBOARD_TABS else "",
    )


#: The longest staff name kept (the audit's actor column holds 200 characters).
MAX_STAFF_NAME = 100


def clean_staff_name(text: str) -> str:
    """A person's name as typed, trimmed: no control characters, at most 100 characters."""
    import unicodedata  # not app.plans.document: preferences are read before the heavy imports

    kept = "".join(c if c.isprintable() else " " if c.isspace() else "" for c in text)
    return " ".join(unicodedata.normalize("NFC", kept).split())[:MAX_STAFF_NAME]


def save_preferences(preferences: Preferences) -> None:
    """Write atomically so a power cut never leaves a half-written file."""
    _write_private_json(preferences_path(), asdict(preferences))


def update_preferences(**changes: object) -> Preferences:
    """The file's preferences with ``changes`` applied, written back and returned.

    Each window changes only what it was asked to: a value another part of the
    application saved since this one read the file (the dashboard's tab, the window's
    size) is kept, not overwritten by a stale copy.
    """
    preferences = load_preferences().with_changes(**changes)
    save_preferences(preferences)
    return preferences


def _write_private_json(path: Path, data: dict[str, Any]) -> None:
    """``data`` as JSON at ``path`` (the user's eyes only), replaced in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(data, ensure_ascii=False))
    os.replace(temporary, path)


# --- the last folder of each purpose -------------------------------------------------------

#: At most this many purposes are remembered (names are the dialogs' object names).
MAX_REMEMBERED_FOLDERS = 64


def folders_path() -> Path:
    return user_data_dir() / "folders.json"


def _remembered() -> dict[str, str]:
    try:
        raw = json.loads(folders_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {
        k: v
        for k, v in raw.items()
        if isinstance(k, str) and isinstance(v, str) and len(k) < 100 and len(v) < 4096
    }


def last_folder(purpose: str) -> Path | None:
    """The folder last used for ``purpose`` (reading packages, writing receipts, …),
    if it still exists."""
    text = _remembered().get(purpose)
    if not text:
        return None
    folder = Path(text)
    try:
        return folder if folder.is_dir() else None
    except OSError:
        return None


def recent_folder() -> Path | None:
    """The folder any file dialog ended in last (where the USB stick was), if it exists."""
    for text in reversed(list(_remembered().values())):
        folder = Path(text)
        try:
            if folder.is_dir():
                return folder
        except OSError:
            continue
    return None


def remember_folder(purpose: str, folder: Path) -> None:
    """Remember where a file dialog of ``purpose`` ended; a failure to write is
    harmless (the next dialog opens on the USB stick or the home folder)."""
    known = _remembered()
    known.pop(purpose, None)
    known[purpose] = str(folder)
    while len(known) > MAX_REMEMBERED_FOLDERS:
        known.pop(next(iter(known)))
    path = folders_path()
    try:
        _write_private_json(path, known)
    except OSError:
        return

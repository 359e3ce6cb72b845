"""Unexpected failures, written where a user can find them and carry them away.

In thousands of offline offices a failure reaches the team only as a file on a
USB stick. Every unexpected error (one that is not a :class:`~app.core.errors.UserError`,
which already says what to do) is logged with its traceback to a rotating log
in the user data folder (``logs/thidua.log``, 1 MB × 5); :func:`write_report`
puts the versions, the failure and the end of the log into one text file the
user saves and sends.
"""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
import os
import platform
import secrets
import sys
import tempfile
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import N_, InputError
from app.core.paths import user_data_dir

LOGGER_NAME = "thidua"
LOG_FILE = "thidua.log"
LOG_BYTES = 1024 * 1024
LOG_BACKUPS = 5
#: How much of the log a report carries (the newest lines).
REPORT_LOG_LINES = 400

_configured: list[Path] = []


def app_version() -> str:
    """The installed (or bundled) distribution's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("thidua")
    except PackageNotFoundError:
        return "unknown"


def log_dir() -> Path:
    return user_data_dir() / "logs"


def logger() -> logging.Logger:
    """The application's logger, writing to the rotating log once configured."""
    configure_logging()
    return logging.getLogger(LOGGER_NAME)


def configure_logging() -> Path:
    """Attach the rotating log file (once per log folder); returns its path.

    A log folder that cannot be written (a read-only profile) leaves logging
    to standard error: reporting a failure must never fail itself.
    """
    folder = log_dir()
    path = folder / LOG_FILE
    if _configured and _configured[0] == path:
        return path
    log = logging.getLogger(LOGGER_NAME)
    for old in list(log.handlers):
        if getattr(old, "_thidua", False):
            log.removeHandler(old)
            old.close()
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler._thidua = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    _configured[:] = [path]
    return path


@dataclass(frozen=True)
class Incident:
    """One unexpected failure as logged: a short reference the user can quote."""

    reference: str
    summary: str
    details: str


def traceback_text(error: BaseException) -> str:
    """The traceback of ``error`` (a worker thread's, when it kept one)."""
    kept = getattr(error, "__traceback_text__", None)
    if isinstance(kept, str) and kept:
        return kept
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


def record_unexpected(error: BaseException, *, where: str = "") -> Incident:
    """Log an unexpected failure with its traceback; returns its reference."""
    reference = dt.datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)
    summary = f"{type(error).__name__}: {error}"
    details = traceback_text(error)
    logger().error("incident %s%s\n%s", reference, f" ({where})" if where else "", details)
    return Incident(reference, summary, details)


def record_message(level: int, text: str) -> None:
    """A warning from a library (Qt's message handler feeds this)."""
    logger().log(level, text)


def _tail(path: Path, lines: int) -> list[str]:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return handle.readlines()[-lines:]
    except OSError:
        return []


def report_text(*, incident: Incident | None = None, extra: Mapping[str, str] = {}) -> str:
    """The report: versions, the failure (if any), the newest lines of the log."""
    parts = [
        "Thi Đua — báo cáo lỗi / error report",
        f"created: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"version: {app_version()}",
        f"python: {sys.version.split()[0]} ({platform.python_implementation()})",
        f"system: {platform.platform()}",
        *(f"{key}: {value}" for key, value in extra.items()),
        "",
    ]
    if incident is not None:
        parts += [f"incident {incident.reference}: {incident.summary}", incident.details, ""]
    log = configure_logging()
    older = [log.with_name(f"{LOG_FILE}.{n}") for n in range(LOG_BACKUPS, 0, -1)]
    lines: list[str] = []
    for path in [*older, log]:
        lines += _tail(path, REPORT_LOG_LINES)
    parts.append(f"--- the last {min(len(lines), REPORT_LOG_LINES)} lines of the log ---")
    parts.append("".join(lines[-REPORT_LOG_LINES:]))
    return "\n".join(parts)


def write_report(
    path: Path, *, incident: Incident | None = None, extra: Mapping[str, str] = {}
) -> Path:
    """Write :func:`report_text` to ``path`` (written whole or not at all)."""
    if path.is_dir():
        raise InputError(N_("{path} is a folder; give a file name."), params={"path": str(path)})
    if not path.parent.is_dir():
        raise InputError(
            N_("The folder {folder} does not exist."), params={"folder": str(path.parent)}
        )
    text = report_text(incident=incident, extra=extra)
    temporary: Path | None = None
    try:
        handle, name = tempfile.mkstemp(prefix=".~thidua-", suffix=".txt", dir=path.parent)
        temporary = Path(name)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
        temporary = None
    except OSError as exc:
        raise InputError(
            N_("The error report cannot be written to {path}."),
            params={"path": str(path)},
            detail=exc.strerror or str(exc),
        ) from exc
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return path


__all__ = [
    "Incident",
    "app_version",
    "configure_logging",
    "log_dir",
    "logger",
    "record_message",
    "record_unexpected",
    "report_text",
    "traceback_text",
    "write_report",
]

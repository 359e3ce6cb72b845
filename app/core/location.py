"""Which database to open, and how to show its address (no SQLAlchemy needed).

A location is a file path (the embedded SQLite database) or a URL: a shared
PostgreSQL database is ``postgresql://user:password@server:5432/database``.
The first of these wins: the command line's ``--db`` (or ``--database-url``),
the ``THIDUA_DATABASE_URL`` environment variable, the database saved in the
preferences (File → Shared database… in the application), the embedded
database in the user data folder.

Read before the first window is painted, so it imports nothing heavy.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from app.core.paths import default_database_path
from app.core.preferences import Preferences, load_preferences

ENVIRONMENT_VARIABLE = "THIDUA_DATABASE_URL"


def chosen_database(explicit: str | None, preferences: Preferences | None = None) -> str:
    """The database location to open (see the module docstring)."""
    if explicit:
        return explicit
    from_environment = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if from_environment:
        return from_environment
    saved = (preferences if preferences is not None else load_preferences()).database
    if saved:
        return saved
    return str(default_database_path())


def is_url(location: str) -> bool:
    return "://" in location


def is_server(location: str) -> bool:
    """Whether the location is a database server's URL (not the embedded file)."""
    return is_url(location) and not location.lower().startswith("sqlite")


def shown_location(location: str) -> str:
    """The location as shown to people and written to logs: never the password."""
    if not is_url(location):
        return location
    try:
        parts = urlsplit(location)
        netloc = parts.netloc
    except ValueError:
        return "***"
    if "@" not in netloc:
        return location
    credentials, _at, host = netloc.rpartition("@")
    user, colon, _password = credentials.partition(":")
    hidden = f"{user}:***@{host}" if colon else f"{user}@{host}"
    scheme = parts.scheme.replace("postgresql+psycopg", "postgresql")
    return urlunsplit((scheme, hidden, parts.path, parts.query, parts.fragment))

"""Which database to open, and how to show its address (no SQLAlchemy needed).

A location is a file path (the embedded SQLite database) or a URL: a shared
PostgreSQL database is ``postgresql://user:password@server:5432/database``.
The first of these wins: the command line's ``--db`` (or ``--database-url``),
the ``THIDUA_DATABASE_URL`` environment variable, the database saved in the
preferences (File → Shared database… in the application), the embedded
database in the user data folder. A saved server URL carries no password when
the OS keyring keeps it (:func:`kept_location`); it is merged back when read.

Read before the first window is painted, so it imports nothing heavy.
"""

from __future__ import annotations

import os
from urllib.parse import SplitResult, quote, unquote, urlsplit, urlunsplit

from app.core.passwords import saved_password, store_password
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
        return with_saved_password(saved)
    return str(default_database_path())


def _account(parts: SplitResult) -> str:
    """The keyring's name of a database: user@server:port/database (never the password)."""
    return (
        f"{unquote(parts.username or '')}@{parts.hostname or ''}:{parts.port or 5432}{parts.path}"
    )


def _with_password(parts: SplitResult, password: str | None) -> str:
    user, host = parts.username or "", parts.netloc.rpartition("@")[2]
    credentials = user + (":" + quote(password, safe="") if password else "")
    netloc = f"{credentials}@{host}" if credentials else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def kept_location(location: str) -> str:
    """What to save in the preferences for ``location``: a server URL without its
    password once the OS keyring keeps it; otherwise ``location`` itself."""
    if not is_server(location):
        return location
    try:
        parts = urlsplit(location)
        password = parts.password
        if not password:
            return location
        account = _account(parts)
    except ValueError:
        return location
    if not store_password(account, unquote(password)):
        return location
    return _with_password(parts, None)


def with_saved_password(location: str) -> str:
    """``location`` with the password the keyring keeps for it merged in (unchanged
    when it carries one already, is not a server, or the keyring has none)."""
    if not is_server(location):
        return location
    try:
        parts = urlsplit(location)
        if parts.password:
            return location
        account = _account(parts)
    except ValueError:
        return location
    password = saved_password(account)
    return _with_password(parts, password) if password else location


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

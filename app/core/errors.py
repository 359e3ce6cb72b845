"""Errors a user can act on.

Every failure caused by input (a file, a database, a typed value) is raised
as a :class:`UserError` carrying an English source message. The message is a
msgid of the gettext catalogue: callers show ``str(error)`` (translated by
:func:`app.core.i18n.gettext` at display time), never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping


def N_(message: str) -> str:
    """Mark a literal for the catalogue without translating it yet."""
    return message


class UserError(Exception):
    """An error caused by input, with a message the user can act on.

    ``message`` is the English msgid (may contain ``{name}`` placeholders
    filled from ``params``); ``detail`` is optional untranslated context such
    as a file name or a row number.
    """

    def __init__(
        self,
        message: str,
        *,
        params: Mapping[str, object] | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.params: dict[str, object] = dict(params or {})
        self.detail = detail

    def translated(self) -> str:
        """The message in the current language, placeholders filled."""
        from app.core.i18n import gettext

        text = gettext(self.message)
        if self.params:
            text = text.format(**self.params)
        if self.detail:
            text = f"{text} ({self.detail})"
        return text

    def __str__(self) -> str:
        return self.translated()


class DatabaseError(UserError):
    """The database cannot be opened, read or written."""


class InputError(UserError):
    """A file or value given by the user is not acceptable."""


class NotFoundError(UserError):
    """Something asked for by id does not exist."""

"""One gettext catalogue for the core and the GUI.

Source strings are English; Vietnamese is the default language. The
catalogue lives in ``resources/locale/<lang>/LC_MESSAGES/thidua.po``; a
compiled ``.mo`` beside it is used when it is newer, otherwise the ``.po`` is
compiled in memory (so a fresh checkout works without a build step).

Printed forms are always Vietnamese: their fixed wording is literal, and a
figure's words (verdicts, bases, units) come from :func:`translator` ``("vi")``
whatever the screen's language, so paper and a Vietnamese screen say the
same thing in the same terms.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Callable
from pathlib import Path

from app.core.paths import resource_dir

DOMAIN = "thidua"
DEFAULT_LANGUAGE = "vi"
LANGUAGES: dict[str, str] = {"vi": "Tiếng Việt", "en": "English"}

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"
_fixed: dict[str, _gettext.NullTranslations] = {}

#: A gettext-like function: English msgid in, text of one language out.
Translate = Callable[[str], str]


def locale_dir() -> Path:
    return resource_dir() / "locale"


def _load(language: str) -> _gettext.NullTranslations:
    if language == "en":
        return _gettext.NullTranslations()
    folder = locale_dir() / language / "LC_MESSAGES"
    po_path = folder / f"{DOMAIN}.po"
    mo_path = folder / f"{DOMAIN}.mo"
    if mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    ):
        with mo_path.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    if not po_path.exists():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def set_language(language: str) -> None:
    """Switch every later :func:`gettext` call to ``language`` (``vi``/``en``)."""
    global _translations, _language
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    _translations = _load(language)
    _language = language


def translator(language: str) -> Translate:
    """``gettext`` of one language whatever the current one (printed forms: ``"vi"``)."""
    if language not in _fixed:
        _fixed[language] = _load(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    return _fixed[language].gettext


def vietnamese(message: str) -> str:
    """``message`` in Vietnamese, for what is printed."""
    return translator("vi")(message)


def current_language() -> str:
    return _language


def gettext(message: str) -> str:
    """Translate an English source string into the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def translate_argparse() -> None:
    """Make the standard library's argparse speak the current language.

    argparse looks its own words ("usage: ", "invalid choice…", "unrecognized
    arguments…") up through the module-level ``_`` and ``ngettext`` it imported
    from :mod:`gettext`; they are pointed at this catalogue, which carries those
    messages (``i18n_tools`` extracts them from the running Python's argparse).
    """
    import argparse

    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


_ = gettext

"""One catalogue: every English source string has a Vietnamese translation."""

from __future__ import annotations

import re

from app.core import i18n
from app.core.errors import InputError
from app.core.i18n_tools import extract, missing, read_catalog


def test_every_msgid_is_translated_to_vietnamese() -> None:
    assert missing("vi") == []


def test_placeholders_survive_translation() -> None:
    """A translation that drops or renames {name} would crash at format time."""
    catalog = read_catalog("vi")
    broken = []
    for message in extract():
        if not message.id:
            continue
        translated = catalog.get(message.id)
        assert translated is not None
        wanted = set(re.findall(r"{(\w+)}", str(message.id)))
        found = set(re.findall(r"{(\w+)}", str(translated.string)))
        if wanted != found:
            broken.append(message.id)
    assert broken == []


def test_vietnamese_is_the_default_and_errors_translate() -> None:
    assert i18n.DEFAULT_LANGUAGE == "vi"
    error = InputError("The passphrase is wrong.")
    i18n.set_language("vi")
    assert str(error) == "Mật khẩu không đúng."
    i18n.set_language("en")
    assert str(error) == "The passphrase is wrong."

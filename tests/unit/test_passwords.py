"""A shared database's password in the OS keyring when one is usable (issue #18), else
in the user-only preferences file as before: a real file keyring (keyrings.alt) and
keyring's own fail backend, set with ``keyring.set_keyring``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail, null
from keyrings.alt.file import PlaintextKeyring  # type: ignore[import-untyped]

from app.core.location import chosen_database, kept_location, with_saved_password
from app.core.passwords import KEYRING, PREFERENCES, SERVICE, password_place
from app.core.preferences import Preferences, load_preferences, save_preferences

URL = "postgresql://lanh%40dao:p%40ss%2Fw%C3%B4rd@db.tuyenquang.vn:5433/thi%20dua"
WITHOUT = "postgresql://lanh%40dao@db.tuyenquang.vn:5433/thi%20dua"


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[PlaintextKeyring]:
    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    yield
    keyring.set_keyring(previous)


def test_the_keyring_keeps_the_password_and_the_preferences_never_see_it(
    file_keyring: PlaintextKeyring,
) -> None:
    assert password_place() == KEYRING
    kept = kept_location(URL)
    assert kept == WITHOUT
    assert file_keyring.get_password(SERVICE, "lanh@dao@db.tuyenquang.vn:5433/thi%20dua") == (
        "p@ss/wôrd"
    )
    save_preferences(Preferences(database=kept))
    assert "ss" not in load_preferences().database.split("@")[0]
    assert chosen_database(None) == URL, "read back with its password merged"
    assert with_saved_password(URL) == URL, "a URL with a password is left as it is"


def test_another_database_gets_no_password_it_was_not_given(
    file_keyring: PlaintextKeyring,
) -> None:
    kept_location(URL)
    other = "postgresql://lanh%40dao@db.tuyenquang.vn:5433/khac"
    assert with_saved_password(other) == other


@pytest.mark.usefixtures("no_keyring")
def test_without_a_keyring_the_password_stays_in_the_preferences_file() -> None:
    assert password_place() == PREFERENCES
    assert kept_location(URL) == URL
    save_preferences(Preferences(database=URL))
    assert chosen_database(None) == URL


def test_the_null_keyring_is_not_a_place_either() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())  # type: ignore[no-untyped-call]
    try:
        assert password_place() == PREFERENCES
        assert kept_location(URL) == URL
    finally:
        keyring.set_keyring(previous)


@pytest.mark.parametrize("location", ["/home/x/thidua.db", WITHOUT, "sqlite:///x.db"])
def test_files_and_urls_without_a_password_are_kept_as_they_are(
    file_keyring: PlaintextKeyring, location: str
) -> None:
    assert kept_location(location) == location
    assert with_saved_password(location) == location

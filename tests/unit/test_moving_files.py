"""Moving from and to database files named by path: a missing source is said as such and
not created, and a file is not moved onto itself (however its path is written)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.errors import InputError
from app.setup import move_database
from app.setup.moving import sqlite_file
from tests.helpers import federation_with_roster


def test_a_missing_source_file_is_said_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.db"
    with pytest.raises(InputError, match="There is no database at"):
        move_database(source=missing, target=tmp_path / "moi.db")
    assert not missing.exists() and not (tmp_path / "moi.db").exists()


def test_a_file_is_not_moved_onto_itself(tmp_path: Path) -> None:
    db = tmp_path / "lien-doan.db"
    federation_with_roster(db, tmp_path)[0].close()
    again = tmp_path / "." / "lien-doan.db"
    with pytest.raises(InputError, match="is the one to move from"):
        move_database(source=db, target=f"sqlite:///{again}")


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:////srv/a.db", Path("/srv/a.db")),
        ("sqlite+pysqlite:////srv/a.db", Path("/srv/a.db")),
        ("sqlite://", None),
        ("postgresql://u@h/db", None),
    ],
)
def test_the_file_of_a_url(url: str, path: Path | None) -> None:
    assert sqlite_file(url) == path

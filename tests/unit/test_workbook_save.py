"""Every workbook is saved whole: over a file that cannot be replaced it says so, and keeps it."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.core.errors import InputError
from app.core.workbooks import save_workbook
from app.roster.template import write_roster_template

MSG = "The workbook cannot be written to {path}; if it is open, close it and try again."
OLD = b"the workbook that was there"


def save_plain(path: Path) -> None:
    save_workbook(Workbook(), path)


WRITERS: dict[str, Callable[[Path], object]] = {
    "a workbook": save_plain,
    "the roster template": write_roster_template,
}


def assert_refused_and_kept(write: Callable[[Path], object], path: Path) -> None:
    with pytest.raises(InputError) as info:
        write(path)
    assert info.value.message == MSG
    assert info.value.params == {"path": str(path)}
    assert path.read_bytes() == OLD
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name], "no temporary file left"


@pytest.mark.parametrize("writer", WRITERS)
def test_a_workbook_open_in_excel_is_kept_and_the_save_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    """Windows refuses to replace a file another program holds open (Excel does):
    the rename over it fails with "access denied", never an unexpected error."""
    (tmp_path / "usb").mkdir()
    path = tmp_path / "usb" / "danh-sach.xlsx"
    path.write_bytes(OLD)
    replace = os.replace

    def locked(source: str | Path, target: str | Path) -> None:
        if Path(target) == path:
            raise PermissionError(errno.EACCES, "Access is denied", str(target))
        replace(source, target)

    monkeypatch.setattr(os, "replace", locked)
    assert_refused_and_kept(WRITERS[writer], path)


@contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """A folder nothing can be created in: read-only for an ordinary user; for root,
    whom permissions do not stop, immutable (``chattr +i``) where that is possible."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)]).returncode != 0:
        pytest.skip("root, and the folder cannot be made immutable here")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


@pytest.mark.parametrize("writer", WRITERS)
def test_a_workbook_in_a_folder_that_cannot_be_written_is_kept(tmp_path: Path, writer: str) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    path = folder / "danh-sach.xlsx"
    path.write_bytes(OLD)
    with unwritable(folder):
        assert_refused_and_kept(WRITERS[writer], path)


def test_a_saved_workbook_replaces_the_old_one(tmp_path: Path) -> None:
    (tmp_path / "usb").mkdir()
    path = tmp_path / "usb" / "danh-sach.xlsx"
    path.write_bytes(OLD)
    write_roster_template(path)
    assert path.read_bytes()[:2] == b"PK"
    assert path.stat().st_mode & 0o777 == 0o644 & ~current_umask(), "not mkstemp's 0600"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

"""Files from outside are read one way (app.core.files.read_limited), never past the limit."""

from __future__ import annotations

import os
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.files import FileTooLargeError, read_limited
from app.exchange.keystore import KeyStoreError, load_private_key, restore_backup


def test_a_file_that_grows_while_read_is_read_no_further_than_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "goi.thidua"
    path.write_bytes(b"x" * 10_000)
    fstat, read = os.fstat, os.read
    asked: list[int] = []

    def small_when_checked(descriptor: int) -> object:
        info = fstat(descriptor)
        return types.SimpleNamespace(st_mode=info.st_mode, st_size=10)  # it grows after this

    def counted(descriptor: int, size: int) -> bytes:
        asked.append(size)
        return read(descriptor, size)

    monkeypatch.setattr(os, "fstat", small_when_checked)
    monkeypatch.setattr(os, "read", counted)
    with pytest.raises(FileTooLargeError):
        read_limited(path, 100)
    assert sum(asked) <= 101


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("read", [restore_backup, load_private_key])
def test_a_key_file_that_is_a_fifo_is_refused_without_waiting(
    tmp_path: Path, read: Callable[[Path, str], object]
) -> None:
    fifo = tmp_path / "khoa.json"
    os.mkfifo(fifo)
    with pytest.raises(KeyStoreError) as info:
        read(fifo, "mat-khau-du-dai")  # before: blocked for ever
    assert info.value.message == "The key file cannot be read."

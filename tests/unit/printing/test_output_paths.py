"""One output check for every command that writes a file (:func:`app.core.files.check_output`).

Chosen: a folder that does not exist is refused, never made (a mistyped folder is said,
not silently created), by ``print`` as by ``report xlsx``; a path ending in a separator or
naming an existing folder is never written as a file. Each refusal writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from tests.unit.printing.pdf_reading import PLAN
from tests.unit.printing.setups import Province

MISSING = "Thư mục {folder} không tồn tại."


def commands(out: str) -> list[list[str]]:
    """Every command that writes one file, writing to ``out``."""
    return [
        ["print", "plan", PLAN, "--out", out],
        ["print", "summary", "--out", out],
        ["print", "batch", "--single-file", "--out", out],
        ["report", "xlsx", "--out", out],
        ["roster", "template", "--out", out],
    ]


def run(province: Province, command: list[str]) -> int:
    return main(["--db", str(province.demo.database), *command])


@pytest.mark.parametrize("index", range(5))
def test_a_missing_folder_is_refused_the_same_way_everywhere(
    province: Province, tmp_path: Path, capsys: pytest.CaptureFixture[str], index: int
) -> None:
    target = tmp_path / "no-such-folder" / "out.xlsx"
    command = commands(str(target))[index]
    assert run(province, command) == 1, command
    assert MISSING.format(folder=target.parent) in capsys.readouterr().err
    assert not target.parent.exists()


@pytest.mark.parametrize("index", range(5))
def test_a_name_ending_in_a_separator_is_never_written_as_a_file(
    province: Province, tmp_path: Path, capsys: pytest.CaptureFixture[str], index: int
) -> None:
    typed = str(tmp_path / "forms") + "/"
    command = commands(typed)[index]
    assert run(province, command) == 1, command
    assert "là một thư mục" in capsys.readouterr().err
    assert not (tmp_path / "forms").exists()


@pytest.mark.parametrize("index", range(5))
def test_an_existing_folder_is_never_written_as_a_file(
    province: Province, tmp_path: Path, capsys: pytest.CaptureFixture[str], index: int
) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    command = commands(str(folder))[index]
    assert run(province, command) == 1, command
    assert "là một thư mục" in capsys.readouterr().err
    assert folder.is_dir() and list(folder.iterdir()) == []

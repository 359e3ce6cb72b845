"""The printing font: Times New Roman where the system has it, Liberation Serif otherwise,
and the choice said where the user sees it (``print --json``, the preview).

This machine has no Times New Roman (its licence forbids bundling it), so the PDF is
checked with ``pdffonts`` for the fallback, and the selection is checked with a folder
(``THIDUA_FONT_DIR``) holding Liberation Serif's four faces under Times New Roman's file
names: reportlab accepts them, the choice is "Times New Roman", and ``pdffonts`` shows
the PostScript name inside the files (LiberationSerif), as it would show
TimesNewRomanPSMT for the real font."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main
from app.printing import printing_font
from app.printing.fonts import (
    BOLD,
    BOLD_ITALIC,
    FONT_DIR_VARIABLE,
    ITALIC,
    LIBERATION,
    REGULAR,
    TIMES,
    font_choice,
    font_dir,
    register_fonts,
    reset_fonts,
)
from app.printing.furniture import body
from app.printing.layout import build_pdf
from tests.unit.printing.setups import Province

TIMES_FILES = {
    "times.ttf": "LiberationSerif-Regular.ttf",
    "timesbd.ttf": "LiberationSerif-Bold.ttf",
    "timesi.ttf": "LiberationSerif-Italic.ttf",
    "timesbi.ttf": "LiberationSerif-BoldItalic.ttf",
}


@pytest.fixture
def fresh_fonts() -> Iterator[None]:
    """The choice made again for the test, and again after it (for the other tests)."""
    reset_fonts()
    yield
    reset_fonts()
    register_fonts()


def times_folder(folder: Path, *, leave_out: str = "") -> Path:
    folder.mkdir()
    for name, source in TIMES_FILES.items():
        if name != leave_out:
            shutil.copyfile(font_dir() / source, folder / name)
    return folder


def pdffonts(path: Path) -> list[str]:
    """The font names ``pdffonts`` lists (subset prefix dropped)."""
    lines = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    return sorted({line.split()[0].split("+")[-1] for line in lines})


def test_a_folder_with_times_new_romans_four_faces_is_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_fonts: None
) -> None:
    folder = times_folder(tmp_path / "fonts")
    monkeypatch.setenv(FONT_DIR_VARIABLE, str(folder))
    choice = font_choice()
    assert choice.family == TIMES and choice.is_times
    assert choice.files == {
        REGULAR: folder / "times.ttf",
        BOLD: folder / "timesbd.ttf",
        ITALIC: folder / "timesi.ttf",
        BOLD_ITALIC: folder / "timesbi.ttf",
    }
    assert printing_font() == TIMES
    out = build_pdf(tmp_path / "x.pdf", [body("Tiếng Việt <b>đậm</b>")], title="x")
    # The files are Liberation Serif renamed: the PDF embeds what is inside them.
    assert pdffonts(out) == ["LiberationSerif"]


@pytest.mark.parametrize("leave_out", ["timesbd.ttf", "timesbi.ttf"])
def test_without_all_four_faces_liberation_serif_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_fonts: None, leave_out: str
) -> None:
    folder = times_folder(tmp_path / "fonts", leave_out=leave_out)
    monkeypatch.setenv(FONT_DIR_VARIABLE, str(folder))
    assert font_choice().family == (TIMES if _system_has_times() else LIBERATION)


def test_a_file_that_is_no_font_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_fonts: None
) -> None:
    folder = times_folder(tmp_path / "fonts")
    (folder / "times.ttf").write_bytes(b"not a font")
    monkeypatch.setenv(FONT_DIR_VARIABLE, str(folder))
    choice = font_choice()
    assert folder / "times.ttf" not in choice.files.values()


def _system_has_times() -> bool:
    return any(p.name.lower().startswith("times") for p in font_choice().files.values())


def test_the_pdf_embeds_the_chosen_font_and_the_command_line_says_which(
    province: Province, tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_fonts: None
) -> None:
    chosen = font_choice()
    db = str(province.demo.database)
    out = tmp_path / "p.pdf"
    assert main(["--db", db, "print", "plan", "--json", "tuyen-quang-2017", "--out", str(out)]) == 0
    reported = json.loads(capsys.readouterr().out)
    assert reported["font"] == chosen.family
    names = pdffonts(out)
    if chosen.is_times:
        assert "TimesNewRomanPSMT" in names
        assert all(n.startswith("TimesNewRomanPS") for n in names)
    else:
        assert chosen.family == LIBERATION
        assert set(names) <= {
            "LiberationSerif",
            "LiberationSerif-Bold",
            "LiberationSerif-Italic",
            "LiberationSerif-BoldItalic",
        }
        assert "LiberationSerif" in names

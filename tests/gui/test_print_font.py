"""The preview says which font the forms print in: Times New Roman, or the fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core import i18n
from app.printing import printing_font
from app.printing.furniture import body
from app.printing.layout import build_pdf

from ui.widgets.pdf_preview import PdfPreviewDialog, font_note


@pytest.mark.parametrize(
    ("family", "words"),
    [
        ("Times New Roman", "Phông chữ: Times New Roman (theo Nghị định 30/2020/NĐ-CP)."),
        ("Liberation Serif", "máy tính này chưa cài Times New Roman"),
    ],
)
def test_the_note_names_the_family(family: str, words: str) -> None:
    previous = i18n.current_language()
    i18n.set_language("vi")
    try:
        assert words in font_note(family)
    finally:
        i18n.set_language(previous)
    assert family in font_note(family)


def test_the_preview_shows_the_font_the_pdf_was_printed_in(qtbot: QtBot, tmp_path: Path) -> None:
    pdf = build_pdf(tmp_path / "x.pdf", [body("Bản đăng ký thi đua")], title="x")
    dialog = PdfPreviewDialog(pdf)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.font_note.text() == font_note(printing_font())
    assert dialog.font_note.isVisible()
    dialog.grab().save(str(tmp_path / "preview.png"))
    dialog.reject()

"""The printed manual: the user guide as an A4 PDF (``thidua-cli guide``, ``make guide``),
read back with poppler: a title page, a table of contents whose page numbers are the pages
the titles are on, every chapter and section, the screenshots, the fonts embedded."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest

from app.cli import main
from app.guide import installed_guide, load_guide
from app.printing import write_manual
from tests.unit.printing.pdf_reading import (
    assert_liberation_serif_embedded,
    layout_pages,
)


@pytest.fixture(scope="module")
def manual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("manual") / "huong-dan-su-dung.pdf"
    assert main(["guide", "--out", str(out)], out=io.StringIO()) == 0
    return out


def flat(text: str) -> str:
    return " ".join(text.split())


def test_every_chapter_and_section_is_printed(manual: Path) -> None:
    pages = layout_pages(manual)
    text = " ".join(pages)
    assert "HƯỚNG DẪN SỬ DỤNG THI ĐUA" in pages[0]
    for section in installed_guide().sections:
        assert flat(section.title) in text, section.title
    # Prose, numbered steps and a table's cells come through in Vietnamese.
    assert "Gửi gói cho Liên đoàn: bấm Xuất gói gửi Liên đoàn, ghi gói ra USB" in text
    assert "Chờ xác nhận khóa" in text


def test_the_contents_give_each_title_its_page(manual: Path) -> None:
    pages = layout_pages(manual)
    assert pages[1].startswith("2 MỤC LỤC") or "MỤC LỤC" in pages[1]
    contents = " ".join(pages[1:4])
    listed = 0
    for section in installed_guide().sections:
        title = flat(section.title)
        found = re.search(re.escape(title) + r"(?: \.)+ (\d+)", contents)
        assert found, f"{title} is not in the contents"
        page = int(found.group(1))
        assert title in pages[page - 1], f"{title} is not on page {page}"
        listed += 1
    assert listed == len(installed_guide().sections)


def test_the_pages_are_a4_numbered_with_fonts_embedded(manual: Path) -> None:
    info = subprocess.run(["pdfinfo", str(manual)], capture_output=True, text=True, check=True)
    assert "(A4)" in info.stdout
    assert_liberation_serif_embedded(manual)
    pages = layout_pages(manual)
    # From the second page on, each page carries its number at its top.
    for number, page in enumerate(pages[1:], start=2):
        assert page.startswith(f"{number} "), page[:40]


def test_the_screenshots_are_printed_within_the_page(manual: Path) -> None:
    listing = subprocess.run(
        ["pdfimages", "-list", str(manual)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    pictures = {image for c in installed_guide().chapters for image in c.images}
    assert len(listing) >= len(pictures)


def test_a_small_guide_with_lists_tables_and_pictures(tmp_path: Path) -> None:
    folder = tmp_path / "guide"
    folder.mkdir()
    shots = Path(installed_guide().folder).parent / "screenshots"
    (folder / "01-a.md").write_text(
        "# Chương một {#one}\n\nĐoạn & <văn>bản, 3 < 5.\n\n"
        "1. Bước một\n    - ý phụ\n2. Bước **hai**\n\n"
        f"    ![Ảnh trong bước]({shots / 'unit-review.png'})\n\n"
        "| Cột | Giá trị |\n|---|---|\n| a | b |\n\n"
        f"![Ảnh chụp]({shots / 'unit-sending.png'})\n\n## Mục hai {{#two}}\n",
        encoding="utf-8",
    )
    out = write_manual(tmp_path / "nho.pdf", load_guide(folder))
    text = " ".join(layout_pages(out))
    for words in (
        "Chương một",
        "Đoạn & bản, 3 < 5.",
        "1. Bước một",
        "• ý phụ",
        "Giá trị",
        "Ảnh trong bước",
        "Ảnh chụp",
    ):
        assert words in text, words
    pages = layout_pages(out)
    listed = re.search(r"Mục hai(?: \.)+ (\d+)", pages[1])
    assert listed and pages[int(listed.group(1)) - 1].endswith("Mục hai")


def test_a_manual_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "guide.pdf"
    assert main(["guide", "--out", str(target)], out=io.StringIO()) == 1
    assert not target.parent.exists()

"""The user guide's source reads into chapters, sections and anchors, and says what is broken."""

from __future__ import annotations

import re
from pathlib import Path

from app.core.i18n import vietnamese
from app.guide import installed_guide, load_guide
from app.setup.first_steps import FEDERATION_STEPS, UNIT_STEPS


def test_the_installed_guide_has_chapters_and_no_broken_reference() -> None:
    guide = installed_guide()
    assert len(guide.chapters) >= 3
    assert {"intro", "unit", "federation", "glossary"} <= guide.anchors
    assert guide.problems() == []


def test_broken_links_pictures_and_duplicates_are_reported(tmp_path: Path) -> None:
    (tmp_path / "01-a.md").write_text(
        "# Một {#one}\n\n[sang hai](#two) [đi đâu](#nowhere)\n\n![ảnh](../shots/none.png)\n\n"
        "## Hai {#two}\n",
        encoding="utf-8",
    )
    (tmp_path / "02-b.md").write_text("# Lại một {#one}\n", encoding="utf-8")
    guide = load_guide(tmp_path)
    assert [c.title for c in guide.chapters] == ["Một", "Lại một"]
    assert guide.title_of("two") == "Hai"
    assert guide.problems() == [
        "duplicate anchor #one",
        "01-a.md: link to a missing anchor #nowhere",
        "01-a.md: missing picture ../shots/none.png",
    ]
    assert 'id="two"' in guide.html()


def quick_start_lists() -> list[list[tuple[str, str]]]:
    """The numbered lists of the guide's "Bắt đầu nhanh": each item's words in bold at its
    start and the section its last link goes to."""
    text = (installed_guide().folder / "01-chung.md").read_text(encoding="utf-8")
    section = text.split("{#quick-start}", 1)[1].split("\n## ", 1)[0]
    lists: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for item in re.split(r"\n(?=\d+\. |\S)", section):
        found = re.match(r"\d+\. \*\*(.+?)\*\*", item)
        if found is None:
            if current:
                lists.append(current)
                current = []
            continue
        links = re.findall(r"\]\(#([a-z0-9-]+)\)", item)
        current.append((found.group(1), links[-1] if links else ""))
    if current:
        lists.append(current)
    return lists


def test_the_guide_s_quick_start_lists_the_dialog_s_steps() -> None:
    """The same steps, in the same order and words, as the quick start shows them (for a
    chair, then for federation staff), each linked to the step's own section."""
    expected = [
        [(vietnamese(label), anchor) for _key, label, anchor in table]
        for table in (UNIT_STEPS, FEDERATION_STEPS)
    ]
    assert quick_start_lists() == expected

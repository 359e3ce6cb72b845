"""The user guide's source reads into chapters, sections and anchors, and says what is broken."""

from __future__ import annotations

from pathlib import Path

from app.guide import installed_guide, load_guide


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

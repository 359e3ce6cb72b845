"""The user guide's source: ``docs/guide/*.md``, read into chapters and sections.

The guide is Markdown (Python-Markdown with ``attr_list``, ``tables`` and ``toc``): one file
per chapter, taken in the order of their names (``01-…``, ``02-…``). Every heading that a
screen or a link points at carries an explicit anchor, ``## Title {#anchor}``; pictures are
the screenshots ``make screenshots`` writes, linked as ``../screenshots/NAME.png``. The same
source gives the help window its HTML and the printed manual its text.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

EXTENSIONS = ("attr_list", "tables", "toc", "sane_lists")


def guide_dir() -> Path:
    """``docs/guide`` of a source checkout, or its copy inside a frozen bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "docs" / "guide"
    return Path(__file__).resolve().parents[2] / "docs" / "guide"


@dataclass(frozen=True)
class Section:
    """A heading of the guide: its anchor, its words and its depth (1 = a chapter)."""

    anchor: str
    title: str
    level: int


@dataclass(frozen=True)
class Chapter:
    """One file of the guide, as HTML, with the sections its headings open."""

    path: Path
    title: str
    anchor: str
    html: str
    sections: tuple[Section, ...]
    links: tuple[str, ...]
    images: tuple[str, ...]


@dataclass(frozen=True)
class Guide:
    """The whole guide, chapter by chapter."""

    folder: Path
    chapters: tuple[Chapter, ...]

    @property
    def sections(self) -> tuple[Section, ...]:
        return tuple(s for chapter in self.chapters for s in chapter.sections)

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(s.anchor for s in self.sections)

    def html(self) -> str:
        """The guide as one HTML document (the help window scrolls to an anchor in it)."""
        body = "\n<hr/>\n".join(chapter.html for chapter in self.chapters)
        return f'<html><head><meta charset="utf-8"/></head><body>{body}</body></html>'

    def title_of(self, anchor: str) -> str:
        for section in self.sections:
            if section.anchor == anchor:
                return section.title
        raise KeyError(anchor)

    def problems(self) -> list[str]:
        """What is broken: duplicate anchors, links to no anchor, pictures that do not exist."""
        found: list[str] = []
        seen: set[str] = set()
        for section in self.sections:
            if section.anchor in seen:
                found.append(f"duplicate anchor #{section.anchor}")
            seen.add(section.anchor)
        for chapter in self.chapters:
            for link in chapter.links:
                if link.startswith("#") and link[1:] not in seen:
                    found.append(f"{chapter.path.name}: link to a missing anchor {link}")
            for image in chapter.images:
                if not (self.folder / image).is_file():
                    found.append(f"{chapter.path.name}: missing picture {image}")
        return found


class _Refs(HTMLParser):
    """The link targets and picture sources of a chapter's HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        elif tag == "img" and values.get("src"):
            self.images.append(values["src"] or "")


def _sections(tokens: list[dict[str, object]]) -> list[Section]:
    found: list[Section] = []
    for token in tokens:
        title = re.sub(r"<[^>]+>", "", str(token["name"]))
        found.append(Section(str(token["id"]), title, int(str(token["level"]))))
        children = token.get("children")
        if isinstance(children, list):
            found.extend(_sections(children))
    return found


def read_chapter(path: Path) -> Chapter:
    """One Markdown file of the guide, rendered."""
    import markdown

    converter = markdown.Markdown(extensions=list(EXTENSIONS))
    html = converter.convert(path.read_text(encoding="utf-8"))
    sections = _sections(getattr(converter, "toc_tokens", []))
    refs = _Refs()
    refs.feed(html)
    first = sections[0] if sections else Section(path.stem, path.stem, 1)
    return Chapter(
        path=path,
        title=first.title,
        anchor=first.anchor,
        html=html,
        sections=tuple(sections),
        links=tuple(refs.links),
        images=tuple(refs.images),
    )


def load_guide(folder: Path | None = None) -> Guide:
    """The guide in ``folder`` (the installed one by default)."""
    where = folder or guide_dir()
    return Guide(where, tuple(read_chapter(p) for p in sorted(where.glob("[0-9]*.md"))))


@cache
def installed_guide() -> Guide:
    """The installation's guide, read once."""
    return load_guide()

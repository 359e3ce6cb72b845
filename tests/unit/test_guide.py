"""The written guide (docs/guide): every picture is one ``make screenshots`` takes, every
link and anchor resolves, the anchors the screens point at are all there, and each task
for chairs and federation staff is told as numbered steps."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import pytest

from app.guide import installed_guide
from tests.screenshots import SHOTS

#: The anchors the screens' F1 / "?" and the Help menu open (never renamed).
SCREEN_ANCHORS = [
    "intro",
    "quick-start",
    "first-start",
    "backup",
    "key-passphrase",
    "printing",
    "problems",
    "about",
    "unit",
    "unit-practice",
    "unit-plan",
    "unit-details",
    "unit-registration",
    "unit-results",
    "unit-fingerprint",
    "unit-sending",
    "unit-returns",
    "federation",
    "fed-roster",
    "fed-plan",
    "fed-deadlines",
    "fed-import",
    "fed-keys",
    "fed-conflicts",
    "fed-flags",
    "fed-entry",
    "fed-receipts",
    "fed-dashboard",
    "fed-history",
    "fed-batch-print",
    "fed-scoring",
    "fed-audit",
    "fed-shared-database",
    "glossary",
]


def test_every_link_anchor_and_picture_resolves() -> None:
    assert installed_guide().problems() == []


def test_every_picture_is_one_the_screenshot_script_takes() -> None:
    guide = installed_guide()
    pictures = [image for chapter in guide.chapters for image in chapter.images]
    assert pictures, "the guide shows no screenshot"
    for image in pictures:
        path = PurePosixPath(image)
        assert path.parent == PurePosixPath("../screenshots"), image
        assert path.name in SHOTS, f"{image} is not written by tests/screenshots.py"


def test_the_screenshot_list_matches_the_committed_pictures() -> None:
    folder = installed_guide().folder.parent / "screenshots"
    assert sorted(p.name for p in folder.glob("*.png")) == sorted(SHOTS)


def test_the_screens_anchors_are_all_kept() -> None:
    assert set(SCREEN_ANCHORS) <= installed_guide().anchors


@pytest.mark.parametrize(
    "anchor",
    [
        a
        for a in SCREEN_ANCHORS
        if a.startswith(("unit-", "fed-"))
        and a not in ("unit-details", "unit-fingerprint", "fed-audit")
    ]
    + ["first-start", "backup", "printing"],
)
def test_each_task_is_told_as_numbered_steps(anchor: str) -> None:
    html = installed_guide().html()
    start = html.index(f'id="{anchor}"')
    following = html.find("<h", start + 1)
    section = html[start : following if following != -1 else len(html)]
    assert "<ol>" in section, f"#{anchor} has no numbered steps"


def test_no_numbered_step_falls_out_of_its_list() -> None:
    """A step written after a picture or a paragraph indented wrongly reads as plain text
    ("4. Bấm…" inside a paragraph): each step stays an item of its list."""
    for chapter in installed_guide().chapters:
        for paragraph in re.findall(r"<p>(.*?)</p>", chapter.html, flags=re.DOTALL):
            assert not re.search(r"^\s*\d+\. ", paragraph, flags=re.MULTILINE), paragraph[:80]

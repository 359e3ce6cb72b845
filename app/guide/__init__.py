"""The user guide (docs/guide): chapters, sections and anchors for the help window and the
printed manual."""

from app.guide.source import (
    Chapter,
    Guide,
    Section,
    guide_dir,
    installed_guide,
    load_guide,
    read_chapter,
)

__all__ = [
    "Chapter",
    "Guide",
    "Section",
    "guide_dir",
    "installed_guide",
    "load_guide",
    "read_chapter",
]

"""The glossary's terms to avoid (docs/glossary.md), and where they appear."""

from __future__ import annotations

import re
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"


def avoided_terms() -> dict[str, str]:
    """Each term to avoid → the term to use instead, from the glossary's table."""
    avoided: dict[str, str] = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("Concept (English)", "---"):
            continue
        term, avoid = cells[1], cells[2]
        for word in avoid.split(";") if avoid else []:
            word = re.sub(r"\(.*?\)", "", word).strip().strip('"')
            for alternative in word.split(","):
                alternative = alternative.strip()
                if alternative and not alternative.endswith(" alone"):
                    avoided[alternative] = term
    return avoided


def offending(texts: list[str]) -> list[str]:
    found = []
    for wrong, right in avoided_terms().items():
        pattern = re.compile(rf"(?<!\w){re.escape(wrong)}(?!\w)", re.IGNORECASE)
        for text in texts:
            if pattern.search(text):
                found.append(f"“{wrong}” (use “{right}”): {text[:100]}")
    return found

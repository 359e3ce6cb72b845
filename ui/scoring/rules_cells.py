"""How the scoring rules' tables write and read their cells: numbers typed with a comma,
bands as ``from:share`` pairs (and the same in words), veto conditions as words; column
headers wrapped so that they read whole at 1366×768."""

from __future__ import annotations

import textwrap
from fractions import Fraction

from PySide6.QtWidgets import QTableWidget

from app.core.errors import N_
from app.core.i18n import gettext as _
from app.plans import Band, VetoCondition


def number_cell(value: Fraction | int | None) -> str:
    """A number as typed in the tables: comma for decimals, no thousands separator."""
    if value is None:
        return ""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def number_value(text: str) -> str | None:
    """What a number cell holds, for the document (the core validates it); None if empty."""
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    return cleaned or None


def bands_text(bands: tuple[Band, ...]) -> str:
    """``100:100; 90:80; 0:0`` — attainment from : share of the points."""
    return "; ".join(f"{number_cell(b.start)}:{number_cell(b.share)}" for b in bands)


def parse_bands(text: str) -> list[dict[str, str]] | str:
    """The bands of a cell, or the offending part when it cannot be read."""
    bands: list[dict[str, str]] = []
    for part in text.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        start, sep, share = part.partition(":")
        first, second = number_value(start), number_value(share)
        if not sep or first is None or second is None:
            return part.strip()
        bands.append({"from": first, "share": second})
    return bands


_CONDITIONS = {
    VetoCondition.FLAG: N_("a flag"),
    VetoCondition.GRADE: N_("an indicator's grade"),
    VetoCondition.NO_REPORT: N_("no report"),
}


def condition_word(condition: VetoCondition) -> str:
    """How the table shows a veto's condition: words, not ``no_report``."""
    return _(_CONDITIONS[condition])


def condition_code(text: str) -> str:
    """The condition typed as its words or its code (the core refuses anything else)."""
    wanted = text.strip().casefold()
    for condition, msgid in _CONDITIONS.items():
        if wanted in (condition.value, _(msgid).casefold()):
            return condition.value
    return text.strip()


def reported_word() -> str:
    """The method "points as reported", in words."""
    return _("as reported")


def bands_words(text: str) -> str:
    """What a bands cell means, in words ("From 90% of the registered: 80% of the
    indicator's points"); the reason when it cannot be read."""
    bands = parse_bands(text)
    if isinstance(bands, str):
        return _("Cannot read “{part}”: write attainment:share pairs, e.g. 100:100; 90:80.").format(
            part=bands
        )
    if not bands:
        return ""
    parts = [
        _("attained from {start}% of the registered → {share}% of its points").format(
            start=band["from"].replace(".", ","), share=band["share"].replace(".", ",")
        )
        for band in bands
    ]
    return _("An indicator's points: {bands}; below every band: 0 points.").format(
        bands="; ".join(parts)
    )


#: A header wider than this many characters is wrapped onto more lines.
HEADER_CHARACTERS = 16


def set_headers(table: QTableWidget, labels: list[str]) -> None:
    """Column headers wrapped onto short lines (sized to them by ``resizeColumnsToContents``),
    each with its whole text as a tooltip."""
    table.setHorizontalHeaderLabels(
        [textwrap.fill(label, HEADER_CHARACTERS, break_long_words=False) for label in labels]
    )
    for column, label in enumerate(labels):
        item = table.horizontalHeaderItem(column)
        if item is not None:
            item.setToolTip(label)

"""Day fields every screen shares: a calendar-popup date field written DD/MM/YYYY, and
the conversions between Python days and Qt's."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit

#: How day fields show a day (as printed forms write it).
DATE_FORMAT = "dd/MM/yyyy"


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def day_of(edit: QDateEdit) -> dt.date:
    """The day a field shows."""
    date = edit.date()
    return dt.date(date.year(), date.month(), date.day())


def date_edit(name: str, day: dt.date) -> QDateEdit:
    """A day field (``objectName`` ``name``) showing ``day``, with a calendar."""
    edit = QDateEdit(qdate(day))
    edit.setObjectName(name)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    return edit


__all__ = ["DATE_FORMAT", "date_edit", "day_of", "qdate"]

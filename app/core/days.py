"""Calendar days as the federation counts them.

Dates people type (``2017-07-15`` or ``15/07/2017``), the one way a day is
written in a sentence (``15/07/2017``), and the local day of a moment stored
in UTC: deadlines are days of the federation's calendar, Vietnam's (UTC+7, no
daylight saving), whatever the PC's clock zone says.
"""

from __future__ import annotations

import datetime as dt
import re

from app.core.errors import N_, InputError

#: Vietnam's time zone: UTC+7 all year.
LOCAL_ZONE = dt.timezone(dt.timedelta(hours=7), "ICT")

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_VN = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_day(text: str) -> dt.date:
    """A day typed as ``YYYY-MM-DD`` or ``DD/MM/YYYY``; :class:`InputError` for
    anything else, or for a day the calendar does not have (31/02/2017)."""
    value = (text or "").strip()
    iso, vn = _ISO.fullmatch(value), _VN.fullmatch(value)
    if iso is not None:
        year, month, day = (int(part) for part in iso.groups())
    elif vn is not None:
        day, month, year = (int(part) for part in vn.groups())
    else:
        raise InputError(
            N_("{text} is not a date: type it as DD/MM/YYYY (or YYYY-MM-DD)."),
            params={"text": value},
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InputError(
            N_("{text} is not a day of the calendar."), params={"text": value}
        ) from None


def local_day(utc_text: str) -> dt.date | None:
    """The federation's calendar day of a stored moment (``2017-07-15T16:30:00+00:00``
    is 15/07/2017 23:30 there; ``17:10`` UTC is already the 16th); None if unreadable.
    A moment stored without a zone is UTC, as the application writes them."""
    try:
        moment = dt.datetime.fromisoformat(utc_text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(LOCAL_ZONE).date()


def day_start_utc_text(day: dt.date) -> str:
    """The first moment of ``day`` in the federation's calendar, stored as the
    application stores moments (UTC text: 15/07/2017 is ``2017-07-14T17:00:00+00:00``)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_ZONE)
    return start.astimezone(dt.UTC).isoformat(timespec="seconds")


def today_local() -> dt.date:
    """Today in the federation's calendar."""
    return dt.datetime.now(LOCAL_ZONE).date()


def short_date(date: dt.date) -> str:
    """``07/02/2017`` as used inside sentences ("ngày 07/02/2017")."""
    return f"{date.day:02d}/{date.month:02d}/{date.year}"


__all__ = [
    "LOCAL_ZONE",
    "day_start_utc_text",
    "local_day",
    "parse_day",
    "short_date",
    "today_local",
]

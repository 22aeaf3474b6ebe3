"""Front matter dates as Hugo reads them: ISO 8601 (a space for ``T``, ``Z``), RFC 1123 and more."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

# Go's time.String() form and Hugo's "2006-01-02 15:04:05 -0700": a space before the offset.
_SPACED_OFFSET = re.compile(
    r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d(?::\d\d(?:\.\d+)?)?) ?([+-]\d\d:?\d\d|Z)(?: [A-Z]{2,5})?"
)
_WORD_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y")


def to_datetime(value: object, zone: ZoneInfo) -> datetime | None:
    """Read a date, datetime or date string; no offset means ``zone``. None if impossible."""
    if isinstance(value, str):
        value = _parse_date_text(value.strip())
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone)
    return None


def _parse_date_text(text: str) -> datetime | None:
    """Parse the date forms Hugo accepts: ISO 8601 (``Z``, a space for ``T``), RFC 1123 and more."""
    if match := _SPACED_OFFSET.fullmatch(text):
        text = f"{match[1]}T{match[2]}{match[3]}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for layout in _WORD_DATE_FORMATS:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


__all__ = ["to_datetime"]

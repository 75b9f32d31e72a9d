"""Dates, written once: metadata dates to ISO 8601, and dates given on the command line.

* :func:`parse_date`: a date as it comes in a document's metadata (ISO 8601, RFC 2822 as in
  e-mail and RSS, ``2024/01/31``, ``31 January 2024``, ``January 31, 2024``, ``Jan 31 2024``,
  with or without a weekday) -> an ISO 8601 string (``2024-01-31``, or a datetime with its
  offset where the value had a time), or ``None`` when it cannot be read.
* :func:`normalize_date`: the same, but a value that cannot be read is kept as given (the
  store keeps what the input said rather than dropping it).
* :func:`to_date`: any of those (or a ``date``/``datetime``) -> :class:`datetime.date`.
* :func:`user_date`: a date typed by a user (``--since``, ``--until``, ``--from``,
  ``--to``): ISO 8601 only (``2024``, ``2024-01``, ``2024-01-31`` or a full datetime), or a
  :class:`DateError` saying what is expected.

Numbers-only forms such as ``01/02/2024`` are not guessed at: day-month and month-day
orders both occur in news feeds, and a wrong guess would misplace the document silently.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

_MONTHS = {name: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), 1) for name in names}
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_MONTH = r"(?P<month>[a-z]+)\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WORDY = [re.compile(rf"^{_WEEKDAY}{_DAY}\s+{_MONTH},?\s+{_YEAR}$"),   # 31 January 2024
          re.compile(rf"^{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}$")]   # January 31, 2024
_SLASHED = re.compile(r"^(?P<year>\d{4})[/.](?P<month>\d{1,2})[/.](?P<day>\d{1,2})$")
_USER_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class DateError(ValueError):
    """A date given by the user that is not ISO 8601; ``str(exc)`` says what is expected."""


def parse_date(value: Any) -> str | None:
    """A metadata date as ISO 8601 (see the module doc), or None if it cannot be read."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    s = str(value).strip()
    if not s:
        return None
    try:
        return date.fromisoformat(s).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(s).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    low = s.lower()
    m = _SLASHED.match(low)
    if m is None:
        m = next((m for p in _WORDY if (m := p.match(low))), None)
    if m is None:
        return None
    month = m.group("month")
    number = int(month) if month.isdigit() else _MONTHS.get(month)
    if number is None:
        return None
    try:
        return date(int(m.group("year")), number, int(m.group("day"))).isoformat()
    except ValueError:  # 31 February
        return None


def normalize_date(value: Any) -> str | None:
    """ISO 8601 where the value can be read, else the value as given (None if empty)."""
    if value is None or value == "":
        return None
    iso = parse_date(value)
    return iso if iso is not None else str(value).strip() or None


def to_date(value: Any) -> date | None:
    """The calendar date of a metadata value, or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    iso = parse_date(value)
    return date.fromisoformat(iso[:10]) if iso is not None else None


def user_date(value: str, option: str = "date") -> str:
    """A date given on the command line, checked: ``2024``, ``2024-01``, ``2024-01-31`` or
    an ISO datetime (returned normalised). Anything else is a :class:`DateError`."""
    s = value.strip()
    if _USER_ISO.match(s):
        parts = [int(p) for p in s.split("-")]
        try:
            date(parts[0], *(parts[1:] + [1] * (3 - len(parts))))
        except ValueError:
            raise DateError(f"{option}: {value!r} is not a real date") from None
        return s
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).isoformat()
    except ValueError:
        raise DateError(f"{option}: {value!r} is not an ISO 8601 date; expected YYYY-MM-DD "
                        "(or YYYY, YYYY-MM, or a datetime such as 2024-01-31T09:00)") from None


def user_day(value: str, option: str = "date", *, end: bool = False) -> date:
    """:func:`user_date` as a calendar date; ``2024`` or ``2024-01`` is its first day, or
    its last with ``end=True``."""
    s = user_date(value, option)
    parts = s[:10].split("-")
    if len(parts) == 3:
        return date.fromisoformat(s[:10])
    year = int(parts[0])
    if len(parts) == 1:
        return date(year, 12, 31) if end else date(year, 1, 1)
    month = int(parts[1])
    if not end:
        return date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)

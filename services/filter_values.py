"""The values of filters as URL queries and filter controls send them, read safely.

A query string or a callback body may hold anything: a list where a string belongs,
digits from other scripts ("²".isdigit() is true, int("²") fails), control characters,
ten thousand characters. Each reader here keeps what makes sense and drops the rest,
so that a malformed filter is an empty one, never an error.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from services.text import clean

MAX_SEARCH_LENGTH = 100
# The dates anybody means here: any archive, any booking. Beyond them a day more, or the
# move to UTC, leaves what Python's dates can hold (year 1 to 9999).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def search_words(value: object, limit: int = MAX_SEARCH_LENGTH) -> str:
    """Text typed to search for: cleaned, single-spaced, at most ``limit`` characters."""
    return " ".join(clean(str(value or "")).split())[:limit]


def digits(value: object) -> str:
    """The ASCII digits of ``value``, in order (a number typed with spaces or dashes)."""
    return "".join(ch for ch in str(value or "") if ch.isascii() and ch.isdigit())


def chosen_codes(value: object, valid: Collection[str]) -> set[str]:
    """The valid codes among those chosen: a comma-separated string or a list of them."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        return set()
    return {code for code in value if isinstance(code, str) and code in valid}


def a_date(value: object) -> date | None:
    """An ISO date (``2026-03-01``, or the date part of a timestamp) between
    ``EARLIEST_DATE`` and ``LATEST_DATE``, else None."""
    if not isinstance(value, str | date) or not value:
        return None
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    return day if EARLIEST_DATE <= day <= LATEST_DATE else None

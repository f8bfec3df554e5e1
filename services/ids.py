"""Row ids as the services receive them.

Primary keys are INTEGER columns. A larger number is no row's id, and PostgreSQL
refuses to even compare one with such a column ("integer out of range") — so a
service says "not found" for it before asking the database.
"""

from __future__ import annotations

MAX_ROW_ID = 2**31 - 1


def is_row_id(value: object) -> bool:
    """Whether ``value`` can be the id of a row (a whole number 1 … 2³¹−1)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID

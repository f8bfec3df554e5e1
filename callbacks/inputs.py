"""What a callback reads from the browser, turned into what the services expect.

Anyone can forge the JSON a callback receives: a number where a text belongs, a
list where an id belongs, NaN, a string of ten thousand digits. The services refuse
wrong *values* in words; these helpers turn wrong *types* into values the services
refuse in words (an empty text, no id), instead of a crash and a 500.
"""

from __future__ import annotations

from services.ids import MAX_ROW_ID


def text(value: object) -> str:
    """A text field's value; anything that is not a string is an empty field."""
    return value if isinstance(value, str) else ""


def optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def record_id(value: object) -> int | None:
    """A database id from a select or a store (a positive whole number, as a number or
    as ASCII digits); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        digits = value.strip()
        if not (digits.isascii() and digits.isdigit() and len(digits) <= len(str(MAX_ROW_ID))):
            return None
        value = int(digits)
    if isinstance(value, int) and 0 < value <= MAX_ROW_ID:
        return value
    return None


def counter(value: object) -> int:
    """A page's refresh counter (a store the page bumps to read itself again)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53:
        return value
    return 0

"""Text typed by people, made safe to store and to search for.

A browser may send any Unicode string, including NUL (which PostgreSQL refuses in
text: the write would fail with an error instead of a refusal in words) and lone
surrogates (which no database encoding accepts). Neither means anything in a name,
a message or a search, so they are dropped, as are the other control characters
but tab and line breaks.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean(text: str) -> str:
    """``text`` without control characters (tab and line breaks stay) and lone surrogates."""
    return _UNSAFE.sub("", text)

"""The customer's order form (``Order.form_fields``) as typed fields in a stable order,
for the order page to show (SPEC §9.1 "Readable service details").

The form is JSON from the customer app: keys Parkdesk knows come first, in the order
of ``FormField``, with their labels; other keys follow with a name made readable
from the key, in alphabetical order of that name. Values arrive typed: moments (ISO strings in the
JSON) as aware datetimes, dates as dates, yes/no as bool, lists as tuples of text;
empty values are left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from models.form_fields import MOMENT_FIELDS, FormField

DetailValue = str | int | float | bool | date | datetime | tuple[str, ...]

MAX_NAME_LENGTH = 60
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KNOWN = {code.value: code for code in FormField}
_WORD_GAP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[_\-.\s]+")


@dataclass(frozen=True)
class Detail:
    """One field of the form. ``field`` is set for a known key (its label is in
    ``FORM_FIELD_LABELS``); ``name`` is the key made readable, shown for any other."""

    field: FormField | None
    name: str
    value: DetailValue


def form_details(form: Mapping[str, Any] | None) -> list[Detail]:
    """Known fields in their order, then the others by their readable name; empty values
    left out."""
    known: dict[FormField, Detail] = {}
    others: list[Detail] = []
    for key, raw in (form or {}).items():
        code = _KNOWN.get(key)
        value = _typed(raw, moment=code in MOMENT_FIELDS)
        if value is None:
            continue
        if code is None:
            others.append(Detail(None, humanise(str(key)), value))
        else:
            known[code] = Detail(code, code.value, value)
    ordered = [known[code] for code in FormField if code in known]
    return ordered + sorted(others, key=lambda detail: detail.name.casefold())


def humanise(key: str) -> str:
    """``parking_spot`` / ``parkingSpot`` → ``Parking spot``: never a raw key on the page."""
    words = " ".join(word for word in _WORD_GAP.split(key) if word).lower()
    if not words:
        return "—"
    name = words[0].upper() + words[1:]
    return name if len(name) <= MAX_NAME_LENGTH else name[: MAX_NAME_LENGTH - 1] + "…"


def _typed(raw: Any, *, moment: bool) -> DetailValue | None:
    if raw is None or raw == "" or raw == [] or raw == {}:
        return None
    if isinstance(raw, bool | int | float):
        return raw
    if isinstance(raw, list | tuple):
        items = tuple(_text(item) for item in raw if item not in (None, ""))
        return items or None
    if isinstance(raw, dict):
        return tuple(f"{humanise(str(k))}: {_text(v)}" for k, v in raw.items())
    text = str(raw).strip()
    looks_like_moment = len(text) <= 40 and _ISO_MOMENT.fullmatch(text[:16])
    if moment or looks_like_moment:
        return _moment(text) or text or None
    if _ISO_DATE.fullmatch(text):
        return _date(text) or text
    return text or None


def _moment(text: str) -> datetime | None:
    """An ISO moment; one without an offset is taken as UTC, as Parkdesk stores times."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None  # not a moment after all: shown as the text it is
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None  # shown as the text it is


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()

"""Languages: gettext catalogs (flask-babel), and money, dates and labels in
the user's language and the operator's time zone.

Catalogs live in ``dashboard/translations``; the ``.po`` files are the
source and the ``.mo`` files are compiled from them when missing or stale.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import current_app, has_app_context, has_request_context
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext

from dashboard.config import DEFAULT_TIMEZONE, LANGUAGES
from models.statuses import Label
from services.errors import DomainError
from services.messages import Moment, Phrase, StatusLabel
from services.money import Money

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
NARROW_NBSP = "\u202f"

_ = gettext
__all__ = [
    "N_",
    "_",
    "compile_catalogs",
    "format_date",
    "format_datetime",
    "format_money",
    "format_period",
    "gettext",
    "init_app",
    "label",
    "labels",
    "language",
    "lazy_gettext",
    "local_time",
    "ngettext",
    "translate",
]


def translate(message: str, **params: object) -> str:
    """Translate a message id known only at run time (page names, service errors).

    Their literals are marked for extraction where they are written (``N_``,
    ``DomainError``), so they are in the catalog.
    """
    return gettext(message, **params)


@cache
def _catalog(lang: str) -> Translations:
    compile_catalogs()
    return Translations.load(str(TRANSLATIONS), [lang])


def localize(
    message: str, params: Mapping[str, object] | None = None, lang: str | None = None
) -> str:
    """A message id with typed values (``services.messages``), in a language.

    Used for refusals (``DomainError``) and system messages; works inside and
    outside a request (tests, the CLI).
    """
    lang = lang or language()
    text = _catalog(lang).gettext(message) if lang != "en" else message
    values = {key: _localize_value(value, lang) for key, value in (params or {}).items()}
    return text % values if values else text


def label(table: Mapping[StrEnum, Label], code: str, lang: str | None = None) -> str:
    """The label of a code (``models.statuses``: ``ORDER_STATUS_LABELS``, ``ROLE_LABELS``…)
    in the user's language, or in ``lang``; a code the table does not know, as it is."""
    found = table.get(code)
    return _label_text(found, lang or language()) if found else str(code)


def labels(table: Mapping[StrEnum, Label], lang: str | None = None) -> dict[str, str]:
    """Every code of a table with its label, in the table's order (dropdowns, exports)."""
    lang = lang or language()
    return {code.value: _label_text(found, lang) for code, found in table.items()}


def _label_text(found: Label, lang: str) -> str:
    return _catalog(lang).pgettext(*found) if lang != "en" else found.message


def _localize_value(value: object, lang: str) -> object:
    if isinstance(value, Money):
        return format_money(value.kopecks, lang)
    if isinstance(value, StatusLabel):
        return _label_text(value.label, lang)
    if isinstance(value, Phrase):
        return _catalog(lang).gettext(value.text) if lang != "en" else value.text
    if isinstance(value, Moment):
        return format_datetime(value.at, lang)
    return value


def error_text(error: DomainError, lang: str | None = None) -> str:
    return localize(error.message, error.params, lang)


def N_(message: str) -> str:
    """Marks a message for extraction where it is translated later (page names)."""
    return message


def compile_catalogs() -> list[Path]:
    """Compile every ``.po`` whose ``.mo`` is missing or older. Returns what it wrote."""
    written = []
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        # Written aside and renamed: workers starting together never read half a catalog.
        partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(partial, mo_path)
        written.append(mo_path)
    return written


def _select_locale() -> str:
    from flask_login import current_user  # the user's own choice wins

    locale = getattr(current_user, "locale", None) if has_request_context() else None
    return locale if locale in LANGUAGES else current_app.config["PARKDESK"].default_language


def _select_timezone() -> str:
    return current_app.config["PARKDESK"].timezone


def init_app(server) -> None:
    compile_catalogs()
    Babel(
        server,
        locale_selector=_select_locale,
        timezone_selector=_select_timezone,
        default_translation_directories=str(TRANSLATIONS),
    )
    server.jinja_env.globals["get_locale"] = language


def language() -> str:
    return str(get_locale() or "en")


def local_time(moment: datetime) -> datetime:
    zone = current_app.config["PARKDESK"].timezone if has_app_context() else DEFAULT_TIMEZONE
    return moment.astimezone(ZoneInfo(zone))


def format_money(kopecks: int, lang: str | None = None) -> str:
    """``5 500 ₽`` (Russian) or ``5,500 ₽`` (English); kopecks only when there are any."""
    lang = lang or language()
    sign = "−" if kopecks < 0 else ""
    rubles, rest = divmod(abs(int(kopecks)), 100)
    group = NARROW_NBSP if lang == "ru" else ","
    decimal = "," if lang == "ru" else "."
    whole = f"{rubles:,}".replace(",", group)
    fraction = f"{decimal}{rest:02d}" if rest else ""
    return f"{sign}{whole}{fraction}{NARROW_NBSP}₽"


def format_date(day: date | datetime, lang: str | None = None) -> str:
    """``23 сентября 2024 г.`` / ``September 23, 2024``."""
    if isinstance(day, datetime):
        day = local_time(day).date()
    return _long_date(day, lang or language())


@lru_cache(maxsize=4096)
def _long_date(day: date, lang: str) -> str:
    """Babel's long date (a list of events repeats the same few dozen on every load)."""
    return babel_format_date(day, format="long", locale=lang)


def format_datetime(moment: datetime, lang: str | None = None, *, short: bool = False) -> str:
    """``23 сентября 2024 г., 14:05``; short: ``23.09.2024 14:05`` / ``Sep 23, 2024 14:05``."""
    local = local_time(moment)
    if short:
        pattern = "dd.MM.yyyy" if (lang or language()) == "ru" else "MMM d, yyyy"
        return (
            f"{babel_format_date(local.date(), pattern, locale=lang or language())} {local:%H:%M}"
        )
    return f"{format_date(local.date(), lang)}, {local:%H:%M}"


def format_period(start: datetime, end: datetime, lang: str | None = None) -> str:
    """A rental period as SPEC §5 shows it.

    Within one day: ``6 декабря 2022 г., 09:00–11:00``; over several days:
    ``13.12.2022 – 14.12.2022`` (an end at midnight belongs to the day before).
    """
    lang = lang or language()
    local_start, local_end = local_time(start), local_time(end)
    last_day = (local_end - timedelta(microseconds=1)).date()
    if last_day == local_start.date():
        return f"{format_date(local_start.date(), lang)}, {local_start:%H:%M}–{local_end:%H:%M}"
    pattern = "dd.MM.yyyy" if lang == "ru" else "MMM d, yyyy"
    first = babel_format_date(local_start.date(), pattern, locale=lang)
    last = babel_format_date(last_day, pattern, locale=lang)
    return f"{first} – {last}"

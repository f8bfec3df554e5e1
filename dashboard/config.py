"""Configuration from the environment.

Every worker of a deployment must read the same values: nothing here is
generated per process except the development secret key, which is kept in
``instance/`` so that a restart does not log everybody out.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from services.coworking import BOOKING_HORIZON
from services.staff import LoginThrottle

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("PARKDESK_INSTANCE", PROJECT_ROOT / "instance"))
LANGUAGES = ("en", "ru")
DEFAULT_TIMEZONE = "Europe/Moscow"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _days(name: str, default: timedelta) -> timedelta:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 3650:
        raise RuntimeError(f"{name} must be a number of days from 1 to 3650, not {text!r}")
    return timedelta(days=int(text))


def _hours(text: str) -> tuple[int, int]:
    """``"9-21"`` → (9, 21); refuses anything that is not 0 ≤ open < close ≤ 24."""
    try:
        opens, closes = (int(part) for part in text.split("-"))
    except ValueError:
        raise RuntimeError(f"PARKDESK_OPENING_HOURS must look like 9-21, not {text!r}") from None
    if not 0 <= opens < closes <= 24:
        raise RuntimeError(f"PARKDESK_OPENING_HOURS {text!r}: opening must be before closing")
    return opens, closes


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'parkdesk.sqlite3'}"


def _development_secret_key() -> str:
    """A key kept on disk so that restarts keep sessions; never used in production."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass(frozen=True)
class Operator:
    """The operator's requisites printed on invoices and acts (SPEC §9.1)."""

    name: str = ""
    inn: str = ""
    kpp: str = ""
    address: str = ""
    bank: str = ""
    bik: str = ""
    account: str = ""
    corr_account: str = ""

    @classmethod
    def from_env(cls) -> Operator:
        return cls(
            **{
                name: os.environ.get(f"PARKDESK_OPERATOR_{name.upper()}", "").strip()
                for name in cls.__dataclass_fields__
            }
        )


@dataclass
class Config:
    """Settings of one Parkdesk app. ``Config.from_env()`` is what production uses."""

    database_url: str = field(default_factory=default_database_url)
    secret_key: str = ""
    secret_key_fallbacks: tuple[str, ...] = ()
    production: bool = False
    timezone: str = DEFAULT_TIMEZONE
    default_language: str = "en"
    # Number of reverse proxies in front of the app whose X-Forwarded-For is trusted.
    proxy_count: int = 0
    secure_cookies: bool = False
    session_lifetime: timedelta = timedelta(hours=12)
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    # How far ahead a coworking period may start.
    booking_horizon: timedelta = BOOKING_HORIZON
    # The coworking's opening hours (local time, whole hours): occupancy is measured
    # against seats × these hours.
    opening_hours: tuple[int, int] = (9, 21)
    # Who issues the invoices and acts.
    operator: Operator = field(default_factory=Operator)
    # Connections per worker process (plus as many again in overflow).
    db_pool_size: int = 5
    check_schema: bool = True
    testing: bool = False

    @classmethod
    def from_env(cls) -> Config:
        production = os.environ.get("PARKDESK_ENV", "development") == "production"
        secret_key = os.environ.get("SECRET_KEY", "")
        if not secret_key:
            if production:
                raise RuntimeError(
                    "SECRET_KEY is not set. In production every worker needs the same "
                    "SECRET_KEY from the environment."
                )
            secret_key = _development_secret_key()
        fallbacks = tuple(
            key for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if key
        )
        language = os.environ.get("PARKDESK_LANGUAGE", "en")
        return cls(
            database_url=os.environ.get("DATABASE_URL") or default_database_url(),
            secret_key=secret_key,
            secret_key_fallbacks=fallbacks,
            production=production,
            timezone=os.environ.get("PARKDESK_TIMEZONE", DEFAULT_TIMEZONE),
            default_language=language if language in LANGUAGES else "en",
            proxy_count=int(os.environ.get("PARKDESK_PROXY_COUNT", "0")),
            secure_cookies=_bool("PARKDESK_SECURE_COOKIES", production),
            db_pool_size=int(os.environ.get("PARKDESK_DB_POOL_SIZE", "5")),
            opening_hours=_hours(os.environ.get("PARKDESK_OPENING_HOURS", "9-21")),
            booking_horizon=_days("PARKDESK_BOOKING_HORIZON_DAYS", BOOKING_HORIZON),
            operator=Operator.from_env(),
        )

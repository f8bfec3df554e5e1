"""The login as a manager does it: GET /login, then the POST of the form with its CSRF
field, until the redirect that opens the app — over real HTTP, each time with a new
cookie jar. The floor is the same work without the web: the throttle check, the
argon2id verification, the attempt and the session rows, in one transaction (rolled
back); argon2id alone is listed too, being most of it by design (RFC 9106, 64 MiB).
There is no naive baseline: the tutorial way (a fast hash, the session in the cookie)
is not slower, only weaker.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.harness import Timing, live_app, logged_in, measure
from dashboard.db import Database
from models import StaffUser
from services import staff

EMAIL = "rental@parkdesk.local"
PASSWORD = "demo"


def _log_in(base: str) -> None:
    logged_in(base, EMAIL, PASSWORD).close()


def _services_alone(database: Database) -> None:
    now = datetime.now(UTC)
    with Session(database.engine) as session:
        blocked = staff.login_blocked_until(session, EMAIL, "127.0.0.1", now, staff.LoginThrottle())
        assert blocked is None
        member = staff.verify_credentials(session, EMAIL, PASSWORD)
        assert member is not None
        staff.record_login_attempt(session, EMAIL, "127.0.0.1", now, True)
        staff.open_session(
            session, member.id, now, timedelta(hours=12), address="127.0.0.1", user_agent="bench"
        )
        session.flush()
        session.rollback()


def login(url: str, runs: int) -> dict[str, Timing]:
    with live_app(url) as base:
        http = measure(
            "login over HTTP: GET /login, POST the form, until the redirect",
            lambda: _log_in(base),
            runs,
        )
    database = Database(url)
    floor = measure(
        "floor: throttle check, argon2id, attempt and session rows (no web)",
        lambda: _services_alone(database),
        runs,
    )
    with Session(database.engine) as session:
        stored = session.scalar(select(StaffUser.password_hash).where(StaffUser.email == EMAIL))
    hasher = PasswordHasher()  # the parameters are in the stored hash
    argon = measure(
        "of which argon2id verification alone", lambda: hasher.verify(stored, PASSWORD), runs
    )
    database.dispose()
    return {"http": http, "floor": floor, "argon2": argon}

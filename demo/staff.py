"""The demo staff accounts of SPEC §8 (password ``demo``).

Small on purpose: test fixtures and benchmarks import it for the accounts alone,
without the generator.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import insert
from sqlalchemy.orm import Session

from models import StaffUser
from models.statuses import Role
from services.staff import hash_password

DEMO_PASSWORD = "demo"
DEMO_STAFF: tuple[tuple[str, str, Role], ...] = (
    ("admin@parkdesk.local", "Ольга Администратова", Role.ADMIN),
    ("rental@parkdesk.local", "Анна Смирнова", Role.RENTAL_MANAGER),
    ("service@parkdesk.local", "Дмитрий Кузнецов", Role.SERVICE_MANAGER),
    ("events@parkdesk.local", "Мария Иванова", Role.EVENT_MANAGER),
    ("exec@parkdesk.local", "Сергей Волков", Role.EXECUTIVE),
    ("accounting@parkdesk.local", "Елена Козлова", Role.ACCOUNTANT),
)
# Executors of simple services and requests besides the demo service manager.
EXTRA_SERVICE_MANAGERS: tuple[tuple[str, str], ...] = (
    ("igor.petrov@parkdesk.local", "Игорь Петров"),
    ("natalya.sokolova@parkdesk.local", "Наталья Соколова"),
    ("artem.morozov@parkdesk.local", "Артём Морозов"),
    ("svetlana.lebedeva@parkdesk.local", "Светлана Лебедева"),
)


@cache
def demo_password_hash() -> str:
    """The demo password's hash, computed once per process (argon2 is slow on purpose:
    a test suite that creates the demo accounts for every test would spend minutes on it)."""
    return hash_password(DEMO_PASSWORD)


def create_demo_staff(
    session: Session, *, password_hash: str | None = None, created_at: datetime | None = None
) -> dict[str, int]:
    """The demo accounts of SPEC §8 (password ``demo``); returns their ids by e-mail.

    ``seed`` passes the hash it computed once and a fixed creation time, so that
    its rows do not depend on the clock.
    """
    password_hash = password_hash or demo_password_hash()
    created = {"created_at": created_at} if created_at else {}
    session.execute(
        insert(StaffUser),
        [
            {
                "email": email,
                "name": name,
                "role": role.value,
                "password_hash": password_hash,
                "is_active": True,
                **created,
            }
            for email, name, role in DEMO_STAFF
        ],
    )
    return dict(session.query(StaffUser.email, StaffUser.id).all())

"""Numbers people read (orders, tickets): unique, increasing, safe under concurrency."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import Counter, CoworkingTicket, EventTicket, Order

SEQUENCES = {
    "order": (Order.number, 100_000),
    "coworking_ticket": (CoworkingTicket.number, 500_000),
    "event_ticket": (EventTicket.number, 900_000),
}


def next_number(session: Session, kind: str) -> int:
    """Take the next number of a kind. The counter row is locked until commit."""
    taken = _increment(session, kind)
    if taken is None:
        # First use (e.g. after bulk demo data): continue after the largest number in use.
        column, floor = SEQUENCES[kind]
        start = max(session.scalar(select(func.max(column))) or 0, floor)
        insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
        session.execute(insert(Counter).values(name=kind, value=start).on_conflict_do_nothing())
        taken = _increment(session, kind)
    return taken


def _increment(session: Session, kind: str) -> int | None:
    return session.execute(
        update(Counter)
        .where(Counter.name == kind)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one_or_none()

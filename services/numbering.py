"""Numbers people read (orders, tickets, invoices): unique, increasing, safe under concurrency."""

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


INVOICE_DIGITS = 6


def next_invoice_number(session: Session, year: int) -> str:
    """The next invoice number of ``year``, like ``2026-000123``: a sequence of its own
    per year, taken like the other numbers (the counter row is locked until commit), so
    two managers issuing invoices at once get two numbers, and none is handed out twice."""
    kind = f"invoice_{year}"
    taken = _increment(session, kind)
    if taken is None:
        prefix = f"{year}-"
        # Numbers of the year already in use (e.g. demo data written without the counter)
        # are continued after; they are zero-padded, so the largest text is the largest.
        last = session.scalar(
            select(func.max(Order.invoice_number)).where(Order.invoice_number.like(f"{prefix}%"))
        )
        start = int(last.removeprefix(prefix)) if last else 0
        insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
        session.execute(insert(Counter).values(name=kind, value=start).on_conflict_do_nothing())
        taken = _increment(session, kind)
    return f"{year}-{taken:0{INVOICE_DIGITS}d}"

"""Counts and balance sums read from ``order_tallies`` (models.tallies) instead of
counted over the orders: the register's default view, a status, a type, an executor,
the balance-due filter and any combination of them cost a few dozen rows, not a scan.

``answers`` tells whether a filter can be read here; what it cannot (a name, a number,
a date range, the clock's overdue) is counted over the orders as before.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from models import CoworkingTicket, Event, EventTicket, Order, OrderTally, Service
from models.orders import UNSOLD_STATUSES, status_literals
from models.statuses import (
    CANCELLED_STATUSES,
    NEW_STATUSES,
    OrderStatus,
    TicketStatus,
    ticket_status_condition,
)
from models.tallies import UNASSIGNED_KEY

# The triggers that keep what is derived from orders and tickets: the tallies (0011),
# each order's last ticket end (0013), each event's tickets sold and checked in (0018)
# and whether each coworking ticket is sold (0020).
DERIVED_BY_TRIGGERS = (
    ("orders", "order_tallies"),
    ("coworking_tickets", "order_tallies"),
    ("coworking_tickets", "orders_tickets_end"),
    ("event_tickets", "events_tally"),
    ("orders", "events_tally_of_order"),
    ("coworking_tickets", "coworking_tickets_sold"),
    ("orders", "coworking_tickets_sold_of_order"),
)
CANCELLED = frozenset(s.value for s in CANCELLED_STATUSES)
# A ticket's order being served: neither new, nor cancelled, nor done (models.statuses).
SERVING = frozenset(
    s.value for s in OrderStatus if s.value not in CANCELLED | {s.value for s in NEW_STATUSES}
) - {OrderStatus.DONE.value}
TICKET_ORDER_STATUSES = {
    TicketStatus.CANCELLED.value: CANCELLED,
    TicketStatus.NEW.value: frozenset(s.value for s in NEW_STATUSES),
    TicketStatus.DONE.value: frozenset({OrderStatus.DONE.value}),
}


@dataclass(frozen=True)
class Totals:
    orders: int
    balance_due_kopecks: int


def _conditions(
    statuses: Collection[str] | None,
    types: Collection[str] | None,
    executor: int | None,
) -> list[ColumnElement[bool]]:
    """``statuses``/``types`` None: any; ``executor`` None: anyone, UNASSIGNED_KEY: nobody."""
    where: list[ColumnElement[bool]] = []
    if statuses is not None:
        where.append(OrderTally.status.in_(sorted(statuses)))
    if types is not None:
        where.append(
            OrderTally.service_id.in_(
                select(Service.id).where(Service.type.in_(sorted(types))).scalar_subquery()
            )
        )
    if executor is not None:
        where.append(OrderTally.executor_key == executor)
    return where


def order_totals(
    session: Session,
    *,
    statuses: Collection[str] | None = None,
    types: Collection[str] | None = None,
    executor: int | None = None,
    owing_only: bool = False,
) -> Totals:
    """How many orders match and their balance due (open orders only owe): the orders
    of these statuses, service types and executor; ``owing_only``: those with a balance
    to collect (services.order_list.OUTSTANDING)."""
    open_ = OrderTally.status.not_in(sorted(CANCELLED))
    where = _conditions(statuses, types, executor)
    if owing_only:
        where.append(open_)
    count = OrderTally.owing if owing_only else OrderTally.orders
    due = case((open_, OrderTally.balance_kopecks), else_=0)
    orders, balance = session.execute(
        select(func.coalesce(func.sum(count), 0), func.coalesce(func.sum(due), 0)).where(*where)
    ).one()
    return Totals(int(orders), int(balance))


@dataclass(frozen=True)
class Ask:
    """One ``order_totals`` question (its keyword arguments), for ``order_totals_of``."""

    statuses: Collection[str] | None = None
    types: Collection[str] | None = None
    executor: int | None = None
    owing_only: bool = False


def order_totals_of(session: Session, asks: Sequence[Ask]) -> list[Totals]:
    """``order_totals`` of each ask, in one statement (one round trip, not one each)."""
    open_ = OrderTally.status.not_in(sorted(CANCELLED))
    due = case((open_, OrderTally.balance_kopecks), else_=0)
    columns = []
    for ask in asks:
        where = _conditions(ask.statuses, ask.types, ask.executor)
        if ask.owing_only:
            where.append(open_)
        count = OrderTally.owing if ask.owing_only else OrderTally.orders
        columns += [
            select(func.coalesce(func.sum(count), 0)).where(*where).scalar_subquery(),
            select(func.coalesce(func.sum(due), 0)).where(*where).scalar_subquery(),
        ]
    if not columns:
        return []
    row = session.execute(select(*columns)).one()
    return [Totals(int(row[i]), int(row[i + 1])) for i in range(0, len(row), 2)]


def tickets_of_order_statuses(session: Session, statuses: Iterable[str] | None) -> int:
    """The coworking tickets whose orders are in these statuses (None: every ticket)."""
    where = [] if statuses is None else [OrderTally.status.in_(sorted(statuses))]
    return int(session.scalar(select(func.coalesce(func.sum(OrderTally.tickets), 0)).where(*where)))


def ticket_count(session: Session, statuses: Collection[str], now: datetime) -> int:
    """The tickets of these ticket statuses at ``now`` (empty: every ticket).

    Cancelled, new and done follow the order alone: read from the tallies. Active and
    confirmed split the orders being served by the clock: the active ones are a range of
    the period index (the tickets running now), confirmed are the rest.
    """
    wanted = set(statuses) or {s.value for s in TicketStatus}
    total = tickets_of_order_statuses(
        session,
        set().union(*(TICKET_ORDER_STATUSES[s] for s in wanted if s in TICKET_ORDER_STATUSES)),
    )
    serving = {TicketStatus.ACTIVE.value, TicketStatus.CONFIRMED.value} & wanted
    if serving == {TicketStatus.ACTIVE.value, TicketStatus.CONFIRMED.value}:
        return total + tickets_of_order_statuses(session, SERVING)
    if not serving:
        return total
    active = int(
        session.scalar(
            select(func.count())
            .select_from(CoworkingTicket)
            .join(Order, Order.id == CoworkingTicket.order_id)
            .where(
                ticket_status_condition(
                    [TicketStatus.ACTIVE],
                    Order.status,
                    CoworkingTicket.period_start,
                    CoworkingTicket.period_end,
                    now,
                )
            )
        )
        or 0
    )
    if serving == {TicketStatus.ACTIVE.value}:
        return total + active
    return total + tickets_of_order_statuses(session, SERVING) - active


@dataclass(frozen=True)
class Drift:
    status: str
    service_id: int
    executor_key: int
    kept: tuple[int, int, int, int]  # orders, owing, balance, tickets
    counted: tuple[int, int, int, int]


def _counted() -> Select:
    """The tallies as a count over the orders would give them, in the table's columns."""
    tickets = (
        select(CoworkingTicket.order_id, func.count().label("n"))
        .group_by(CoworkingTicket.order_id)
        .subquery()
    )
    executor = func.coalesce(Order.executor_id, UNASSIGNED_KEY)
    return (
        select(
            Order.status,
            Order.service_id,
            executor,
            func.count(),
            func.sum(case((Order.total_kopecks > Order.paid_kopecks, 1), else_=0)),
            func.sum(Order.total_kopecks - Order.paid_kopecks),
            func.coalesce(func.sum(tickets.c.n), 0),
        )
        .outerjoin(tickets, tickets.c.order_id == Order.id)
        .group_by(Order.status, Order.service_id, executor)
    )


COLUMNS = ["status", "service_id", "executor_key", "orders", "owing", "balance_kopecks", "tickets"]


@contextmanager
def bulk_write(connection: Connection) -> Iterator[None]:
    """Around many orders written in one transaction (the demo): the tallies are counted
    (and on PostgreSQL the orders' last ticket ends and the tickets' ``sold`` set) once
    at the end instead of by the triggers row by row.

    On PostgreSQL each trigger's update of a tally row makes a new version of it that
    the next update of the same row walks past until the transaction ends: a million
    orders in one transaction would take hours. The triggers are switched off for this
    transaction only; ALTER TABLE holds the tables' exclusive lock until the commit, so
    no other writer's order can slip by uncounted. SQLite's triggers cost a few per cent
    here and stay on.
    """
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        for table, trigger in DERIVED_BY_TRIGGERS:
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    yield
    if postgres:
        # Each order's last ticket end (migration 0013), as its trigger would have set it.
        # Written only where the writer left it wrong (the demo sets it itself), from one
        # grouped pass over the tickets (a correlated max() per order, planned before the
        # new rows had statistics, ran over 30 minutes at a million orders).
        last = (
            select(
                CoworkingTicket.order_id.label("order_id"),
                func.max(CoworkingTicket.period_end).label("end"),
            )
            .group_by(CoworkingTicket.order_id)
            .subquery("last")
        )
        connection.execute(
            update(Order)
            .values(tickets_end=last.c.end)
            .where(Order.id == last.c.order_id, Order.tickets_end.is_distinct_from(last.c.end))
        )
        # Whether each ticket is sold (0020), where the writer left it wrong: the other
        # answer, so each ticket's order is looked up once.
        connection.execute(
            update(CoworkingTicket)
            .values(sold=~CoworkingTicket.sold)
            .where(CoworkingTicket.sold != _sold())
        )
        for table, trigger in DERIVED_BY_TRIGGERS:
            connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    count_again(connection)


def count_again(connection: Connection) -> None:
    """Every tally, and every event's tickets sold and checked in, counted again from the
    orders and tickets (after a bulk write)."""
    connection.execute(delete(OrderTally))
    connection.execute(insert(OrderTally).from_select(COLUMNS, _counted()))
    counted = _event_counts().subquery("counted")
    connection.execute(
        update(Event).values(
            tickets_sold=func.coalesce(
                select(counted.c.sold).where(counted.c.event_id == Event.id).scalar_subquery(), 0
            ),
            tickets_checked_in=func.coalesce(
                select(counted.c.checked_in)
                .where(counted.c.event_id == Event.id)
                .scalar_subquery(),
                0,
            ),
        )
    )


def _event_counts() -> Select:
    """(event id, tickets sold, checked in) over the tickets of orders not cancelled."""
    return (
        select(
            EventTicket.event_id.label("event_id"),
            func.count().label("sold"),
            func.count(EventTicket.checked_in_at).label("checked_in"),
        )
        .join(Order, Order.id == EventTicket.order_id)
        .where(Order.status.not_in(sorted(CANCELLED)))
        .group_by(EventTicket.event_id)
    )


def event_tally_drift(session: Session, limit: int = 20) -> list[tuple[int, tuple, tuple]]:
    """(event id, kept (sold, checked in), counted) of every event whose kept counts
    differ from a count over its tickets (empty: exact)."""
    counted = _event_counts().subquery()
    sold = func.coalesce(counted.c.sold, 0)
    checked_in = func.coalesce(counted.c.checked_in, 0)
    return [
        (event_id, (kept_sold, kept_in), (int(n), int(n_in)))
        for event_id, kept_sold, kept_in, n, n_in in session.execute(
            select(Event.id, Event.tickets_sold, Event.tickets_checked_in, sold, checked_in)
            .outerjoin(counted, counted.c.event_id == Event.id)
            .where(or_(Event.tickets_sold != sold, Event.tickets_checked_in != checked_in))
            .order_by(Event.id)
            .limit(limit)
        )
    ]


def _sold() -> ColumnElement[bool]:
    """Whether a ticket's order has sold it, asked of the order."""
    return (
        select(Order.status.not_in(status_literals(UNSOLD_STATUSES)))
        .where(Order.id == CoworkingTicket.order_id)
        .scalar_subquery()
    )


def sold_drift(session: Session, limit: int = 20) -> list[int]:
    """The numbers of coworking tickets whose kept ``sold`` is not what their order says
    (empty: exact)."""
    return list(
        session.scalars(
            select(CoworkingTicket.number)
            .where(CoworkingTicket.sold != _sold())
            .order_by(CoworkingTicket.number)
            .limit(limit)
        )
    )


def tickets_end_drift(session: Session, limit: int = 20) -> list[int]:
    """The numbers of orders whose kept ``tickets_end`` is not their last ticket's end
    (empty: exact)."""
    last = (
        select(CoworkingTicket.order_id, func.max(CoworkingTicket.period_end).label("end"))
        .group_by(CoworkingTicket.order_id)
        .subquery()
    )
    kept, counted = Order.tickets_end, last.c.end
    differs = or_(
        and_(kept.is_(None), counted.is_not(None)),
        and_(kept.is_not(None), counted.is_(None)),
        kept != counted,
    )
    return list(
        session.scalars(
            select(Order.number)
            .outerjoin(last, last.c.order_id == Order.id)
            .where(differs)
            .order_by(Order.number)
            .limit(limit)
        )
    )


def recount(session: Session) -> list[Drift]:
    """Every key whose kept row differs from a count over the orders (empty: exact)."""
    counted = {
        (status, service, who): (int(n), int(owing), int(balance), int(held))
        for status, service, who, n, owing, balance, held in session.execute(_counted())
    }
    kept = {
        (row.status, row.service_id, row.executor_key): (
            row.orders,
            row.owing,
            row.balance_kopecks,
            row.tickets,
        )
        for row in session.scalars(select(OrderTally))
    }
    zero = (0, 0, 0, 0)
    return [
        Drift(*key, kept.get(key, zero), counted.get(key, zero))
        for key in sorted(kept.keys() | counted.keys())
        if kept.get(key, zero) != counted.get(key, zero)
    ]


__all__ = ["Ask", "Drift", "Totals", "order_totals", "order_totals_of", "recount", "ticket_count"]

"""When an order is over its time, in SQL (issue 16, SPEC §9.1).

An order is *overdue* when either
- it is a booked order (coworking, room booking, hotel, event ticket) whose period
  (its event) is over while it still owes money — the sweep completes the paid ones,
  these stay for a manager; or
- it is a service order (simple service, request, goods) past its deadline and not
  finished: neither done, done awaiting the customer's confirmation, nor cancelled.

One predicate for the overview's figure, the register's filter and the sweep, so that
they never disagree.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, literal, or_, select
from sqlalchemy.orm import Session

from models import CoworkingTicket, Event, EventTicket, HotelBooking, Order, RoomBooking, Service
from models.orders import status_literals
from models.statuses import CANCELLED_STATUSES, OrderStatus, ServiceType, unindexed

BOOKED_TYPES = frozenset(
    {ServiceType.COWORKING, ServiceType.BOOKING, ServiceType.HOTEL, ServiceType.EVENT}
)
DEADLINE_TYPES = frozenset({ServiceType.SIMPLE, ServiceType.REQUEST, ServiceType.GOODS})
# Work that is finished (or will never be) is not late, whatever its deadline.
FINISHED_STATUSES = CANCELLED_STATUSES | {OrderStatus.DONE, OrderStatus.DONE_AWAITING_CONFIRMATION}


def _of_types(types: frozenset[ServiceType], indexed: bool = True) -> ColumnElement[bool]:
    column = Order.service_id if indexed else unindexed(Order.service_id)
    return column.in_(
        select(Service.id).where(Service.type.in_(sorted(t.value for t in types))).scalar_subquery()
    )


def period_over(now: datetime, today: date) -> ColumnElement[bool]:
    """The booked period of the order is over at ``now``: the last coworking ticket,
    the room booking and the last event have ended; a hotel stay once its check-out
    day (``today`` is the operator's local date) has passed. False for orders with
    no period (service orders).

    Each end is looked up by the order's key, for the orders the rest of the query
    chose: an order has at most one room booking and one hotel stay (their order_id is
    unique), so a comparison of its one end says what an EXISTS would — and PostgreSQL
    does not read every booking ever made to build a hash of them first (the
    overview's overdue count on the full data set: 13.6 → 7.8 ms)."""
    at = literal(now, type_=CoworkingTicket.period_end.type)
    # The end of the last ticket, kept on the order (orders.tickets_end, migration 0013).
    ticket_end = Order.tickets_end
    room_end = select(RoomBooking.ends_at).where(RoomBooking.order_id == Order.id).scalar_subquery()
    check_out = (
        select(HotelBooking.check_out).where(HotelBooking.order_id == Order.id).scalar_subquery()
    )
    event_end = (
        select(func.max(Event.ends_at))
        .join(EventTicket, EventTicket.event_id == Event.id)
        .where(EventTicket.order_id == Order.id)
        .scalar_subquery()
    )
    return or_(ticket_end <= at, room_end <= at, check_out < today, event_end <= at)


def booked_overdue(now: datetime, today: date) -> ColumnElement[bool]:
    """A live booked order whose period is over and that still owes money: read through
    the small index of the orders that owe (ix_orders_outstanding_created)."""
    return and_(
        _of_types(BOOKED_TYPES, indexed=False),
        Order.total_kopecks > Order.paid_kopecks,
        Order.status.not_in(status_literals(CANCELLED_STATUSES)),
        period_over(now, today),
    )


def past_deadline(now: datetime) -> ColumnElement[bool]:
    """A service order whose deadline has passed and whose work is not finished."""
    return and_(
        _of_types(DEADLINE_TYPES, indexed=False),
        Order.deadline.is_not(None),
        Order.deadline < literal(now, type_=Order.deadline.type),
        Order.status.not_in(status_literals(FINISHED_STATUSES)),
    )


def overdue(now: datetime, today: date) -> ColumnElement[bool]:
    """The overdue orders: see the module's docstring."""
    return or_(booked_overdue(now, today), past_deadline(now))


def count_overdue(
    session: Session, now: datetime, today: date, types: frozenset[str] | None = None
) -> int:
    """How many orders (of these service types; None: of every type) are overdue, in
    one statement of up to three counts that never overlap, each through a small index:
    the coworking orders that owe and whose last ticket has ended (a range of the owing
    orders' tickets_end), the other booked orders that owe and are over (the owing
    orders without a tickets_end — no coworking order's — looked at, not every owing
    order), the service orders past their deadline (a range of the unfinished work's
    deadlines). A part of kinds outside ``types`` is not counted at all."""
    wanted = BOOKED_TYPES | DEADLINE_TYPES
    if types is not None:
        wanted = wanted & frozenset(map(ServiceType, types))
    owing = (
        Order.total_kopecks > Order.paid_kopecks,
        Order.status.not_in(status_literals(CANCELLED_STATUSES)),
    )
    parts: list[ColumnElement[bool]] = []
    if ServiceType.COWORKING in wanted:
        # Only a coworking order has tickets, so a tickets_end.
        at = literal(now, type_=Order.tickets_end.type)
        parts.append(and_(*owing, Order.tickets_end <= at))
    if booked := (BOOKED_TYPES - {ServiceType.COWORKING}) & wanted:
        parts.append(
            and_(
                Order.tickets_end.is_(None),  # the NULL end of the same small index
                _of_types(booked, indexed=False),
                *owing,
                period_over(now, today),
            )
        )
    if deadline := DEADLINE_TYPES & wanted:
        parts.append(
            and_(
                _of_types(deadline, indexed=False),
                Order.deadline.is_not(None),
                Order.deadline < literal(now, type_=Order.deadline.type),
                Order.status.not_in(status_literals(FINISHED_STATUSES)),
            )
        )
    if not parts:
        return 0
    counts = [
        select(func.count()).select_from(Order).where(part).scalar_subquery() for part in parts
    ]
    return int(session.scalar(select(sum(counts[1:], counts[0]))) or 0)

"""Today (SPEC §9.3): what needs the desk now, section by section, for the roles that
work on it.

- arrivals: coworking tickets starting today (the operator's local day), not yet
  validated and not yet no-shows;
- in the house: active tickets whose visitor was validated;
- no-shows: ``services.presence.no_show`` now;
- balances due on today's bookings: the orders that owe and whose booking (a coworking
  ticket, a meeting room, a hotel stay, an event) takes place today;
- open requests: service orders with a deadline and their work not finished, the
  overdue first;
- today's events with their check-in progress (checked in / sold).

Every section reads a day's rows through an index (the tickets' periods, the owing
orders, the rooms' bookings, the unfinished work's deadlines, the events' starts) and
shows at most ``SECTION_LIMIT`` of them with the count of all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from models import (
    CoworkingTicket,
    Event,
    EventTicket,
    HotelBooking,
    Order,
    Person,
    Room,
    Seat,
    Service,
    StaffUser,
)
from models.orders import status_literals
from models.places import full_name
from models.statuses import (
    CANCELLED_STATUSES,
    ServiceType,
    TicketStatus,
    ticket_status_condition,
    unindexed,
)
from services import rooms
from services.context import Actor
from services.events import EventRow, _event_rows
from services.occupancy import _overlapping
from services.overdue import DEADLINE_TYPES, FINISHED_STATUSES
from services.permissions import Action, can, order_scope, require
from services.presence import NO_SHOW_AFTER, live_ticket, no_show

SECTION_LIMIT = 50
BOOKED_TYPES = frozenset(
    {ServiceType.COWORKING, ServiceType.BOOKING, ServiceType.HOTEL, ServiceType.EVENT}
)


class Part:
    """The sections' keys (the page's ids are ``today-<key>``)."""

    ARRIVALS = "arrivals"
    IN_HOUSE = "in-house"
    NO_SHOWS = "no-shows"
    UNPAID = "unpaid"
    REQUESTS = "requests"
    EVENTS = "events"


ALL_PARTS = (
    Part.ARRIVALS,
    Part.IN_HOUSE,
    Part.NO_SHOWS,
    Part.UNPAID,
    Part.REQUESTS,
    Part.EVENTS,
)

Row = TypeVar("Row")


@dataclass(frozen=True)
class Section(Generic[Row]):
    rows: tuple[Row, ...] = ()
    total: int = 0

    @property
    def more(self) -> int:
        """How many are not shown."""
        return self.total - len(self.rows)


@dataclass(frozen=True)
class VisitorTicket:
    number: int
    visitor: str
    room: str
    seat: str  # the seat's label, or its number
    period_start: datetime
    period_end: datetime
    order_number: int
    order_status: str
    validated_at: datetime | None


@dataclass(frozen=True)
class DueBooking:
    number: int  # the order's
    service_type: str
    service: str
    customer: str
    place: str  # the seat, room, hotel room or event
    starts_at: datetime
    ends_at: datetime
    status: str
    total_kopecks: int
    paid_kopecks: int

    @property
    def balance_kopecks(self) -> int:
        return self.total_kopecks - self.paid_kopecks


@dataclass(frozen=True)
class OpenRequest:
    number: int
    service_type: str
    service: str
    customer: str
    status: str
    deadline: datetime
    executor: str | None
    overdue: bool


@dataclass(frozen=True)
class Today:
    day: date  # the operator's local day
    now: datetime
    # None: a section this role does not see.
    arrivals: Section[VisitorTicket] | None = None
    in_house: Section[VisitorTicket] | None = None
    no_shows: Section[VisitorTicket] | None = None
    unpaid: Section[DueBooking] | None = None
    requests: Section[OpenRequest] | None = None
    events: Section[EventRow] | None = None
    parts: tuple[str, ...] = field(default=())


def parts_for(actor: Actor | None) -> tuple[str, ...]:
    """The sections ``actor``'s role sees, in page order: the coworking desk's to those
    who read tickets; the balances of today's bookings to those who read booked orders
    (coworking, rooms, hotel, events); the open requests to those who read service
    orders; the events to the check-in desk."""
    if not can(actor, Action.VIEW_TODAY):
        return ()
    scope = order_scope(actor)
    reads = can(actor, Action.VIEW_ORDERS)
    parts = []
    if can(actor, Action.VIEW_TICKETS):
        parts += [Part.ARRIVALS, Part.IN_HOUSE, Part.NO_SHOWS]
    if reads and (scope is None or scope & {t.value for t in BOOKED_TYPES}):
        parts.append(Part.UNPAID)
    if reads and (scope is None or scope & {t.value for t in DEADLINE_TYPES}):
        parts.append(Part.REQUESTS)
    if can(actor, Action.VIEW_EVENTS):
        parts.append(Part.EVENTS)
    return tuple(parts)


def local_day(day: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of a local day, as aware datetimes (23 or 25 hours on a DST change)."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time(0), zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), zone)


def today(
    session: Session, actor: Actor, now: datetime, timezone: str, limit: int = SECTION_LIMIT
) -> Today:
    """The sections ``actor`` may see, for the operator's day of ``now``."""
    require(actor, Action.VIEW_TODAY)
    day = now.astimezone(ZoneInfo(timezone)).date()
    start, end = local_day(day, timezone)
    parts = parts_for(actor)
    scope = order_scope(actor)
    found: dict[str, Section] = {}
    if Part.ARRIVALS in parts:
        found["arrivals"] = arrivals(session, now, start, end, limit)
        found["in_house"], found["no_shows"] = presence(session, now, limit)
    if Part.UNPAID in parts:
        types = BOOKED_TYPES if scope is None else {ServiceType(t) for t in scope} & BOOKED_TYPES
        found["unpaid"] = unpaid(session, start, end, frozenset(types), limit)
    if Part.REQUESTS in parts:
        types = (
            DEADLINE_TYPES if scope is None else {ServiceType(t) for t in scope} & DEADLINE_TYPES
        )
        found["requests"] = open_requests(session, now, frozenset(types), limit)
    if Part.EVENTS in parts:
        found["events"] = events(session, start, end, limit)
    return Today(day, now, parts=parts, **found)


# --- coworking ---------------------------------------------------------------------------


def _ticket_rows(
    session: Session,
    conditions: list[ColumnElement[bool]],
    order_by: list,
    limit: int,
    total: int | None = None,
) -> Section[VisitorTicket]:
    if total is None:
        base = (
            select(CoworkingTicket.id)
            .join(Order, Order.id == CoworkingTicket.order_id)
            .where(*conditions)
        )
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        select(
            CoworkingTicket.number,
            Person.last_name,
            Person.first_name,
            Person.middle_name,
            Room.name,
            Seat.number,
            Seat.label,
            CoworkingTicket.period_start,
            CoworkingTicket.period_end,
            Order.number,
            Order.status,
            CoworkingTicket.validated_at,
        )
        .join(Order, Order.id == CoworkingTicket.order_id)
        .join(Person, Person.id == CoworkingTicket.visitor_id)
        .join(Seat, Seat.id == CoworkingTicket.seat_id)
        .join(Room, Room.id == Seat.room_id)
        .where(*conditions)
        .order_by(*order_by, CoworkingTicket.number)
        .limit(limit)
    ).all()
    return Section(
        tuple(
            VisitorTicket(
                number,
                full_name(last, first, middle),
                room,
                label or f"№{seat}",
                period_start,
                period_end,
                order_number,
                status,
                validated_at,
            )
            for (
                number,
                last,
                first,
                middle,
                room,
                seat,
                label,
                period_start,
                period_end,
                order_number,
                status,
                validated_at,
            ) in rows
        ),
        int(total),
    )


def _at(moment: datetime) -> ColumnElement[datetime]:
    return literal(moment, type_=CoworkingTicket.period_start.type)


def arrivals(
    session: Session, now: datetime, start: datetime, end: datetime, limit: int = SECTION_LIMIT
) -> Section[VisitorTicket]:
    """Live tickets starting today, not validated, whose visitor is still expected
    (started at most ``NO_SHOW_AFTER`` ago): a range of the period-start index."""
    return _ticket_rows(
        session,
        [
            CoworkingTicket.period_start >= _at(start),
            CoworkingTicket.period_start < _at(end),
            CoworkingTicket.period_start > _at(now - NO_SHOW_AFTER),
            CoworkingTicket.validated_at.is_(None),
            live_ticket(),
        ],
        [CoworkingTicket.period_start],
        limit,
    )


def presence(
    session: Session, now: datetime, limit: int = SECTION_LIMIT
) -> tuple[Section[VisitorTicket], Section[VisitorTicket]]:
    """(in the house, no-shows) now: the tickets whose period holds ``now``, read once as
    occupancy reads a moment (a month of the period index and the long ones, not every
    booking from now on), each sorted into one of the two by the rules of
    ``services.presence``; then the rows shown of each."""
    dialect = session.get_bind().dialect.name
    active = ticket_status_condition(
        [TicketStatus.ACTIVE],
        Order.status,
        CoworkingTicket.period_start,
        CoworkingTicket.period_end,
        now,
    )
    here = case((and_(active, CoworkingTicket.validated_at.is_not(None)), 1), else_=0)
    late = case((no_show(now), 1), else_=0)
    inside, missing = [], []
    for part in _overlapping(now, now + timedelta(microseconds=1), dialect):
        for ticket_id, is_here, is_late in session.execute(
            select(CoworkingTicket.id, here, late)
            .join(Order, Order.id == CoworkingTicket.order_id)
            .where(*part)
        ):
            if is_here:
                inside.append(ticket_id)
            elif is_late:
                missing.append(ticket_id)

    def rows(ticket_ids: list[int], order_by: list) -> Section[VisitorTicket]:
        if not ticket_ids:
            return Section()
        return _ticket_rows(
            session, [CoworkingTicket.id.in_(ticket_ids)], order_by, limit, len(ticket_ids)
        )

    return (
        rows(inside, [Room.name, Seat.number]),
        rows(missing, [CoworkingTicket.period_start]),
    )


# --- balances due on today's bookings ---------------------------------------------------------


def _owing() -> list[ColumnElement[bool]]:
    """The order owes: the predicate of the partial indexes of owing orders, as written."""
    return [
        Order.total_kopecks > Order.paid_kopecks,
        Order.status.not_in(status_literals(CANCELLED_STATUSES)),
    ]


def _bookings(
    session: Session, start: datetime, end: datetime, types: frozenset[ServiceType]
) -> list[tuple[int, datetime, datetime, str]]:
    """(order id, start, end, place) of today's bookings whose order owes."""
    found: list[tuple[int, datetime, datetime, str]] = []
    if ServiceType.COWORKING in types:
        # The owing orders whose last ticket ends after the day began: a range of the
        # small partial index of owing orders by tickets_end; then their tickets of today.
        found += [
            (order_id, begins, ends, f"{room} · {label or f'№{number}'}")
            for order_id, begins, ends, room, number, label in session.execute(
                select(
                    CoworkingTicket.order_id,
                    CoworkingTicket.period_start,
                    CoworkingTicket.period_end,
                    Room.name,
                    Seat.number,
                    Seat.label,
                )
                .select_from(Order)
                .join(CoworkingTicket, CoworkingTicket.order_id == Order.id)
                .join(Seat, Seat.id == CoworkingTicket.seat_id)
                .join(Room, Room.id == Seat.room_id)
                .where(
                    Order.tickets_end > literal(start, type_=Order.tickets_end.type),
                    *_owing(),
                    CoworkingTicket.period_start < _at(end),
                    CoworkingTicket.period_end > _at(start),
                )
            )
        ]
    if ServiceType.BOOKING in types:
        found += [
            (b.order_id, b.starts_at, b.ends_at, b.room)
            for b in rooms.bookings_between(session, start, end)
            if b.owes
        ]
    if ServiceType.HOTEL in types:
        day = start.date()
        found += [
            (
                order_id,
                datetime.combine(check_in, time(0), start.tzinfo),
                datetime.combine(check_out, time(0), start.tzinfo),
                room,
            )
            for order_id, check_in, check_out, room in session.execute(
                select(
                    HotelBooking.order_id,
                    HotelBooking.check_in,
                    HotelBooking.check_out,
                    Room.name,
                )
                .join(Order, Order.id == HotelBooking.order_id)
                .join(Room, Room.id == HotelBooking.room_id)
                .where(
                    HotelBooking.check_in <= day,
                    HotelBooking.check_in >= day - timedelta(days=HOTEL_LOOKBACK_DAYS),
                    HotelBooking.check_out >= day,
                    *_owing(),
                )
            )
        ]
    if ServiceType.EVENT in types:
        found += session.execute(
            select(EventTicket.order_id, Event.starts_at, Event.ends_at, Event.title)
            .join(EventTicket, EventTicket.event_id == Event.id)
            .join(Order, Order.id == EventTicket.order_id)
            .where(*_today_events(start, end), *_owing())
        ).all()
    return found


# A hotel stay in the house today began at most this long ago: the check-in dates of a
# year are read from this far back only (the demo's longest stay is two weeks; a stay
# longer than this would be left out of the balances of today).
HOTEL_LOOKBACK_DAYS = 92


def unpaid(
    session: Session,
    start: datetime,
    end: datetime,
    types: frozenset[ServiceType],
    limit: int = SECTION_LIMIT,
) -> Section[DueBooking]:
    """The orders of these types that owe and have a booking today, the earliest first."""
    by_order: dict[int, tuple[datetime, datetime, str]] = {}
    for order_id, begins, ends, place in _bookings(session, start, end, types):
        known = by_order.get(order_id)
        if known is None or begins < known[0]:
            by_order[order_id] = (begins, ends, place)
    if not by_order:
        return Section()
    chosen = sorted(by_order, key=lambda order_id: (by_order[order_id][0], order_id))
    details = {
        row.id: row
        for row in session.execute(
            select(
                Order.id,
                Order.number,
                Order.status,
                Order.total_kopecks,
                Order.paid_kopecks,
                Service.type,
                Service.name.label("service"),
                Person.last_name,
                Person.first_name,
                Person.middle_name,
            )
            .join(Service, Service.id == Order.service_id)
            .join(Person, Person.id == Order.customer_id)
            .where(Order.id.in_(chosen[:limit]))
        )
    }
    return Section(
        tuple(
            DueBooking(
                row.number,
                row.type,
                row.service,
                full_name(row.last_name, row.first_name, row.middle_name),
                by_order[order_id][2],
                by_order[order_id][0],
                by_order[order_id][1],
                row.status,
                row.total_kopecks,
                row.paid_kopecks,
            )
            for order_id in chosen[:limit]
            if (row := details[order_id])
        ),
        len(chosen),
    )


# --- open requests ----------------------------------------------------------------------------


def _requests_query(types: frozenset[ServiceType]) -> Select:
    """Unfinished service orders with a deadline: the partial index of their deadlines
    (``ix_orders_unfinished_deadline``, its predicate as written)."""
    return select(Order.id).where(
        Order.deadline.is_not(None),
        Order.status.not_in(status_literals(FINISHED_STATUSES)),
        unindexed(Order.service_id).in_(
            select(Service.id)
            .where(Service.type.in_(sorted(t.value for t in types)))
            .scalar_subquery()
        ),
    )


def open_requests(
    session: Session, now: datetime, types: frozenset[ServiceType], limit: int = SECTION_LIMIT
) -> Section[OpenRequest]:
    """Service orders of these types whose work is not finished and that have a deadline,
    by deadline: the overdue first."""
    if not types:
        return Section()
    base = _requests_query(types)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    ids = session.scalars(base.order_by(Order.deadline, Order.number).limit(limit)).all()
    if not ids:
        return Section((), int(total))
    rows = session.execute(
        select(
            Order.number,
            Service.type,
            Service.name,
            Person.last_name,
            Person.first_name,
            Person.middle_name,
            Order.status,
            Order.deadline,
            StaffUser.name,
        )
        .join(Service, Service.id == Order.service_id)
        .join(Person, Person.id == Order.customer_id)
        .outerjoin(StaffUser, StaffUser.id == Order.executor_id)
        .where(Order.id.in_(ids))
        .order_by(Order.deadline, Order.number)
    ).all()
    return Section(
        tuple(
            OpenRequest(
                number,
                kind,
                service,
                full_name(last, first, middle),
                status,
                deadline,
                executor,
                deadline < now,
            )
            for number, kind, service, last, first, middle, status, deadline, executor in rows
        ),
        int(total),
    )


# --- events -----------------------------------------------------------------------------------

# An event on today began at most this long before the day (the range of the start index).
EVENT_LOOKBACK = timedelta(days=7)


def _today_events(start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [
        Event.starts_at >= start - EVENT_LOOKBACK,
        Event.starts_at < end,
        Event.ends_at > start,
    ]


def events(
    session: Session, start: datetime, end: datetime, limit: int = SECTION_LIMIT
) -> Section[EventRow]:
    """The events on today, soonest first, with tickets sold and checked in."""
    conditions = _today_events(start, end)
    total = session.scalar(select(func.count()).select_from(Event).where(*conditions)) or 0
    rows = _event_rows(
        session,
        select(Event).where(*conditions).order_by(Event.starts_at, Event.id).limit(limit),
    )
    return Section(tuple(rows), int(total))

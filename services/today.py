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

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, select, union_all
from sqlalchemy.engine import Row as DbRow
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
from models.places import full_name, seat_name
from models.statuses import (
    CANCELLED_STATUSES,
    ServiceType,
    unindexed,
)
from services import rooms
from services.context import Actor
from services.events import EventRow, event_rows
from services.occupancy import tickets_overlapping
from services.overdue import DEADLINE_TYPES, FINISHED_STATUSES
from services.permissions import Action, can, order_scope, require
from services.presence import is_expected, is_in_house, is_no_show

# Rows shown a section (the count says how many in all): a glance, not a register.
SECTION_LIMIT = 20
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

    def _counted(self, total: int) -> Section[Row]:
        return Section(self.rows, total)


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
    tickets = None
    if Part.ARRIVALS in parts:
        tickets = day_tickets(session, start, end)
        found["arrivals"], found["in_house"], found["no_shows"] = coworking(
            session, tickets, now, start, end, limit
        )
    if Part.UNPAID in parts:
        types = BOOKED_TYPES if scope is None else {ServiceType(t) for t in scope} & BOOKED_TYPES
        found["unpaid"] = unpaid(session, start, end, frozenset(types), limit, tickets)
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
                seat_name(label, seat),
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


def day_tickets(session: Session, start: datetime, end: datetime) -> Sequence[DbRow]:
    """The tickets whose period overlaps [start, end) (id, order_id, period_start,
    period_end, seat_id, validated_at), with their order's status and whether it owes:
    read once for every coworking section, each order looked up by its key."""
    dialect = session.get_bind().dialect.name
    columns = (
        CoworkingTicket.id,
        CoworkingTicket.order_id,
        CoworkingTicket.period_start,
        CoworkingTicket.period_end,
        CoworkingTicket.seat_id,
        CoworkingTicket.validated_at,
        Order.status,
        (Order.total_kopecks > Order.paid_kopecks).label("owes"),
    )
    # The three classes of length, each by start from its own index, as occupancy reads
    # them, in one statement; each ticket comes once. Plain rows: hundreds of them, no
    # ORM objects.
    parts = (
        select(*columns).join(Order, Order.id == CoworkingTicket.order_id).where(*part)
        for part in tickets_overlapping(start, end, dialect)
    )
    return session.connection().execute(union_all(*parts)).all()


def coworking(
    session: Session,
    tickets: Sequence[DbRow],
    now: datetime,
    start: datetime,
    end: datetime,
    limit: int = SECTION_LIMIT,
) -> tuple[Section[VisitorTicket], Section[VisitorTicket], Section[VisitorTicket]]:
    """(arrivals, in the house, no-shows) now among the day's tickets, by the rules of
    ``services.presence``: the expected ones starting today, soonest first; the visitors
    in the house, room by room and seat by seat; the no-shows, the longest awaited
    first."""
    # In UTC, as the stored times come back: comparing times of one zone is cheap,
    # across zones every comparison asks the zone for its offset (hundreds of rows).
    start, end, now = (moment.astimezone(UTC) for moment in (start, end, now))
    arriving = sorted(
        (
            t
            for t in tickets
            if start <= t.period_start < end
            and is_expected(t.status, t.period_start, t.validated_at, now)
        ),
        key=lambda t: (t.period_start, t.id),
    )
    inside = [
        t.id
        for t in tickets
        if is_in_house(t.status, t.period_start, t.period_end, t.validated_at, now)
    ]
    missing = sorted(
        (
            t
            for t in tickets
            if is_no_show(t.status, t.period_start, t.period_end, t.validated_at, now)
        ),
        key=lambda t: (t.period_start, t.id),
    )

    def rows(ticket_ids: list[int], order_by: list) -> Section[VisitorTicket]:
        if not ticket_ids:
            return Section()
        return _ticket_rows(
            session, [CoworkingTicket.id.in_(ticket_ids)], order_by, limit, len(ticket_ids)
        )

    return (
        rows([t.id for t in arriving[:limit]], [CoworkingTicket.period_start])._counted(
            len(arriving)
        ),
        rows(inside, [Room.name, Seat.number]),
        rows([t.id for t in missing[:limit]], [CoworkingTicket.period_start])._counted(
            len(missing)
        ),
    )


# --- balances due on today's bookings ---------------------------------------------------------


def _owing() -> list[ColumnElement[bool]]:
    """The order owes: the predicate of the partial indexes of owing orders, as written."""
    return [
        Order.total_kopecks > Order.paid_kopecks,
        Order.status.not_in(status_literals(CANCELLED_STATUSES)),
    ]


def _bookings(
    session: Session,
    start: datetime,
    end: datetime,
    types: frozenset[ServiceType],
    tickets: Sequence[DbRow] | None = None,
) -> list[tuple[int, datetime, datetime, str | SeatId]]:
    """(order id, start, end, place) of today's bookings whose order owes; the place of a
    coworking ticket is its seat's id (``SeatId``), named once the rows shown are chosen."""
    found: list[tuple[int, datetime, datetime, str | SeatId]] = []
    if ServiceType.COWORKING in types:
        if tickets is None:
            tickets = day_tickets(session, start, end)
        found += [
            (t.order_id, t.period_start, t.period_end, SeatId(t.seat_id))
            for t in tickets
            if t.owes and t.status not in CANCELLED_STATUSES
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


class SeatId(int):
    """A seat's id where a place's name will be (``_bookings``)."""


def _seat_names(session: Session, seat_ids: set[int]) -> dict[int, str]:
    """Each seat's place ("room · seat"), by id."""
    if not seat_ids:
        return {}
    return {
        seat_id: f"{room} · {seat_name(label, number)}"
        for seat_id, room, number, label in session.execute(
            select(Seat.id, Room.name, Seat.number, Seat.label)
            .join(Room, Room.id == Seat.room_id)
            .where(Seat.id.in_(seat_ids))
        )
    }


def unpaid(
    session: Session,
    start: datetime,
    end: datetime,
    types: frozenset[ServiceType],
    limit: int = SECTION_LIMIT,
    tickets: Sequence[DbRow] | None = None,
) -> Section[DueBooking]:
    """The orders of these types that owe and have a booking today, the earliest first."""
    by_order: dict[int, tuple[datetime, datetime, str | SeatId]] = {}
    for order_id, begins, ends, place in _bookings(session, start, end, types, tickets):
        known = by_order.get(order_id)
        if known is None or begins < known[0]:
            by_order[order_id] = (begins, ends, place)
    if not by_order:
        return Section()
    chosen = sorted(by_order, key=lambda order_id: (by_order[order_id][0], order_id))
    seats = _seat_names(
        session, {place for i in chosen[:limit] if isinstance(place := by_order[i][2], SeatId)}
    )
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
                seats[place] if isinstance(place := by_order[order_id][2], SeatId) else place,
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
    (``ix_orders_unfinished_deadline``, its predicate as written). A deadline is set on
    simple services, requests and goods only (services.deadlines), so for all three the
    index alone answers; for some of them the service is looked at too."""
    conditions = [
        Order.deadline.is_not(None),
        Order.status.not_in(status_literals(FINISHED_STATUSES)),
    ]
    if not types >= DEADLINE_TYPES:
        conditions.append(
            unindexed(Order.service_id).in_(
                select(Service.id)
                .where(Service.type.in_(sorted(t.value for t in types)))
                .scalar_subquery()
            )
        )
    return select(Order.id).where(*conditions)


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
    rows = event_rows(
        session,
        select(Event).where(*conditions).order_by(Event.starts_at, Event.id).limit(limit),
    )
    return Section(tuple(rows), int(total))

"""Meeting rooms (SPEC §9.3): a day's bookings room by room, with the free slots between
them inside the opening hours, for the day timeline of ``/rooms`` and the balances of
"Today"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Building, Order, Person, Room, RoomBooking
from models.orders import status_literals
from models.places import full_name
from models.statuses import CANCELLED_STATUSES, RoomKind
from services.context import Actor
from services.permissions import Action, require

# A booking on a day began at most this long before it: each room's bookings are read
# from this far back only, not from the beginning (meeting rooms are booked by the hour;
# a longer booking would not show on its later days).
ROOM_BOOKING_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class Booking:
    order_id: int
    number: int  # the order's
    room_id: int
    room: str
    starts_at: datetime
    ends_at: datetime
    customer: str
    status: str
    visitors: int
    owes: bool


@dataclass(frozen=True)
class Slot:
    """A free stretch of a room's open hours."""

    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class RoomLine:
    id: int
    name: str
    building: str
    opens_at: datetime  # this day's opening hours of the room
    closes_at: datetime
    bookings: tuple[Booking, ...]
    free: tuple[Slot, ...]


@dataclass(frozen=True)
class Timeline:
    day: date
    starts_at: datetime  # the axis: the house's opening hours, widened to every room's
    ends_at: datetime  # hours and every booking of the day
    rooms: tuple[RoomLine, ...]

    def percent(self, moment: datetime) -> float:
        """Where ``moment`` is on the axis, 0–100."""
        span = (self.ends_at - self.starts_at).total_seconds()
        share = (min(max(moment, self.starts_at), self.ends_at) - self.starts_at).total_seconds()
        return round(100.0 * share / span, 3) if span else 0.0

    @property
    def hours(self) -> list[datetime]:
        """The whole hours on the axis, for its ticks."""
        first = self.starts_at.replace(minute=0, second=0, microsecond=0)
        if first < self.starts_at:
            first += timedelta(hours=1)
        ticks = []
        while first <= self.ends_at:
            ticks.append(first)
            first += timedelta(hours=1)
        return ticks


def _meeting_rooms(session: Session) -> list[tuple[int, str, str, time | None, time | None, bool]]:
    return [
        tuple(row)
        for row in session.execute(
            select(Room.id, Room.name, Building.name, Room.opens_at, Room.closes_at, Room.is_active)
            .join(Building, Building.id == Room.building_id)
            .where(Room.kind == RoomKind.MEETING_ROOM.value)
            .order_by(Building.name, Room.name, Room.id)
        )
    ]


def bookings_between(
    session: Session, start: datetime, end: datetime, room_ids: list[int] | None = None
) -> list[Booking]:
    """The live (not cancelled) meeting-room bookings overlapping [start, end), by room and
    start: for each room a range of ``ix_room_bookings_room_period`` (a week long)."""
    if room_ids is None:
        room_ids = [row[0] for row in _meeting_rooms(session)]
    if not room_ids:
        return []
    rows = session.execute(
        select(
            RoomBooking.order_id,
            Order.number,
            RoomBooking.room_id,
            Room.name,
            RoomBooking.starts_at,
            RoomBooking.ends_at,
            Person.last_name,
            Person.first_name,
            Person.middle_name,
            Order.status,
            RoomBooking.visitors,
            Order.total_kopecks,
            Order.paid_kopecks,
        )
        .join(Order, Order.id == RoomBooking.order_id)
        .join(Room, Room.id == RoomBooking.room_id)
        .join(Person, Person.id == Order.customer_id)
        .where(
            RoomBooking.room_id.in_(room_ids),
            RoomBooking.starts_at < end,
            RoomBooking.starts_at >= start - ROOM_BOOKING_LOOKBACK,
            RoomBooking.ends_at > start,
            Order.status.not_in(status_literals(CANCELLED_STATUSES)),
        )
        .order_by(RoomBooking.room_id, RoomBooking.starts_at, Order.number)
    ).all()
    return [
        Booking(
            order_id,
            number,
            room_id,
            room,
            starts_at,
            ends_at,
            full_name(last, first, middle),
            status,
            len(visitors or []),
            total > paid,
        )
        for (
            order_id,
            number,
            room_id,
            room,
            starts_at,
            ends_at,
            last,
            first,
            middle,
            status,
            visitors,
            total,
            paid,
        ) in rows
    ]


def free_slots(opens: datetime, closes: datetime, bookings: list[Booking]) -> tuple[Slot, ...]:
    """The stretches of [opens, closes) that no booking takes."""
    slots, cursor = [], opens
    for booking in sorted(bookings, key=lambda b: b.starts_at):
        if booking.starts_at > cursor:
            slots.append(Slot(cursor, min(booking.starts_at, closes)))
        cursor = max(cursor, booking.ends_at)
        if cursor >= closes:
            break
    if cursor < closes:
        slots.append(Slot(cursor, closes))
    return tuple(slot for slot in slots if slot.ends_at > slot.starts_at)


def day_timeline(
    session: Session,
    actor: Actor,
    day: date,
    timezone: str,
    opening_hours: tuple[int, int] = (9, 21),
) -> Timeline:
    """The meeting rooms' bookings of a local day, room by room (the active rooms, and a
    retired one that still has bookings that day), with the free slots of each room's
    opening hours (the house's, for a room without its own)."""
    require(actor, Action.VIEW_ROOMS)
    zone = ZoneInfo(timezone)
    day_start = datetime.combine(day, time(0), zone)
    day_end = datetime.combine(day + timedelta(days=1), time(0), zone)

    def at(hour: int | time) -> datetime:
        if isinstance(hour, int):
            return day_end if hour >= 24 else datetime.combine(day, time(hour), zone)
        return datetime.combine(day, hour, zone)

    house = (at(opening_hours[0]), at(opening_hours[1]))
    rooms = _meeting_rooms(session)
    bookings = bookings_between(session, day_start, day_end, [row[0] for row in rooms])
    by_room: dict[int, list[Booking]] = {}
    for booking in bookings:
        by_room.setdefault(booking.room_id, []).append(booking)
    lines = []
    for room_id, name, building, opens, closes, active in rooms:
        own = by_room.get(room_id, [])
        if not active and not own:
            continue
        if opens is not None and closes is not None and opens < closes:
            hours = (at(opens), at(closes))
        else:
            hours = house
        lines.append(RoomLine(room_id, name, building, *hours, tuple(own), free_slots(*hours, own)))
    moments = [house[0], house[1]]
    moments += [moment for line in lines for moment in (line.opens_at, line.closes_at)]
    moments += [moment for b in bookings for moment in (b.starts_at, b.ends_at)]
    first = max(day_start, min(moments)).astimezone(zone)
    last = min(day_end, max(moments)).astimezone(zone)
    first = first.replace(minute=0, second=0, microsecond=0)
    if last.minute or last.second or last.microsecond:
        last = min(day_end, last.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))
    return Timeline(day, first, last, tuple(lines))

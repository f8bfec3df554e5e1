"""Occupancy and utilisation for a period (SPEC §5 "Occupancy").

How each figure is computed (the page shows these definitions too):
- Seat-hours: for every coworking seat, the hours of each day inside the opening
  hours. Capacity = seats × opening hours × days.
- Sold: tickets whose order is confirmed (paid or prepaid) or done — not new, not
  cancelled — counted for the part of their period inside the opening hours.
- Used: the same, for the tickets whose visitor's identity was checked (validated).
- Meeting rooms: booked hours of live bookings inside the opening hours ÷ (rooms ×
  opening hours × days). Hotel: room-nights sold ÷ (rooms × nights in the period).
- Event attendance: checked-in ÷ sold tickets (live orders) of events in the period.
- No-show rate: tickets that ended in the period, sold, and never validated ÷ all
  sold tickets that ended in the period.
- On the books: seat-hours sold for the next 30/60/90 days, against the seat-hours
  that had been sold, by the same day one year earlier, for the same days a year earlier.

Everything is vectorised: the database returns the periods as epoch seconds and a
per-minute occupancy curve is accumulated with numpy (a difference array), so a
year of 200,000 tickets is a few numpy passes, not a Python loop per ticket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, ColumnElement, String, cast, func, select
from sqlalchemy.orm import Session

from models import (
    Building,
    CoworkingTicket,
    Event,
    EventTicket,
    HotelBooking,
    Order,
    Room,
    RoomBooking,
    Seat,
)
from models.statuses import CANCELLED_STATUSES, NEW_STATUSES, RoomKind

SOLD_EXCLUDED = [s.value for s in CANCELLED_STATUSES] + [s.value for s in NEW_STATUSES]
LIVE_EXCLUDED = [s.value for s in CANCELLED_STATUSES]
MINUTES_PER_DAY = 24 * 60
EPOCH = pd.Timestamp("1970-01-01", tz="UTC")


@dataclass(frozen=True)
class Period:
    """Whole local days [first, last] with the opening hours of each day."""

    first: date
    last: date
    timezone: str
    opening: tuple[int, int] = (9, 21)
    building_id: int | None = None
    room_id: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), self.zone)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), self.zone)

    @property
    def open_hours(self) -> int:
        return self.opening[1] - self.opening[0]


def epoch(column: ColumnElement, dialect: str) -> ColumnElement[int]:
    """Seconds since 1970 of a stored UTC time, computed by the database."""
    if dialect == "sqlite":
        return cast(func.strftime("%s", column), BigInteger)
    return cast(func.extract("epoch", column), BigInteger)


def _room_filter(period: Period) -> list[ColumnElement[bool]]:
    conditions = []
    if period.building_id is not None:
        conditions.append(Room.building_id == period.building_id)
    if period.room_id is not None:
        conditions.append(Room.id == period.room_id)
    return conditions


def _open_minutes_mask(period: Period) -> np.ndarray:
    """For every local minute of the period: is the coworking open then?"""
    minutes = np.arange(period.days * MINUTES_PER_DAY)
    of_day = minutes % MINUTES_PER_DAY
    return (of_day >= period.opening[0] * 60) & (of_day < period.opening[1] * 60)


def _curve(minutes: np.ndarray, deltas: np.ndarray, period: Period) -> np.ndarray:
    """How many intervals cover each minute of the period, from their edges (a minute
    since 1970 and +n for n starts or −n for n ends there), by a difference array.

    Edges before the period count at its first minute, edges after it not at all."""
    size = period.days * MINUTES_PER_DAY
    origin = int(period.start.timestamp()) // 60
    diff = np.zeros(size + 1, dtype=np.int64)
    np.add.at(diff, np.clip(minutes - origin, 0, size), deltas)
    return np.cumsum(diff[:-1])


def _span_curve(starts: np.ndarray, ends: np.ndarray, period: Period) -> np.ndarray:
    """The same from intervals given as epoch seconds."""
    minutes = np.concatenate([starts // 60, (ends + 59) // 60])
    deltas = np.concatenate([np.ones(len(starts), np.int64), -np.ones(len(ends), np.int64)])
    return _curve(minutes, deltas, period)


@dataclass
class Occupancy:
    period: Period
    seats: int
    days: list[date]
    sold_percent: list[float]
    used_percent: list[float]
    heatmap: list[list[float]]  # [weekday 0=Mon][hour in opening hours] → % sold
    heatmap_hours: list[int]
    rooms: list[tuple[str, float]]  # (room, % sold)
    meeting_percent: float
    hotel_percent: float
    event_checked_in: int
    event_sold: int
    no_show_percent: float
    no_show_count: int
    ended_count: int
    on_the_books: list[tuple[int, float, float]] = field(default_factory=list)
    # (days ahead, % sold now, % sold a year earlier at the same point)

    @property
    def event_attendance_percent(self) -> float:
        return 100.0 * self.event_checked_in / self.event_sold if self.event_sold else 0.0


def _edges(
    session: Session,
    period: Period,
    start: datetime,
    end: datetime,
    created_before: datetime | None = None,
) -> np.ndarray:
    """Edges of the sold tickets overlapping [start, end): rows (minute since 1970,
    +1 at a start / −1 at an end, room id, validated 0/1).

    One query; the times come back as text and are parsed by pandas in one vectorised
    pass (converting 200,000 datetimes one by one in Python is what made it slow)."""
    query = (
        select(
            cast(CoworkingTicket.period_start, String),
            cast(CoworkingTicket.period_end, String),
            Seat.room_id,
            CoworkingTicket.validated_at.is_not(None),
        )
        .join(Order, Order.id == CoworkingTicket.order_id)
        .join(Seat, Seat.id == CoworkingTicket.seat_id)
        .join(Room, Room.id == Seat.room_id)
        .where(
            CoworkingTicket.period_start < end,
            CoworkingTicket.period_end > start,
            Order.status.not_in(SOLD_EXCLUDED),
            *_room_filter(period),
        )
    )
    if created_before is not None:
        query = query.where(CoworkingTicket.created_at <= created_before)
    rows = session.execute(query).all()
    if not rows:
        return np.zeros((0, 4), dtype=np.int64)
    # Columns, not rows: pandas and numpy convert each in one pass.
    start_texts, end_texts, room_ids, validated = zip(*rows, strict=True)
    starts = _epoch_minutes(pd.Series(start_texts))
    ends = _epoch_minutes(pd.Series(end_texts), round_up=True)
    rooms = np.array(room_ids, dtype=np.int64)
    checked = np.array(validated, dtype=np.int64)
    ones = np.ones(len(rows), dtype=np.int64)
    return np.concatenate(
        [
            np.column_stack([starts, ones, rooms, checked]),
            np.column_stack([ends, -ones, rooms, checked]),
        ]
    )


def _epoch_minutes(texts: pd.Series, round_up: bool = False) -> np.ndarray:
    """Stored UTC times (text from either database) → minutes since 1970."""
    moments = pd.to_datetime(texts, utc=True, format="ISO8601")
    seconds = (moments - EPOCH).dt.total_seconds().to_numpy(dtype=np.int64)
    return (seconds + 59) // 60 if round_up else seconds // 60


def _seats(session: Session, period: Period) -> dict[int, tuple[str, int]]:
    """Coworking rooms in scope: id → (name, seats)."""
    rows = session.execute(
        select(Room.id, Room.name, func.count(Seat.id))
        .join(Seat, Seat.room_id == Room.id)
        .where(Room.kind == RoomKind.COWORKING.value, *_room_filter(period))
        .group_by(Room.id, Room.name)
        .order_by(Room.name)
    ).all()
    return {room_id: (name, seats) for room_id, name, seats in rows}


def _sold_seat_minutes(edges: np.ndarray, period: Period, mask: np.ndarray) -> int:
    if not len(edges):
        return 0
    return int(_curve(edges[:, 0], edges[:, 1], period)[mask].sum())


def occupancy(session: Session, period: Period, now: datetime) -> Occupancy:
    rooms = _seats(session, period)
    seats = sum(count for _name, count in rooms.values())
    open_mask = _open_minutes_mask(period)
    edges = _edges(session, period, period.start, period.end)
    day_capacity = seats * period.open_hours * 60
    sold_curve = _curve(edges[:, 0], edges[:, 1], period)
    used = edges[edges[:, 3] == 1]
    used_curve = _curve(used[:, 0], used[:, 1], period)
    per_day_sold = (sold_curve * open_mask).reshape(period.days, MINUTES_PER_DAY).sum(axis=1)
    per_day_used = (used_curve * open_mask).reshape(period.days, MINUTES_PER_DAY).sum(axis=1)
    days = [period.first + timedelta(days=i) for i in range(period.days)]

    def percent(values: np.ndarray, capacity: float) -> list[float]:
        return [round(100.0 * float(v) / capacity, 2) if capacity else 0.0 for v in values]

    # Weekday × hour: seat-minutes sold in that hour slot ÷ (seats × 60 × such slots).
    hours = list(range(period.opening[0], period.opening[1]))
    per_hour = sold_curve.reshape(period.days, 24, 60).sum(axis=2)  # [day][hour]
    weekdays = np.array([d.weekday() for d in days])
    heatmap = []
    for weekday in range(7):
        chosen = per_hour[weekdays == weekday]
        slots = len(chosen)
        heatmap.append(
            [
                round(100.0 * float(chosen[:, h].sum()) / (seats * 60 * slots), 2)
                if slots and seats
                else 0.0
                for h in hours
            ]
        )

    by_room = []
    for room_id, (name, count) in rooms.items():
        own = edges[edges[:, 2] == room_id]
        capacity = count * period.open_hours * 60 * period.days
        by_room.append(
            (
                name,
                round(100.0 * _sold_seat_minutes(own, period, open_mask) / capacity, 2)
                if capacity
                else 0.0,
            )
        )

    checked_in, sold = _events(session, period)
    no_shows, ended = _no_shows(edges, min(now, period.end))
    return Occupancy(
        period=period,
        seats=seats,
        days=days,
        sold_percent=percent(per_day_sold, day_capacity),
        used_percent=percent(per_day_used, day_capacity),
        heatmap=heatmap,
        heatmap_hours=hours,
        rooms=by_room,
        meeting_percent=_meeting_rooms(session, period, open_mask),
        hotel_percent=_hotel(session, period),
        event_checked_in=checked_in,
        event_sold=sold,
        no_show_percent=round(100.0 * no_shows / ended, 2) if ended else 0.0,
        no_show_count=no_shows,
        ended_count=ended,
        on_the_books=on_the_books(session, period, now, seats),
    )


def _meeting_rooms(session: Session, period: Period, open_mask: np.ndarray) -> float:
    dialect = session.get_bind().dialect.name
    room_count = (
        session.scalar(
            select(func.count())
            .select_from(Room)
            .where(Room.kind == RoomKind.MEETING_ROOM.value, *_room_filter(period))
        )
        or 0
    )
    if not room_count:
        return 0.0
    rows = session.execute(
        select(epoch(RoomBooking.starts_at, dialect), epoch(RoomBooking.ends_at, dialect))
        .join(Order, Order.id == RoomBooking.order_id)
        .join(Room, Room.id == RoomBooking.room_id)
        .where(
            RoomBooking.starts_at < period.end,
            RoomBooking.ends_at > period.start,
            Order.status.not_in(LIVE_EXCLUDED),
            *_room_filter(period),
        )
    ).all()
    if not rows:
        return 0.0
    spans = np.array(rows, dtype=np.int64)
    booked = _span_curve(spans[:, 0], spans[:, 1], period)[open_mask].sum()
    capacity = room_count * period.open_hours * 60 * period.days
    return round(100.0 * booked / capacity, 2)


def _hotel(session: Session, period: Period) -> float:
    rooms = (
        session.scalar(
            select(func.count())
            .select_from(Room)
            .where(Room.kind == RoomKind.HOTEL_ROOM.value, *_room_filter(period))
        )
        or 0
    )
    if not rooms:
        return 0.0
    stays = session.execute(
        select(HotelBooking.check_in, HotelBooking.check_out)
        .join(Order, Order.id == HotelBooking.order_id)
        .join(Room, Room.id == HotelBooking.room_id)
        .where(
            HotelBooking.check_in <= period.last,
            HotelBooking.check_out > period.first,
            Order.status.not_in(LIVE_EXCLUDED),
            *_room_filter(period),
        )
    ).all()
    nights = sum(
        (min(out, period.last + timedelta(days=1)) - max(check_in, period.first)).days
        for check_in, out in stays
    )
    return round(100.0 * nights / (rooms * period.days), 2)


def _events(session: Session, period: Period) -> tuple[int, int]:
    row = session.execute(
        select(func.count(EventTicket.checked_in_at), func.count(EventTicket.id))
        .join(Event, Event.id == EventTicket.event_id)
        .join(Order, Order.id == EventTicket.order_id)
        .join(Room, Room.id == Event.room_id)
        .where(
            Event.starts_at >= period.start,
            Event.starts_at < period.end,
            Order.status.not_in(LIVE_EXCLUDED),
            *_room_filter(period),
        )
    ).one()
    return int(row[0]), int(row[1])


def _no_shows(edges: np.ndarray, until: datetime) -> tuple[int, int]:
    """(never validated, all) among the sold tickets that ended in the period, up to
    ``until``: read off the end edges already fetched (to the minute)."""
    ends = edges[edges[:, 1] < 0]
    ended = ends[ends[:, 0] <= int(until.timestamp()) // 60]
    return int((ended[:, 3] == 0).sum()), len(ended)


def on_the_books(
    session: Session,
    period: Period,
    now: datetime,
    seats: int,
    horizons: tuple[int, ...] = (30, 60, 90),
) -> list[tuple[int, float, float]]:
    """% of the next N days' seat-hours sold now, and a year earlier at the same point."""
    today = now.astimezone(period.zone).date()
    longest = max(horizons)

    def sold_per_day(first: date, as_of: datetime) -> np.ndarray:
        window = Period(
            first,
            first + timedelta(days=longest - 1),
            period.timezone,
            period.opening,
            period.building_id,
            period.room_id,
        )
        edges = _edges(session, window, window.start, window.end, created_before=as_of)
        curve = _curve(edges[:, 0], edges[:, 1], window) * _open_minutes_mask(window)
        return curve.reshape(longest, MINUTES_PER_DAY).sum(axis=1)

    ahead = sold_per_day(today, now)
    year_ago = sold_per_day(today - timedelta(days=365), now - timedelta(days=365))
    result = []
    for days in horizons:
        capacity = seats * period.open_hours * 60 * days
        result.append(
            (
                days,
                round(100.0 * float(ahead[:days].sum()) / capacity, 2) if capacity else 0.0,
                round(100.0 * float(year_ago[:days].sum()) / capacity, 2) if capacity else 0.0,
            )
        )
    return result


def places(
    session: Session, building_id: int | None
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Buildings, and the rooms (of one building, if chosen) the filters offer."""
    buildings = [(b.id, b.name) for b in session.scalars(select(Building).order_by(Building.name))]
    rooms_query = select(Room.id, Room.name).order_by(Room.name)
    if building_id is not None:
        rooms_query = rooms_query.where(Room.building_id == building_id)
    return buildings, [(i, name) for i, name in session.execute(rooms_query)]

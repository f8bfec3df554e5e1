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

How it stays fast on a year of 200,000 tickets (profiled on the full-size seed):
nearly all the time went into fetching the tickets — three queries, and a Python
object per value on the way (ORM rows, then text parsed into datetimes). Now the
database returns plain integers (epoch seconds, room id, 0/1 flags) that go from the
DB-API cursor straight into numpy arrays; the period and the two "on the books"
windows share one query whenever they overlap or touch (for a year, one query in
all); each database gets the plan that suits a year (see ``tickets_overlapping``,
``_sold_tickets``, ``order_status``); and the arithmetic is a handful of whole-array
passes at minute resolution — a difference array summed with ``np.bincount`` for the
per-minute curves, and a running count of open minutes that gives any ticket's open
minutes by two look-ups. A year takes about a third of the time it did, and a read
transaction never holds up anyone's writes (WAL on SQLite, MVCC on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import chain
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Select,
    case,
    func,
    literal_column,
    select,
    text,
    true,
    union,
    union_all,
)
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
from models.orders import (
    LONG_TICKET_DAYS,
    SHORT_TICKET_DAYS,
    UNSOLD_STATUSES,
    long_ticket_sql,
    medium_ticket_sql,
    period_end_apart,
    status_literals,
)
from models.statuses import CANCELLED_STATUSES, RoomKind

# The statuses of an order that has not sold its tickets (new, cancelled), as literals:
# what a ticket's ``sold`` says (kept by the database), for a query that asks the order.
SOLD_EXCLUDED = status_literals(UNSOLD_STATUSES)
LIVE_EXCLUDED = [s.value for s in CANCELLED_STATUSES]
MINUTES_PER_DAY = 24 * 60
MILLIS_PER_DAY = 86_400_000
JULIAN_DAY_1970_MILLIS = 210_866_760_000_000  # Julian day 2440587.5: 1970-01-01 00:00 UTC
BOOKS_HORIZONS = (30, 60, 90)


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

    def shifted(self, first: date, days: int) -> Period:
        """The same place and opening hours for ``days`` days from ``first``."""
        return Period(
            first,
            first + timedelta(days=days - 1),
            self.timezone,
            self.opening,
            self.building_id,
            self.room_id,
        )


def _moment(column: ColumnElement, dialect: str) -> ColumnElement[float]:
    """A stored UTC time as the number each database computes fastest; ``_seconds``
    turns a column of them into whole seconds since 1970. SQLite: Julian days (which
    it keeps to the millisecond) — no text formatted and parsed back per row as with
    ``strftime('%s')``, 15% off a year's query. PostgreSQL: ``date_part``, a float,
    not ``EXTRACT``, a numeric: 0.17 s against 0.25 s for a year."""
    if dialect == "sqlite":
        return func.julianday(column)
    return func.date_part(literal_column("'epoch'"), column)


def _seconds(moments: np.ndarray, dialect: str) -> np.ndarray:
    """``_moment`` values → whole seconds since 1970, the fraction of a second dropped
    (as everywhere here: a start then rounds down to its minute, an end up)."""
    if dialect == "sqlite":
        millis = np.rint(moments * MILLIS_PER_DAY).astype(np.int64) - JULIAN_DAY_1970_MILLIS
        return millis // 1000
    return np.floor(moments).astype(np.int64)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 where the condition holds, else 0 (the same integers from both databases)."""
    return case((condition, 1), else_=0)


def order_status(order_id: ColumnElement[int]) -> ScalarSelect[str]:
    """The status of the row's order, looked up by primary key row by row. For the few
    thousand bookings or event tickets of a period this beats a join: PostgreSQL would
    hash-join them with a scan of all the million orders (0.2–0.4 s instead of 0.05 s)."""
    return select(Order.status).where(Order.id == order_id).scalar_subquery()


def _room_filter(period: Period) -> list[ColumnElement[bool]]:
    conditions = []
    if period.building_id is not None:
        conditions.append(Room.building_id == period.building_id)
    if period.room_id is not None:
        conditions.append(Room.id == period.room_id)
    return conditions


def _numbers(session: Session, query: Select, width: int) -> np.ndarray:
    """A query whose columns are all numbers → an (n, width) float64 array (exact for
    the integers here, all far below 2⁵³).

    The rows are read from the DB-API cursor itself: plain tuples, with no ORM or Core
    row object per row (numbers need no result processing), and flattened into numpy
    by ``np.fromiter``."""
    with session.connection().execute(query) as result:
        rows = result.cursor.fetchall()
    return np.fromiter(
        chain.from_iterable(rows), dtype=np.float64, count=len(rows) * width
    ).reshape(-1, width)


# Per-minute arithmetic. A minute index counts local minutes from the period's
# start; an interval [start, end) in epoch seconds covers the minutes from its
# start (rounded down) to its end (rounded up), clipped to the period.


def _minute_index(seconds: np.ndarray, period: Period, round_up: bool = False) -> np.ndarray:
    origin = int(period.start.timestamp()) // 60
    minutes = (seconds + 59) // 60 if round_up else seconds // 60
    return np.clip(minutes - origin, 0, period.days * MINUTES_PER_DAY)


def _open_minutes_mask(period: Period) -> np.ndarray:
    """For every local minute of the period: is the coworking open then? (Read-only:
    the same array for every period of as many days and the same hours.)"""
    return _open_mask(period.days, period.opening)


@lru_cache(maxsize=32)
def _open_mask(days: int, opening: tuple[int, int]) -> np.ndarray:
    of_day = np.arange(days * MINUTES_PER_DAY) % MINUTES_PER_DAY
    mask = (of_day >= opening[0] * 60) & (of_day < opening[1] * 60)
    mask.flags.writeable = False
    return mask


@lru_cache(maxsize=32)
def _open_before_of(days: int, opening: tuple[int, int]) -> np.ndarray:
    before = np.concatenate([[0], np.cumsum(_open_mask(days, opening), dtype=np.int64)])
    before.flags.writeable = False
    return before


def _open_before(period: Period) -> np.ndarray:
    """``[k]`` = open minutes of the period before minute index k (k = 0 … size)."""
    return _open_before_of(period.days, period.opening)


def _coverage(
    starts: np.ndarray, ends: np.ndarray, period: Period, counts: np.ndarray | None = None
) -> np.ndarray:
    """How many of the intervals cover each minute of the period: +1 at every start,
    −1 at every end (``np.bincount``; + and − ``counts`` of each, if given, for
    intervals that many tickets share), then a running sum."""
    size = period.days * MINUTES_PER_DAY
    diff = np.bincount(
        _minute_index(starts, period), weights=counts, minlength=size + 1
    ) - np.bincount(_minute_index(ends, period, round_up=True), weights=counts, minlength=size + 1)
    return np.cumsum(diff[:-1])


def _open_minutes(
    starts: np.ndarray, ends: np.ndarray, period: Period, open_before: np.ndarray
) -> np.ndarray:
    """Each interval's minutes inside the opening hours of the period."""
    return (
        open_before[_minute_index(ends, period, round_up=True)]
        - open_before[_minute_index(starts, period)]
    )


def _per_day(curve: np.ndarray, period: Period, mask: np.ndarray) -> np.ndarray:
    return (curve * mask).reshape(period.days, MINUTES_PER_DAY).sum(axis=1)


@dataclass(frozen=True)
class _Sold:
    """Sold coworking tickets as columns: the period in seconds since 1970, room id,
    validated, and for each "as of" moment asked for: created by then."""

    starts: np.ndarray
    ends: np.ndarray
    rooms: np.ndarray
    validated: np.ndarray
    known: np.ndarray  # (n, moments)

    @classmethod
    def of(cls, table: np.ndarray, moments: int, dialect: str) -> _Sold:
        """From the query's columns: start, end, room, and the flags in one number
        (bit 0 validated, bit i + 1 created by the i-th moment) — a column fewer per
        moment to build and read for each of the year's tickets."""
        flags = table[:, 3].astype(np.int64)
        return cls(
            _seconds(table[:, 0], dialect),
            _seconds(table[:, 1], dialect),
            table[:, 2].astype(np.int64),
            flags & 1 == 1,
            flags[:, np.newaxis] >> np.arange(1, moments + 1) & 1 == 1,
        )

    def where(self, keep: np.ndarray) -> _Sold:
        return _Sold(
            self.starts[keep],
            self.ends[keep],
            self.rooms[keep],
            self.validated[keep],
            self.known[keep],
        )

    def periods(self) -> tuple[np.ndarray, np.ndarray, None]:
        """(starts, ends, counts) as ``_sold_periods`` gives them: one ticket each."""
        return self.starts, self.ends, None

    def overlapping(self, period: Period) -> _Sold:
        return self.where(
            (self.starts < period.end.timestamp()) & (self.ends > period.start.timestamp())
        )


def tickets_overlapping(
    start: datetime, end: datetime, dialect: str
) -> list[list[ColumnElement[bool]]]:
    """Tickets whose period overlaps [start, end), as three sets that together hold each
    such ticket once, each read by its own index alone (each covers every column the
    query reads, so the tickets themselves are not visited):

    - every ticket that starts between two days before the window and its end: a range of
      ``ix_coworking_tickets_periods`` as long as the window and two days (nearly all
      tickets last hours or a day), whatever their length — not every ticket before the
      window's end;
    - those that started earlier and still run: longer than two days, so medium (at most
      ``LONG_TICKET_DAYS``: a month back in their partial index
      ``ix_coworking_tickets_medium``) or long (the few of ``ix_coworking_tickets_long``).

    (Two days, not ``SHORT_TICKET_DAYS``: the length is compared in floating point on
    SQLite, and a ticket of a day and a microsecond must not fall between the sets. Each
    set compares an end no index serves, ``period_end_apart``: the start's range is the
    one to read. PostgreSQL took the end's index for a window ahead — every ticket after
    its start, each visited in the table. The first set compares no length: on SQLite
    that was two ``julianday`` calls for each of "on the books"' 13,500 tickets.)"""
    # As the partial indexes' predicates, word for word (SQLite matches them as written).
    medium_ticket, long_ticket = (
        text(sql(dialect)) for sql in (medium_ticket_sql, long_ticket_sql)
    )
    recent = start - timedelta(days=SHORT_TICKET_DAYS + 1)
    still_running = period_end_apart(dialect) > start
    return [
        [CoworkingTicket.period_start >= recent, CoworkingTicket.period_start < end, still_running],
        [
            medium_ticket,
            CoworkingTicket.period_start >= start - timedelta(days=LONG_TICKET_DAYS + 1),
            CoworkingTicket.period_start < recent,
            still_running,
        ],
        [long_ticket, CoworkingTicket.period_start < recent, still_running],
    ]


def seats_taken(session: Session, now: datetime, active: ColumnElement[bool]) -> int:
    """How many seats have a ticket ``active`` (a condition on the ticket and its order)
    at ``now``: the tickets around ``now`` read as in ``tickets_overlapping`` (two days of
    the period index, the medium and the long ones), not every booking from now on."""
    dialect = session.get_bind().dialect.name
    seats = union(
        *(
            select(CoworkingTicket.seat_id)
            .join(Order, Order.id == CoworkingTicket.order_id)
            .where(active, *part)
            for part in tickets_overlapping(now, now + timedelta(microseconds=1), dialect)
        )
    ).subquery()
    return int(session.scalar(select(func.count()).select_from(seats)) or 0)


def _sold_conditions(
    place: Period, seats: list[int], created_by: datetime | None
) -> list[ColumnElement[bool]]:
    """A ticket is sold (its order is neither new nor cancelled: the ticket's own
    ``sold``, kept by the database, read from the period indexes with the rest), on one
    of the place's ``seats`` when a building or room is chosen, created by
    ``created_by`` if given."""
    conditions: list[ColumnElement[bool]] = [CoworkingTicket.sold == true()]
    if _room_filter(place):
        conditions.append(CoworkingTicket.seat_id.in_(seats))
    if created_by is not None:
        conditions.append(CoworkingTicket.created_at <= created_by)
    return conditions


def _sold_periods(
    session: Session, place: Period, window: Period, created_by: datetime
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The periods of the place's sold tickets overlapping ``window`` and created by
    ``created_by``, each with how many tickets have it: (starts, ends, counts).

    For "on the books", which needs nothing else of a ticket. Tickets share periods (a
    day's opening hours, an hour's slot): the 13,500 tickets of the next 90 days have
    some 1,900 periods on the full seed, so the database counts them rather than sends
    them one by one."""
    dialect = session.get_bind().dialect.name
    seats = session.scalars(
        select(Seat.id).join(Room, Room.id == Seat.room_id).where(*_room_filter(place))
    ).all()
    conditions = _sold_conditions(place, list(seats), created_by)
    # Each part counted apart (a period may come from two parts: its counts add up):
    # the short ones group in their index's order, with no sort of 13,500 rows.
    start, end = CoworkingTicket.period_start, CoworkingTicket.period_end
    counted = union_all(
        *(
            select(start.label("period_start"), end.label("period_end"), func.count().label("n"))
            .where(*conditions, *part)
            .group_by(start, end)
            for part in tickets_overlapping(window.start, window.end, dialect)
        )
    ).subquery()
    table = _numbers(
        session,
        select(
            _moment(counted.c.period_start, dialect),
            _moment(counted.c.period_end, dialect),
            counted.c.n,
        ),
        3,
    )
    return _seconds(table[:, 0], dialect), _seconds(table[:, 1], dialect), table[:, 2]


def _sold_tickets(
    session: Session,
    place: Period,
    start: datetime,
    end: datetime,
    as_of: Sequence[datetime],
    created_by: datetime | None = None,
) -> _Sold:
    """The sold tickets of the place's rooms overlapping [start, end) (only those
    created by ``created_by``, if given), in one query.

    "Sold" as "no unsold order": a look-up of the ticket's order by its key for each
    ticket the period index gives."""
    dialect = session.get_bind().dialect.name
    flags = _flag(CoworkingTicket.validated_at.is_not(None))
    for i, moment in enumerate(as_of):
        flags = flags + _flag(CoworkingTicket.created_at <= moment) * (2 << i)
    seats = session.execute(
        select(Seat.id, Seat.room_id)
        .join(Room, Room.id == Seat.room_id)
        .where(*_room_filter(place))
    ).all()
    conditions = _sold_conditions(place, [seat for seat, _room in seats], created_by)
    # The tickets alone (their seat, not a join to seats and rooms): each part is read
    # from its index; a seat's room is looked up here.
    base = select(
        _moment(CoworkingTicket.period_start, dialect),
        _moment(CoworkingTicket.period_end, dialect),
        CoworkingTicket.seat_id,
        flags,
    ).where(*conditions)
    query = union_all(*(base.where(*part) for part in tickets_overlapping(start, end, dialect)))
    table = _numbers(session, query, 4)
    room_of = np.zeros(max((seat for seat, _room in seats), default=0) + 1, dtype=np.float64)
    for seat, room in seats:
        room_of[seat] = room
    table[:, 2] = room_of[table[:, 2].astype(np.int64)]
    return _Sold.of(table, len(as_of), dialect)


def _sold_in_windows(
    session: Session,
    windows: Sequence[tuple[Period, datetime | None]],
    as_of: Sequence[datetime],
) -> list[_Sold]:
    """The sold tickets overlapping each window (all of the same place), of those
    created by the window's moment if it has one (others may come too: the caller
    keeps the ones it needs). Windows that overlap or touch are fetched together: a
    ticket that crosses from one into the next is read once, and a year with its "on
    the books" windows is one query. A window apart with a moment (a year earlier)
    reads only the tickets created by then: a few hundred of the three months'."""
    spans: list[list] = []
    for start, end, created_by in sorted(
        ((w.start, w.end, by) for w, by in windows), key=lambda span: span[:2]
    ):
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
            previous = spans[-1][2]
            spans[-1][2] = (
                None if previous is None or created_by is None else max(previous, created_by)
            )
        else:
            spans.append([start, end, created_by])
    place = windows[0][0]
    fetched = [
        (start, end, _sold_tickets(session, place, start, end, as_of, created_by))
        for start, end, created_by in spans
    ]

    def covering(window: Period) -> _Sold:
        return next(
            sold for start, end, sold in fetched if start <= window.start <= window.end <= end
        )

    return [covering(window).overlapping(window) for window, _by in windows]


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


def _percent(part: float, whole: float) -> float:
    return round(100.0 * float(part) / float(whole), 2) if whole else 0.0


def _books_windows(place: Period, now: datetime) -> tuple[Period, Period, datetime]:
    """The next 90 days from today, the same days a year earlier, and that moment."""
    today = now.astimezone(place.zone).date()
    ahead = place.shifted(today, max(BOOKS_HORIZONS))
    year_ago = place.shifted(today - timedelta(days=365), max(BOOKS_HORIZONS))
    return ahead, year_ago, now - timedelta(days=365)


def on_the_books(session: Session, place: Period, now: datetime) -> list[tuple[int, float, float]]:
    """ "On the books" alone (the place and opening hours of ``place``; its days do not
    matter): what ``occupancy(...).on_the_books`` holds, for a page that shows it apart
    from the period's figures."""
    seats = sum(count for _name, count in _seats(session, place).values())
    ahead, year_ago, then = _books_windows(place, now)
    return _on_the_books(
        place,
        seats,
        ahead,
        _sold_periods(session, place, ahead, now),
        year_ago,
        _sold_periods(session, place, year_ago, then),
    )


def occupancy(session: Session, period: Period, now: datetime, *, books: bool = True) -> Occupancy:
    """The period's figures, and "on the books" unless ``books`` is false (the page asks
    for it apart: ``on_the_books``)."""
    rooms = _seats(session, period)
    seats = sum(count for _name, count in rooms.values())
    ahead, year_ago, then = _books_windows(period, now)
    windows = [(period, None)] + ([(ahead, None), (year_ago, then)] if books else [])
    sold, *books_sold = _sold_in_windows(session, windows, as_of=[now, then])

    open_mask = _open_minutes_mask(period)
    sold_curve = _coverage(sold.starts, sold.ends, period)
    used = sold.where(sold.validated)
    used_curve = _coverage(used.starts, used.ends, period)
    day_capacity = seats * period.open_hours * 60
    days = [period.first + timedelta(days=i) for i in range(period.days)]

    # Weekday × hour: seat-minutes sold in that hour slot ÷ (seats × 60 × such slots).
    hours = list(range(period.opening[0], period.opening[1]))
    per_hour = sold_curve.reshape(period.days, 24, 60).sum(axis=2)[:, hours]  # [day][hour]
    weekdays = np.array([d.weekday() for d in days])
    slots = np.bincount(weekdays, minlength=7)
    heatmap = [
        [
            _percent(value, seats * 60 * slots[weekday])
            for value in per_hour[weekdays == weekday].sum(axis=0)
        ]
        for weekday in range(7)
    ]

    open_minutes = _open_minutes(sold.starts, sold.ends, period, _open_before(period))
    by_room = [
        (
            name,
            _percent(
                open_minutes[sold.rooms == room_id].sum(),
                count * period.open_hours * 60 * period.days,
            ),
        )
        for room_id, (name, count) in rooms.items()
    ]

    checked_in, event_sold = _events(session, period)
    no_shows, ended = _no_shows(sold, min(now, period.end))
    return Occupancy(
        period=period,
        seats=seats,
        days=days,
        sold_percent=[_percent(v, day_capacity) for v in _per_day(sold_curve, period, open_mask)],
        used_percent=[_percent(v, day_capacity) for v in _per_day(used_curve, period, open_mask)],
        heatmap=heatmap,
        heatmap_hours=hours,
        rooms=by_room,
        meeting_percent=_meeting_rooms(session, period),
        hotel_percent=_hotel(session, period),
        event_checked_in=checked_in,
        event_sold=event_sold,
        no_show_percent=_percent(no_shows, ended),
        no_show_count=no_shows,
        ended_count=ended,
        on_the_books=_on_the_books(
            period,
            seats,
            ahead,
            books_sold[0].where(books_sold[0].known[:, 0]).periods(),
            year_ago,
            books_sold[1].where(books_sold[1].known[:, 1]).periods(),
        )
        if books
        else [],
    )


def _meeting_rooms(session: Session, period: Period) -> float:
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
    spans = _numbers(
        session,
        select(_moment(RoomBooking.starts_at, dialect), _moment(RoomBooking.ends_at, dialect))
        .join(Room, Room.id == RoomBooking.room_id)
        .where(
            RoomBooking.starts_at < period.end,
            RoomBooking.ends_at > period.start,
            order_status(RoomBooking.order_id).not_in(LIVE_EXCLUDED),
            *_room_filter(period),
        ),
        2,
    )
    starts, ends = _seconds(spans[:, 0], dialect), _seconds(spans[:, 1], dialect)
    booked = _open_minutes(starts, ends, period, _open_before(period)).sum()
    return _percent(booked, room_count * period.open_hours * 60 * period.days)


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
        .join(Room, Room.id == HotelBooking.room_id)
        .where(
            HotelBooking.check_in <= period.last,
            HotelBooking.check_out > period.first,
            order_status(HotelBooking.order_id).not_in(LIVE_EXCLUDED),
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
        .join(Room, Room.id == Event.room_id)
        .where(
            Event.starts_at >= period.start,
            Event.starts_at < period.end,
            order_status(EventTicket.order_id).not_in(LIVE_EXCLUDED),
            *_room_filter(period),
        )
    ).one()
    return int(row[0]), int(row[1])


def _no_shows(sold: _Sold, until: datetime) -> tuple[int, int]:
    """(never validated, all) among the sold tickets of the period that ended by
    ``until`` (to the minute, the end rounded up as everywhere here)."""
    ended = (sold.ends + 59) // 60 <= int(until.timestamp()) // 60
    return int((ended & ~sold.validated).sum()), int(ended.sum())


Periods = tuple[np.ndarray, np.ndarray, np.ndarray | None]  # starts, ends, counts


def _on_the_books(
    period: Period,
    seats: int,
    ahead: Period,
    sold_ahead: Periods,
    year_ago: Period,
    sold_year_ago: Periods,
) -> list[tuple[int, float, float]]:
    """% of the next N days' seat-hours sold now, and a year earlier at the same point:
    ``sold_ahead`` are the periods of the tickets sold by now, ``sold_year_ago`` those
    of the tickets sold by the same moment a year earlier."""

    def per_day(window: Period, sold: Periods) -> np.ndarray:
        curve = _coverage(*sold[:2], window, sold[2])
        return _per_day(curve, window, _open_minutes_mask(window))

    now_days, then_days = per_day(ahead, sold_ahead), per_day(year_ago, sold_year_ago)
    result = []
    for days in BOOKS_HORIZONS:
        capacity = seats * period.open_hours * 60 * days
        result.append(
            (
                days,
                _percent(now_days[:days].sum(), capacity),
                _percent(then_days[:days].sum(), capacity),
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

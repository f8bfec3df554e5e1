"""Occupancy reads the tickets overlapping a window in three parts, each through its own
index: tickets of at most a day by their start, those of at most a month (a partial
index), and the long ones (another). Together they are exactly the tickets a plain
overlap condition finds, once each; so are those Today, the floor plan and the free
seats of the new-order form read the same way."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from models import CoworkingTicket, Order
from models.orders import LONG_TICKET_DAYS, SHORT_TICKET_DAYS
from models.statuses import TicketStatus, ticket_status_condition
from services import floor, occupancy, today
from services import tickets as ticket_service
from services.context import Actor
from services.occupancy import Period
from services.overview import overview

WINDOW = Period(date(2026, 3, 2), date(2026, 3, 4), "Europe/Moscow")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
LENGTHS = [
    timedelta(hours=1),
    timedelta(hours=12),
    timedelta(days=SHORT_TICKET_DAYS),
    timedelta(days=SHORT_TICKET_DAYS, seconds=1),
    timedelta(days=SHORT_TICKET_DAYS, microseconds=1),
    timedelta(days=7),
    timedelta(days=30),
    timedelta(days=LONG_TICKET_DAYS),
    timedelta(days=LONG_TICKET_DAYS, seconds=1),
    timedelta(days=LONG_TICKET_DAYS, microseconds=1),
    timedelta(days=45),
    timedelta(days=400),
]
# Ends relative to the window's start and end: just before, at, just after, inside.
EDGES = [timedelta(seconds=-1), timedelta(0), timedelta(seconds=1), timedelta(hours=30)]


@pytest.fixture
def tickets(db, world) -> list[tuple[datetime, datetime, datetime]]:
    """Tickets of every length ending around the window's start and end, or starting
    around them; sold (confirmed) unless every fifth, which is new (not sold)."""
    periods = []
    for length, edge in itertools.product(LENGTHS, EDGES):
        for anchor in (WINDOW.start, WINDOW.end):
            periods += [
                (anchor + edge - length, anchor + edge),
                (anchor + edge, anchor + edge + length),
            ]
    made = []
    with db.write() as session:
        world.session = session
        for i, (start, end) in enumerate(periods):
            created = NOW - timedelta(days=400) + timedelta(days=i % 800)
            order = world.order(
                "coworking", "new" if i % 5 == 0 else "confirmed", created_at=created
            )
            ticket = world.ticket(
                order, start, end, seat=world.seats[i % len(world.seats)], number=900_000 + i
            )
            ticket.created_at = created
            if i % 5:
                made.append((start, end, created))
        session.flush()
    return made


@pytest.mark.parametrize("created_by", [None, NOW - timedelta(days=3)])
def test_the_three_parts_find_every_overlapping_sold_ticket_once(db, tickets, created_by):
    expected = sorted(
        (int(start.timestamp()), int(end.timestamp()))
        for start, end, created in tickets
        if start < WINDOW.end
        and end > WINDOW.start
        and (created_by is None or created <= created_by)
    )
    with db.read() as session:
        sold = occupancy._sold_tickets(session, WINDOW, WINDOW.start, WINDOW.end, [NOW], created_by)
        assert (
            session.scalar(sa.select(sa.func.count()).select_from(CoworkingTicket))
            == len(LENGTHS) * len(EDGES) * 4
        )
    found = sorted(zip(sold.starts.tolist(), sold.ends.tolist(), strict=True))
    # Times come back to the second (SQLite: to the millisecond first, so a start a
    # microsecond before a second may read as that second).
    assert len(found) == len(expected)
    assert all(
        abs(a - b) <= 1 and abs(c - d) <= 1 for (a, c), (b, d) in zip(found, expected, strict=True)
    )
    assert len(expected) > 20


MOMENTS = [
    WINDOW.start,
    WINDOW.start - timedelta(seconds=1),
    WINDOW.start + timedelta(seconds=1),
    WINDOW.end,
    WINDOW.end - timedelta(days=SHORT_TICKET_DAYS + 1),
    WINDOW.end - timedelta(days=LONG_TICKET_DAYS + 1),
    WINDOW.end + timedelta(days=200),
]


def _overlapping(start: datetime, end: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(CoworkingTicket.period_start < end, CoworkingTicket.period_end > start)


@pytest.mark.parametrize("moment", MOMENTS)
def test_today_the_floor_and_free_seats_find_what_a_plain_overlap_finds(db, world, tickets, moment):
    day_end, hour_end = moment + timedelta(days=1), moment + timedelta(hours=1)
    with db.read() as session:
        dialect = session.get_bind().dialect.name
        of_the_day = session.scalars(
            sa.select(CoworkingTicket.id).where(_overlapping(moment, day_end))
        ).all()
        found = [row.id for row in today.day_tickets(session, moment, day_end)]
        assert sorted(found) == sorted(of_the_day)

        covering = sa.and_(
            CoworkingTicket.period_start <= moment, CoworkingTicket.period_end > moment
        )
        held = session.scalars(sa.select(CoworkingTicket.id).where(covering)).all()
        floor_ids = session.scalars(floor._covering(world.room_id, moment, dialect)).all()
        assert sorted(floor_ids) == sorted(held)

        busy = set(
            session.scalars(
                sa.select(CoworkingTicket.seat_id).where(_overlapping(moment, hour_end))
            )
        )
        free = {seat.id for seat in ticket_service.free_seats(session, moment, hour_end)}
    assert free == set(world.seats + world.other_room_seats) - busy


@pytest.mark.parametrize("moment", MOMENTS)
def test_seats_taken_now_are_those_of_the_active_tickets(db, tickets, moment):
    active = ticket_status_condition(
        [TicketStatus.ACTIVE],
        Order.status,
        CoworkingTicket.period_start,
        CoworkingTicket.period_end,
        moment,
    )
    with db.read() as session:
        expected = session.scalar(
            sa.select(sa.func.count(sa.func.distinct(CoworkingTicket.seat_id)))
            .join(Order, Order.id == CoworkingTicket.order_id)
            .where(active)
        )
        assert occupancy.seats_taken(session, moment, active) == expected
        figures = overview(session, Actor(0, "x", "executive"), moment, "Europe/Moscow")
    assert figures.seats_taken_now == expected


@pytest.mark.parametrize("moment", [NOW, WINDOW.start + timedelta(days=10), WINDOW.end])
def test_on_the_books_apart_equals_the_figure_of_the_whole_computation(db, tickets, moment):
    with db.read() as session:
        whole = occupancy.occupancy(session, WINDOW, moment)
        apart = occupancy.on_the_books(session, WINDOW, moment)
        without = occupancy.occupancy(session, WINDOW, moment, books=False)
    assert apart == whole.on_the_books
    assert any(now > 0 for _days, now, _then in apart)
    assert without.on_the_books == []
    assert (without.sold_percent, without.no_show_count) == (
        whole.sold_percent,
        whole.no_show_count,
    )

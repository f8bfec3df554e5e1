"""Today (SPEC §9.3): each section against a hand-built day with a fixed clock, the
no-show rule at its boundary, the limit with its count, and which role sees which
sections."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from plotly.utils import PlotlyJSONEncoder

from models import EventTicket, HotelBooking, Order, Room, RoomBooking
from services import today as t
from services.errors import PermissionDenied
from services.presence import NO_SHOW_AFTER, is_no_show
from tests.factories import NOW

ZONE = "Europe/Moscow"  # NOW is 15:00 there; the local day is [Mar 9 21:00, Mar 10 21:00) UTC
H = timedelta(hours=1)


def _ticket(w, start, hours=8, status="confirmed", seat=None, paid=None):
    total = 150_000
    order = w.order(
        "coworking",
        status,
        total=total,
        paid=total if paid is None and status == "confirmed" else (paid or 0),
    )
    return w.ticket(order, start, start + timedelta(hours=hours), seat)


def _validate(session, ticket, staff_id):
    ticket.validated_at, ticket.validated_by_id = ticket.period_start, staff_id
    session.flush()


@pytest.fixture
def day(db, world, staff_ids):
    """One local day of the desk, ticket numbers by name."""
    staff = next(iter(staff_ids.values()))
    with db.write() as session:
        world.session = session
        w = world
        made = {
            "expected": _ticket(w, NOW + 2 * H, seat=w.seats[0]),
            "late_but_due": _ticket(w, NOW - timedelta(minutes=10), seat=w.seats[1]),
            "last_of_day": _ticket(w, datetime(2026, 3, 10, 20, 30, tzinfo=UTC), seat=w.seats[2]),
            "next_day": _ticket(w, datetime(2026, 3, 10, 21, 30, tzinfo=UTC), seat=w.seats[3]),
            "no_show": _ticket(w, NOW - 2 * H, seat=w.seats[2]),
            "boundary": _ticket(w, NOW - NO_SHOW_AFTER, seat=w.seats[3]),
            "here": _ticket(w, NOW - 3 * H, seat=w.other_room_seats[0]),
            "here_for_a_month": _ticket(
                w, NOW - timedelta(days=40), hours=24 * 60, seat=w.other_room_seats[1]
            ),
            "validated_ahead": _ticket(w, NOW + 4 * H, seat=w.seats[1]),
            "cancelled": _ticket(w, NOW + 1 * H, status="cancelled", seat=w.seats[0]),
            "unpaid_new": _ticket(w, NOW + 3 * H, status="new", seat=w.seats[3]),
            "owing": _ticket(
                w,
                NOW - 1 * H,
                status="confirmed_balance_due",
                paid=50_000,
                seat=w.other_room_seats[0],
            ),
        }
        for name in ("here", "here_for_a_month", "validated_ahead", "owing"):
            _validate(session, made[name], staff)
        return {name: ticket.number for name, ticket in made.items()}


def _today(db, actors, who="admin", now=NOW, limit=t.SECTION_LIMIT):
    with db.read() as session:
        return t.today(session, actors[who], now, ZONE, limit)


def _numbers(section):
    return [row.number for row in section.rows]


def test_arrivals_are_today_s_tickets_not_validated_and_not_yet_no_shows(db, actors, day):
    data = _today(db, actors)
    assert data.day == date(2026, 3, 10)
    assert _numbers(data.arrivals) == [
        day["late_but_due"],
        day["expected"],
        day["unpaid_new"],
        day["last_of_day"],
    ]
    assert data.arrivals.total == 4


def test_in_the_house_are_the_active_validated_tickets(db, actors, day):
    data = _today(db, actors)
    assert sorted(_numbers(data.in_house)) == sorted(
        [day["here"], day["here_for_a_month"], day["owing"]]
    )
    assert all(row.validated_at is not None for row in data.in_house.rows)


def test_a_no_show_started_over_30_minutes_ago_and_nobody_validated_it(db, actors, day):
    data = _today(db, actors)
    assert _numbers(data.no_shows) == [day["no_show"], day["boundary"]]
    # A minute earlier the boundary ticket was still an arrival.
    earlier = _today(db, actors, now=NOW - timedelta(minutes=1))
    assert day["boundary"] in _numbers(earlier.arrivals)
    assert day["boundary"] not in _numbers(earlier.no_shows)


def test_the_no_show_rule_at_its_edges():
    start, end = NOW - NO_SHOW_AFTER, NOW + 8 * H
    assert is_no_show("confirmed", start, end, None, NOW)
    assert is_no_show("new", start, end, None, NOW)  # unpaid, and nobody came either
    assert not is_no_show("confirmed", start + timedelta(seconds=1), end, None, NOW)
    assert not is_no_show("confirmed", start, end, NOW, NOW)
    assert not is_no_show("confirmed", start, NOW, None, NOW)  # over
    assert not is_no_show("cancelled", start, end, None, NOW)
    assert not is_no_show("done", start, end, None, NOW)


MOMENTS = (NOW - 3 * H, NOW - NO_SHOW_AFTER, NOW - timedelta(minutes=29), NOW, NOW + H)


def test_the_rules_in_python_are_the_ones_in_sql(db, world, staff_ids):
    """Every order status × period × validation: the Python rules that sort the day's
    tickets agree with the SQL of ``services.presence`` and the ticket status CASE."""
    from sqlalchemy import select

    from models import CoworkingTicket
    from models.statuses import OrderStatus, ticket_status_expression
    from services import presence

    cases = []
    with db.write() as session:
        world.session = session
        for status in OrderStatus:
            for begins in MOMENTS:
                for validated in (False, True):
                    order = world.order("coworking", status.value)
                    ticket = world.ticket(order, begins, begins + 4 * H)
                    if validated:
                        ticket.validated_at = begins
                        ticket.validated_by_id = next(iter(staff_ids.values()))
                    cases.append(ticket.id)
        session.flush()
        rows = session.execute(
            select(
                CoworkingTicket.id,
                Order.status,
                CoworkingTicket.period_start,
                CoworkingTicket.period_end,
                CoworkingTicket.validated_at,
                presence.no_show(NOW),
                ticket_status_expression(
                    Order.status, CoworkingTicket.period_start, CoworkingTicket.period_end, NOW
                ),
            ).join(Order, Order.id == CoworkingTicket.order_id)
        ).all()
    assert len(rows) == len(cases) == len(OrderStatus) * len(MOMENTS) * 2
    for _id, status, begins, ends, validated_at, sql_no_show, ticket_status in rows:
        assert is_no_show(status, begins, ends, validated_at, NOW) == bool(sql_no_show)
        assert presence.is_in_house(status, begins, ends, validated_at, NOW) == (
            ticket_status == "active" and validated_at is not None
        )


def test_a_section_shows_at_most_the_limit_and_counts_the_rest(db, actors, day):
    data = _today(db, actors, limit=2)
    assert len(data.arrivals.rows) == 2 and data.arrivals.total == 4
    assert data.arrivals.more == 2


def test_balances_due_are_the_owing_orders_booked_today_of_every_kind(db, actors, world, day):
    with db.write() as session:
        world.session = session
        building = session.get(Room, world.room_id).building_id
        meeting = Room(building_id=building, name="Переговорная", kind="meeting_room", capacity=6)
        suite = Room(building_id=building, name="Номер 12", kind="hotel_room", capacity=2)
        session.add_all([meeting, suite])
        session.flush()
        room_today = world.order("booking", "new", total=300_000)
        session.add(
            RoomBooking(
                order_id=room_today.id,
                room_id=meeting.id,
                starts_at=NOW + H,
                ends_at=NOW + 2 * H,
                visitors=[],
            )
        )
        room_tomorrow = world.order("booking", "new", total=300_000)
        session.add(
            RoomBooking(
                order_id=room_tomorrow.id,
                room_id=meeting.id,
                starts_at=NOW + 24 * H,
                ends_at=NOW + 25 * H,
                visitors=[],
            )
        )
        stay = world.order("hotel", "confirmed_balance_due", total=2_000_000, paid=600_000)
        session.add(
            HotelBooking(
                order_id=stay.id,
                room_id=suite.id,
                check_in=date(2026, 3, 8),
                check_out=date(2026, 3, 12),
                nights=4,
                adults=1,
            )
        )
        event = world.event(starts_at=NOW + 3 * H, title="Вечер стартапов")
        guest: EventTicket = world.event_ticket(event, status="new")
        guest_order = guest.order_id
        session.flush()
        expected = {room_today.number, stay.number, session.get(Order, guest_order).number}
    data = _today(db, actors)
    owing = {row.number: row for row in data.unpaid.rows}
    coworking = [row for row in data.unpaid.rows if row.service_type == "coworking"]
    # The coworking orders that owe today: the new one (nothing paid), the one with a balance.
    assert {row.balance_kopecks for row in coworking} == {150_000, 100_000}
    assert expected <= set(owing)
    assert data.unpaid.total == len(expected) + 2
    assert owing[stay.number].balance_kopecks == 1_400_000
    assert owing[stay.number].place == "Номер 12"
    assert room_tomorrow.number not in owing
    starts = [row.starts_at for row in data.unpaid.rows]
    assert starts == sorted(starts)


def test_open_requests_are_by_deadline_the_overdue_first(db, actors, world):
    with db.write() as session:
        world.session = session
        late = world.order("request", "in_progress", deadline=NOW - H)
        soon = world.order("simple", "new", deadline=NOW + 24 * H)
        world.order("request", "done", deadline=NOW - 5 * H)
        world.order("request", "done_awaiting_confirmation", deadline=NOW - 5 * H)
        world.order("request", "cancelled", deadline=NOW - 5 * H)
        world.order("request", "in_progress")  # no deadline
        numbers = late.number, soon.number
    data = _today(db, actors, who="service")
    assert _numbers(data.requests) == list(numbers)
    assert [row.overdue for row in data.requests.rows] == [True, False]
    assert data.requests.rows[0].executor is None


def test_today_s_events_with_checked_in_of_sold(db, actors, world, staff_ids):
    with db.write() as session:
        world.session = session
        tonight = world.event(starts_at=NOW + H, title="Вечер стартапов")
        came = world.event_ticket(tonight)
        came.checked_in_at, came.checked_in_by_id = NOW, next(iter(staff_ids.values()))
        world.event_ticket(tonight)
        world.event_ticket(tonight, status="cancelled")
        world.event(starts_at=NOW + 30 * H, title="Завтра")
    data = _today(db, actors, who="events")
    assert [(e.title, e.checked_in, e.sold) for e in data.events.rows] == [
        ("Вечер стартапов", 1, 2)
    ]


@pytest.mark.parametrize(
    ("who", "parts"),
    [
        ("admin", t.ALL_PARTS),
        ("rental", ("arrivals", "in-house", "no-shows", "unpaid")),
        ("service", ("requests",)),
        ("events", ("events",)),
        ("exec", ("arrivals", "in-house", "no-shows", "unpaid", "requests")),
    ],
)
def test_each_role_sees_the_sections_of_its_work(db, actors, day, who, parts):
    data = _today(db, actors, who=who)
    assert data.parts == parts
    for part, name in zip(
        t.ALL_PARTS,
        ("arrivals", "in_house", "no_shows", "unpaid", "requests", "events"),
        strict=True,
    ):
        assert (getattr(data, name) is not None) == (part in parts), name


def test_the_accountant_has_no_today(db, actors):
    with pytest.raises(PermissionDenied), db.read() as session:
        t.today(session, actors["accounting"], NOW, ZONE)


def test_every_section_renders_with_its_rows_links_and_count(app, db, actors, world, day):
    """The page's rendering of a full day (every kind of row), as the callback returns it."""
    from pages.today import body

    with db.write() as session:
        world.session = session
        world.event_ticket(world.event(starts_at=NOW + H, title="Вечер стартапов"))
        world.order("request", "in_progress", deadline=NOW - H)
    data = _today(db, actors)
    with app.server.test_request_context("/today"):
        text = json.dumps(body(data), cls=PlotlyJSONEncoder)
    for part in t.ALL_PARTS:
        assert f'"id": "today-{part}"' in text
    assert f"/tickets/{day['expected']}" in text and "/events/" in text and "/orders/" in text
    assert '"data-count": "4"' in text  # the arrivals

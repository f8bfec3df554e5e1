"""Booked orders reach their end (issue 16, point 3): the sweep completes the paid ones
whose period is over, the owing ones stay and are counted as overdue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from models import AuditEntry, HotelBooking, Message, Order, RoomBooking
from services import orders, tickets
from services.order_list import OrderFilters, list_orders
from services.overview import overview
from tests.factories import NOW, READER

ZONE = "Europe/Moscow"


def _statuses(db) -> dict[int, str]:
    with db.read() as session:
        return dict(session.execute(select(Order.number, Order.status)).all())


def _sweep(db) -> list[int]:
    with db.write() as session:
        return orders.complete_booked(session, NOW, ZONE)


def _room_booking(world, order: Order, ends_at: datetime) -> Order:
    """``order`` books the hall for the two hours up to ``ends_at``."""
    world.session.add(
        RoomBooking(
            order_id=order.id,
            room_id=world.hall_id,
            starts_at=ends_at - timedelta(hours=2),
            ends_at=ends_at,
            visitors=[],
        )
    )
    return order


def _hotel_stay(world, order: Order, check_out: date) -> Order:
    """``order`` stays two nights, leaving on ``check_out``."""
    world.session.add(
        HotelBooking(
            order_id=order.id,
            room_id=world.hall_id,
            check_in=check_out - timedelta(days=2),
            check_out=check_out,
            nights=2,
            adults=1,
        )
    )
    return order


def test_a_paid_coworking_order_whose_period_ended_becomes_done_and_its_ticket_reads_done(
    db, world
):
    with db.write() as session:
        world.session = session
        past = world.coworking("confirmed", start=NOW - timedelta(days=2))
        running = world.coworking("confirmed", start=NOW - timedelta(hours=2))
    with db.read() as session:  # over, but the order is not done yet (seed 004)
        assert tickets.get_ticket(session, past, NOW).status == "confirmed"
    completed = _sweep(db)
    with db.read() as session:
        ticket = tickets.get_ticket(session, past, NOW)
        other = tickets.get_ticket(session, running, NOW)
        entry = session.execute(
            select(AuditEntry.entity_id, AuditEntry.before, AuditEntry.after).where(
                AuditEntry.action == "order.period_complete"
            )
        ).one()
        messages = session.scalar(select(func.count()).select_from(Message))
    assert completed == [ticket.order_number]
    assert (ticket.status, ticket.order_status) == ("done", "done")
    assert (other.status, other.order_status) == ("active", "confirmed")
    assert entry.entity_id == str(ticket.order_number)
    assert (entry.before["status"], entry.after["status"]) == ("confirmed", "done")
    assert messages == 1  # "Status changed to Done" in the order's chat


def test_an_owing_booked_order_stays_and_is_counted_overdue(db, world):
    with db.write() as session:
        world.session = session
        owing = world.coworking("confirmed_balance_due", start=NOW - timedelta(days=2), paid=50_000)
        world.coworking("confirmed_balance_due", start=NOW + timedelta(days=2), paid=50_000)
    assert _sweep(db) == []
    with db.read() as session:
        ticket = tickets.get_ticket(session, owing, NOW)
        figures = overview(session, READER, NOW, ZONE)
        rows, count, _ = list_orders(
            session, READER, OrderFilters.parse({"overdue": "1"}), {}, ZONE, now=NOW
        )
    assert ticket.order_status == "confirmed_balance_due"
    assert ticket.status == "confirmed"
    assert figures.overdue == 1
    assert count == 1 and [r.number for r in rows] == [ticket.order_number]


def test_owing_room_hotel_and_event_orders_are_overdue_once_their_period_is_over(db, world):
    """Each kind's end, for the overview's figure and the register's filter alike: the
    room booking's end, the hotel's check-out day (local), the event's end."""
    with db.write() as session:
        world.session = session

        def room(ends_in: timedelta, paid: int = 0) -> Order:
            order = world.order("booking", "confirmed_balance_due", paid=paid)
            return _room_booking(world, order, NOW + ends_in)

        def hotel(check_out: date) -> Order:
            order = world.order("hotel", "confirmed_balance_due", paid=50_000)
            return _hotel_stay(world, order, check_out)

        def event(starts_in: timedelta) -> Order:
            ticket = world.event_ticket(world.event(NOW + starts_in), status="new")
            return session.get(Order, ticket.order_id)

        late = [
            room(-timedelta(hours=1)),
            hotel(date(2026, 3, 9)),  # checked out yesterday
            event(-timedelta(days=1)),
        ]
        room(timedelta(hours=1))  # still in the room
        room(-timedelta(hours=1), paid=200_000)  # over and paid: the sweep's, not late
        hotel(date(2026, 3, 10))  # checks out today
        event(-timedelta(hours=1))  # on now (three hours long)
        event(timedelta(days=1))
        expected = sorted(order.number for order in late)
    with db.read() as session:
        figures = overview(session, READER, NOW, ZONE)
        rows, count, _ = list_orders(
            session, READER, OrderFilters.parse({"overdue": "1"}), {}, ZONE, now=NOW
        )
    assert figures.overdue == 3
    assert count == 3 and sorted(r.number for r in rows) == expected


def test_running_the_sweep_twice_changes_nothing_the_second_time(db, world):
    with db.write() as session:
        world.session = session
        world.coworking("confirmed", start=NOW - timedelta(days=3))
        world.coworking("confirmed", start=NOW - timedelta(days=2))
    assert len(_sweep(db)) == 2
    with db.read() as session:
        entries = session.scalar(select(func.count()).select_from(AuditEntry))
    assert _sweep(db) == []
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_event_orders_become_done_after_the_event_only(db, world):
    with db.write() as session:
        world.session = session
        over = world.event_ticket(world.event(NOW - timedelta(days=1))).order_id
        today = world.event_ticket(world.event(NOW - timedelta(hours=1))).order_id
        numbers = {
            session.get(Order, over).number: "done",
            session.get(Order, today).number: "confirmed",
        }
    _sweep(db)
    statuses = _statuses(db)
    assert {n: statuses[n] for n in numbers} == numbers


def test_room_and_hotel_bookings_end_with_their_period(db, world):
    with db.write() as session:
        world.session = session

        def booked(kind: str, status: str = "confirmed", paid: int = 200_000) -> Order:
            return world.order(kind, status, paid=paid)

        room = _room_booking(world, booked("booking"), NOW - timedelta(hours=1))
        stay = _hotel_stay(world, booked("hotel"), date(2026, 3, 9))
        leaving_today = _hotel_stay(world, booked("hotel"), date(2026, 3, 10))
        unpaid = booked("simple")  # a service order has no period: never swept
        expected = {
            room.number: "done",
            stay.number: "done",
            leaving_today.number: "confirmed",
            unpaid.number: "confirmed",
        }
    _sweep(db)
    statuses = _statuses(db)
    assert {n: statuses[n] for n in expected} == expected

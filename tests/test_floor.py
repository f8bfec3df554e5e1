"""The floor plan's rule (SPEC §9.3, ``services.floor``): the state of each seat of a
small room at several moments, against a table computed by hand; who may read it; the
moment as the page sends it. On SQLite, and on PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import Seat
from services import floor
from services.errors import DomainError, PermissionDenied
from services.floor import SeatState
from tests.factories import World

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # the day's tickets run 09:00–18:00 UTC


def at(hhmm: str, day: datetime = DAY) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return day.replace(hour=hours, minute=minutes)


FREE, BOOKED, OCCUPIED, NO_SHOW, UNPAID = (
    SeatState.FREE,
    SeatState.BOOKED,
    SeatState.OCCUPIED,
    SeatState.NO_SHOW,
    SeatState.UNPAID,
)

# Seats 1–6 of the room (now is 12:00):
# 1: confirmed and paid, 09:00–18:00, identity checked at 09:10
# 2: confirmed and paid, 09:00–18:00, never checked
# 3: confirmed with a balance due (450 of 1,500 ₽ paid), 10:00–18:00, never checked
# 4: a cancelled ticket 09:00–18:00 (holds nothing); yesterday a done ticket, checked 09:02
# 5: a new order not paid yet, 13:00–15:00
# 6: a two-month ticket (a long one) since 1 February, checked on its first morning
HAND_TABLE = {
    "09:05": (BOOKED, BOOKED, FREE, FREE, FREE, OCCUPIED),  # seat 1 checked in at 09:10 only
    "09:30": (OCCUPIED, BOOKED, FREE, FREE, FREE, OCCUPIED),  # 30 minutes: not over 30
    "09:45": (OCCUPIED, NO_SHOW, FREE, FREE, FREE, OCCUPIED),
    "10:15": (OCCUPIED, NO_SHOW, UNPAID, FREE, FREE, OCCUPIED),  # seat 3: 15 minutes in
    # A moment to come: seat 3 is a no-show already now (started 10:00, now 12:00), seat 5
    # has not started by now, so it is not one yet.
    "13:45": (OCCUPIED, NO_SHOW, NO_SHOW, FREE, UNPAID, OCCUPIED),
    "18:00": (FREE, FREE, FREE, FREE, FREE, OCCUPIED),  # the period ends at 18:00
}


@pytest.fixture
def room(db, world, staff_ids):
    """The hand-made room: world's Open Space with six seats, seat 6 placed by hand, a
    retired seat 7 that nothing holds; the tickets of the table's comment."""
    staff = next(iter(staff_ids.values()))
    with db.write() as session:
        world.session = session
        for number in (5, 6, 7):
            seat = Seat(room_id=world.room_id, number=number, is_active=number != 7)
            session.add(seat)
            session.flush()
            world.seats.append(seat.id)
        seats = world.seats
        session.get(Seat, seats[5]).x, session.get(Seat, seats[5]).y = 3, 2

        def ticket(seat, status, start, end, total=150_000, paid=150_000, validated=None):
            order = world.order("coworking", status, total=total, paid=paid)
            made = world.ticket(order, start, end, seats[seat - 1])
            if validated is not None:
                made.validated_at, made.validated_by_id = validated, staff
            return made.number

        numbers = {
            1: ticket(1, "confirmed", at("09:00"), at("18:00"), validated=at("09:10")),
            2: ticket(2, "confirmed", at("09:00"), at("18:00")),
            3: ticket(3, "confirmed_balance_due", at("10:00"), at("18:00"), paid=45_000),
            5: ticket(5, "new_payment_pending", at("13:00"), at("15:00"), paid=0),
            6: ticket(
                6,
                "confirmed",
                datetime(2026, 2, 1, 9, tzinfo=UTC),
                datetime(2026, 4, 2, 9, tzinfo=UTC),
                validated=datetime(2026, 2, 1, 9, 5, tzinfo=UTC),
            ),
        }
        ticket(4, "cancelled", at("09:00"), at("18:00"), paid=0)
        yesterday = DAY - timedelta(days=1)
        numbers[4] = ticket(
            4,
            "done",
            at("09:00", yesterday),
            at("18:00", yesterday),
            validated=at("09:02", yesterday),
        )
        # The other room's seat is busy all day: nothing of it shows here.
        other = world.order("coworking", "confirmed", total=150_000, paid=150_000)
        world.ticket(other, at("09:00"), at("18:00"), world.other_room_seats[0])
    world.session = None
    return world, numbers


def _plan(db, actor, world: World, moment: datetime) -> floor.FloorPlan:
    with db.read() as session:
        plan = floor.floor(session, actor, world.room_id, moment, NOW)
    assert plan is not None
    return plan


@pytest.mark.parametrize("moment", sorted(HAND_TABLE))
def test_each_seat_is_in_the_state_computed_by_hand(db, room, actors, moment):
    world, _numbers = room
    plan = _plan(db, actors["rental"], world, at(moment))
    assert [s.number for s in plan.seats] == [1, 2, 3, 4, 5, 6]  # the retired 7 is not drawn
    assert tuple(s.state for s in plan.seats) == HAND_TABLE[moment]
    for seat in plan.seats:
        assert (seat.ticket is None) == (seat.state is FREE)
    assert sum(plan.counts.values()) == 6
    assert plan.counts[FREE] == HAND_TABLE[moment].count(FREE)


def test_yesterday_shows_the_done_ticket_that_held_seat_4_and_who_sat_there(db, room, actors):
    world, numbers = room
    plan = _plan(db, actors["rental"], world, at("10:00", DAY - timedelta(days=1)))
    states = {s.number: s.state for s in plan.seats}
    assert states == {1: FREE, 2: FREE, 3: FREE, 4: OCCUPIED, 5: FREE, 6: OCCUPIED}
    seat4 = next(s for s in plan.seats if s.number == 4)
    assert seat4.ticket.number == numbers[4]
    assert seat4.ticket.visitor == "Иванов Пётр"


def test_a_seat_shows_its_ticket_with_the_visitor_the_period_and_the_balance(db, room, actors):
    world, numbers = room
    seat3 = next(s for s in _plan(db, actors["admin"], world, at("10:15")).seats if s.number == 3)
    assert seat3.ticket.number == numbers[3]
    assert (seat3.ticket.period_start, seat3.ticket.period_end) == (at("10:00"), at("18:00"))
    assert seat3.ticket.balance_kopecks == 105_000


def test_seats_stand_where_the_catalog_placed_them_else_in_its_grid(db, room, actors):
    world, _numbers = room
    cells = [(s.x, s.y) for s in _plan(db, actors["exec"], world, NOW).seats]
    assert cells == [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (3, 2)]


def test_the_precedence_occupied_then_no_show_then_unpaid_then_booked():
    start = at("09:00")
    ticket = floor.FloorTicket(1, "V", start, at("18:00"), None, 100)
    assert floor.seat_state(None, at("10:00"), NOW) is FREE
    assert floor.seat_state(ticket, at("09:20"), NOW) is UNPAID
    assert floor.seat_state(ticket, at("09:31"), NOW) is NO_SHOW
    paid = floor.FloorTicket(1, "V", start, at("18:00"), None, 0)
    assert floor.seat_state(paid, at("09:20"), NOW) is BOOKED
    checked = floor.FloorTicket(1, "V", start, at("18:00"), at("11:00"), 100)
    assert floor.seat_state(checked, at("11:00"), NOW) is OCCUPIED
    assert floor.seat_state(checked, at("10:59"), NOW) is NO_SHOW


@pytest.mark.parametrize("role", ["rental", "admin", "exec"])
def test_rental_managers_administrators_and_executives_see_the_plan(db, room, actors, role):
    world, _numbers = room
    with db.read() as session:
        assert [r.name for r in floor.rooms(session, actors[role])] == ["Open Space", "Тихая зона"]
    assert len(_plan(db, actors[role], world, NOW).seats) == 6


@pytest.mark.parametrize("role", ["service", "events", "accounting"])
def test_the_other_roles_are_refused(db, room, actors, role):
    world, _numbers = room
    with db.read() as session, pytest.raises(PermissionDenied):
        floor.rooms(session, actors[role])
    with db.read() as session, pytest.raises(PermissionDenied):
        floor.floor(session, actors[role], world.room_id, NOW, NOW)


def test_a_room_that_is_no_coworking_room_has_no_plan(db, world, actors):
    with db.read() as session:
        assert floor.floor(session, actors["rental"], world.hall_id, NOW, NOW) is None
        assert floor.floor(session, actors["rental"], 999_999, NOW, NOW) is None
        assert floor.floor(session, actors["rental"], "1; DROP", NOW, NOW) is None


def test_the_moment_is_read_in_the_operators_time_zone():
    assert floor.parse_moment("2026-03-10T15:00", "Europe/Moscow", NOW) == NOW
    assert floor.parse_moment("", "Europe/Moscow", NOW) == NOW
    assert floor.parse_moment(None, "Europe/Moscow", NOW) == NOW
    for junk in ("tomorrow", "9999-01-01T00:00", 42, ["2026-03-10T15:00"], "1" * 100):
        with pytest.raises(DomainError):
            floor.parse_moment(junk, "Europe/Moscow", NOW)


def test_the_seats_to_pick_for_a_ticket_are_those_free_for_its_whole_period(db, room, actors):
    _world, numbers = room
    # Seat 3's ticket (10:00–18:00): 1 and 2 are taken all day, 4 only yesterday (and a
    # cancelled ticket, which holds nothing), 5 from 13:00 to 15:00, 6 by the long ticket.
    with db.read() as session:
        seats = floor.seats_to_pick(session, actors["rental"], numbers[3], NOW)
    assert [(s.number, s.free, s.current) for s in seats] == [
        (1, False, False),
        (2, False, False),
        (3, False, True),
        (4, True, False),
        (5, False, False),
        (6, False, False),
    ]
    assert (seats[5].x, seats[5].y) == (3, 2)


@pytest.mark.parametrize("role", ["exec", "service", "accounting"])
def test_only_the_roles_that_change_seats_get_the_seats_to_pick(db, room, actors, role):
    _world, numbers = room
    with db.read() as session, pytest.raises(PermissionDenied):
        floor.seats_to_pick(session, actors[role], numbers[3], NOW)

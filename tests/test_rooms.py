"""The meeting rooms' day (SPEC §9.3): bookings room by room, the free slots between
them inside each room's opening hours, the axis, and who may read it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from models import Room, RoomBooking
from services import rooms
from services.errors import PermissionDenied
from services.rooms import Slot, free_slots

ZONE = "Europe/Moscow"
DAY = date(2026, 3, 10)


def msk(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    """A Moscow wall-clock time (UTC+3) as the UTC moment it is stored as."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=3)


@pytest.fixture
def house(db, world):
    with db.write() as session:
        world.session = session
        building = session.get(Room, world.room_id).building_id
        alpha = Room(building_id=building, name="Альфа", kind="meeting_room", capacity=6)
        beta = Room(
            building_id=building,
            name="Бета",
            kind="meeting_room",
            capacity=4,
            opens_at=time(10),
            closes_at=time(18),
        )
        retired = Room(
            building_id=building, name="Старая", kind="meeting_room", capacity=4, is_active=False
        )
        session.add_all([alpha, beta, retired])
        session.flush()

        def book(room, start, end, status="confirmed", paid=True):
            order = world.order("booking", status, total=300_000, paid=300_000 if paid else 0)
            session.add(
                RoomBooking(
                    order_id=order.id,
                    room_id=room.id,
                    starts_at=start,
                    ends_at=end,
                    visitors=["Гость"],
                )
            )
            return order.number

        numbers = {
            "alpha_morning": book(alpha, msk(10), msk(11, 30)),
            "alpha_owing": book(alpha, msk(14), msk(15), status="new", paid=False),
            "alpha_cancelled": book(alpha, msk(16), msk(17), status="cancelled", paid=False),
            "alpha_tomorrow": book(
                alpha, msk(10, day=DAY + timedelta(days=1)), msk(11, day=DAY + timedelta(days=1))
            ),
            "beta_early": book(beta, msk(8), msk(10, 30)),
        }
        return numbers, alpha.id, beta.id


def _day(db, actors, who="rental", day=DAY):
    with db.read() as session:
        return rooms.day_timeline(session, actors[who], day, ZONE, (9, 21))


def test_the_day_shows_each_room_s_live_bookings_of_that_day(db, actors, house):
    numbers, alpha, beta = house
    data = _day(db, actors)
    assert [room.name for room in data.rooms] == ["Альфа", "Бета"]  # the retired one: none
    by_room = {room.id: room for room in data.rooms}
    assert [b.number for b in by_room[alpha].bookings] == [
        numbers["alpha_morning"],
        numbers["alpha_owing"],
    ]
    assert [b.owes for b in by_room[alpha].bookings] == [False, True]
    assert [b.number for b in by_room[beta].bookings] == [numbers["beta_early"]]


def test_free_slots_are_the_gaps_of_the_room_s_opening_hours(db, actors, house):
    _numbers, alpha, beta = house
    by_room = {room.id: room for room in _day(db, actors).rooms}
    # Alpha keeps the house's hours (9–21); the cancelled booking leaves its hour free.
    assert by_room[alpha].free == (
        Slot(msk(9), msk(10)),
        Slot(msk(11, 30), msk(14)),
        Slot(msk(15), msk(21)),
    )
    # Beta opens 10–18: the early booking runs into its hours.
    assert by_room[beta].free == (Slot(msk(10, 30), msk(18)),)


def test_the_axis_is_the_house_s_hours_widened_to_every_booking(db, actors, house):
    data = _day(db, actors)
    assert (data.starts_at, data.ends_at) == (msk(8), msk(21))
    assert data.percent(msk(8)) == 0 and data.percent(msk(21)) == 100
    assert data.percent(msk(14, 30)) == pytest.approx(100 * 6.5 / 13, abs=0.01)
    assert len(data.hours) == 14


def test_a_day_without_bookings_is_all_free_on_the_house_s_hours(db, actors, house):
    data = _day(db, actors, day=DAY + timedelta(days=5))
    assert (data.starts_at, data.ends_at) == (
        msk(9, day=DAY + timedelta(days=5)),
        msk(21, day=DAY + timedelta(days=5)),
    )
    assert all(not room.bookings and len(room.free) == 1 for room in data.rooms)


def test_free_slots_of_overlapping_and_overhanging_bookings():
    def booking(start, end):
        return rooms.Booking(0, 0, 0, "", start, end, "", "confirmed", 0, False)

    opens, closes = msk(9), msk(21)
    assert free_slots(
        opens,
        closes,
        [booking(msk(8), msk(10)), booking(msk(9, 30), msk(12)), booking(msk(20), msk(23))],
    ) == (Slot(msk(12), msk(20)),)
    assert free_slots(opens, closes, []) == (Slot(opens, closes),)


@pytest.mark.parametrize("who", ["service", "events", "accounting"])
def test_only_the_rental_desk_admins_and_executives_read_the_rooms(db, actors, who):
    with pytest.raises(PermissionDenied), db.read() as session:
        rooms.day_timeline(session, actors[who], DAY, ZONE)

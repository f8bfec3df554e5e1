"""Occupancy figures on a data set small enough to compute by hand:
2 seats × 10 opening hours (09–19) × 3 days (Mon 2 – Wed 4 March 2026, Moscow)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from models import (
    Building,
    CoworkingTicket,
    Event,
    EventTicket,
    HotelBooking,
    Order,
    Person,
    Room,
    RoomBooking,
    Seat,
    Service,
    Tariff,
    person_search_text,
)
from services.occupancy import Period, occupancy

MSK = ZoneInfo("Europe/Moscow")
PERIOD = Period(date(2026, 3, 2), date(2026, 3, 4), "Europe/Moscow", opening=(9, 19))
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=MSK)


@pytest.fixture
def house(db, staff_ids):
    with db.write() as session:
        building = Building(name="Корпус Б")
        cowork = Room(building=building, name="Open Space", kind="coworking", capacity=2)
        meeting = Room(building=building, name="Переговорная", kind="meeting_room", capacity=8)
        hotel = [
            Room(building=building, name=f"Номер {n}", kind="hotel_room", capacity=2)
            for n in (1, 2)
        ]
        hall = Room(building=building, name="Зал", kind="event_hall", capacity=100)
        seats = [Seat(room=cowork, number=n) for n in (1, 2)]
        service = Service(name="Коворкинг", type="coworking")
        tariff = Tariff(service=service, name="День", unit="day", price_kopecks=100_000)
        person = Person(
            last_name="Тестов", first_name="Тест", search_text=person_search_text("Тестов", "Тест")
        )
        session.add_all([meeting, hall, *hotel, *seats, tariff, person])
        session.flush()
        numbers = iter(range(1, 100))
        validator = staff_ids["rental@parkdesk.local"]

        def order(status: str) -> Order:
            made = Order(
                number=next(numbers),
                service_id=service.id,
                customer_id=person.id,
                status=status,
                total_kopecks=100_000,
                paid_kopecks=100_000 if status in ("confirmed", "done") else 0,
                created_at=at(1, 9),
            )
            session.add(made)
            session.flush()
            return made

        def ticket(
            seat: Seat, status: str, start: datetime, end: datetime, validated: bool = False
        ) -> None:
            session.add(
                CoworkingTicket(
                    number=next(numbers) + 1000,
                    order_id=order(status).id,
                    visitor_id=person.id,
                    seat_id=seat.id,
                    tariff_id=tariff.id,
                    period_start=start,
                    period_end=end,
                    modifiers=[],
                    created_at=at(1, 9),
                    validated_at=start if validated else None,
                    validated_by_id=validator if validated else None,
                )
            )

        ticket(seats[0], "confirmed", at(2, 9), at(2, 19), validated=True)  # A: Mon 10 h
        ticket(seats[1], "confirmed", at(2, 13), at(2, 15))  # B: Mon 2 h, never validated
        ticket(seats[0], "done", at(3, 8), at(3, 12), validated=True)  # C: Tue 3 h open
        ticket(seats[1], "cancelled", at(3, 9), at(3, 19))  # D: cancelled: not sold
        ticket(seats[1], "new", at(4, 9), at(4, 19))  # E: unpaid: not sold
        ticket(seats[0], "confirmed_balance_due", at(4, 18), at(5, 10))  # F: Wed 1 h in period
        session.add(
            RoomBooking(
                order_id=order("confirmed").id,
                room_id=meeting.id,
                starts_at=at(2, 10),
                ends_at=at(2, 12),
                visitors=[],
            )
        )
        session.add(
            RoomBooking(
                order_id=order("cancelled").id,
                room_id=meeting.id,
                starts_at=at(3, 10),
                ends_at=at(3, 18),
                visitors=[],
            )
        )
        session.add(
            HotelBooking(
                order_id=order("confirmed").id,
                room_id=hotel[0].id,
                check_in=date(2026, 3, 2),
                check_out=date(2026, 3, 4),
                nights=2,
                adults=1,
            )
        )
        event = Event(
            title="Митап",
            service_id=service.id,
            room_id=hall.id,
            starts_at=at(3, 18),
            ends_at=at(3, 21),
            capacity=100,
        )
        session.add(event)
        session.flush()
        for n, (status, checked) in enumerate(
            [("confirmed", True), ("confirmed", True), ("confirmed", False), ("cancelled", False)]
        ):
            session.add(
                EventTicket(
                    number=5000 + n,
                    order_id=order(status).id,
                    event_id=event.id,
                    attendee_id=person.id,
                    qr_token=f"token-{n}",
                    checked_in_at=at(3, 18) if checked else None,
                    checked_in_by_id=validator if checked else None,
                )
            )
    return True


def test_seat_hours_sold_and_used_per_day(db, house):
    with db.read() as session:
        data = occupancy(session, PERIOD, NOW)
    assert data.seats == 2
    assert data.days == [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
    # capacity 2 seats × 10 h = 20 seat-hours a day
    assert data.sold_percent == [60.0, 15.0, 5.0]  # 12 h, 3 h, 1 h
    assert data.used_percent == [50.0, 15.0, 0.0]  # A 10 h; C 3 h; none


def test_weekday_by_hour(db, house):
    with db.read() as session:
        data = occupancy(session, PERIOD, NOW)
    assert data.heatmap_hours == list(range(9, 19))
    monday, tuesday, wednesday = data.heatmap[0], data.heatmap[1], data.heatmap[2]
    assert monday == [50.0, 50.0, 50.0, 50.0, 100.0, 100.0, 50.0, 50.0, 50.0, 50.0]
    assert tuesday == [50.0, 50.0, 50.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert wednesday == [0.0] * 9 + [50.0]
    assert data.heatmap[3:] == [[0.0] * 10] * 4


def test_rooms_hotel_events_and_no_shows(db, house):
    with db.read() as session:
        data = occupancy(session, PERIOD, NOW)
    assert data.rooms == [("Open Space", round(100 * 16 / 60, 2))]  # 16 of 60 seat-hours
    assert data.meeting_percent == round(100 * 2 / 30, 2)  # 2 booked h of 1 × 10 h × 3 days
    assert data.hotel_percent == round(100 * 2 / 6, 2)  # 2 room-nights of 2 rooms × 3 nights
    assert (data.event_checked_in, data.event_sold) == (2, 3)
    assert (data.no_show_count, data.ended_count) == (1, 3)  # B of A, B, C
    assert data.no_show_percent == round(100 / 3, 2)


def test_a_room_filter_keeps_only_that_room(db, house):
    with db.read() as session:
        other = occupancy(
            session,
            Period(PERIOD.first, PERIOD.last, PERIOD.timezone, PERIOD.opening, room_id=999_999),
            NOW,
        )
    assert other.seats == 0
    assert other.sold_percent == [0.0, 0.0, 0.0]


def test_on_the_books_compares_with_the_same_point_a_year_earlier(db, house):
    now = at(1, 12)  # Sunday before the week: A, B, C, E(new), F are all ahead
    with db.read() as session:
        data = occupancy(session, PERIOD, now.astimezone(UTC))
    days, sold_now, a_year_ago = data.on_the_books[0]
    # sold ahead in the next 30 days: A 10 + B 2 + C 3 + F (Wed 18–19 and Thu 9–10) 2 = 17 h
    assert (days, sold_now, a_year_ago) == (30, round(100 * 17 / (2 * 10 * 30), 2), 0.0)


def test_the_page_shows_exactly_these_numbers(db, house, config):
    """The occupancy callback, replayed as an executive, over the same data."""
    from dashboard import create_app
    from tests.conftest import login
    from tests.dash_http import find_callback, post_callback

    config.opening_hours = (9, 19)
    client = create_app(config).server.test_client()
    login(client, "exec@parkdesk.local")
    client.get("/occupancy")
    dep = find_callback(client, "occupancy-preset", "value")
    response = post_callback(
        client,
        dep,
        {
            "occupancy-preset.value": "custom",
            "occupancy-from.value": "2026-03-02",
            "occupancy-to.value": "2026-03-04",
            "occupancy-building.value": "all",
            "occupancy-room.value": "all",
        },
    )
    answer = response.get_json()["response"]
    daily = answer["occupancy-daily"]["figure"]["data"]
    assert [trace["y"] for trace in daily] == [[60.0, 15.0, 5.0], [50.0, 15.0, 0.0]]
    by_room = answer["occupancy-by-room"]["figure"]["data"][0]
    assert by_room["x"] == [round(100 * 16 / 60, 2)]
    text = str(answer["occupancy-figures"]["children"])
    assert "6.7%" in text and "33.3%" in text and "2 / 3" in text

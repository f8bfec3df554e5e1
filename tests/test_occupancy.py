"""Occupancy figures on a data set small enough to compute by hand:
2 seats × 10 opening hours (09–19) × 3 days (Mon 2 – Wed 4 March 2026, Moscow)."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from dashboard.db import Database
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


def at(day: int, hour: int, *rest: int) -> datetime:
    return datetime(2026, 3, day, hour, *rest, tzinfo=MSK)


def msk(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=MSK)


@dataclass
class House:
    """The ids a test needs to add tickets of its own to the hand-computed house."""

    db: Database
    seats: list[int]
    service_id: int
    tariff_id: int
    person_id: int
    validator_id: int
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def order(self, session, status: str, created: datetime) -> Order:
        made = Order(
            number=next(self.numbers),
            service_id=self.service_id,
            customer_id=self.person_id,
            status=status,
            total_kopecks=100_000,
            paid_kopecks=100_000 if status in ("confirmed", "done") else 0,
            created_at=created,
        )
        session.add(made)
        session.flush()
        return made

    def ticket(
        self,
        seat: int,
        status: str,
        start: datetime,
        end: datetime,
        validated: bool = False,
        created: datetime | None = None,
    ) -> None:
        created = created or at(1, 9)
        with self.db.write() as session:
            session.add(
                CoworkingTicket(
                    number=next(self.numbers) + 1000,
                    order_id=self.order(session, status, created).id,
                    visitor_id=self.person_id,
                    seat_id=self.seats[seat],
                    tariff_id=self.tariff_id,
                    period_start=start,
                    period_end=end,
                    modifiers=[],
                    created_at=created,
                    validated_at=start if validated else None,
                    validated_by_id=self.validator_id if validated else None,
                )
            )


@pytest.fixture
def house(db, staff_ids) -> House:
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
        made = House(
            db,
            [seat.id for seat in seats],
            service.id,
            tariff.id,
            person.id,
            staff_ids["rental@parkdesk.local"],
        )

        def order(status: str) -> Order:
            return made.order(session, status, at(1, 9))

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
                    checked_in_by_id=made.validator_id if checked else None,
                )
            )
    made.ticket(0, "confirmed", at(2, 9), at(2, 19), validated=True)  # A: Mon 10 h
    made.ticket(1, "confirmed", at(2, 13), at(2, 15))  # B: Mon 2 h, never validated
    made.ticket(0, "done", at(3, 8), at(3, 12), validated=True)  # C: Tue 3 h open
    made.ticket(1, "cancelled", at(3, 9), at(3, 19))  # D: cancelled: not sold
    made.ticket(1, "new", at(4, 9), at(4, 19))  # E: unpaid: not sold
    made.ticket(0, "confirmed_balance_due", at(4, 18), at(5, 10))  # F: Wed 1 h in period
    return made


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


def test_a_ticket_from_the_day_before_counts_from_the_first_opening_hour(db, house):
    house.ticket(1, "confirmed", at(1, 18), at(2, 11))  # Sun 18:00 – Mon 11:00: Mon 9–11
    with db.read() as session:
        data = occupancy(session, PERIOD, NOW)
    assert data.sold_percent == [70.0, 15.0, 5.0]  # Monday 12 + 2 of 20 seat-hours
    assert data.heatmap[0][:3] == [100.0, 100.0, 50.0]
    assert data.rooms == [("Open Space", round(100 * 18 / 60, 2))]
    assert (data.no_show_count, data.ended_count) == (2, 4)  # B and this one


def test_a_start_counts_from_its_minute_and_an_end_to_the_next_one(db, house):
    """Wed 09:00:59.6 – 09:01:20.25 covers the minutes 09:00 and 09:01: both databases
    drop the fraction of a second (never round it up), then a start rounds down to its
    minute and an end up."""
    house.ticket(1, "confirmed", at(4, 9, 0, 59, 600_000), at(4, 9, 1, 20, 250_000))
    with db.read() as session:
        data = occupancy(session, PERIOD, NOW)
    assert data.sold_percent[2] == round(100 * (60 + 2) / (20 * 60), 2)  # F 1 h + 2 min


def test_on_the_books_a_year_ago_counts_only_what_had_been_sold_by_then(db, house):
    now = at(1, 12)  # the same point a year earlier: 1 March 2025, 12:00
    house.ticket(0, "done", msk(2025, 3, 3, 9), msk(2025, 3, 3, 19), created=msk(2025, 2, 20, 9))
    house.ticket(1, "done", msk(2025, 3, 4, 9), msk(2025, 3, 4, 19), created=msk(2025, 3, 2, 9))
    house.ticket(
        1, "cancelled", msk(2025, 3, 5, 9), msk(2025, 3, 5, 19), created=msk(2025, 2, 20, 9)
    )
    with db.read() as session:
        data = occupancy(session, PERIOD, now.astimezone(UTC))
    # a year earlier only the 3 March ticket had been sold: 10 of 2 × 10 × 30 seat-hours
    assert data.on_the_books[0] == (30, round(100 * 17 / 600, 2), round(100 * 10 / 600, 2))


def test_windows_that_touch_are_read_in_one_query_with_the_same_figures(db, house):
    # sold before the same point a year earlier (10 March 2025): on the books then
    house.ticket(0, "done", msk(2025, 3, 11, 9), msk(2025, 3, 11, 19), created=msk(2025, 3, 1, 9))
    queries: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if "coworking_tickets" in statement:
            queries.append(statement)

    def read(first: date) -> tuple:
        queries.clear()
        period = Period(first, date(2026, 3, 10), PERIOD.timezone, PERIOD.opening)
        with db.read() as session:
            data = occupancy(session, period, NOW)
        return len(queries), data

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        # the period, the next 90 days, and the 90 days from a year earlier
        apart, _ = read(date(2026, 3, 4))  # a week ago: the year-earlier window apart
        year, data = read(date(2025, 3, 11))  # a year: all three overlap
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    with db.read() as session:
        three_days = occupancy(session, PERIOD, NOW)
    assert (apart, year) == (2, 1)
    assert data.on_the_books == three_days.on_the_books
    assert data.on_the_books[0] == (30, 0.0, round(100 * 10 / 600, 2))
    assert data.sold_percent[0] == 50.0  # 11 March 2025, the first day
    assert data.sold_percent[-9:-6] == [60.0, 15.0, 5.0]  # 2–4 March 2026 as before


def test_reading_occupancy_never_holds_up_a_write(db, house):
    """#8: while a long occupancy read is open, other people's writes go through."""
    with db.read() as session:
        occupancy(session, PERIOD, NOW)
        started = time.perf_counter()
        house.ticket(1, "confirmed", at(4, 13), at(4, 14))
        assert time.perf_counter() - started < 5  # not the 30 s busy timeout
    with db.read() as session:
        assert occupancy(session, PERIOD, NOW).sold_percent[2] == 10.0  # F 1 h + 1 h


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
    # plain plotly.js JSON: what only Python knows by name goes out spelled out
    heatmap = answer["occupancy-heatmap"]["figure"]
    assert heatmap["layout"]["template"]["layout"]["plot_bgcolor"] == "white"
    assert heatmap["data"][0]["colorscale"][0] == [0.0, "rgb(247,251,255)"]

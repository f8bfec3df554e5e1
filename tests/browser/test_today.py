"""Today and the meeting rooms in a real browser, through the contract ids (SPEC §8):
the rental manager lands on Today, its sections count and link their rows, a row opens
its ticket; the rooms' day shows a booking that opens its order."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By

from models import Room, RoomBooking
from tests.browser.conftest import click, log_in

ZONE = ZoneInfo("Europe/Moscow")  # the configuration's default time zone


@pytest.fixture
def desk(db, world):
    """A visitor expected later today, one in the house, and a meeting room booked
    today from 10:00 to 11:30 (local)."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    local_day = now.astimezone(ZONE).date()
    day_end = datetime.combine(local_day + timedelta(days=1), time(0), ZONE)
    with db.write() as session:
        world.session = session
        # Starts within the day, at least a minute from now (not yet a no-show).
        start = min(now + timedelta(minutes=20), day_end - timedelta(minutes=1))
        expected = world.coworking(start=start, hours=2, seat=world.seats[0])
        here_order = world.order("coworking", "confirmed", total=150_000, paid=150_000)
        here = world.ticket(
            here_order, now - timedelta(hours=1), now + timedelta(hours=3), world.seats[1]
        )
        session.flush()
        building = session.get(Room, world.room_id).building_id
        meeting = Room(
            building_id=building, name="Переговорная «Сокол»", kind="meeting_room", capacity=6
        )
        session.add(meeting)
        session.flush()
        booked = world.order("booking", "confirmed", total=300_000, paid=300_000)
        begins = datetime.combine(local_day, time(10), ZONE)
        session.add(
            RoomBooking(
                order_id=booked.id,
                room_id=meeting.id,
                starts_at=begins,
                ends_at=begins + timedelta(minutes=90),
                visitors=[],
            )
        )
        return {
            "expected": expected,
            "here": here.number,
            "here_id": here.id,
            "booking": booked.number,
            "day": local_day,
        }


def _validate(db, ticket_id: int, staff_id: int) -> None:
    from models import CoworkingTicket

    with db.write() as session:
        ticket = session.get(CoworkingTicket, ticket_id)
        ticket.validated_by_id, ticket.validated_at = staff_id, ticket.period_start


def test_the_rental_desk_lands_on_today_and_a_row_opens_its_ticket(parkdesk, db, desk, staff_ids):
    _validate(db, desk["here_id"], staff_ids["rental@parkdesk.local"])
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.wait_for_element("#today-arrivals", timeout=10)
    assert parkdesk.driver.current_url.endswith("/today")
    assert parkdesk.find_element("#nav-link-today") and parkdesk.find_element("#nav-link-rooms")
    arrivals = parkdesk.find_element("#today-arrivals")
    assert arrivals.get_attribute("data-count") == "1"
    assert "Arrivals 1" in arrivals.find_element(By.TAG_NAME, "h2").text
    in_house = parkdesk.find_element("#today-in-house")
    assert in_house.get_attribute("data-count") == "1"
    assert (
        in_house.find_element(By.CSS_SELECTOR, "a")
        .get_attribute("href")
        .endswith(f"/tickets/{desk['here']}")
    )
    assert parkdesk.find_element("#today-no-shows").get_attribute("data-count") == "0"
    assert "No no-shows." in parkdesk.find_element("#today-no-shows").text
    assert parkdesk.find_element("#today-unpaid").get_attribute("data-count") == "0"
    # Not the rental desk's work: no requests, no events.
    assert not parkdesk.driver.find_elements(By.ID, "today-requests")
    assert not parkdesk.driver.find_elements(By.ID, "today-events")
    click(parkdesk, f"#today-arrivals a[href='/tickets/{desk['expected']}']")
    parkdesk.wait_for_element("#ticket-status", timeout=10)
    assert parkdesk.driver.current_url.endswith(f"/tickets/{desk['expected']}")


def test_the_service_desk_sees_its_requests_only(parkdesk, db, world):
    with db.write() as session:
        world.session = session
        late = world.order(
            "request", "in_progress", deadline=datetime.now(UTC) - timedelta(hours=2)
        ).number
    log_in(parkdesk, "service@parkdesk.local")
    parkdesk.wait_for_element("#today-requests", timeout=10)
    requests = parkdesk.find_element("#today-requests")
    assert requests.get_attribute("data-count") == "1"
    assert "Overdue" in requests.text
    assert not parkdesk.driver.find_elements(By.ID, "today-arrivals")
    click(parkdesk, f"#today-requests a[href='/orders/{late}']")
    parkdesk.wait_for_element("#order-status", timeout=10)


def test_the_rooms_day_shows_a_booking_that_opens_its_order(parkdesk, desk):
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.driver.get(parkdesk.server.url + "/rooms")
    parkdesk.wait_for_element("#rooms-timeline .rooms-line[data-room-id]", timeout=10)
    assert parkdesk.find_element("#rooms-date").get_attribute("value") == desk["day"].isoformat()
    block = parkdesk.find_element(f"#rooms-timeline [data-order='{desk['booking']}']")
    assert "10:00–11:30" in block.text
    free = parkdesk.driver.find_elements(By.CSS_SELECTOR, "#rooms-timeline .rooms-free")
    assert [f.text for f in free] == ["free 09:00–10:00", "free 11:30–21:00"]
    # Another day: the room is free all day.
    other = desk["day"] + timedelta(days=1)
    parkdesk.driver.get(f"{parkdesk.server.url}/rooms?date={other.isoformat()}")
    parkdesk.wait_for_contains_text("#rooms-timeline", "0 bookings", timeout=10)
    assert parkdesk.find_element("#rooms-date").get_attribute("value") == other.isoformat()
    parkdesk.driver.get(parkdesk.server.url + "/rooms")
    click(parkdesk, f"#rooms-timeline [data-order='{desk['booking']}'] a")
    parkdesk.wait_for_element("#order-status", timeout=10)
    assert parkdesk.driver.current_url.endswith(f"/orders/{desk['booking']}")

"""The floor plan in a real browser, through the contract ids (SPEC §8, `/floor`): each
seat's ``data-state`` now and at another moment, another room, the link to the ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from dashboard.config import DEFAULT_TIMEZONE
from models import CoworkingTicket, Seat
from tests.browser.conftest import log_in

SEATS = "#floor-map [data-seat-id]"


@pytest.fixture
def house(db, world, staff_ids):
    """Open Space with five seats around the real clock: 1 occupied (checked in), 2 a
    no-show (started an hour ago), 3 unpaid, 4 booked (both started minutes ago), 5 free."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    staff = staff_ids["rental@parkdesk.local"]
    with db.write() as session:
        world.session = session
        fifth = Seat(room_id=world.room_id, number=5)
        session.add(fifth)
        session.flush()
        hour_ago, minutes_ago = now - timedelta(hours=1), now - timedelta(minutes=5)
        numbers = {
            1: world.coworking("confirmed", start=hour_ago, seat=world.seats[0]),
            2: world.coworking("confirmed", start=hour_ago, seat=world.seats[1]),
            3: world.coworking(
                "confirmed_balance_due", start=minutes_ago, seat=world.seats[2], paid=45_000
            ),
            4: world.coworking("confirmed", start=minutes_ago, seat=world.seats[3]),
        }
        checked = session.query(CoworkingTicket).filter_by(number=numbers[1]).one()
        checked.validated_at, checked.validated_by_id = hour_ago, staff
    world.session = None
    return world, numbers


def _eventually(duo, predicate) -> None:
    """Wait until ``predicate()`` holds (the plan is redrawn whole: its elements go stale)."""
    WebDriverWait(duo.driver, 10, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda _driver: predicate()
    )


def _states(duo, count: int) -> dict[str, str]:
    duo.wait_for_element(SEATS)
    _eventually(duo, lambda: len(duo.find_elements(SEATS)) == count)
    return {
        seat.get_attribute("data-seat-label"): seat.get_attribute("data-state")
        for seat in duo.find_elements(SEATS)
    }


def test_the_seats_show_their_state_now_and_at_another_moment(parkdesk, house):
    world, _numbers = house
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.find_element("#nav-link-floor").click()
    parkdesk.wait_for_element("#floor-map")
    room = Select(parkdesk.find_element("#floor-room"))
    _eventually(parkdesk, lambda: room.first_selected_option.text == "Open Space")
    # (dbc.Select keeps an empty placeholder option first)
    assert [o.text for o in room.options if o.get_attribute("value")] == [
        "Open Space",
        "Тихая зона",
    ]
    assert _states(parkdesk, 5) == {
        "Seat 1": "occupied",
        "Seat 2": "no-show",
        "Seat 3": "unpaid",
        "Seat 4": "booked",
        "Seat 5": "free",
    }
    seat3 = parkdesk.find_element("[data-seat-label='Seat 3']")
    assert "Иванов Пётр" in seat3.get_attribute("title")
    assert "Unpaid" in seat3.get_attribute("title")
    assert not parkdesk.find_elements("[data-seat-label='Seat 5'] a")
    parkdesk.wait_for_text_to_equal("#floor-legend li:nth-child(1)", "Free")

    # Another room: its two seats, free.
    room.select_by_visible_text("Тихая зона")
    _eventually(
        parkdesk,
        lambda: (
            {s.get_attribute("data-state") for s in parkdesk.find_elements(SEATS)} == {"free"}
            and len(parkdesk.find_elements(SEATS)) == 2
        ),
    )

    # Yesterday at this hour nobody held a seat of Open Space.
    yesterday = datetime.now(ZoneInfo(DEFAULT_TIMEZONE)) - timedelta(days=1)
    parkdesk.driver.get(
        f"{parkdesk.server.url}/floor?room={world.room_id}&at={yesterday:%Y-%m-%dT%H:%M}"
    )
    _eventually(
        parkdesk,
        lambda: (
            [s.get_attribute("data-state") for s in parkdesk.find_elements(SEATS)] == ["free"] * 5
        ),
    )


def test_a_seat_opens_its_ticket_from_the_keyboard(parkdesk, house):
    _world, numbers = house
    log_in(parkdesk, "exec@parkdesk.local")
    parkdesk.driver.get(parkdesk.server.url + "/floor")
    _states(parkdesk, 5)
    link = parkdesk.find_element("[data-seat-label='Seat 1'] a")
    assert link.get_attribute("href").endswith(f"/tickets/{numbers[1]}")
    link.send_keys(Keys.ENTER)
    parkdesk.wait_for_element("#ticket-status")
    assert parkdesk.driver.current_url.endswith(f"/tickets/{numbers[1]}")


def test_a_ticket_moves_to_a_seat_picked_on_the_plan(parkdesk, house):
    _world, numbers = house
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.driver.get(f"{parkdesk.server.url}/tickets/{numbers[4]}")
    parkdesk.wait_for_text_to_equal("#ticket-seat", "Seat 4")
    parkdesk.find_element("#ticket-change-seat").click()
    picks = "#ticket-seat-map [data-seat-id]"
    _eventually(parkdesk, lambda: len(parkdesk.find_elements(picks)) == 5)
    states = {
        s.get_attribute("data-seat-label"): s.get_attribute("data-state")
        for s in parkdesk.find_elements(picks)
    }
    assert states == {
        "Seat 1": "taken",
        "Seat 2": "taken",
        "Seat 3": "taken",
        "Seat 4": "current",
        "Seat 5": "free",
    }
    parkdesk.find_element("#ticket-seat-map [data-seat-label='Seat 5']").click()
    select = Select(parkdesk.find_element("#ticket-seat-select"))
    _eventually(parkdesk, lambda: select.first_selected_option.text.endswith("Seat 5"))
    parkdesk.find_element("#ticket-seat-save").click()
    parkdesk.wait_for_text_to_equal("#ticket-seat", "Seat 5", timeout=10)

    parkdesk.driver.get(parkdesk.server.url + "/floor")
    states = _states(parkdesk, 5)
    assert (states["Seat 4"], states["Seat 5"]) == ("free", "booked")

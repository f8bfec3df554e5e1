"""The administrator sets up the house from an empty catalog, in a real browser
(SPEC §9.2): a building, a coworking room, ten seats, a service and its tariff, each
chosen in the next form by its name; a refusal in words; a tariff retired in place."""

from __future__ import annotations

from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from sqlalchemy import func, select

from models import AuditEntry, Seat, Tariff
from tests.browser.conftest import log_in, press

ADMIN = "admin@parkdesk.local"


def _settled(duo) -> None:
    until(duo._wait_for_callbacks, timeout=10)


def _type(duo, selector: str, text: str) -> None:
    field = duo.wait_for_element(selector)
    field.clear()
    field.send_keys(text)


def _choose(duo, selector: str, text: str) -> None:
    until(lambda: text in [o.text for o in Select(duo.find_element(selector)).options], timeout=10)
    Select(duo.find_element(selector)).select_by_visible_text(text)


def _choose_starting(duo, selector: str, start: str) -> None:
    until(
        lambda: any(o.text.startswith(start) for o in Select(duo.find_element(selector)).options),
        timeout=10,
    )
    field = Select(duo.find_element(selector))
    field.select_by_visible_text(next(o.text for o in field.options if o.text.startswith(start)))


def _feedback(duo, text: str) -> None:
    duo.wait_for_contains_text("#catalog-feedback", text, timeout=10)
    _settled(duo)


def test_the_administrator_builds_a_small_house_from_an_empty_catalog(parkdesk, db):
    duo = parkdesk
    log_in(duo, ADMIN)
    duo.driver.get(duo.server.url + "/catalog")
    duo.wait_for_contains_text("#catalog-rooms", "Add a building first")
    duo.wait_for_contains_text("#catalog-seats", "Add a coworking room first")

    # Enter in the field saves, as a keyboard user expects.
    _type(duo, "#catalog-building-name", "Корпус Север")
    duo.find_element("#catalog-building-name").send_keys(Keys.ENTER)
    _feedback(duo, "The building “Корпус Север” is added")
    duo.wait_for_contains_text("#catalog-buildings", "Корпус Север")
    assert duo.find_element("#catalog-building-name").get_attribute("value") == ""

    _choose(duo, "#catalog-room-building", "Корпус Север")
    _type(duo, "#catalog-room-name", "Open Space")
    Select(duo.find_element("#catalog-room-kind")).select_by_value("coworking")
    _type(duo, "#catalog-room-capacity", "12")
    _type(duo, "#catalog-room-hours", "08:00-22:00")
    press(duo, "#catalog-room-save")
    _feedback(duo, "The room “Open Space” is added")
    duo.wait_for_contains_text("#catalog-rooms", "08:00–22:00")

    _choose(duo, "#catalog-seats-room", "Open Space")
    _type(duo, "#catalog-seats-count", "10")
    press(duo, "#catalog-seats-save")
    _feedback(duo, "Seats 1–10 are added")
    until(lambda: len(duo.find_elements("#catalog-seats [data-seat-id]")) == 10, timeout=10)

    _type(duo, "#catalog-service-name", "Коворкинг Север")
    Select(duo.find_element("#catalog-service-type")).select_by_value("coworking")
    _choose(duo, "#catalog-service-room", "Open Space")
    press(duo, "#catalog-service-save")
    _feedback(duo, "The service “Коворкинг Север” is added")

    _choose(duo, "#catalog-tariff-service", "Коворкинг Север")
    _type(duo, "#catalog-tariff-name", "День")
    Select(duo.find_element("#catalog-tariff-unit")).select_by_value("night")
    _type(duo, "#catalog-tariff-price", "1500")
    press(duo, "#catalog-tariff-save")
    # A unit that does not fit the service is refused in words, and nothing is added.
    _feedback(duo, "A coworking tariff is sold by the hour, day or month")
    assert duo.find_element("#catalog-tariff-name").get_attribute("value") == "День"
    Select(duo.find_element("#catalog-tariff-unit")).select_by_value("day")
    press(duo, "#catalog-tariff-save")
    _feedback(duo, "The tariff “День” is added")
    duo.wait_for_contains_text("#catalog-tariffs", "1,500")

    # A new price, for the orders made from now on.
    _choose_starting(duo, "#catalog-price-tariff", "Коворкинг Север · День · 1,500")
    _type(duo, "#catalog-price-value", "1800")
    duo.find_element("#catalog-price-value").send_keys(Keys.ENTER)
    _feedback(duo, "The price is changed")
    duo.wait_for_contains_text("#catalog-tariffs", "1,800")

    # The tariff is retired in place, and stays listed as not in use.
    with db.read() as session:
        tariff = session.scalar(select(Tariff.id))
    press(duo, f'[id*="retire-tariff-{tariff}"]')
    _feedback(duo, "Retired: “День”")
    duo.wait_for_contains_text("#catalog-tariffs", "Not in use")

    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Seat)) == 10
        assert session.get(Tariff, tariff).is_active is False
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {
        "building.create",
        "room.create",
        "room.add_seats",
        "service.create",
        "tariff.create",
        "tariff.price",
        "tariff.retire",
    } <= actions
    assert duo.get_logs() == []

"""Going live from an empty database (issue 17, Done when): only `init-db` and
`create-user --role admin`, then everything in the browser through the contract ids —
the house on /catalog, a rental manager on /staff, and that manager's first desk sale to
a new customer on a free seat, found in /tickets. No demo data anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import func, select

from dashboard import create_app
from models import CoworkingTicket, Order, Person, StaffUser
from tests.browser.conftest import _free_port, log_in, log_out, press
from tests.browser.pages import Grid
from tests.browser.test_catalog import _choose, _feedback, _type

ROOT = Path(__file__).resolve().parents[2]
ADMIN, ADMIN_PASSWORD = "owner@technopark.example", "Tr0ub4dor&3-owner"
MANAGER, MANAGER_PASSWORD = "desk@technopark.example", "Desk-2026-north!"


@pytest.fixture
def empty_house(dash_duo, config, database_url, db):
    """A database as `init-db` leaves it (the schema, nothing else), its first
    administrator made by the real command, and the app serving it."""
    made = subprocess.run(
        [sys.executable, "-m", "dashboard", "create-user", "--email", ADMIN,
         "--password", ADMIN_PASSWORD, "--role", "admin", "--name", "Ирина Владелец"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(StaffUser)) == 1
        assert session.scalar(select(func.count()).select_from(Person)) == 0
    app = create_app(config)
    dash_duo.driver.set_window_size(1440, 900)
    dash_duo.start_server(app, navigate=False, port=_free_port())
    yield dash_duo
    app.server.extensions["parkdesk_db"].dispose()


def _set_up_the_house(duo) -> None:
    duo.driver.get(duo.server.url + "/catalog")
    _type(duo, "#catalog-building-name", "Технопарк Север")
    press(duo, "#catalog-building-save")
    _feedback(duo, "Технопарк Север")

    _choose(duo, "#catalog-room-building", "Технопарк Север")
    _type(duo, "#catalog-room-name", "Коворкинг 1 этаж")
    Select(duo.find_element("#catalog-room-kind")).select_by_value("coworking")
    press(duo, "#catalog-room-save")
    _feedback(duo, "Коворкинг 1 этаж")

    _choose(duo, "#catalog-seats-room", "Коворкинг 1 этаж")
    _type(duo, "#catalog-seats-count", "10")
    press(duo, "#catalog-seats-save")
    _feedback(duo, "Seats 1–10 are added")

    _type(duo, "#catalog-service-name", "Коворкинг")
    Select(duo.find_element("#catalog-service-type")).select_by_value("coworking")
    _choose(duo, "#catalog-service-room", "Коворкинг 1 этаж")
    press(duo, "#catalog-service-save")
    _feedback(duo, "The service “Коворкинг” is added")

    _choose(duo, "#catalog-tariff-service", "Коворкинг")
    _type(duo, "#catalog-tariff-name", "Час")
    Select(duo.find_element("#catalog-tariff-unit")).select_by_value("hour")
    _type(duo, "#catalog-tariff-price", "250")
    press(duo, "#catalog-tariff-save")
    _feedback(duo, "The tariff “Час” is added")


def _add_the_manager(duo) -> None:
    duo.driver.get(duo.server.url + "/staff")
    Grid(duo, "staff-grid").wait_until(lambda rows: any(ADMIN in r.get("email", "") for r in rows))
    press(duo, "#staff-add")
    duo.wait_for_element("#staff-email").send_keys(MANAGER)
    duo.find_element("#staff-name").send_keys("Пётр Стойкин")
    Select(duo.find_element("#staff-role")).select_by_value("rental_manager")
    duo.find_element("#staff-password").send_keys(MANAGER_PASSWORD)
    press(duo, "#staff-save")
    duo.wait_for_contains_text("#staff-feedback", MANAGER, timeout=10)


def _first_desk_sale(duo) -> int:
    duo.driver.get(duo.server.url + "/tickets")
    press(duo, "#tickets-new-order")
    duo.wait_for_contains_text("#order-new-tariff", "Час", timeout=10)
    duo.driver.find_element(
        By.XPATH, "//*[@id='order-new-customer-mode']//label[text()='New customer']"
    ).click()
    duo.wait_for_element("#order-new-last").send_keys("Первова")
    duo.find_element("#order-new-first").send_keys("Анна")
    duo.find_element("#order-new-phone").send_keys("+7 901 000-00-01")
    until(lambda: len(Select(duo.find_element("#order-new-seat")).options) > 1, timeout=10)
    seat = Select(duo.find_element("#order-new-seat"))
    seat.select_by_visible_text(next(o.text for o in seat.options if o.get_attribute("value")))
    Select(duo.find_element("#order-new-method")).select_by_value("cash")
    duo.wait_for_text_to_equal("#order-new-amount", "250")
    press(duo, "#order-new-save")
    duo.wait_for_contains_text("#order-new-feedback", "Ticket №", timeout=10)
    link = duo.find_element("#order-new-feedback a[href^='/tickets/']")
    return int(link.get_attribute("href").rsplit("/", 1)[1])


def test_an_operator_goes_live_from_an_empty_database(empty_house, db):
    duo = empty_house
    log_in(duo, ADMIN, ADMIN_PASSWORD)
    # The overview of an empty house says what to do, starting with the catalog.
    duo.wait_for_element("#overview-setup", timeout=10)
    assert duo.find_element("#overview-setup a[href='/catalog']")
    # Occupancy says why its seat figures read zero, and where seats are added.
    duo.driver.get(duo.server.url + "/occupancy")
    duo.wait_for_element("#occupancy-no-seats a[href='/catalog']", timeout=10)

    _set_up_the_house(duo)
    duo.driver.get(duo.server.url + "/occupancy")
    duo.wait_for_contains_text("#occupancy-figures", "seats, open", timeout=10)
    assert " 0 seats" not in duo.find_element("#occupancy-figures").text
    assert not duo.driver.find_elements("css selector", "#occupancy-no-seats")
    _add_the_manager(duo)
    duo.driver.get(duo.server.url + "/")
    duo.wait_for_element("#overview-figures .figure-card", timeout=10)
    assert not duo.driver.find_elements("css selector", "#overview-setup")
    log_out(duo)

    log_in(duo, MANAGER, MANAGER_PASSWORD)
    # Nothing sold yet: the register says so, not that its filters found nothing.
    duo.driver.get(duo.server.url + "/orders")
    duo.wait_for_text_to_equal("#orders-grid .ag-overlay", "No orders yet.", timeout=10)
    ticket = _first_desk_sale(duo)

    duo.driver.get(duo.server.url + "/tickets")
    Grid(duo, "tickets-grid").wait_until(
        lambda rows: any(str(ticket) in r.get("number", "") for r in rows)
    )
    with db.read() as session:
        order = session.scalar(select(Order))
        assert session.scalar(select(func.count()).select_from(Order)) == 1
        assert session.scalar(select(CoworkingTicket.number)) == ticket
        assert (order.status, order.paid_kopecks) == ("confirmed", 25_000)
        assert [p.full_name for p in session.scalars(select(Person))] == ["Первова Анна"]
    assert duo.get_logs() == []

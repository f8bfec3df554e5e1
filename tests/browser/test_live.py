"""Live pages (SPEC §9.3 "Live", §8 "Live") in two real browsers, logged in as two rental
managers: what one changes shows on the other's open pages within 10 seconds, without
a reload; an action from a page that went stale is refused in words and the page
re-reads itself.

On SQLite the app runs in one process (Werkzeug's threaded server); on PostgreSQL in a
gunicorn of two workers, as in production: the browsers' requests, polls included,
land on either worker, which share nothing but the database."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from dashboard import create_app
from dashboard.i18n import label
from demo.staff import demo_password_hash
from models import CoworkingTicket, Seat, StaffUser
from models.statuses import TICKET_STATUS_LABELS
from services.tickets import change_seat, get_ticket, validate
from tests.browser.conftest import _ConsoleOptions, console_problems
from tests.browser.pages import Grid, record_payment
from tests.conftest import ON_POSTGRES
from tests.factories import actor
from tests.servers import CHROMIUM_FLAGS, gunicorn_serving, serving

LIVE_WITHIN = 10  # seconds: SPEC §9.3
SECOND_MANAGER = "rental2@parkdesk.local"
SEATS = "#floor-map [data-seat-id]"
# Makes a page stop polling (a /_live request that never ends): the test of a stale
# page acts before the page could have learnt of the change.
STOP_POLLING = """
const fetchBefore = window.fetch;
window.fetch = function (url, options) {
    if (String(url).startsWith("/_live")) { return new Promise(function () {}); }
    return fetchBefore(url, options);
};
"""
# Counts, in the page, the polls that brought changes.
COUNT_CHANGES = """
window.parkdeskChanges = 0;
const fetchBefore = window.fetch;
window.fetch = function (url, options) {
    const answer = fetchBefore(url, options);
    if (String(url).startsWith("/_live")) {
        answer.then(function (response) {
            if (response.status === 200) { window.parkdeskChanges += 1; }
        });
    }
    return answer;
};
"""


@pytest.fixture
def house(db, world, staff_ids):
    """A second rental manager, and a coworking ticket of today on seat 1 of Open Space,
    started minutes ago, not yet validated, with 1,050 ₽ of 1,500 ₽ still due."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with db.write() as session:
        session.add(
            StaffUser(
                email=SECOND_MANAGER,
                name="Олег Волков",
                role="rental_manager",
                password_hash=demo_password_hash(),
                is_active=True,
            )
        )
        world.session = session
        number = world.coworking(
            "confirmed_balance_due",
            start=now - timedelta(minutes=5),
            seat=world.seats[0],
            paid=45_000,
        )
        ticket = session.query(CoworkingTicket).filter_by(number=number).one()
        labels = [f"Seat {session.get(Seat, seat_id).number}" for seat_id in world.seats[:2]]
        order = ticket.order.number
    world.session = None
    return {"ticket": number, "order": order, "seats": labels, "room": world.room_id}


@pytest.fixture
def site(config, database_url, staff_ids) -> Iterator[str]:
    """The app's base URL: a 2-worker gunicorn on PostgreSQL, one process on SQLite."""
    with ExitStack() as stack:
        if ON_POSTGRES:
            yield stack.enter_context(gunicorn_serving(database_url, workers=2))
        else:
            app = create_app(config)
            stack.callback(app.server.extensions["parkdesk_db"].dispose)
            yield stack.enter_context(serving(app.server))


@pytest.fixture
def second_browser(dash_duo, site) -> Iterator[webdriver.Chrome]:
    """A second Chrome, with dash_duo's own options (and its console kept the same way);
    closed before the server stops (``site``), whose going away it would log."""
    options = _ConsoleOptions()
    if os.environ.get("DASH_TEST_CHROMEPATH"):
        options.binary_location = os.environ["DASH_TEST_CHROMEPATH"]
    if getattr(dash_duo, "_headless", True):
        options.add_argument("--headless=new")
    for argument in ("--disable-dev-shm-usage", "--no-sandbox", "--disable-gpu", *CHROMIUM_FLAGS):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "WARNING"})
    driver = webdriver.Chrome(options=options)
    driver.set_window_size(1440, 900)
    try:
        yield driver
    finally:
        problems = [
            f"{entry['level']}: {entry['message']}"
            for entry in driver.get_log("browser")
            if entry["level"] in ("SEVERE", "WARNING")
        ]
        driver.quit()
        assert problems == [], "the second browser's console"


def _log_in(driver, base: str, email: str) -> None:
    driver.get(f"{base}/login")
    wait(driver, lambda: driver.find_element(By.ID, "login-email")).send_keys(email)
    driver.find_element(By.ID, "login-password").send_keys("demo")
    driver.find_element(By.ID, "login-submit").click()
    wait(driver, lambda: driver.find_element(By.ID, "nav-user"))


def wait(driver, predicate: Callable[[], object], timeout: float = LIVE_WITHIN):
    return WebDriverWait(
        driver,
        timeout,
        poll_frequency=0.2,
        ignored_exceptions=[NoSuchElementException, StaleElementReferenceException],
    ).until(lambda _driver: predicate())


def _text(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def _floor(driver) -> dict[str, str]:
    return {
        seat.get_attribute("data-seat-label"): seat.get_attribute("data-state")
        for seat in driver.find_elements(By.CSS_SELECTOR, SEATS)
    }


def _links(driver, section: str, href: str) -> int:
    return len(driver.find_elements(By.CSS_SELECTOR, f"#{section} a[href='{href}']"))


def _open_window(driver, url: str) -> str:
    """A page of its own in a new window (a window, not a tab: it stays visible, and
    keeps polling)."""
    driver.switch_to.new_window("window")
    driver.get(url)
    return driver.current_window_handle


def _ticket_status_now(db, number: int) -> str:
    with db.read() as session:
        status = get_ticket(session, number, datetime.now(UTC)).status
    return label(TICKET_STATUS_LABELS, status, "en")


def test_a_seat_change_a_validation_and_a_payment_show_on_the_other_managers_open_pages(
    dash_duo, second_browser, site, house, db
):
    ticket, order = house["ticket"], house["order"]
    seat_one, seat_two = house["seats"]
    watcher = second_browser
    _log_in(watcher, site, SECOND_MANAGER)
    watcher.get(f"{site}/tickets/{ticket}")
    pages = {"ticket": watcher.current_window_handle}
    wait(watcher, lambda: _text(watcher, "ticket-seat") == seat_one)
    assert _text(watcher, "ticket-status") == _ticket_status_now(db, ticket)
    pages["order"] = _open_window(watcher, f"{site}/orders/{order}")
    wait(watcher, lambda: watcher.find_element(By.ID, "order-balance"))
    order_status = _text(watcher, "order-status")
    assert watcher.find_element(By.ID, "order-balance").get_attribute("data-kopecks") == "105000"
    watcher.find_element(By.ID, "order-message-text").send_keys("Half a message")
    pages["floor"] = _open_window(watcher, f"{site}/floor")
    wait(watcher, lambda: _floor(watcher).get(seat_one) == "unpaid")
    assert _floor(watcher)[seat_two] == "free"
    pages["today"] = _open_window(watcher, f"{site}/today")
    wait(watcher, lambda: _links(watcher, "today-arrivals", f"/tickets/{ticket}") == 1)
    assert _links(watcher, "today-unpaid", f"/orders/{order}") == 1

    # The other manager, in the other browser: the seat, the identity, the payment.
    duo = dash_duo
    duo.driver.set_window_size(1440, 900)
    _log_in(duo.driver, site, "rental@parkdesk.local")
    duo.driver.get(f"{site}/tickets/{ticket}")
    duo.wait_for_text_to_equal("#ticket-seat", seat_one)
    duo.find_element("#ticket-change-seat").click()
    duo.wait_for_element("#ticket-seat-select option")
    Select(duo.find_element("#ticket-seat-select")).select_by_visible_text(
        f"Open Space · {seat_two}"
    )
    duo.find_element("#ticket-seat-save").click()
    duo.wait_for_text_to_equal("#ticket-seat", seat_two)
    duo.find_element("#ticket-validate").click()
    duo.wait_for_contains_text("#ticket-feedback", "identity is checked")
    duo.driver.get(f"{site}/orders/{order}")
    duo.wait_for_element("#order-record-payment")
    record_payment(duo, "1050")
    duo.wait_for_contains_text("#order-feedback", "payment is recorded")

    # Every open page of the first manager shows it within 10 s, none reloaded.
    for page in pages.values():
        watcher.switch_to.window(page)
        watcher.execute_script("window.notReloaded = true;")
    watcher.switch_to.window(pages["ticket"])
    wait(watcher, lambda: _text(watcher, "ticket-seat") == seat_two)
    wait(watcher, lambda: _text(watcher, "ticket-validated-by") == "Анна Смирнова")
    wait(watcher, lambda: _text(watcher, "ticket-status") == _ticket_status_now(db, ticket))
    watcher.switch_to.window(pages["order"])
    wait(
        watcher,
        lambda: watcher.find_element(By.ID, "order-balance").get_attribute("data-kopecks") == "0",
    )
    wait(watcher, lambda: _text(watcher, "order-status") != order_status)
    # What the manager was typing survives the page's refresh.
    assert watcher.find_element(By.ID, "order-message-text").get_attribute("value") == (
        "Half a message"
    )
    watcher.switch_to.window(pages["floor"])
    wait(watcher, lambda: _floor(watcher).get(seat_two) == "occupied")
    assert _floor(watcher)[seat_one] == "free"
    watcher.switch_to.window(pages["today"])
    # The validation and the payment may arrive in two polls: each is waited for.
    wait(watcher, lambda: _links(watcher, "today-in-house", f"/tickets/{ticket}") == 1)
    wait(watcher, lambda: _links(watcher, "today-arrivals", f"/tickets/{ticket}") == 0)
    wait(watcher, lambda: _links(watcher, "today-unpaid", f"/orders/{order}") == 0)
    for page in pages.values():
        watcher.switch_to.window(page)
        assert watcher.execute_script("return window.notReloaded === true;")
    assert console_problems(duo) == []


def test_validating_on_a_page_that_went_stale_is_refused_in_words_and_the_page_rereads(
    dash_duo, site, house, db
):
    duo = dash_duo
    duo.driver.set_window_size(1440, 900)
    ticket = house["ticket"]
    _log_in(duo.driver, site, "rental@parkdesk.local")
    duo.driver.get(f"{site}/tickets/{ticket}")
    duo.wait_for_element("#ticket-validate")
    duo.driver.execute_script(STOP_POLLING)
    with db.write() as session:  # the other manager validates meanwhile
        validate(session, actor(session, SECOND_MANAGER), ticket, datetime.now(UTC))

    duo.find_element("#ticket-validate").click()
    duo.wait_for_contains_text("#ticket-feedback", "Someone changed this record")
    duo.wait_for_text_to_equal("#ticket-validated-by", "Олег Волков")
    assert not duo.driver.find_elements(By.ID, "ticket-validate")
    assert console_problems(duo) == []


def test_a_page_is_not_drawn_again_for_its_own_action(dash_duo, site, house):
    """The poll after a manager's payment brings that payment's own change: the order
    page shows it already, so it is not drawn again (a second drawing would replace the
    buttons and fields under the manager's hands)."""
    duo = dash_duo
    duo.driver.set_window_size(1440, 900)
    _log_in(duo.driver, site, "rental@parkdesk.local")
    duo.driver.get(f"{site}/orders/{house['order']}")
    duo.wait_for_element("#order-record-payment")
    duo.driver.execute_script(COUNT_CHANGES)
    record_payment(duo, "500")
    duo.wait_for_contains_text("#order-feedback", "payment is recorded")
    wait(
        duo.driver,
        lambda: duo.find_element("#order-balance").get_attribute("data-kopecks") == "55000",
    )
    button = duo.find_element("#order-record-payment")

    wait(duo.driver, lambda: duo.driver.execute_script("return window.parkdeskChanges;"))
    time.sleep(1.5)  # what a drawing would take, had the poll's answer started one
    assert button.is_displayed()  # the same element: not drawn again
    assert console_problems(duo) == []


def _seat_in(rows: list[dict[str, str]], ticket: int) -> list[str]:
    return [row["seat"] for row in rows if row["number"] == str(ticket)]


def test_the_tickets_grid_shows_another_managers_seat_change_in_place(dash_duo, site, house, db):
    duo = dash_duo
    duo.driver.set_window_size(1440, 900)
    ticket, (seat_one, seat_two) = house["ticket"], house["seats"]
    _log_in(duo.driver, site, "rental@parkdesk.local")
    duo.driver.get(f"{site}/tickets")
    grid = Grid(duo, "tickets-grid")
    grid.wait_until(lambda rows: _seat_in(rows, ticket) == [seat_one])
    duo.driver.execute_script("window.notReloaded = true;")
    with db.write() as session:  # the other manager, elsewhere
        seat = session.scalar(
            select(Seat.id).where(Seat.number == 2, Seat.room_id == house["room"])
        )
        change_seat(session, actor(session, SECOND_MANAGER), ticket, seat, datetime.now(UTC))

    grid.wait_until(lambda rows: _seat_in(rows, ticket) == [seat_two], timeout=LIVE_WITHIN)
    assert duo.driver.execute_script("return window.notReloaded === true;")
    assert console_problems(duo) == []


GRID_API = "return dash_ag_grid.getApi('tickets-grid')"


def test_the_tickets_grid_keeps_its_scroll_position_when_a_change_arrives(
    dash_duo, site, house, db, world
):
    """Scrolled far down the list, a manager sees another's seat change on a row on
    screen arrive in place: the same rows stay on screen, nothing reloads."""
    duo = dash_duo
    duo.driver.set_window_size(1440, 900)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with db.write() as session:  # enough tickets that the list scrolls
        world.session = session
        for day in range(1, 81):
            world.coworking(start=now + timedelta(days=day), hours=6, seat=world.seats[0])
    world.session = None
    _log_in(duo.driver, site, "rental@parkdesk.local")
    duo.driver.get(f"{site}/tickets")
    grid = Grid(duo, "tickets-grid")
    grid.wait_until(lambda rows: len(rows) > 10)
    duo.driver.execute_script(GRID_API + ".ensureIndexVisible(60, 'top');")
    wait(
        duo.driver,
        lambda: duo.driver.execute_script(GRID_API + ".getFirstDisplayedRowIndex();") >= 55,
    )
    first = duo.driver.execute_script(GRID_API + ".getFirstDisplayedRowIndex();")
    number = int(
        duo.driver.execute_script(GRID_API + f".getDisplayedRowAtIndex({first + 2}).data.number;")
    )
    grid.wait_until(lambda rows: _seat_in(rows, number) == [house["seats"][0]])
    duo.driver.execute_script("window.notReloaded = true;")

    with db.write() as session:  # the other manager, elsewhere
        seat = session.scalar(
            select(Seat.id).where(Seat.number == 2, Seat.room_id == house["room"])
        )
        change_seat(session, actor(session, SECOND_MANAGER), number, seat, datetime.now(UTC))

    grid.wait_until(lambda rows: _seat_in(rows, number) == [house["seats"][1]], timeout=LIVE_WITHIN)
    assert duo.driver.execute_script(GRID_API + ".getFirstDisplayedRowIndex();") == first
    assert duo.driver.execute_script("return window.notReloaded === true;")
    assert console_problems(duo) == []

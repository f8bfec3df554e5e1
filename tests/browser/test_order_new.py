"""A rental manager creates coworking orders in a real browser (SPEC §4.9)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from models import CoworkingTicket, Order, Person
from services.coworking import CoworkingOrderRequest, create_coworking_order
from tests.browser.conftest import log_in, press
from tests.browser.pages import Grid
from tests.factories import actor

RENTAL = "rental@parkdesk.local"
ALL_SEATS = [
    "Open Space · Seat 1",
    "Open Space · Seat 2",
    "Open Space · Seat 3",
    "Open Space · Seat 4",
    "Тихая зона · Seat 1",
    "Тихая зона · Seat 2",
]


def _open_form(duo) -> None:
    duo.driver.get(duo.server.url + "/orders/new")
    duo.wait_for_contains_text("#order-new-tariff", "Час")
    duo.wait_for_contains_text("#order-new-total", "₽")


def _settled(duo) -> None:
    """Every callback the last action started has answered."""
    until(duo._wait_for_callbacks, timeout=10)


def _choose(duo, select_id: str, starts_with: str) -> None:
    field = Select(duo.find_element(f"#{select_id}"))
    texts = [option.text for option in field.options]
    field.select_by_visible_text(next(t for t in texts if t.startswith(starts_with)))


def _seats(duo) -> list[str]:
    return [
        option.text
        for option in Select(duo.find_element("#order-new-seat")).options
        if option.get_attribute("value")
    ]


def _save(duo) -> int:
    """Save the form; the feedback links the new order: its number."""
    press(duo, "#order-new-save")
    duo.wait_for_contains_text("#order-new-feedback", "Order №")
    link = duo.find_element("#order-new-feedback a[href^='/orders/']")
    return int(re.search(r"/orders/(\d+)$", link.get_attribute("href")).group(1))


def _ticket_of(db, order_number: int) -> tuple[Order, CoworkingTicket, Person]:
    with db.read() as session:
        order = session.scalar(select(Order).where(Order.number == order_number))
        ticket = session.scalar(select(CoworkingTicket).where(CoworkingTicket.order_id == order.id))
        customer = session.get(Person, order.customer_id)
        session.expunge_all()
    return order, ticket, customer


def _find_in_tickets(duo, visitor: str, ticket_number: int) -> dict[str, str]:
    duo.driver.get(f"{duo.server.url}/tickets?visitor={visitor}")
    rows = Grid(duo, "tickets-grid").wait_until(
        lambda rows: [row["number"] for row in rows] == [str(ticket_number)]
    )
    return rows[0]


def test_an_order_for_a_registered_customer_found_by_part_of_the_name(parkdesk, db, world):
    log_in(parkdesk, RENTAL)
    _open_form(parkdesk)
    parkdesk.find_element("#order-new-search").send_keys("смирн")
    parkdesk.wait_for_contains_text("#order-new-choice", "Смирнова Ольга")
    parkdesk.wait_for_text_to_equal("#order-new-phone", "+7 916 444-55-66")
    parkdesk.clear_input("#order-new-phone")
    parkdesk.find_element("#order-new-phone").send_keys("+7 999 000-11-22")

    _choose(parkdesk, "order-new-tariff", "День")
    parkdesk.wait_for_contains_text("#order-new-total", "1,500")
    _choose(parkdesk, "order-new-seat", "Open Space · Seat 2")
    _choose(parkdesk, "order-new-method", "Cash")
    parkdesk.wait_for_text_to_equal("#order-new-amount", "1500")
    number = _save(parkdesk)

    order, ticket, customer = _ticket_of(db, number)
    assert (customer.last_name, customer.phone) == ("Смирнова", "+7 916 444-55-66")
    assert order.contact_phone == "+7 999 000-11-22"
    assert (order.total_kopecks, order.payment_method) == (150_000, "cash")
    assert (order.paid_kopecks, order.status) == (150_000, "confirmed")
    assert ticket.seat_id == world.seats[1]
    assert ticket.period_end - ticket.period_start == timedelta(days=1)

    _open_form(parkdesk)
    _choose(parkdesk, "order-new-tariff", "День")
    parkdesk.wait_for_contains_text("#order-new-total", "1,500")
    assert _seats(parkdesk) == [s for s in ALL_SEATS if s != "Open Space · Seat 2"]

    row = _find_in_tickets(parkdesk, "смирн", ticket.number)
    assert (row["visitor"], row["seat"], row["status"]) == ("Смирнова Ольга", "Seat 2", "Confirmed")
    assert parkdesk.get_logs() == []


def test_a_new_customer_pays_the_prepayment_share_but_not_less(parkdesk, db, world):
    log_in(parkdesk, RENTAL)
    _open_form(parkdesk)
    parkdesk.driver.find_element(
        By.XPATH, "//*[@id='order-new-customer-mode']//label[text()='New customer']"
    ).click()
    parkdesk.wait_for_element("#order-new-last")
    _settled(parkdesk)
    assert not parkdesk.find_element("#order-new-search").is_displayed()
    parkdesk.find_element("#order-new-last").send_keys("Новикова")
    parkdesk.find_element("#order-new-first").send_keys("Мария")
    parkdesk.find_element("#order-new-phone").send_keys("+7 925 123-45-67")
    methods = [
        o.text
        for o in Select(parkdesk.find_element("#order-new-method")).options
        if o.get_attribute("value")
    ]
    assert methods == ["Cash", "Bank card", "Bank transfer"]
    _choose(parkdesk, "order-new-method", "Bank card")
    parkdesk.wait_for_text_to_equal("#order-new-amount", "300")
    parkdesk.wait_for_contains_text("#order-new-amount-hint", "a part from 90")

    amount = parkdesk.find_element("#order-new-amount")
    parkdesk.clear_input(amount)
    amount.send_keys("89")
    parkdesk.wait_for_contains_text("#order-new-amount-hint", "pay at least 90")
    press(parkdesk, "#order-new-save")
    parkdesk.wait_for_contains_text("#order-new-feedback", "A part must reach the prepayment")
    with db.read() as session:
        assert session.scalar(select(Order)) is None

    parkdesk.clear_input(amount)
    amount.send_keys("90")
    until(lambda: "pay at least" not in parkdesk.find_element("#order-new-amount-hint").text, 10)
    number = _save(parkdesk)

    order, ticket, customer = _ticket_of(db, number)
    assert (customer.full_name, customer.phone, customer.email) == (
        "Новикова Мария",
        "+7 925 123-45-67",
        None,
    )
    assert (order.payment_method, order.total_kopecks, order.paid_kopecks, order.status) == (
        "bank_card",
        30_000,
        9_000,
        "confirmed_balance_due",
    )
    assert ticket.visitor_id == customer.id
    assert parkdesk.get_logs() == []


def test_a_desk_sale_from_the_tickets_list_with_a_fixed_seat_and_modifiers(parkdesk, db, world):
    log_in(parkdesk, RENTAL)
    parkdesk.driver.get(parkdesk.server.url + "/tickets")
    parkdesk.wait_for_element("#tickets-new-order").click()
    parkdesk.wait_for_contains_text("#order-new-tariff", "Час")
    parkdesk.find_element("#order-new-search").send_keys("смирн")
    parkdesk.wait_for_contains_text("#order-new-choice", "Смирнова Ольга")
    parkdesk.wait_for_text_to_equal("#order-new-phone", "+7 916 444-55-66")
    _choose(parkdesk, "order-new-tariff", "День")
    _choose(parkdesk, "order-new-variant", "Fixed seat")
    for name in ("Шкафчик", "Принтер"):
        parkdesk.wait_for_contains_text("#order-new-modifiers", name)
        # From the keyboard: the bottom of the page may lie under the window's edge.
        parkdesk.driver.find_element(
            By.XPATH,
            f"//*[@id='order-new-modifiers']//label[contains(text(), '{name}')]"
            "/preceding-sibling::input",
        ).send_keys(Keys.SPACE)
    parkdesk.wait_for_contains_text("#order-new-total", "1,800")
    parkdesk.wait_for_text_to_equal("#order-new-amount", "1800")
    parkdesk.find_element("#order-new-number").send_keys("slip 0042")
    number = _save(parkdesk)

    press(parkdesk, "#order-new-feedback a[href^='/orders/']")
    parkdesk.wait_for_text_to_equal("#order-status", "Confirmed")
    order, ticket, _customer = _ticket_of(db, number)
    assert (order.total_kopecks, order.paid_kopecks) == (180_000, 180_000)
    assert (ticket.variant, sorted(ticket.modifiers)) == ("fixed_seat", ["Принтер", "Шкафчик"])

    parkdesk.driver.get(f"{parkdesk.server.url}/tickets/{ticket.number}")
    parkdesk.wait_for_text_to_equal("#ticket-variant", "Fixed seat")
    parkdesk.wait_for_contains_text("#ticket-modifiers", "Шкафчик")
    assert parkdesk.get_logs() == []


@pytest.fixture
def seat_one_taken(db, world, staff_ids):
    """Seat 1 of Open Space booked for the next three days, from an hour ago."""
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    with db.write() as session:
        create_coworking_order(
            session,
            actor(session, RENTAL),
            CoworkingOrderRequest(
                service_id=world.services["coworking"],
                tariff_id=world.tariffs["day"],
                start=start,
                quantity=3,
                seat_id=world.seats[0],
                payment_method="cash",
                customer_id=world.people[0],
            ),
            start,
        )


def test_the_seat_select_offers_only_seats_free_for_the_whole_period(parkdesk, seat_one_taken):
    log_in(parkdesk, RENTAL)
    _open_form(parkdesk)
    parkdesk.wait_for_contains_text("#order-new-total", "300")
    assert _seats(parkdesk) == ALL_SEATS[1:]

    quantity = parkdesk.find_element("#order-new-quantity")
    quantity.send_keys("3")  # 13 hours: more than an hourly tariff sells
    parkdesk.wait_for_contains_text("#order-new-quote", "Book from 1 to 12 units of this tariff.")
    assert _seats(parkdesk) == []

    parkdesk.clear_input(quantity)
    quantity.send_keys("2")
    parkdesk.wait_for_contains_text("#order-new-total", "600")
    assert _seats(parkdesk) == ALL_SEATS[1:]
    assert parkdesk.get_logs() == []

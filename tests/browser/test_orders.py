"""The order page in a real browser: payments, cancellation, chat, executor, work."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from sqlalchemy import func, select

from models import Order, Payment
from tests.browser.conftest import log_in, press
from tests.browser.pages import Grid, record_payment


@pytest.fixture
def orders(db, world):
    with db.write() as session:
        world.session = session
        return {
            "hotel": world.order(
                "hotel", "confirmed_balance_due", total=2_000_000, paid=600_000
            ).number,
            "unpaid": world.order("hotel", "new", total=500_000).number,
            "cleaning": world.order("request", "new", total=150_000).number,
        }


def _open(duo, number: int) -> None:
    duo.driver.get(f"{duo.server.url}/orders/{number}")
    duo.wait_for_element("#order-status")


def _kopecks(duo, element_id: str) -> int:
    return int(duo.find_element(f"#{element_id}").get_attribute("data-kopecks"))


def test_partial_payment_then_a_refused_amount_then_the_rest_confirms(parkdesk, orders, db):
    log_in(parkdesk, "rental@parkdesk.local")
    _open(parkdesk, orders["hotel"])
    assert _kopecks(parkdesk, "order-balance") == 1_400_000

    record_payment(parkdesk, "5000")
    parkdesk.wait_for_contains_text("#order-feedback", "payment is recorded")
    parkdesk.wait_for_text_to_equal("#order-balance", "9,000\u202f₽")
    assert _kopecks(parkdesk, "order-paid") == 1_100_000
    parkdesk.wait_for_contains_text(
        "#order-chat", "Payment of 5,000\u202f₽ recorded by Анна Смирнова"
    )

    record_payment(parkdesk, "8970")
    parkdesk.wait_for_contains_text("#payment-limits", "The balance left would be 30")
    parkdesk.wait_for_contains_text(
        "#order-feedback", "you may pay up to 8,950\u202f₽ or exactly 9,000\u202f₽"
    )
    assert _kopecks(parkdesk, "order-balance") == 900_000
    parkdesk.find_element(".modal .btn-close").click()

    record_payment(parkdesk, "9000", double_click=True)
    parkdesk.wait_for_text_to_equal("#order-status", "Confirmed")
    assert _kopecks(parkdesk, "order-balance") == 0
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == 3
    assert not parkdesk.driver.find_elements(By.ID, "order-record-payment")
    assert parkdesk.get_logs() == []


@pytest.fixture
def stay(db, world):
    """A new hotel stay of 20 000 ₽; the hotel takes parts from its 30 % prepayment share."""
    with db.write() as session:
        world.session = session
        return world.order("hotel", "new", total=2_000_000).number


def test_a_part_below_the_prepayment_is_refused_then_the_share_is_paid_with_its_slip(
    parkdesk, stay
):
    log_in(parkdesk, "rental@parkdesk.local")
    _open(parkdesk, stay)
    parkdesk.find_element("#order-record-payment").click()
    parkdesk.wait_for_contains_text(
        "#payment-limits",
        "Allowed: exactly 20,000\u202f₽, or a part from 6,000\u202f₽ (the prepayment of 30%) up "
        "to 19,950\u202f₽",
    )
    field = parkdesk.find_element("#payment-amount")
    parkdesk.clear_input(field)
    field.send_keys("5000")
    parkdesk.wait_for_contains_text(
        "#payment-limits .text-danger",
        "A part must reach the prepayment of 30%: pay at least 6,000\u202f₽, or exactly "
        "20,000\u202f₽.",
    )

    parkdesk.clear_input(field)
    field.send_keys("6000")
    parkdesk.wait_for_no_elements("#payment-limits .text-danger")
    parkdesk.find_element("#payment-number").send_keys("СЛИП-0042")
    parkdesk.find_element("#payment-save").click()
    parkdesk.wait_for_contains_text("#order-feedback", "payment is recorded")
    parkdesk.wait_for_text_to_equal("#order-paid", "6,000\u202f₽")
    assert _kopecks(parkdesk, "order-paid") == 600_000
    parkdesk.wait_for_contains_text("#order-payments", "СЛИП-0042")
    assert parkdesk.find_element("#order-status").text == "Confirmed. Balance due"

    # Opened again, the form is a fresh one and says the share is reached.
    parkdesk.find_element("#order-record-payment").click()
    parkdesk.wait_for_contains_text(
        "#payment-limits", "Allowed: up to 13,950\u202f₽, or exactly 14,000\u202f₽"
    )
    assert parkdesk.find_element("#payment-number").get_attribute("value") == ""
    assert parkdesk.get_logs() == []


def test_a_double_clicked_save_records_one_payment(parkdesk, orders, db):
    log_in(parkdesk, "rental@parkdesk.local")
    _open(parkdesk, orders["hotel"])
    record_payment(parkdesk, "1000", double_click=True)
    parkdesk.wait_for_text_to_equal("#order-balance", "13,000\u202f₽")
    with db.read() as session:
        order_id = session.scalar(select(Order.id).where(Order.number == orders["hotel"]))
        assert (
            session.scalar(
                select(func.count()).select_from(Payment).where(Payment.order_id == order_id)
            )
            == 2
        )
    assert parkdesk.get_logs() == []


def test_cancel_an_unpaid_order_after_confirming(parkdesk, orders):
    log_in(parkdesk, "rental@parkdesk.local")
    _open(parkdesk, orders["unpaid"])
    parkdesk.find_element("#order-cancel").click()
    parkdesk.wait_for_element("#order-cancel-confirm").click()
    parkdesk.wait_for_text_to_equal("#order-status", "Cancelled")
    assert not parkdesk.driver.find_elements(By.ID, "order-cancel")
    assert parkdesk.get_logs() == []


def test_an_internal_message_is_marked_internal(parkdesk, orders):
    log_in(parkdesk, "rental@parkdesk.local")
    _open(parkdesk, orders["hotel"])
    parkdesk.find_element("#order-message-text").send_keys("Гость приедет поздно")
    parkdesk.find_element("#order-message-internal").send_keys(Keys.SPACE)
    press(parkdesk, "#order-message-send")
    parkdesk.wait_for_contains_text("#order-chat", "Гость приедет поздно")
    message = parkdesk.find_element("#order-chat .chat-internal")
    assert "Гость приедет поздно" in message.text
    assert "internal" in message.text
    assert parkdesk.find_element("#order-message-text").get_attribute("value") == ""
    assert parkdesk.get_logs() == []


def test_service_manager_assigns_and_moves_a_cleaning_request(parkdesk, orders):
    log_in(parkdesk, "service@parkdesk.local")
    _open(parkdesk, orders["cleaning"])
    Select(parkdesk.find_element("#order-executor")).select_by_visible_text("Дмитрий Кузнецов")
    parkdesk.find_element("#order-executor-save").click()
    parkdesk.wait_for_contains_text("#order-feedback", "executor is saved")
    parkdesk.wait_for_contains_text("#order-audit", "Executor assigned")

    parkdesk.find_element('[id*="start_work"]').click()
    parkdesk.wait_for_text_to_equal("#order-status", "In progress")
    parkdesk.find_element('[id*="finish_work"]').click()
    parkdesk.wait_for_text_to_equal("#order-status", "Done. Awaiting confirmation")
    parkdesk.wait_for_contains_text(
        "#order-chat", "Status changed to “Done. Awaiting confirmation”"
    )
    assert parkdesk.get_logs() == []


def test_an_executive_sees_no_contacts_and_no_actions(parkdesk, orders):
    log_in(parkdesk, "exec@parkdesk.local")
    _open(parkdesk, orders["hotel"])
    for button in ("order-record-payment", "order-cancel", "order-executor", "order-message-send"):
        assert not parkdesk.driver.find_elements(By.ID, button)
    assert "+7" not in parkdesk.find_element("#order-body").text
    assert parkdesk.get_logs() == []


def test_the_register_filters_speak_the_users_language(parkdesk, orders):
    log_in(parkdesk, "accounting@parkdesk.local")
    parkdesk.find_element("#nav-lang-ru").click()
    parkdesk.wait_for_text_to_equal("#nav-link-orders", "Заказы", timeout=10)
    parkdesk.driver.get(parkdesk.server.url + "/orders?status=new,confirmed_balance_due")
    parkdesk.wait_for_contains_text("#orders-filter-status", "выбрано: 2")
    parkdesk.wait_for_contains_text("#orders-count", "3 заказа")  # two new, one due
    parkdesk.driver.get(parkdesk.server.url + "/orders?customer=никого")
    parkdesk.wait_for_text_to_equal(
        "#orders-grid .ag-overlay", "По этим фильтрам ничего не найдено."
    )
    # A name is not in the running totals: counted apart, after the rows.
    parkdesk.wait_for_contains_text("#orders-count", "0 заказов")
    assert parkdesk.get_logs() == []


# The callbacks a page sends, each by its inputs (not its states), recorded from before
# its scripts run.
RECORD_CALLS = """
window.__calls = [];
const send = window.fetch;
window.fetch = function (url, options) {
  if (String(url).includes("_dash-update-component") && options && options.body) {
    const inputs = JSON.parse(options.body).inputs || [];
    window.__calls.push(inputs.flat().map((i) => i.id + "." + i.property).join(" "));
  }
  return send.apply(this, arguments);
};
"""


def test_the_register_opens_with_its_first_rows_and_asks_for_a_new_sort(parkdesk, orders):
    """The first block is answered as the page opens (answer_first_block_early): the grid
    shows it, and its count, without asking; a sort of the user's own is asked for."""
    parkdesk.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_CALLS}
    )
    log_in(parkdesk, "accounting@parkdesk.local")
    parkdesk.driver.get(parkdesk.server.url + "/orders")
    grid = Grid(parkdesk, "orders-grid")
    numbers = [row["number"] for row in grid.wait_until(lambda rows: len(rows) == 3)]
    assert numbers == sorted(numbers, key=int, reverse=True)  # the newest first
    parkdesk.wait_for_contains_text("#orders-count", "3 orders")
    calls = parkdesk.driver.execute_script("return window.__calls")
    assert "orders-grid.id" in calls  # the first block's callback
    assert not [call for call in calls if "getRowsRequest" in call], calls

    parkdesk.driver.execute_script(
        "dash_ag_grid.getApi('orders-grid').applyColumnState("
        "{state: [{colId: 'number', sort: 'asc'}], defaultState: {sort: null}})"
    )
    grid.wait_until(lambda rows: [row["number"] for row in rows] == numbers[::-1])
    calls = parkdesk.driver.execute_script("return window.__calls")
    assert [call for call in calls if call.startswith("orders-grid.getRowsRequest")], calls
    assert parkdesk.get_logs() == []

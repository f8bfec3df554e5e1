"""Payment by invoice in a real browser (SPEC §9.1): issue the invoice on the order
page, open the printable invoice, record the bank payment."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from models import Order, Payment
from tests.browser.conftest import log_in


@pytest.fixture
def awaiting(db, world) -> int:
    with db.write() as session:
        world.session = session
        return world.order("hotel", "new_awaiting_invoice", total=1_200_050).number


def test_an_issued_invoice_prints_with_its_number_and_total_and_the_bank_payment_confirms(
    parkdesk, db, awaiting
):
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.find_element("#nav-lang-ru").click()
    parkdesk.wait_for_text_to_equal("#nav-link-orders", "Заказы", timeout=10)
    parkdesk.driver.get(f"{parkdesk.server.url}/orders/{awaiting}")
    parkdesk.wait_for_text_to_equal("#order-status", "Новый. Ожидает выставления счета на оплату")

    parkdesk.find_element("#order-issue-invoice").click()
    parkdesk.wait_for_text_to_equal("#order-status", "Безналичный расчет. Счет выставлен")
    parkdesk.wait_for_contains_text("#order-feedback", "Счет выставлен.")
    expected = f"{datetime.now(UTC).year}-000001"
    parkdesk.wait_for_contains_text("#order-chat", f"Выставлен счет № {expected}.")
    assert not parkdesk.driver.find_elements("css selector", "#order-issue-invoice")
    link = parkdesk.wait_for_element("#order-invoice-link")
    assert link.get_attribute("href").endswith(f"/orders/{awaiting}/invoice")

    parkdesk.driver.get(link.get_attribute("href"))
    parkdesk.wait_for_text_to_equal("#invoice-number", expected)
    total = parkdesk.find_element("#invoice-total")
    assert total.get_attribute("data-kopecks") == "1200050"
    assert total.text == "12\u202f000,50\u202f₽"
    assert parkdesk.find_element("#document-total-words").text == (
        "Двенадцать тысяч рублей 50 копеек"
    )
    assert parkdesk.get_logs() == []

    parkdesk.driver.get(f"{parkdesk.server.url}/orders/{awaiting}")
    parkdesk.wait_for_element("#order-record-payment").click()
    parkdesk.wait_for_contains_text("#payment-limits", "12\u202f000,50")
    Select(parkdesk.find_element("#payment-method")).select_by_value("bank_transfer")
    parkdesk.find_element("#payment-save").click()
    parkdesk.wait_for_text_to_equal("#order-status", "Подтвержден")
    with db.read() as session:
        order = session.scalar(select(Order).where(Order.number == awaiting))
        assert (order.invoice_number, order.paid_kopecks) == (expected, 1_200_050)
        method = session.scalar(select(Payment.method).where(Payment.order_id == order.id))
    assert method == "bank_transfer"
    assert parkdesk.get_logs() == []

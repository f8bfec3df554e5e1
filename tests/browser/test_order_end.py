"""Orders reach their end in a real browser (SPEC §9.1): a refund in two parts, and
closing an order as done or as not needed (seed 001)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import log_in


@pytest.fixture
def orders(db, world):
    with db.write() as session:
        world.session = session
        return {
            "refund": world.order(
                "hotel", "cancelled_refund_pending", total=2_000_000, paid=600_000
            ).number,
            "request": world.order("request", "new", total=150_000).number,
            "simple": world.order("simple", "in_progress", total=150_000).number,
        }


def _open(duo, number: int) -> None:
    duo.driver.get(f"{duo.server.url}/orders/{number}")
    duo.wait_for_element("#order-status")


def _refund(duo, amount: str, method: str, number: str = "") -> None:
    duo.wait_for_element("#order-record-refund").click()
    field = duo.wait_for_element("#refund-amount")
    duo.clear_input(field)
    field.send_keys(amount)
    Select(duo.find_element("#refund-method")).select_by_value(method)
    if number:
        duo.find_element("#refund-number").send_keys(number)
    duo.find_element("#refund-save").click()


def test_a_refund_in_two_parts_ends_as_cancelled_refunded_in_both_languages(parkdesk, orders):
    log_in(parkdesk, "rental@parkdesk.local")
    _open(parkdesk, orders["refund"])
    assert parkdesk.find_element("#order-status").text == "Cancelled. Refund in progress"

    _refund(parkdesk, "2500", "bank_card", "ВЗ-1")
    parkdesk.wait_for_contains_text("#order-feedback", "refund is recorded")
    parkdesk.wait_for_text_to_equal("#order-paid", "3,500\u202f₽")
    parkdesk.wait_for_contains_text("#order-payments", "−2,500\u202f₽")
    parkdesk.wait_for_contains_text("#order-payments", "ВЗ-1")
    parkdesk.wait_for_contains_text(
        "#order-chat", "Refund of 2,500\u202f₽ recorded by Анна Смирнова"
    )
    assert parkdesk.find_element("#order-status").text == "Cancelled. Refund in progress"

    _refund(parkdesk, "3500", "cash")
    parkdesk.wait_for_text_to_equal("#order-status", "Cancelled. Refunded")
    parkdesk.wait_for_text_to_equal("#order-paid", "0\u202f₽")
    parkdesk.wait_for_contains_text("#order-audit", "Refund recorded")
    assert not parkdesk.driver.find_elements(By.ID, "order-record-refund")

    parkdesk.find_element("#nav-lang-ru").click()
    parkdesk.wait_for_text_to_equal("#nav-link-orders", "Заказы", timeout=10)
    _open(parkdesk, orders["refund"])
    parkdesk.wait_for_text_to_equal("#order-status", "Отменен. Выполнен возврат")
    assert parkdesk.get_logs() == []


def test_an_executive_gets_no_refund_button(parkdesk, orders):
    log_in(parkdesk, "exec@parkdesk.local")
    _open(parkdesk, orders["refund"])
    assert not parkdesk.driver.find_elements(By.ID, "order-record-refund")
    assert parkdesk.get_logs() == []


def _close(duo, answer: str) -> None:
    duo.find_element("#order-close").click()
    duo.wait_for_element("#order-close-confirm")
    duo.driver.find_element(By.XPATH, f"//label[normalize-space()='{answer}']").click()
    duo.find_element("#order-close-confirm").click()


def test_a_request_is_closed_as_done_and_a_service_as_not_needed(parkdesk, orders):
    log_in(parkdesk, "service@parkdesk.local")
    _open(parkdesk, orders["request"])
    parkdesk.find_element("#order-close").click()
    parkdesk.wait_for_element("#order-close-keep").click()
    parkdesk.wait_for_no_elements("#order-close-modal.show")
    assert parkdesk.find_element("#order-status").text == "New"

    _close(parkdesk, "The order is done")
    parkdesk.wait_for_text_to_equal("#order-status", "Done")
    parkdesk.wait_for_contains_text("#order-audit", "Order closed")
    assert not parkdesk.driver.find_elements(By.ID, "order-close")

    _open(parkdesk, orders["simple"])
    _close(parkdesk, "The order is not needed")
    parkdesk.wait_for_text_to_equal("#order-status", "Cancelled")
    assert parkdesk.get_logs() == []


def test_a_paid_coworking_order_whose_period_ended_is_done_after_the_sweep(
    parkdesk, db, world, database_url
):
    """Seed 004: the ticket of a paid order whose period is over reads «Подтвержден» until
    the sweep (the real CLI, as cron runs it) completes the order; then «Выполнен»."""
    now = datetime.now(UTC)
    with db.write() as session:
        world.session = session
        number = world.coworking("confirmed", start=now - timedelta(days=2), hours=10)
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.find_element("#nav-lang-ru").click()
    parkdesk.wait_for_text_to_equal("#nav-link-orders", "Заказы", timeout=10)
    parkdesk.driver.get(f"{parkdesk.server.url}/tickets/{number}")
    parkdesk.wait_for_text_to_equal("#ticket-status", "Подтвержден")

    swept = subprocess.run(
        [sys.executable, "-m", "dashboard", "sweep"],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert swept.returncode == 0, swept.stderr
    assert "1 booked orders whose period is over" in swept.stdout

    parkdesk.driver.get(f"{parkdesk.server.url}/tickets/{number}")
    parkdesk.wait_for_text_to_equal("#ticket-status", "Выполнен")
    parkdesk.find_element("#ticket-order-link").click()
    parkdesk.wait_for_text_to_equal("#order-status", "Выполнен")
    assert parkdesk.get_logs() == []

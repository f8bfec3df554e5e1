"""Payments & balances and the exports page in a real browser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from models import Payment
from tests.browser.conftest import click, log_in, press
from tests.browser.pages import Grid


@pytest.fixture
def money(db, world):
    """Around the real clock: a hotel stay with a balance and two payments this month,
    one of them partly refunded."""
    now = datetime.now(UTC).replace(microsecond=0)
    with db.write() as session:
        world.session = session
        hotel = world.order(
            "hotel",
            "confirmed_balance_due",
            total=2_000_000,
            paid=600_000,
            created_at=now - timedelta(minutes=2),
        )
        cleaning = world.order("simple", "new", total=150_000, created_at=now - timedelta(days=40))
        session.add(
            Payment(
                order_id=hotel.id,
                kind="refund",
                amount_kopecks=100_000,
                method="bank_card",
                paid_at=now - timedelta(minutes=1),
            )
        )
        hotel.paid_kopecks = 500_000
        return {"hotel": hotel.number, "cleaning": cleaning.number}


def test_the_accountant_sees_balances_and_the_journal(parkdesk, money):
    log_in(parkdesk, "accounting@parkdesk.local")
    parkdesk.driver.get(parkdesk.server.url + "/payments")
    balances = Grid(parkdesk, "balances-grid").wait_until(lambda rows: len(rows) == 2)
    assert {row["number"] for row in balances} == {str(money["hotel"]), str(money["cleaning"])}
    assert {row["age"] for row in balances} == {"0", "40"}
    journal = Grid(parkdesk, "payments-grid").wait_until(lambda rows: len(rows) == 2)
    assert sorted(row["amount"] for row in journal) == ["6,000\u202f₽", "−1,000\u202f₽"]
    parkdesk.wait_for_contains_text("#payments-count", "2 entries · sum 5,000\u202f₽")
    parkdesk.wait_for_contains_text("#balances-count", "2 orders · balance due 16,500\u202f₽")

    parkdesk.wait_for_contains_text("#balances-bucket-figures-0-7", "1 order")
    click(parkdesk, "#balances-bucket-card-over-60")  # nothing is that old
    Grid(parkdesk, "balances-grid").wait_until(lambda rows: rows == [])
    parkdesk.wait_for_contains_text("#balances-count", "0 orders")
    assert "bucket=over-60" in parkdesk.driver.current_url
    # The chosen card is marked; every card keeps its figures.
    parkdesk.wait_for_class_to_equal(
        "#balances-bucket-card-over-60", "h-100 figure-card border-primary card"
    )
    parkdesk.wait_for_contains_text("#balances-bucket-figures-0-7", "1 order")
    assert parkdesk.get_logs() == []


def test_the_revenue_charts_follow_the_journals_period(parkdesk, money):
    """The charts are drawn once the journal shows rows, and again for a new period."""
    log_in(parkdesk, "accounting@parkdesk.local")
    parkdesk.driver.get(parkdesk.server.url + "/payments")
    Grid(parkdesk, "payments-grid").wait_until(lambda rows: len(rows) == 2)
    parkdesk.wait_for_contains_text("#payments-revenue", ": 5,000\u202f₽")
    parkdesk.wait_for_element("#payments-revenue-methods .barlayer .point")

    press(parkdesk, '[id*="last-month"]')  # the payments were made minutes ago
    Grid(parkdesk, "payments-grid").wait_until(lambda rows: rows == [])
    parkdesk.wait_for_contains_text("#payments-revenue", ": 0\u202f₽")
    assert parkdesk.get_logs() == []


def _downloaded(directory: str, timeout: float = 10) -> Path:
    """The CSV the browser downloaded, once it has written all of it: Chromium may name
    the file before its bytes are in (CI once read it empty), so until no partial
    download is left and the file has content."""
    found: list[Path] = []

    def done(_driver) -> bool:
        folder = Path(directory)
        found[:] = list(folder.glob("*.csv"))
        partial = list(folder.glob("*.crdownload"))
        return bool(found) and not partial and found[0].stat().st_size > 0

    WebDriverWait(None, timeout, poll_frequency=0.1).until(done, "no CSV was downloaded")
    return found[0]


def test_the_accountant_downloads_the_payments_journal(parkdesk, money):
    log_in(parkdesk, "accounting@parkdesk.local")
    parkdesk.driver.get(parkdesk.server.url + "/exports")
    # The link is a disabled button until its callback gives it the address.
    link = WebDriverWait(parkdesk.driver, 10).until(
        lambda driver: driver.find_element(By.CSS_SELECTOR, "a#exports-payments-link[href*='?']")
    )
    assert "/exports/payments.csv?" in link.get_attribute("href")
    assert "sep=%3B" in link.get_attribute("href")
    click(parkdesk, "#exports-payments-link")
    path = _downloaded(parkdesk.download_path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    first_line = data.decode("utf-8-sig").split("\r\n")[0]
    assert first_line == (
        "Paid at;Order;Customer;Service;Method;Kind;Amount;External number;Recorded by"
    )
    assert "-1000,00" in data.decode("utf-8-sig")
    assert parkdesk.get_logs() == []


@pytest.mark.parametrize("path", ["/payments", "/exports"])
def test_a_rental_manager_may_not_open_them(parkdesk, money, path):
    log_in(parkdesk, "rental@parkdesk.local")
    assert not parkdesk.driver.find_elements(By.ID, "nav-link-" + path.strip("/"))
    parkdesk.driver.get(parkdesk.server.url + path)
    parkdesk.wait_for_element("#page-forbidden")
    assert not parkdesk.driver.find_elements(
        By.CSS_SELECTOR, "#balances-grid, #exports-payments-link"
    )
    # The page load itself answers 403, which the browser logs; nothing else is logged.
    assert all("403 (FORBIDDEN)" in entry["message"] for entry in parkdesk.get_logs())

    # Inside the app (the router, no page load) the same page says the same.
    parkdesk.driver.get(parkdesk.server.url + "/")
    parkdesk.wait_for_element("#overview-figures")
    parkdesk.driver.execute_script(
        "window.history.pushState({}, '', arguments[0]);"
        "window.dispatchEvent(new PopStateEvent('popstate'));",
        path,
    )
    parkdesk.wait_for_element("#page-forbidden")
    assert not parkdesk.driver.find_elements(
        By.CSS_SELECTOR, "#balances-grid, #exports-payments-link"
    )
    assert parkdesk.get_logs() == []

"""Notifications in the navbar (SPEC §8, §9.3) in a real browser: the count, the list,
opening one (its order opens, the count drops), marking all read, from the keyboard
too, in English and Russian."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys

from services import orders
from tests.browser.conftest import click, log_in
from tests.factories import NOW


def _customer_writes(db, world, count: int) -> list[int]:
    """``count`` hotel orders, each with a customer's message: the rental desk hears."""
    numbers = []
    with db.write() as session:
        world.session = session
        for index in range(count):
            order = world.order("hotel", "confirmed", total=100_000, paid=100_000)
            orders.customer_message(session, order.number, f"Вопрос {index}", NOW)
            numbers.append(order.number)
    return numbers


def _items(duo) -> list:
    return duo.driver.find_elements("css selector", "#notifications-list .notifications-item")


def test_the_count_opens_the_list_and_an_item_opens_its_order(parkdesk, db, world):
    first, second, third = _customer_writes(db, world, 3)
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.wait_for_text_to_equal("#nav-notifications", "3", timeout=10)

    click(parkdesk, "#nav-notifications")
    parkdesk.wait_for_contains_text("#notifications-list", f"№{third}")
    items = _items(parkdesk)
    assert [item.text.splitlines()[0] for item in items] == [
        f"Unread The customer wrote on order №{n}." for n in (third, second, first)
    ]

    items[1].click()
    parkdesk.wait_for_element("#order-status")  # the order page
    parkdesk.wait_for_text_to_equal("#nav-notifications", "2", timeout=10)
    assert parkdesk.driver.current_url.endswith(f"/orders/{second}")

    click(parkdesk, "#nav-notifications")
    parkdesk.wait_for_contains_text("#notifications-list", f"№{second}")
    opened = _items(parkdesk)[1]
    assert not opened.text.startswith("Unread") and "unread" not in opened.get_attribute("class")

    click(parkdesk, "#notifications-read-all")
    parkdesk.wait_for_text_to_equal("#nav-notifications", "0", timeout=10)
    assert parkdesk.get_logs() == []


def test_the_list_from_the_keyboard_and_in_russian(parkdesk, db, world):
    [number] = _customer_writes(db, world, 1)
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.find_element("#nav-lang-ru").click()
    parkdesk.wait_for_text_to_equal("#nav-link-orders", "Заказы", timeout=10)
    parkdesk.wait_for_text_to_equal("#nav-notifications", "1", timeout=10)

    toggle = parkdesk.find_element(".notifications-toggle")
    toggle.send_keys(Keys.ENTER)
    parkdesk.wait_for_contains_text("#notifications-list", f"Клиент написал по заказу №{number}.")
    toggle.send_keys(Keys.ARROW_DOWN)  # the first entry
    focused = parkdesk.driver.switch_to.active_element
    assert "notifications-item" in focused.get_attribute("class")
    focused.send_keys(Keys.ENTER)
    parkdesk.wait_for_text_to_equal("#nav-notifications", "0", timeout=10)
    assert parkdesk.driver.current_url.endswith(f"/orders/{number}")

    click(parkdesk, "#nav-notifications")
    parkdesk.wait_for_text_to_equal("#notifications-read-all", "Отметить все как прочитанные")
    assert parkdesk.get_logs() == []


def test_no_notifications_says_so(parkdesk):
    log_in(parkdesk, "exec@parkdesk.local")
    parkdesk.wait_for_text_to_equal("#nav-notifications", "0", timeout=10)
    click(parkdesk, "#nav-notifications")
    parkdesk.wait_for_text_to_equal("#notifications-list", "No notifications")
    assert parkdesk.get_logs() == []


def test_the_count_follows_a_new_notification_without_a_reload(parkdesk, db, world):
    """A customer writes while the manager's page is open: the bell counts it within the
    live updates' 10 s, the page never reloaded (a marker set on the window survives)."""
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.wait_for_text_to_equal("#nav-notifications", "0", timeout=10)
    parkdesk.driver.execute_script("window.parkdeskNotReloaded = true;")

    [number] = _customer_writes(db, world, 1)
    parkdesk.wait_for_text_to_equal("#nav-notifications", "1", timeout=10)
    assert parkdesk.driver.execute_script("return window.parkdeskNotReloaded === true;")
    click(parkdesk, "#nav-notifications")
    parkdesk.wait_for_contains_text("#notifications-list", f"№{number}")
    assert parkdesk.get_logs() == []

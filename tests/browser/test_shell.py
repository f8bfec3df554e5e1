"""The shell in a real browser: login, the navbar per role, language, logout."""

from __future__ import annotations

import pytest

from tests.browser.conftest import click, log_in, log_out

# SPEC §1 (and the issues): which top-level pages each role may open.
NAV_BY_ROLE = {
    "admin@parkdesk.local": {
        "overview",
        "today",
        "orders",
        "tickets",
        "rooms",
        "floor",
        "occupancy",
        "payments",
        "events",
        "exports",
        "staff",
        "catalog",
        "people-import",
    },
    "rental@parkdesk.local": {
        "overview",
        "today",
        "orders",
        "tickets",
        "rooms",
        "floor",
        "occupancy",
    },
    "service@parkdesk.local": {"overview", "today", "orders"},
    "events@parkdesk.local": {"overview", "today", "events"},
    "exec@parkdesk.local": {
        "overview",
        "today",
        "orders",
        "tickets",
        "rooms",
        "floor",
        "occupancy",
        "payments",
    },
    "accounting@parkdesk.local": {"overview", "orders", "payments", "exports"},
}


def _nav_links(duo) -> set[str]:
    links = duo.driver.find_elements("css selector", "a[id^='nav-link-']")
    return {link.get_attribute("id").removeprefix("nav-link-") for link in links}


def test_each_role_sees_exactly_its_pages_in_the_navbar(parkdesk):
    for email, expected in NAV_BY_ROLE.items():
        log_in(parkdesk, email)
        assert _nav_links(parkdesk) == expected, email
        log_out(parkdesk)
    assert parkdesk.get_logs() == []


def test_rental_manager_logs_in_sees_the_name_and_logs_out(parkdesk):
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.wait_for_text_to_equal("#nav-user", "Анна Смирнова")
    parkdesk.find_element("#nav-link-tickets").click()
    parkdesk.wait_for_contains_text("h1", "Coworking tickets")
    log_out(parkdesk)
    parkdesk.driver.get(parkdesk.server.url + "/tickets")
    parkdesk.wait_for_element("#login-email")
    assert parkdesk.get_logs() == []


def test_a_wrong_password_shows_the_error(parkdesk):
    parkdesk.driver.get(parkdesk.server.url + "/login")
    parkdesk.wait_for_element("#login-email").send_keys("rental@parkdesk.local")
    parkdesk.find_element("#login-password").send_keys("nope")
    parkdesk.find_element("#login-submit").click()
    parkdesk.wait_for_contains_text("#login-error", "Wrong e-mail or password")


def test_switching_to_russian_relabels_the_app_and_is_remembered(parkdesk):
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.wait_for_text_to_equal("#nav-link-tickets", "Coworking tickets")
    parkdesk.find_element("#nav-lang-ru").click()
    parkdesk.wait_for_text_to_equal("#nav-link-tickets", "Билеты в коворкинг", timeout=10)
    assert parkdesk.find_element("#nav-link-orders").text == "Заказы"
    assert parkdesk.find_element("#logout").text == "Выйти"
    log_out(parkdesk)
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.wait_for_text_to_equal("#nav-link-orders", "Заказы")
    parkdesk.find_element("#nav-lang-en").click()
    parkdesk.wait_for_text_to_equal("#nav-link-orders", "Orders", timeout=10)
    assert parkdesk.get_logs() == []


@pytest.mark.parametrize("path", ["/payments"])
def test_a_forbidden_page_shows_no_access(parkdesk, path):
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.driver.get(parkdesk.server.url + path)
    parkdesk.wait_for_element("#page-forbidden")


def test_an_unknown_page_shows_not_found(parkdesk):
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.driver.get(parkdesk.server.url + "/nowhere")
    parkdesk.wait_for_element("#page-not-found")


# Counts the page's calls of Dash pages' router (the callback that draws _pages_content).
COUNT_ROUTER_CALLS = """
window.routerCalls = 0;
const fetchBefore = window.fetch;
window.fetch = function (url, options) {
    const body = options && typeof options.body === "string" ? options.body : "";
    if (String(url).includes("_dash-update-component") && body.includes("_pages_content")) {
        window.routerCalls += 1;
    }
    return fetchBefore(url, options);
};
"""


def test_a_page_opened_by_its_address_comes_with_the_first_layout(parkdesk):
    """Opened by its address, a page is in the app's first layout: the router is not
    asked for it. Links and the Back button still go through the router."""
    log_in(parkdesk, "admin@parkdesk.local")
    driver = parkdesk.driver
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_ROUTER_CALLS})
    driver.get(parkdesk.server.url + "/orders?status=new")
    parkdesk.wait_for_contains_text("#orders-count", "order")
    parkdesk.wait_for_contains_text("#orders-filter-status", "New")
    assert driver.title == "Orders · Parkdesk"
    assert driver.execute_script("return window.routerCalls;") == 0

    click(parkdesk, "#nav-link-tickets")
    parkdesk.wait_for_element("#tickets-grid")
    assert driver.execute_script("return window.routerCalls;") == 1
    driver.back()
    parkdesk.wait_for_element("#orders-grid")
    parkdesk.wait_for_contains_text("#orders-filter-status", "New")
    assert driver.current_url.endswith("/orders?status=new")
    assert driver.execute_script("return window.routerCalls;") == 2
    assert parkdesk.get_logs() == []

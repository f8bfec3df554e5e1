"""The Staff page in a real browser (SPEC §8, §9.2): an administrator adds a rental
manager through the contract ids, who then logs in; a role change and a deactivation
(asked for confirmation) through the account's form; a refusal read in words."""

from __future__ import annotations

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import click, log_in, log_out, press
from tests.browser.pages import Grid

EMAIL = "vera@parkdesk.local"
PASSWORD = "vera-2026"


def _open_staff(duo) -> Grid:
    duo.driver.get(duo.server.url + "/staff")
    grid = Grid(duo, "staff-grid")
    grid.wait_until(lambda rows: any("admin@parkdesk.local" in r.get("email", "") for r in rows))
    return grid


def _add(duo, email: str, name: str, role: str, password: str) -> None:
    click(duo, "#staff-add")
    duo.wait_for_element("#staff-email").send_keys(email)
    duo.find_element("#staff-name").send_keys(name)
    Select(duo.find_element("#staff-role")).select_by_value(role)
    duo.find_element("#staff-password").send_keys(password)
    click(duo, "#staff-save")


def _open_account(duo, grid: Grid, email: str) -> None:
    """Click the account's row; again if the grid redrew that row under the click (it
    does once more after a save)."""

    def opened(driver) -> bool:
        cells = driver.find_elements(
            "css selector",
            "#staff-grid .ag-center-cols-container .ag-row .ag-cell[col-id='email']",
        )
        cell = next((c for c in cells if c.text == email), None)
        if cell is not None:
            cell.click()
        shown = driver.find_elements("css selector", "#staff-deactivate")
        return bool(shown) and (
            driver.find_element("css selector", "#staff-email").get_attribute("value") == email
        )

    WebDriverWait(
        duo.driver,
        10,
        poll_frequency=0.3,
        ignored_exceptions=[StaleElementReferenceException, NoSuchElementException],
    ).until(opened)
    duo.wait_for_element("#staff-deactivate")  # the form is gone until it opens
    assert duo.find_element("#staff-email").get_attribute("value") == email


def test_an_admin_adds_a_rental_manager_who_then_logs_in(parkdesk):
    log_in(parkdesk, "admin@parkdesk.local")
    grid = _open_staff(parkdesk)

    _add(parkdesk, EMAIL, "Вера Новикова", "rental_manager", PASSWORD)

    parkdesk.wait_for_contains_text("#staff-feedback", EMAIL, timeout=10)
    rows = grid.wait_until(lambda rows: any(r.get("email") == EMAIL for r in rows))
    vera = next(r for r in rows if r["email"] == EMAIL)
    assert (vera["name"], vera["role"], vera["state"], vera["last_login"]) == (
        "Вера Новикова",
        "Rental manager",
        "Active",
        "—",
    )
    assert parkdesk.get_logs() == []

    log_out(parkdesk)
    log_in(parkdesk, EMAIL, PASSWORD)
    assert parkdesk.find_element("#nav-user").text.startswith("Вера Новикова")
    assert parkdesk.get_logs() == []


def test_an_admin_changes_a_role_and_deactivates_after_confirming(parkdesk):
    log_in(parkdesk, "admin@parkdesk.local")
    grid = _open_staff(parkdesk)

    _open_account(parkdesk, grid, "rental@parkdesk.local")
    Select(parkdesk.find_element("#staff-role")).select_by_value("service_manager")
    press(parkdesk, "#staff-save")
    parkdesk.wait_for_contains_text("#staff-feedback", "Service manager", timeout=10)
    grid.wait_until(
        lambda rows: any(
            r.get("email") == "rental@parkdesk.local" and r.get("role") == "Service manager"
            for r in rows
        )
    )

    _open_account(parkdesk, grid, "rental@parkdesk.local")
    click(parkdesk, "#staff-deactivate")
    parkdesk.wait_for_contains_text("#staff-confirm", "logged out everywhere")
    press(parkdesk, "#staff-deactivate-confirm")
    parkdesk.wait_for_contains_text("#staff-feedback", "deactivated", timeout=10)
    grid.wait_until(
        lambda rows: any(
            r.get("email") == "rental@parkdesk.local" and r.get("state") == "Deactivated"
            for r in rows
        )
    )
    assert parkdesk.get_logs() == []

    log_out(parkdesk)
    parkdesk.driver.get(parkdesk.server.url + "/login")
    parkdesk.wait_for_element("#login-email").send_keys("rental@parkdesk.local")
    parkdesk.find_element("#login-password").send_keys("demo")
    parkdesk.find_element("#login-submit").click()
    parkdesk.wait_for_contains_text("#login-error", "Wrong e-mail or password", timeout=10)


def test_a_weak_password_is_refused_in_words_and_nothing_is_added(parkdesk):
    log_in(parkdesk, "admin@parkdesk.local")
    grid = _open_staff(parkdesk)
    _add(parkdesk, EMAIL, "Вера Новикова", "rental_manager", "abc")
    parkdesk.wait_for_contains_text("#staff-feedback", "The password is too short.", timeout=10)
    assert parkdesk.find_element("#staff-email").get_attribute("value") == EMAIL  # form stays
    assert EMAIL not in grid.column("email")
    assert parkdesk.get_logs() == []


def test_an_account_opens_from_the_keyboard(parkdesk):
    """Space on a focused row selects it, and that opens the account."""
    from selenium.webdriver.common.keys import Keys

    log_in(parkdesk, "admin@parkdesk.local")
    _open_staff(parkdesk)
    cells = parkdesk.driver.find_elements(
        "css selector", "#staff-grid .ag-center-cols-container .ag-cell[col-id='email']"
    )
    cell = next(c for c in cells if c.text == "exec@parkdesk.local")
    parkdesk.driver.execute_script("arguments[0].focus();", cell)
    cell.send_keys(Keys.SPACE)
    parkdesk.wait_for_element("#staff-deactivate")
    assert parkdesk.find_element("#staff-email").get_attribute("value") == "exec@parkdesk.local"
    assert parkdesk.get_logs() == []

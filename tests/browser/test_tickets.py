"""The rental manager's tickets list and ticket page in a real browser (issue: tickets)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import log_in
from tests.browser.pages import Grid


@pytest.fixture
def desk(db, world):
    """Tickets around the real clock: confirmed tomorrow, active now, new, and done."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with db.write() as session:
        world.session = session
        smirnova = world.person("Смирнова", "Ольга", "+7 916 444-55-66")
        numbers = {
            "confirmed": world.coworking(
                "confirmed", start=now + timedelta(days=1), seat=world.seats[0]
            ),
            "active": world.coworking(
                "confirmed", start=now - timedelta(hours=1), seat=world.seats[1]
            ),
            "new": world.coworking("new", start=now + timedelta(days=2), seat=world.seats[2]),
            # Over, and its order done by the sweep (seed 004: only then is it done).
            "done": world.coworking(
                "done", start=now - timedelta(days=3), seat=world.seats[0], paid=150_000
            ),
        }
        from models import CoworkingTicket

        ticket = session.query(CoworkingTicket).filter_by(number=numbers["active"]).one()
        ticket.visitor_id = smirnova
    return numbers


def _open_tickets(duo, query: str = "") -> Grid:
    duo.driver.get(duo.server.url + "/tickets" + query)
    grid = Grid(duo, "tickets-grid")
    grid.wait_until(lambda rows: len(rows) >= 1)
    return grid


def test_filters_narrow_the_list_survive_a_reload_and_reset(parkdesk, desk):
    log_in(parkdesk, "rental@parkdesk.local")
    grid = _open_tickets(parkdesk)
    grid.wait_until(lambda rows: len(rows) == 4)
    parkdesk.wait_for_text_to_equal("#tickets-count", "4 tickets")

    parkdesk.find_element("#tickets-filter-visitor").send_keys("смирн")
    rows = grid.wait_until(lambda rows: len(rows) == 1)
    assert rows[0]["visitor"] == "Смирнова Ольга"
    parkdesk.wait_for_text_to_equal("#tickets-count", "1 ticket")
    assert "visitor=%D1%81%D0%BC%D0%B8%D1%80%D0%BD" in parkdesk.driver.current_url

    parkdesk.clear_input("#tickets-filter-visitor")
    grid.wait_until(lambda rows: len(rows) == 4)
    parkdesk.driver.find_element(
        By.XPATH, "//*[@id='tickets-filter-status']//label[text()='Confirmed']"
    ).click()
    rows = grid.wait_until(lambda rows: len(rows) == 1)
    assert rows[0]["number"] == str(desk["confirmed"])
    assert rows[0]["status"] == "Confirmed"
    assert "status=confirmed" in parkdesk.driver.current_url

    parkdesk.driver.refresh()
    rows = grid.wait_until(lambda rows: len(rows) == 1)
    assert rows[0]["number"] == str(desk["confirmed"])
    parkdesk.wait_for_text_to_equal("#tickets-count", "1 ticket")

    parkdesk.find_element("#tickets-filter-reset").click()
    grid.wait_until(lambda rows: len(rows) == 4)
    assert parkdesk.find_element("#tickets-filter-visitor").get_attribute("value") == ""
    assert parkdesk.get_logs() == []


def test_a_status_in_the_url_filters_and_a_row_opens_its_ticket(parkdesk, desk):
    log_in(parkdesk, "rental@parkdesk.local")
    grid = _open_tickets(parkdesk, "?status=active")
    rows = grid.wait_until(lambda rows: len(rows) == 1)
    assert rows[0]["number"] == str(desk["active"])
    parkdesk.find_element(
        f"#tickets-grid .ag-row[row-id='{desk['active']}'] [col-id='visitor']"
    ).click()
    parkdesk.wait_for_text_to_equal("#ticket-status", "Active")
    assert parkdesk.driver.current_url.endswith(f"/tickets/{desk['active']}")
    assert parkdesk.get_logs() == []


def test_validate_then_reset_a_confirmed_ticket(parkdesk, desk):
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.driver.get(f"{parkdesk.server.url}/tickets/{desk['confirmed']}")
    parkdesk.wait_for_text_to_equal("#ticket-validated-by", "—")
    parkdesk.find_element("#ticket-validate").click()
    parkdesk.wait_for_text_to_equal("#ticket-validated-by", "Анна Смирнова")
    assert parkdesk.find_element("#ticket-validated-at").text != "—"
    parkdesk.wait_for_contains_text("#ticket-feedback", "identity is checked")
    assert not parkdesk.driver.find_elements(By.ID, "ticket-validate")
    parkdesk.wait_for_contains_text("#ticket-audit", "Identity checked")

    parkdesk.find_element("#ticket-reset-validation").click()
    parkdesk.wait_for_text_to_equal("#ticket-validated-by", "—")
    parkdesk.wait_for_element("#ticket-validate")
    assert parkdesk.get_logs() == []


def test_change_the_seat_to_a_free_one_and_find_it_in_the_list(parkdesk, desk):
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.driver.get(f"{parkdesk.server.url}/tickets/{desk['confirmed']}")
    parkdesk.wait_for_text_to_equal("#ticket-seat", "Seat 1")
    parkdesk.find_element("#ticket-change-seat").click()
    parkdesk.wait_for_element("#ticket-seat-select option")
    select = Select(parkdesk.find_element("#ticket-seat-select"))
    assert [o.text for o in select.options if o.get_attribute("value")] == [
        "Open Space · Seat 2",
        "Open Space · Seat 3",
        "Open Space · Seat 4",
    ]
    select.select_by_visible_text("Open Space · Seat 4")
    parkdesk.find_element("#ticket-seat-save").click()
    parkdesk.wait_for_text_to_equal("#ticket-seat", "Seat 4")
    parkdesk.wait_for_contains_text("#ticket-feedback", "seat is changed")

    grid = _open_tickets(parkdesk, f"?number={desk['confirmed']}")
    rows = grid.wait_until(lambda rows: len(rows) == 1)
    assert rows[0]["seat"] == "Seat 4"
    assert parkdesk.get_logs() == []


def test_a_new_ticket_offers_no_validation(parkdesk, desk):
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.driver.get(f"{parkdesk.server.url}/tickets/{desk['new']}")
    parkdesk.wait_for_text_to_equal("#ticket-status", "New")
    assert not parkdesk.driver.find_elements(By.ID, "ticket-validate")
    assert parkdesk.driver.find_elements(By.ID, "ticket-change-seat")
    assert parkdesk.get_logs() == []


def test_an_executive_sees_the_ticket_without_any_action(parkdesk, desk):
    log_in(parkdesk, "exec@parkdesk.local")
    parkdesk.driver.get(f"{parkdesk.server.url}/tickets/{desk['confirmed']}")
    parkdesk.wait_for_text_to_equal("#ticket-status", "Confirmed")
    for button in (
        "ticket-validate",
        "ticket-reset-validation",
        "ticket-change-seat",
        "ticket-change-visitor",
    ):
        assert not parkdesk.driver.find_elements(By.ID, button)
    assert "+7" not in parkdesk.find_element("#ticket-body").text
    assert parkdesk.get_logs() == []


def test_an_unknown_ticket_number_shows_not_found(parkdesk, desk):
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.driver.get(f"{parkdesk.server.url}/tickets/99999999")
    parkdesk.wait_for_contains_text("#ticket-body", "There is no ticket number 99999999")
    assert parkdesk.get_logs() == []


def test_a_filter_that_matches_nothing_says_so_in_the_users_language(parkdesk, desk):
    log_in(parkdesk, "rental@parkdesk.local")
    parkdesk.driver.get(parkdesk.server.url + "/tickets?visitor=никого")
    parkdesk.wait_for_text_to_equal("#tickets-count", "0 tickets")
    parkdesk.wait_for_text_to_equal("#tickets-grid .ag-overlay", "Nothing matches these filters.")
    parkdesk.find_element("#nav-lang-ru").click()
    parkdesk.wait_for_text_to_equal("#nav-link-tickets", "Билеты в коворкинг", timeout=10)
    parkdesk.wait_for_text_to_equal(
        "#tickets-grid .ag-overlay", "По этим фильтрам ничего не найдено."
    )
    assert parkdesk.find_element("#tickets-filter-visitor").get_attribute("value") == "никого"
    assert parkdesk.get_logs() == []
